import Foundation
import Kafka
import MDTTestSupport
import Testing

/// Against the `mdt-kafka-mock` process started by `scripts/services.sh up`.
@Suite(.enabled(if: TestServices.available(.kafka)))
struct ExternalMockTests {
    @Test func produceToServiceMockAndVerifyWithKcat() throws {
        let brokers = try TestServices.require(.kafka)
        let admin = try KafkaAdmin(brokers: brokers, logger: Support.quietLogger)
        let md = try admin.metadata()
        #expect(md.brokers.count == 3)
        for t in ["iqfeed.trades.raw", "iqfeed.quotes.raw", "iqfeed.l2.raw", "trading.signals", "market.features"] {
            #expect(md.topic(t)?.partitions.count == 3, "standard topic \(t)")
        }
        let topic = Support.uniqueName("test.external")
        let producer = try KafkaProducer(brokers: brokers, logger: Support.quietLogger)
        for i in 1...50 { try producer.produce(topic: topic, key: "AAPL", value: "{\"i\":\(i)}", sequence: UInt64(i)) }
        try producer.flush(timeout: 30)
        #expect(producer.stats.delivered == 50)
        #expect(producer.resolvedThrough == 50)
        let seen = try Support.kcatConsume(brokers: brokers, topic: topic, format: "%k %s\\n")
        #expect(seen == (1...50).map { "AAPL {\"i\":\($0)}" }.sorted())
    }

    @Test func controlSocketCreatesTopicsAndTakesBrokersDown() throws {
        let brokers = try TestServices.require(.kafka)
        let script = TestServices.repoRoot.appendingPathComponent("scripts/services.sh").path
        let topic = Support.uniqueName("test.ctl")
        let created = try Support.run("bash", [script, "kafka-ctl", "create-topic", topic, "4"])
        #expect(created.status == 0, "\(created.stdout) \(created.stderr)")
        #expect(created.stdout == "ok\n")
        let admin = try KafkaAdmin(brokers: brokers, logger: Support.quietLogger)
        #expect(try admin.metadata(topic: topic).topic(topic)?.partitions.count == 4)

        let control = KafkaMockControl(path: try #require(TestServices.value("MDT_KAFKA_CONTROL")))
        #expect(try control.send("bootstrap") == brokers)
        let producer = try KafkaProducer(brokers: brokers, logger: Support.quietLogger)
        try control.send("broker-down 2")
        for i in 1...100 { try producer.produce(topic: topic, key: "k\(i)", value: "v\(i)") }
        producer.poll(timeout: 0.5)
        try control.send("broker-up 2")
        #expect(throws: KafkaError.self) { try control.send("create-topic x notanumber") }
        try producer.flush(timeout: 60)
        #expect(producer.stats.delivered == 100)
        #expect(producer.stats.failed == 0)
        let bad = try Support.run("bash", [script, "kafka-ctl", "broker-down", "99"])
        #expect(bad.status != 0)
        #expect(bad.stdout.hasPrefix("error: broker id must be one of 1,2,3"))
    }
}
