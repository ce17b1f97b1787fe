import ClickHouse
import Foundation
import MarketData

/// A time window for the shortcuts: `[from, to)` in UTC nanoseconds, either end open.
struct TimeWindow: Equatable, Sendable {
    var from: Nanos?
    var to: Nanos?
    static let all = TimeWindow()
}

/// The SQL behind `mdt query ticks|quotes|bars|stats`, rendered for a dialect with the helpers
/// of `SQLDialect` and the tables of `MarketSchema`. Symbols are validated by the caller and
/// always quoted with `SQLText.literal`.
enum MarketQueries {
    /// `YYYY-MM-DD HH:MM:SS.fffffffff` (UTC) for a time column or any integer-nanosecond expression.
    static func timeText(_ dialect: SQLDialect, _ expr: String, isColumn: Bool = true) -> String {
        if dialect == .modern, isColumn { return "toString(\(expr))" }
        let e = "(\(expr))"
        return "concat(toString(toDateTime(intDiv(\(e), 1000000000), 'UTC')), '.', substring(toString(1000000000 + \(e) % 1000000000), 2, 9))"
    }

    static func window(_ dialect: SQLDialect, _ w: TimeWindow) -> String {
        var s = ""
        if let from = w.from { s += " AND ts >= \(dialect.nanosLiteral(from))" }
        if let to = w.to { s += " AND ts < \(dialect.nanosLiteral(to))" }
        return s
    }

    static func table(_ t: MarketTable, _ database: String) -> String {
        SQLText.identifier(database) + "." + t.rawValue
    }

    /// The last `limit` trades of `symbol` in the window, oldest first.
    static func ticks(_ dialect: SQLDialect, database: String, symbol: Symbol, window w: TimeWindow, limit: Int) -> String {
        let cols = "symbol, price, size, bid, ask, total_volume, basis, market_center, conditions, tick_id"
        return """
            SELECT time, \(cols)
            FROM (
                SELECT \(timeText(dialect, "ts")) AS time, \(cols), ts, seq
                FROM \(table(.ticks, database)) FINAL
                WHERE symbol = \(SQLText.literal(symbol.text))\(window(dialect, w))
                ORDER BY ts DESC, seq DESC
                LIMIT \(limit)
            )
            ORDER BY ts, seq
            """
    }

    /// The last `limit` quotes of `symbol` in the window, oldest first.
    static func quotes(_ dialect: SQLDialect, database: String, symbol: Symbol, window w: TimeWindow, limit: Int) -> String {
        let cols = "symbol, bid, bid_size, ask, ask_size, last, total_volume"
        return """
            SELECT time, \(cols)
            FROM (
                SELECT \(timeText(dialect, "ts")) AS time, \(cols), ts, seq
                FROM \(table(.l1, database)) FINAL
                WHERE symbol = \(SQLText.literal(symbol.text))\(window(dialect, w))
                ORDER BY ts DESC, seq DESC
                LIMIT \(limit)
            )
            ORDER BY ts, seq
            """
    }

    /// OHLCV bars of `intervalSeconds` from the trades (open/close by time then sequence), the last
    /// `limit` buckets, oldest first. Columns: time, open, high, low, close, volume, trades.
    static func bars(_ dialect: SQLDialect, database: String, symbol: Symbol, intervalSeconds: Int64, window w: TimeWindow, limit: Int) -> String {
        let n = intervalSeconds * 1_000_000_000
        return """
            SELECT toString(toDateTime(intDiv(bucket, 1000000000), 'UTC')) AS time, open, high, low, close, volume, trades
            FROM (
                SELECT intDiv(\(dialect.tsToNanos("ts")), \(n)) * \(n) AS bucket,
                       argMin(price, (ts, seq)) AS open, max(price) AS high, min(price) AS low,
                       argMax(price, (ts, seq)) AS close, sum(size) AS volume, count() AS trades
                FROM \(table(.ticks, database)) FINAL
                WHERE symbol = \(SQLText.literal(symbol.text))\(window(dialect, w))
                GROUP BY bucket
                ORDER BY bucket DESC
                LIMIT \(limit)
            )
            ORDER BY bucket
            """
    }

    /// Tables of the database: name and engine.
    static func tables(database: String) -> String {
        "SELECT name, engine FROM system.tables WHERE database = \(SQLText.literal(database)) ORDER BY name"
    }

    /// Rows, parts and bytes on disk of the database's active parts, per table.
    static func parts(database: String) -> String {
        "SELECT table, sum(rows), count(), sum(bytes_on_disk) FROM system.parts WHERE database = \(SQLText.literal(database)) "
            + "AND active GROUP BY table ORDER BY table"
    }

    /// Distinct symbols (or processes for metrics), first and last time of one market table.
    static func tableSpan(_ dialect: SQLDialect, database: String, table t: MarketTable) -> String {
        let key = t == .metrics ? "process" : "symbol"
        let first = dialect == .modern ? "toString(min(ts))" : timeText(dialect, "min(ts)", isColumn: false)
        let last = dialect == .modern ? "toString(max(ts))" : timeText(dialect, "max(ts)", isColumn: false)
        return "SELECT count(), uniqExact(\(key)), \(first), \(last) FROM \(table(t, database))"
    }
}

/// `--since 1h`, `--interval 1m`: `N[s|m|h|d|w]` (plain N is seconds).
enum DurationText {
    static func seconds(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let last = t.last else { return nil }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        let (digits, mult): (Substring, Int64) = units[last].map { (t.dropLast(), $0) } ?? (Substring(t), 1)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(digits), n > 0,
              n <= Int64.max / mult / 1_000_000_000 else { return nil }
        return n * mult
    }
}

/// `--from`/`--to`: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS[.fff]]` (or with `T`, optional `Z`), or Unix seconds. UTC.
enum TimeText {
    static func nanos(_ text: String) -> Nanos? {
        var t = text.trimmingCharacters(in: .whitespaces)
        if !t.isEmpty, t.allSatisfy({ $0.isASCII && $0.isNumber }), let s = Int64(t), s < 100_000_000_000 { return s * Time.nanosPerSecond }
        if t.hasSuffix("Z") { t.removeLast() }
        guard t.count >= 10, let (y, m, d) = QueryParameters.parseDate(String(t.prefix(10))) else { return nil }
        var rest = t.dropFirst(10)
        var h = 0, mi = 0, s = 0
        var frac: Int64 = 0
        if !rest.isEmpty {
            guard rest.first == " " || rest.first == "T" else { return nil }
            rest = rest.dropFirst()
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3 else { return nil }
            guard parts[0].count == 2, parts[1].count == 2, let hh = Int(parts[0]), let mm = Int(parts[1]), hh < 24, mm < 60 else { return nil }
            h = hh
            mi = mm
            if parts.count == 3 {
                let sp = parts[2].split(separator: ".", omittingEmptySubsequences: false)
                guard sp[0].count == 2, let ss = Int(sp[0]), ss < 60, sp.count <= 2 else { return nil }
                s = ss
                if sp.count == 2 {
                    let f = sp[1]
                    guard !f.isEmpty, f.count <= 9, f.allSatisfy({ $0.isASCII && $0.isNumber }), let fv = Int64(f) else { return nil }
                    var scale: Int64 = 1
                    for _ in 0..<(9 - f.count) { scale *= 10 }
                    frac = fv * scale
                }
            }
        }
        return Time.utcNanos(year: y, month: m, day: d, hour: h, minute: mi, second: s, nanos: frac)
    }
}
