import ClickHouse
import Curl
import Foundation
import MDTTestSupport
import Testing

@Suite(.enabled(if: TestServices.available(.clickhouse)))
struct LiveClickHouseTests {
    @Test func pingAndVersion() throws {
        let ch = try liveClient()
        try ch.ping()
        let version = try ch.version()
        let parsed = try #require(ClickHouseVersion(version))
        #expect(try ch.dialect == ((parsed.major, parsed.minor) >= (20, 1) ? .modern : .legacy))
        #expect(try ch.databaseExists(TestServices.clickhouseDatabase))
        #expect(try !ch.databaseExists("no_such_db_mdt"))
    }

    @Test func rowBinaryInsertRoundTrip() throws {
        let ch = try liveClient()
        let table = uniqueName("rb")
        try ch.execute("""
            CREATE TABLE \(table) (id UInt64, i8 Int8, u16 UInt16, u32 UInt32, i64 Int64, f Float64,
                price Decimal64(9), s String, ns Nullable(String), ni Nullable(Int64), flag UInt8)
            ENGINE = MergeTree ORDER BY id
            """)
        defer { _ = try? ch.execute("DROP TABLE IF EXISTS \(table)") }
        #expect(try ch.tableExists(table: table))
        #expect(try !ch.tableExists(table: table + "_missing"))

        struct Row: Equatable {
            var id: UInt64, i8: Int8, u16: UInt16, u32: UInt32, i64: Int64, f: Double
            var price: Int64, s: String, ns: String?, ni: Int64?, flag: UInt8
        }
        let rows = [
            Row(id: 1, i8: -128, u16: 65535, u32: 4_000_000_000, i64: Int64.min, f: 0.1, price: 123_456_789_012, s: "AAPL", ns: nil, ni: 5, flag: 1),
            Row(id: 2, i8: 127, u16: 0, u32: 0, i64: Int64.max, f: -1e300, price: -1, s: "日本語 ✓ émoji 🚀", ns: "x\ty\nz", ni: nil, flag: 0),
            Row(id: 3, i8: 0, u16: 1, u32: 1, i64: 0, f: 42.5, price: 999_999_999_999_999_999, s: "", ns: "", ni: -7, flag: 1),
        ]
        var w = RowBinaryWriter()
        func encode(_ r: Row) {
            w.writeUInt64(r.id); w.writeInt8(r.i8); w.writeUInt16(r.u16); w.writeUInt32(r.u32)
            w.writeInt64(r.i64); w.writeFloat64(r.f); w.writeDecimal64(raw: r.price); w.writeString(r.s)
            w.writeNullable(r.ns) { $0.writeString($1) }
            w.writeNullable(r.ni) { $0.writeInt64($1) }
            w.writeUInt8(r.flag)
        }
        encode(rows[0])
        try ch.insert(table: table, body: w.bytes)
        w.reset()
        encode(rows[1]); encode(rows[2])
        try ch.insert(table: table, body: w.bytes, gzip: true)
        #expect(try ch.rowCount(table: table) == 3)

        var r = RowBinaryReader(try ch.query("SELECT * FROM \(table) ORDER BY id", format: "RowBinary"))
        var back: [Row] = []
        while !r.isAtEnd {
            let id = try r.readUInt64(), i8 = try r.readInt8(), u16 = try r.readUInt16(), u32 = try r.readUInt32()
            let i64 = try r.readInt64(), f = try r.readFloat64(), price = try r.readDecimal64Raw(), s = try r.readString()
            let ns: String? = try r.readIsNull() ? nil : try r.readString()
            let ni: Int64? = try r.readIsNull() ? nil : try r.readInt64()
            back.append(Row(id: id, i8: i8, u16: u16, u32: u32, i64: i64, f: f, price: price, s: s, ns: ns, ni: ni, flag: try r.readUInt8()))
        }
        #expect(back == rows)
        // The server's own text rendering agrees on the decimal and the unicode string.
        #expect(try ch.queryText("SELECT toString(price), s FROM \(table) WHERE id = 1") == "123.456789012\tAAPL")
        #expect(try ch.queryText("SELECT s FROM \(table) WHERE id = 2", format: "TabSeparatedRaw") == "日本語 ✓ émoji 🚀")
    }

    @Test func badSQLIsTypedWithCodeAndPosition() throws {
        let ch = try liveClient()
        let error = try #require(throws: ClickHouseError.self) { try ch.query("SELEC 1") }
        guard case .server(let code, let message, let position, let sql) = error else {
            Issue.record("expected .server, got \(error)")
            return
        }
        #expect(code == 62)
        #expect(message.contains("Syntax error"))
        #expect(position == 1)
        #expect(sql == "SELEC 1")
        #expect(!error.description.contains("\n"))
        #expect(error.description.hasPrefix("ClickHouse error 62: Syntax error"))

        let unknown = try #require(throws: ClickHouseError.self) { try ch.query("SELECT * FROM no_such_table_mdt") }
        #expect(unknown.code == 60)
    }

    @Test func wrongPasswordIsAnAuthErrorWithoutThePassword() throws {
        let secret = "wrong-\(UInt32.random(in: 1000...9999))-pw"
        let ch = try liveClient(password: secret)
        let error = try #require(throws: ClickHouseError.self) { try ch.query("SELECT 1") }
        guard case .authenticationFailed(let endpoint, let user, let code, _) = error else {
            Issue.record("expected .authenticationFailed, got \(error)")
            return
        }
        #expect(user == TestServices.clickhouseUser)
        #expect(code == 193 || code == 516 || code == 192)
        #expect(endpoint == ch.endpoint.hostPort)
        #expect(!error.description.contains(secret))
        #expect(!"\(error)".contains(secret))
        #expect(!String(reflecting: error).contains(TestServices.clickhousePassword) || TestServices.clickhousePassword.isEmpty)
    }

    @Test func unreachableNamesHostAndPortQuickly() throws {
        let port = unusedPort()
        let ch = try ClickHouseClient(url: "http://127.0.0.1:\(port)", user: "u", password: "p4ssw0rd", connectTimeout: .seconds(2))
        let start = ContinuousClock.now
        let error = try #require(throws: ClickHouseError.self) { try ch.ping() }
        #expect(ContinuousClock.now - start < .seconds(2))
        guard case .unreachable(let endpoint, let reason) = error else {
            Issue.record("expected .unreachable, got \(error)")
            return
        }
        #expect(endpoint == "127.0.0.1:\(port)")
        #expect(reason == "connection refused")
        #expect(error.description == "cannot connect to ClickHouse at 127.0.0.1:\(port): connection refused")
        #expect(error.isRetriable)
    }

    @Test func streamsAMillionRowsInChunks() throws {
        let ch = try liveClient()
        var lines = 0, bytes = 0, chunks = 0, largest = 0
        var sum: UInt64 = 0, current: UInt64 = 0
        try ch.queryStreaming("SELECT number FROM system.numbers LIMIT 1000000", format: "TabSeparated") { chunk in
            chunks += 1
            bytes += chunk.count
            largest = max(largest, chunk.count)
            for b in chunk {
                if b == UInt8(ascii: "\n") {
                    lines += 1
                    sum += current
                    current = 0
                } else {
                    current = current * 10 + UInt64(b - UInt8(ascii: "0"))
                }
            }
        }
        #expect(lines == 1_000_000)
        #expect(sum == 999_999 * 1_000_000 / 2)
        // Digits of 0..<1e6 plus one newline each.
        #expect(bytes == 5_888_890 + 1_000_000)
        #expect(chunks > 10)
        #expect(largest < 1 << 20)
    }

    @Test func killQueryByID() throws {
        let queryID = ClickHouseClient.makeQueryID()
        let outcome = Shared<ClickHouseError?>(nil)
        let finished = Shared(false)
        let thread = Thread {
            do {
                let ch = try liveClient()
                _ = try ch.query("SELECT count() FROM system.numbers", settings: ["max_execution_time": "30"], queryID: queryID)
            } catch let error as ClickHouseError {
                outcome.set(error)
            } catch {}
            finished.set(true)
        }
        thread.start()
        let ch = try liveClient()
        let running = try pollUntil(timeout: 10) {
            try ch.queryText("SELECT count() FROM system.processes WHERE query_id = \(SQLText.literal(queryID))") == "1"
        }
        #expect(running)
        #expect(try ch.kill(queryID: queryID))
        #expect(pollUntil(timeout: 10) { finished.get() })
        let error = try #require(outcome.get())
        #expect(error.code == 394)  // QUERY_WAS_CANCELLED
        #expect(try !ch.kill(queryID: queryID))
    }

    @Test func queryParametersFollowTheDialect() throws {
        let ch = try liveClient()
        if try ch.dialect == .legacy {
            let error = try #require(throws: ClickHouseError.self) {
                try ch.query("SELECT {x:UInt8}", parameters: ["x": "5"])
            }
            guard case .unsupported = error else {
                Issue.record("expected .unsupported, got \(error)")
                return
            }
            #expect(error.description.contains(try ch.version()))
        } else {
            #expect(try ch.queryText("SELECT {x:UInt8} + 1", parameters: ["x": "5"]) == "6")
        }
    }

    @Test func settingsReachTheServer() throws {
        let ch = try liveClient()
        let text = try ch.queryText("SELECT value FROM system.settings WHERE name = 'max_block_size'", settings: ["max_block_size": "1234"])
        #expect(text == "1234")
        // A setting the server rejects comes back as a typed error naming it.
        let error = try #require(throws: ClickHouseError.self) { try ch.query("SELECT 1", settings: ["no_such_setting_mdt": "1"]) }
        #expect(error.code == 115)  // UNKNOWN_SETTING
        #expect(error.description.contains("no_such_setting_mdt"))
    }
}

@Suite(.enabled(if: TestServices.available(.clickhouse)))
struct LiveClickHouseStreamErrors {
    @Test func exceptionAfterRowsStartedIsThrown() throws {
        let ch = try liveClient()
        var lines = 0
        let error = try #require(throws: ClickHouseError.self) {
            try ch.queryStreaming("SELECT number, throwIf(number = 300000) FROM system.numbers LIMIT 1000000") { chunk in
                lines += chunk.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            }
        }
        #expect(error.code == 395)  // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
        #expect(lines > 0 && lines <= 300_001)
        try ch.ping()
    }

    @Test func clientTimeoutIsTyped() throws {
        let ch = try liveClient(timeout: .milliseconds(300))
        let error = try #require(throws: ClickHouseError.self) { try ch.query("SELECT sleep(2)") }
        guard case .timedOut(let endpoint, _, false) = error else {
            Issue.record("expected .timedOut, got \(error)")
            return
        }
        #expect(endpoint == ch.endpoint.hostPort)
        #expect(error.isRetriable)
    }
}
