import Foundation
import Kafka
import Logging
import MarketData

/// `mdt book --source kafka`: reads the Level 2 topic (`iqfeed.l2.raw`, JSON values keyed by symbol)
/// from a start point, keeps the messages whose key is the symbol, decodes them and applies them.
///
/// Every partition of the topic is assigned (no consumer group, nothing committed): the symbol's key
/// puts it in one partition, but which one depends on the producer's partitioner. `catchUp` reads
/// up to the high watermarks seen at `open` ("the end of the available data"); `pump` keeps following.
public final class KafkaBookSource: FollowingBookSource, @unchecked Sendable {
    /// Where reading starts, in every partition.
    public enum Start: Sendable, Equatable {
        case beginning
        case end
        /// An absolute offset (per partition; clamped to what the partition holds).
        case offset(Int64)
        /// The first message at or after this time (UTC ns; Kafka message timestamps).
        case time(Nanos)
    }

    /// What `catchUp` read.
    public struct Progress: Sendable, Equatable {
        /// Messages read from the topic.
        public var messages: UInt64 = 0
        /// Messages whose key was the symbol (applied, or skipped as undecodable).
        public var matched: UInt64 = 0
        /// Messages with the symbol's key that could not be decoded.
        public var undecodable: UInt64 = 0
        /// Messages available from the start points up to the watermarks at `open`.
        public var available: Int64 = 0
    }

    public let brokers: String
    public let topic: String
    public let start: Start
    public let tracker: BookTracker
    let properties: [String: String]
    let logger: Logger
    var consumer: KafkaConsumer?
    var decoder = JSONEventDecoder()
    let key: [UInt8]
    /// Per partition: next offset to read, and the high watermark seen at `open`.
    var next: [Int32: Int64] = [:]
    var high: [Int32: Int64] = [:]
    public private(set) var progress = Progress()
    /// With `.time`: messages older than this (ms) are skipped.
    var sinceMs: Int64?

    public init(brokers: String, properties: [String: String] = [:], topic: String, start: Start,
                tracker: BookTracker, logger: Logger) {
        self.brokers = brokers
        self.properties = properties
        self.topic = topic
        self.start = start
        self.tracker = tracker
        self.logger = logger
        self.key = Array(tracker.symbol.text.utf8)
    }

    /// Connects, finds the partitions and their watermarks, and assigns them from the start point.
    public func open(timeout: Double = 5) throws(BookSourceError) {
        let c: KafkaConsumer
        do {
            c = try KafkaConsumer(config: .consumer(brokers: brokers, group: "mdt-book-\(UInt32.random(in: 0...UInt32.max))",
                                                    properties: properties), logger: logger)
        } catch {
            throw .failed("kafka: cannot create a consumer for \(brokers): \(error)")
        }
        consumer = c
        let partitions: [Int32]
        do {
            let md = try c.metadata(topic: topic, timeout: timeout)
            guard let t = md.topic(topic), t.error == nil, !t.partitions.isEmpty else {
                throw BookSourceError.noData("kafka: topic '\(topic)' does not exist at \(brokers)")
            }
            partitions = t.partitions.map(\.id)
            var starts: [Int32: Int64] = [:]
            var timeItems: [KafkaTopicPartitionOffset] = []
            for p in partitions {
                let w = try c.watermarks(topic: topic, partition: p, timeout: timeout)
                high[p] = w.high
                switch start {
                case .beginning: starts[p] = w.low
                case .end: starts[p] = w.high
                case .offset(let o): starts[p] = min(max(o, w.low), w.high)
                case .time(let t):
                    starts[p] = w.high
                    timeItems.append(KafkaTopicPartitionOffset(topic: topic, partition: p, offset: t / 1_000_000))
                }
            }
            if !timeItems.isEmpty, case .time(let t) = start {
                // -1 means "no message at or after t", or a broker that cannot look times up (librdkafka's
                // mock cluster): read such a partition from its start and skip older messages here.
                var found: Set<Int32> = []
                for r in try c.offsetsForTimes(timeItems, timeout: timeout) where r.offset >= 0 {
                    starts[r.partition] = min(r.offset, high[r.partition] ?? r.offset)
                    found.insert(r.partition)
                }
                for p in partitions where !found.contains(p) {
                    starts[p] = try c.watermarks(topic: topic, partition: p, timeout: timeout).low
                }
                sinceMs = t / 1_000_000
            }
            next = starts
            progress.available = partitions.reduce(0) { $0 + max(0, (high[$1] ?? 0) - (starts[$1] ?? 0)) }
            try c.assign(partitions.map { (topic: topic, partition: $0, start: KafkaStartOffset.offset(starts[$0] ?? 0)) }, timeout: timeout)
        } catch let e as BookSourceError {
            throw e
        } catch let e as KafkaError {
            throw Self.map(e)
        } catch {
            throw .failed("kafka \(brokers): \(error)")
        }
    }

    static func map(_ e: KafkaError) -> BookSourceError {
        switch e {
        case .brokersUnreachable: .unavailable(e.description)
        case .unknownTopic: .noData(e.description)
        default: .failed(e.description)
        }
    }

    /// True when every partition was read up to its high watermark seen at `open`.
    public var caughtUp: Bool {
        for (p, h) in high where (next[p] ?? 0) < h { return false }
        return true
    }

    /// Reads until `caughtUp`, or until no message came for `idleTimeout` seconds (then logs a warning).
    @discardableResult
    public func catchUp(idleTimeout: Double = 10) throws(BookSourceError) -> Progress {
        var idleSince = Date()
        while !caughtUp {
            let got = try pollOne(timeout: 0.2)
            if got { idleSince = Date() } else if Date().timeIntervalSince(idleSince) > idleTimeout {
                logger.warning("kafka: no message for \(idleTimeout)s before reaching the end of '\(topic)'; using what was read")
                break
            }
        }
        return progress
    }

    public func pump(timeout: Double) throws(BookSourceError) {
        let deadline = Date().addingTimeInterval(timeout)
        var wait = timeout
        var n = 0
        while n < 10_000 {
            guard try pollOne(timeout: wait) else { return }
            n += 1
            wait = max(0, deadline.timeIntervalSinceNow)
            if wait == 0 { wait = 0.000_001 }
            if Date() >= deadline { return }
        }
    }

    /// Polls one message; returns false when none came within `timeout`.
    func pollOne(timeout: Double) throws(BookSourceError) -> Bool {
        guard let c = consumer else { return false }
        let got: Bool?
        do {
            if let m = try c.poll(timeout: timeout) { handle(m); got = true } else { got = nil }
        } catch let e as KafkaError {
            throw Self.map(e)
        } catch {
            throw .failed("kafka \(brokers): \(error)")
        }
        return got ?? false
    }

    func handle(_ m: KafkaMessage) {
        progress.messages &+= 1
        if m.offset + 1 > (next[m.partition] ?? 0) { next[m.partition] = m.offset + 1 }
        if let sinceMs, let ts = m.timestampMs, ts < sinceMs { return }
        guard m.key == key else { return }
        progress.matched &+= 1
        do {
            if case .book(let u) = try decoder.decode(m.value) { tracker.apply(u) }
        } catch {
            progress.undecodable &+= 1
            if progress.undecodable <= 3 {
                logger.warning("kafka \(topic)[\(m.partition)]@\(m.offset): \(error); message skipped")
            }
        }
    }

    public func close() {
        consumer?.close()
        consumer = nil
    }
}
