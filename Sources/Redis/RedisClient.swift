public import Logging

/// A blocking Redis client over one hiredis connection.
///
/// Connects (with AUTH and SELECT) on creation, or lazily on first use with `connectNow: false`.
/// When the connection breaks, the failing call throws (`connectionLost`, or
/// `pipelineInterrupted` for a batch) and the next call reconnects; a connection the server
/// closed while idle is noticed and replaced before sending. Thread-confined: use one client per
/// thread (it is not `Sendable`); calls block the calling thread.
public final class RedisClient {
    public let configuration: RedisConfiguration
    public var logger: Logger
    private var connection: HiredisContext?
    private var scratch = RedisPipeline()
    private var wire: [UInt8] = []
    /// Commands written by `send` whose replies `receive` has not read yet.
    private var unread = 0
    /// Successful connections made so far (1 after the first connect; more after reconnects).
    public private(set) var connectCount = 0

    public var endpoint: String { configuration.endpoint }

    public init(configuration: RedisConfiguration, connectNow: Bool = true, logger: Logger = Logger(label: "mdt.redis")) throws(RedisError) {
        self.configuration = configuration
        self.logger = logger
        if connectNow { _ = try connected() }
    }

    /// - Parameters:
    ///   - url: `redis://[[user]:password@]host[:port][/db]`.
    ///   - password: used when the URL carries none.
    public convenience init(
        url: String, password: String? = nil, connectTimeout: Duration = .seconds(2),
        commandTimeout: Duration = .seconds(5), connectNow: Bool = true, logger: Logger = Logger(label: "mdt.redis")
    ) throws(RedisError) {
        var config = try RedisConfiguration(url: url, connectTimeout: connectTimeout, commandTimeout: commandTimeout)
        if config.password == nil { config.password = password }
        try self.init(configuration: config, connectNow: connectNow, logger: logger)
    }

    /// Whether a connection is currently open (it may still turn out to be dead on use).
    public var isConnected: Bool { connection.map { !$0.isBroken } ?? false }

    /// Drops the connection; the next call reconnects.
    public func disconnect() { connection = nil }

    // MARK: - Commands

    /// Sends one command and returns its reply. An error reply throws `RedisError.server`
    /// (`NOAUTH`/`WRONGPASS` throw `.authenticationFailed`).
    @discardableResult
    public func command(_ args: [String]) throws(RedisError) -> RedisValue {
        scratch.reset()
        scratch.append(args)
        return try single(name: args.first ?? "")
    }

    @discardableResult
    public func command(_ args: String...) throws(RedisError) -> RedisValue { try command(args) }

    /// Sends one command given as byte arguments.
    @discardableResult
    public func command(bytes args: [[UInt8]]) throws(RedisError) -> RedisValue {
        scratch.reset()
        scratch.append(bytes: args)
        return try single(name: args.first.map { String(decoding: $0, as: UTF8.self) } ?? "")
    }

    private func single(name: String) throws(RedisError) -> RedisValue {
        let result = try run(scratch, collectReplies: true, isPipeline: false)
        guard let reply = result.replies.first else { throw .unexpectedReply(command: name, reply: "no reply") }
        if case .error(let message) = reply {
            if message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS") {
                throw .authenticationFailed(endpoint: endpoint, message: scrub(message))
            }
            throw .server(command: name.uppercased(), message: scrub(message))
        }
        return reply
    }

    // MARK: - Pipelines

    /// Builds a batch with `build` (into a reusable buffer) and sends it in one round trip.
    /// Error replies do not throw: they are counted in the result (and kept, with
    /// `collectReplies`). A broken connection throws `.pipelineInterrupted`; retry or spool.
    @discardableResult
    public func pipeline(collectReplies: Bool = false, _ build: (inout RedisPipeline) throws -> Void) throws -> RedisPipelineResult {
        scratch.reset()
        try build(&scratch)
        return try run(scratch, collectReplies: collectReplies, isPipeline: true)
    }

    /// Sends a batch built by the caller (reuse it with `reset()`).
    @discardableResult
    public func execute(_ pipeline: RedisPipeline, collectReplies: Bool = false) throws(RedisError) -> RedisPipelineResult {
        try run(pipeline, collectReplies: collectReplies, isPipeline: true)
    }

    private func run(_ p: RedisPipeline, collectReplies: Bool, isPipeline: Bool) throws(RedisError) -> RedisPipelineResult {
        let total = p.sentCount
        guard total > 0 else { return RedisPipelineResult() }
        if unread > 0 { _ = try receive() }  // replies of an earlier `send` come first on the wire
        let conn = try queue(p)
        return try replies(total, conn, collectReplies: collectReplies, isPipeline: isPipeline)
    }

    /// Writes a pipeline's commands to the server without reading their replies, so the caller can prepare
    /// the next commands while the server works; `receive(_:)` then reads the replies of everything sent.
    /// Returns the number of commands sent. The server keeps the replies meanwhile (it does not stop
    /// reading for a client that has not read its replies yet), so interleaving sends cannot deadlock.
    /// A command or pipeline run before `receive()` reads and drops those replies first.
    public func send(_ pipeline: RedisPipeline) throws(RedisError) -> Int {
        let total = pipeline.sentCount
        guard total > 0 else { return 0 }
        let conn = try queue(pipeline)
        guard conn.flushOutput() else {
            let error = failure(conn, completed: 0, total: total, isPipeline: true)
            connection = nil
            unread = 0
            throw error
        }
        unread += total
        return total
    }

    /// Reads the replies of everything sent with `send(_:)` since the last `receive`, in order.
    public func receive() throws(RedisError) -> RedisPipelineResult {
        let count = unread
        guard count > 0 else { return RedisPipelineResult() }
        unread = 0
        guard let conn = connection else {
            throw .connectionLost(endpoint: endpoint, reason: "connection dropped before \(count) replies were read")
        }
        return try replies(count, conn, collectReplies: false, isPipeline: true)
    }

    /// Queues a pipeline's wire bytes in hiredis' output buffer (sent by the next flush or reply read).
    /// With replies unread the connection must be the one they will arrive on (it looks readable, which
    /// `connected()` would take for a closed connection).
    private func queue(_ p: RedisPipeline) throws(RedisError) -> HiredisContext {
        let conn: HiredisContext
        if unread > 0 {
            guard let c = connection else {
                let n = unread
                unread = 0
                throw .connectionLost(endpoint: endpoint, reason: "connection dropped with \(n) replies unread")
            }
            conn = c
        } else {
            conn = try connected()
        }
        p.wire(into: &wire)
        let queued = wire.withUnsafeBufferPointer { conn.append(formatted: $0) }
        guard queued else {
            connection = nil
            throw .protocolError(endpoint: endpoint, reason: "hiredis could not queue the command (out of memory)")
        }
        return conn
    }

    private func replies(_ total: Int, _ conn: HiredisContext, collectReplies: Bool, isPipeline: Bool) throws(RedisError) -> RedisPipelineResult {
        var result = RedisPipelineResult()
        if collectReplies { result.replies.reserveCapacity(total) }
        for i in 0..<total {
            let ok: Bool? = conn.nextReply { reply in
                if HiredisContext.isError(reply) {
                    result.errorCount += 1
                    if result.firstError == nil { result.firstError = scrub(HiredisContext.text(reply.pointee)) }
                }
                if collectReplies { result.replies.append(HiredisContext.value(reply)) }
                return true
            }
            if ok == nil {
                let error = failure(conn, completed: i, total: total, isPipeline: isPipeline)
                connection = nil
                throw error
            }
            result.count += 1
        }
        return result
    }

    private func failure(_ conn: HiredisContext, completed: Int, total: Int, isPipeline: Bool) -> RedisError {
        let reason = conn.errorText
        if conn.failedWithTimeout {
            return .timedOut(endpoint: endpoint, after: configuration.commandTimeout, whileConnecting: false)
        }
        if conn.failedWithProtocolError { return .protocolError(endpoint: endpoint, reason: reason) }
        if isPipeline && total > 1 {
            return .pipelineInterrupted(endpoint: endpoint, reason: reason, completed: completed, total: total)
        }
        return .connectionLost(endpoint: endpoint, reason: reason)
    }

    // MARK: - Connection

    /// The open connection, or a new one (connect, AUTH, SELECT) when there is none or it died.
    private func connected() throws(RedisError) -> HiredisContext {
        if let connection, !connection.looksClosed { return connection }
        if connection != nil { logger.info("redis connection closed; reconnecting", metadata: ["redis": "\(endpoint)"]) }
        connection = nil
        let c = configuration
        let conn = try HiredisContext(host: c.host, port: c.port, endpoint: endpoint, connectTimeout: c.connectTimeout, commandTimeout: c.commandTimeout)
        if let password = c.password, !password.isEmpty {
            let args = c.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
            let reply = try handshake(conn, args, name: "AUTH")
            if case .error(let message) = reply {
                throw .authenticationFailed(endpoint: endpoint, message: scrub(message))
            }
        }
        if c.database != 0 {
            let reply = try handshake(conn, ["SELECT", String(c.database)], name: "SELECT")
            if case .error(let message) = reply {
                if message.hasPrefix("NOAUTH") { throw .authenticationFailed(endpoint: endpoint, message: message) }
                throw .server(command: "SELECT", message: message)
            }
        }
        connection = conn
        connectCount += 1
        if connectCount > 1 { logger.info("redis reconnected", metadata: ["redis": "\(endpoint)"]) }
        return conn
    }

    private func handshake(_ conn: HiredisContext, _ args: [String], name: String) throws(RedisError) -> RedisValue {
        var p = RedisPipeline()
        p.append(args)
        var bytes: [UInt8] = []
        p.wire(into: &bytes)
        let ok = bytes.withUnsafeBufferPointer { conn.append(formatted: $0) }
        guard ok, let reply = conn.nextReply({ HiredisContext.value($0) }) else {
            if conn.failedWithTimeout {
                throw .timedOut(endpoint: endpoint, after: configuration.commandTimeout, whileConnecting: true)
            }
            throw .connectionLost(endpoint: endpoint, reason: "\(conn.errorText) (during \(name))")
        }
        return reply
    }

    /// Removes the password from server text, in case a message ever echoes it.
    private func scrub(_ text: String) -> String {
        guard let password = configuration.password, password.count >= 3, text.contains(password) else { return text }
        return text.replacing(password, with: "***")
    }
}

@available(*, unavailable)
extension RedisClient: Sendable {}
