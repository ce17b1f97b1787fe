import ClickHouse
import Logging
import MarketData

/// Where downloads are stored.
public struct DownloadClickHouse: Sendable {
    public var url: String
    public var user: String
    public var password: String
    public var database: String
    public var timeoutSeconds: Double

    public init(url: String, user: String = "default", password: String = "", database: String = MarketSchema.defaultDatabase, timeoutSeconds: Double = 60) {
        self.url = url; self.user = user; self.password = password; self.database = database; self.timeoutSeconds = timeoutSeconds
    }

    func client(logger: Logger) throws(ClickHouseError) -> ClickHouseClient {
        // Every statement names the database (which may not exist yet), so the client has none.
        try ClickHouseClient(url: url, user: user, password: password, database: nil,
                             timeout: .milliseconds(Int64(timeoutSeconds * 1000)), logger: logger)
    }
}

/// The ClickHouse side of downloads, for one thread (owns one `ClickHouseClient`): chunked RowBinary
/// inserts, exact counts per unit (`count() FINAL`), and the stored-data queries behind `--since-last`
/// and `gaps`.
public final class DownloadStore {
    public let client: ClickHouseClient
    public let database: String
    public let dialect: SQLDialect

    public init(_ config: DownloadClickHouse, dialect: SQLDialect? = nil, logger: Logger = Logger(label: "mdt.download")) throws(ClickHouseError) {
        client = try config.client(logger: logger)
        database = config.database
        if let dialect { self.dialect = dialect } else { self.dialect = SQLDialect(serverVersion: try client.version()) }
    }

    /// Creates the database and tables when missing; returns the dialect.
    @discardableResult
    public func ensureSchema() throws(ClickHouseError) -> SQLDialect {
        try ClickHouseSink.ensureSchema(client: client, database: database)
    }

    public func table(_ kind: DownloadKind) -> String { "\(database).\(kind.table.rawValue)" }

    public func insert(_ kind: DownloadKind, body: [UInt8]) throws(ClickHouseError) {
        guard !body.isEmpty else { return }
        try client.insert(table: table(kind), columns: MarketSchema.columnNames(kind.table), body: body)
    }

    /// `symbol = ... [AND interval_s = ...]`.
    public func symbolCondition(_ symbol: String, _ kind: DownloadKind) -> String {
        var c = "symbol = \(SQLText.literal(symbol))"
        if let b = kind.barKind { c += " AND interval_s = \(b.storedInterval)" }
        return c
    }

    /// The rows of one unit's window.
    public func unitCondition(_ unit: DownloadUnit) -> String {
        symbolCondition(unit.symbol.text, unit.kind) + " AND ts >= \(dialect.nanosLiteral(unit.from)) AND ts < \(dialect.nanosLiteral(unit.to))"
    }

    /// Rows stored for a unit (`final`: after ReplacingMergeTree de-duplication).
    public func count(_ unit: DownloadUnit, final: Bool) throws(ClickHouseError) -> UInt64 {
        try client.rowCount(table: table(unit.kind), where: unitCondition(unit), final: final)
    }

    /// Merges the given partitions (UTC day numbers) so re-inserted rows replace the old ones now rather
    /// than at some later background merge: afterwards `count()` equals `count() FINAL`.
    public func optimize(_ kind: DownloadKind, utcDays: Set<Int>) throws(ClickHouseError) {
        for day in utcDays.sorted() {
            let (y, m, d) = Time.civilFromDays(day)
            let id = zeroPadded(y, 4) + zeroPadded(m, 2) + zeroPadded(d, 2)
            try client.execute("OPTIMIZE TABLE \(table(kind)) PARTITION ID \(SQLText.literal(id)) FINAL")
        }
    }

    /// Latest stored time per symbol for `kind` (symbols with no rows are absent).
    public func lastStored(symbols: [String], kind: DownloadKind) throws(ClickHouseError) -> [String: Nanos] {
        guard !symbols.isEmpty else { return [:] }
        var cond = "symbol IN (" + symbols.map(SQLText.literal).joined(separator: ", ") + ")"
        if let b = kind.barKind { cond += " AND interval_s = \(b.storedInterval)" }
        let text = try client.queryText("SELECT symbol, \(dialect.tsToNanos("max(ts)")) FROM \(table(kind)) WHERE \(cond) GROUP BY symbol")
        var out: [String: Nanos] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t")
            if f.count == 2, let t = Int64(f[1]) { out[String(f[0])] = t }
        }
        return out
    }

    /// Eastern days (day numbers) on which `symbol` has rows of `kind` within `[from, to)`, with row counts.
    /// The Eastern day is taken as the UTC day of `ts - 4h`, exact for everything between 04:00 and 24:00
    /// Eastern (all regular and extended sessions, and daily bars dated at Eastern midnight).
    public func storedDays(symbol: String, kind: DownloadKind, from: Nanos, to: Nanos) throws(ClickHouseError) -> [Int: UInt64] {
        let shifted = dialect == .modern ? "toDate(toDateTime(ts, 'UTC') - 14400)" : "toDate(intDiv(ts, 1000000000) - 14400, 'UTC')"
        let sql = "SELECT toString(\(shifted)) AS d, count() FROM \(table(kind)) FINAL WHERE \(symbolCondition(symbol, kind))"
            + " AND ts >= \(dialect.nanosLiteral(from)) AND ts < \(dialect.nanosLiteral(to)) GROUP BY d ORDER BY d"
        let text = try client.queryText(sql)
        var out: [Int: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t")
            if f.count == 2, let d = USEquityCalendar.day(String(f[0])), let n = UInt64(f[1]) { out[d] = n }
        }
        return out
    }
}

func zeroPadded(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, width - s.count)) + s
}
