/// The US equity (NYSE) trading calendar, computed from the rules (no table to keep current), shared by
/// the downloader's gap check, the synthetic market's history and `mdt health`'s market hours:
/// weekends, the ten NYSE holidays with their weekend observance, and the 13:00 early closes.
///
/// Day numbers are days since 1970-01-01 of the Eastern civil date (`Time.daysFromCivil`).
public enum USEquityCalendar {
    /// Regular session in Eastern seconds of day.
    public static let openSecond = 9 * 3600 + 30 * 60
    public static let closeSecond = 16 * 3600
    public static let earlyCloseSecond = 13 * 3600

    public static func isWeekend(_ day: Int) -> Bool {
        let wd = Time.weekday(days: day)
        return wd == 0 || wd == 6
    }

    public static func isTradingDay(_ day: Int) -> Bool { !isWeekend(day) && holiday(day) == nil }

    /// The holiday's name when the exchange is closed on `day` for one (weekends excluded).
    public static func holiday(_ day: Int) -> String? {
        let (y, _, _) = Time.civilFromDays(day)
        for (d, name) in holidays(year: y) where d == day { return name }
        // New Year's Day of the next year never moves back into this year (NYSE rule), so no look-ahead.
        return nil
    }

    /// The session close (Eastern second of day): 13:00 on early-close days, else 16:00; nil when closed.
    public static func closeSecond(_ day: Int) -> Int? {
        guard isTradingDay(day) else { return nil }
        return isEarlyClose(day) ? earlyCloseSecond : closeSecond
    }

    /// Early close (13:00): July 3 before a weekday Independence Day, the day after Thanksgiving, and
    /// Christmas Eve when it is a trading day.
    public static func isEarlyClose(_ day: Int) -> Bool {
        guard !isWeekend(day), holiday(day) == nil else { return false }
        let (y, m, d) = Time.civilFromDays(day)
        if m == 7 && d == 3 {
            let wd = Time.weekday(days: Time.daysFromCivil(year: y, month: 7, day: 4))
            return wd >= 2 && wd <= 5  // July 4 on Tuesday..Friday
        }
        if m == 11 && day == nthWeekday(y, 11, 4, 4) + 1 { return true }
        if m == 12 && d == 24 { return true }
        return false
    }

    /// The holidays of a year (observed dates) with their names, in date order.
    public static func holidays(year y: Int) -> [(day: Int, name: String)] {
        var out: [(Int, String)] = []
        // New Year's Day: Sunday -> Monday; on a Saturday it is not made up (no Friday closure).
        let ny = Time.daysFromCivil(year: y, month: 1, day: 1)
        switch Time.weekday(days: ny) {
        case 0: out.append((ny + 1, "New Year's Day"))
        case 6: break
        default: out.append((ny, "New Year's Day"))
        }
        if y >= 1998 { out.append((nthWeekday(y, 1, 1, 3), "Martin Luther King Jr. Day")) }
        out.append((nthWeekday(y, 2, 1, 3), "Presidents' Day"))
        out.append((easter(y) - 2, "Good Friday"))
        out.append((lastWeekday(y, 5, 1), "Memorial Day"))
        if y >= 2022 { out.append((observed(y, 6, 19), "Juneteenth")) }
        out.append((observed(y, 7, 4), "Independence Day"))
        out.append((nthWeekday(y, 9, 1, 1), "Labor Day"))
        out.append((nthWeekday(y, 11, 4, 4), "Thanksgiving Day"))
        out.append((observed(y, 12, 25), "Christmas Day"))
        return out.sorted { $0.0 < $1.0 }.map { (day: $0.0, name: $0.1) }
    }

    /// Fixed-date holiday: Saturday -> Friday before, Sunday -> Monday after.
    static func observed(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let day = Time.daysFromCivil(year: y, month: m, day: d)
        switch Time.weekday(days: day) {
        case 6: return day - 1
        case 0: return day + 1
        default: return day
        }
    }

    /// Day number of the n-th `weekday` (0 = Sunday) of a month.
    static func nthWeekday(_ y: Int, _ m: Int, _ weekday: Int, _ n: Int) -> Int {
        let first = Time.daysFromCivil(year: y, month: m, day: 1)
        return first + (weekday - Time.weekday(days: first) + 7) % 7 + 7 * (n - 1)
    }

    /// Day number of the last `weekday` of a month.
    static func lastWeekday(_ y: Int, _ m: Int, _ weekday: Int) -> Int {
        let next = m == 12 ? Time.daysFromCivil(year: y + 1, month: 1, day: 1) : Time.daysFromCivil(year: y, month: m + 1, day: 1)
        let last = next - 1
        return last - (Time.weekday(days: last) - weekday + 7) % 7
    }

    /// Easter Sunday (Gregorian computus, anonymous algorithm).
    public static func easter(_ y: Int) -> Int {
        let a = y % 19, b = y / 100, c = y % 100
        let d = b / 4, e = b % 4, f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return Time.daysFromCivil(year: y, month: month, day: day)
    }

    /// Futures (IQFeed spells them with a leading `@`) trade on their own exchange calendars: not judged.
    public static func isJudged(symbol: String) -> Bool { !symbol.hasPrefix("@") }

    // MARK: Day numbers and text

    /// `YYYY-MM-DD` of a day number.
    public static func text(_ day: Int) -> String {
        let (y, m, d) = Time.civilFromDays(day)
        func pad(_ v: Int, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2)
    }

    /// The day number of `YYYY-MM-DD` (nil when malformed or not a real date).
    public static func day(_ text: String) -> Int? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }; v = v * 10 + Int(b[i] - 0x30) }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m), d >= 1 else { return nil }
        let n = Time.daysFromCivil(year: y, month: m, day: d)
        let back = Time.civilFromDays(n)
        guard back.year == y, back.month == m, back.day == d else { return nil }
        return n
    }

    /// UTC nanoseconds of the Eastern midnight starting `day`.
    public static func midnight(_ day: Int) -> Nanos {
        let (y, m, d) = Time.civilFromDays(day)
        return Eastern.utcNanos(year: y, month: m, day: d)
    }

    /// The Eastern day number of a UTC time.
    public static func easternDay(_ t: Nanos) -> Int {
        let l = Eastern.local(t)
        return Time.daysFromCivil(year: l.year, month: l.month, day: l.day)
    }
}
