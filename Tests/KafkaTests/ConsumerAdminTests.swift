import Foundation
import Kafka
import Testing

@Suite struct ConsumerAdminTests {
    /// A mock cluster with `topic` holding `n` messages (values "m1"..."mN").
    static func seeded(_ n: Int, partitions: Int32 = 3) throws -> (MockCluster, String) {
        let mock = try MockCluster(brokers: 3, logger: Support.quietLogger)
        let topic = Support.uniqueName("test.consume")
        try mock.createTopic(topic, partitions: partitions, replicationFactor: 2)
        let producer = try KafkaProducer(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        for i in 1...n { try producer.produce(topic: topic, key: "k\(i % 5)", value: "m\(i)") }
        try producer.flush(timeout: 30)
        #expect(producer.stats.delivered == UInt64(n))
        return (mock, topic)
    }

    @Test func groupConsumeCommitAndLag() throws {
        let (mock, topic) = try Self.seeded(120)
        let group = Support.uniqueName("group")
        let consumer = try KafkaConsumer(brokers: mock.bootstrapServers, group: group, logger: Support.quietLogger)
        try consumer.subscribe(topics: [topic])
        var got: [KafkaMessage] = []
        let ok = try Support.eventually(timeout: 30) {
            got += try consumer.pollBatch(max: 500, timeout: 0.2)
            return got.count >= 120
        }
        #expect(ok)
        #expect(got.count == 120)
        #expect(Set(got.map(\.valueString)) == Set((1...120).map { "m\($0)" }))
        #expect(got.allSatisfy { $0.keyString?.hasPrefix("k") == true && $0.topic == topic })

        // Commit all but the last message of partition 0: lag there must be exactly 1.
        var next: [Int32: Int64] = [:]
        for m in got { next[m.partition] = max(next[m.partition] ?? 0, m.offset + 1) }
        let commits = next.map { KafkaTopicPartitionOffset(topic: topic, partition: $0.key, offset: $0.key == 0 ? $0.value - 1 : $0.value) }
        try consumer.commit(commits)
        let committed = try consumer.committed(topic: topic, partitions: [0, 1, 2])
        #expect(Set(committed) == Set(commits))

        let admin = try KafkaAdmin(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        let lag = try admin.lag(group: group, topic: topic)
        #expect(lag.count == 3)
        #expect(lag.reduce(0) { $0 + $1.lag } == 1)
        #expect(lag.first { $0.partition == 0 }?.lag == 1)
        // The 2.0.2 mock cluster does not implement ListGroups: it must say so, in one line.
        do {
            let groups = try admin.listGroups()
            #expect(groups.contains { $0.name == group })
        } catch let error as KafkaError {
            #expect(error == .unsupported(operation: "ListGroups", brokers: mock.bootstrapServers))
            #expect(error.description == "kafka: broker at \(mock.bootstrapServers) does not support ListGroups")
        }
        consumer.close()
    }

    @Test func manualAssignFromBeginningOffsetEndAndTime() throws {
        let (mock, topic) = try Self.seeded(30, partitions: 1)
        let brokers = mock.bootstrapServers
        func drain(_ c: KafkaConsumer) throws -> [KafkaMessage] {
            var out: [KafkaMessage] = []
            _ = try Support.eventually(timeout: 3) { out += try c.pollBatch(max: 100, timeout: 0.1); return out.count >= 30 }
            return out
        }
        let fromStart = try KafkaConsumer(brokers: brokers, group: Support.uniqueName("g"), logger: Support.quietLogger)
        try fromStart.assign([(topic, 0, .beginning)])
        let all = try drain(fromStart)
        #expect(all.map(\.valueString) == (1...30).map { "m\($0)" })
        #expect(try fromStart.assignment().map(\.partition) == [0])

        let fromTen = try KafkaConsumer(brokers: brokers, group: Support.uniqueName("g"), logger: Support.quietLogger)
        try fromTen.assign([(topic, 0, .offset(10))])
        #expect(try drain(fromTen).map(\.offset) == Array(10...29))

        let fromEnd = try KafkaConsumer(brokers: brokers, group: Support.uniqueName("g"), logger: Support.quietLogger)
        try fromEnd.assign([(topic, 0, .end)])
        #expect(try fromEnd.pollBatch(max: 10, timeout: 0.5).isEmpty)

        // A time after every message resolves to "no offset" and starts at the end. (The 2.0.2 mock
        // answers every timestamp lookup with -1, so resolving a time inside the log is untestable here.)
        let ts = try #require(all.last?.timestampMs)
        let resolved = try fromTime(brokers, topic, ts + 3_600_000)
        #expect(resolved.isEmpty)
    }

    private func fromTime(_ brokers: String, _ topic: String, _ ts: Int64) throws -> [KafkaMessage] {
        let c = try KafkaConsumer(brokers: brokers, group: Support.uniqueName("g"), logger: Support.quietLogger)
        let offsets = try c.offsetsForTimes([KafkaTopicPartitionOffset(topic: topic, partition: 0, offset: ts)])
        #expect(offsets.map(\.offset) == [-1])
        try c.assign([(topic, 0, .timestampMs(ts))])
        return try c.pollBatch(max: 10, timeout: 0.5)
    }

    @Test func zeroCopyPollHandsBorrowedBytes() throws {
        let (mock, topic) = try Self.seeded(5, partitions: 1)
        let c = try KafkaConsumer(brokers: mock.bootstrapServers, group: Support.uniqueName("g"), logger: Support.quietLogger)
        try c.assign([(topic, 0, .beginning)])
        var sizes: [Int] = []
        _ = try Support.eventually(timeout: 5) {
            if let n = try c.poll(timeout: 0.1, { view in view.value.count + (view.key?.count ?? 0) }) { sizes.append(n) }
            return sizes.count == 5
        }
        #expect(sizes == [4, 4, 4, 4, 4])  // "k1".."k0" (2) + "m1".."m5" (2)
    }

    @Test func metadataAndWatermarks() throws {
        let (mock, topic) = try Self.seeded(60)
        let admin = try KafkaAdmin(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        let md = try admin.metadata()
        #expect(md.brokers.map(\.id) == [1, 2, 3])
        #expect(md.brokers.allSatisfy { $0.host == "127.0.0.1" && $0.port > 0 })
        let t = try #require(md.topic(topic))
        #expect(t.partitions.map(\.id) == [0, 1, 2])
        // The mock places every partition on all brokers whatever the replication factor.
        #expect(t.partitions.allSatisfy { $0.replicas == [1, 2, 3] && $0.isr == $0.replicas && $0.replicas.contains($0.leader) && $0.error == nil })
        var total: Int64 = 0
        for p in t.partitions {
            let wm = try admin.watermarks(topic: topic, partition: p.id)
            #expect(wm.low == 0)
            total += wm.count
        }
        #expect(total == 60)
    }

    @Test func createTopicsOnMockFailsClearlyWithinTimeout() throws {
        let mock = try MockCluster(brokers: 1, logger: Support.quietLogger)
        let admin = try KafkaAdmin(brokers: mock.bootstrapServers, logger: Support.quietLogger)
        let start = Date()
        #expect {
            try admin.createTopics([KafkaTopicSpec(name: "new.topic", partitions: 3, replicationFactor: 1)], timeout: 2)
        } throws: { error in
            "\(error)" == "kafka: broker at \(mock.bootstrapServers) does not support CreateTopics (timed out after 2s)"
        }
        #expect(Date().timeIntervalSince(start) < 8)
        #expect(throws: KafkaError.self) { try admin.deleteTopics(["new.topic"], timeout: 1) }
        #expect(Date().timeIntervalSince(start) < 14)
    }

    @Test func unreachableBrokerIsATypedErrorWithinBoundedTime() throws {
        let admin = try KafkaAdmin(brokers: "127.0.0.1:9", logger: Support.quietLogger)
        let start = Date()
        #expect(throws: KafkaError.brokersUnreachable(brokers: "127.0.0.1:9", seconds: 2)) { try admin.metadata(timeout: 2) }
        #expect(Date().timeIntervalSince(start) < 6)
        #expect(KafkaError.brokersUnreachable(brokers: "127.0.0.1:9", seconds: 5).description
            == "kafka: no broker reachable at 127.0.0.1:9 within 5s")
    }
}
