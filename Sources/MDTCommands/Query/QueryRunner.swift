import ClickHouse
import Dispatch
import Foundation
import MarketData
import Logging

/// How to reach ClickHouse; a value so helper threads (progress, cancel) can make their own clients.
struct ClickHouseConnection: Sendable {
    var url: String
    var user: String
    var password: String
    var database: String?
    var timeout: Duration?
    var connectTimeout: Duration = .seconds(5)

    init(_ s: ClickHouseSettings, timeoutSeconds: Double?) {
        url = s.url
        user = s.user
        password = s.password?.value ?? ""
        database = s.database.isEmpty ? nil : s.database
        // A query may stream for as long as it needs (Ctrl-C cancels it); --timeout N bounds it.
        let t = timeoutSeconds ?? 0
        timeout = t > 0 ? .milliseconds(Int64(t * 1000)) : nil
    }

    func client(logger: Logger) throws -> ClickHouseClient {
        try QueryErrors.mapping {
            try ClickHouseClient(url: url, user: user, password: password, database: database, timeout: timeout,
                                 connectTimeout: connectTimeout, logger: logger)
        }
    }
}

/// Counters for `--time`.
struct QueryStats {
    var elapsed: Double = 0
    var resultRows: UInt64 = 0
    var summary: ClickHouseSummary?
    var polledRows: UInt64 = 0
    var polledBytes: UInt64 = 0

    var line: String {
        var s = String(format: "%.3f s", elapsed)
        let read = summary.map { ($0.readRows, $0.readBytes) } ?? (polledRows > 0 ? (polledRows, polledBytes) : nil)
        if let (rows, bytes) = read {
            s += ", read \(summary == nil ? "at least " : "")\(rows) rows (\(ByteText.of(bytes)))"
        } else {
            s += ", rows read: not reported by the server"
        }
        if let w = summary, w.writtenRows > 0 { s += ", wrote \(w.writtenRows) rows (\(ByteText.of(w.writtenBytes)))" }
        s += ", \(resultRows) result rows"
        return s
    }
}

enum ByteText {
    static func of(_ b: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(b)
        var i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(b) B" : String(format: "%.1f %@", v, units[i])
    }
}

/// Runs statements for `mdt query`: one client on the calling thread, a progress poller and a
/// Ctrl-C handler (both with their own clients) around each statement.
final class QueryRunner {
    let connection: ClickHouseConnection
    let ctx: CommandContext
    let client: ClickHouseClient
    /// Print `--time` lines on stderr.
    var timing = false

    init(connection: ClickHouseConnection, ctx: CommandContext) throws {
        self.connection = connection
        self.ctx = ctx
        self.client = try connection.client(logger: ctx.logger)
    }

    /// The server's dialect (one `SELECT version()`, cached).
    func dialect() throws -> ClickHouseDialect {
        try QueryErrors.mapping { try client.dialect }
    }

    /// Binds or passes `values` for one statement: modern servers get URL parameters, legacy SQL literals.
    func prepare(_ sql: String, values: [String: String]) throws -> (sql: String, parameters: [String: String]) {
        guard !values.isEmpty else { return (sql, [:]) }
        let used = Set(try QueryParameters.placeholders(in: sql).map(\.name))
        guard !used.isEmpty else { return (sql, [:]) }
        if try dialect() == .modern {
            var sent: [String: String] = [:]
            for (name, value) in values where used.contains(name) { sent[name] = QueryParameters.serverEscaped(value) }
            return (sql, sent)
        }
        return (try QueryParameters.bind(sql, values: values), [:])
    }

    /// Runs a row-returning statement and writes typed rows with `writer` as they arrive.
    @discardableResult
    func rows(_ sql: String, parameters: [String: String] = [:], writer: any RowWriter) throws -> QueryStats {
        var began = false
        let reader = TSVResultReader(
            onHeader: { names, _ in
                try writer.begin(columns: names)
                began = true
            },
            onRow: { cells in try writer.write(row: cells) })
        var stats = try run(sql, parameters: parameters, format: "TabSeparatedWithNamesAndTypes") { chunk in try reader.feed(chunk) }
        try reader.finish()
        if !began { try writer.begin(columns: []) }
        try writer.end()
        stats.resultRows = reader.rows
        report(stats)
        return stats
    }

    /// Runs a statement in a ClickHouse format and copies the server's bytes to `out` unchanged.
    @discardableResult
    func raw(_ sql: String, parameters: [String: String] = [:], format: String?, to out: BufferedOutput) throws -> QueryStats {
        var bytes: UInt64 = 0
        let stats = try run(sql, parameters: parameters, format: format) { chunk in
            bytes &+= UInt64(chunk.count)
            try out.write(bytes: chunk)
        }
        try out.flush()
        report(stats)
        return stats
    }

    /// Runs a statement that returns no rows (DDL, INSERT ... SELECT).
    @discardableResult
    func execute(_ sql: String, parameters: [String: String] = [:]) throws -> QueryStats {
        let stats = try run(sql, parameters: parameters, format: nil) { _ in }
        report(stats)
        return stats
    }

    /// A whole small result as rows of text (for the shortcuts' own lookups).
    func texts(_ sql: String) throws -> [[String]] {
        let text = try QueryErrors.mapping { try client.queryText(sql, format: "TabSeparated") }
        guard !text.isEmpty else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            TSVResultReader.fields(Array(line.utf8)).map { TSVResultReader.unescape($0) }
        }
    }

    private func report(_ stats: QueryStats) {
        if timing { StandardError.line("mdt: " + stats.line) }
    }

    private func run(
        _ sql: String, parameters: [String: String], format: String?, onChunk: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> QueryStats {
        let queryID = ClickHouseClient.makeQueryID()
        let canceller = QueryCanceller(connection: connection, queryID: queryID, logger: ctx.logger, output: ctx.stdout)
        canceller.install()
        defer { canceller.uninstall() }
        let poller = ctx.progress.enabled || timing
            ? ProgressPoller(connection: connection, queryID: queryID, progress: ctx.progress.enabled ? ctx.progress : nil) : nil
        poller?.start()
        var settings: [String: String] = [:]
        if timing || ctx.progress.enabled { settings["send_progress_in_http_headers"] = "1" }
        let started = DispatchTime.now().uptimeNanoseconds
        var stats = QueryStats()
        do {
            if let format {
                stats.summary = try client.queryStreaming(sql, format: format, settings: settings, parameters: parameters,
                                                          queryID: queryID, onChunk: onChunk)
            } else {
                stats.summary = try client.execute(sql, settings: settings, queryID: queryID)
                _ = parameters
            }
        } catch {
            poller?.stop()
            canceller.exitIfCancelled()
            throw QueryErrors.map(error)
        }
        if let p = poller?.stop() {
            stats.polledRows = p.rows
            stats.polledBytes = p.bytes
        }
        canceller.exitIfCancelled()
        stats.elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return stats
    }
}

/// Ctrl-C while a statement runs: `KILL QUERY` for its id through a second client, then exit 130
/// once the first client returns. A second Ctrl-C exits at once.
final class QueryCanceller: @unchecked Sendable {
    let connection: ClickHouseConnection
    let queryID: String
    let logger: Logger
    let output: BufferedOutput
    private let lock = NSLock()
    private var cancelled = false
    private var killResult: String?
    private var source: (any DispatchSourceSignal)?

    init(connection: ClickHouseConnection, queryID: String, logger: Logger, output: BufferedOutput) {
        self.connection = connection
        self.queryID = queryID
        self.logger = logger
        self.output = output
    }

    func install() {
        signal(SIGINT, SIG_IGN)
        let s = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        s.setEventHandler { [self] in handle() }
        s.resume()
        source = s
    }

    func uninstall() {
        source?.cancel()
        source = nil
        signal(SIGINT, SIG_DFL)
    }

    private func handle() {
        lock.lock()
        let again = cancelled
        cancelled = true
        lock.unlock()
        if again {
            StandardError.line("mdt: interrupted")
            Foundation.exit(130)
        }
        StandardError.line("\r\u{1B}[Kmdt: cancelling query \(queryID) on the server (Ctrl-C again to quit now)")
        var result = "KILL QUERY sent"
        do {
            let killer = try connection.client(logger: logger)
            killer.timeout = .seconds(10)
            let found = try killer.kill(queryID: queryID)
            result = found ? "cancelled on the server" : "already finished on the server"
        } catch {
            result = "KILL QUERY failed: \(ErrorReport.message(for: QueryErrors.map(error)))"
        }
        lock.lock()
        killResult = result
        lock.unlock()
    }

    /// After the statement returned or failed: if Ctrl-C was pressed, report and exit 130.
    func exitIfCancelled() {
        lock.lock()
        let was = cancelled
        lock.unlock()
        guard was else { return }
        // Wait (bounded) for the KILL to be answered so the message says what happened.
        let deadline = DispatchTime.now().uptimeNanoseconds + 10_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            lock.lock()
            let r = killResult
            lock.unlock()
            if let r {
                try? output.flush()
                StandardError.line("mdt: query \(queryID) \(r)")
                Foundation.exit(130)
            }
            usleep(20_000)
        }
        try? output.flush()
        StandardError.line("mdt: query \(queryID) interrupted")
        Foundation.exit(130)
    }
}

/// Polls `system.processes` for the running query on its own thread and client, and shows
/// rows/bytes read and elapsed time on the stderr status line (after the first second).
final class ProgressPoller: @unchecked Sendable {
    let connection: ClickHouseConnection
    let queryID: String
    let progress: ProgressLine?
    private let lock = NSLock()
    private var stopped = false
    private var finished = false
    private(set) var rows: UInt64 = 0
    private(set) var bytes: UInt64 = 0

    init(connection: ClickHouseConnection, queryID: String, progress: ProgressLine?) {
        self.connection = connection
        self.queryID = queryID
        self.progress = progress
    }

    func start() {
        let t = Thread(named: "query-progress") { [self] in loop() }
        t.start()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    private func loop() {
        defer {
            lock.lock()
            finished = true
            lock.unlock()
        }
        // Short queries show nothing (the line is drawn from the first second on).
        let started = DispatchTime.now().uptimeNanoseconds
        usleep(100_000)
        if isStopped { return }
        var logger = Logger(label: "mdt.query.progress")
        logger.logLevel = .critical
        guard let client = try? connection.client(logger: logger) else { return }
        client.timeout = .seconds(2)
        let sql = "SELECT read_rows, read_bytes, elapsed, total_rows_approx FROM system.processes WHERE query_id = "
            + SQLText.literal(queryID)
        while !isStopped {
            if let text = try? client.queryText(sql), !text.isEmpty {
                let f = text.split(separator: "\t").map(String.init)
                if f.count >= 4, let r = UInt64(f[0]), let b = UInt64(f[1]), let e = Double(f[2]) {
                    lock.lock()
                    rows = r
                    bytes = b
                    lock.unlock()
                    let total = UInt64(f[3]) ?? 0
                    var line = "\(r) rows, \(ByteText.of(b)) read, \(String(format: "%.1f", e)) s"
                    if total > 0 { line += String(format: " (%.0f%%)", min(100, Double(r) * 100 / Double(total))) }
                    if !isStopped, DispatchTime.now().uptimeNanoseconds - started >= 1_000_000_000 { progress?.update(line) }
                }
            }
            for _ in 0..<4 where !isStopped { usleep(50_000) }
        }
    }

    /// Stops polling, clears the status line and returns the last counters.
    @discardableResult
    func stop() -> (rows: UInt64, bytes: UInt64) {
        lock.lock()
        stopped = true
        lock.unlock()
        // Wait (bounded) for the thread so it cannot draw after the line is cleared.
        for _ in 0..<60 {
            lock.lock()
            let done = finished
            lock.unlock()
            if done { break }
            usleep(50_000)
        }
        progress?.finish()
        lock.lock()
        defer { lock.unlock() }
        return (rows, bytes)
    }
}
