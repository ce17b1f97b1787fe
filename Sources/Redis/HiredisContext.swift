internal import CHiredis
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One hiredis connection (blocking mode). Owns the `redisContext`; freed in deinit.
/// Not thread-safe.
final class HiredisContext {
    private let context: UnsafeMutablePointer<redisContext>
    let endpoint: String

    /// Connects with `connectTimeout`, then sets `commandTimeout` for every read and write.
    init(host: String, port: Int, endpoint: String, connectTimeout: Duration, commandTimeout: Duration) throws(RedisError) {
        self.endpoint = endpoint
        guard let c = redisConnectWithTimeout(host, Int32(port), Self.makeTimeval(connectTimeout)) else {
            throw .unreachable(endpoint: endpoint, reason: "out of memory allocating the connection")
        }
        if c.pointee.err != 0 {
            let reason = Self.errorText(c)
            redisFree(c)
            let lower = reason.lowercased()
            if lower.contains("timed out") || lower.contains("in progress") || lower.contains("temporarily unavailable") {
                throw .timedOut(endpoint: endpoint, after: connectTimeout, whileConnecting: true)
            }
            throw .unreachable(endpoint: endpoint, reason: reason)
        }
        context = c
        _ = redisEnableKeepAlive(c)
        if redisSetTimeout(c, Self.makeTimeval(commandTimeout)) != REDIS_OK {
            let reason = Self.errorText(c)
            redisFree(c)
            throw .unreachable(endpoint: endpoint, reason: "cannot set the command timeout: \(reason)")
        }
    }

    deinit { redisFree(context) }

    /// hiredis' error text for the context, with a lowercase first letter.
    var errorText: String { Self.errorText(context) }

    /// True when hiredis flagged an error; the context cannot be used any more.
    var isBroken: Bool { context.pointee.err != 0 }

    /// Whether the connection looks dead before sending: with no reply outstanding, a readable
    /// or hung-up socket means the server closed it (restart, timeout, kill).
    var looksClosed: Bool {
        if isBroken { return true }
        var pfd = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let n = poll(&pfd, 1, 0)
        if n < 0 { return true }
        return n > 0 && (pfd.revents & Int16(POLLIN | POLLHUP | POLLERR)) != 0
    }

    /// Was the last failure a read/write timeout (EAGAIN on the socket)?
    var failedWithTimeout: Bool {
        guard context.pointee.err == REDIS_ERR_IO else { return false }
        let text = errorText
        return text.contains("temporarily unavailable") || text.contains("timed out") || text.contains("would block")
    }

    var failedWithProtocolError: Bool { context.pointee.err == REDIS_ERR_PROTOCOL }

    /// Queues one command (argv slices) into hiredis' output buffer. Nothing is sent yet.
    func append(argc: Int, argv: UnsafeMutablePointer<UnsafePointer<CChar>?>, lengths: UnsafePointer<Int>) -> Bool {
        redisAppendCommandArgv(context, Int32(argc), argv, lengths) == REDIS_OK
    }

    /// Writes everything queued (without waiting for a reply).
    func flushOutput() -> Bool {
        var done: Int32 = 0
        while done == 0 {
            if redisBufferWrite(context, &done) != REDIS_OK { return false }
        }
        return true
    }

    /// Queues bytes already in wire form (one or more whole commands). Nothing is sent yet.
    func append(formatted bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            redisAppendFormattedCommand(context, $0, bytes.count) == REDIS_OK
        }
    }

    /// The next reply if one arrives within `timeoutMs` (replies already buffered first); nil on timeout.
    /// Throws when the connection failed. For subscribers, whose replies arrive unasked.
    func nextReply<T>(timeoutMs: Int32, _ body: (UnsafePointer<redisReply>) -> T) -> Result<T?, RedisError> {
        func take() -> T?? {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(context.pointee.reader, &raw) == REDIS_OK else { return .some(nil) }
            guard let raw else { return nil }
            defer { freeReplyObject(raw) }
            return .some(body(raw.assumingMemoryBound(to: redisReply.self)))
        }
        if let r = take() { return r.map { .success($0) } ?? .failure(.protocolError(endpoint: endpoint, reason: "bad reply")) }
        var pfd = pollfd(fd: context.pointee.fd, events: Int16(POLLIN), revents: 0)
        let n = poll(&pfd, 1, timeoutMs)
        if n == 0 { return .success(nil) }
        if n < 0 || redisBufferRead(context) != REDIS_OK {
            return .failure(.connectionLost(endpoint: endpoint, reason: errorText))
        }
        if let r = take() { return r.map { .success($0) } ?? .failure(.protocolError(endpoint: endpoint, reason: "bad reply")) }
        return .success(nil)
    }

    /// Sends anything queued and reads the next reply. `nil` when the connection failed.
    /// `body` sees the raw reply, which is freed afterwards.
    func nextReply<T>(_ body: (UnsafePointer<redisReply>) -> T) -> T? {
        var raw: UnsafeMutableRawPointer?
        guard redisGetReply(context, &raw) == REDIS_OK, let raw else { return nil }
        let reply = raw.assumingMemoryBound(to: redisReply.self)
        defer { freeReplyObject(raw) }
        return body(reply)
    }

    static func value(_ reply: UnsafePointer<redisReply>) -> RedisValue {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STATUS: return .status(text(r))
        case REDIS_REPLY_ERROR: return .error(text(r))
        case REDIS_REPLY_INTEGER: return .integer(Int64(r.integer))
        case REDIS_REPLY_STRING:
            guard let p = r.str else { return .bulk([]) }
            return .bulk(Array(UnsafeRawBufferPointer(start: p, count: r.len)))
        case REDIS_REPLY_ARRAY:
            var items: [RedisValue] = []
            items.reserveCapacity(r.elements)
            if let element = r.element {
                for i in 0..<r.elements {
                    if let child = element[i] { items.append(value(child)) } else { items.append(.null) }
                }
            }
            return .array(items)
        default: return .null
        }
    }

    static func isError(_ reply: UnsafePointer<redisReply>) -> Bool { reply.pointee.type == REDIS_REPLY_ERROR }

    static func text(_ r: redisReply) -> String {
        guard let p = r.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: p, count: r.len), as: UTF8.self)
    }

    private static func errorText(_ c: UnsafeMutablePointer<redisContext>) -> String {
        let text = withUnsafeBytes(of: &c.pointee.errstr) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let first = text.first else { return "unknown error" }
        return first.lowercased() + text.dropFirst()
    }

    private static func makeTimeval(_ d: Duration) -> timeval {
        let (s, atto) = d.components
        return timeval(tv_sec: Int(s), tv_usec: Int(atto / 1_000_000_000_000))
    }
}
