/// Nanoseconds since the Unix epoch, UTC: the one time representation in memory, Kafka and ClickHouse.
public typealias Nanos = Int64

public enum Time {
    public static let nanosPerSecond: Int64 = 1_000_000_000
    public static let nanosPerDay: Int64 = 86_400 * nanosPerSecond

    /// Days since 1970-01-01 for a proleptic Gregorian civil date (Hinnant's algorithm).
    @inlinable
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day number since 1970-01-01.
    @inlinable
    public static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// 0 = Sunday ... 6 = Saturday.
    @inlinable
    public static func weekday(days: Int) -> Int {
        let w = (days + 4) % 7
        return w < 0 ? w + 7 : w
    }

    /// UTC nanoseconds for a UTC civil time.
    @inlinable
    public static func utcNanos(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanos: Int64 = 0) -> Nanos {
        Int64(daysFromCivil(year: year, month: month, day: day)) * nanosPerDay
            + Int64(hour * 3600 + minute * 60 + second) * nanosPerSecond + nanos
    }

    /// ISO-8601 text with nanoseconds, e.g. `2026-03-09T13:30:00.123456789Z`.
    public static func iso8601(_ t: Nanos) -> String {
        var out: [UInt8] = []
        writeISO8601(t, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.fffffffffZ` to `out` without allocating.
    @inlinable
    public static func writeISO8601(_ t: Nanos, to out: inout [UInt8]) {
        var days = Int(t / nanosPerDay)
        var rem = t % nanosPerDay
        if rem < 0 { rem += nanosPerDay; days -= 1 }
        let (y, m, d) = civilFromDays(days)
        let secs = Int(rem / nanosPerSecond)
        let frac = rem % nanosPerSecond
        func two(_ v: Int) { out.append(UInt8(48 + v / 10)); out.append(UInt8(48 + v % 10)) }
        let yy = max(0, min(9999, y))
        out.append(UInt8(48 + yy / 1000)); out.append(UInt8(48 + (yy / 100) % 10)); two(yy % 100)
        out.append(UInt8(ascii: "-")); two(m); out.append(UInt8(ascii: "-")); two(d)
        out.append(UInt8(ascii: "T")); two(secs / 3600); out.append(UInt8(ascii: ":")); two((secs / 60) % 60)
        out.append(UInt8(ascii: ":")); two(secs % 60); out.append(UInt8(ascii: "."))
        var div: Int64 = 100_000_000
        while div > 0 { out.append(UInt8(48 + (frac / div) % 10)); div /= 10 }
        out.append(UInt8(ascii: "Z"))
    }
}

/// US/Eastern (America/New_York) wall-clock time to UTC with the real US DST rules:
/// since 2007 DST runs from the second Sunday of March 02:00 to the first Sunday of November 02:00;
/// 1987-2006 from the first Sunday of April to the last Sunday of October.
/// In the repeated fall-back hour the first (EDT) instant is chosen; a time inside the skipped
/// spring-forward hour is read as EST (so 02:30 becomes 03:30 EDT).
public enum Eastern {
    public static let estOffset: Int64 = -5 * 3600 * Time.nanosPerSecond
    public static let edtOffset: Int64 = -4 * 3600 * Time.nanosPerSecond

    /// The local-time bounds (as seconds into the local day, by day number) of DST for a year.
    @inlinable
    static func dstBounds(year: Int) -> (startDay: Int, endDay: Int) {
        if year >= 2007 {
            let march1 = Time.daysFromCivil(year: year, month: 3, day: 1)
            let firstSunMarch = march1 + (7 - Time.weekday(days: march1)) % 7
            let nov1 = Time.daysFromCivil(year: year, month: 11, day: 1)
            let firstSunNov = nov1 + (7 - Time.weekday(days: nov1)) % 7
            return (firstSunMarch + 7, firstSunNov)
        } else {
            let apr1 = Time.daysFromCivil(year: year, month: 4, day: 1)
            let firstSunApr = apr1 + (7 - Time.weekday(days: apr1)) % 7
            let oct31 = Time.daysFromCivil(year: year, month: 10, day: 31)
            let lastSunOct = oct31 - Time.weekday(days: oct31)
            return (firstSunApr, lastSunOct)
        }
    }

    /// UTC offset (nanoseconds, negative) in force at a local Eastern civil time.
    @inlinable
    public static func offset(year: Int, dayNumber: Int, secondOfDay: Int) -> Int64 {
        let (start, end) = dstBounds(year: year)
        let twoAM = 2 * 3600
        if dayNumber < start || dayNumber > end { return estOffset }
        if dayNumber > start && dayNumber < end { return edtOffset }
        if dayNumber == start { return secondOfDay >= twoAM ? edtOffset : estOffset }
        // Fall-back day: 01:00-02:00 happens twice; take the first (EDT).
        return secondOfDay < twoAM ? edtOffset : estOffset
    }

    /// UTC nanoseconds for an Eastern wall-clock time.
    @inlinable
    public static func utcNanos(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, nanos: Int64 = 0) -> Nanos {
        let dayNumber = Time.daysFromCivil(year: year, month: month, day: day)
        let sod = hour * 3600 + minute * 60 + second
        var off = offset(year: year, dayNumber: dayNumber, secondOfDay: sod)
        // Inside the skipped hour the wall time does not exist: read it as EST.
        if dayNumber == dstBounds(year: year).startDay && sod >= 2 * 3600 && sod < 3 * 3600 { off = estOffset }
        return Int64(dayNumber) * Time.nanosPerDay + Int64(sod) * Time.nanosPerSecond + nanos - off
    }

    /// The Eastern civil date and second of day of a UTC instant.
    /// (Fixed: UTC 06:00-06:59 on the spring-forward day used to come out as the non-existent local
    /// 02:xx EDT instead of 01:xx EST. It no longer allocates a temporary array either.)
    public static func local(_ t: Nanos) -> (year: Int, month: Int, day: Int, secondOfDay: Int, nanos: Int64) {
        // Try EDT first: it is right when the resulting local time is inside DST (and not inside the
        // skipped 02:00-03:00 hour of the spring-forward day). Otherwise EST is right.
        if let r = localFields(t, offset: edtOffset) {
            let start = dstBounds(year: r.year).startDay
            let dayNumber = Time.daysFromCivil(year: r.year, month: r.month, day: r.day)
            let skipped = dayNumber == start && r.secondOfDay < 3 * 3600
            if !skipped && offset(year: r.year, dayNumber: dayNumber, secondOfDay: r.secondOfDay) == edtOffset { return r }
        }
        return localFields(t, offset: estOffset) ?? (1970, 1, 1, 0, 0)
    }

    @inlinable
    static func localFields(_ t: Nanos, offset off: Int64) -> (year: Int, month: Int, day: Int, secondOfDay: Int, nanos: Int64)? {
        let local = t + off
        var days = Int(local / Time.nanosPerDay)
        var rem = local % Time.nanosPerDay
        if rem < 0 { rem += Time.nanosPerDay; days -= 1 }
        let (y, m, d) = Time.civilFromDays(days)
        return (y, m, d, Int(rem / Time.nanosPerSecond), rem % Time.nanosPerSecond)
    }
}

/// Caches the UTC offset of one Eastern trading day so the hot path adds a constant.
/// Call `utcNanos` with the day's date and a time of day; the offset is recomputed only when the
/// date changes or the time crosses 02:00 on a DST change day.
public struct EasternDayCache: Sendable {
    @usableFromInline var key: Int = Int.min
    @usableFromInline var dayBase: Int64 = 0
    @usableFromInline var isTransitionDay = false

    public init() {}

    @inlinable
    public mutating func utcNanos(year: Int, month: Int, day: Int, secondOfDay: Int, nanos: Int64) -> Nanos {
        let k = (year &* 16 &+ month) &* 32 &+ day
        if k != key {
            key = k
            let dn = Time.daysFromCivil(year: year, month: month, day: day)
            let b = Eastern.dstBounds(year: year)
            isTransitionDay = dn == b.startDay || dn == b.endDay
            dayBase = Int64(dn) * Time.nanosPerDay - Eastern.offset(year: year, dayNumber: dn, secondOfDay: 12 * 3600)
        }
        if isTransitionDay {
            return Eastern.utcNanos(year: year, month: month, day: day, hour: secondOfDay / 3600,
                                    minute: (secondOfDay / 60) % 60, second: secondOfDay % 60, nanos: nanos)
        }
        return dayBase + Int64(secondOfDay) * Time.nanosPerSecond + nanos
    }
}
