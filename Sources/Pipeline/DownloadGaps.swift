import ClickHouse
import Manifest
import MarketData

/// Missing trading days of one symbol and kind.
public struct DownloadGapReport: Sendable, Equatable {
    public var symbol: String
    public var kind: String
    /// False for futures (`@...`) and weekly/monthly bars: no US equity calendar applies.
    public var judged: Bool
    /// Trading days in the range (today and later are never judged: today's data is still growing).
    public var expectedDays: [Int]
    /// Trading days without a single stored row.
    public var missingDays: [Int]
    /// Trading days in the range that close early (13:00).
    public var earlyCloses: [Int]
    /// Stored rows per day (judged days only).
    public var storedRows: [Int: UInt64]
}

public enum DownloadGaps {
    /// The trading days in `[from, to)` before `today`.
    public static func expectedDays(from: Nanos, to: Nanos, today: Int) -> [Int] {
        guard to > from else { return [] }
        let first = USEquityCalendar.easternDay(from), last = min(USEquityCalendar.easternDay(to - 1), today - 1)
        guard first <= last else { return [] }
        return (first...last).filter(USEquityCalendar.isTradingDay)
    }

    /// Compares stored rows with the calendar.
    public static func find(symbol: String, kind: DownloadKind, range: DownloadRange, store: DownloadStore,
                            today: Int) throws(ClickHouseError) -> DownloadGapReport {
        let judged = USEquityCalendar.isJudged(symbol: symbol) && (kind.isIntraday || kind == .daily)
        guard judged else {
            return DownloadGapReport(symbol: symbol, kind: kind.description, judged: false, expectedDays: [], missingDays: [],
                                     earlyCloses: [], storedRows: [:])
        }
        let expected = expectedDays(from: range.from, to: range.to, today: today)
        let stored = try store.storedDays(symbol: symbol, kind: kind, from: range.from, to: range.to)
        return DownloadGapReport(
            symbol: symbol, kind: kind.description, judged: true, expectedDays: expected,
            missingDays: expected.filter { (stored[$0] ?? 0) == 0 },
            earlyCloses: expected.filter(USEquityCalendar.isEarlyClose),
            storedRows: stored.filter { expected.contains($0.key) })
    }

    /// Units that re-download the missing days of a report.
    public static func fillUnits(_ report: DownloadGapReport, kind: DownloadKind) -> [DownloadUnit] {
        guard let symbol = try? Symbol(report.symbol) else { return [] }
        return report.missingDays.flatMap { day in
            DownloadPlanner.units(symbol: symbol, kind: kind,
                                  range: DownloadRange(from: USEquityCalendar.midnight(day), to: USEquityCalendar.midnight(day + 1)))
        }
    }
}

/// One line of `mdt download status`: the ledger per symbol and kind.
public struct DownloadStatusRow: Sendable, Equatable {
    public var symbol: String
    public var kind: String
    public var done = 0
    public var empty = 0
    public var failed = 0
    public var pending = 0
    public var running = 0
    public var rows: Int64 = 0
    public var firstDay: String = ""
    public var lastDay: String = ""
    /// The most recent failure message (failed units only).
    public var lastError: String?
}

public enum DownloadLedger {
    /// The ledger grouped by (symbol, kind), sorted.
    public static func status(_ manifest: Manifest, symbol: String? = nil, kind: String? = nil) throws(ManifestError) -> [DownloadStatusRow] {
        var rows: [String: DownloadStatusRow] = [:]
        var lastErrorAt: [String: Int64] = [:]
        for r in try manifest.downloads(symbol: symbol, kind: kind) {
            let k = r.key.symbol + "\u{0}" + r.key.kind
            var row = rows[k] ?? DownloadStatusRow(symbol: r.key.symbol, kind: r.key.kind)
            switch r.state {
            case .done: row.done += 1
            case .empty: row.empty += 1
            case .failed:
                row.failed += 1
                if let e = r.error, r.updatedAt >= (lastErrorAt[k] ?? .min) { row.lastError = e; lastErrorAt[k] = r.updatedAt }
            case .pending: row.pending += 1
            case .running: row.running += 1
            }
            row.rows += r.rows
            if row.firstDay.isEmpty || r.key.day < row.firstDay { row.firstDay = r.key.day }
            if r.key.day > row.lastDay { row.lastDay = r.key.day }
            rows[k] = row
        }
        return rows.values.sorted { ($0.symbol, $0.kind) < ($1.symbol, $1.kind) }
    }
}
