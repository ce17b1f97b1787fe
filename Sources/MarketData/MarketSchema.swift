/// The ClickHouse tables mdt writes.
public enum MarketTable: String, Sendable, CaseIterable, Hashable {
    case ticks = "market_ticks"
    case l1 = "market_l1"
    case l2 = "market_l2"
    case bars = "market_bars"
    case metrics = "market_metrics"

    /// The table an event is stored in.
    public static func of(_ event: MarketEvent) -> MarketTable {
        switch event {
        case .trade: .ticks
        case .quote: .l1
        case .book: .l2
        case .bar: .bars
        }
    }
}

/// What a column holds; rendered per dialect.
public enum ColumnKind: Sendable, Hashable {
    /// Instrument symbol or another low-cardinality text.
    case lowCardinalityString
    case string
    /// UTC nanoseconds: `DateTime64(9, 'UTC')` (modern) or `UInt64` (legacy). RowBinary: 8 bytes LE either way.
    case time
    /// Fixed-point price: `Decimal64(9)`. RowBinary: Int64 LE.
    case price
    case uint8, uint16, uint32, uint64, int32, float64
    /// `Enum8` with these names and values. RowBinary: Int8.
    case enum8([EnumValue])

    public struct EnumValue: Sendable, Hashable {
        public var name: String
        public var value: Int8
        public init(_ name: String, _ value: Int8) { self.name = name; self.value = value }
    }

    public func sqlType(_ dialect: SQLDialect) -> String {
        switch self {
        case .lowCardinalityString: dialect == .modern ? "LowCardinality(String)" : "String"
        case .string: "String"
        case .time: dialect.timeType
        case .price: "Decimal64(9)"
        case .uint8: "UInt8"
        case .uint16: "UInt16"
        case .uint32: "UInt32"
        case .uint64: "UInt64"
        case .int32: "Int32"
        case .float64: "Float64"
        case .enum8(let values):
            "Enum8(" + values.map { "'\($0.name)' = \($0.value)" }.joined(separator: ", ") + ")"
        }
    }
}

/// How a column is compressed on modern servers.
public enum ColumnCodec: String, Sendable, Hashable {
    case none = ""
    /// Monotonic-ish integers and times.
    case doubleDelta = "CODEC(DoubleDelta, ZSTD(1))"
    /// Slowly changing totals.
    case delta = "CODEC(Delta, ZSTD(1))"
    /// Floats.
    case gorilla = "CODEC(Gorilla, ZSTD(1))"
    case zstd = "CODEC(ZSTD(1))"
}

public struct MarketColumn: Sendable, Hashable {
    public var name: String
    public var kind: ColumnKind
    public var codec: ColumnCodec

    public init(_ name: String, _ kind: ColumnKind, _ codec: ColumnCodec = .none) {
        self.name = name; self.kind = kind; self.codec = codec
    }

    /// `name Type [CODEC(...)]` for one dialect (legacy never has codecs).
    public func definition(_ dialect: SQLDialect) -> String {
        var s = "\(name) \(kind.sqlType(dialect))"
        if dialect == .modern && codec != .none { s += " " + codec.rawValue }
        return s
    }
}

/// The ClickHouse schema, declared once and rendered for both dialects.
/// Column order is the RowBinary and CSV field order used by `RowBinaryEncoder` and `CSVEventWriter`.
public enum MarketSchema {
    public static let defaultDatabase = "l2_market_data"

    /// `Trade.basis` as stored (`?` for anything other than C/E/O).
    public static let basisValues: [ColumnKind.EnumValue] = [.init("C", 67), .init("E", 69), .init("O", 79), .init("?", 63)]
    /// `BookAction` names, valued by their raw values.
    public static let actionValues: [ColumnKind.EnumValue] = [
        .init("order_add", 1), .init("order_update", 2), .init("order_delete", 3), .init("order_summary", 4),
        .init("level_summary", 5), .init("level_update", 6), .init("level_delete", 7), .init("clear", 8),
    ]
    public static let sideValues: [ColumnKind.EnumValue] = [.init("bid", 0), .init("ask", 1)]

    public static func columns(_ table: MarketTable) -> [MarketColumn] {
        let head: [MarketColumn] = [
            MarketColumn("symbol", .lowCardinalityString),
            MarketColumn("ts", .time, .doubleDelta),
            MarketColumn("receive_ts", .time, .doubleDelta),
            MarketColumn("seq", .uint64, .doubleDelta),
        ]
        switch table {
        case .ticks:
            return head + [
                MarketColumn("price", .price, .zstd),
                MarketColumn("size", .uint32, .zstd),
                MarketColumn("total_volume", .uint64, .delta),
                MarketColumn("bid", .price, .zstd),
                MarketColumn("ask", .price, .zstd),
                MarketColumn("tick_id", .uint64, .delta),
                MarketColumn("basis", .enum8(basisValues)),
                MarketColumn("market_center", .uint16, .zstd),
                MarketColumn("conditions", .uint32, .zstd),
                MarketColumn("aggressor", .uint8, .zstd),
            ]
        case .l1:
            return head + [
                MarketColumn("bid", .price, .zstd),
                MarketColumn("bid_size", .uint32, .zstd),
                MarketColumn("ask", .price, .zstd),
                MarketColumn("ask_size", .uint32, .zstd),
                MarketColumn("last", .price, .zstd),
                MarketColumn("total_volume", .uint64, .delta),
            ]
        case .l2:
            return head + [
                MarketColumn("action", .enum8(actionValues)),
                MarketColumn("side", .enum8(sideValues)),
                MarketColumn("price", .price, .zstd),
                MarketColumn("size", .uint32, .zstd),
                MarketColumn("order_id", .uint64, .zstd),
                MarketColumn("mmid", .lowCardinalityString),
                MarketColumn("order_count", .uint32, .zstd),
                MarketColumn("priority", .uint64, .zstd),
            ]
        case .bars:
            return [
                MarketColumn("symbol", .lowCardinalityString),
                MarketColumn("interval_s", .int32),
                MarketColumn("ts", .time, .doubleDelta),
                MarketColumn("receive_ts", .time, .doubleDelta),
                MarketColumn("open", .price, .zstd),
                MarketColumn("high", .price, .zstd),
                MarketColumn("low", .price, .zstd),
                MarketColumn("close", .price, .zstd),
                MarketColumn("period_volume", .uint64, .zstd),
                MarketColumn("total_volume", .uint64, .delta),
                MarketColumn("trades", .uint32, .zstd),
                MarketColumn("open_interest", .uint64, .zstd),
            ]
        case .metrics:
            return [
                MarketColumn("ts", .time, .doubleDelta),
                MarketColumn("process", .lowCardinalityString),
                MarketColumn("name", .lowCardinalityString),
                MarketColumn("value", .float64, .gorilla),
                MarketColumn("labels", .string, .zstd),
            ]
        }
    }

    public static func columnNames(_ table: MarketTable) -> [String] { columns(table).map(\.name) }

    /// The sorting (and ReplacingMergeTree deduplication) key.
    public static func orderBy(_ table: MarketTable) -> [String] {
        switch table {
        case .ticks, .l1, .l2: ["symbol", "ts", "seq"]
        case .bars: ["symbol", "interval_s", "ts"]
        case .metrics: ["process", "name", "ts"]
        }
    }

    /// The column Distributed tables shard on.
    static func shardColumn(_ table: MarketTable) -> String { table == .metrics ? "process" : "symbol" }

    /// `INSERT INTO db.table (c1, c2, ...) FORMAT <format>` (the body follows in the HTTP request).
    public static func insertStatement(_ table: MarketTable, database: String = defaultDatabase, format: String = "RowBinary") -> String {
        "INSERT INTO \(database).\(table.rawValue) (\(columnNames(table).joined(separator: ", "))) FORMAT \(format)"
    }

    /// `CREATE DATABASE` then one `CREATE TABLE` per table, all `IF NOT EXISTS`.
    /// With `cluster`, every statement is `ON CLUSTER`, each table is a `ReplicatedReplacingMergeTree`
    /// named `<table>_local` plus a `Distributed` table `<table>` over it sharded by `cityHash64(symbol)`.
    public static func createStatements(dialect: SQLDialect, database: String = defaultDatabase, cluster: String? = nil) -> [String] {
        let on = cluster.map { " ON CLUSTER \($0)" } ?? ""
        var out = ["CREATE DATABASE IF NOT EXISTS \(database)\(on)"]
        for table in MarketTable.allCases {
            out.append(contentsOf: createTable(table, dialect: dialect, database: database, cluster: cluster))
        }
        return out
    }

    /// The statements for one table (one without a cluster, two with).
    public static func createTable(_ table: MarketTable, dialect: SQLDialect, database: String = defaultDatabase, cluster: String? = nil) -> [String] {
        let cols = columns(table).map { "    " + $0.definition(dialect) }.joined(separator: ",\n")
        let partition = dialect.tsToDate("ts")
        let order = orderBy(table).joined(separator: ", ")
        guard let cluster else {
            return ["""
                CREATE TABLE IF NOT EXISTS \(database).\(table.rawValue)
                (
                \(cols)
                )
                ENGINE = ReplacingMergeTree
                PARTITION BY \(partition)
                ORDER BY (\(order))
                """]
        }
        let local = "\(table.rawValue)_local"
        return ["""
            CREATE TABLE IF NOT EXISTS \(database).\(local) ON CLUSTER \(cluster)
            (
            \(cols)
            )
            ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/\(database)/\(local)', '{replica}')
            PARTITION BY \(partition)
            ORDER BY (\(order))
            """,
            "CREATE TABLE IF NOT EXISTS \(database).\(table.rawValue) ON CLUSTER \(cluster) AS \(database).\(local) "
                + "ENGINE = Distributed(\(cluster), \(database), \(local), cityHash64(\(shardColumn(table))))"]
    }

    /// All DDL as one script (`mdt query --schema`), statements ending in `;`.
    public static func script(dialect: SQLDialect, database: String = defaultDatabase, cluster: String? = nil) -> String {
        createStatements(dialect: dialect, database: database, cluster: cluster).map { $0 + ";\n" }.joined(separator: "\n")
    }
}
