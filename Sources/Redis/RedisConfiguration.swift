/// Where and how to connect. Built from `redis://[[user]:password@]host[:port][/db]`.
public struct RedisConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// ACL user name (Redis 6+); nil authenticates as `default` when a password is set.
    public var username: String?
    public var password: String?
    public var database: Int
    public var connectTimeout: Duration
    /// Limit for each reply (a pipeline waits this long for each reply in turn).
    public var commandTimeout: Duration

    public init(
        host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
        database: Int = 0, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Parses `redis://[[user]:password@]host[:port][/db]` (also bare `host[:port]`).
    /// Percent-escapes in the user and password are decoded. Errors never repeat the password.
    public init(url: String, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5)) throws(RedisError) {
        var rest = Substring(url)
        if rest.hasPrefix("redis://") {
            rest = rest.dropFirst("redis://".count)
        } else if rest.contains("://") {
            throw .invalidURL(reason: "only redis:// URLs are supported")
        }
        var username: String?
        var password: String?
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                let user = userInfo[..<colon]
                username = user.isEmpty ? nil : Self.percentDecoded(user)
                password = Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            } else {
                password = Self.percentDecoded(userInfo)  // redis://password@host, as redis-cli accepts
            }
        }
        var database = 0
        if let slash = rest.firstIndex(of: "/") {
            let dbText = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
            if !dbText.isEmpty {
                guard let db = Int(dbText), db >= 0 else { throw .invalidURL(reason: "database '\(dbText)' is not a number") }
                database = db
            }
        }
        var host = rest
        var port = 6379
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            host = rest[..<colon]
            let portText = rest[rest.index(after: colon)...]
            guard let p = Int(portText), (1...65535).contains(p) else { throw .invalidURL(reason: "port '\(portText)' is not a number in 1...65535") }
            port = p
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        guard !host.isEmpty else { throw .invalidURL(reason: "no host (expected redis://host:port)") }
        self.init(host: String(host), port: port, username: username, password: password, database: database,
                  connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    /// `host:port` as errors show it.
    public var endpoint: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func percentDecoded(_ s: Substring) -> String {
        var out: [UInt8] = []
        var bytes = Array(s.utf8)[...]
        while let b = bytes.popFirst() {
            if b == UInt8(ascii: "%"), bytes.count >= 2,
               let v = UInt8(String(decoding: bytes.prefix(2), as: UTF8.self), radix: 16) {
                out.append(v)
                bytes = bytes.dropFirst(2)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
