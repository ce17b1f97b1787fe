import Foundation
import MarketData
import MDTTestSupport
import Testing
@testable import MDTCommands

/// The modern dialect without a server: the rendered modern DDL and the shortcut SQL run through
/// chdb (embedded ClickHouse 26.x, PyPI `chdb-core`) with `Tests/scripts/chdb_run.py`, giving the
/// same answers as the legacy server does for the same rows.
@Suite struct QueryChdbModernTests {
    static let scriptPath = TestServices.repoRoot.appendingPathComponent("Tests/scripts/chdb_run.py").path

    static let chdbInstalled: Bool = {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", "import chdb"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }()

    @Test(.enabled(if: TestServices.isCI || chdbInstalled))
    func modernDDLAndShortcutsThroughChdb() throws {
        let dir = NSTemporaryDirectory() + "mdt-chdb-query-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = "mdt_query_modern"
        let d = SQLDialect.modern
        var plan: [[String: String]] = []
        func step(_ sql: String, out: String? = nil, format: String = "TSV") {
            var s = ["sql": sql, "format": format]
            if let out { s["out"] = dir + "/" + out }
            plan.append(s)
        }
        for s in MarketSchema.createStatements(dialect: d, database: db) { step(s) }
        for s in QuerySampleData.inserts(d, database: db) { step(s) }
        let aapl = try Symbol("AAPL")
        step(MarketQueries.ticks(d, database: db, symbol: aapl, window: .all, limit: 5), out: "ticks")
        let from = QuerySampleData.base + 60 * Time.nanosPerSecond, to = QuerySampleData.base + 120 * Time.nanosPerSecond
        step(MarketQueries.ticks(d, database: db, symbol: aapl, window: TimeWindow(from: from, to: to), limit: 100), out: "window")
        step(MarketQueries.ticks(d, database: db, symbol: try Symbol("X'Y"), window: .all, limit: 5), out: "quoted")
        step(MarketQueries.bars(d, database: db, symbol: aapl, intervalSeconds: 60, window: .all, limit: 100), out: "bars")
        step(MarketQueries.quotes(d, database: db, symbol: aapl, window: .all, limit: 2), out: "quotes")
        step(MarketQueries.tableSpan(d, database: db, table: .ticks), out: "span")
        step(MarketQueries.tables(database: db), out: "tables")
        step(MarketQueries.parts(database: db), out: "parts")
        // The typed results mdt reads: names and types, as the reader gets them from a modern server.
        step("SELECT toDecimal64(189.25, 9) AS p, toNullable(NULL) AS n, 'x' AS s", out: "typed", format: "TabSeparatedWithNamesAndTypes")
        let planPath = dir + "/plan.json"
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: planPath))

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.scriptPath, planPath]
        let errPath = dir + "/stderr"
        FileManager.default.createFile(atPath: errPath, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try p.run()
        p.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        if p.terminationStatus == 3 { Issue.record("chdb is not installed: pip install chdb-core (\(stderr))"); return }
        try #require(p.terminationStatus == 0, "chdb_run.py failed: \(stderr)")

        func rows(_ name: String) throws -> [[String]] { QuerySampleData.rows(try String(contentsOfFile: dir + "/" + name, encoding: .utf8)) }
        let ticks = try rows("ticks"), window = try rows("window"), bars = try rows("bars")
        #expect(QuerySampleData.sameRows(ticks, QuerySampleData.expectedTicks(limit: 5)), "\(ticks)")
        #expect(QuerySampleData.sameRows(window, QuerySampleData.expectedTicks(limit: 100, from: from, to: to)), "\(window)")
        let quoted = try rows("quoted")
        #expect(quoted.count == 1 && quoted.first.map { TSVResultReader.unescape(ArraySlice(Array($0[1].utf8))) } == "X'Y", "\(quoted)")
        #expect(QuerySampleData.sameRows(bars, QuerySampleData.expectedBars), "\(bars)")
        let quotes = try rows("quotes")
        #expect(quotes.count == 2 && QuerySampleData.same(quotes[1][4], "100.04"))
        let span = try rows("span")
        // count() without FINAL: the duplicate may or may not have been merged away yet.
        let spanCount = span.first?[0] ?? ""
        #expect(spanCount == String(QuerySampleData.tradeCount + 1) || spanCount == String(QuerySampleData.tradeCount + 2))
        #expect(span.first?[1] == "2")
        #expect(span.first?[2] == QuerySampleData.timeText(QuerySampleData.base))
        #expect(try rows("tables").map { $0[0] } == MarketTable.allCases.map(\.rawValue).sorted())
        #expect(try rows("parts").contains { $0.first == "market_ticks" })

        var header: [String] = []
        var types: [String] = []
        var got: [[Cell]] = []
        let reader = TSVResultReader(onHeader: { header = $0; types = $1 }, onRow: { got.append($0) })
        let typed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/typed")))
        try typed.withUnsafeBytes { try reader.feed($0) }
        try reader.finish()
        #expect(header == ["p", "n", "s"])
        #expect(types.first?.hasPrefix("Decimal") == true)
        #expect(got.count == 1)
        if got.count == 1 {
            if case .number(let text) = got[0][0] { #expect(Double(text) == 189.25) } else { Issue.record("decimal is a number cell: \(got[0][0])") }
            #expect(got[0][1] == .null)
            #expect(got[0][2] == .string("x"))
        }
    }

    /// The modern path: `{name:Type}` values travel as query parameters (never spliced into the SQL);
    /// the embedded server binds them, and injection attempts stay values.
    @Test(.enabled(if: TestServices.isCI || chdbInstalled))
    func modernParametersThroughChdb() throws {
        let dir = NSTemporaryDirectory() + "mdt-chdb-params-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let tricky = ["x' OR 1=1 --", "a\\'b", "\\", "'", "it's \"q\"", "日本'語", "tab\there\nnew", "back\\slash\\", "1"]
        let sql = "SELECT {v:String} AS v, count() AS c FROM numbers(3) WHERE toString(number) = {v:String} AND number < {n:UInt32}"
        var plan: [[String: Any]] = []
        for (i, value) in tricky.enumerated() {
            let values = try QueryParameters.parse(["v=" + value, "n=3"])
            try QueryParameters.check(statements: [sql], values: values)
            plan.append(["sql": sql, "format": "JSONEachRow", "out": dir + "/\(i)", "params": values.mapValues(QueryParameters.serverEscaped)])
        }
        let planPath = dir + "/plan.json"
        try JSONSerialization.data(withJSONObject: plan).write(to: URL(fileURLWithPath: planPath))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", Self.scriptPath, planPath]
        try p.run()
        p.waitUntilExit()
        if p.terminationStatus == 3 { Issue.record("chdb is not installed: pip install chdb-core"); return }
        try #require(p.terminationStatus == 0)
        for (i, value) in tricky.enumerated() {
            let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/\(i)"))
            let row = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            #expect(row?["v"] as? String == value)
            #expect((row?["c"] as? NSNumber)?.intValue == (value == "1" ? 1 : 0), "\(value.debugDescription)")
        }
    }
}
