/// One message header: a name and raw bytes.
public struct KafkaHeader: Sendable, Equatable {
    public var key: String
    public var value: [UInt8]
    public init(key: String, value: [UInt8]) { self.key = key; self.value = value }
    public init(_ key: String, _ value: String) { self.key = key; self.value = Array(value.utf8) }
}

/// A message to produce (owning its bytes); used by the batch API.
public struct KafkaOutgoingMessage: Sendable, Equatable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Partition, or nil for the partitioner (by key).
    public var partition: Int32?
    /// The caller's sequence number (> 0 to be tracked; 0 = untracked). Must increase across calls.
    public var sequence: UInt64

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil, sequence: UInt64 = 0) {
        self.topic = topic; self.key = key; self.value = value; self.headers = headers
        self.partition = partition; self.sequence = sequence
    }
}

/// A consumed message (a copy of librdkafka's; safe to keep).
public struct KafkaMessage: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Message timestamp in milliseconds since the epoch, if any.
    public var timestampMs: Int64?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], timestampMs: Int64? = nil) {
        self.topic = topic; self.partition = partition; self.offset = offset; self.key = key
        self.value = value; self.headers = headers; self.timestampMs = timestampMs
    }

    /// The key as UTF-8 text (lossy).
    public var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
    /// The value as UTF-8 text (lossy).
    public var valueString: String { String(decoding: value, as: UTF8.self) }
}

/// A message that librdkafka gave up on, handed back so the caller can spool it.
public struct KafkaFailedMessage: Sendable, Equatable {
    public var message: KafkaOutgoingMessage
    public var error: String
}

/// Exact delivery counters of a producer.
public struct KafkaDeliveryStats: Sendable, Equatable {
    /// Messages accepted by `produce` (queued in librdkafka).
    public var produced: UInt64 = 0
    /// Messages the brokers acknowledged.
    public var delivered: UInt64 = 0
    /// Messages librdkafka gave up on (handed back through `takeFailed()`).
    public var failed: UInt64 = 0
    /// The last delivery error, if any.
    public var lastError: String?
    /// Messages queued but not yet reported (produced - delivered - failed).
    public var inFlight: UInt64 { produced - delivered - failed }
    public init() {}
}

/// A topic, partition and offset (for commits, assignments and lag).
public struct KafkaTopicPartitionOffset: Sendable, Equatable, Hashable {
    public var topic: String
    public var partition: Int32
    /// The offset; for commits it is the NEXT offset to consume (last processed + 1).
    public var offset: Int64
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic; self.partition = partition; self.offset = offset
    }
}

/// Where a manual assignment starts reading.
public enum KafkaStartOffset: Sendable, Equatable {
    case beginning
    case end
    case offset(Int64)
    /// The first message at or after this time (milliseconds since the epoch).
    case timestampMs(Int64)
}
