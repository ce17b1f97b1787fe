import Foundation
import MDTTestSupport
import Redis
import Testing

/// Against the shared test server (`scripts/services.sh`, MDT_REDIS_URL).
@Suite(.enabled(if: TestServices.available(.redis)))
struct SharedRedisTests {
    func client() throws -> RedisClient { try RedisClient(url: try TestServices.require(.redis)) }

    @Test func pingAndInfo() throws {
        let redis = try client()
        try redis.ping()
        let info = try redis.info("server")
        #expect(info["redis_version"]?.isEmpty == false)
        let replication = try redis.info("replication")
        #expect(replication["role"] == "master")
        let memory = try redis.info("memory")
        #expect(Int(memory["used_memory"] ?? "") ?? 0 > 0)
    }

    @Test func sendsThenOneReceiveReadsEveryReply() throws {
        let redis = try client()
        let key = uniqueKey("sendrecv")
        defer { _ = try? redis.del(key) }
        var p = RedisPipeline()
        for i in 0..<3 { p.append("RPUSH", key, "a\(i)") }
        #expect(try redis.send(p) == 3)
        var q = RedisPipeline()
        q.append("RPUSH", key, "b")
        q.append("HSET", key, "f", "v")  // WRONGTYPE: a list
        #expect(try redis.send(q) == 2)
        let result = try redis.receive()
        #expect(result.count == 5)
        #expect(result.errorCount == 1)
        #expect(result.firstError?.hasPrefix("WRONGTYPE") == true)
        #expect(try redis.receive().count == 0, "nothing left unread")
        // A send followed by an ordinary command: the command's reply is not confused with the earlier ones.
        #expect(try redis.send(p) == 3)
        #expect(try redis.command(["LLEN", key]) == .integer(7))
    }

    @Test func stringsHashesAndExpiry() throws {
        let redis = try client()
        let key = uniqueKey("str"), hash = uniqueKey("hash")
        defer { _ = try? redis.del(key, hash) }
        try redis.set(key, "héllo", expireSeconds: 60)
        #expect(try redis.getString(key) == "héllo")
        #expect((1...60).contains(try redis.ttl(key)))
        #expect(try redis.get(uniqueKey("missing")) == nil)
        #expect(try redis.hset(hash, [("bid", "101.25"), ("ask", "101.26")]) == 2)
        #expect(try redis.hset(hash, field: "bid", value: "101.24") == 0)
        #expect(try redis.hgetall(hash) == ["bid": "101.24", "ask": "101.26"])
        #expect(try redis.exists(hash))
        #expect(try redis.scan(match: hash).contains(hash))
        #expect(try redis.keys(hash) == [hash])
        #expect(try redis.del(key, hash) == 2)
        #expect(try !redis.exists(hash))
    }

    @Test func streamsAndPublish() throws {
        let redis = try client()
        let stream = uniqueKey("tape")
        defer { _ = try? redis.del(stream) }
        var ids: [String] = []
        for i in 0..<5 { ids.append(try redis.xadd(stream, maxLength: 1000, fields: [("px", "\(100 + i)"), ("sz", "10")])) }
        #expect(try redis.xlen(stream) == 5)
        let entries = try redis.xrange(stream, count: 3)
        #expect(entries.map(\.id) == Array(ids.prefix(3)))
        #expect(entries.first?.fields == ["px": "100", "sz": "10"])
        #expect(try redis.publish(uniqueKey("chan"), "hi") == 0)
    }

    @Test func pipelineOfTenThousandCommands() throws {
        let redis = try client()
        let key = uniqueKey("pipe")
        defer { _ = try? redis.del(key) }
        let result = try redis.pipeline { p in
            for i in 0..<10_000 {
                p.begin()
                p.arg("HSET" as StaticString)
                p.arg(key)
                p.arg(int: Int64(i % 100))
                p.arg(int: Int64(i))
            }
        }
        #expect(result.count == 10_000)
        #expect(result.errorCount == 0)
        #expect(result.replies.isEmpty)
        let all = try redis.hgetall(key)
        #expect(all.count == 100)
        #expect(all["7"] == "9907")

        // Replies kept when asked; error replies are counted, not thrown.
        let mixed = try redis.pipeline(collectReplies: true) { p in
            p.append("INCR", key)  // WRONGTYPE: key is a hash
            p.append("HLEN", key)
            p.append(bytes: [Array("ECHO".utf8), [0x00, 0xFF]])
        }
        #expect(mixed.count == 3)
        #expect(mixed.errorCount == 1)
        #expect(mixed.firstError?.hasPrefix("WRONGTYPE") == true)
        #expect(mixed.replies[1] == .integer(100))
        #expect(mixed.replies[2] == .bulk([0x00, 0xFF]))
    }

    @Test func serverErrorIsTypedWithCommandName() throws {
        let redis = try client()
        let error = try #require(throws: RedisError.self) { try redis.command("NOSUCHCOMMAND", "secret-arg") }
        guard case .server(let command, let message) = error else {
            Issue.record("expected .server, got \(error)")
            return
        }
        #expect(command == "NOSUCHCOMMAND")
        #expect(message.hasPrefix("ERR unknown command"))
        #expect(!error.description.contains("\n"))
        try redis.ping()  // the connection is still usable
    }
}

/// Against redis-servers the tests start and kill themselves.
@Suite(.enabled(if: canStartRedis))
struct OwnRedisServerTests {
    @Test func wrongPasswordIsAnAuthErrorWithoutThePassword() throws {
        let real = "real-\(UInt32.random(in: 1000...9999))-pw"
        let server = try OwnRedisServer(extraArgs: ["--requirepass", real])
        defer { server.stop() }
        let wrong = "wrong-\(UInt32.random(in: 1000...9999))-pw"

        let error = try #require(throws: RedisError.self) { try RedisClient(url: "redis://:\(wrong)@127.0.0.1:\(server.port)") }
        guard case .authenticationFailed(let endpoint, _) = error else {
            Issue.record("expected .authenticationFailed, got \(error)")
            return
        }
        #expect(endpoint == "127.0.0.1:\(server.port)")
        for text in [error.description, "\(error)", String(reflecting: error)] {
            #expect(!text.contains(wrong))
            #expect(!text.contains(real))
        }

        // No password at all: the first command reports NOAUTH as an auth failure.
        let anonymous = try RedisClient(url: server.url)
        let noauth = try #require(throws: RedisError.self) { try anonymous.ping() }
        guard case .authenticationFailed = noauth else {
            Issue.record("expected .authenticationFailed, got \(noauth)")
            return
        }

        // The right password (as a parameter) works.
        let good = try RedisClient(url: server.url, password: real)
        try good.ping()
    }

    @Test func subscriberAuthenticatesReceivesAndFailsTyped() throws {
        let real = "real-\(UInt32.random(in: 1000...9999))-pw"
        let server = try OwnRedisServer(extraArgs: ["--requirepass", real])
        defer { server.stop() }
        let wrong = "wrong-\(UInt32.random(in: 1000...9999))-pw"
        let denied = try #require(throws: RedisError.self) { try RedisSubscriber(url: "redis://:\(wrong)@127.0.0.1:\(server.port)", channels: ["c"]) }
        guard case .authenticationFailed = denied else { Issue.record("expected .authenticationFailed, got \(denied)"); return }
        #expect(!denied.description.contains(wrong) && !denied.description.contains(real))

        let port = unusedPort()
        let unreachable = try #require(throws: RedisError.self) { try RedisSubscriber(url: "redis://127.0.0.1:\(port)", channels: ["c"]) }
        guard case .unreachable = unreachable else { Issue.record("expected .unreachable, got \(unreachable)"); return }

        let sub = try RedisSubscriber(url: server.url, password: real, channels: ["news", "other"])
        #expect(try sub.next(timeout: 0.05) == nil, "nothing published yet")
        let publisher = try RedisClient(url: server.url, password: real)
        _ = try publisher.command(["PUBLISH", "news", "hello"])
        let m = try #require(try sub.next(timeout: 5))
        #expect(m.channel == "news")
        #expect(m.payload == Array("hello".utf8))
        server.stop()
        #expect(throws: RedisError.self) { _ = try sub.next(timeout: 5) }
    }

    @Test func serverGoneBetweenSendAndReceiveFailsTypedAndLeavesNothingUnread() throws {
        let server = try OwnRedisServer()
        defer { server.stop() }
        let client = try RedisClient(url: server.url)
        var p = RedisPipeline()
        p.append("SET", uniqueKey("sent"), "1")
        p.append("BLPOP", uniqueKey("never-filled"), "30")  // its reply cannot come before the server goes
        #expect(try client.send(p) == 2)
        server.stop()
        let error = try #require(throws: RedisError.self) { try client.receive() }
        #expect(error.description.contains("127.0.0.1:\(server.port)"), "names where: \(error)")
        #expect(error.isRetriable)
        #expect(try client.receive().count == 0, "the lost replies are not waited for again")
    }

    @Test func unreachablePortFailsFastAndTyped() throws {
        let port = unusedPort()
        let start = ContinuousClock.now
        let error = try #require(throws: RedisError.self) { try RedisClient(url: "redis://:pw123@127.0.0.1:\(port)") }
        #expect(ContinuousClock.now - start < .seconds(1))
        guard case .unreachable(let endpoint, let reason) = error else {
            Issue.record("expected .unreachable, got \(error)")
            return
        }
        #expect(endpoint == "127.0.0.1:\(port)")
        #expect(reason == "connection refused")
        #expect(error.description == "cannot connect to Redis at 127.0.0.1:\(port): connection refused")
        #expect(!error.description.contains("pw123"))
        #expect(error.isRetriable)
    }

    @Test func serverKilledMidPipelineThenReconnects() throws {
        let server = try OwnRedisServer()
        defer { server.stop() }
        let list = uniqueKey("never-filled")
        let outcome = Shared<RedisError?>(nil)
        let done = Shared(false)
        let url = server.url
        // The pipeline's last command blocks (BLPOP with no timeout) so the kill lands mid-batch.
        let thread = Thread {
            do {
                let redis = try RedisClient(url: url, commandTimeout: .seconds(30))
                _ = try redis.pipeline { p in
                    p.append("CLIENT", "SETNAME", "mdt-pipeline-under-test")
                    p.append("SET", list + ":a", "1")
                    p.append("SET", list + ":b", "2")
                    p.append("BLPOP", list, "0")
                }
            } catch let error as RedisError {
                outcome.set(error)
            } catch {}
            done.set(true)
        }
        thread.start()

        let observer = try RedisClient(url: url)
        let blocked = try pollUntil(timeout: 10) {
            let clients = (try observer.command("CLIENT", "LIST").string ?? "").split(separator: "\n")
            return clients.contains { $0.contains("name=mdt-pipeline-under-test") && $0.contains("cmd=blpop") }
        }
        #expect(blocked)
        server.kill()
        #expect(pollUntil(timeout: 10) { done.get() })
        let error = try #require(outcome.get())
        guard case .pipelineInterrupted(let endpoint, _, let completed, let total) = error else {
            Issue.record("expected .pipelineInterrupted, got \(error)")
            return
        }
        #expect(endpoint == "127.0.0.1:\(server.port)")
        // The first three replies are usually read before the kill; under load fewer may be.
        #expect(completed <= 3 && total == 4, "\(error)")
        #expect(error.isRetriable)

        // While the server is down, calls fail with a typed, retriable error.
        let down = try #require(throws: RedisError.self) { try observer.ping() }
        #expect(down.isRetriable)

        // After a restart on the same port, the next call reconnects by itself.
        try server.start()
        try observer.ping()
        #expect(observer.connectCount == 2)
        try observer.set(list + ":c", "3")
        #expect(try observer.getString(list + ":c") == "3")
    }

    @Test func idleConnectionClosedByServerIsReplacedBeforeSending() throws {
        let server = try OwnRedisServer()
        defer { server.stop() }
        let redis = try RedisClient(url: server.url)
        try redis.set("k", "v")
        server.kill()
        try server.start()
        // No error surfaces: the dead socket is noticed before the command is sent.
        try redis.ping()
        #expect(redis.connectCount == 2)
        #expect(try redis.getString("k") == nil)  // a fresh server without persistence
    }

    @Test func databaseSelectedFromURL() throws {
        let server = try OwnRedisServer()
        defer { server.stop() }
        let db3 = try RedisClient(url: server.url + "/3")
        try db3.set("where", "three")
        let db0 = try RedisClient(url: server.url)
        #expect(try db0.getString("where") == nil)
        #expect(try db0.command("SELECT", "3") == .status("OK"))
        #expect(try db0.getString("where") == "three")
    }

    @Test func commandTimeoutIsTyped() throws {
        let server = try OwnRedisServer()
        defer { server.stop() }
        let redis = try RedisClient(url: server.url, commandTimeout: .milliseconds(300))
        let start = ContinuousClock.now
        let error = try #require(throws: RedisError.self) { try redis.command("BLPOP", "nothing-here", "0") }
        #expect(ContinuousClock.now - start < .seconds(3))
        guard case .timedOut(_, let after, let connecting) = error else {
            Issue.record("expected .timedOut, got \(error)")
            return
        }
        #expect(after == .milliseconds(300) && !connecting)
        try redis.ping()  // reconnected
        #expect(redis.connectCount == 2)
    }
}
