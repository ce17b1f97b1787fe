import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import MarketData
import Testing
@testable import MDTCommands

@Suite struct QueryParameterTests {
    @Test func placeholdersOnlyInCode() throws {
        let sql = "SELECT {a:String}, '{b:String}', `{c:UInt8}` -- {d:Int8}\n /* {e:Int8} */ , {f:DateTime('UTC')}, {g : Nullable(UInt32)}"
        let found = try QueryParameters.placeholders(in: sql)
        #expect(found.map(\.name) == ["a", "f", "g"])
        #expect(found.map(\.type) == ["String", "DateTime('UTC')", "Nullable(UInt32)"])
    }

    @Test func parseFlags() throws {
        #expect(try QueryParameters.parse(["a=1", "s=x=y", "e="]) == ["a": "1", "s": "x=y", "e": ""])
        #expect(throws: QueryParameterError.malformed("=1")) { try QueryParameters.parse(["=1"]) }
        #expect(throws: QueryParameterError.malformed("noequals")) { try QueryParameters.parse(["noequals"]) }
        #expect(throws: QueryParameterError.malformed("a b=1")) { try QueryParameters.parse(["a b=1"]) }
    }

    @Test func missingAndUnused() throws {
        #expect(throws: QueryParameterError.missing(name: "s", type: "String")) {
            try QueryParameters.check(statements: ["SELECT {s:String}"], values: [:])
        }
        #expect(throws: QueryParameterError.unused(name: "t")) {
            try QueryParameters.check(statements: ["SELECT {s:String}"], values: ["s": "1", "t": "2"])
        }
        try QueryParameters.check(statements: ["SELECT {s:String}", "SELECT {t:UInt8}"], values: ["s": "1", "t": "2"])
    }

    /// String values become one quoted literal whatever they contain.
    @Test(arguments: ["x' OR 1=1 --", "a\\'b", "\\", "'", "''", "it's \"quoted\"", "back\\slash\\", "new\nline\ttab", "\0nul", "日本'語"])
    func stringInjectionStaysALiteral(value: String) throws {
        let bound = try QueryParameters.bind("SELECT count() FROM t WHERE s = {v:String} AND 1", values: ["v": value])
        let prefix = "SELECT count() FROM t WHERE s = ", suffix = " AND 1"
        #expect(bound.hasPrefix(prefix) && bound.hasSuffix(suffix))
        let literal = String(bound.dropFirst(prefix.count).dropLast(suffix.count))
        // The literal is exactly one string region covering the whole text.
        var regions: [(SQLScanner.Region, Int, Int)] = []
        SQLScanner.regions(Array(literal.utf8)) { regions.append(($0, $1, $2)) }
        #expect(regions.count == 1)
        #expect(regions.first?.0 == .stringLiteral && regions.first?.2 == literal.utf8.count)
    }

    @Test func numbersAreValidated() throws {
        #expect(try QueryParameters.literal("42", type: "UInt32", name: "n") == "42")
        #expect(try QueryParameters.literal("-0042", type: "Int64", name: "n") == "-42")
        #expect(try QueryParameters.literal("255", type: "UInt8", name: "n") == "255")
        #expect(try QueryParameters.literal("1.5e3", type: "Float64", name: "f") == "1.5e3")
        #expect(try QueryParameters.literal("189.25", type: "Decimal64(9)", name: "p") == "CAST('189.25' AS Decimal64(9))")
        for (v, t) in [("256", "UInt8"), ("-1", "UInt32"), ("1 OR 1=1", "UInt32"), ("1;DROP TABLE x", "Int64"), ("0x10", "Int32"),
                       ("", "Int8"), ("1e3", "Int32"), ("1.5.2", "Float64"), ("1e", "Float64"), ("1) OR (1", "Float32"),
                       ("1.5e3", "Decimal64(9)"), ("12abc", "Decimal(18, 4)"), ("99999999999999999999", "Int64")] {
            #expect(throws: QueryParameterError.self, "\(v) as \(t)") { try QueryParameters.literal(v, type: t, name: "x") }
        }
    }

    @Test func datesAndTimes() throws {
        #expect(try QueryParameters.literal("2024-02-29", type: "Date", name: "d") == "toDate('2024-02-29')")
        #expect(throws: QueryParameterError.self) { try QueryParameters.literal("2023-02-29", type: "Date", name: "d") }
        #expect(throws: QueryParameterError.self) { try QueryParameters.literal("2023-01-01') OR ('1", type: "Date", name: "d") }
        #expect(try QueryParameters.literal("2026-11-23 14:30:00", type: "DateTime", name: "t") == "toDateTime('2026-11-23 14:30:00')")
        #expect(try QueryParameters.literal("2026-11-23T14:30:00Z", type: "DateTime('UTC')", name: "t") == "toDateTime('2026-11-23 14:30:00', 'UTC')")
        #expect(try QueryParameters.literal("1700000000", type: "DateTime", name: "t") == "toDateTime(1700000000)")
        #expect(throws: QueryParameterError.self) { try QueryParameters.literal("2026-11-23 25:00:00", type: "DateTime", name: "t") }
        #expect(throws: QueryParameterError.self) { try QueryParameters.literal("now()", type: "DateTime", name: "t") }
    }

    @Test func wrappersAndOthers() throws {
        #expect(try QueryParameters.literal("\\N", type: "Nullable(String)", name: "s") == "NULL")
        #expect(try QueryParameters.literal("x", type: "Nullable(String)", name: "s") == "'x'")
        #expect(try QueryParameters.literal("x'y", type: "LowCardinality(String)", name: "s") == "'x\\'y'")
        #expect(try QueryParameters.literal("my`table", type: "Identifier", name: "i") == "`my\\`table`")
        #expect(throws: QueryParameterError.unsupportedType(name: "a", type: "Array(String)")) {
            try QueryParameters.literal("['a']", type: "Array(String)", name: "a")
        }
    }

    @Test func serverParameterValuesAreTSVEscaped() {
        #expect(QueryParameters.serverEscaped("plain ' quote") == "plain ' quote")
        #expect(QueryParameters.serverEscaped("a\\b\tc\nd\r\n") == "a\\\\b\\tc\\nd\\r\\n")
    }

    @Test func bindReplacesEveryOccurrence() throws {
        let sql = "SELECT {a:UInt8} + {a:UInt8}, '{a:UInt8}', {s:String}"
        #expect(try QueryParameters.bind(sql, values: ["a": "7", "s": "q"]) == "SELECT 7 + 7, '{a:UInt8}', 'q'")
    }
}

@Suite struct SQLScannerTests {
    @Test func splitStatements() {
        let script = """
            -- setup; not a statement
            CREATE TABLE t (s String); /* a ; comment */
            INSERT INTO t VALUES ('a;b'), ('c\\';d');
            SELECT ";" AS `x;y`;
            ;;
            """
        let parts = SQLScanner.splitStatements(script)
        #expect(parts.count == 3)
        // Comments stay with the statement that follows them (the server's positions refer to the text sent).
        #expect(parts[1].hasPrefix("/* a ; comment */"))
        #expect(parts[1].hasSuffix("\nINSERT INTO t VALUES ('a;b'), ('c\\';d')"))
        #expect(parts[2] == "SELECT \";\" AS `x;y`")
    }

    @Test func statementKinds() {
        #expect(SQLScanner.returnsRows("  -- c\n select 1"))
        #expect(SQLScanner.returnsRows("(SELECT 1) UNION ALL (SELECT 2)"))
        #expect(SQLScanner.returnsRows("WITH 1 AS x SELECT x"))
        #expect(SQLScanner.returnsRows("SHOW TABLES"))
        #expect(!SQLScanner.returnsRows("CREATE TABLE t (x UInt8) ENGINE = Memory"))
        #expect(!SQLScanner.returnsRows("INSERT INTO t SELECT 1"))
        #expect(SQLScanner.trailingFormat("SELECT 1 FORMAT JSONEachRow") == "JSONEachRow")
        #expect(SQLScanner.trailingFormat("SELECT 'FORMAT JSON'") == nil)
        #expect(SQLScanner.trailingFormat("SELECT 1 -- FORMAT CSV") == nil)
    }
}

@Suite struct TSVResultReaderTests {
    func read(_ text: String, chunk: Int) throws -> (columns: [String], rows: [[Cell]]) {
        var columns: [String] = []
        var rows: [[Cell]] = []
        let r = TSVResultReader(onHeader: { n, _ in columns = n }, onRow: { rows.append($0) })
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let end = min(bytes.count, i + chunk)
            try bytes[i..<end].withUnsafeBytes { try r.feed($0) }
            i = end
        }
        try r.finish()
        return (columns, rows)
    }

    @Test(arguments: [1, 2, 3, 7, 64, 4096])
    func typedCellsAtAnySplit(chunk: Int) throws {
        let text = "sym\tprice\tn\tf\tnote\tb\n"
            + "LowCardinality(String)\tDecimal(18, 9)\tNullable(UInt64)\tFloat64\tNullable(String)\tBool\n"
            + "AAPL\t189.250000000\t\\N\t1.5\ttab\\there\\\\ \\'q\\'\ttrue\n"
            + "日本\t-0.000000001\t18446744073709551615\tnan\t\\N\tfalse\n"
        let (columns, rows) = try read(text, chunk: chunk)
        #expect(columns == ["sym", "price", "n", "f", "note", "b"])
        #expect(rows.count == 2)
        #expect(rows[0] == [.string("AAPL"), .number("189.250000000"), .null, .number("1.5"), .string("tab\there\\ 'q'"), .bool(true)])
        #expect(rows[1][0] == .string("日本"))
        #expect(rows[1][2] == .number("18446744073709551615"))
        if case .double(let d) = rows[1][3] { #expect(d.isNaN) } else { Issue.record("nan should be a double cell") }
        #expect(rows[1][4] == .null)
    }

    @Test func stringColumnWithBackslashNIsNotNull() throws {
        // A non-Nullable String holding the two characters `\N` is sent escaped as `\\N`.
        let (_, rows) = try read("s\nString\n\\\\N\n", chunk: 5)
        #expect(rows == [[.string("\\N")]])
    }

    @Test func serverExceptionLineIsNotARow() throws {
        var rows: [[Cell]] = []
        let r = TSVResultReader(onHeader: { _, _ in }, onRow: { rows.append($0) })
        let text = "n\nUInt64\n1\n2\nCode: 394, e.displayText() = DB::Exception: Query was cancelled\n"
        try Array(text.utf8).withUnsafeBytes { try r.feed($0) }
        // The stream failed: finish() is not called, and the held last line never becomes a row.
        #expect(rows == [[.number("1")], [.number("2")]])
    }
}

@Suite struct ShortcutTextTests {
    @Test func durations() {
        #expect(DurationText.seconds("90") == 90)
        #expect(DurationText.seconds("1m") == 60)
        #expect(DurationText.seconds("1h") == 3600)
        #expect(DurationText.seconds("2d") == 172_800)
        #expect(DurationText.seconds("1w") == 604_800)
        for bad in ["", "0", "-1h", "1x", "h", "1.5h", "99999999999999w"] { #expect(DurationText.seconds(bad) == nil, "\(bad)") }
    }

    @Test func times() {
        let base = Time.utcNanos(year: 2026, month: 11, day: 23)
        #expect(TimeText.nanos("2026-11-23") == base)
        #expect(TimeText.nanos("2026-11-23 14:30") == base + (14 * 3600 + 30 * 60) * Time.nanosPerSecond)
        #expect(TimeText.nanos("2026-11-23T14:30:05.5Z") == base + (14 * 3600 + 30 * 60 + 5) * Time.nanosPerSecond + 500_000_000)
        #expect(TimeText.nanos("1700000000") == 1_700_000_000 * Time.nanosPerSecond)
        for bad in ["2026-13-01", "2026-11-23 24:00", "2026-11-23X10:00", "yesterday", "2026-11-23 10:00:00.1234567890"] {
            #expect(TimeText.nanos(bad) == nil, "\(bad)")
        }
    }

    @Test func shortcutSQLQuotesTheSymbolAndUsesTheDialect() throws {
        let sym = try Symbol("@ESZ26")
        let w = TimeWindow(from: Time.utcNanos(year: 2026, month: 11, day: 23), to: nil)
        let legacy = MarketQueries.ticks(.legacy, database: "db", symbol: sym, window: w, limit: 5)
        #expect(legacy.contains("symbol = '@ESZ26'"))
        #expect(legacy.contains("ts >= \(Time.utcNanos(year: 2026, month: 11, day: 23))"))
        #expect(legacy.contains("`db`.market_ticks FINAL"))
        let modern = MarketQueries.ticks(.modern, database: "db", symbol: sym, window: w, limit: 5)
        #expect(modern.contains("ts >= toDateTime64('2026-11-23 00:00:00.000000000', 9, 'UTC')"))
        #expect(MarketQueries.bars(.modern, database: "db", symbol: sym, intervalSeconds: 60, window: .all, limit: 9)
            .contains("intDiv(toUnixTimestamp64Nano(ts), 60000000000) * 60000000000"))
    }
}

@Suite struct ChartAndJSONTests {
    @Test func candlestickSVG() {
        let bars = [
            ChartBar(time: "2026-11-23 14:30:00", open: 10, high: 12, low: 9, close: 11, volume: 100),
            ChartBar(time: "2026-11-23 14:31:00", open: 11, high: 11.5, low: 8, close: 8.5, volume: 300),
            ChartBar(time: "2026-11-23 14:32:00", open: 8.5, high: 9, low: 8.5, close: 9, volume: 0),
        ]
        let svg = CandlestickChart.svg(title: "A&B <bars>", bars: bars)
        #expect(svg.hasPrefix("<?xml"))
        #expect(svg.hasSuffix("</svg>\n"))
        #expect(svg.components(separatedBy: "class=\"candle up\"").count - 1 == 2)
        #expect(svg.components(separatedBy: "class=\"candle down\"").count - 1 == 1)
        #expect(svg.components(separatedBy: "class=\"vol\"").count - 1 == 3)
        #expect(svg.components(separatedBy: "class=\"wick\"").count - 1 == 3)
        #expect(svg.contains("A&amp;B &lt;bars&gt;"))
        // Well-formed XML.
        let doc = try? XMLDocument(data: Data(svg.utf8))
        #expect(doc?.rootElement()?.name == "svg")
        #expect(CandlestickChart.svg(title: "none", bars: []).contains("no data"))
    }

    @Test func jsonPretty() {
        let text = #"{"b":1,"a":[1,2,{}],"s":"x,{:}\"y","n":null,"e":[]}"#
        #expect(JSONPretty.format(Array(text.utf8)) == """
            {
              "b": 1,
              "a": [
                1,
                2,
                {}
              ],
              "s": "x,{:}\\"y",
              "n": null,
              "e": []
            }
            """)
        #expect(JSONPretty.format(Array("not json".utf8)) == nil)
        #expect(JSONPretty.format(Array("{\"a\":".utf8)) == nil)
    }
}
