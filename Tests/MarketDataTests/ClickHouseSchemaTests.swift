import Foundation
import MarketData
import MDTTestSupport
import Testing

/// Rows for every table from the encoders, in the order a `SELECT ... ORDER BY` returns them.
struct SampleRows {
    var trades: [Trade] = [], quotes: [Quote] = [], books: [BookUpdate] = [], bars: [Bar] = [], metrics: [MetricSample] = []

    init(seed: UInt64, count: Int) {
        var g = EventGenerator(seed: seed, wide: false)
        for _ in 0..<count {
            trades.append(g.trade()); quotes.append(g.quote()); books.append(g.book()); bars.append(g.bar()); metrics.append(g.metric())
        }
    }

    /// Concatenated RowBinary rows of a table, and the ORDER BY that returns them in this order.
    func rowBinary(_ table: MarketTable) -> (bytes: [UInt8], orderBy: String) {
        var out: [UInt8] = []
        switch table {
        case .ticks: for t in trades { RowBinaryEncoder.append(t, to: &out) }
        case .l1: for q in quotes { RowBinaryEncoder.append(q, to: &out) }
        case .l2: for b in books { RowBinaryEncoder.append(b, to: &out) }
        case .bars: for b in bars { RowBinaryEncoder.append(b, to: &out) }
        case .metrics: for m in metrics { RowBinaryEncoder.append(m, to: &out) }
        }
        return (out, table == .bars || table == .metrics ? "ts" : "seq")
    }

    /// NDJSON of a market event table (nil for metrics, which have no JSON form).
    func ndjson(_ table: MarketTable) -> String? {
        var out: [UInt8] = []
        switch table {
        case .ticks: for t in trades { JSONEventEncoder.appendLine(.trade(t), to: &out) }
        case .l1: for q in quotes { JSONEventEncoder.appendLine(.quote(q), to: &out) }
        case .l2: for b in books { JSONEventEncoder.appendLine(.book(b), to: &out) }
        case .bars: for b in bars { JSONEventEncoder.appendLine(.bar(b), to: &out) }
        case .metrics: return nil
        }
        return String(decoding: out, as: UTF8.self)
    }

    func select(_ table: MarketTable, database: String) -> String {
        "SELECT \(MarketSchema.columnNames(table).joined(separator: ", ")) FROM \(database).\(table.rawValue) ORDER BY \(rowBinary(table).orderBy)"
    }

    /// Trades whose ts lies in [lo, hi): checks the dialect's time literals.
    var timeWindow: (lo: Nanos, hi: Nanos, count: Int) {
        let sorted = trades.map(\.eventTime).sorted()
        let lo = sorted[sorted.count / 4], hi = sorted[sorted.count * 3 / 4]
        return (lo, hi, trades.filter { $0.eventTime >= lo && $0.eventTime < hi }.count)
    }
}

/// The legacy DDL on the real ClickHouse 18.16 server, RowBinary rows from the encoders inserted and
/// read back byte for byte, plus the dialect's time expressions and ReplacingMergeTree deduplication.
@Suite struct ClickHouseLegacySchemaTests {
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func schemaRowsAndTimeExpressionsOnRealServer() throws {
        let ch = try CurlClickHouse.fromServices()
        let version = try ch.text("SELECT version()")
        let dialect = SQLDialect(serverVersion: version)
        let db = "mdt_test_book_\(UInt32.random(in: 0...UInt32.max))"
        defer { _ = try? ch.query("DROP DATABASE IF EXISTS \(db)") }
        for statement in MarketSchema.createStatements(dialect: dialect, database: db) { try ch.query(statement) }
        // IF NOT EXISTS: running the DDL again is harmless.
        for statement in MarketSchema.createStatements(dialect: dialect, database: db) { try ch.query(statement) }

        let rows = SampleRows(seed: 18_16, count: 300)
        for table in MarketTable.allCases {
            let (bytes, _) = rows.rowBinary(table)
            try ch.query(MarketSchema.insertStatement(table, database: db), body: bytes)
            let back = try ch.query(rows.select(table, database: db) + " FORMAT RowBinary")
            #expect(back.count == bytes.count, "\(table.rawValue) on ClickHouse \(version)")
            #expect(back == bytes, "\(table.rawValue) rows differ after a round trip through ClickHouse \(version)")
        }

        // Values as ClickHouse sees them: decimal prices, times through the dialect's expressions.
        let t = rows.trades[0]
        let line = try ch.text("SELECT toString(price), toString(\(dialect.tsToNanos("ts"))), toString(\(dialect.tsToDateTime("ts"))), "
                               + "toString(\(dialect.tsToDate("ts"))), symbol FROM \(db).market_ticks WHERE seq = \(t.seq) FORMAT TabSeparated")
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        #expect(f.count == 5)
        if f.count == 5 {
            #expect((try? Price.parse(f[0])) == t.price, "price \(f[0]) vs \(t.price)")
            #expect(f[1] == String(t.eventTime))
            let iso = Time.iso8601(t.eventTime)
            #expect(f[2] == iso.prefix(10) + " " + iso.dropFirst(11).prefix(8))
            #expect(f[3] == String(iso.prefix(10)))
        }
        let w = rows.timeWindow
        let n = try ch.text("SELECT count() FROM \(db).market_ticks WHERE ts >= \(dialect.nanosLiteral(w.lo)) AND ts < \(dialect.nanosLiteral(w.hi))")
        #expect(n == String(w.count))

        // Partitioned by UTC day.
        let days = Set(rows.trades.map { $0.eventTime / Time.nanosPerDay }).count
        let parts = try ch.text("SELECT uniqExact(partition) FROM system.parts WHERE database = '\(db)' AND table = 'market_ticks' AND active")
        #expect(parts == String(days))

        // A retried insert leaves no duplicates for FINAL reads.
        try ch.query(MarketSchema.insertStatement(.ticks, database: db), body: rows.rowBinary(.ticks).bytes)
        #expect(try ch.text("SELECT count() FROM \(db).market_ticks") == "600")
        #expect(try ch.text("SELECT count() FROM \(db).market_ticks FINAL") == "300")
    }
}

/// The modern DDL through chdb (embedded ClickHouse 26.x, PyPI `chdb-core`): RowBinary rows and the
/// JSON encoder's NDJSON (as JSONEachRow) both land as the same rows; time expressions work.
@Suite struct ChdbModernSchemaTests {
    static let scriptPath = TestServices.repoRoot.appendingPathComponent("Tests/scripts/chdb_run.py").path

    static let chdbInstalled: Bool = {
        (try? ProcessRunner.run("python3", ["-c", "import chdb"]))?.status == 0
    }()

    @Test(.enabled(if: TestServices.isCI || chdbInstalled))
    func modernSchemaRowBinaryAndJSONEachRow() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mdt-chdb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = SampleRows(seed: 26_9, count: 200)
        var plan: [[String: String]] = []
        func step(_ sql: String, format: String = "TSV", out: String? = nil) {
            var s = ["sql": sql, "format": format]
            if let out { s["out"] = dir.appendingPathComponent(out).path }
            plan.append(s)
        }
        let db = MarketSchema.defaultDatabase, jdb = "json_db"
        for s in MarketSchema.createStatements(dialect: .modern, database: db) { step(s) }
        for s in MarketSchema.createStatements(dialect: .modern, database: jdb) { step(s) }
        for table in MarketTable.allCases {
            let file = dir.appendingPathComponent("\(table.rawValue).bin")
            try Data(rows.rowBinary(table).bytes).write(to: file)
            let structure = MarketSchema.columns(table).map { "\($0.name) \($0.kind.sqlType(.modern))" }.joined(separator: ", ")
                .replacingOccurrences(of: "'", with: "\\'")
            step("INSERT INTO \(db).\(table.rawValue) SELECT * FROM file('\(file.path)', 'RowBinary', '\(structure)')")
            step(rows.select(table, database: db), format: "RowBinary", out: "\(table.rawValue).rb.out")
            if let ndjson = rows.ndjson(table) {
                step("INSERT INTO \(jdb).\(table.rawValue) SETTINGS input_format_skip_unknown_fields = 1 FORMAT JSONEachRow\n" + ndjson)
                step(rows.select(table, database: jdb), format: "RowBinary", out: "\(table.rawValue).json.out")
            }
        }
        let w = rows.timeWindow
        let d = SQLDialect.modern
        step("SELECT count() FROM \(db).market_ticks WHERE ts >= \(d.nanosLiteral(w.lo)) AND ts < \(d.nanosLiteral(w.hi))", out: "window.out")
        let t = rows.trades[0]
        step("SELECT \(d.tsToNanos("ts")), \(d.tsToDateTime("ts")), \(d.tsToDate("ts")), toString(price) FROM \(db).market_ticks WHERE seq = \(t.seq)",
             out: "values.out")
        step("SELECT count() FROM \(db).market_ticks FINAL", out: "final.out")

        let planURL = dir.appendingPathComponent("plan.json")
        try JSONSerialization.data(withJSONObject: plan).write(to: planURL)
        let r = try ProcessRunner.run("python3", [Self.scriptPath, planURL.path])
        if r.status == 3 { Issue.record("chdb is not installed: pip install chdb-core (\(r.stderr))"); return }
        try #require(r.status == 0, "chdb_run.py failed: \(r.stderr)")

        func out(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: dir.appendingPathComponent(name))) }
        for table in MarketTable.allCases {
            let want = rows.rowBinary(table).bytes
            #expect(try out("\(table.rawValue).rb.out") == want, "\(table.rawValue): RowBinary round trip")
            if table != .metrics {
                #expect(try out("\(table.rawValue).json.out") == want, "\(table.rawValue): JSONEachRow of the JSON encoder")
            }
        }
        #expect(String(decoding: try out("window.out"), as: UTF8.self) == "\(w.count)\n")
        let iso = Time.iso8601(t.eventTime)
        let values = String(decoding: try out("values.out"), as: UTF8.self).split(separator: "\t").map(String.init)
        #expect(values.count == 4)
        if values.count == 4 {
            #expect(values[0] == String(t.eventTime))
            #expect(values[1] == iso.prefix(10) + " " + iso.dropFirst(11).prefix(8))
            #expect(values[2] == String(iso.prefix(10)))
            #expect((try? Price.parse(values[3].trimmingCharacters(in: .newlines))) == t.price)
        }
        #expect(String(decoding: try out("final.out"), as: UTF8.self) == "200\n")
    }
}
