import MarketData

/// The `Symbol`s of recent lines, keyed by their bytes, so a symbol seen before costs a hash and a
/// 16-byte compare instead of building (and UTF-8 validating) a `String` per line.
///
/// Symbols of 1...15 bytes are cached (longer ones are built each time). The key is the bytes
/// themselves (two words, zero-padded) with the length in the top byte, so a hit is exact: there
/// are no false matches, only misses. 2-way set associative, 2,048 sets (128 KB, allocated on the
/// first lookup): a miss puts the symbol in the set's first way and moves the previous one to the
/// second, so the two most recent symbols of a set stay.
@usableFromInline
struct Level1SymbolCache: Sendable {
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var lo: UInt64
        /// Bytes 8...14 and the length (top byte); 0 for an empty entry.
        @usableFromInline var hi: UInt64
        @usableFromInline var symbol: Symbol
    }

    @usableFromInline static let setBits = 11
    @usableFromInline var entries: [Entry] = []
    /// Per entry, the `PriceShape.table` index of the symbol's last price (0: none yet).
    @usableFromInline var shapes: [UInt8] = []
    /// Symbols put in the cache (lookups of a valid symbol of 1...15 bytes that missed), for tests.
    @usableFromInline var misses: UInt64 = 0

    @usableFromInline init() {}

    /// The symbol field at `p + at` of a padded line (see `L1Field`: it ends with a comma and 16 zero
    /// bytes follow) and the offset after its comma; nil when the field is missing or breaks the
    /// `Symbol(bytes:)` rules (1...64 bytes of printable ASCII without space). Bytes are checked only
    /// when the symbol is not in the cache: a hit is exact, so its bytes were checked when it went in.
    @inlinable @inline(__always)
    mutating func symbol(_ p: UnsafePointer<UInt8>, at: Int, end m: Int) -> (symbol: Symbol, next: Int, slot: Int)? {
        let w0 = Scan.word(p + at)
        let c0 = Scan.zeroByteFlags(w0 ^ 0x2C2C_2C2C_2C2C_2C2C)
        var lo = w0, hi: UInt64 = 0, count: Int
        if c0 != 0 {
            count = c0.trailingZeroBitCount &>> 3
            if count == 0 { return nil }
            lo &= (1 &<< UInt64(count &* 8)) &- 1
        } else {
            let w1 = Scan.word(p + (at &+ 8))
            let c1 = Scan.zeroByteFlags(w1 ^ 0x2C2C_2C2C_2C2C_2C2C)
            if c1 == 0 { return longSymbol(p, at: at, end: m) }
            let k = c1.trailingZeroBitCount &>> 3
            count = 8 &+ k
            hi = w1 & ((1 &<< UInt64(k &* 8)) &- 1)
        }
        hi |= UInt64(count) &<< 56
        let h = (lo &* 0x9E37_79B9_7F4A_7C15) ^ (hi &* 0xC2B2_AE3D_27D4_EB4F)
        let set = Int(truncatingIfNeeded: h &>> UInt64(64 &- Self.setBits)) &<< 1
        if set < entries.count {
            if entries[set].lo == lo && entries[set].hi == hi { return (entries[set].symbol, at &+ count &+ 1, set) }
            if entries[set &+ 1].lo == lo && entries[set &+ 1].hi == hi { return (entries[set &+ 1].symbol, at &+ count &+ 1, set &+ 1) }
        }
        guard let s = miss(lo, hi, set, p, at: at, count: count) else { return nil }
        return (s, at &+ count &+ 1, set)
    }

    /// A symbol of 16 bytes or more (not cached), or a missing field.
    @usableFromInline @inline(never)
    func longSymbol(_ p: UnsafePointer<UInt8>, at: Int, end m: Int) -> (symbol: Symbol, next: Int, slot: Int)? {
        guard let j = L1Field.comma(p, at, m), let s = Self.build(p, at: at, count: j &- at) else { return nil }
        return (s, j &+ 1, -1)
    }

    /// A symbol not in the cache: checked, built and put in (nil when the bytes are not a symbol).
    @usableFromInline @inline(never)
    mutating func miss(_ lo: UInt64, _ hi: UInt64, _ set: Int, _ p: UnsafePointer<UInt8>, at: Int, count: Int) -> Symbol? {
        guard let s = Self.build(p, at: at, count: count) else { return nil }
        return insert(lo, hi, set, s)
    }

    /// The bytes `p[at..<at+count]` as a `Symbol`, checked; nil when they break its rules.
    static func build(_ p: UnsafePointer<UInt8>, at: Int, count: Int) -> Symbol? {
        let f = UnsafeRawBufferPointer(start: p + at, count: count)
        guard (try? Symbol.validate(f)) != nil else { return nil }
        return Symbol(unchecked: String(decoding: f, as: UTF8.self))
    }

    @usableFromInline
    mutating func insert(_ lo: UInt64, _ hi: UInt64, _ set: Int, _ s: Symbol) -> Symbol {
        if entries.isEmpty {
            entries = Array(repeating: Entry(lo: 0, hi: 0, symbol: s), count: 2 &<< Self.setBits)
            shapes = Array(repeating: 0, count: 2 &<< Self.setBits)
        }
        misses &+= 1
        entries[set &+ 1] = entries[set]
        entries[set] = Entry(lo: lo, hi: hi, symbol: s)
        shapes[set &+ 1] = shapes[set]
        shapes[set] = 0
        return s
    }

    /// The price shape kept for the entry at `slot` (a slot `symbol` returned).
    @inlinable @inline(__always)
    func shape(at slot: Int) -> UInt8 { shapes[slot] & 63 }  // an index into the 64-entry table, whatever is stored

    @inlinable @inline(__always)
    mutating func setShape(_ shape: UInt8, at slot: Int) { shapes[slot] = shape }
}
