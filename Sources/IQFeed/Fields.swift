import MarketData

/// Walks the comma-separated fields of one line without allocating.
///
/// A single trailing comma (IQFeed ends almost every line with one) is ignored, so
/// `Q,A,1,` has the fields `Q`, `A`, `1`. There is no quoting. `rest()` returns everything after
/// the current position minus the trailing comma, for free-text fields that may contain commas.
/// The typed readers (`price`, `int`, `time`, ...) throw an `IQFeedParseError` naming the message
/// type, the field name and the 0-based field index.
public struct FieldCursor {
    public let line: UnsafeRawBufferPointer
    @usableFromInline let base: UnsafePointer<UInt8>?
    @usableFromInline let end: Int
    @usableFromInline var pos = 0
    @usableFromInline var exhausted = false
    /// 0-based index of the field `next()` returns next.
    public var index = 0
    /// Message type used in errors (`Q`, `L2 3`, `HTX tick row`...).
    public var messageType: StaticString

    @inlinable
    public init(_ line: UnsafeRawBufferPointer, messageType: StaticString = "?") {
        self.line = line
        let b = line.baseAddress?.assumingMemoryBound(to: UInt8.self)
        self.base = b
        var e = line.count
        if e > 0, let b, b[e - 1] == UInt8(ascii: ",") { e -= 1 }
        self.end = e
        self.messageType = messageType
        if line.count == 0 { exhausted = true }
    }

    /// True when no field is left.
    @inlinable public var atEnd: Bool { exhausted }

    /// The next raw field, or nil when the line has no more fields.
    @inlinable
    public mutating func next() -> UnsafeRawBufferPointer? {
        if exhausted { return nil }
        guard let b = base else { exhausted = true; index += 1; return UnsafeRawBufferPointer(start: nil, count: 0) }
        let start = pos
        var i = pos
        // Eight bytes at a time while they are readable (a comma found at `end` is the trailing one).
        let n = line.count
        while i &+ 8 <= n {
            let z = Scan.firstZeroByteFlag(Scan.word(b + i) ^ 0x2C2C_2C2C_2C2C_2C2C)
            if z != 0 { i &+= z.trailingZeroBitCount &>> 3; break }
            i &+= 8
        }
        if i > end { i = end }
        while i < end && b[i] != 44 { i += 1 }
        if i >= end { exhausted = true; pos = end } else { pos = i + 1 }
        index += 1
        return UnsafeRawBufferPointer(start: b + start, count: i - start)
    }

    /// Skips `n` fields (missing ones are fine).
    @inlinable
    public mutating func skip(_ n: Int = 1) { for _ in 0..<n { _ = next() } }

    /// The rest of the line from the current field on, without the trailing comma (free text).
    @inlinable
    public mutating func rest() -> UnsafeRawBufferPointer {
        guard !exhausted, let b = base else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let r = UnsafeRawBufferPointer(start: b + pos, count: end - pos)
        exhausted = true; pos = end; index += 1
        return r
    }

    /// Number of fields remaining (counts commas; does not move).
    @inlinable
    public func remainingCount() -> Int {
        guard !exhausted, let b = base else { return 0 }
        var n = 1
        var i = pos
        while i < end { if b[i] == 44 { n += 1 }; i += 1 }
        return n
    }

    @inlinable
    public func error(_ field: String, _ reason: IQFeedParseReason, index: Int? = nil) -> IQFeedParseError {
        IQFeedParseError(messageType: messageType.description, field: field, index: index ?? (self.index - 1), reason: reason)
            .with(line: line)
    }

    /// A field that must exist (may be empty).
    @inlinable
    public mutating func field(_ name: @autoclosure () -> String) throws(IQFeedParseError) -> UnsafeRawBufferPointer {
        guard let f = next() else { throw IQFeedParseError(messageType: messageType.description, field: name(), index: index, reason: .missingField).with(line: line) }
        return f
    }

    @inlinable
    public mutating func symbol(_ name: @autoclosure () -> String = "Symbol") throws(IQFeedParseError) -> Symbol {
        let f = try field(name())
        do { return try Symbol(bytes: f) } catch { throw self.error(name(), .badSymbol(error)) }
    }

    /// A price; nil when empty.
    @inlinable
    public mutating func price(_ name: @autoclosure () -> String) throws(IQFeedParseError) -> Price? {
        if let v = fastPrice() { return v }
        let f = try field(name())
        if let v = Scan.fastPrice(f) { return v }
        do { return try Price.parse(f) } catch { throw self.error(name(), .badPrice(error)) }
    }

    /// An unsigned integer; nil when empty.
    @inlinable
    public mutating func uint(_ name: @autoclosure () -> String) throws(IQFeedParseError) -> UInt64? {
        if let v = fastUInt() { return v }
        let f = try field(name())
        if f.isEmpty { return nil }
        guard let v = Scan.uint64(f) else { throw self.error(name(), .notAnInteger) }
        return v
    }

    /// A size that fits 32 bits (larger values saturate); nil when empty.
    @inlinable
    public mutating func size(_ name: @autoclosure () -> String) throws(IQFeedParseError) -> UInt32? {
        guard let v = try uint(name()) else { return nil }
        return v > UInt64(UInt32.max) ? UInt32.max : UInt32(v)
    }

    /// `HH:MM:SS[.ffffff]` as (secondOfDay, nanos); nil when empty or the no-value sentinel (hour >= 24).
    @inlinable
    public mutating func timeOfDay(_ name: @autoclosure () -> String) throws(IQFeedParseError) -> (Int, Int64)? {
        if pos &+ 16 <= line.count, !exhausted, let b = base, let t = Scan.time15(b, pos) { take(pos &+ 15); return t }
        let f = try field(name())
        if f.isEmpty { return nil }
        switch Scan.timeOfDay(f) {
        case .value(let s, let n): return (s, n)
        case .noValue: return nil
        case .invalid: throw self.error(name(), .badTime)
        }
    }

    // Fused fast paths: the field is parsed in the pass that finds its end. Each takes only the
    // common shapes and returns nil otherwise, leaving the cursor untouched, so the reader above
    // then goes the general way (same value, same error).

    /// Moves past a field that ends at `j` (a comma or the end), as `next()` would.
    @inlinable @inline(__always)
    mutating func take(_ j: Int) {
        if j >= end { exhausted = true; pos = end } else { pos = j &+ 1 }
        index &+= 1
    }

    /// True when the field starting at `pos` ends at `j`: the end of the line or a comma.
    @inlinable @inline(__always)
    func endsAt(_ b: UnsafePointer<UInt8>, _ j: Int) -> Bool { j >= end || b[j] == 44 }

    /// An unsigned price `d{0,7}[.d{0,7}]` with 16 readable bytes; `.some(nil)` for an empty field.
    @inlinable @inline(__always)
    mutating func fastPrice() -> Price?? {
        guard pos &+ 16 <= line.count, !exhausted, let b = base else { return nil }
        let s = pos
        guard let (j, raw, digits) = Scan.unsignedPrice(b, s, fieldEnd: end, readable: line.count), endsAt(b, j) else { return nil }
        if j == s { take(j); return .some(nil) }
        if digits == 0 { return nil }
        take(j)
        return .some(Price(raw: raw))
    }

    /// An unsigned integer of at most 15 digits with 8 (16 past 7 digits) readable bytes; `.some(nil)` for an empty field.
    @inlinable @inline(__always)
    mutating func fastUInt() -> UInt64?? {
        guard pos &+ 8 <= line.count, !exhausted, let b = base else { return nil }
        var (l, v) = Scan.digits8(b, pos)
        if l == 8 {
            // 8 to 15 digits: a second load.
            guard pos &+ 16 <= line.count else { return nil }
            let (l2, v2) = Scan.digits8(b, pos &+ 8)
            guard l2 < 8 else { return nil }
            v = v &* UInt64(Scan.scale(9 &- l2)) &+ v2
            l &+= l2
        }
        let j = pos &+ l
        guard endsAt(b, j) else { return nil }
        take(j)
        return .some(l == 0 ? nil : v)
    }
}

/// Byte-level scanners shared by the parsers. All return nil (or `.invalid`) rather than trap.
public enum Scan {
    /// The common price shapes (`134.6200`, `2938.`, `12`, `-0.5`) in one pass; nil means "use
    /// `Price.parse`" (empty, odd or invalid text, more than 9 decimals), never a wrong value.
    @inlinable
    public static func fastPrice(_ f: UnsafeRawBufferPointer) -> Price? {
        let n = f.count
        guard n > 0, n <= 19, let base = f.baseAddress else { return nil }
        let p = base.assumingMemoryBound(to: UInt8.self)
        var i = 0
        var neg = false
        if p[0] == 45 { neg = true; i = 1 }
        var v: Int64 = 0
        var dot = -1
        var digits = 0
        while i < n {
            let c = p[i]
            if c == 46 {
                if dot >= 0 { return nil }
                dot = i
            } else {
                let d = c &- 48
                if d > 9 { return nil }
                v = v &* 10 &+ Int64(d)
                digits += 1
            }
            i += 1
        }
        if digits == 0 || digits > 18 { return nil }
        let frac = dot < 0 ? 0 : n - dot - 1
        if frac > 9 { return nil }
        let (raw, o) = v.multipliedReportingOverflow(by: scale(frac))
        if o { return nil }
        return Price(raw: neg ? -raw : raw)
    }

    /// The unsigned price shape `d{0,7}[.d{0,7}]` at `p + s` in two SWAR loads that read only
    /// `p[..<readable]`: where it stops, its value in Price units and its digit count; nil when a digit run
    /// reaches 8 digits (the caller's slower reader takes those). The caller checks what follows `end`.
    @inlinable @inline(__always)
    static func unsignedPrice(_ p: UnsafePointer<UInt8>, _ s: Int, fieldEnd: Int, readable: Int) -> (end: Int, raw: Int64, digits: Int)? {
        let (il, iv) = digits8(p, s, end: readable)
        if il == 8 { return nil }
        var j = s &+ il
        var raw = Int64(iv) &* 1_000_000_000
        var digits = il
        if j < fieldEnd && p[j] == 46 {
            let (fl, fv) = digits8(p, j &+ 1, end: readable)
            if fl == 8 { return nil }
            raw &+= Int64(fv) &* scale(fl)
            digits &+= fl
            j &+= 1 &+ fl
        }
        return (j, raw, digits)
    }

    /// The leading ASCII digits of the 8 bytes at `p + at` (all 8 must be readable): how many
    /// (0...8) and their value (for 8, the value of all 8). One load and three multiplies (SWAR).
    @inlinable @inline(__always)
    static func digits8(_ p: UnsafePointer<UInt8>, _ at: Int) -> (count: Int, value: UInt64) {
        digits8(word: Scan.word(p + at))
    }

    /// `digits8` reading only `p[..<end]`: bytes at or past `end` count as 0 (not a digit).
    @inlinable @inline(__always)
    static func digits8(_ p: UnsafePointer<UInt8>, _ at: Int, end: Int) -> (count: Int, value: UInt64) {
        digits8(word: load8(p, at, end: end))
    }

    /// The 8 bytes at `p + at` as a little-endian word, reading only `p[..<end]`: bytes at or past `end`
    /// are 0. Near the end of a line of 8 bytes or more this is one load (of the last 8 bytes) and a shift.
    @inlinable @inline(__always)
    static func load8(_ p: UnsafePointer<UInt8>, _ at: Int, end: Int) -> UInt64 {
        if at &+ 8 <= end { return Scan.word(p + at) }
        if at >= end { return 0 }
        if end >= 8 {
            // at + 8 - end is 1...7 here.
            return Scan.word(p + (end &- 8)) &>> UInt64((at &+ 8 &- end) &* 8)
        }
        var w: UInt64 = 0
        var k = end &- 1
        while k >= at { w = w &<< 8 | UInt64(p[k]); k &-= 1 }
        return w
    }

    /// `digits8` of a little-endian word of 8 bytes.
    @inlinable @inline(__always)
    static func digits8(word: UInt64) -> (count: Int, value: UInt64) {
        let x = word ^ 0x3030_3030_3030_3030
        // A byte is a digit iff x (byte ^ 0x30) <= 9: then neither x nor x + 0x76 has the top bit.
        // A carry out of a non-digit byte only reaches later bytes, so the first flagged byte is exact.
        let nonDigit = ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_8080_8080_8080
        let count = nonDigit.trailingZeroBitCount &>> 3
        if count == 0 { return (0, 0) }
        // The digits to the top bytes (first digit most significant), then combine pairs.
        var v = x &<< UInt64(64 &- 8 &* count)
        v = (v &* 10 &+ (v &>> 8)) & 0x00FF_00FF_00FF_00FF
        v = (v &* 100 &+ (v &>> 16)) & 0x0000_FFFF_0000_FFFF
        v = (v &* 10_000 &+ (v &>> 32)) & 0xFFFF_FFFF
        return (count, v)
    }

    /// 10^(9 - frac) for frac in 0...9 (the Price units of one step of the last fraction digit).
    @inlinable @inline(__always)
    static func scale(_ frac: Int) -> Int64 {
        switch frac {
        case 0: 1_000_000_000
        case 1: 100_000_000
        case 2: 10_000_000
        case 3: 1_000_000
        case 4: 100_000
        case 5: 10_000
        case 6: 1_000
        case 7: 100
        case 8: 10
        default: 1
        }
    }

    /// `HH:MM:SS.ffffff` (exactly 15 bytes, then a comma or the line's end) at `p + at`, with 16 bytes
    /// readable, as `timeOfDay` would give it; nil for any other shape or an out-of-range value (then
    /// `timeOfDay` decides, including no-value hours and second 60).
    @inlinable @inline(__always)
    static func time15(_ p: UnsafePointer<UInt8>, _ at: Int) -> (Int, Int64)? {
        let a = Scan.word(p + at)
        // Bytes 2 and 5 are ':'; the other six are digits.
        guard a & 0x0000_FF00_00FF_0000 == 0x0000_3A00_003A_0000 else { return nil }
        let x = a ^ 0x3030_3030_3030_3030
        guard ((x &+ 0x7676_7676_7676_7676) | x) & 0x8080_0080_8000_8080 == 0 else { return nil }
        let hh = Int(x & 0xFF) &* 10 &+ Int((x &>> 8) & 0xFF)
        let mm = Int((x &>> 24) & 0xFF) &* 10 &+ Int((x &>> 32) & 0xFF)
        let ss = Int((x &>> 48) & 0xFF) &* 10 &+ Int((x &>> 56) & 0xFF)
        guard p[at &+ 8] == 46, hh < 24, mm <= 59, ss <= 59 else { return nil }
        let (fl, fv) = digits8(p, at &+ 9)
        guard fl == 6, p[at &+ 15] == 44 else { return nil }
        return (hh &* 3600 &+ mm &* 60 &+ ss, Int64(fv) &* 1000)
    }

    @inlinable
    public static func uint64(_ f: UnsafeRawBufferPointer) -> UInt64? {
        if f.isEmpty || f.count > 20 { return nil }
        var v: UInt64 = 0
        for b in f {
            let d = b &- 48
            if d > 9 { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            v = s
        }
        return v
    }

    @inlinable
    public static func int(_ f: UnsafeRawBufferPointer) -> Int? {
        guard let v = uint64(f), v <= UInt64(Int.max) else { return nil }
        return Int(v)
    }

    /// Fixed-width decimal digits at `at..<at+n`.
    @inlinable
    static func digits(_ f: UnsafeRawBufferPointer, _ at: Int, _ n: Int) -> Int? {
        if at < 0 || at + n > f.count { return nil }
        var v = 0
        var i = at
        while i < at + n {
            let d = f[i] &- 48
            if d > 9 { return nil }
            v = v * 10 + Int(d)
            i += 1
        }
        return v
    }

    public enum TimeResult: Equatable { case value(Int, Int64), noValue, invalid }

    /// `HH:MM:SS`, `HH:MM:SS.f...` (1-9 fraction digits) or `HHMMSS`. Hours >= 24 mean "no value".
    @inlinable
    public static func timeOfDay(_ f: UnsafeRawBufferPointer) -> TimeResult {
        var h: Int?, m: Int?, s: Int?
        var fracStart: Int
        if f.count >= 8 && f[2] == UInt8(ascii: ":") && f[5] == UInt8(ascii: ":") {
            h = digits(f, 0, 2); m = digits(f, 3, 2); s = digits(f, 6, 2); fracStart = 8
        } else if f.count >= 6 && f[2] != UInt8(ascii: ":") {
            h = digits(f, 0, 2); m = digits(f, 2, 2); s = digits(f, 4, 2); fracStart = 6
        } else {
            return .invalid
        }
        guard let hh = h, let mm = m, let ss = s else { return .invalid }
        var nanos: Int64 = 0
        if f.count > fracStart {
            if f[fracStart] != UInt8(ascii: ".") { return .invalid }
            let nd = f.count - fracStart - 1
            if nd < 1 || nd > 9 { return .invalid }
            guard let fv = digits(f, fracStart + 1, nd) else { return .invalid }
            nanos = Int64(fv)
            var k = nd
            while k < 9 { nanos *= 10; k += 1 }
        }
        if hh >= 24 { return .noValue }
        if mm > 59 || ss > 60 { return .invalid }
        return .value(hh * 3600 + mm * 60 + min(ss, 59), nanos)
    }

    /// `YYYY-MM-DD` at the start of `f`.
    @inlinable
    public static func isoDate(_ f: UnsafeRawBufferPointer) -> (Int, Int, Int)? {
        if f.count >= 10, let b = f.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            // `YYYY-MM-` in one load: dashes at 4 and 7, digits elsewhere; then `DD`.
            let a = Scan.word(b)
            let x = a ^ 0x3030_3030_3030_3030
            let d0 = b[8] &- 48, d1 = b[9] &- 48
            if a & 0xFF00_00FF_0000_0000 == 0x2D00_002D_0000_0000,
               ((x &+ 0x7676_7676_7676_7676) | x) & 0x0080_8000_8080_8080 == 0, d0 <= 9, d1 <= 9 {
                let y = Int(x & 0xFF) &* 1000 &+ Int((x &>> 8) & 0xFF) &* 100 &+ Int((x &>> 16) & 0xFF) &* 10 &+ Int((x &>> 24) & 0xFF)
                let m = Int((x &>> 40) & 0xFF) &* 10 &+ Int((x &>> 48) & 0xFF)
                let d = Int(d0) &* 10 &+ Int(d1)
                return validDate(y, m, d) ? (y, m, d) : nil
            }
        }
        guard f.count >= 10, f[4] == UInt8(ascii: "-"), f[7] == UInt8(ascii: "-"),
              let y = digits(f, 0, 4), let m = digits(f, 5, 2), let d = digits(f, 8, 2),
              validDate(y, m, d) else { return nil }
        return (y, m, d)
    }

    /// `MM/DD/YYYY`.
    @inlinable
    public static func usDate(_ f: UnsafeRawBufferPointer) -> (Int, Int, Int)? {
        guard f.count == 10, f[2] == UInt8(ascii: "/"), f[5] == UInt8(ascii: "/"),
              let m = digits(f, 0, 2), let d = digits(f, 3, 2), let y = digits(f, 6, 4),
              validDate(y, m, d) else { return nil }
        return (y, m, d)
    }

    /// `YYYYMMDD` at the start of `f`.
    @inlinable
    public static func compactDate(_ f: UnsafeRawBufferPointer) -> (Int, Int, Int)? {
        guard f.count >= 8, let y = digits(f, 0, 4), let m = digits(f, 4, 2), let d = digits(f, 6, 2),
              validDate(y, m, d) else { return nil }
        return (y, m, d)
    }

    @inlinable
    static func validDate(_ y: Int, _ m: Int, _ d: Int) -> Bool {
        guard y >= 1900, y <= 2200, m >= 1, m <= 12, d >= 1 else { return false }
        let dim = m == 2 ? 29 : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
        return d <= dim && !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
    }

    /// Trade conditions: hex pairs (`8717`) packed big-endian into a UInt32 (first 4 pairs kept).
    @inlinable
    public static func conditions(_ f: UnsafeRawBufferPointer) -> UInt32? {
        var v: UInt32 = 0
        var n = 0
        for b in f {
            guard let d = hexDigit(b) else { return nil }
            if n < 8 { v = v << 4 | UInt32(d) }
            n += 1
        }
        return v
    }

    /// Packs up to 4 ASCII bytes (MMID) big-endian.
    @inlinable
    public static func pack4(_ f: UnsafeRawBufferPointer) -> UInt32 {
        var v: UInt32 = 0
        for b in f.prefix(4) { v = v << 8 | UInt32(b) }
        return v
    }

    @inlinable
    public static func equals(_ f: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        if f.count != s.utf8CodeUnitCount { return false }
        let p = s.utf8Start
        for i in 0..<f.count where f[i] != p[i] { return false }
        return true
    }

    @inlinable
    public static func hasPrefix(_ f: UnsafeRawBufferPointer, _ s: StaticString) -> Bool {
        if f.count < s.utf8CodeUnitCount { return false }
        let p = s.utf8Start
        for i in 0..<s.utf8CodeUnitCount where f[i] != p[i] { return false }
        return true
    }

    @inlinable
    public static func string(_ f: UnsafeRawBufferPointer) -> String { String(decoding: f, as: UTF8.self) }
}

/// Converts Eastern dates and times from the feed to UTC nanoseconds, caching the day's offset.
public struct EasternClock: Sendable {
    public var cache = EasternDayCache()
    /// A second day (lines of two dates interleave around midnight and in captures), with the keys
    /// of both, so alternating dates do not recompute the day's offset on every line.
    @usableFromInline var other = EasternDayCache()
    @usableFromInline var key = Int.min
    @usableFromInline var otherKey = Int.min
    public init() {}

    @inlinable
    public mutating func utc(_ date: (Int, Int, Int), _ sod: Int, _ nanos: Int64) -> Nanos {
        let k = (date.0 &* 16 &+ date.1) &* 32 &+ date.2
        if k != key {
            if k == otherKey { swap(&cache, &other); swap(&key, &otherKey) } else { other = cache; otherKey = key; key = k }
        }
        return cache.utcNanos(year: date.0, month: date.1, day: date.2, secondOfDay: sod, nanos: nanos)
    }

    /// `YYYY-MM-DD HH:MM:SS[.ffffff]` (history and derivative timestamps) or bare `YYYY-MM-DD`
    /// (daily bars: Eastern midnight). nil when invalid; `.noValue` times count as invalid here.
    @inlinable
    public mutating func isoDateTime(_ f: UnsafeRawBufferPointer) -> Nanos? {
        guard let d = Scan.isoDate(f) else { return nil }
        if f.count == 10 { return utc(d, 0, 0) }
        guard f.count >= 19, f[10] == UInt8(ascii: " ") else { return nil }
        switch Scan.timeOfDay(UnsafeRawBufferPointer(rebasing: f[11...])) {
        case .value(let s, let n): return utc(d, s, n)
        default: return nil
        }
    }

    /// `YYYYMMDD HH:MM:SS` (T message) or `YYYYMMDD HHMMSS` (news, CLIENTSTATS).
    @inlinable
    public mutating func compactDateTime(_ f: UnsafeRawBufferPointer) -> Nanos? {
        guard f.count >= 15, f[8] == UInt8(ascii: " "), let d = Scan.compactDate(f) else { return nil }
        switch Scan.timeOfDay(UnsafeRawBufferPointer(rebasing: f[9...])) {
        case .value(let s, let n): return utc(d, s, n)
        default: return nil
        }
    }
}
