import ArgumentParser
import ClickHouse
import Foundation
import MarketData

/// `mdt query`: SQL against ClickHouse over HTTP, and market-data shortcuts that write the SQL.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run SQL on ClickHouse, or a market-data shortcut (ticks, quotes, bars, stats).",
        discussion: """
            mdt query "SELECT ..."            SQL from the argument; `-` or no argument with a pipe reads stdin; --file F.
            mdt query --multi --file s.sql    several statements separated by `;`, run in order.
            mdt query --param sym=AAPL "SELECT count() FROM market_ticks WHERE symbol = {sym:String}"
                Parameters are sent as ClickHouse query parameters on 20.1+ servers and bound into the SQL
                as typed, escaped literals on older servers (18.16); a value can never change the statement.
            mdt query --schema [--dialect modern|legacy]   print the DDL for the server's (or the given) dialect.
            mdt query ticks AAPL --since 1h | quotes AAPL | bars AAPL --interval 1m [--chart c.svg] | stats
            Output: --format table|csv|tsv|json|ndjson|vertical (table on a terminal, tsv otherwise), or
            --ch-format NAME to stream the server's own format (e.g. Parquet, JSONEachRow) unchanged.
            --output FILE writes there (never over an existing file without --force). `| head` exits 0.
            On a terminal, queries running over a second show rows/bytes read on stderr; --time prints
            elapsed time and rows read/written. Ctrl-C cancels the query on the server (KILL QUERY) and exits 130.
            Exit codes: 65 the server rejected the query (its code and the SQL position are shown),
            69 ClickHouse unreachable, 75 timeout, 78 authentication failed or bad configuration, 64 bad flags.
            """,
        subcommands: [Run.self, Ticks.self, Quotes.self, Bars.self, Stats.self],
        defaultSubcommand: Run.self
    )
}

/// Flags shared by every `mdt query` form.
struct QueryCommonOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp("Write the result to this file instead of stdout.", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Overwrite the --output file (or --chart file) if it exists.")
    var force = false

    @Flag(name: .long, help: "Print elapsed time and rows read/written to stderr.")
    var time = false

    @Option(name: .long, help: ArgumentHelp("Limit for each request in seconds (default: none; Ctrl-C cancels). Connecting is limited to 5 s.", valueName: "seconds"))
    var timeout: Double?

    func validate() throws {
        if let timeout, timeout < 0 { throw ValidationError("--timeout must be >= 0") }
    }
}

/// Builds the context with `--output` applied and runs `body`; the output file is flushed and closed after.
func withQueryContext(
    global: GlobalOptions, clickhouse: ClickHouseOptions, output: OutputOptions, common: QueryCommonOptions, label: String,
    _ body: (CommandContext) throws -> Void
) throws {
    let file = try common.output.map { try OutputFile.open($0, force: common.force) }
    let ctx = try CommandContext(global: global, flags: [clickhouse], output: output, label: label, stdout: file ?? .stdout)
    do {
        try body(ctx)
    } catch {
        if let file { try? OutputFile.close(file) }
        throw error
    }
    if let file {
        do { try OutputFile.close(file) } catch { throw CommandFailure(.failure, "\(common.output ?? "-"): \(error)") }
    }
}

extension QueryCommand {
    /// `mdt query [SQL|-] [--file F] [--multi] [--param k=v]... [--ch-format NAME] [--schema]`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run SQL (the default: `mdt query \"SELECT 1\"`).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var common: QueryCommonOptions

        @Argument(help: ArgumentHelp("The SQL, or `-` to read it from stdin.", valueName: "sql"))
        var sql: String?

        @Option(name: .shortAndLong, help: ArgumentHelp("Read the SQL from this file.", valueName: "file"))
        var file: String?

        @Flag(name: .long, help: "Allow several statements separated by `;` (run in order).")
        var multi = false

        @Option(name: .customLong("param"), help: ArgumentHelp("Value for a {name:Type} placeholder (repeatable).", valueName: "name=value"))
        var params: [String] = []

        @Option(name: .customLong("ch-format"), help: ArgumentHelp("Any ClickHouse output format, streamed unchanged.", valueName: "name"))
        var chFormat: String?

        @Flag(name: .long, help: "Print the market-data DDL (MarketSchema) for the server's dialect.")
        var schema = false

        @Option(name: .long, help: ArgumentHelp("With --schema: render for this dialect without asking a server.", valueName: "modern|legacy"))
        var dialect: SQLDialect?

        @Option(name: .long, help: ArgumentHelp("With --schema: ON CLUSTER / Distributed DDL for this cluster.", valueName: "name"))
        var cluster: String?

        func validate() throws {
            if schema {
                if sql != nil || file != nil { throw ValidationError("--schema takes no SQL") }
                return
            }
            if dialect != nil || cluster != nil { throw ValidationError("--dialect and --cluster go with --schema") }
            if sql != nil, file != nil { throw ValidationError("give the SQL as an argument or with --file, not both") }
            if let chFormat, chFormat.isEmpty || !chFormat.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                throw ValidationError("--ch-format: '\(chFormat)' is not a format name")
            }
            if chFormat != nil, output.format != nil { throw ValidationError("use --format or --ch-format, not both") }
        }

        func run() throws {
            try withQueryContext(global: global, clickhouse: clickhouse, output: output, common: common, label: "mdt.query") { ctx in
                if schema { return try printSchema(ctx) }
                let text = try readSQL()
                let statements = multi ? SQLScanner.splitStatements(text) : (SQLScanner.hasCode(text) ? [text] : [])
                guard !statements.isEmpty else { throw CommandFailure(.usage, "no SQL given (argument, --file or stdin)") }
                let values = try QueryParameters.parse(params)
                try QueryParameters.check(statements: statements, values: values)
                let runner = try QueryRunner(connection: ClickHouseConnection(ctx.settings.clickhouse, timeoutSeconds: common.timeout), ctx: ctx)
                runner.timing = common.time
                for statement in statements {
                    let (sql, parameters) = try runner.prepare(statement, values: values)
                    if let chFormat {
                        try runner.raw(sql, parameters: parameters, format: SQLScanner.returnsRows(sql) ? chFormat : nil, to: ctx.stdout)
                    } else if SQLScanner.trailingFormat(sql) != nil {
                        // The statement names its own format: pass the server's bytes through.
                        try runner.raw(sql, parameters: parameters, format: nil, to: ctx.stdout)
                    } else if SQLScanner.returnsRows(sql) {
                        try runner.rows(sql, parameters: parameters, writer: ctx.rowWriter())
                    } else {
                        try runner.execute(sql, parameters: parameters)
                    }
                }
            }
        }

        func readSQL() throws -> String {
            if let file {
                do { return try String(contentsOfFile: file, encoding: .utf8) } catch {
                    throw CommandFailure(.dataError, "\(file): cannot read SQL: \((error as NSError).localizedDescription)")
                }
            }
            if let sql, sql != "-" { return sql }
            if sql == nil, isatty(0) == 1 { throw CommandFailure(.usage, "no SQL given: mdt query \"SELECT ...\" (or --file F, or `-` for stdin)") }
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let text = String(data: data, encoding: .utf8) else { throw CommandFailure(.dataError, "stdin: SQL is not UTF-8") }
            return text
        }

        func printSchema(_ ctx: CommandContext) throws {
            let d: SQLDialect
            if let dialect {
                d = dialect
            } else {
                let runner = try QueryRunner(connection: ClickHouseConnection(ctx.settings.clickhouse, timeoutSeconds: common.timeout), ctx: ctx)
                d = try runner.dialect() == .modern ? .modern : .legacy
            }
            try ctx.stdout.write(MarketSchema.script(dialect: d, database: ctx.settings.clickhouse.database, cluster: cluster))
        }
    }
}

extension SQLDialect: ExpressibleByArgument {}

/// Symbol, window and limit flags of the market-data shortcuts.
struct ShortcutOptions: ParsableArguments {
    @Argument(help: ArgumentHelp("Symbol as IQFeed spells it (e.g. AAPL, @ESZ26).", valueName: "symbol"))
    var symbol: String

    @Option(name: .long, help: ArgumentHelp("Only the last DURATION (30s, 15m, 1h, 2d, 1w).", valueName: "duration"))
    var since: String?

    @Option(name: .long, help: ArgumentHelp("From this UTC time (YYYY-MM-DD[ HH:MM[:SS[.f]]], or Unix seconds).", valueName: "time"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Up to (excluding) this UTC time.", valueName: "time"))
    var to: String?

    @Option(name: [.customShort("n"), .long], help: "At most N rows (the latest N).")
    var limit: Int = 100

    func validate() throws {
        if since != nil, from != nil || to != nil { throw ValidationError("use --since or --from/--to, not both") }
        if let since, DurationText.seconds(since) == nil { throw ValidationError("--since '\(since)': expected N[s|m|h|d|w]") }
        if let from, TimeText.nanos(from) == nil { throw ValidationError("--from '\(from)': expected YYYY-MM-DD[ HH:MM[:SS]] (UTC) or Unix seconds") }
        if let to, TimeText.nanos(to) == nil { throw ValidationError("--to '\(to)': expected YYYY-MM-DD[ HH:MM[:SS]] (UTC) or Unix seconds") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        do { _ = try Symbol(symbol) } catch { throw ValidationError("symbol '\(symbol)': \(error)") }
    }

    var validSymbol: Symbol { (try? Symbol(symbol)) ?? Symbol(unchecked: symbol) }

    func window(now: Nanos = Nanos(Date().timeIntervalSince1970 * 1e9)) -> TimeWindow {
        if let since, let s = DurationText.seconds(since) { return TimeWindow(from: now - s * Time.nanosPerSecond, to: nil) }
        return TimeWindow(from: from.flatMap(TimeText.nanos), to: to.flatMap(TimeText.nanos))
    }
}

/// Runs one of the per-symbol shortcuts (`ticks`, `quotes`): `sql` builds the query for the server's dialect.
func runShortcut(global: GlobalOptions, clickhouse: ClickHouseOptions, output: OutputOptions, common: QueryCommonOptions,
                 shortcut: ShortcutOptions,
                 _ sql: (SQLDialect, _ database: String, _ symbol: Symbol, _ window: TimeWindow, _ limit: Int) -> String) throws {
    try withQueryContext(global: global, clickhouse: clickhouse, output: output, common: common, label: "mdt.query") { ctx in
        let runner = try QueryRunner(connection: ClickHouseConnection(ctx.settings.clickhouse, timeoutSeconds: common.timeout), ctx: ctx)
        runner.timing = common.time
        let text = sql(try marketDialect(runner), ctx.settings.clickhouse.database, shortcut.validSymbol, shortcut.window(), shortcut.limit)
        try runner.rows(text, writer: ctx.rowWriter())
    }
}

/// The server's dialect as the schema's `SQLDialect`.
func marketDialect(_ runner: QueryRunner) throws -> SQLDialect {
    try runner.dialect() == .modern ? .modern : .legacy
}

extension QueryCommand {
    /// `mdt query ticks SYM [--since D | --from T --to T] [-n N]`.
    struct Ticks: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ticks", abstract: "The latest trades of a symbol (market_ticks).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var common: QueryCommonOptions
        @OptionGroup var shortcut: ShortcutOptions

        func run() throws {
            try runShortcut(global: global, clickhouse: clickhouse, output: output, common: common, shortcut: shortcut,
                            MarketQueries.ticks)
        }
    }

    /// `mdt query quotes SYM [...]`.
    struct Quotes: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "quotes", abstract: "The latest quotes of a symbol (market_l1).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var common: QueryCommonOptions
        @OptionGroup var shortcut: ShortcutOptions

        func run() throws {
            try runShortcut(global: global, clickhouse: clickhouse, output: output, common: common, shortcut: shortcut,
                            MarketQueries.quotes)
        }
    }

    /// `mdt query bars SYM --interval 1m [--chart FILE.svg] [...]`.
    struct Bars: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bars", abstract: "OHLCV bars aggregated from the trades (market_ticks); --chart draws them as SVG.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var common: QueryCommonOptions
        @OptionGroup var shortcut: ShortcutOptions

        @Option(name: .long, help: ArgumentHelp("Bar length (30s, 1m, 5m, 1h, 1d).", valueName: "duration"))
        var interval = "1m"

        @Option(name: .long, help: ArgumentHelp("Draw a candlestick chart with volume bars into this SVG file.", valueName: "file.svg"))
        var chart: String?

        func validate() throws {
            if DurationText.seconds(interval) == nil { throw ValidationError("--interval '\(interval)': expected N[s|m|h|d|w]") }
        }

        func run() throws {
            try withQueryContext(global: global, clickhouse: clickhouse, output: output, common: common, label: "mdt.query") { ctx in
                let runner = try QueryRunner(connection: ClickHouseConnection(ctx.settings.clickhouse, timeoutSeconds: common.timeout), ctx: ctx)
                runner.timing = common.time
                let sql = MarketQueries.bars(try marketDialect(runner), database: ctx.settings.clickhouse.database, symbol: shortcut.validSymbol,
                                             intervalSeconds: DurationText.seconds(interval) ?? 60, window: shortcut.window(), limit: shortcut.limit)
                guard let chart else { try runner.rows(sql, writer: ctx.rowWriter()); return }
                let collector = CollectingRowWriter()
                try runner.rows(sql, writer: collector)
                let bars = collector.rows.compactMap(ChartBar.init(cells:))
                let svg = CandlestickChart.svg(title: "\(shortcut.symbol) \(interval) bars (\(bars.count))", bars: bars)
                try OutputFile.write(svg, to: chart, force: common.force)
                StandardError.line("mdt: wrote \(chart) (\(bars.count) bars)")
            }
        }
    }

    /// `mdt query stats`: rows, symbols, time span and disk size per table of the database.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats", abstract: "Rows, symbols, first/last time and disk size per table (system.parts).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup var common: QueryCommonOptions

        func run() throws {
            try withQueryContext(global: global, clickhouse: clickhouse, output: output, common: common, label: "mdt.query") { ctx in
                let runner = try QueryRunner(connection: ClickHouseConnection(ctx.settings.clickhouse, timeoutSeconds: common.timeout), ctx: ctx)
                let db = ctx.settings.clickhouse.database
                let dialect = try marketDialect(runner)
                let tables = try runner.texts(MarketQueries.tables(database: db))
                if tables.isEmpty, try !QueryErrors.mapping({ try runner.client.databaseExists(db) }) {
                    throw CommandFailure(.dataError, "database '\(db)' does not exist on \(runner.client.endpoint.hostPort)")
                }
                var parts: [String: [String]] = [:]
                for p in try runner.texts(MarketQueries.parts(database: db)) where p.count >= 4 { parts[p[0]] = p }
                var rows: [[Cell]] = []
                for t in tables where t.count >= 2 {
                    let name = t[0]
                    let p = parts[name]
                    var symbols: Cell = .null, first: Cell = .null, last: Cell = .null
                    if let market = MarketTable(rawValue: name) {
                        let span = try runner.texts(MarketQueries.tableSpan(dialect, database: db, table: market)).first ?? []
                        if span.count >= 4, span[0] != "0" {
                            symbols = .number(span[1])
                            first = .string(span[2])
                            last = .string(span[3])
                        } else if span.count >= 4 {
                            symbols = .number("0")
                        }
                    }
                    let bytes = p.flatMap { UInt64($0[3]) } ?? 0
                    rows.append([.string(name), .string(t[1]), .number(p?[1] ?? "0"), .number(p?[2] ?? "0"), symbols, first, last,
                                 .number(String(bytes)), .string(ByteText.of(bytes))])
                }
                try ctx.rowWriter().writeAll(
                    columns: ["table", "engine", "rows", "parts", "symbols", "first", "last", "disk_bytes", "disk"], rows: rows)
            }
        }
    }
}

/// Keeps rows in memory (small results only: the chart's bars).
final class CollectingRowWriter: RowWriter {
    var columns: [String] = []
    var rows: [[Cell]] = []
    func begin(columns: [String]) throws(OutputError) { self.columns = columns }
    func write(row: [Cell]) throws(OutputError) { rows.append(row) }
    func end() throws(OutputError) {}
}

extension ChartBar {
    /// From a `bars` row: time, open, high, low, close, volume[, trades].
    init?(cells: [Cell]) {
        guard cells.count >= 6, let time = cells[0].text else { return nil }
        func d(_ c: Cell) -> Double? { c.text.flatMap(Double.init) }
        guard let o = d(cells[1]), let h = d(cells[2]), let l = d(cells[3]), let c = d(cells[4]), let v = d(cells[5]) else { return nil }
        self.init(time: time, open: o, high: h, low: l, close: c, volume: v)
    }
}
