import ClickHouse
import Logging
import MarketData

/// Writes events to ClickHouse as RowBinary inserts, one per table per delivery.
///
/// Deliveries are large (up to `maxRows` events, lingering up to `flushSeconds` to fill), so the
/// server sees few, big inserts. A failed delivery is retried whole: rows that were already inserted
/// for another table come again with the same `(symbol, ts, seq)` key, which ReplacingMergeTree
/// collapses, so a retry never leaves duplicates after merge (`FINAL` reads are exact at once).
public final class ClickHouseSink: EventSink {
    public let name: String
    public let maxEventsPerDelivery: Int
    public let lingerSeconds: Double
    let client: ClickHouseClient
    let database: String
    let gzip: Bool
    /// One RowBinary body per event table (ticks, l1, l2, bars), reused between deliveries.
    var buffers: [[UInt8]]
    static let tables: [MarketTable] = [.ticks, .l1, .l2, .bars]

    public init(client: ClickHouseClient, database: String, gzip: Bool = false, maxRows: Int = 200_000,
                flushSeconds: Double = 1.0, name: String = "clickhouse") {
        self.client = client
        self.database = database
        self.gzip = gzip
        self.maxEventsPerDelivery = maxRows
        self.lingerSeconds = flushSeconds
        self.name = name
        buffers = Self.tables.map { _ in var b: [UInt8] = []; b.reserveCapacity(1 << 20); return b }
    }

    /// Detects the server's dialect and creates the database and tables if missing.
    @discardableResult
    public static func ensureSchema(client: ClickHouseClient, database: String) throws(ClickHouseError) -> SQLDialect {
        let dialect = SQLDialect(serverVersion: try client.version())
        for sql in MarketSchema.createStatements(dialect: dialect, database: database) {
            try client.execute(sql)
        }
        return dialect
    }

    public func deliver(_ batches: [[MarketEvent]]) throws {
        // Encoded into a local array (no hashing and no run-time exclusivity check per event).
        var bodies = buffers
        buffers = []
        defer { buffers = bodies }
        for i in bodies.indices { bodies[i].removeAll(keepingCapacity: true) }
        for batch in batches {
            for e in batch {
                switch e {
                case .trade: RowBinaryEncoder.append(e, to: &bodies[0])
                case .quote: RowBinaryEncoder.append(e, to: &bodies[1])
                case .book: RowBinaryEncoder.append(e, to: &bodies[2])
                case .bar: RowBinaryEncoder.append(e, to: &bodies[3])
                }
            }
        }
        for (i, table) in Self.tables.enumerated() where !bodies[i].isEmpty {
            try client.insert(table: "\(database).\(table.rawValue)", columns: MarketSchema.columnNames(table),
                              body: bodies[i], gzip: gzip)
        }
    }
}
