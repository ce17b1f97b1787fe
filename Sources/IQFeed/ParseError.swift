import MarketData

/// Why a field or line did not parse.
public enum IQFeedParseReason: Sendable, Equatable, CustomStringConvertible {
    case missingField
    case emptyField
    case notAnInteger
    case badPrice(PriceError)
    case badTime
    case badDate
    case badSymbol(SymbolError)
    case badSide
    case badValue
    case unknownMessageType
    case emptyLine
    case lineTooLong(Int)

    public var description: String {
        switch self {
        case .missingField: "field missing (line too short)"
        case .emptyField: "required field is empty"
        case .notAnInteger: "not an integer"
        case .badPrice(let e): "bad price: \(e)"
        case .badTime: "bad time (expected HH:MM:SS[.ffffff])"
        case .badDate: "bad date"
        case .badSymbol(let e): "bad symbol: \(e)"
        case .badSide: "bad side (expected A, B or S)"
        case .badValue: "unexpected value"
        case .unknownMessageType: "unknown message type"
        case .emptyLine: "empty line"
        case .lineTooLong(let n): "line longer than \(n) bytes"
        }
    }
}

/// A line that did not parse: which message type, which field (name and 0-based index) and why.
/// Carries a short excerpt of the line (at most 80 bytes) for the operator.
public struct IQFeedParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var messageType: String
    public var field: String
    public var index: Int
    public var reason: IQFeedParseReason
    public var excerpt: String

    public init(messageType: String, field: String, index: Int, reason: IQFeedParseReason, excerpt: String = "") {
        self.messageType = messageType; self.field = field; self.index = index
        self.reason = reason; self.excerpt = excerpt
    }

    public var description: String {
        var s = "IQFeed \(messageType) line: field \(index) '\(field)': \(reason)"
        if !excerpt.isEmpty { s += " in \"\(excerpt)\"" }
        return s
    }
}

extension IQFeedParseError {
    /// Attaches a printable excerpt of the offending line (non-printable bytes shown as `?`).
    @usableFromInline
    func with(line: UnsafeRawBufferPointer) -> IQFeedParseError {
        var e = self
        let n = min(line.count, 80)
        guard n > 0, let base = line.baseAddress else { return e }
        let src = base.assumingMemoryBound(to: UInt8.self)
        e.excerpt = String(unsafeUninitializedCapacity: n) { out in
            var i = 0
            while i < n {
                let b = src[i]
                out[i] = b >= 0x20 && b < 0x7F ? b : 0x3F
                i += 1
            }
            return n
        }
        return e
    }
}

/// Parsed/failed line counters kept by every parser.
public struct ParseCounters: Sendable, Equatable {
    public var parsed: UInt64 = 0
    public var failed: UInt64 = 0
    public init() {}
}
