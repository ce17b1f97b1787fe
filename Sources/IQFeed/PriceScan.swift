// The 16-byte price reader of the Level 1 fast path: the common unsigned shapes `ddd.dddd`,
// `dd.dd`, `12`, `5.` (at most 7 integer and 7 fraction digits) followed by a comma, from two
// 8-byte loads and no byte-at-a-time work. Anything else answers "not mine" and the caller's exact
// reader decides, so this never produces a value the exact path would not.

/// What `Scan.price16` found at a field's start.
@usableFromInline
enum Price16 {
    /// A price (`raw` in Price units); the field's comma is at `comma`.
    case value(raw: Int64, comma: Int)
    /// An empty field (the byte at the start is a comma).
    case empty
    /// Any other shape: use the exact reader.
    case other
}

extension Scan {
    /// The SWAR "not a digit" flags of a word: the top bit of each byte whose value is not `0`...`9`
    /// (of `x`, the word XOR `0x30` in every byte).
    @inlinable @inline(__always)
    static func nonDigitFlags(_ x: UInt64) -> UInt64 {
        // A byte is a digit iff x (byte ^ 0x30) <= 9: then neither x nor x + 0x76 has the top bit.
        // A carry out of a non-digit byte only reaches later bytes, so the first flagged byte is exact.
        ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
    }

    /// The value of the 8 digit bytes of `x` (each byte 0...9, first byte most significant).
    @inlinable @inline(__always)
    static func value8(_ x: UInt64) -> UInt64 {
        var v = x
        v = (v &* 10 &+ (v &>> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v &>> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10_000 &+ (v &>> 32)) & 0xFFFF_FFFF
        return v
    }

    /// The price field at line offset `s` whose 16 bytes are `w0`, `w1` (little-endian; bytes past the line's
    /// end must be 0): `d{0,7}` or `d{0,7}.d{0,7}` (at least one digit) followed by a comma. `.empty` when the
    /// first byte is a comma; `.other` for anything else (a sign, 8 or more digits in a run, a missing comma,
    /// a stray byte), including the end of the line inside the 16 bytes (a 0 byte is no comma).
    @inlinable @inline(__always)
    static func price16(_ w0: UInt64, _ w1: UInt64, _ s: Int) -> Price16 {
        let x0 = w0 ^ 0x3030_3030_3030_3030
        let il = nonDigitFlags(x0).trailingZeroBitCount &>> 3  // 0...8
        if il == 8 { return .other }
        let ib = il &* 8
        // The integer digits (the low `il` bytes), the rest zero: value8 gives int * 10^(8 - il), so
        // * 10^(1 + il) (= scale(8 - il)) is int in Price units. The fraction digits go right after them.
        let id = x0 & ((1 &<< UInt64(ib)) &- 1)
        let unit = scale(8 &- il)
        let sep = (w0 &>> UInt64(ib)) & 0xFF
        if sep == 44 {
            if il == 0 { return .empty }
            return .value(raw: Int64(value8(id)) &* unit, comma: s &+ il)
        }
        if sep != 46 { return .other }
        // The 8 bytes after the dot: bytes il+1... of w0, then w1 (w0 >> 64 done as >> 8 >> 56).
        let f = ((w0 &>> 8) &>> UInt64(ib)) | (w1 &<< UInt64(56 &- ib))
        let xf = f ^ 0x3030_3030_3030_3030
        let fl = nonDigitFlags(xf).trailingZeroBitCount &>> 3
        if fl == 8 || il &+ fl == 0 { return .other }
        let fb = fl &* 8
        if (f &>> UInt64(fb)) & 0xFF != 44 { return .other }
        let fd = xf & ((1 &<< UInt64(fb)) &- 1)
        let comma = s &+ il &+ 1 &+ fl
        if il &+ fl <= 8 {
            // One conversion: int digits then fraction digits, zero-padded: (int * 10^fl + frac) * 10^(8 - il - fl).
            return .value(raw: Int64(value8(id | fd &<< UInt64(ib))) &* unit, comma: comma)
        }
        // More than 8 digits: two conversions (the fraction zero-padded is frac * 10^(8 - fl)).
        return .value(raw: Int64(value8(id)) &* unit &+ Int64(value8(fd)) &* 10, comma: comma)
    }
}

extension Scan {
    /// `price16` on `p[s..<s+16]` (all readable).
    @inlinable @inline(__always)
    static func price16(_ p: UnsafePointer<UInt8>, _ s: Int) -> Price16 {
        price16(Scan.word(p + s),
                Scan.word(p + (s &+ 8)), s)
    }
}
