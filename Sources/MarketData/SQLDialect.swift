/// Which ClickHouse SQL the schema and mdt's own queries are rendered for.
/// (The ClickHouse wrapper detects the server version; the pipeline maps it to this.)
public enum SQLDialect: String, Sendable, CaseIterable, Hashable {
    /// ClickHouse 20.1 and later: `DateTime64(9, 'UTC')`, `LowCardinality(String)`, column codecs.
    case modern
    /// Older servers such as Debian 12's 18.16: times as `UInt64` nanoseconds, plain `String`, no codecs.
    case legacy

    /// Picks the dialect from a `SELECT version()` answer such as `18.16.1` or `24.3.2.23`.
    /// Unparseable text gives `.modern`.
    public init(serverVersion: String) {
        let major = Int(serverVersion.split(separator: ".").first ?? "") ?? 99
        let minor = Int(serverVersion.split(separator: ".").dropFirst().first ?? "") ?? 0
        self = (major > 20 || (major == 20 && minor >= 1)) ? .modern : .legacy
    }

    /// SQL type of a time column.
    public var timeType: String { self == .modern ? "DateTime64(9, 'UTC')" : "UInt64" }

    /// An expression giving a time column as a `DateTime` (second precision, UTC) for display or grouping.
    public func tsToDateTime(_ column: String) -> String {
        self == .modern ? "toDateTime(\(column), 'UTC')" : "toDateTime(intDiv(\(column), 1000000000), 'UTC')"
    }

    /// An expression giving a time column as nanoseconds since the epoch (Int64/UInt64).
    public func tsToNanos(_ column: String) -> String {
        self == .modern ? "toUnixTimestamp64Nano(\(column))" : column
    }

    /// An expression giving the UTC calendar day of a time column (also the partition key).
    public func tsToDate(_ column: String) -> String {
        self == .modern ? "toDate(\(column))" : "toDate(intDiv(\(column), 1000000000), 'UTC')"
    }

    /// A literal comparable with a time column, e.g. for `WHERE ts >= ...`.
    public func nanosLiteral(_ t: Nanos) -> String {
        switch self {
        case .legacy:
            return String(t)
        case .modern:
            var out: [UInt8] = []
            out.reserveCapacity(64)
            out.append(contentsOf: "toDateTime64('".utf8)
            Time.writeISO8601(t, to: &out)
            // `YYYY-MM-DDTHH:MM:SS.fffffffffZ` -> `YYYY-MM-DD HH:MM:SS.fffffffff`
            out.removeLast()
            if let tIndex = out.lastIndex(of: UInt8(ascii: "T")) { out[tIndex] = UInt8(ascii: " ") }
            out.append(contentsOf: "', 9, 'UTC')".utf8)
            return String(decoding: out, as: UTF8.self)
        }
    }
}
