import MarketData

/// Appending ASCII text to reusable `[UInt8]` buffers without per-call allocation.
extension Array where Element == UInt8 {
    @inlinable mutating func put(_ byte: UInt8) { append(byte) }
    @inlinable mutating func comma() { append(44) }

    @inlinable mutating func put(_ s: StaticString) {
        s.withUTF8Buffer { append(contentsOf: $0) }
    }

    mutating func put(_ s: String) {
        var copy = s
        copy.withUTF8 { append(contentsOf: $0) }
    }

    /// Decimal text of an unsigned integer.
    @inlinable mutating func put(uint v: UInt64) {
        if v < 10 { append(UInt8(48 + v)); return }
        var n = 0
        var x = v
        while x > 0 { n += 1; x /= 10 }
        let start = count
        for _ in 0..<n { append(48) }
        x = v
        var p = start + n - 1
        while x > 0 { self[p] = UInt8(48 + x % 10); x /= 10; p -= 1 }
    }

    @inlinable mutating func put(int v: Int64) {
        if v < 0 { append(45); put(uint: v == Int64.min ? UInt64(Int64.max) + 1 : UInt64(-v)) } else { put(uint: UInt64(v)) }
    }

    @inlinable mutating func put(int v: Int) { put(int: Int64(v)) }

    /// Two digits, zero-padded.
    @inlinable mutating func put2(_ v: Int) { append(UInt8(48 + (v / 10) % 10)); append(UInt8(48 + v % 10)) }

    @inlinable mutating func put4(_ v: Int) { put2(v / 100); put2(v % 100) }

    /// A price with exactly `decimals` fraction digits (prices here never have more).
    @inlinable mutating func put(price: Price, decimals: Int) {
        price.write(to: &self, minFractionDigits: decimals)
    }
}

/// Eastern wall-clock fields of a UTC instant, cached per second (the hot path formats many
/// events within one second).
struct EasternFields {
    var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0
    var micros = 0
    var cachedSecond: Int64 = Int64.min

    mutating func set(_ t: Nanos) {
        var sec = t / Time.nanosPerSecond
        var frac = t % Time.nanosPerSecond
        if frac < 0 { frac += Time.nanosPerSecond; sec -= 1 }
        micros = Int(frac / 1000)
        if sec == cachedSecond { return }
        cachedSecond = sec
        let l = Eastern.local(sec * Time.nanosPerSecond)
        year = l.year; month = l.month; day = l.day
        hour = l.secondOfDay / 3600; minute = (l.secondOfDay / 60) % 60; second = l.secondOfDay % 60
    }
}

extension Array where Element == UInt8 {
    /// `HH:MM:SS.ffffff`
    mutating func putTimeMicros(_ f: EasternFields) {
        put2(f.hour); append(58); put2(f.minute); append(58); put2(f.second); append(46)
        put2(f.micros / 10_000); put2((f.micros / 100) % 100); put2(f.micros % 100)
    }
    /// `HH:MM:SS`
    mutating func putTime(_ f: EasternFields) {
        put2(f.hour); append(58); put2(f.minute); append(58); put2(f.second)
    }
    /// `YYYY-MM-DD`
    mutating func putDashDate(_ f: EasternFields) {
        put4(f.year); append(45); put2(f.month); append(45); put2(f.day)
    }
    /// `MM/DD/YYYY`
    mutating func putSlashDate(_ f: EasternFields) {
        put2(f.month); append(47); put2(f.day); append(47); put4(f.year)
    }
    /// `YYYYMMDD`
    mutating func putCompactDate(_ f: EasternFields) {
        put4(f.year); put2(f.month); put2(f.day)
    }
}
