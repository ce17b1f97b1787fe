import MarketData

/// US equity trading days and the regular session (09:30-16:00 US/Eastern).
///
/// Holidays (NYSE rules, approximately): New Year's Day (Sunday -> Monday; a Saturday is not made
/// up), Martin Luther King Jr. Day (3rd Monday of January), Presidents' Day (3rd Monday of
/// February), Good Friday, Memorial Day (last Monday of May), Juneteenth (from 2022), Independence
/// Day, Labor Day (1st Monday of September), Thanksgiving (4th Thursday of November) and Christmas;
/// fixed-date holidays on a Saturday are observed the Friday before, on a Sunday the Monday after.
/// Early closes (half days) and one-off closures are not modelled.
public enum TradingCalendar {
    public static let sessionOpenSecond = 9 * 3600 + 30 * 60
    public static let sessionCloseSecond = 16 * 3600
    public static let sessionSeconds = sessionCloseSecond - sessionOpenSecond

    /// `dayNumber` is days since 1970-01-01 of the Eastern civil date.
    public static func isTradingDay(_ dayNumber: Int) -> Bool {
        let wd = Time.weekday(days: dayNumber)
        if wd == 0 || wd == 6 { return false }
        return !isHoliday(dayNumber)
    }

    public static func isHoliday(_ dayNumber: Int) -> Bool {
        let (y, m, _) = Time.civilFromDays(dayNumber)
        func observed(_ month: Int, _ day: Int, saturdayToFriday: Bool = true) -> Int {
            let d = Time.daysFromCivil(year: y, month: month, day: day)
            switch Time.weekday(days: d) {
            case 6: return saturdayToFriday ? d - 1 : Int.min
            case 0: return d + 1
            default: return d
            }
        }
        switch m {
        case 1: return dayNumber == observed(1, 1, saturdayToFriday: false) || dayNumber == nthWeekday(y, 1, 1, 3)
        case 2: return dayNumber == nthWeekday(y, 2, 1, 3)
        case 3, 4: return dayNumber == easter(y) - 2
        case 5: return dayNumber == lastWeekday(y, 5, 1)
        case 6: return y >= 2022 && dayNumber == observed(6, 19)
        case 7: return dayNumber == observed(7, 4)
        case 9: return dayNumber == nthWeekday(y, 9, 1, 1)
        case 11: return dayNumber == nthWeekday(y, 11, 4, 4)
        case 12: return dayNumber == observed(12, 25)
        default: return false
        }
    }

    /// Day number of the n-th `weekday` (0 = Sunday) of a month.
    static func nthWeekday(_ y: Int, _ m: Int, _ weekday: Int, _ n: Int) -> Int {
        let first = Time.daysFromCivil(year: y, month: m, day: 1)
        return first + (weekday - Time.weekday(days: first) + 7) % 7 + 7 * (n - 1)
    }

    static func lastWeekday(_ y: Int, _ m: Int, _ weekday: Int) -> Int {
        let nextFirst = m == 12 ? Time.daysFromCivil(year: y + 1, month: 1, day: 1) : Time.daysFromCivil(year: y, month: m + 1, day: 1)
        let last = nextFirst - 1
        return last - (Time.weekday(days: last) - weekday + 7) % 7
    }

    /// Day number of Easter Sunday (anonymous Gregorian algorithm).
    static func easter(_ y: Int) -> Int {
        let a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let mm = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * mm + 114) / 31
        let day = (h + l - 7 * mm + 114) % 31 + 1
        return Time.daysFromCivil(year: y, month: month, day: day)
    }

    /// The Eastern civil day number of a UTC instant.
    public static func easternDay(_ t: Nanos) -> Int {
        let l = Eastern.local(t)
        return Time.daysFromCivil(year: l.year, month: l.month, day: l.day)
    }

    /// UTC instant of an Eastern wall-clock second on a day.
    public static func utc(day: Int, secondOfDay: Int) -> Nanos {
        let (y, m, d) = Time.civilFromDays(day)
        return Eastern.utcNanos(year: y, month: m, day: d, hour: secondOfDay / 3600,
                                minute: (secondOfDay / 60) % 60, second: secondOfDay % 60)
    }

    /// UTC instant of the Eastern midnight starting a day.
    public static func midnight(day: Int) -> Nanos { utc(day: day, secondOfDay: 0) }
}
