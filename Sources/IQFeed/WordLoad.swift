#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Scan {
    /// The 8 bytes at `p` (any alignment) as a little-endian word.
    ///
    /// A `memcpy` of a constant 8 bytes, which LLVM turns into one load. `loadUnaligned(as:)` compiles
    /// to the same load, but only when the SIL inliner inlines it: in a function as large as the L1 fast
    /// path the inliner stops, and each read became an out-of-line call that also spilled the caller's
    /// registers (14 calls per `Q` line).
    @_transparent @usableFromInline
    static func word(_ p: UnsafeRawPointer) -> UInt64 {
        var v: UInt64 = 0
        memcpy(&v, p, 8)
        return UInt64(littleEndian: v)
    }
}

extension Scan {
    /// The top bit of each byte of `x` that is 0, exactly (no false flags after a 0 byte, unlike the
    /// shorter `(x - 0x01...) & ~x` form): XOR a word with a byte repeated to find that byte.
    @inlinable @inline(__always)
    static func zeroByteFlags(_ x: UInt64) -> UInt64 {
        ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x) & 0x8080_8080_8080_8080
    }
}
