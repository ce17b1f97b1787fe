import ClickHouse
import Foundation
import MarketData
import MDTTestSupport
import Testing
@testable import MDTCommands

/// A `CommandContext` whose stdout goes to a temp file, for running query code in-process.
final class CapturedContext {
    let path: String
    let out: BufferedOutput
    let ctx: CommandContext

    init(format: OutputFormat?, environment: [String: String]) throws {
        path = NSTemporaryDirectory() + "mdt-query-out-" + UUID().uuidString
        let fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o600)
        try #require(fd >= 0)
        out = BufferedOutput(fd: fd)
        let output = try OutputOptions.parse(format.map { ["--format", $0.rawValue] } ?? [])
        ctx = try CommandContext(global: try GlobalOptions.parse(["--quiet"]), input: SettingsInput(environment: environment, readConfigFile: false),
                                 output: output, label: "test", environment: environment, stdout: out)
    }

    func text() throws -> String {
        try out.flush()
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    deinit {
        close(out.fd)
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Market rows inserted into both dialects, and the answers the shortcuts must give.
struct QuerySampleData {
    static let base = Time.utcNanos(year: 2026, month: 11, day: 23, hour: 14, minute: 30, nanos: 123_456_789)
    static let tradeCount = 40

    struct TradeRow { var symbol: String; var ts: Nanos; var seq: Int; var price: String; var size: Int }
    struct QuoteRow { var symbol: String; var ts: Nanos; var seq: Int; var bid: String; var ask: String }

    static var trades: [TradeRow] {
        var rows: [TradeRow] = []
        for i in 0..<tradeCount {
            let quarter = (i * 7) % 10
            rows.append(TradeRow(symbol: "AAPL", ts: base + Int64(i) * 15 * Time.nanosPerSecond, seq: i + 1,
                                 price: "\(100 + quarter / 4).\(["00", "25", "50", "75"][quarter % 4])", size: 100 + i))
        }
        // Another symbol (with a quote character, which the shortcuts must quote).
        rows.append(TradeRow(symbol: "X'Y", ts: base, seq: 1, price: "1.000000001", size: 1))
        return rows
    }

    static var quotes: [QuoteRow] {
        (0..<5).map { i in QuoteRow(symbol: "AAPL", ts: base + Int64(i) * Time.nanosPerSecond, seq: i + 1, bid: "99.5", ask: "100.0\(i)") }
    }

    /// `INSERT` statements (VALUES with the dialect's time literals); the first trade is inserted twice
    /// (two inserts, so two parts) to check that the shortcuts read `FINAL`.
    static func inserts(_ dialect: SQLDialect, database: String) -> [String] {
        func tradeValues(_ rows: [TradeRow]) -> String {
            rows.map { r in
                "(\(SQLText.literal(r.symbol)), \(dialect.nanosLiteral(r.ts)), \(dialect.nanosLiteral(r.ts + 1000)), \(r.seq), \(r.price), \(r.size), \(1000 + r.seq))"
            }.joined(separator: ", ")
        }
        let cols = "symbol, ts, receive_ts, seq, price, size, total_volume"
        let quoteValues = quotes.map { q in
            "(\(SQLText.literal(q.symbol)), \(dialect.nanosLiteral(q.ts)), \(dialect.nanosLiteral(q.ts)), \(q.seq), \(q.bid), 10, \(q.ask), 20, 0, 0)"
        }.joined(separator: ", ")
        return [
            "INSERT INTO \(database).market_ticks (\(cols)) VALUES \(tradeValues(trades))",
            "INSERT INTO \(database).market_ticks (\(cols)) VALUES \(tradeValues([trades[0]]))",
            "INSERT INTO \(database).market_l1 (symbol, ts, receive_ts, seq, bid, bid_size, ask, ask_size, last, total_volume) VALUES \(quoteValues)",
        ]
    }

    static func timeText(_ t: Nanos) -> String {
        let iso = Time.iso8601(t)  // 2026-11-23T14:30:00.123456789Z
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).dropLast())
    }

    /// Expected `ticks AAPL -n limit` rows: time, symbol, price, size.
    static func expectedTicks(limit: Int, from: Nanos? = nil, to: Nanos? = nil) -> [[String]] {
        let rows = trades.filter { $0.symbol == "AAPL" }
            .filter { r in (from.map { r.ts >= $0 } ?? true) && (to.map { r.ts < $0 } ?? true) }
        return rows.suffix(limit).map { [timeText($0.ts), $0.symbol, $0.price, String($0.size)] }
    }

    /// Expected 1-minute bars: time, open, high, low, close, volume, trades.
    static var expectedBars: [[String]] {
        let aapl = trades.filter { $0.symbol == "AAPL" }
        var out: [[String]] = []
        var i = 0
        while i < aapl.count {
            let bucket = aapl[i].ts / (60 * Time.nanosPerSecond)
            var group: [TradeRow] = []
            while i < aapl.count, aapl[i].ts / (60 * Time.nanosPerSecond) == bucket { group.append(aapl[i]); i += 1 }
            let prices = group.map { Double($0.price) ?? 0 }
            out.append([String(timeText(bucket * 60 * Time.nanosPerSecond).prefix(19)), group[0].price, String(prices.max() ?? 0),
                        String(prices.min() ?? 0), group[group.count - 1].price, String(group.map(\.size).reduce(0, +)), String(group.count)])
        }
        return out
    }

    /// Equal as text, or as numbers when both are numbers (servers print decimals with or without trailing zeros).
    static func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        if let x = Double(a), let y = Double(b) { return x == y }
        return false
    }

    static func sameRows(_ got: [[String]], _ want: [[String]], columns: Int? = nil) -> Bool {
        guard got.count == want.count else { return false }
        for (g, w) in zip(got, want) {
            let n = columns ?? w.count
            guard g.count >= n, w.count >= n else { return false }
            for k in 0..<n where !same(g[k], w[k]) { return false }
        }
        return true
    }

    /// TSV text (no header) as rows of fields.
    static func rows(_ tsv: String) -> [[String]] {
        tsv.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }
}

/// A real-server test database: unique per run, dropped at the end.
struct LegacyDatabase {
    let name: String
    let environment: [String: String]
    let client: ClickHouseClient

    init() throws {
        let url = try TestServices.require(.clickhouse)
        name = "mdt_test_query_\(UInt32.random(in: 0...UInt32.max))"
        environment = ["MDT_CLICKHOUSE_URL": url, "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
                       "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword, "MDT_CLICKHOUSE_DATABASE": name,
                       "MDT_HOME": NSTemporaryDirectory() + "mdt-query-home"]
        client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
        try client.execute("CREATE DATABASE IF NOT EXISTS \(name)")
    }

    func drop() { _ = try? client.execute("DROP DATABASE IF EXISTS \(name)") }
}
