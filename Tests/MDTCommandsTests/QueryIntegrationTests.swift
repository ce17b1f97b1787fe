import ClickHouse
import Foundation
import MarketData
import MDTTestSupport
import Testing
@testable import MDTCommands

/// `mdt query` code against the real ClickHouse 18.16 (legacy dialect): a unique database per run.
@Suite(.serialized) struct QueryLegacyServerTests {
    func runner(_ db: LegacyDatabase, format: OutputFormat?) throws -> (QueryRunner, CapturedContext) {
        let cap = try CapturedContext(format: format, environment: db.environment)
        return (try QueryRunner(connection: ClickHouseConnection(cap.ctx.settings.clickhouse, timeoutSeconds: nil), ctx: cap.ctx), cap)
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func shortcutsOnLegacyServer() throws {
        let db = try LegacyDatabase()
        defer { db.drop() }
        let version = try db.client.serverVersion()
        let dialect: SQLDialect = version.dialect == .modern ? .modern : .legacy
        for s in MarketSchema.createStatements(dialect: dialect, database: db.name) { try db.client.execute(s) }
        for s in QuerySampleData.inserts(dialect, database: db.name) { try db.client.execute(s) }
        #expect(try db.client.rowCount(table: "\(db.name).market_ticks") == UInt64(QuerySampleData.tradeCount + 2))

        // ticks: the latest 5, oldest first, the duplicate removed by FINAL.
        var (r, cap) = try runner(db, format: .tsv)
        try r.rows(MarketQueries.ticks(dialect, database: db.name, symbol: try Symbol("AAPL"), window: .all, limit: 5), writer: cap.ctx.rowWriter())
        var lines = QuerySampleData.rows(try cap.text())
        #expect(lines.first?.prefix(4) == ["time", "symbol", "price", "size"])
        #expect(QuerySampleData.sameRows(Array(lines.dropFirst()), QuerySampleData.expectedTicks(limit: 5)), "\(lines)")

        // ticks with a window: every trade in [from, to).
        let from = QuerySampleData.base + 60 * Time.nanosPerSecond, to = QuerySampleData.base + 120 * Time.nanosPerSecond
        (r, cap) = try runner(db, format: .tsv)
        try r.rows(MarketQueries.ticks(dialect, database: db.name, symbol: try Symbol("AAPL"), window: TimeWindow(from: from, to: to), limit: 100),
                   writer: cap.ctx.rowWriter())
        lines = QuerySampleData.rows(try cap.text())
        #expect(QuerySampleData.sameRows(Array(lines.dropFirst()), QuerySampleData.expectedTicks(limit: 100, from: from, to: to)), "\(lines)")
        #expect(lines.count == 5)

        // A symbol with a quote is quoted, not injected.
        (r, cap) = try runner(db, format: .tsv)
        try r.rows(MarketQueries.ticks(dialect, database: db.name, symbol: try Symbol("X'Y"), window: .all, limit: 5), writer: cap.ctx.rowWriter())
        lines = QuerySampleData.rows(try cap.text())
        #expect(lines.count == 2 && lines[1][1] == "X'Y" && QuerySampleData.same(lines[1][2], "1.000000001"), "\(lines)")

        // bars: OHLCV per minute from the trades.
        (r, cap) = try runner(db, format: .tsv)
        try r.rows(MarketQueries.bars(dialect, database: db.name, symbol: try Symbol("AAPL"), intervalSeconds: 60, window: .all, limit: 100),
                   writer: cap.ctx.rowWriter())
        lines = QuerySampleData.rows(try cap.text())
        #expect(lines.first == ["time", "open", "high", "low", "close", "volume", "trades"])
        #expect(QuerySampleData.sameRows(Array(lines.dropFirst()), QuerySampleData.expectedBars), "\(lines)")

        // bars --chart: an SVG with one candle per bar.
        let svgPath = NSTemporaryDirectory() + "mdt-bars-\(UUID().uuidString).svg"
        defer { try? FileManager.default.removeItem(atPath: svgPath) }
        try withEnvironment(db.environment) {
            var cmd = try QueryCommand.Bars.parse(["AAPL", "--interval", "1m", "--chart", svgPath])
            try cmd.run()
            // The file exists now: without --force it is not overwritten.
            var again = try QueryCommand.Bars.parse(["AAPL", "--interval", "1m", "--chart", svgPath])
            #expect(throws: CommandFailure.self) { try again.run() }
        }
        let svg = try String(contentsOfFile: svgPath, encoding: .utf8)
        let candles = svg.components(separatedBy: "class=\"candle ").count - 1
        #expect(candles == QuerySampleData.expectedBars.count)
        #expect(svg.components(separatedBy: "class=\"vol\"").count - 1 == candles)
        #expect(svg.contains(QuerySampleData.expectedBars[0][0]))

        // quotes.
        (r, cap) = try runner(db, format: .tsv)
        try r.rows(MarketQueries.quotes(dialect, database: db.name, symbol: try Symbol("AAPL"), window: .all, limit: 2), writer: cap.ctx.rowWriter())
        lines = QuerySampleData.rows(try cap.text())
        #expect(lines.count == 3 && QuerySampleData.same(lines[2][4], "100.04"), "\(lines)")

        // stats (through the command, into a file).
        let out = NSTemporaryDirectory() + "mdt-stats-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: out) }
        try withEnvironment(db.environment) {
            var cmd = try QueryCommand.Stats.parse(["--format", "json", "--output", out])
            try cmd.run()
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[String: Any]]
        let ticks = json?.first { $0["table"] as? String == "market_ticks" }
        #expect(ticks?["rows"] as? Int == QuerySampleData.tradeCount + 2)
        #expect(ticks?["symbols"] as? Int == 2)
        #expect(ticks?["first"] as? String == QuerySampleData.timeText(QuerySampleData.base))
        #expect((ticks?["disk_bytes"] as? Int ?? 0) > 0)
        #expect(json?.first { $0["table"] as? String == "market_l2" }?["rows"] as? Int == 0)
        #expect(json?.count == MarketTable.allCases.count)
    }

    /// Every output format on a real result with NULLs, Decimal prices, unicode and an empty result.
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func everyFormatOnRealResults() throws {
        let db = try LegacyDatabase()
        defer { db.drop() }
        let sql = """
            SELECT number AS n, toDecimal64(189.25, 9) * number AS price, if(number = 1, NULL, concat('日本', toString(number))) AS name,
                   if(number = 2, 'tab\\there "q", x', 'é') AS note
            FROM system.numbers LIMIT 3
            """
        func run(_ f: OutputFormat, _ q: String = sql) throws -> String {
            let (r, cap) = try runner(db, format: f)
            try r.rows(q, writer: cap.ctx.rowWriter())
            return try cap.text()
        }
        #expect(try run(.tsv) == """
            n\tprice\tname\tnote
            0\t0.000000000\t日本0\té
            1\t189.250000000\t\\N\té
            2\t378.500000000\t日本2\ttab\\there "q", x

            """)
        #expect(try run(.csv) == """
            n,price,name,note
            0,0.000000000,日本0,é
            1,189.250000000,,é
            2,378.500000000,日本2,"tab\there ""q"", x"

            """)
        #expect(try run(.ndjson) == """
            {"n":0,"price":0.000000000,"name":"日本0","note":"é"}
            {"n":1,"price":189.250000000,"name":null,"note":"é"}
            {"n":2,"price":378.500000000,"name":"日本2","note":"tab\\there \\"q\\", x"}

            """)
        let json = try run(.json)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(parsed?.count == 3)
        #expect(parsed?[1]["name"] is NSNull)
        #expect((parsed?[2]["price"] as? NSNumber)?.doubleValue == 378.5)
        let table = try run(.table)
        #expect(table.contains("NULL") && table.contains("日本2") && table.contains("189.250000000"))
        #expect(table.split(separator: "\n").count == 5)
        let vertical = try run(.vertical)
        #expect(vertical.contains("Row 3:") && vertical.contains("name:  NULL") && vertical.contains("price: 378.500000000"))

        // Empty results: a header (or empty JSON array), never an error.
        let empty = "SELECT number AS n, toString(number) AS s FROM system.numbers LIMIT 0"
        #expect(try run(.tsv, empty) == "n\ts\n")
        #expect(try run(.csv, empty) == "n,s\n")
        #expect(try run(.json, empty) == "[]\n")
        #expect(try run(.ndjson, empty) == "")
        #expect(try run(.vertical, empty) == "")
        #expect(try run(.table, empty).hasPrefix("n  s\n"))
    }

    /// Legacy servers have no query parameters: mdt binds them as literals, and no value can change the statement.
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func parametersBoundSafelyOnLegacyServer() throws {
        let db = try LegacyDatabase()
        defer { db.drop() }
                try db.client.execute("CREATE TABLE \(db.name).t (s String, n UInt32, d Date, p Decimal64(9)) ENGINE = Memory")
        try db.client.execute("INSERT INTO \(db.name).t VALUES ('a', 1, '2026-11-23', 1.5), ('b', 2, '2026-11-24', 2.25)")
        let tricky = ["x' OR 1=1 --", "a\\'b", "\\", "'", "it's \"q\"", "back\\slash\\", "new\nline\ttab", "日本'語", "' OR '1'='1", "\\' OR 1=1 --"]
        for value in tricky {
            let (r, cap) = try runner(db, format: .tsv)
            let (count, countParams) = try r.prepare("SELECT count() FROM \(db.name).t WHERE s = {v:String}", values: ["v": value])
            #expect(countParams.isEmpty, "legacy: bound client-side")
            try r.rows(count, writer: cap.ctx.rowWriter())
            #expect(try cap.text() == "count()\n0\n", "value \(value.debugDescription) matched rows: \(count)")
            let (r2, cap2) = try runner(db, format: .ndjson)
            try r2.rows(try r2.prepare("SELECT {v:String} AS v", values: ["v": value]).sql, writer: cap2.ctx.rowWriter())
            let back = try JSONSerialization.jsonObject(with: Data(try cap2.text().utf8)) as? [String: String]
            #expect(back?["v"] == value, "round trip of \(value.debugDescription)")
        }
        let (r, cap) = try runner(db, format: .tsv)
        let bound = try r.prepare(
            "SELECT s FROM \(db.name).t WHERE n = {n:UInt32} AND d = {d:Date} AND p = {p:Decimal64(9)} AND s = {s:Nullable(String)}",
            values: ["n": "2", "d": "2026-11-24", "p": "2.25", "s": "b"]).sql
        try r.rows(bound, writer: cap.ctx.rowWriter())
        #expect(try cap.text() == "s\nb\n")
        #expect(throws: QueryParameterError.self) { try r.prepare("SELECT {n:UInt32}", values: ["n": "1 OR 1=1"]) }
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func errorsCarryCodeAndExitStatus() throws {
        let db = try LegacyDatabase()
        defer { db.drop() }
        let (r, cap) = try runner(db, format: .tsv)
        do {
            try r.rows("SELECT 1 FROM nowhere_table_\(db.name)", writer: cap.ctx.rowWriter())
            Issue.record("an unknown table must fail")
        } catch let e as CommandFailure {
            #expect(e.exitStatus == .dataError)
            #expect(e.message.contains("ClickHouse error 60"), "\(e.message)")
        }
        do {
            try r.rows("SELECT 1 +* 2", writer: cap.ctx.rowWriter())
            Issue.record("bad SQL must fail")
        } catch let e as CommandFailure {
            #expect(e.exitStatus == .dataError)
            #expect(e.message.contains("error 62") && e.message.contains("position"), "\(e.message)")
        }
        var env = db.environment
        env["MDT_CLICKHOUSE_PASSWORD"] = "definitely-wrong-password"
        let bad = try CapturedContext(format: .tsv, environment: env)
        let r2 = try QueryRunner(connection: ClickHouseConnection(bad.ctx.settings.clickhouse, timeoutSeconds: nil), ctx: bad.ctx)
        do {
            try r2.rows("SELECT 1", writer: bad.ctx.rowWriter())
            Issue.record("a wrong password must fail")
        } catch let e as CommandFailure {
            #expect(e.exitStatus == .config)
            #expect(e.message.contains("rejected user"), "\(e.message)")
            #expect(!e.message.contains("definitely-wrong-password"))
        }
        env["MDT_CLICKHOUSE_URL"] = "http://127.0.0.1:1"
        let down = try CapturedContext(format: .tsv, environment: env)
        let r3 = try QueryRunner(connection: ClickHouseConnection(down.ctx.settings.clickhouse, timeoutSeconds: nil), ctx: down.ctx)
        #expect(throws: CommandFailure.self) { try r3.rows("SELECT 1", writer: down.ctx.rowWriter()) }
        do { try r3.rows("SELECT 1", writer: down.ctx.rowWriter()) } catch let e as CommandFailure { #expect(e.exitStatus == .unavailable) }
    }

    /// Rows reach the writer while the server is still sending: the first rows of a 1M-row result
    /// are written before the last ones exist on the client, and memory stays flat.
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func millionRowsStreamed() throws {
        let db = try LegacyDatabase()
        defer { db.drop() }
        let cap = try CapturedContext(format: .tsv, environment: db.environment)
        let r = try QueryRunner(connection: ClickHouseConnection(cap.ctx.settings.clickhouse, timeoutSeconds: nil), ctx: cap.ctx)
        let writer = CountingWriter()
        try r.rows("SELECT number, toString(number) AS s, number * 0.5 AS f FROM system.numbers LIMIT 1000000", writer: writer)
        #expect(writer.rows == 1_000_000)
        #expect(writer.lastRow == [.number("999999"), .string("999999"), .number("499999.5")])
        // Memory is bounded by QueryEndToEndTests.millionRowsWithBoundedMemory, which measures the mdt
        // process alone: this process's RSS also moves with whatever other suites run beside it.
    }
}

/// Counts rows and keeps the last one.
final class CountingWriter: RowWriter {
    var rows = 0
    var lastRow: [Cell] = []
    func begin(columns: [String]) throws(OutputError) {}
    func write(row: [Cell]) throws(OutputError) {
        rows += 1
        lastRow = row
    }
    func end() throws(OutputError) {}
}

/// Runs `body` with `MDT_*` variables set in the process environment (commands resolve settings from it).
let environmentLock = NSLock()
func withEnvironment(_ env: [String: String], _ body: () throws -> Void) throws {
    environmentLock.lock()
    defer { environmentLock.unlock() }
    var saved: [String: String?] = [:]
    for (k, v) in env {
        saved[k] = ProcessInfo.processInfo.environment[k]
        setenv(k, v, 1)
    }
    defer {
        for (k, v) in saved {
            if let v { setenv(k, v, 1) } else { unsetenv(k) }
        }
    }
    try body()
}
