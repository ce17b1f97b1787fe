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
    var buffers: [MarketTable: [UInt8]] = [:]

    public init(client: ClickHouseClient, database: String, gzip: Bool = false, maxRows: Int = 200_000,
                flushSeconds: Double = 1.0, name: String = "clickhouse") {
        self.client = client
        self.database = database
        self.gzip = gzip
        self.maxEventsPerDelivery = maxRows
        self.lingerSeconds = flushSeconds
        self.name = name
        for t in MarketTable.allCases { buffers[t] = []; buffers[t]?.reserveCapacity(1 << 20) }
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
        for t in MarketTable.allCases { buffers[t]?.removeAll(keepingCapacity: true) }
        for batch in batches {
            for e in batch {
                let table = MarketTable.of(e)
                RowBinaryEncoder.append(e, to: &buffers[table, default: []])
            }
        }
        for table in MarketTable.allCases {
            guard let body = buffers[table], !body.isEmpty else { continue }
            try client.insert(table: "\(database).\(table.rawValue)", columns: MarketSchema.columnNames(table),
                              body: body, gzip: gzip)
        }
    }
}
