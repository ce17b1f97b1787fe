/// One Redis reply.
public enum RedisValue: Sendable, Hashable {
    /// A simple string such as `OK` or `PONG`.
    case status(String)
    /// An error reply such as `WRONGTYPE Operation against a key ...`.
    case error(String)
    case integer(Int64)
    /// A bulk string: raw bytes (not necessarily UTF-8).
    case bulk([UInt8])
    case array([RedisValue])
    /// A nil bulk string or nil array.
    case null

    /// Bulk or status text (bulk bytes decoded as UTF-8); nil otherwise.
    public var string: String? {
        switch self {
        case .status(let s): return s
        case .bulk(let b): return String(decoding: b, as: UTF8.self)
        default: return nil
        }
    }

    /// An integer reply, or a bulk string holding a decimal integer.
    public var integer: Int64? {
        switch self {
        case .integer(let i): return i
        case .bulk(let b): return Int64(String(decoding: b, as: UTF8.self))
        default: return nil
        }
    }

    /// The bytes of a bulk or status reply.
    public var bytes: [UInt8]? {
        switch self {
        case .bulk(let b): return b
        case .status(let s): return Array(s.utf8)
        default: return nil
        }
    }

    public var array: [RedisValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The error text of an error reply.
    public var errorMessage: String? {
        if case .error(let e) = self { return e }
        return nil
    }
}

extension RedisValue: CustomStringConvertible {
    public var description: String {
        switch self {
        case .status(let s): return s
        case .error(let e): return "(error) \(e)"
        case .integer(let i): return "(integer) \(i)"
        case .bulk(let b): return "\"\(String(decoding: b, as: UTF8.self))\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .null: return "(nil)"
        }
    }
}
