@testable import ClickHouse
import Testing

@Suite struct ServerExceptionParsing {
    @Test func legacyFormat() throws {
        let body = "Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1: SELEC 1. Expected one of: SELECT, e.what() = DB::Exception\n"
        let e = try #require(ServerException(body))
        #expect(e.code == 62)
        #expect(e.message == "Syntax error: failed at position 1: SELEC 1. Expected one of: SELECT")
        #expect(e.position == 1)
    }

    @Test func modernFormat() throws {
        let body = "Code: 60. DB::Exception: Table l2_market_data.nope does not exist. (UNKNOWN_TABLE) (version 23.8.2.7 (official build))\n"
        let e = try #require(ServerException(body))
        #expect(e.code == 60)
        #expect(e.message == "Table l2_market_data.nope does not exist. (UNKNOWN_TABLE)")
        #expect(e.position == nil)
    }

    @Test func modernSyntaxErrorPosition() throws {
        let e = try #require(ServerException("Code: 62. DB::Exception: Syntax error: failed at position 8 ('FORM'): FORM t. Expected one of: ... (SYNTAX_ERROR) (version 24.1.1.1)"))
        #expect(e.code == 62)
        #expect(e.position == 8)
    }

    @Test func notAnException() {
        #expect(ServerException("Ok.\n") == nil)
        #expect(ServerException("Code: x, nope") == nil)
    }

    @Test func trailingExceptionAfterRows() throws {
        let stream = Array("1\n2\n3\nCode: 394, e.displayText() = DB::Exception: Query was cancelled, e.what() = DB::Exception\n".utf8)
        let e = try #require(ClickHouseClient.trailingException(stream))
        #expect(e.code == 394)
        #expect(ClickHouseClient.trailingException(Array("1\n2\n".utf8)) == nil)
    }

    @Test func errorDescriptionPointsAtPosition() {
        let e = ClickHouseError.server(code: 62, message: "Syntax error: failed at position 8", position: 8, sql: "SELECT FORM t")
        #expect(e.description == "ClickHouse error 62: Syntax error: failed at position 8 [near position 8: 'FORM t']")
    }
}

@Suite struct VersionAndSummary {
    @Test(arguments: [
        ("18.16.1", ClickHouseDialect.legacy), ("19.17.4.11", .legacy), ("20.1.2.4", .modern),
        ("23.8.2.7", .modern), ("26.1.1", .modern),
    ])
    func dialect(text: String, expected: ClickHouseDialect) throws {
        #expect(try #require(ClickHouseVersion(text)).dialect == expected)
    }

    @Test func versionParts() throws {
        let v = try #require(ClickHouseVersion("18.16.1\n"))
        #expect((v.major, v.minor, v.patch) == (18, 16, 1))
        #expect(ClickHouseVersion("garbage") == nil)
    }

    @Test func summaryHeader() throws {
        let s = try #require(ClickHouseSummary(header: #"{"read_rows":"10","read_bytes":"80","written_rows":"3","written_bytes":"24","total_rows_to_read":"0"}"#))
        #expect(s.readRows == 10)
        #expect(s.writtenRows == 3)
        #expect(s.writtenBytes == 24)
        #expect(ClickHouseSummary(header: "{}") == nil)
    }
}

@Suite struct SQLTextTests {
    @Test func literalEscapes() {
        #expect(SQLText.literal("it's a \\ test\n") == #"'it\'s a \\ test\n'"#)
        #expect(SQLText.identifier("we`ird") == "`we\\`ird`")
    }

    @Test func percentEncoding() {
        #expect(SQLText.percentEncode("INSERT INTO t FORMAT RowBinary") == "INSERT%20INTO%20t%20FORMAT%20RowBinary")
        #expect(SQLText.percentEncode("a=b&c/é") == "a%3Db%26c%2F%C3%A9")
    }
}

@Suite struct RowBinaryTests {
    @Test(arguments: [UInt64(0), 1, 127, 128, 300, 16_383, 16_384, UInt64.max])
    func leb128RoundTrip(value: UInt64) throws {
        var w = RowBinaryWriter()
        w.writeVarUInt(value)
        var r = RowBinaryReader(w.bytes)
        #expect(try r.readVarUInt() == value)
        #expect(r.isAtEnd)
    }

    @Test func pinnedEncoding() {
        var w = RowBinaryWriter()
        w.writeUInt16(0x0102)
        w.writeInt64(-2)
        w.writeString("é")
        w.writeNullable(Int32?.none) { $0.writeInt32($1) }
        w.writeNullable(Int32?.some(7)) { $0.writeInt32($1) }
        #expect(w.bytes == [0x02, 0x01, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0xC3, 0xA9, 1, 0, 7, 0, 0, 0])
        let capacity = w.bytes.capacity
        w.reset()
        #expect(w.isEmpty && w.bytes.capacity == capacity)
    }

    @Test func truncatedInputThrows() {
        var r = RowBinaryReader([5, 0x61])
        #expect(throws: RowBinaryError.self) { try r.readString() }
        var r2 = RowBinaryReader([2])
        #expect(throws: RowBinaryError.malformed(offset: 0, what: "Nullable marker 2")) { try r2.readIsNull() }
    }
}
