import Manifest
import MarketData

/// What `mdt download` fetches: `ticks`, `bars:SECONDS`, `daily`, `weekly` or `monthly`.
public enum DownloadKind: Sendable, Hashable, CustomStringConvertible {
    case ticks
    case bars(seconds: Int)
    case daily
    case weekly
    case monthly

    /// Parses `ticks`, `bars:60`, `daily`, `weekly`, `monthly` (nil otherwise).
    public init?(_ text: String) {
        switch text.lowercased() {
        case "ticks", "tick": self = .ticks
        case "daily", "day": self = .daily
        case "weekly", "week": self = .weekly
        case "monthly", "month": self = .monthly
        default:
            let t = text.lowercased()
            guard t.hasPrefix("bars:"), let n = Int(t.dropFirst(5)), n > 0, n <= 86_400 else { return nil }
            self = .bars(seconds: n)
        }
    }

    /// The ledger spelling (`ticks`, `bars:60`, `daily`, ...).
    public var description: String {
        switch self {
        case .ticks: "ticks"
        case .bars(let s): "bars:\(s)"
        case .daily: "daily"
        case .weekly: "weekly"
        case .monthly: "monthly"
        }
    }

    public var table: MarketTable { self == .ticks ? .ticks : .bars }

    /// The bar kind stored (nil for ticks).
    public var barKind: BarKind? {
        switch self {
        case .ticks: nil
        case .bars(let s): .seconds(s)
        case .daily: .daily
        case .weekly: .weekly
        case .monthly: .monthly
        }
    }

    /// The lookup command used (HTT, HIT, HDT, HWX, HMX).
    public var command: String {
        switch self {
        case .ticks: "HTT"
        case .bars: "HIT"
        case .daily: "HDT"
        case .weekly: "HWX"
        case .monthly: "HMX"
        }
    }

    /// Intraday kinds are split into one unit per day; daily bars per month, weekly/monthly per year.
    public var isIntraday: Bool {
        switch self { case .ticks, .bars: true; default: false }
    }
}

/// One unit of work and of the ledger: symbol x kind x period (a trading day for ticks and intraday
/// bars, a calendar month for daily bars, a calendar year for weekly and monthly bars).
public struct DownloadUnit: Sendable, Hashable, CustomStringConvertible {
    public var symbol: Symbol
    public var kind: DownloadKind
    /// First and last Eastern day of the period.
    public var firstDay: Int
    public var lastDay: Int
    /// The requested window `[from, to)` in UTC ns (the period, clipped to the requested range).
    public var from: Nanos
    public var to: Nanos

    public init(symbol: Symbol, kind: DownloadKind, firstDay: Int, lastDay: Int, from: Nanos, to: Nanos) {
        self.symbol = symbol; self.kind = kind; self.firstDay = firstDay; self.lastDay = lastDay; self.from = from; self.to = to
    }

    /// The whole period `[start, end)`.
    public var periodStart: Nanos { USEquityCalendar.midnight(firstDay) }
    public var periodEnd: Nanos { USEquityCalendar.midnight(lastDay + 1) }
    /// The window covers less than the period (a datetime range, or a range ending inside a month).
    public var isPartial: Bool { from > periodStart || to < periodEnd }

    /// The ledger key: (symbol, kind, first day of the period).
    public var key: DownloadKey { DownloadKey(symbol: symbol.text, kind: kind.description, day: USEquityCalendar.text(firstDay)) }

    public var description: String { "\(symbol.text) \(kind) \(USEquityCalendar.text(firstDay))" }
}

/// A requested time range `[from, to)` in UTC ns.
public struct DownloadRange: Sendable, Equatable {
    public var from: Nanos
    public var to: Nanos
    public init(from: Nanos, to: Nanos) { self.from = from; self.to = to }

    /// Parses an Eastern `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]`.
    /// A bare date means its midnight, or with `endOfDay` the next midnight (an inclusive end date).
    public static func parseEastern(_ text: String, endOfDay: Bool = false) -> Nanos? {
        let t = text.downloadTrimmed()
        let datePart = String(t.prefix(10))
        guard let day = USEquityCalendar.day(datePart) else { return nil }
        if t.count == 10 { return USEquityCalendar.midnight(endOfDay ? day + 1 : day) }
        let rest = t.dropFirst(10)
        guard let sep = rest.first, sep == " " || sep == "T" else { return nil }
        let parts = rest.dropFirst().split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var v: [Int] = []
        for p in parts {
            guard p.count == 2, let n = Int(p) else { return nil }
            v.append(n)
        }
        let h = v[0], m = v[1], s = v.count == 3 ? v[2] : 0
        guard h < 24, m < 60, s < 60 else { return nil }
        let (y, mo, d) = Time.civilFromDays(day)
        return Eastern.utcNanos(year: y, month: mo, day: d, hour: h, minute: m, second: s)
    }
}

extension String {
    func downloadTrimmed() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}

/// Splits a request into ledger units.
public enum DownloadPlanner {
    /// The units of `symbols` x `kind` covering `range`, oldest period first (then by symbol), so an
    /// interrupted run leaves whole days done. Equities get units only on trading days; futures (`@...`)
    /// on every weekday (their exchanges keep other hours and holidays).
    public static func units(symbols: [Symbol], kind: DownloadKind, range: DownloadRange) -> [DownloadUnit] {
        guard range.to > range.from else { return [] }
        var out: [DownloadUnit] = []
        for symbol in symbols {
            out.append(contentsOf: units(symbol: symbol, kind: kind, range: range))
        }
        return ordered(out)
    }

    /// Oldest period first, then symbol.
    public static func ordered(_ units: [DownloadUnit]) -> [DownloadUnit] {
        units.enumerated().sorted { a, b in
            if a.element.firstDay != b.element.firstDay { return a.element.firstDay < b.element.firstDay }
            if a.element.symbol.text != b.element.symbol.text { return a.element.symbol.text < b.element.symbol.text }
            return a.offset < b.offset
        }.map(\.element)
    }

    public static func units(symbol: Symbol, kind: DownloadKind, range: DownloadRange) -> [DownloadUnit] {
        guard range.to > range.from else { return [] }
        let firstDay = USEquityCalendar.easternDay(range.from)
        let lastDay = USEquityCalendar.easternDay(range.to - 1)
        var out: [DownloadUnit] = []
        if kind.isIntraday {
            let judged = USEquityCalendar.isJudged(symbol: symbol.text)
            var day = firstDay
            while day <= lastDay {
                let open = judged ? USEquityCalendar.isTradingDay(day) : !USEquityCalendar.isWeekend(day)
                if open {
                    out.append(DownloadUnit(symbol: symbol, kind: kind, firstDay: day, lastDay: day,
                                            from: max(range.from, USEquityCalendar.midnight(day)),
                                            to: min(range.to, USEquityCalendar.midnight(day + 1))))
                }
                day += 1
            }
            return out
        }
        // Calendar bars: whole days only; a month (daily) or a year (weekly, monthly) per unit.
        let from = USEquityCalendar.midnight(firstDay), to = USEquityCalendar.midnight(lastDay + 1)
        var (y, m, _) = Time.civilFromDays(firstDay)
        if kind != .daily { m = 1 }
        while true {
            let start = Time.daysFromCivil(year: y, month: m, day: 1)
            if start > lastDay { break }
            let next: Int
            if kind == .daily { next = m == 12 ? Time.daysFromCivil(year: y + 1, month: 1, day: 1) : Time.daysFromCivil(year: y, month: m + 1, day: 1) }
            else { next = Time.daysFromCivil(year: y + 1, month: 1, day: 1) }
            out.append(DownloadUnit(symbol: symbol, kind: kind, firstDay: start, lastDay: next - 1,
                                    from: max(from, USEquityCalendar.midnight(start)), to: min(to, USEquityCalendar.midnight(next))))
            if kind == .daily { if m == 12 { y += 1; m = 1 } else { m += 1 } } else { y += 1 }
        }
        return out
    }
}
