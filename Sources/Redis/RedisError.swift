/// Why a Redis call failed. `description` is one line naming host:port or the command; it never
/// contains the password or command arguments.
public enum RedisError: Error, Sendable, CustomStringConvertible {
    case invalidURL(reason: String)
    /// Nothing answered at host:port (refused, unresolvable, unreachable).
    case unreachable(endpoint: String, reason: String)
    /// Connecting or waiting for a reply took longer than the configured timeout.
    case timedOut(endpoint: String, after: Duration, whileConnecting: Bool)
    /// AUTH was rejected, or the server requires a password that was not given.
    case authenticationFailed(endpoint: String, message: String)
    /// The connection broke during a command; it will be re-established on the next call.
    case connectionLost(endpoint: String, reason: String)
    /// The connection broke during a pipeline after `completed` of `total` replies arrived;
    /// the rest may or may not have been applied. Retry (or spool) the batch.
    case pipelineInterrupted(endpoint: String, reason: String, completed: Int, total: Int)
    /// The server's bytes could not be parsed.
    case protocolError(endpoint: String, reason: String)
    /// The server answered `command` (its name only) with an error reply.
    case server(command: String, message: String)
    /// The reply had an unexpected shape for `command`.
    case unexpectedReply(command: String, reply: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): return "invalid Redis URL: \(reason)"
        case .unreachable(let ep, let reason): return "cannot connect to Redis at \(ep): \(reason)"
        case .timedOut(let ep, let after, let connecting):
            return connecting
                ? "timed out after \(durationText(after)) connecting to Redis at \(ep)"
                : "timed out after \(durationText(after)) waiting for Redis at \(ep)"
        case .authenticationFailed(let ep, let message):
            return "Redis at \(ep) rejected authentication: \(message); check the password"
        case .connectionLost(let ep, let reason):
            return "connection to Redis at \(ep) lost: \(reason) (will reconnect on the next call)"
        case .pipelineInterrupted(let ep, let reason, let completed, let total):
            return "connection to Redis at \(ep) lost during a pipeline after \(completed) of \(total) replies: \(reason)"
        case .protocolError(let ep, let reason): return "protocol error from Redis at \(ep): \(reason)"
        case .server(let command, let message): return "Redis \(command) failed: \(message)"
        case .unexpectedReply(let command, let reply): return "unexpected reply to Redis \(command): \(reply)"
        }
    }

    /// True when the same call may succeed later (server down or restarting, timeout, broken connection).
    public var isRetriable: Bool {
        switch self {
        case .unreachable, .timedOut, .connectionLost, .pipelineInterrupted: return true
        case .server(_, let message): return message.hasPrefix("LOADING") || message.hasPrefix("BUSY") || message.hasPrefix("TRYAGAIN")
        default: return false
        }
    }
}

func durationText(_ d: Duration) -> String {
    let (s, atto) = d.components
    let ms = s * 1000 + atto / 1_000_000_000_000_000
    if ms < 1000 { return "\(ms)ms" }
    if ms % 1000 == 0 { return "\(ms / 1000)s" }
    return "\(ms / 1000).\((ms % 1000) / 100)s"
}
