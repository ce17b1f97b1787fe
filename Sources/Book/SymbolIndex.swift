import MarketData

/// Symbol -> book slot, built for one lookup per update.
///
/// A symbol of at most 15 ASCII bytes (every real IQFeed symbol) is packed into two words: bytes 0-7,
/// bytes 8-14 and the length in the top byte. Those words are the key of an open-addressing table
/// (linear probing, at most half full, power-of-two size) with a multiplicative hash, so a lookup is a
/// few loads and compares instead of SipHash over the String plus a String compare. Longer or non-ASCII
/// symbols (valid symbols are ASCII) go to a plain dictionary.
///
/// Non-ASCII text is compared by bytes in neither path that matters: a `Symbol(unchecked:)` spelling that
/// Swift's String equality would call equal to an ASCII symbol (e.g. U+212A KELVIN SIGN vs "K") gets its own slot.
@usableFromInline
struct SymbolIndex: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var w0: UInt64
        @usableFromInline var w1: UInt64
        /// The book slot; -1 marks a free entry.
        @usableFromInline var slot: Int

        @inlinable init(w0: UInt64, w1: UInt64, slot: Int) { self.w0 = w0; self.w1 = w1; self.slot = slot }
        @usableFromInline static let free = Entry(w0: 0, w1: 0, slot: -1)
    }

    @usableFromInline var entries: [Entry]
    /// `64 - log2(entries.count)`: the hash's top bits pick the home entry.
    @usableFromInline var shift: UInt64
    @usableFromInline var packedCount = 0
    @usableFromInline var long: [Symbol: Int] = [:]
    /// `inlineLayoutHolds`, copied here so a lookup does not pay for the lazy global's once-check.
    @usableFromInline let inline: Bool

    @usableFromInline
    init(capacity: Int) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        entries = Array(repeating: .free, count: n)
        shift = UInt64(64 - n.trailingZeroBitCount)
        inline = SymbolIndex.inlineLayoutHolds
    }

    @inlinable var count: Int { packedCount + long.count }

    // MARK: packing

    /// Up to 8 bytes at `p` as a little-endian word (zero above `n`), by at most two overlapping loads.
    @inlinable @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        if n >= 4 {
            if n == 8 { return UInt64(littleEndian: p.loadUnaligned(as: UInt64.self)) }
            let lo = UInt64(UInt32(littleEndian: p.loadUnaligned(as: UInt32.self)))
            let hi = UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)))
            return lo | hi << UInt64((n - 4) * 8)
        }
        if n >= 2 {
            let lo = UInt64(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
            let hi = UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: n - 2, as: UInt16.self)))
            return lo | hi << UInt64((n - 2) * 8)
        }
        return n == 1 ? UInt64(p.load(as: UInt8.self)) : 0
    }

    /// The two key words of a symbol of at most 15 ASCII bytes; nil for any other.
    @inlinable @inline(__always)
    static func pack(_ bytes: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64)? {
        let n = bytes.count
        guard n <= 15, let base = bytes.baseAddress else { return n == 0 ? (0, 0) : nil }
        let p = UnsafeRawPointer(base)
        let w0 = load(p, Swift.min(n, 8))
        let w1 = n > 8 ? load(p + 8, n - 8) : 0
        if (w0 | w1) & 0x8080_8080_8080_8080 != 0 { return nil }
        return (w0, w1 | UInt64(n) << 56)
    }

    /// The key words of a symbol (`inline`: `inlineLayoutHolds`, read once per index, not per lookup).
    @inlinable @inline(__always)
    static func pack(_ s: Symbol, inline: Bool) -> (UInt64, UInt64)? {
        if inline, let r = packInline(s.text) { return r }
        return packSlow(s)
    }

    @usableFromInline @inline(never)
    static func packSlow(_ s: Symbol) -> (UInt64, UInt64)? {
        if let r = s.text.utf8.withContiguousStorageIfAvailable({ pack($0) }) { return r }
        return Array(s.text.utf8).withUnsafeBufferPointer { pack($0) }
    }

    /// The key words read straight from a String's own two words when it is a small ASCII string (at most
    /// 15 bytes held inline on 64-bit platforms: bytes 0-7 in the first word, bytes 8-14 and a discriminator
    /// byte `0xE0 | count` in the second, unused bytes zero), so a lookup does not go through the UTF-8 view.
    /// nil for any other representation (or when `inlineLayoutHolds` found a different layout at start-up):
    /// the caller then packs through the UTF-8 view, which gives the same words.
    @inlinable @inline(__always)
    static func packInline(_ text: String) -> (UInt64, UInt64)? {
        let (w0, w1) = withUnsafeBytes(of: text) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        }
        guard w1 >> 60 == 0xE else { return nil }
        // Small ASCII: replace the discriminator nibble by nothing, leaving the count in the top byte.
        return (w0, w1 & 0x0FFF_FFFF_FFFF_FFFF)
    }

    /// True when this platform's small strings have the layout `packInline` reads (checked once on a few samples
    /// against the UTF-8 view; 64-bit little-endian only).
    @usableFromInline static let inlineLayoutHolds: Bool = {
        guard MemoryLayout<String>.size == 16, UInt64(1).littleEndian == 1 else { return false }
        for sample in ["A", "@ESM26", "ABCDEFGH", "ABCDEFGHIJKLMNO", "S1999"] {
            let text = String(decoding: Array(sample.utf8), as: UTF8.self)
            let (w0, w1) = withUnsafeBytes(of: text) { raw in
                (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self), raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
            }
            guard w1 >> 60 == 0xE, let want = Array(sample.utf8).withUnsafeBufferPointer({ pack($0) }),
                  want == (w0, w1 & 0x0FFF_FFFF_FFFF_FFFF) else { return false }
        }
        return true
    }()

    @inlinable @inline(__always)
    func home(_ w0: UInt64, _ w1: UInt64) -> Int {
        Int(truncatingIfNeeded: ((w0 ^ (w1 &* 0x9E37_79B9_7F4A_7C15)) &* 0xD6E8_FEB8_6659_FD93) >> shift)
    }

    /// The entry holding the key, or the free entry where it would go.
    @inlinable @inline(__always)
    func probe(_ w0: UInt64, _ w1: UInt64) -> Int {
        let mask = entries.count - 1
        return entries.withUnsafeBufferPointer { e in
            var i = home(w0, w1)
            while true {
                let x = e[i]
                if x.slot < 0 || (x.w0 == w0 && x.w1 == w1) { return i }
                i = (i &+ 1) & mask
            }
        }
    }

    // MARK: use

    @inlinable
    func slot(_ s: Symbol) -> Int? {
        guard let (w0, w1) = SymbolIndex.pack(s, inline: inline) else { return long[s] }
        let i = probe(w0, w1)
        return entries.withUnsafeBufferPointer { e in e[i].slot < 0 ? nil : e[i].slot }
    }

    /// Adds a symbol not yet present, or moves a present one to `slot`.
    @usableFromInline
    mutating func set(_ s: Symbol, slot: Int) {
        guard let (w0, w1) = SymbolIndex.pack(s, inline: inline) else { long[s] = slot; return }
        let i = probe(w0, w1)
        if entries[i].slot >= 0 { entries[i].slot = slot; return }
        if (packedCount + 1) * 2 > entries.count {
            grow()
            entries[probe(w0, w1)] = Entry(w0: w0, w1: w1, slot: slot)
        } else {
            entries[i] = Entry(w0: w0, w1: w1, slot: slot)
        }
        packedCount += 1
    }

    /// Forgets a symbol; returns its slot.
    @usableFromInline
    mutating func remove(_ s: Symbol) -> Int? {
        guard let (w0, w1) = SymbolIndex.pack(s, inline: inline) else { return long.removeValue(forKey: s) }
        var i = probe(w0, w1)
        let slot = entries[i].slot
        guard slot >= 0 else { return nil }
        // Backward-shift deletion: pull later entries of the probe run into the hole when their home allows.
        let mask = entries.count - 1
        var j = i
        while true {
            j = (j + 1) & mask
            let x = entries[j]
            if x.slot < 0 { break }
            let h = home(x.w0, x.w1)
            // Move x to the hole at i unless its home lies cyclically in (i, j].
            let inRun = i <= j ? (h > i && h <= j) : (h > i || h <= j)
            if !inRun { entries[i] = x; i = j }
        }
        entries[i] = .free
        packedCount -= 1
        return slot
    }

    @usableFromInline
    mutating func grow() {
        let old = entries
        entries = Array(repeating: .free, count: old.count * 2)
        shift -= 1
        for x in old where x.slot >= 0 { entries[probe(x.w0, x.w1)] = x }
    }
}
