#if canImport(Glibc)
import Glibc
#endif

/// A pub/sub subscriber on its own connection: `SUBSCRIBE` to channels, then `next(timeout:)` returns each
/// message as it is pushed (no polling: the thread sleeps in `poll(2)` until Redis sends something).
/// Not thread-safe; one per thread.
public final class RedisSubscriber {
    public struct Message: Sendable, Equatable {
        public var channel: String
        public var payload: [UInt8]
    }

    let connection: HiredisContext
    public let endpoint: String

    /// Connects (AUTH when the URL has a password) and subscribes; returns once every channel is confirmed.
    public init(url: String, password: String? = nil, channels: [String]) throws(RedisError) {
        var config = try RedisConfiguration(url: url)
        if let password { config.password = password }
        endpoint = "\(config.host):\(config.port)"
        connection = try HiredisContext(host: config.host, port: config.port, endpoint: endpoint,
                                        connectTimeout: config.connectTimeout, commandTimeout: config.commandTimeout)
        var p = RedisPipeline()
        if let pw = config.password, !pw.isEmpty {
            if let user = config.username { p.append("AUTH", user, pw) } else { p.append("AUTH", pw) }
        }
        p.begin(); p.arg("SUBSCRIBE" as StaticString)
        for c in channels { p.arg(c) }
        var wire: [UInt8] = []
        p.wire(into: &wire)
        guard wire.withUnsafeBufferPointer({ connection.append(formatted: $0) }), connection.flushOutput() else {
            throw .connectionLost(endpoint: endpoint, reason: connection.errorText)
        }
        var expected = channels.count + (config.password?.isEmpty == false ? 1 : 0)
        while expected > 0 {
            let r = connection.nextReply(timeoutMs: 5000) { reply -> String? in
                HiredisContext.isError(reply) ? HiredisContext.text(reply.pointee) : nil
            }
            switch r {
            case .failure(let e): throw e
            case .success(nil): throw .timedOut(endpoint: endpoint, after: .seconds(5), whileConnecting: false)
            case .success(.some(let error?)):
                if error.hasPrefix("NOAUTH") || error.hasPrefix("WRONGPASS") { throw .authenticationFailed(endpoint: endpoint, message: error) }
                throw .server(command: "SUBSCRIBE", message: error)
            case .success(.some(nil)): expected -= 1
            }
        }
    }

    /// The next pushed message, or nil when none arrives within `timeout` seconds.
    public func next(timeout: Double) throws(RedisError) -> Message? {
        let deadline = Self.now() + timeout
        while true {
            let left = max(0, deadline - Self.now())
            let r = connection.nextReply(timeoutMs: Int32(min(left * 1000, 60_000))) { reply -> Message? in
                let v = HiredisContext.value(reply)
                guard case .array(let a) = v, a.count == 3, case .bulk(let kind) = a[0], kind == Array("message".utf8),
                      case .bulk(let ch) = a[1], case .bulk(let payload) = a[2] else { return nil }
                return Message(channel: String(decoding: ch, as: UTF8.self), payload: payload)
            }
            switch r {
            case .failure(let e): throw e
            case .success(nil): return nil
            case .success(.some(let m?)): return m
            case .success(.some(nil)): if Self.now() >= deadline { return nil }  // another push (e.g. a subscribe ack)
            }
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
