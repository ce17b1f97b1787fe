import MarketData

/// The `Symbol`s of recent lines, keyed by their bytes, so a symbol seen before costs a hash and a
/// 16-byte compare instead of building (and UTF-8 validating) a `String` per line.
///
/// Symbols of 1...15 bytes are cached (longer ones are built each time). The key is the bytes
/// themselves (two words, zero-padded) with the length in the top byte, so a hit is exact: there
/// are no false matches, only misses. 2-way set associative, 2,048 sets (64 KB, allocated on the
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
    /// Symbols built (lookups that missed), for tests.
    @usableFromInline var misses: UInt64 = 0

    @usableFromInline init() {}

    /// The symbol of `p[at..<at+count]`, bytes already checked by `Symbol(bytes:)` rules; `end` bounds
    /// the reads (the line's byte count).
    @inlinable @inline(__always)
    mutating func symbol(_ p: UnsafePointer<UInt8>, at: Int, count: Int, end: Int) -> Symbol {
        if count > 15 {
            return Symbol(unchecked: String(decoding: UnsafeRawBufferPointer(start: p + at, count: count), as: UTF8.self))
        }
        var lo = Scan.load8(p, at, end: end)
        var hi = count > 8 ? Scan.load8(p, at &+ 8, end: end) : 0
        if count < 8 { lo &= (1 &<< UInt64(count &* 8)) &- 1 }
        if count > 8 { hi &= (1 &<< UInt64((count &- 8) &* 8)) &- 1 }
        hi |= UInt64(count) &<< 56
        return lookup(lo, hi, p, at, count)
    }

    @inlinable @inline(__always)
    mutating func lookup(_ lo: UInt64, _ hi: UInt64, _ p: UnsafePointer<UInt8>, _ at: Int, _ count: Int) -> Symbol {
        let h = (lo &* 0x9E37_79B9_7F4A_7C15) ^ (hi &* 0xC2B2_AE3D_27D4_EB4F)
        let set = Int(truncatingIfNeeded: h &>> UInt64(64 &- Self.setBits)) &<< 1
        if set < entries.count {
            if entries[set].lo == lo && entries[set].hi == hi { return entries[set].symbol }
            if entries[set &+ 1].lo == lo && entries[set &+ 1].hi == hi { return entries[set &+ 1].symbol }
        }
        return insert(lo, hi, set, Symbol(unchecked: String(decoding: UnsafeRawBufferPointer(start: p + at, count: count), as: UTF8.self)))
    }

    @usableFromInline
    mutating func insert(_ lo: UInt64, _ hi: UInt64, _ set: Int, _ s: Symbol) -> Symbol {
        if entries.isEmpty {
            entries = Array(repeating: Entry(lo: 0, hi: 0, symbol: s), count: 2 &<< Self.setBits)
        }
        misses &+= 1
        entries[set &+ 1] = entries[set]
        entries[set] = Entry(lo: lo, hi: hi, symbol: s)
        return s
    }
}
