import Foundation
import Kafka
import Logging
import MarketData

/// `mdt collect --role loader`: consumes the Kafka topics as a consumer group and writes ClickHouse,
/// committing offsets only after the insert succeeded. Loaders scale out by running several with the
/// same group (Kafka spreads the partitions); a crash redelivers from the last commit, and the
/// ReplacingMergeTree key `(symbol, ts, seq)` removes the duplicates that at-least-once allows.
public final class Loader: @unchecked Sendable {
    public struct Status: Sendable, Codable, Equatable {
        public var consumed: UInt64
        public var inserted: UInt64
        public var undecodable: UInt64
        public var failedInserts: UInt64
        public var commits: UInt64
    }

    let consumer: KafkaConsumer
    let sink: any EventSink
    let logger: Logger
    let lock = NSLock()
    var stopping = false
    var _status = Status(consumed: 0, inserted: 0, undecodable: 0, failedInserts: 0, commits: 0)

    public init(consumer: KafkaConsumer, topics: [String], sink: any EventSink, logger: Logger) throws {
        self.consumer = consumer
        self.sink = sink
        self.logger = logger
        try consumer.subscribe(topics: topics)
    }

    public var status: Status { lock.lock(); defer { lock.unlock() }; return _status }

    public func stop() { lock.lock(); stopping = true; lock.unlock() }
    var isStopping: Bool { lock.lock(); defer { lock.unlock() }; return stopping }

    /// Runs until `stop()`; returns after committing what was inserted.
    public func run(batchSize: Int = 50_000, pollTimeout: Double = 0.5) {
        var decoder = JSONEventDecoder()
        var events: [MarketEvent] = []
        events.reserveCapacity(batchSize)
        while !isStopping {
            let messages: [KafkaMessage]
            do { messages = try consumer.pollBatch(max: batchSize, timeout: pollTimeout) } catch {
                logger.error("kafka poll failed: \(error)")
                Thread.sleep(forTimeInterval: 1)
                continue
            }
            if messages.isEmpty { continue }
            events.removeAll(keepingCapacity: true)
            var bad: UInt64 = 0
            for m in messages {
                do { events.append(try decoder.decode(m.value)) } catch {
                    bad += 1
                    logger.warning("skipping undecodable message \(m.topic)[\(m.partition)]@\(m.offset): \(error)")
                }
            }
            // Insert, retrying with backoff until it succeeds (or we are told to stop: then nothing is
            // committed and the messages come again on the next start).
            var backoff = 0.2
            var inserted = false
            while !inserted {
                do {
                    if !events.isEmpty { try sink.deliver([events]) }
                    inserted = true
                } catch {
                    lock.lock(); _status.failedInserts += 1; lock.unlock()
                    logger.error("insert failed, retrying in \(backoff)s: \(error)")
                    if isStopping { return }
                    Thread.sleep(forTimeInterval: backoff)
                    backoff = min(backoff * 2, 10)
                }
            }
            var next: [String: KafkaTopicPartitionOffset] = [:]
            for m in messages {
                let key = "\(m.topic)/\(m.partition)"
                if (next[key]?.offset ?? -1) < m.offset + 1 {
                    next[key] = KafkaTopicPartitionOffset(topic: m.topic, partition: m.partition, offset: m.offset + 1)
                }
            }
            do {
                try consumer.commit(Array(next.values))
                lock.lock(); _status.commits += 1; lock.unlock()
            } catch {
                logger.error("offset commit failed (the batch may be loaded again; duplicates collapse in ClickHouse): \(error)")
            }
            lock.lock()
            _status.consumed += UInt64(messages.count)
            _status.inserted += UInt64(events.count)
            _status.undecodable += bad
            lock.unlock()
        }
    }

    public func close() { consumer.close() }
}
