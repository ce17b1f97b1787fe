@testable import Redis
import Testing

@Suite struct RedisURLParsing {
    @Test func fullURL() throws {
        let c = try RedisConfiguration(url: "redis://:s3cr%40t@cache.local:6380/2")
        #expect(c.host == "cache.local")
        #expect(c.port == 6380)
        #expect(c.password == "s3cr@t")
        #expect(c.username == nil)
        #expect(c.database == 2)
        #expect(c.endpoint == "cache.local:6380")
    }

    @Test func userAndDefaults() throws {
        let c = try RedisConfiguration(url: "redis://mdt:pw@127.0.0.1")
        #expect(c.username == "mdt" && c.password == "pw" && c.port == 6379 && c.database == 0)
        let bare = try RedisConfiguration(url: "localhost:6390")
        #expect(bare.host == "localhost" && bare.port == 6390 && bare.password == nil)
    }

    @Test func badURLsDoNotEchoThePassword() {
        for url in ["redis://:hunter22@host:notaport", "redis://:hunter22@host:1/x", "http://:hunter22@host", "redis://:hunter22@"] {
            let error = #expect(throws: RedisError.self) { try RedisConfiguration(url: url) }
            #expect(error.map { !$0.description.contains("hunter22") } ?? false, "\(url)")
        }
    }
}

@Suite struct PipelineBuffer {
    @Test func commandsAreWrittenInWireForm() {
        var p = RedisPipeline()
        p.append("SET", "k", "v")
        p.begin()
        p.arg("XADD" as StaticString)
        p.arg(int: -1234567)
        p.arg(int: 0)
        p.arg(bytes: [0xFF, 0x00])
        p.begin()  // no argument: sends nothing, expects no reply
        #expect(p.sentCount == 2)
        #expect(p.byteCount == 3 + 1 + 1 + 4 + 8 + 1 + 2)
        var wire: [UInt8] = []
        p.wire(into: &wire)
        let expected = Array("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*4\r\n$4\r\nXADD\r\n$8\r\n-1234567\r\n$1\r\n0\r\n$2\r\n".utf8)
            + [0xFF, 0x00, 13, 10]
        #expect(wire == expected)
        let capacity = p.arena.capacity
        p.reset()
        #expect(p.isEmpty && p.byteCount == 0 && p.arena.capacity == capacity)
    }

    @Test(arguments: [Int64.min, -1, 0, 7, 9, 10, 11, 99, 100, 101, 999, 1_000_000_007, Int64.max])
    func intArgumentMatchesDescription(value: Int64) {
        var p = RedisPipeline()
        p.begin()
        p.arg(int: value)
        let text = String(value)
        #expect(String(decoding: p.arena, as: UTF8.self) == "$\(text.utf8.count)\r\n\(text)\r\n")
    }

    @Test func longArgumentLengthIsExact() {
        var p = RedisPipeline()
        p.begin()
        p.arg(bytes: [UInt8](repeating: 65, count: 12_345))
        var wire: [UInt8] = []
        p.wire(into: &wire)
        #expect(wire.prefix(12) == ArraySlice(Array("*1\r\n$12345\r\n".utf8)))
        #expect(wire.count == 12 + 12_345 + 2)
    }
}

@Suite struct ErrorText {
    @Test func oneLineNamingTheEndpoint() {
        #expect(RedisError.unreachable(endpoint: "127.0.0.1:1", reason: "connection refused").description
            == "cannot connect to Redis at 127.0.0.1:1: connection refused")
        #expect(RedisError.timedOut(endpoint: "h:1", after: .milliseconds(1500), whileConnecting: false).description
            == "timed out after 1.5s waiting for Redis at h:1")
        #expect(RedisError.pipelineInterrupted(endpoint: "h:1", reason: "server closed the connection", completed: 3, total: 10).isRetriable)
    }
}
