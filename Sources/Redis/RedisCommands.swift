/// One stream entry from XRANGE.
public struct RedisStreamEntry: Sendable, Hashable {
    public var id: String
    public var fields: [String: String]
    public init(id: String, fields: [String: String]) {
        self.id = id
        self.fields = fields
    }
}

/// Typed helpers for the commands mdt uses. Each throws `RedisError` like `command`.
extension RedisClient {
    /// PING; throws unless the server answers PONG.
    public func ping() throws(RedisError) {
        let reply = try command(["PING"])
        guard reply.string == "PONG" else { throw .unexpectedReply(command: "PING", reply: reply.description) }
    }

    /// INFO [section] parsed into `key: value` pairs (e.g. `role`, `used_memory`, `redis_version`).
    public func info(_ section: String? = nil) throws(RedisError) -> [String: String] {
        let reply = try command(section.map { ["INFO", $0] } ?? ["INFO"])
        guard let text = reply.string else { throw .unexpectedReply(command: "INFO", reply: reply.description) }
        var result: [String: String] = [:]
        for line in text.split(whereSeparator: { $0 == "\r\n" || $0 == "\n" || $0 == "\r" }) {
            guard !line.hasPrefix("#"), let colon = line.firstIndex(of: ":") else { continue }
            result[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return result
    }

    /// SET key value [EX seconds].
    public func set(_ key: String, _ value: String, expireSeconds: Int? = nil) throws(RedisError) {
        try set(key, bytes: Array(value.utf8), expireSeconds: expireSeconds)
    }

    public func set(_ key: String, bytes value: [UInt8], expireSeconds: Int? = nil) throws(RedisError) {
        var args: [[UInt8]] = [Array("SET".utf8), Array(key.utf8), value]
        if let expireSeconds { args += [Array("EX".utf8), Array(String(expireSeconds).utf8)] }
        try command(bytes: args)
    }

    /// GET key: the bytes, or nil when the key does not exist.
    public func get(_ key: String) throws(RedisError) -> [UInt8]? {
        let reply = try command(["GET", key])
        if reply.isNull { return nil }
        guard let bytes = reply.bytes else { throw .unexpectedReply(command: "GET", reply: reply.description) }
        return bytes
    }

    /// GET key decoded as UTF-8.
    public func getString(_ key: String) throws(RedisError) -> String? {
        try get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// DEL keys...: how many existed.
    @discardableResult
    public func del(_ keys: [String]) throws(RedisError) -> Int {
        guard !keys.isEmpty else { return 0 }
        return try int(["DEL"] + keys)
    }

    @discardableResult
    public func del(_ keys: String...) throws(RedisError) -> Int { try del(keys) }

    /// EXPIRE key seconds: false when the key does not exist.
    @discardableResult
    public func expire(_ key: String, seconds: Int) throws(RedisError) -> Bool {
        try int(["EXPIRE", key, String(seconds)]) == 1
    }

    /// TTL key in seconds (-1 no expiry, -2 no key).
    public func ttl(_ key: String) throws(RedisError) -> Int { try int(["TTL", key]) }

    /// HSET key field value [field value ...]: how many fields were new.
    @discardableResult
    public func hset(_ key: String, _ fields: [(String, String)]) throws(RedisError) -> Int {
        guard !fields.isEmpty else { return 0 }
        var args = ["HSET", key]
        for (f, v) in fields { args += [f, v] }
        return try int(args)
    }

    @discardableResult
    public func hset(_ key: String, field: String, value: String) throws(RedisError) -> Int {
        try hset(key, [(field, value)])
    }

    /// HGETALL key (empty when the key does not exist).
    public func hgetall(_ key: String) throws(RedisError) -> [String: String] {
        let reply = try command(["HGETALL", key])
        guard let items = reply.array else { throw .unexpectedReply(command: "HGETALL", reply: reply.description) }
        return try pairs(items, command: "HGETALL")
    }

    /// XADD key [MAXLEN ~ n] id field value ...: the entry id.
    @discardableResult
    public func xadd(_ key: String, maxLength: Int? = nil, id: String = "*", fields: [(String, String)]) throws(RedisError) -> String {
        var args = ["XADD", key]
        if let maxLength { args += ["MAXLEN", "~", String(maxLength)] }
        args.append(id)
        for (f, v) in fields { args += [f, v] }
        let reply = try command(args)
        guard let entryID = reply.string else { throw .unexpectedReply(command: "XADD", reply: reply.description) }
        return entryID
    }

    /// XLEN key.
    public func xlen(_ key: String) throws(RedisError) -> Int { try int(["XLEN", key]) }

    /// XRANGE key start end [COUNT n].
    public func xrange(_ key: String, start: String = "-", end: String = "+", count: Int? = nil) throws(RedisError) -> [RedisStreamEntry] {
        var args = ["XRANGE", key, start, end]
        if let count { args += ["COUNT", String(count)] }
        let reply = try command(args)
        guard let items = reply.array else { throw .unexpectedReply(command: "XRANGE", reply: reply.description) }
        var entries: [RedisStreamEntry] = []
        for item in items {
            guard let pair = item.array, pair.count == 2, let id = pair[0].string, let fields = pair[1].array else {
                throw .unexpectedReply(command: "XRANGE", reply: item.description)
            }
            entries.append(RedisStreamEntry(id: id, fields: try pairs(fields, command: "XRANGE")))
        }
        return entries
    }

    /// PUBLISH channel message: how many subscribers received it.
    @discardableResult
    public func publish(_ channel: String, _ message: String) throws(RedisError) -> Int {
        try int(["PUBLISH", channel, message])
    }

    /// KEYS pattern (blocks the server on big databases: prefer `scan`).
    public func keys(_ pattern: String = "*") throws(RedisError) -> [String] {
        let reply = try command(["KEYS", pattern])
        guard let items = reply.array else { throw .unexpectedReply(command: "KEYS", reply: reply.description) }
        return items.compactMap(\.string)
    }

    /// Every key matching `pattern`, iterated with SCAN (`count` is a per-call hint).
    public func scan(match pattern: String = "*", count: Int = 1000) throws(RedisError) -> [String] {
        var cursor = "0"
        var result: [String] = []
        repeat {
            let reply = try command(["SCAN", cursor, "MATCH", pattern, "COUNT", String(count)])
            guard let parts = reply.array, parts.count == 2, let next = parts[0].string, let keys = parts[1].array else {
                throw .unexpectedReply(command: "SCAN", reply: reply.description)
            }
            result += keys.compactMap(\.string)
            cursor = next
        } while cursor != "0"
        return result
    }

    /// EXISTS key.
    public func exists(_ key: String) throws(RedisError) -> Bool { try int(["EXISTS", key]) > 0 }

    private func int(_ args: [String]) throws(RedisError) -> Int {
        let reply = try command(args)
        guard case .integer(let n) = reply else { throw .unexpectedReply(command: args[0], reply: reply.description) }
        return Int(n)
    }

    private func pairs(_ items: [RedisValue], command: String) throws(RedisError) -> [String: String] {
        guard items.count % 2 == 0 else { throw .unexpectedReply(command: command, reply: "odd number of field/value items") }
        var result: [String: String] = [:]
        var i = 0
        while i < items.count {
            guard let k = items[i].string, let v = items[i + 1].string else {
                throw .unexpectedReply(command: command, reply: "non-string field")
            }
            result[k] = v
            i += 2
        }
        return result
    }
}
