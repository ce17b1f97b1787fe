public import Curl
public import Logging

/// SQL over ClickHouse's HTTP interface (one kept-alive connection per client).
///
/// Credentials travel only in the `X-ClickHouse-User` / `X-ClickHouse-Key` headers, never in
/// URLs or log lines. Thread-confined like the `HTTPClient` it owns: use one client per thread.
/// Every call blocks the calling thread.
public final class ClickHouseClient {
    /// `host:port` of the server: what errors and logs name.
    public let endpoint: HTTPEndpoint
    public let user: String
    private let password: String
    /// Database used for unqualified table names (nil: the user's default).
    public let database: String?
    /// Limit for each whole request (connect, send, receive); nil waits forever.
    public var timeout: Duration?
    /// Limit for establishing the TCP connection.
    public var connectTimeout: Duration
    public var logger: Logger

    private let http: HTTPClient
    private var cachedVersion: ClickHouseVersion?

    /// - Parameters:
    ///   - url: `http://host:port` (any path is ignored; user info in the URL is ignored too:
    ///     pass `user`/`password`).
    public init(
        url: String,
        user: String = "default",
        password: String = "",
        database: String? = nil,
        timeout: Duration? = .seconds(30),
        connectTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "mdt.clickhouse")
    ) throws(ClickHouseError) {
        guard let endpoint = HTTPEndpoint(url: url) else {
            throw .invalidURL(reason: "expected http://host:port")
        }
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database.flatMap { $0.isEmpty ? nil : $0 }
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.logger = logger
        do { http = try HTTPClient() } catch { throw .transport(error) }
    }

    /// A fresh random query id (32 hex digits) to pass as `queryID:` and later to `kill(queryID:)`.
    public static func makeQueryID() -> String {
        var g = SystemRandomNumberGenerator()
        let a = g.next() as UInt64, b = g.next() as UInt64
        func hex(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return hex(a) + hex(b)
    }

    // MARK: - Server

    /// Checks that the server answers `GET /ping` (no credentials needed).
    public func ping() throws(ClickHouseError) {
        let request = HTTPRequest(method: .get, url: endpoint.base + "/ping", timeout: timeout, connectTimeout: connectTimeout)
        let response: HTTPResponse
        do { response = try http.perform(request) } catch { throw map(error) }
        guard response.status == 200 else { throw failure(status: response.status, body: response.text, sql: nil) }
        guard response.text.hasPrefix("Ok.") else { throw .unexpectedResponse("ping answered '\(response.text)'") }
    }

    /// The server's `version()` text, e.g. `18.16.1`.
    public func version() throws(ClickHouseError) -> String {
        try serverVersion().text
    }

    /// The server's parsed version (queried once, then cached).
    public func serverVersion() throws(ClickHouseError) -> ClickHouseVersion {
        if let cachedVersion { return cachedVersion }
        let text = try queryText("SELECT version()", format: "TabSeparated")
        guard let v = ClickHouseVersion(text) else { throw .unexpectedResponse("version() = '\(text)'") }
        cachedVersion = v
        return v
    }

    /// `.modern` for servers 20.1 and later, `.legacy` otherwise.
    public var dialect: ClickHouseDialect {
        get throws(ClickHouseError) { try serverVersion().dialect }
    }

    // MARK: - SQL

    /// Runs a statement that returns no rows we need (DDL, ALTER, OPTIMIZE, INSERT ... SELECT).
    @discardableResult
    public func execute(
        _ sql: String, settings: [String: String] = [:], queryID: String? = nil
    ) throws(ClickHouseError) -> ClickHouseSummary? {
        var ignored = 0
        return try run(sql: sql, format: nil, settings: settings, parameters: [:], queryID: queryID) { chunk in
            ignored &+= chunk.count
        }
    }

    /// Runs `sql` and returns the whole result in `format` (`TabSeparated`, `TSVWithNames`,
    /// `JSONEachRow`, `RowBinary`, `CSV`, ...). For large results use `queryStreaming`.
    /// `parameters` become `param_<name>` URL arguments for `{name:Type}` placeholders: modern
    /// servers only (check `dialect`).
    public func query(
        _ sql: String, format: String = "TabSeparated", settings: [String: String] = [:],
        parameters: [String: String] = [:], queryID: String? = nil
    ) throws(ClickHouseError) -> [UInt8] {
        var out: [UInt8] = []
        _ = try run(sql: sql, format: format, settings: settings, parameters: parameters, queryID: queryID) { chunk in
            out.append(contentsOf: chunk)
        }
        return out
    }

    /// `query` decoded as UTF-8 with the final newline removed.
    public func queryText(
        _ sql: String, format: String = "TabSeparated", settings: [String: String] = [:],
        parameters: [String: String] = [:], queryID: String? = nil
    ) throws(ClickHouseError) -> String {
        var text = String(decoding: try query(sql, format: format, settings: settings, parameters: parameters, queryID: queryID), as: UTF8.self)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Runs `sql` and hands the result to `onChunk` piece by piece as it arrives, never holding
    /// it whole. Chunks do not align with rows. If `onChunk` throws, the transfer is aborted and
    /// that error is rethrown. An exception the server raises after it started sending (e.g. the
    /// query was killed) is thrown as `ClickHouseError.server` once the stream ends; its text may
    /// already have reached `onChunk` as the last bytes.
    @discardableResult
    public func queryStreaming(
        _ sql: String, format: String = "TabSeparated", settings: [String: String] = [:],
        parameters: [String: String] = [:], queryID: String? = nil,
        onChunk: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> ClickHouseSummary? {
        try run(sql: sql, format: format, settings: settings, parameters: parameters, queryID: queryID, onChunk: onChunk)
    }

    /// Inserts `body` (rows already encoded in `format`, RowBinary by default) into `table`
    /// (`name` or `db.name`, used as given), optionally for the listed `columns` only.
    /// With `gzip` the body is compressed and sent with `Content-Encoding: gzip`.
    @discardableResult
    public func insert(
        table: String, columns: [String]? = nil, format: String = "RowBinary", body: [UInt8],
        gzip: Bool = false, settings: [String: String] = [:], queryID: String? = nil
    ) throws(ClickHouseError) -> ClickHouseSummary? {
        var sql = "INSERT INTO \(table)"
        if let columns, !columns.isEmpty { sql += " (" + columns.joined(separator: ", ") + ")" }
        sql += " FORMAT \(format)"
        var args = settings
        args["query"] = sql
        var request = makeRequest(arguments: args, queryID: queryID)
        request.body = body
        request.gzipBody = gzip
        var ignored = 0
        do {
            return try send(request, sql: sql) { chunk in ignored &+= chunk.count }
        } catch let error as ClickHouseError {
            throw error
        } catch {
            throw .unexpectedResponse("insert aborted: \(error)")
        }
    }

    /// Cancels the query running with `queryID` (`KILL QUERY ... SYNC`): true when one was found.
    @discardableResult
    public func kill(queryID: String) throws(ClickHouseError) -> Bool {
        let text = try queryText("KILL QUERY WHERE query_id = \(SQLText.literal(queryID)) SYNC", format: "TabSeparated")
        return !text.isEmpty
    }

    // MARK: - Small helpers

    public func databaseExists(_ name: String) throws(ClickHouseError) -> Bool {
        try queryText("SELECT count() FROM system.databases WHERE name = \(SQLText.literal(name))") != "0"
    }

    /// Whether `database.table` exists (`database` nil: the client's database, else `default`).
    public func tableExists(database: String? = nil, table: String) throws(ClickHouseError) -> Bool {
        let db = database ?? self.database ?? "default"
        return try queryText(
            "SELECT count() FROM system.tables WHERE database = \(SQLText.literal(db)) AND name = \(SQLText.literal(table))"
        ) != "0"
    }

    /// `SELECT count() FROM table [WHERE condition]` (`table` and `condition` used as given).
    public func rowCount(table: String, where condition: String? = nil, final: Bool = false) throws(ClickHouseError) -> UInt64 {
        var sql = "SELECT count() FROM \(table)"
        if final { sql += " FINAL" }
        if let condition { sql += " WHERE \(condition)" }
        let text = try queryText(sql)
        guard let n = UInt64(text) else { throw .unexpectedResponse("count() = '\(text)'") }
        return n
    }

    // MARK: - Plumbing

    private func run(
        sql: String, format: String?, settings: [String: String], parameters: [String: String],
        queryID: String?, onChunk: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> ClickHouseSummary? {
        if !parameters.isEmpty {
            let version = try serverVersion()
            if version.dialect == .legacy {
                throw ClickHouseError.unsupported(feature: "query parameters ({name:Type})", version: version.text)
            }
        }
        var args = settings
        for (name, value) in parameters { args["param_" + name] = value }
        var request = makeRequest(arguments: args, queryID: queryID)
        var text = sql
        if let format {
            while let last = text.last, last.isWhitespace || last == ";" { text.removeLast() }
            text += "\nFORMAT \(format)"
        }
        request.body = Array(text.utf8)
        return try send(request, sql: sql, onChunk: onChunk)
    }

    private func run(
        sql: String, format: String?, settings: [String: String], parameters: [String: String],
        queryID: String?, onChunk: (UnsafeRawBufferPointer) -> Void
    ) throws(ClickHouseError) -> ClickHouseSummary? {
        do {
            return try run(sql: sql, format: format, settings: settings, parameters: parameters, queryID: queryID) {
                (chunk: UnsafeRawBufferPointer) throws -> Void in onChunk(chunk)
            }
        } catch let error as ClickHouseError {
            throw error
        } catch {
            throw .unexpectedResponse("\(error)")
        }
    }

    private func makeRequest(arguments: [String: String], queryID: String?) -> HTTPRequest {
        var url = endpoint.base + "/?"
        var first = true
        func add(_ name: String, _ value: String) {
            if !first { url += "&" }
            first = false
            url += SQLText.percentEncode(name) + "=" + SQLText.percentEncode(value)
        }
        if let database { add("database", database) }
        if let queryID { add("query_id", queryID) }
        for (name, value) in arguments.sorted(by: { $0.key < $1.key }) { add(name, value) }
        var headers: [(name: String, value: String)] = [("X-ClickHouse-User", user)]
        if !password.isEmpty { headers.append(("X-ClickHouse-Key", password)) }
        return HTTPRequest(method: .post, url: url, headers: headers, timeout: timeout, connectTimeout: connectTimeout)
    }

    /// Sends `request`; a non-200 body (or an exception appended to a 200 stream) becomes an error.
    private func send(
        _ request: HTTPRequest, sql: String, onChunk: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> ClickHouseSummary? {
        var errorBody: [UInt8] = []
        var tail: [UInt8] = []
        let tailLimit = 4096
        logger.debug("clickhouse request", metadata: ["server": "\(endpoint.hostPort)", "sql": "\(ClickHouseError.oneLine(sql, limit: 200))"])
        let head: HTTPResponseHead
        do {
            head = try http.perform(request) { status, chunk in
                if status != 200 {
                    if errorBody.count < 65536 { errorBody.append(contentsOf: chunk.prefix(65536 - errorBody.count)) }
                    return
                }
                try onChunk(chunk)
                if chunk.count >= tailLimit {
                    tail.removeAll(keepingCapacity: true)
                    tail.append(contentsOf: chunk.suffix(tailLimit))
                } else {
                    tail.append(contentsOf: chunk)
                    if tail.count > 2 * tailLimit { tail.removeFirst(tail.count - tailLimit) }
                }
            }
        } catch let error as CurlError {
            throw map(error)
        }
        if head.status != 200 {
            throw failure(status: head.status, body: String(decoding: errorBody, as: UTF8.self), sql: sql)
        }
        if let exception = Self.trailingException(tail) {
            throw ClickHouseError.server(code: exception.code, message: scrub(exception.message), position: exception.position, sql: sql)
        }
        if let summary = head.headers["X-ClickHouse-Summary"].flatMap({ ClickHouseSummary(header: $0) }) { return summary }
        // Older servers send no summary; with `send_progress_in_http_headers=1` the last progress
        // header carries the same counters.
        return head.headers.fields.last { $0.name.lowercased() == "x-clickhouse-progress" }.flatMap { ClickHouseSummary(header: $0.value) }
    }

    /// An exception the server appended to a 200 response after it had started streaming:
    /// a last line starting with `Code: N` that parses as an exception.
    static func trailingException(_ tail: [UInt8]) -> ServerException? {
        guard !tail.isEmpty else { return nil }
        var end = tail.count
        while end > 0, tail[end - 1] == UInt8(ascii: "\n") { end -= 1 }
        guard end > 0 else { return nil }
        var start = end
        while start > 0, tail[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        let line = String(decoding: tail[start..<end], as: UTF8.self)
        guard line.hasPrefix("Code: "), line.contains("DB::") else { return nil }
        return ServerException(line)
    }

    private func failure(status: Int, body: String, sql: String?) -> ClickHouseError {
        let authCodes: Set<Int> = [192, 193, 194, 195, 516]
        if let exception = ServerException(body) {
            if authCodes.contains(exception.code) {
                return .authenticationFailed(endpoint: endpoint.hostPort, user: user, code: exception.code, message: scrub(exception.message))
            }
            return .server(code: exception.code, message: scrub(exception.message), position: exception.position, sql: sql)
        }
        if status == 401 || status == 403 {
            return .authenticationFailed(endpoint: endpoint.hostPort, user: user, code: nil, message: "HTTP \(status)")
        }
        return .http(endpoint: endpoint.hostPort, status: status, body: scrub(body))
    }

    /// Removes the password from server text, in case a message ever echoes it.
    private func scrub(_ text: String) -> String {
        guard password.count >= 3, text.contains(password) else { return text }
        return text.replacing(password, with: "***")
    }

    private func map(_ error: CurlError) -> ClickHouseError {
        switch error {
        case .cannotConnect(let ep, let reason): return .unreachable(endpoint: ep, reason: reason)
        case .cannotResolve(let host): return .unreachable(endpoint: endpoint.hostPort, reason: "cannot resolve host '\(host)'")
        case .timedOut(let ep, let after, let connecting): return .timedOut(endpoint: ep, after: after, whileConnecting: connecting)
        default: return .transport(error)
        }
    }
}

@available(*, unavailable)
extension ClickHouseClient: Sendable {}
