import Foundation
import Kafka
import Testing

@Suite struct ProducerTests {
    @Test func producedMessagesArriveExactlyWithKeysAndHeaders() throws {
        let mock = try MockCluster(brokers: 3, logger: Support.quietLogger)
        let topic = Support.uniqueName("test.produce")
        try mock.createTopic(topic, partitions: 3, replicationFactor: 3)
        let producer = try KafkaProducer(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        let n = 500
        var expected: [String] = []
        var value = [UInt8](repeating: 0, count: 64)  // one buffer reused for every message
        for i in 1...n {
            let text = Array("event-\(i)".utf8)
            value.removeAll(keepingCapacity: true)
            value.append(contentsOf: text)
            let key = "SYM\(i % 7)"
            try value.withUnsafeBytes { v in
                try Array(key.utf8).withUnsafeBytes { k in
                    try producer.produce(topic: topic, key: k, value: v,
                                         headers: [KafkaHeader("source", "test"), KafkaHeader("seq", "\(i)")],
                                         sequence: UInt64(i))
                }
            }
            expected.append("\(key)|event-\(i)|source=test,seq=\(i)")
        }
        try producer.flush(timeout: 30)
        let stats = producer.stats
        #expect(stats.produced == UInt64(n))
        #expect(stats.delivered == UInt64(n))
        #expect(stats.failed == 0)
        #expect(stats.inFlight == 0)
        #expect(producer.resolvedThrough == UInt64(n))
        let seen = try Support.kcatConsume(brokers: mock.bootstrapServers, topic: topic)
        #expect(seen == expected.sorted())
        try producer.close()
    }

    @Test func batchApiAndQueueFullBackpressureLoseNothing() throws {
        let mock = try MockCluster(brokers: 1, logger: Support.quietLogger)
        let topic = Support.uniqueName("test.batch")
        try mock.createTopic(topic, partitions: 2, replicationFactor: 1)
        // A tiny local queue forces RD_KAFKA_RESP_ERR__QUEUE_FULL; produce must wait, not drop.
        let producer = try KafkaProducer(brokers: mock.bootstrapServers,
                                         properties: ["queue.buffering.max.messages": "50", "linger.ms": "1"],
                                         logger: Support.quietLogger)
        var seq: UInt64 = 0
        for batch in 0..<20 {
            let messages = (0..<100).map { i -> KafkaOutgoingMessage in
                seq += 1
                return KafkaOutgoingMessage(topic: topic, key: Array("k\(i % 5)".utf8), value: Array("b\(batch)-\(i)".utf8), sequence: seq)
            }
            try producer.produceBatch(messages)
        }
        try producer.flush(timeout: 30)
        #expect(producer.stats.produced == 2000)
        #expect(producer.stats.delivered == 2000)
        #expect(producer.stats.failed == 0)
        #expect(producer.resolvedThrough == 2000)
        let seen = try Support.kcatConsume(brokers: mock.bootstrapServers, topic: topic, format: "%s\\n")
        #expect(seen.count == 2000)
        #expect(Set(seen).count == 2000)
    }

    @Test func brokerDownAndUpLosesNothing() throws {
        let mock = try MockCluster(brokers: 3, logger: Support.quietLogger)
        let topic = Support.uniqueName("test.fault")
        try mock.createTopic(topic, partitions: 3, replicationFactor: 3)
        let producer = try KafkaProducer(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        let admin = try KafkaAdmin(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        let leaders = Set(try #require(admin.metadata(topic: topic).topic(topic)).partitions.map(\.leader))
        var seq: UInt64 = 0
        func send(_ count: Int) throws {
            for _ in 0..<count {
                seq += 1
                try producer.produce(topic: topic, key: "k\(seq % 11)", value: "m\(seq)", sequence: seq)
            }
            producer.poll()
        }
        try send(300)
        try producer.flush(timeout: 20)
        let down = try #require(leaders.sorted().first)
        try mock.setBrokerDown(down)
        try send(300)
        // Some of these wait for the downed leader; nothing may fail.
        _ = Support.eventually(timeout: 1) { producer.poll(timeout: 0.05); return false }
        #expect(producer.stats.failed == 0)
        try mock.setBrokerUp(down)
        try send(300)
        try producer.flush(timeout: 60)
        let stats = producer.stats
        #expect(stats.produced == 900)
        #expect(stats.delivered == 900)
        #expect(stats.failed == 0)
        #expect(producer.resolvedThrough == 900)
        let seen = try Support.kcatConsume(brokers: mock.bootstrapServers, topic: topic, format: "%s\\n")
        #expect(seen == (1...900).map { "m\($0)" }.sorted())
    }

    @Test func undeliverableMessagesAreHandedBackForSpooling() throws {
        let producer = try KafkaProducer(brokers: "127.0.0.1:9",
                                         properties: ["message.timeout.ms": "1000", "enable.idempotence": "false"],
                                         logger: Support.quietLogger)
        for i in 1...3 {
            try producer.produce(topic: "t", key: "k\(i)", value: "v\(i)", headers: [KafkaHeader("h", "\(i)")], sequence: UInt64(i))
        }
        let done = Support.eventually(timeout: 15) { producer.poll(timeout: 0.1); return producer.stats.failed == 3 }
        #expect(done)
        #expect(producer.stats.delivered == 0)
        #expect(producer.resolvedThrough == 3)
        let failed = producer.takeFailed()
        #expect(failed.map(\.message.sequence) .sorted() == [1, 2, 3])
        #expect(Set(failed.map { String(decoding: $0.message.value, as: UTF8.self) }) == ["v1", "v2", "v3"])
        #expect(failed.allSatisfy { $0.message.topic == "t" && $0.message.headers.count == 1 && !$0.error.isEmpty })
        #expect(producer.takeFailed().isEmpty)
    }

    @Test func flushTimesOutWithPendingCount() throws {
        let producer = try KafkaProducer(brokers: "127.0.0.1:9", logger: Support.quietLogger)
        try producer.produce(topic: "t", key: nil, value: "x")
        let start = Date()
        // librdkafka's out-queue length counts the message plus any protocol request still queued
        // (e.g. a metadata request), so at least one is pending.
        let error = #expect(throws: KafkaError.self) { try producer.flush(timeout: 0.5) }
        guard case .flushTimedOut(let pending, let seconds)? = error else {
            Issue.record("expected flushTimedOut, got \(String(describing: error))")
            return
        }
        #expect(pending >= 1)
        #expect(seconds == 0.5)
        #expect(Date().timeIntervalSince(start) < 5)
    }

    @Test func decreasingSequenceIsRejected() throws {
        let mock = try MockCluster(brokers: 1, logger: Support.quietLogger)
        let producer = try KafkaProducer(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        try producer.produce(topic: "seq.test", key: nil, value: "a", sequence: 5)
        #expect(throws: KafkaError.self) { try producer.produce(topic: "seq.test", key: nil, value: "b", sequence: 5) }
        try producer.flush(timeout: 10)
        #expect(producer.stats.produced == 1)
        #expect(producer.resolvedThrough == 5)
    }
}
