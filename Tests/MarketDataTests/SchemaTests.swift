import MarketData
import Testing

@Suite struct SchemaTests {
    @Test func dialectsDifferOnlyWhereTheyMust() {
        let legacy = MarketSchema.script(dialect: .legacy)
        let modern = MarketSchema.script(dialect: .modern)
        for bad in ["DateTime64", "LowCardinality", "CODEC", "toDate(ts)"] { #expect(!legacy.contains(bad), "\(bad)") }
        for good in ["DateTime64(9, 'UTC')", "LowCardinality(String)", "CODEC(DoubleDelta, ZSTD(1))", "CODEC(Gorilla, ZSTD(1))",
                     "PARTITION BY toDate(ts)"] {
            #expect(modern.contains(good), "\(good)")
        }
        #expect(legacy.contains("PARTITION BY toDate(intDiv(ts, 1000000000), 'UTC')"))
        for ddl in [legacy, modern] {
            #expect(ddl.contains("CREATE DATABASE IF NOT EXISTS l2_market_data;"))
            #expect(ddl.components(separatedBy: "ENGINE = ReplacingMergeTree").count == 6)
            #expect(ddl.components(separatedBy: "ORDER BY (symbol, ts, seq)").count == 4)
            #expect(ddl.contains("ORDER BY (symbol, interval_s, ts)"))
            #expect(ddl.contains("ORDER BY (process, name, ts)"))
            #expect(ddl.contains("receive_ts"))
        }
        #expect(MarketSchema.createStatements(dialect: .legacy).count == 6)
    }

    @Test func clusterVariantIsReplicatedAndDistributed() {
        let s = MarketSchema.createStatements(dialect: .modern, database: "md", cluster: "prod")
        #expect(s.count == 11)
        #expect(s[0] == "CREATE DATABASE IF NOT EXISTS md ON CLUSTER prod")
        #expect(s[1].hasPrefix("CREATE TABLE IF NOT EXISTS md.market_ticks_local ON CLUSTER prod"))
        #expect(s[1].contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/md/market_ticks_local', '{replica}')"))
        #expect(s[2] == "CREATE TABLE IF NOT EXISTS md.market_ticks ON CLUSTER prod AS md.market_ticks_local ENGINE = Distributed(prod, md, market_ticks_local, cityHash64(symbol))")
        #expect(s[10].contains("cityHash64(process)"))
    }

    @Test func columnsAndInsertStatement() {
        #expect(MarketSchema.columnNames(.l1) == ["symbol", "ts", "receive_ts", "seq", "bid", "bid_size", "ask", "ask_size", "last", "total_volume"])
        #expect(MarketSchema.insertStatement(.metrics, database: "d") == "INSERT INTO d.market_metrics (ts, process, name, value, labels) FORMAT RowBinary")
        #expect(MarketTable.allCases.map(\.rawValue) == ["market_ticks", "market_l1", "market_l2", "market_bars", "market_metrics"])
        #expect(MarketColumn("basis", .enum8(MarketSchema.basisValues)).definition(.legacy) == "basis Enum8('C' = 67, 'E' = 69, 'O' = 79, '?' = 63)")
    }

    @Test func dialectFromVersionAndTimeExpressions() {
        #expect(SQLDialect(serverVersion: "18.16.1") == .legacy)
        #expect(SQLDialect(serverVersion: "19.17.4.11") == .legacy)
        #expect(SQLDialect(serverVersion: "20.1.2.4") == .modern)
        #expect(SQLDialect(serverVersion: "26.9.2.1") == .modern)
        #expect(SQLDialect(serverVersion: "dev") == .modern)
        let t: Nanos = 1_773_063_000_123_456_789
        #expect(SQLDialect.modern.nanosLiteral(t) == "toDateTime64('2026-03-09 13:30:00.123456789', 9, 'UTC')")
        #expect(SQLDialect.legacy.nanosLiteral(t) == "1773063000123456789")
        #expect(SQLDialect.legacy.tsToDateTime("ts") == "toDateTime(intDiv(ts, 1000000000), 'UTC')")
        #expect(SQLDialect.modern.tsToNanos("ts") == "toUnixTimestamp64Nano(ts)")
    }

    @Test func rowBinaryLayout() {
        let q = Quote(symbol: Symbol(unchecked: "AB"), eventTime: 0x0102_0304_0506_0708, receiveTime: 1,
                      bid: Price(raw: -1), bidSize: 0x0A0B_0C0D, ask: Price(units: 1), askSize: 2, last: .zero, totalVolume: 300, seq: 5)
        var out: [UInt8] = []
        RowBinaryEncoder.append(q, to: &out)
        var want: [UInt8] = [2, 65, 66, 8, 7, 6, 5, 4, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0]
        want += [UInt8](repeating: 0xFF, count: 8) + [0x0D, 0x0C, 0x0B, 0x0A]
        want += [0x00, 0xCA, 0x9A, 0x3B, 0, 0, 0, 0] + [2, 0, 0, 0] + [UInt8](repeating: 0, count: 8) + [44, 1, 0, 0, 0, 0, 0, 0]
        #expect(out == want)
        out.removeAll()
        RowBinaryEncoder.appendLEB128(300, to: &out)
        #expect(out == [0xAC, 0x02])
        out.removeAll()
        RowBinaryEncoder.appendMMID(BookUpdate.packMMID("NSDQ"), to: &out)
        RowBinaryEncoder.appendMMID(0, to: &out)
        #expect(out == [4, 78, 83, 68, 81, 0])
    }

    @Test func csvLines() {
        #expect(CSVEventWriter.header(.ticks) == "symbol,ts,receive_ts,seq,price,size,total_volume,bid,ask,tick_id,basis,market_center,conditions,aggressor\n")
        var out: [UInt8] = []
        CSVEventWriter.appendRow(BookUpdate(symbol: Symbol(unchecked: "A\"B"), eventTime: 1_773_063_000_123_456_789, action: .levelUpdate,
                                            side: .bid, price: Price(units: 2938, nanos: 250_000_000), size: 65, orderCount: 11, seq: 3), to: &out)
        #expect(String(decoding: out, as: UTF8.self)
                == "\"A\"\"B\",2026-03-09T13:30:00.123456789Z,1970-01-01T00:00:00.000000000Z,3,level_update,bid,2938.25,65,0,,11,0\n")
        #expect(CSVEventWriter.header(.l2).split(separator: ",").count == MarketSchema.columns(.l2).count)
    }
}
