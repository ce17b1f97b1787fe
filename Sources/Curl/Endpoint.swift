/// The parts of an `http(s)://` URL that errors may show: scheme, host and port.
/// User info (`user:password@`) is parsed out and never kept.
public struct HTTPEndpoint: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var host: String
    public var port: Int
    /// Path and query after the authority, starting with `/` (or empty).
    public var pathAndQuery: String

    /// Parses `scheme://[user[:password]@]host[:port][/path][?query]`; nil when malformed.
    public init?(url: String) {
        guard let colonSlash = url.firstIndex(of: ":") else { return nil }
        let scheme = url[..<colonSlash].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = url[url.index(after: colonSlash)...]
        guard rest.hasPrefix("//") else { return nil }
        rest = rest.dropFirst(2)
        let authorityEnd: Substring.Index = rest.firstIndex { (c: Character) -> Bool in c == "/" || c == "?" || c == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        rest = rest[authorityEnd...]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portText = after.dropFirst() } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty else { return nil }
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard let p = Int(portText), (1...65535).contains(p) else { return nil }
            port = p
        }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.pathAndQuery = String(rest)
    }

    /// `host:port` (IPv6 hosts bracketed): what error messages show.
    public var hostPort: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `scheme://host:port` without user info, path or query.
    public var base: String { "\(scheme)://\(hostPort)" }

    public var description: String { hostPort }
}

/// Short human text for a duration: `5s`, `1.5s`, `250ms`.
func durationText(_ d: Duration) -> String {
    let ms = milliseconds(d)
    if ms < 1000 { return "\(ms)ms" }
    if ms % 1000 == 0 { return "\(ms / 1000)s" }
    let tenths = (ms + 50) / 100
    return "\(tenths / 10).\(tenths % 10)s"
}

func milliseconds(_ d: Duration) -> Int64 {
    let (s, atto) = d.components
    return max(0, s * 1000 + atto / 1_000_000_000_000_000)
}
