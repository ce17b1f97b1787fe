extension Scan {
    /// The 8 bytes at `p` (any alignment) as a little-endian word: one load, once inlined.
    ///
    /// Every 8-byte read of this module's parsers and framer goes through here. When the L1 fast path was one very large
    /// function the SIL inliner stopped inlining `loadUnaligned` into it, and each read became a call
    /// that spilled the caller's registers; check `objdump -d` for `call ...loadUnaligned` after growing
    /// a parser. (A `memcpy` into a local is always one load, but the local's address brings the stack
    /// protector's canary check into every function that reads a word: +90 instructions per L2 line.)
    @_transparent @usableFromInline
    static func word(_ p: UnsafeRawPointer) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
    }
}

extension Scan {
    /// The top bit of the first (lowest) byte of `x` that is 0 is set exactly; bytes after it may be
    /// flagged falsely (a borrow out of the 0 byte), so only `trailingZeroBitCount` of the result is
    /// meaningful, and 0 means no byte is 0. One instruction shorter than `zeroByteFlags`.
    @inlinable @inline(__always)
    static func firstZeroByteFlag(_ x: UInt64) -> UInt64 {
        (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }

    /// The value of an ASCII hex digit (`0-9`, `A-F`, `a-f`); nil for any other byte.
    @inlinable @inline(__always)
    static func hexDigit(_ b: UInt8) -> UInt8? {
        if b &- 48 <= 9 { return b &- 48 }
        if b &- 65 <= 5 { return b &- 55 }
        if b &- 97 <= 5 { return b &- 87 }
        return nil
    }

    /// The top bit of each byte of `x` that is 0, exactly (no false flags after a 0 byte, unlike the
    /// shorter `(x - 0x01...) & ~x` form): XOR a word with a byte repeated to find that byte.
    @inlinable @inline(__always)
    static func zeroByteFlags(_ x: UInt64) -> UInt64 {
        ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }
}
