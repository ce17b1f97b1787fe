public import Curl

/// Why a ClickHouse call failed. `description` is one line naming the server (host:port) and,
/// for server errors, the ClickHouse code; it never contains the password.
public enum ClickHouseError: Error, Sendable, CustomStringConvertible {
    /// The server URL could not be parsed.
    case invalidURL(reason: String)
    /// Nothing answered at host:port (refused, unreachable, DNS failure).
    case unreachable(endpoint: String, reason: String)
    /// The connect or total timeout expired.
    case timedOut(endpoint: String, after: Duration, whileConnecting: Bool)
    /// The server rejected the user or password (codes 192, 193, 194, 195, 516, or HTTP 401/403).
    case authenticationFailed(endpoint: String, user: String, code: Int?, message: String)
    /// The server reported an exception: `code` (e.g. 62 syntax error, 60 unknown table), its
    /// message, the position in the SQL when the message gives one, and the SQL sent.
    case server(code: Int, message: String, position: Int?, sql: String?)
    /// An HTTP error that carried no ClickHouse exception text.
    case http(endpoint: String, status: Int, body: String)
    /// The answer did not have the expected shape (e.g. `version()` unparsable).
    case unexpectedResponse(String)
    /// The server is too old for a feature (e.g. query parameters need 20.1+).
    case unsupported(feature: String, version: String)
    /// Any other transport failure.
    case transport(CurlError)

    /// The ClickHouse error code, when the server sent one.
    public var code: Int? {
        switch self {
        case .server(let code, _, _, _): return code
        case .authenticationFailed(_, _, let code, _): return code
        default: return nil
        }
    }

    /// True when retrying later may succeed (server down, timeout, broken connection,
    /// or a server error that is about load rather than the request).
    public var isRetriable: Bool {
        switch self {
        case .unreachable, .timedOut: return true
        case .transport(let e): return e.isRetriable
        case .http(_, let status, _): return status >= 500
        // 159 timeout exceeded, 202 too many simultaneous queries, 252 too many parts, 241 memory limit
        case .server(let code, _, _, _): return [159, 202, 209, 210, 241, 252].contains(code)
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .invalidURL(let reason):
            return "invalid ClickHouse URL: \(reason)"
        case .unreachable(let ep, let reason):
            return "cannot connect to ClickHouse at \(ep): \(reason)"
        case .timedOut(let ep, let after, let connecting):
            return connecting
                ? "timed out after \(Self.text(after)) connecting to ClickHouse at \(ep)"
                : "timed out after \(Self.text(after)) waiting for ClickHouse at \(ep)"
        case .authenticationFailed(let ep, let user, let code, let message):
            let c = code.map { " (code \($0))" } ?? ""
            return "ClickHouse at \(ep) rejected user '\(user)'\(c): \(Self.oneLine(message, limit: 200)); check the user name and password"
        case .server(let code, let message, let position, let sql):
            var text = "ClickHouse error \(code): \(Self.oneLine(message, limit: 300))"
            if let sql {
                if let position, let near = Self.excerpt(sql, at: position) {
                    text += " [near position \(position): \(near)]"
                } else {
                    text += " [SQL: \(Self.oneLine(sql, limit: 120))]"
                }
            }
            return text
        case .http(let ep, let status, let body):
            return "ClickHouse at \(ep) answered HTTP \(status): \(Self.oneLine(body, limit: 200))"
        case .unexpectedResponse(let what):
            return "unexpected answer from ClickHouse: \(Self.oneLine(what, limit: 200))"
        case .unsupported(let feature, let version):
            return "ClickHouse \(version) does not support \(feature); it needs 20.1 or later"
        case .transport(let error):
            return "ClickHouse: \(error.description)"
        }
    }

    static func oneLine(_ s: String, limit: Int) -> String {
        var t = String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
        while t.hasSuffix(" ") { t.removeLast() }
        if t.count > limit { t = String(t.prefix(limit)) + "…" }
        return t
    }

    /// Up to 40 bytes of `sql` from `position` (ClickHouse's 1-based byte position).
    static func excerpt(_ sql: String, at position: Int) -> String? {
        let utf8 = Array(sql.utf8)
        guard position >= 1, position <= utf8.count else { return nil }
        let end = min(utf8.count, position - 1 + 40)
        let piece = String(decoding: utf8[(position - 1)..<end], as: UTF8.self)
        return "'" + oneLine(piece, limit: 40) + (end < utf8.count ? "…'" : "'")
    }

    static func text(_ d: Duration) -> String {
        let (s, atto) = d.components
        let ms = s * 1000 + atto / 1_000_000_000_000_000
        if ms < 1000 { return "\(ms)ms" }
        if ms % 1000 == 0 { return "\(ms / 1000)s" }
        return "\(ms / 1000).\((ms % 1000) / 100)s"
    }
}

/// A server exception parsed from a response body, in either format:
/// `Code: 60, e.displayText() = DB::Exception: ..., e.what() = DB::Exception` (18.x/19.x) or
/// `Code: 60. DB::Exception: ... (UNKNOWN_TABLE) (version 23.8.1.1)` (modern).
struct ServerException: Equatable {
    var code: Int
    var message: String
    var position: Int?

    /// Parses the exception starting at the first `Code: ` in `text`, or nil.
    init?(_ text: String) {
        guard let start = text.firstRange(of: "Code: ") else { return nil }
        var rest = text[start.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let code = Int(digits) else { return nil }
        rest = rest.dropFirst(digits.count)
        if rest.hasPrefix(", e.displayText() = ") {
            rest = rest.dropFirst(", e.displayText() = ".count)
        } else if rest.hasPrefix(". ") || rest.hasPrefix(", ") {
            rest = rest.dropFirst(2)
        } else {
            return nil
        }
        var message = String(rest)
        while let last = message.last, last.isWhitespace { message.removeLast() }
        for prefix in ["DB::Exception: ", "DB::NetException: ", "Poco::Exception. "] where message.hasPrefix(prefix) {
            message.removeFirst(prefix.count)
        }
        if let what = message.firstRange(of: ", e.what() = ") { message = String(message[..<what.lowerBound]) }
        if let version = message.lastRange(of: " (version "), message.hasSuffix(")") {
            message = String(message[..<version.lowerBound])
        }
        self.code = code
        self.message = message
        self.position = Self.position(in: message)
    }

    /// The number after "at position " in the message (ClickHouse's 1-based byte position in the SQL).
    static func position(in message: String) -> Int? {
        guard let r = message.firstRange(of: "at position ") else { return nil }
        let digits = message[r.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }
}

extension StringProtocol {
    func lastRange(of needle: String) -> Range<Index>? {
        var found: Range<Index>?
        var searchStart = startIndex
        while searchStart < endIndex, let r = self[searchStart...].firstRange(of: needle) {
            found = r
            searchStart = index(after: r.lowerBound)
        }
        return found
    }
}
