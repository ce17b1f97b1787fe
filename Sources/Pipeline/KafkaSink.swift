import Foundation
import Kafka
import MarketData

/// The Kafka topics events go to (names from the deployment mdt replaces).
public struct KafkaTopics: Sendable, Equatable {
    public var trades: String
    public var quotes: String
    public var book: String
    public var bars: String

    public init(prefix: String = "") {
        trades = prefix + "iqfeed.trades.raw"
        quotes = prefix + "iqfeed.quotes.raw"
        book = prefix + "iqfeed.l2.raw"
        bars = prefix + "iqfeed.bars.raw"
    }

    /// The standard set `mdt topics create` makes (plus the downstream topics).
    public static func standard(prefix: String = "") -> [String] {
        let t = KafkaTopics(prefix: prefix)
        return [t.book, t.trades, t.quotes, prefix + "trading.signals", prefix + "market.features"]
    }

    public func topic(for event: MarketEvent) -> String {
        switch event {
        case .trade: trades
        case .quote: quotes
        case .book: book
        case .bar: bars
        }
    }
}

/// What a Kafka message's value holds.
public enum KafkaEncoding: String, Sendable, CaseIterable {
    /// The event as JSON (`JSONEventEncoder`): what the loader role and ClickHouse's Kafka engine read.
    case json
    /// The IQFeed line the event was parsed from, byte for byte (a `Q` line with a trade and a quote goes
    /// to both the trades and the quotes topic). Events mdt makes itself (the `clear` before each Level 2
    /// snapshot) are not sent: they have no line.
    case raw
}

/// Produces one message per event (JSON, or the raw IQFeed line), keyed by symbol (so per-symbol order holds within a partition),
/// with headers `source`, `receive_ns` and `seq`. A delivery returns once librdkafka has resolved
/// every message (flush); if any failed, the whole delivery is retried (at-least-once: the consumer
/// side de-duplicates on `(symbol, ts, seq)`).
public final class KafkaSink: EventSink {
    public let name: String
    public let maxEventsPerDelivery: Int
    public let lingerSeconds: Double = 0
    let producer: KafkaProducer
    let topics: KafkaTopics
    let source: String
    let sourceBytes: [UInt8]
    public let encoding: KafkaEncoding
    let flushTimeout: Double
    var value: [UInt8] = []
    /// Keeps the text of the last timestamp's minute and second (consecutive events share them).
    var encoder = JSONEventEncoder()

    public init(producer: KafkaProducer, topics: KafkaTopics = KafkaTopics(), source: String = "mdt", encoding: KafkaEncoding = .json,
                flushTimeout: Double = 60, maxEvents: Int = 50_000, name: String = "kafka") {
        self.producer = producer
        self.topics = topics
        self.source = source
        self.encoding = encoding
        self.sourceBytes = Array(source.utf8)
        self.flushTimeout = flushTimeout
        self.maxEventsPerDelivery = maxEvents
        self.name = name
        value.reserveCapacity(1024)
    }

    public func deliver(_ batches: [[MarketEvent]]) throws {
        try deliver(journal: batches.map { JournalBatch(events: $0) })
    }

    public func deliver(journal batches: [JournalBatch]) throws {
        _ = producer.takeFailed()
        let failedBefore = producer.stats.failed
        let handles = try topicHandles()
        for batch in batches {
            if encoding == .raw, let lines = batch.lines {
                for (i, e) in batch.events.enumerated() {
                    // Events mdt made itself (the clear before each Level 2 snapshot) have no line to send.
                    try lines.withLine(i) { line in
                        if !line.isEmpty { try produce(e, line, handles) }
                    }
                }
            } else {
                // Locals, not the stored properties: each access to a class's stored var is checked for
                // exclusivity at run time, twice per event here.
                var value = self.value, encoder = self.encoder
                self.value = []
                defer { self.value = value; self.encoder = encoder }
                for e in batch.events {
                    value.removeAll(keepingCapacity: true)
                    encoder.append(e, to: &value)
                    try value.withUnsafeBytes { try produce(e, $0, handles) }
                }
            }
            producer.poll(timeout: 0)
        }
        try producer.flush(timeout: flushTimeout)
        let failed = producer.takeFailed()
        if !failed.isEmpty || producer.stats.failed != failedBefore {
            throw KafkaSinkError.deliveryFailed(count: max(failed.count, 1), reason: failed.first?.error ?? "delivery failed")
        }
    }

    /// One message: key = symbol, headers source / receive_ns / seq, timestamp (CreateTime) = the receive time
    /// in milliseconds, so a message sent late from the spool still carries when mdt received it.
    func produce(_ e: MarketEvent, _ value: UnsafeRawBufferPointer, _ handles: Handles) throws {
        let (recv, seq) = Self.receiveAndSeq(e)
        let topic: KafkaTopicHandle
        switch e {
        case .trade: topic = handles.trades
        case .quote: topic = handles.quotes
        case .book: topic = handles.book
        case .bar: topic = handles.bars
        }
        var symbol = e.symbol.text
        try symbol.withUTF8 { k in
            try producer.produce(topic, key: UnsafeRawBufferPointer(k), value: value, timestampMs: recv / 1_000_000,
                                 headerCount: 3) { h in
                sourceBytes.withUnsafeBytes { h.add("source", $0) }
                h.add("receive_ns", decimal: recv)
                h.add("seq", decimal: seq)
            }
        }
    }

    struct Handles { let trades, quotes, book, bars: KafkaTopicHandle }
    var handles: Handles?

    func topicHandles() throws -> Handles {
        if let handles { return handles }
        let h = Handles(trades: try producer.topic(topics.trades), quotes: try producer.topic(topics.quotes),
                        book: try producer.topic(topics.book), bars: try producer.topic(topics.bars))
        handles = h
        return h
    }

    public func close() { try? producer.close(timeout: 5) }

    static func receiveAndSeq(_ e: MarketEvent) -> (Int64, UInt64) {
        switch e {
        case .trade(let t): (t.receiveTime, t.seq)
        case .quote(let q): (q.receiveTime, q.seq)
        case .book(let b): (b.receiveTime, b.seq)
        case .bar: (0, 0)
        }
    }
}

public enum KafkaSinkError: Error, CustomStringConvertible {
    case deliveryFailed(count: Int, reason: String)
    public var description: String {
        switch self {
        case .deliveryFailed(let n, let reason): "kafka did not accept \(n) messages: \(reason)"
        }
    }
}
