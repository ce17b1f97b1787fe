import MarketData

/// US equity trading days and the regular session (09:30-16:00 US/Eastern).
///
/// Holidays are `USEquityCalendar`'s (NYSE rules with weekend observance). The synthetic market
/// does not model early closes (half days) or one-off closures.
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

    /// NYSE holiday rules live in one place: `USEquityCalendar` (MarketData).
    public static func isHoliday(_ dayNumber: Int) -> Bool { USEquityCalendar.holiday(dayNumber) != nil }

    /// The Eastern civil day number of a UTC instant.
    public static func easternDay(_ t: Nanos) -> Int { USEquityCalendar.easternDay(t) }

    /// UTC instant of an Eastern wall-clock second on a day.
    public static func utc(day: Int, secondOfDay: Int) -> Nanos {
        let (y, m, d) = Time.civilFromDays(day)
        return Eastern.utcNanos(year: y, month: m, day: d, hour: secondOfDay / 3600,
                                minute: (secondOfDay / 60) % 60, second: secondOfDay % 60)
    }

    /// UTC instant of the Eastern midnight starting a day.
    public static func midnight(day: Int) -> Nanos { utc(day: day, secondOfDay: 0) }
}
