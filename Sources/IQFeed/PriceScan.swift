// The price readers of the Level 1 fast path. `Scan.shapedPrice` checks a guessed shape
// (`PriceShape`: `d{il}.d{fl}` and a comma) in a few word operations. `Scan.price16`, for the rest,
// reads the common unsigned shapes `ddd.dddd`, `dd.dd`, `12`, `5.` (at most 7 integer and 7 fraction
// digits) followed by a comma, from two 8-byte loads and no byte-at-a-time work. Anything else answers
// "not mine" and the caller's exact reader decides, so neither produces a value the exact path would not.

/// What `Scan.price16` found at a field's start.
@usableFromInline
enum Price16 {
    /// A price (`raw` in Price units) with `intDigits` digits before the dot (or in all); the field's
    /// comma is at `comma`.
    case value(raw: Int64, comma: Int, intDigits: Int)
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
            return .value(raw: Int64(value8(id)) &* unit, comma: s &+ il, intDigits: il)
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
            return .value(raw: Int64(value8(id | fd &<< UInt64(ib))) &* unit, comma: comma, intDigits: il)
        }
        // More than 8 digits: two conversions (the fraction zero-padded is frac * 10^(8 - fl)).
        return .value(raw: Int64(value8(id)) &* unit &+ Int64(value8(fd)) &* 10, comma: comma, intDigits: il)
    }
}

extension Scan {
    /// `price16` on `p[s..<s+16]` (all readable); for tests (the fast path reads the words itself).
    @inlinable @inline(__always)
    static func price16(_ p: UnsafePointer<UInt8>, _ s: Int) -> Price16 {
        price16(Scan.word(p + s),
                Scan.word(p + (s &+ 8)), s)
    }
}

/// A price shape `d{il}.d{fl}` then a comma (il and fl 1...7, il + fl <= 8), as constants over the 16
/// bytes from a field's start. IQFeed writes a symbol's prices with one number of decimals, so the L1
/// fast path guesses that a price has the shape of the one before it and checks that guess in a few
/// word operations (`Scan.shapedPrice`); a wrong guess costs the check and the general reader.
@usableFromInline
struct PriceShape: Sendable {
    /// XORed into the bytes: `0` in digit lanes, `.` and `,` in theirs, so digits become 0...9 and
    /// the separators 0.
    @usableFromInline var exp0: UInt64, exp1: UInt64
    /// Added per lane: 0x76 in digit lanes (a value above 9 reaches the top bit), 0x7F in separator
    /// lanes (any value above 0 does).
    @usableFromInline var add0: UInt64, add1: UInt64
    /// The top bit of lanes 0...comma (lanes after the comma belong to the next field).
    @usableFromInline var top0: UInt64, top1: UInt64
    /// The integer digits' lanes; the fraction digits' lanes once the dot is taken out.
    @usableFromInline var intLanes: UInt64, fracLanes: UInt64
    /// Scales `value8` of the digits to Price units.
    @usableFromInline var unit: Int64
    /// The offset after the comma, from the field's start.
    @usableFromInline var next: Int

    /// No shape: every check fails (lane 0 always reaches its top bit).
    @usableFromInline static let none = PriceShape(exp0: 0, exp1: 0, add0: 0x80, add1: 0, top0: 0x80, top1: 0,
                                                   intLanes: 0, fracLanes: 0, unit: 0, next: 1)

    @usableFromInline
    init(exp0: UInt64, exp1: UInt64, add0: UInt64, add1: UInt64, top0: UInt64, top1: UInt64,
         intLanes: UInt64, fracLanes: UInt64, unit: Int64, next: Int) {
        self.exp0 = exp0; self.exp1 = exp1; self.add0 = add0; self.add1 = add1; self.top0 = top0; self.top1 = top1
        self.intLanes = intLanes; self.fracLanes = fracLanes; self.unit = unit; self.next = next
    }

    /// The shape `d{il}.d{fl}`; `.none` unless il and fl are 1...7 and il + fl <= 8.
    init(il: Int, fl: Int) {
        guard il >= 1, fl >= 1, il + fl <= 8 else { self = .none; return }
        let c = il + 1 + fl  // the comma's lane, 3...9
        func set(_ lane: Int, _ v: UInt64, _ lo: inout UInt64, _ hi: inout UInt64) {
            if lane < 8 {
                lo = lo & ~(0xFF << UInt64(lane * 8)) | v << UInt64(lane * 8)
            } else {
                hi = hi & ~(0xFF << UInt64((lane - 8) * 8)) | v << UInt64((lane - 8) * 8)
            }
        }
        var e0: UInt64 = 0x3030_3030_3030_3030, e1: UInt64 = 0x3030_3030_3030_3030
        set(il, 46, &e0, &e1); set(c, 44, &e0, &e1)
        var a0: UInt64 = 0x7676_7676_7676_7676, a1: UInt64 = 0x7676_7676_7676_7676
        set(il, 0x7F, &a0, &a1); set(c, 0x7F, &a0, &a1)
        let tops: UInt64 = 0x8080_8080_8080_8080
        let t0 = c >= 7 ? tops : tops & ((1 << UInt64((c + 1) * 8)) - 1)
        let t1 = c >= 8 ? tops & ((1 << UInt64((c - 7) * 8)) - 1) : 0
        let ints: UInt64 = (1 << UInt64(il * 8)) - 1
        let digits: UInt64 = il + fl == 8 ? ~0 : (1 << UInt64((il + fl) * 8)) - 1
        self.init(exp0: e0, exp1: e1, add0: a0, add1: a1, top0: t0, top1: t1,
                  intLanes: ints, fracLanes: digits & ~ints, unit: Scan.scale(8 - il), next: c + 1)
    }

    /// The shapes, at `il * 8 + fl` (see `PriceShapeTable`).
    @usableFromInline static let table = PriceShapeTable()

    /// The index in the table of the shape of a price `price16` read: `intDigits` digits, the field's bytes
    /// from `start` up to `comma` (0 for no shape).
    @inlinable @inline(__always)
    static func index(start: Int, comma: Int, intDigits il: Int) -> Int {
        let fl = comma &- start &- il &- 1
        return il >= 1 && fl >= 1 && il &+ fl <= 8 ? il &* 8 &+ fl : 0
    }
}

/// 64 `PriceShape`s, at `il * 8 + fl` (il and fl 0...7): the 28 shapes with il and fl >= 1 and
/// il + fl <= 8, and `.none` everywhere else (`PriceShape.index` never points at those but index 0).
/// Made once (`PriceShape.table`) and never written or freed after, so sharing it between threads is
/// safe; never write through `base`. A pointer, so that the fast path holds a shape as one register
/// and changes it without copying 80 bytes.
@usableFromInline
struct PriceShapeTable: @unchecked Sendable {
    @usableFromInline let base: UnsafePointer<PriceShape>

    fileprivate init() {
        let t = UnsafeMutablePointer<PriceShape>.allocate(capacity: 64)
        for i in 0..<64 { (t + i).initialize(to: PriceShape(il: i / 8, fl: i % 8)) }
        base = UnsafePointer(t)
    }
}

extension Scan {
    /// The price at the start of the 16 bytes `w0`, `w1` (little-endian) when they hold exactly `shape`
    /// (then it is what `price16` gives), else nil.
    @inlinable @inline(__always)
    static func shapedPrice(_ w0: UInt64, _ w1: UInt64, _ k: PriceShape) -> Int64? {
        let y0 = w0 ^ k.exp0, y1 = w1 ^ k.exp1
        // Per lane y + add <= 0xFE while y < 0x80, so no carry crosses a lane; a lane >= 0x80 is flagged
        // by `| y` (its carry can only flag later lanes, which only rejects).
        if (((y0 &+ k.add0) | y0) & k.top0) | (((y1 &+ k.add1) | y1) & k.top1) != 0 { return nil }
        let d = (y0 & k.intLanes) | (((y0 &>> 8) | (y1 &<< 56)) & k.fracLanes)
        return Int64(value8(d)) &* k.unit
    }
}
