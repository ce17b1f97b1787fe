import ClickHouse
import Foundation
import IQFeed
import IQFeedServer
import Kafka
import Logging
import MDTTestSupport
import MarketData
import Redis
import Testing
@testable import Pipeline

@Suite(.serialized) struct CollectIntegrationTests {
    let logger = Logger(label: "test.collect")

    @Test(.enabled(if: TestServices.available(.clickhouse) && TestServices.available(.redis) && TestServices.available(.kafka)))
    func everyEventReachesEverySinkExactlyOnce() throws {
        let chURL = try TestServices.require(.clickhouse)
        let redisURL = try TestServices.require(.redis)
        let brokers = try TestServices.require(.kafka)
        let tag = randomSuffix()
        let symbols = testSymbols("E\(tag.prefix(3).uppercased())", 12)
        let server = try startFeedServer(symbols: symbols, events: 6_000)
        defer { server.stop() }
        let db = "mdt_test_collect_\(tag)"
        let prefix = "t\(tag)."
        let service = try CollectService(config: collectConfig(
            name: "e2e", symbols: symbols, server: server, clickhouseURL: chURL, redisURL: redisURL,
            kafkaBrokers: brokers, database: db, topicPrefix: prefix, spool: NSTemporaryDirectory() + "mdt-spool-\(tag)"), logger: logger)
        service.start()
        #expect(waitUntilSettled(server, service), "collector did not deliver everything")
        #expect(service.stop(timeout: 10))
        let status = service.collector.status
        let ch = try clickhouse(chURL)
        defer { _ = try? ch.execute("DROP DATABASE IF EXISTS \(db)") }

        #expect(status.received > 6_000, "6,000 events plus the watch snapshots")
        for sink in status.sinks {
            #expect(sink.delivered == status.received, "\(sink.sink) delivered \(sink.delivered) of \(status.received)")
            #expect(sink.dropped == 0)
        }
        // ClickHouse holds exactly what was received, without duplicates.
        let ticks = try count(ch, "SELECT count() FROM \(db).market_ticks")
        let quotes = try count(ch, "SELECT count() FROM \(db).market_l1")
        let book = try count(ch, "SELECT count() FROM \(db).market_l2")
        #expect(ticks + quotes + book == Int(status.received))
        #expect(try count(ch, "SELECT count() FROM \(db).market_l2 FINAL") == book)
        // Every L2 increment the server sent is stored (snapshot rows come on top).
        let increments = try count(ch, "SELECT count() FROM \(db).market_l2 WHERE action NOT IN ('level_summary', 'order_summary', 'clear')")
        #expect(increments == Int(server.counters(.level2).dataLines))
        // Kafka, read back by kcat: the same counts per topic, keyed by symbol.
        let topics = KafkaTopics(prefix: prefix)
        let trades = try kcatMessages(brokers: brokers, topic: topics.trades)
        #expect(trades.count == ticks)
        #expect(try kcatMessages(brokers: brokers, topic: topics.quotes).count == quotes)
        #expect(try kcatMessages(brokers: brokers, topic: topics.book).count == book)
        #expect(trades.allSatisfy { line in symbols.contains { line.hasPrefix($0.text + " ") } })
        // Each message's timestamp (CreateTime) is its receive time in milliseconds, not the time it was sent.
        let stamps = try kcat(brokers: brokers, topic: topics.quotes, format: "%T %h\n").split(separator: "\n")
        #expect(!stamps.isEmpty)
        for line in stamps {
            let parts = line.split(separator: " ", maxSplits: 1)
            let recv = parts.count > 1 ? parts[1].split(separator: ",").first { $0.hasPrefix("receive_ns=") }?.dropFirst(11) : nil
            #expect(Int64(parts.first ?? "") == recv.flatMap { Int64($0) }.map { $0 / 1_000_000 }, "timestamp of \(line)")
        }
        // Redis: the latest quote and top of book for every symbol, a tape for traded ones.
        let redis = try RedisClient(url: redisURL)
        for s in symbols {
            let l1 = try redis.hgetall("l1:\(s.text)")
            #expect(l1["bid"] != nil && l1["ask"] != nil, "l1:\(s.text) has a quote")
            let bookJSON = try redis.getString("book:\(s.text)") ?? ""
            #expect(bookJSON.contains("\"bids\":[["), "book:\(s.text) has bid levels")
        }
        let tapes = try symbols.reduce(0) { $0 + (try redis.xlen("tape:\($1.text)")) }
        #expect(tapes == ticks, "one tape entry per trade (tapes are capped at 1000, far above this test)")
        #expect(status.sinks.allSatisfy { $0.spooled == 0 })
    }

    @Test(.enabled(if: TestServices.available(.kafka) && TestServices.available(.clickhouse)))
    func rawEncodingSendsTheFeedLines() throws {
        let chURL = try TestServices.require(.clickhouse)
        let brokers = try TestServices.require(.kafka)
        let tag = randomSuffix()
        let symbols = testSymbols("R\(tag.prefix(3).uppercased())", 4)
        let server = try startFeedServer(symbols: symbols, events: 1_500)
        defer { server.stop() }
        let prefix = "r\(tag)."
        var config = collectConfig(
            name: "raw", symbols: symbols, server: server, clickhouseURL: chURL, redisURL: "redis://127.0.0.1:1",
            kafkaBrokers: brokers, database: "unused", topicPrefix: prefix, spool: NSTemporaryDirectory() + "mdt-spool-\(tag)")
        config.sinks = [.kafka]
        config.kafkaEncoding = .raw
        let service = try CollectService(config: config, logger: logger)
        service.start()
        #expect(waitUntilSettled(server, service), "collector did not deliver everything")
        #expect(service.stop(timeout: 10))
        let received = Int(service.collector.status.received)
        let topics = KafkaTopics(prefix: prefix)
        let trades = try kcatValues(brokers: brokers, topic: topics.trades)
        let quotes = try kcatValues(brokers: brokers, topic: topics.quotes)
        let book = try kcatValues(brokers: brokers, topic: topics.book)
        // Every event but the two clears mdt records per symbol before the first Level 2 snapshot.
        #expect(trades.count + quotes.count + book.count == received - 2 * symbols.count)
        #expect(!trades.isEmpty && !quotes.isEmpty && !book.isEmpty)
        // The values are IQFeed lines as the server sent them, not JSON.
        #expect(trades.allSatisfy { $0.hasPrefix("Q,") })
        #expect(quotes.allSatisfy { $0.hasPrefix("Q,") || $0.hasPrefix("P,") })
        #expect(book.allSatisfy { ["7,", "8,", "9,"].contains(String($0.prefix(2))) || $0.hasPrefix("S,CLEAR DEPTH") })
        var parser = IQFeed.Level1Parser()
        for line in trades.prefix(50) {
            let m = try line.utf8CString.withUnsafeBytes { try parser.parse(UnsafeRawBufferPointer(rebasing: $0.dropLast()), receiveTime: 1) }
            guard case .update(let u) = m else { Issue.record("not an update: \(line)"); continue }
            #expect(u.trade != nil, "a trade line: \(line)")
        }
    }

    @Test(.enabled(if: TestServices.available(.clickhouse) && TestServices.available(.redis)))
    func sinksKilledAndRestartedLoseNothing() throws {
        _ = try TestServices.require(.clickhouse)
        let own = try PrivateServices(["clickhouse", "redis"], name: "faults")
        let chURL = try #require(own.values["MDT_CLICKHOUSE_URL"])
        let redisURL = try #require(own.values["MDT_REDIS_URL"])
        let mock = try MockCluster(brokers: 3)
        let tag = randomSuffix()
        let symbols = testSymbols("F\(tag.prefix(3).uppercased())", 8)
        for t in KafkaTopics.standard(prefix: "") { try mock.createTopic(t, partitions: 3, replicationFactor: 3) }
        let server = try startFeedServer(symbols: symbols, events: 60_000, rate: 5_000)
        defer { server.stop() }
        let db = "mdt_test_faults_\(tag)"
        let service = try CollectService(config: collectConfig(
            name: "faults", symbols: symbols, server: server, clickhouseURL: chURL, redisURL: redisURL,
            kafkaBrokers: mock.bootstrapServers, database: db, topicPrefix: "",
            spool: NSTemporaryDirectory() + "mdt-spool-\(tag)"), logger: logger)
        service.start()
        func sink(_ name: String) -> SinkCounters.Snapshot? { service.collector.status.sinks.first { $0.sink == name } }

        #expect(pollUntil { service.collector.status.received > 2_000 })
        // ClickHouse and Redis die while the feed is still sending; both come back on the same ports.
        try own.control("kill", "clickhouse")
        try own.control("kill", "redis")
        #expect(pollUntil { sink("clickhouse")?.failing == true }, "the ClickHouse sink notices")
        #expect(pollUntil { sink("redis")?.failing == true }, "the Redis sink notices")
        #expect(pollUntil { (sink("clickhouse")?.spooled ?? 0) > 1_000 }, "events wait in the spool meanwhile")
        // A Kafka broker goes down and up (librdkafka's mock fault injection) while the others are down.
        try mock.setBrokerDown(1)
        let atBrokerDown = service.collector.status.received
        #expect(pollUntil { service.collector.status.received > atBrokerDown + 2_000 }, "the feed is never blocked by a sink")
        try mock.setBrokerUp(1)
        try own.control("start", "clickhouse")
        try own.control("start", "redis")

        #expect(waitUntilSettled(server, service, timeout: 90), "every sink caught up after the faults")
        #expect(service.stop(timeout: 10))
        let status = service.collector.status
        for s in status.sinks {
            #expect(s.delivered == status.received, "\(s.sink): delivered \(s.delivered) of \(status.received)")
            #expect(s.dropped == 0)
        }
        let ch = try clickhouse(chURL)
        let stored = try count(ch, "SELECT count() FROM (SELECT symbol, ts, seq FROM \(db).market_ticks FINAL UNION ALL SELECT symbol, ts, seq FROM \(db).market_l1 FINAL UNION ALL SELECT symbol, ts, seq FROM \(db).market_l2 FINAL)")
        #expect(stored == Int(status.received), "ClickHouse has every event once (after dedup)")
        let clickhouseCounters = try #require(sink("clickhouse"))
        #expect(clickhouseCounters.spooled > 0 && clickhouseCounters.redelivered == clickhouseCounters.spooled)
        // Kafka: every event's sequence number is in the topics at least once (at-least-once delivery).
        var seqs = Set<String>()
        for t in [KafkaTopics().trades, KafkaTopics().quotes, KafkaTopics().book] {
            for line in try kcatMessages(brokers: mock.bootstrapServers, topic: t) { seqs.insert(String(line.split(separator: " ").last ?? "")) }
        }
        #expect(seqs.count == Int(status.received))
    }

    @Test func feedServerRestartIsAGapNotALoss() throws {
        let symbols = testSymbols("G", 5)
        let server = try startFeedServer(symbols: symbols, events: 1_000_000, rate: 2_000)
        defer { server.stop() }
        let sink = RecordingSink()
        let (collector, feed) = try startCollecting(server, symbols: symbols, sink: sink, heartbeatTimeout: 2)
        defer { feed.stop(); collector.stop(timeout: 5) }
        #expect(pollUntil { collector.status.received > 200 })
        server.dropAllConnections()
        #expect(pollUntil { feed.status.gaps.count >= 2 }, "one gap per dropped connection (L1 and L2)")
        let afterGap = collector.status.received
        #expect(pollUntil { collector.status.received > afterGap + 200 }, "data flows again: watches were restored")
        #expect(feed.status.connects >= 4)
        #expect(feed.status.gaps.allSatisfy { $0.endNs >= $0.startNs })
    }

    @Test func batchesAreNotSizedByTheLargestBatchEverSeen() throws {
        // 1,500 symbols: the Level 2 snapshot after connecting is one batch of over 3,000 events (a
        // `clear` per side per symbol, then the levels); the steady flow after it comes in small batches.
        let symbols = testSymbols("C", 1500)
        let server = try startFeedServer(symbols: symbols, events: 1_000_000, rate: 2_000)
        defer { server.stop() }
        let sink = CapacitySink()
        let (collector, feed) = try startCollecting(server, symbols: symbols, sink: sink)
        defer { feed.stop(); collector.stop(timeout: 5) }
        #expect(pollUntil { sink.snapshot().largest >= 3000 }, "the snapshot arrived as one large batch")
        let seen = sink.snapshot().batches
        #expect(pollUntil { sink.snapshot().batches > seen + 200 }, "the steady flow follows")
        let s = sink.snapshot()
        // Each batch the journal keeps owns an array sized for it, not for the snapshot: before, every
        // 5-event batch held a buffer with room for the snapshot's 3,000+ events.
        #expect(s.oversized == 0, "\(s.oversized) of \(s.batches) batches kept room for over 1,024 more events than they hold")
    }

    @Test func unknownSymbolIsRecordedNotFatal() throws {
        let symbols = testSymbols("U", 3)
        let server = try startFeedServer(symbols: symbols, events: 1_000_000, rate: 1_000)
        defer { server.stop() }
        let sink = RecordingSink()
        let (collector, feed) = try startCollecting(server, symbols: symbols + [Symbol(unchecked: "NOSUCH")], sink: sink)
        defer { feed.stop(); collector.stop(timeout: 5) }
        #expect(pollUntil { feed.status.unknownSymbols.contains("NOSUCH") })
        #expect(pollUntil { collector.status.received > 100 }, "the known symbols still flow")
    }

    @Test func malformedFeedLinesAreCountedNotFatal() throws {
        let symbols = testSymbols("M", 3)
        let server = try startFeedServer(symbols: symbols, events: 1_000_000, rate: 1_000)
        defer { server.stop() }
        let sink = RecordingSink()
        let (collector, feed) = try startCollecting(server, symbols: symbols, sink: sink)
        defer { feed.stop(); collector.stop(timeout: 5) }
        #expect(pollUntil { collector.status.received > 50 })
        for _ in 0..<5 { server.injectMalformedLine(on: .level1) }
        server.injectLine("Q,BADPRICE,12.3.4,100,,,,,,,,,,,,,", on: .level1)
        #expect(pollUntil { feed.status.linesFailed >= 6 })
        let before = collector.status.received
        #expect(pollUntil { collector.status.received > before + 50 }, "good lines keep flowing")
    }
}

/// Collects delivered events in memory.
final class RecordingSink: EventSink, @unchecked Sendable {
    let name = "memory"
    let lock = NSLock()
    var events: [MarketEvent] = []
    func deliver(_ batches: [[MarketEvent]]) throws {
        lock.lock(); defer { lock.unlock() }
        for b in batches { events.append(contentsOf: b) }
    }
}

/// Records, per delivered batch, whether its array keeps much more room than it uses.
final class CapacitySink: EventSink, @unchecked Sendable {
    let name = "capacity"
    let lock = NSLock()
    var batches = 0, largest = 0, oversized = 0
    func deliver(_ batches: [[MarketEvent]]) throws {
        lock.lock(); defer { lock.unlock() }
        for b in batches {
            self.batches += 1
            largest = max(largest, b.count)
            if b.capacity > max(1024, 2 * b.count) { oversized += 1 }
        }
    }
    func snapshot() -> (batches: Int, largest: Int, oversized: Int) {
        lock.lock(); defer { lock.unlock() }
        return (batches, largest, oversized)
    }
}
