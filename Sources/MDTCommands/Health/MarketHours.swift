import IQFeedServer
import MarketData

/// When US equity data is expected to flow: the extended session 04:00-20:00 US/Eastern on NYSE
/// trading days (weekdays minus NYSE holidays; early closes are not modelled). Outside it a stale
/// tick is normal, so `mdt health` reports tick age as information only.
public enum MarketHours {
    public static let extendedOpenSecond = 4 * 3600
    public static let extendedCloseSecond = 20 * 3600

    /// Whether `t` (UTC ns) falls in the extended session of a trading day.
    public static func isOpen(_ t: Nanos) -> Bool {
        let l = Eastern.local(t)
        let day = Time.daysFromCivil(year: l.year, month: l.month, day: l.day)
        guard TradingCalendar.isTradingDay(day) else { return false }
        return l.secondOfDay >= extendedOpenSecond && l.secondOfDay < extendedCloseSecond
    }

    /// Why the market is closed at `t` (`weekend`, `holiday`, `before 04:00 ET`, `after 20:00 ET`), nil when open.
    public static func closedReason(_ t: Nanos) -> String? {
        let l = Eastern.local(t)
        let day = Time.daysFromCivil(year: l.year, month: l.month, day: l.day)
        let wd = Time.weekday(days: day)
        if wd == 0 || wd == 6 { return "weekend" }
        if TradingCalendar.isHoliday(day) { return "NYSE holiday" }
        if l.secondOfDay < extendedOpenSecond { return "before 04:00 ET" }
        if l.secondOfDay >= extendedCloseSecond { return "after 20:00 ET" }
        return nil
    }
}
