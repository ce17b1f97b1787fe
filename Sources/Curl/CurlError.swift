/// Why an HTTP exchange failed, in words an operator can act on.
/// `description` names host:port (never the full URL, user info or headers).
public enum CurlError: Error, Sendable, CustomStringConvertible {
    /// The URL could not be parsed (only its scheme and host part are repeated back, if any).
    case invalidURL(reason: String)
    /// The host name did not resolve.
    case cannotResolve(host: String)
    /// TCP connect failed (refused, unreachable network, ...).
    case cannotConnect(endpoint: String, reason: String)
    /// The connect timeout or the total timeout expired.
    case timedOut(endpoint: String, after: Duration, whileConnecting: Bool)
    /// The connection broke while sending or receiving.
    case connectionLost(endpoint: String, reason: String)
    /// The body callback threw; the transfer was aborted (the thrown error is rethrown, not this,
    /// when it is available).
    case aborted(endpoint: String)
    /// Compressing the request body failed.
    case compressionFailed
    /// Any other libcurl failure, with libcurl's code and text.
    case other(endpoint: String, code: Int, message: String)

    public var description: String {
        switch self {
        case .invalidURL(let reason): return "invalid URL: \(reason)"
        case .cannotResolve(let host): return "cannot resolve host '\(host)'"
        case .cannotConnect(let ep, let reason): return "cannot connect to \(ep): \(reason)"
        case .timedOut(let ep, let after, let connecting):
            return connecting
                ? "timed out after \(durationText(after)) connecting to \(ep)"
                : "timed out after \(durationText(after)) talking to \(ep)"
        case .connectionLost(let ep, let reason): return "connection to \(ep) lost: \(reason)"
        case .aborted(let ep): return "transfer from \(ep) aborted by the receiver"
        case .compressionFailed: return "gzip compression of the request body failed"
        case .other(let ep, let code, let message): return "HTTP request to \(ep) failed: \(message) (curl code \(code))"
        }
    }

    /// True when the same request may succeed later (service down, timeout, broken connection).
    public var isRetriable: Bool {
        switch self {
        case .cannotConnect, .timedOut, .connectionLost, .cannotResolve: return true
        case .invalidURL, .aborted, .compressionFailed, .other: return false
        }
    }
}
