@testable import Kafka
import Testing

@Suite struct ConfigTests {
    @Test func producerDefaultsAreSetAndOverridable() throws {
        let c = KafkaConfig.producer(brokers: "h:1", properties: ["linger.ms": "50"])
        #expect(c.properties["enable.idempotence"] == "true")
        #expect(c.properties["compression.codec"] == "lz4")
        #expect(c.properties["batch.num.messages"] == "10000")
        #expect(c.properties["linger.ms"] == "50")
        #expect(c.properties["bootstrap.servers"] == "h:1")
        try c.validate()
    }

    @Test func badValueNamesTheProperty() {
        let c = KafkaConfig.producer(brokers: "h:1", properties: ["linger.ms": "soon"])
        #expect {
            try c.validate()
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("kafka property 'linger.ms': ") && !text.contains("\n")
        }
    }

    @Test func unknownPropertyIsReported() {
        #expect(throws: KafkaError.self) { try KafkaProducer(brokers: "h:1", properties: ["no.such.thing": "1"]) }
        do {
            _ = try KafkaProducer(brokers: "h:1", properties: ["no.such.thing": "1"])
        } catch {
            #expect("\(error)".hasPrefix("kafka property 'no.such.thing': "))
        }
    }

    @Test func parsesKeyValueProperties() throws {
        #expect(try KafkaConfig.parseProperties(["a=1", "b.c=x=y"]) == ["a": "1", "b.c": "x=y"])
        #expect(throws: KafkaError.self) { try KafkaConfig.parseProperties(["novalue"]) }
        #expect(throws: KafkaError.self) { try KafkaConfig.parseProperties(["=v"]) }
    }

    @Test func watermarkAdvancesOnlyOverContiguousResolvedSequences() {
        var w = SequenceWatermark()
        for s in UInt64(1)...5 { let added = w.add(s); #expect(added) }
        let again = w.add(5); #expect(!again)
        w.resolve(2)
        #expect(w.resolvedThrough == 0)
        w.resolve(1)
        #expect(w.resolvedThrough == 2)
        w.resolve(5)
        #expect(w.resolvedThrough == 2)
        w.resolve(4); w.resolve(3)
        #expect(w.resolvedThrough == 5)
        #expect(w.pending == 0)
        let added9 = w.add(9); #expect(added9)  // gap 6...8 counts as resolved
        #expect(w.resolvedThrough == 8)
        let added12 = w.add(12); #expect(added12)
        w.resolve(9)
        #expect(w.resolvedThrough == 11)
        w.resolve(12)
        #expect(w.resolvedThrough == 12)
    }

    @Test func watermarkHandlesLongRunsWithoutGrowing() {
        var w = SequenceWatermark()
        for s in UInt64(1)...20_000 {
            _ = w.add(s)
            if s > 10 { w.resolve(s - 10) }
        }
        #expect(w.resolvedThrough == 19_990)
        #expect(w.pending == 10)
    }
}
