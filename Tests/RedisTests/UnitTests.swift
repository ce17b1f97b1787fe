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
    @Test func argumentsLandInTheArena() {
        var p = RedisPipeline()
        p.append("SET", "k", "v")
        p.begin()
        p.arg("XADD" as StaticString)
        p.arg(int: -1234567)
        p.arg(int: 0)
        p.arg(bytes: [0xFF, 0x00])
        #expect(p.count == 2)
        #expect(String(decoding: p.arena, as: UTF8.self).hasPrefix("SETkvXADD-12345670"))
        #expect(p.arguments(ofCommand: 0) == 0..<3)
        #expect(p.arguments(ofCommand: 1) == 3..<7)
        #expect(p.argLength == [3, 1, 1, 4, 8, 1, 2])
        let capacity = p.arena.capacity
        p.reset()
        #expect(p.isEmpty && p.byteCount == 0 && p.arena.capacity == capacity)
    }

    @Test(arguments: [Int64.min, -1, 0, 7, 10, Int64.max])
    func intArgumentMatchesDescription(value: Int64) {
        var p = RedisPipeline()
        p.begin()
        p.arg(int: value)
        #expect(String(decoding: p.arena, as: UTF8.self) == String(value))
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
