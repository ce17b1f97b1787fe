/// Response header lines in arrival order, looked up case-insensitively.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// The first value of `name` (case-insensitive), or nil.
    public subscript(_ name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    public mutating func append(name: String, value: String) { fields.append((name, value)) }
    mutating func removeAll() { fields.removeAll(keepingCapacity: true) }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

/// Status line and headers of a response (what a streaming request returns).
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public init(status: Int, headers: HTTPHeaders) {
        self.status = status
        self.headers = headers
    }
}

/// A complete response held in memory.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body decoded as UTF-8 (invalid bytes repaired).
    public var text: String { String(decoding: body, as: UTF8.self) }
}
