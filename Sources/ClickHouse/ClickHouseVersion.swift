/// Which SQL the server understands for mdt's purposes.
public enum ClickHouseDialect: String, Sendable, Hashable {
    /// 20.1 and later: DateTime64, LowCardinality, column codecs, query parameters.
    case modern
    /// Older servers (e.g. Debian 12's 18.16): none of the above.
    case legacy
}

/// A server version such as `18.16.1` or `23.8.2.7`.
public struct ClickHouseVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var patch: Int
    /// The text the server returned.
    public var text: String

    /// Parses `major.minor[.patch[.build]]`; nil when the first two parts are not numbers.
    public init?(_ text: String) {
        let trimmed = text.filter { !$0.isWhitespace }
        let parts = trimmed.split(separator: ".")
        guard parts.count >= 2, let major = Int(parts[0]), let minor = Int(parts[1]) else { return nil }
        self.major = major
        self.minor = minor
        self.patch = parts.count > 2 ? Int(parts[2]) ?? 0 : 0
        self.text = trimmed
    }

    public var dialect: ClickHouseDialect { (major, minor) >= (20, 1) ? .modern : .legacy }

    public var description: String { text }

    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
}

/// What the server reports in the `X-ClickHouse-Summary` header (servers from about 19.x on).
public struct ClickHouseSummary: Sendable, Hashable {
    public var readRows: UInt64 = 0
    public var readBytes: UInt64 = 0
    public var writtenRows: UInt64 = 0
    public var writtenBytes: UInt64 = 0
    public var totalRowsToRead: UInt64 = 0

    public init() {}

    /// Parses `{"read_rows":"10","read_bytes":"80",...}` (values quoted or not); nil if no field parsed.
    public init?(header: String) {
        var found = false
        func value(_ key: String) -> UInt64? {
            guard let r = header.firstRange(of: "\"\(key)\"") else { return nil }
            let rest = header[r.upperBound...].drop { $0 == ":" || $0 == " " || $0 == "\"" }
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard let v = UInt64(digits) else { return nil }
            found = true
            return v
        }
        readRows = value("read_rows") ?? 0
        readBytes = value("read_bytes") ?? 0
        writtenRows = value("written_rows") ?? 0
        writtenBytes = value("written_bytes") ?? 0
        totalRowsToRead = value("total_rows_to_read") ?? 0
        guard found else { return nil }
    }
}
