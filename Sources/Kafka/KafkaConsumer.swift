internal import CRdKafka
import Foundation
import Logging

/// A consumed message borrowed from librdkafka: its buffers are valid only inside the closure
/// that receives it (zero-copy path for the loader).
public struct KafkaMessageView {
    public let topic: String
    public let partition: Int32
    public let offset: Int64
    public let key: UnsafeRawBufferPointer?
    public let value: UnsafeRawBufferPointer
}

/// A consumer: group subscription or manual assignment, polling, and explicit synchronous commits
/// (auto-commit is off by default: commit after the data is safely stored).
/// Poll from one thread at a time.
public final class KafkaConsumer: @unchecked Sendable {
    let client: RDKafkaClient
    public let config: KafkaConfig
    private let lock = NSLock()
    private var closed = false

    public init(config: KafkaConfig, logger: Logger = Logger(label: "mdt.kafka.consumer")) throws {
        var props = config.properties
        if props["group.id"] == nil { props["group.id"] = "mdt-\(UInt32.random(in: 0...UInt32.max))" }
        self.config = KafkaConfig(props)
        self.client = try RDKafkaClient(kind: RD_KAFKA_CONSUMER, config: self.config, logger: logger)
        rd_kafka_poll_set_consumer(client.handle)
    }

    /// Convenience: `KafkaConfig.consumer(brokers:group:properties:)`.
    public convenience init(brokers: String, group: String, properties: [String: String] = [:],
                            logger: Logger = Logger(label: "mdt.kafka.consumer")) throws {
        try self.init(config: .consumer(brokers: brokers, group: group, properties: properties), logger: logger)
    }

    public var brokers: String { client.brokers }

    /// Joins the group for `topics` (partitions are assigned by the group coordinator).
    public func subscribe(topics: [String]) throws {
        let list = makePartitionList(topics.map { KafkaTopicPartitionOffset(topic: $0, partition: RD_KAFKA_PARTITION_UA, offset: Int64(RD_KAFKA_OFFSET_INVALID)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_subscribe(client.handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("subscribe \(topics.joined(separator: ","))", err, timeoutSeconds: 0) }
    }

    /// Reads exactly these partitions from the given start points (no group rebalancing).
    public func assign(_ partitions: [(topic: String, partition: Int32, start: KafkaStartOffset)], timeout: Double = 5) throws {
        var items: [KafkaTopicPartitionOffset] = []
        var byTime: [KafkaTopicPartitionOffset] = []
        for p in partitions {
            switch p.start {
            case .beginning: items.append(.init(topic: p.topic, partition: p.partition, offset: Int64(RD_KAFKA_OFFSET_BEGINNING)))
            case .end: items.append(.init(topic: p.topic, partition: p.partition, offset: Int64(RD_KAFKA_OFFSET_END)))
            case .offset(let o): items.append(.init(topic: p.topic, partition: p.partition, offset: o))
            case .timestampMs(let t): byTime.append(.init(topic: p.topic, partition: p.partition, offset: t))
            }
        }
        if !byTime.isEmpty {
            items += try offsetsForTimes(byTime, timeout: timeout).map {
                // -1: no message at or after that time: start at the end.
                KafkaTopicPartitionOffset(topic: $0.topic, partition: $0.partition, offset: $0.offset < 0 ? Int64(RD_KAFKA_OFFSET_END) : $0.offset)
            }
        }
        let list = makePartitionList(items)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_assign(client.handle, list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("assign", err, timeoutSeconds: timeout) }
    }

    /// The first offset at or after each timestamp (milliseconds) given as `offset`; -1 where none.
    public func offsetsForTimes(_ items: [KafkaTopicPartitionOffset], timeout: Double = 5) throws -> [KafkaTopicPartitionOffset] {
        let list = makePartitionList(items)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_offsets_for_times(client.handle, list, milliseconds(timeout))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("offsets for times", err, timeoutSeconds: timeout) }
        let (out, perr) = readPartitionList(list)
        guard perr == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("offsets for times", perr, timeoutSeconds: timeout) }
        return out
    }

    /// The current assignment.
    public func assignment() throws -> [KafkaTopicPartitionOffset] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(client.handle, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { throw client.error("assignment", err, timeoutSeconds: 0) }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        return readPartitionList(list).0
    }

    /// Waits up to `timeout` seconds for one message and hands a borrowed view to `body`.
    /// Returns false when no message arrived. Transient errors are logged, not thrown;
    /// an unknown topic is thrown.
    @discardableResult
    public func poll<R>(timeout: Double, _ body: (KafkaMessageView) throws -> R) throws -> R? {
        guard let m = rd_kafka_consumer_poll(client.handle, milliseconds(timeout)) else { return nil }
        defer { rd_kafka_message_destroy(m) }
        let msg = m.pointee
        if msg.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            try handleError(m)
            return nil
        }
        let topic = msg.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let key = msg.key.map { UnsafeRawBufferPointer(start: $0, count: msg.key_len) }
        let value = UnsafeRawBufferPointer(start: msg.payload, count: msg.payload == nil ? 0 : msg.len)
        return try body(KafkaMessageView(topic: topic, partition: msg.partition, offset: msg.offset, key: key, value: value))
    }

    private func handleError(_ m: UnsafeMutablePointer<rd_kafka_message_t>) throws {
        let err = m.pointee.err
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        let text = rd_kafka_message_errstr(m).map { String(cString: $0) } ?? errorString(err)
        if err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART
            || err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED {
            let topic = m.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? text
            throw KafkaError.unknownTopic(topic: topic, brokers: brokers)
        }
        client.context.recordError(err, text)
        client.context.logger.warning("consumer: \(text)", metadata: ["kafka.brokers": .string(brokers)])
    }

    /// Waits up to `timeout` seconds for one message and returns a copy.
    public func poll(timeout: Double) throws -> KafkaMessage? {
        guard let m = rd_kafka_consumer_poll(client.handle, milliseconds(timeout)) else { return nil }
        defer { rd_kafka_message_destroy(m) }
        if m.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
            try handleError(m)
            return nil
        }
        return copyMessage(m)
    }

    /// Up to `max` messages: waits up to `timeout` for the first, then takes what is ready.
    public func pollBatch(max: Int, timeout: Double) throws -> [KafkaMessage] {
        var out: [KafkaMessage] = []
        out.reserveCapacity(Swift.min(max, 1024))
        var wait = timeout
        while out.count < max {
            guard let m = try poll(timeout: wait) else {
                if out.isEmpty, wait > 0 { break }
                break
            }
            out.append(m)
            wait = 0
        }
        return out
    }

    private func copyMessage(_ m: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaMessage {
        let msg = m.pointee
        let topic = msg.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        let key: [UInt8]? = msg.key.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.key_len)) }
        let value: [UInt8] = msg.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: msg.len)) } ?? []
        var headers: [KafkaHeader] = []
        var hdrs: OpaquePointer?
        if rd_kafka_message_headers(m, &hdrs) == RD_KAFKA_RESP_ERR_NO_ERROR, let hdrs {
            var i = 0
            var name: UnsafePointer<CChar>?
            var val: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(hdrs, i, &name, &val, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "",
                                           value: val.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []))
                i += 1
            }
        }
        var tstype = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ts = rd_kafka_message_timestamp(m, &tstype)
        return KafkaMessage(topic: topic, partition: msg.partition, offset: msg.offset, key: key, value: value,
                            headers: headers, timestampMs: ts >= 0 ? ts : nil)
    }

    /// Commits these offsets synchronously (each the NEXT offset to consume).
    public func commit(_ offsets: [KafkaTopicPartitionOffset]) throws {
        guard !offsets.isEmpty else { return }
        let list = makePartitionList(offsets)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_commit(client.handle, list, 0)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("commit", err, timeoutSeconds: 0) }
        let (_, perr) = readPartitionList(list)
        guard perr == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("commit", perr, timeoutSeconds: 0) }
    }

    /// Commits "everything up to and including `message`" on its partition.
    public func commit(after message: KafkaMessage) throws {
        try commit([KafkaTopicPartitionOffset(topic: message.topic, partition: message.partition, offset: message.offset + 1)])
    }

    /// This group's committed offsets (next to consume; -1001 = none) for `topic`'s `partitions`.
    public func committed(topic: String, partitions: [Int32], timeout: Double = 5) throws -> [KafkaTopicPartitionOffset] {
        let list = makePartitionList(partitions.map { KafkaTopicPartitionOffset(topic: topic, partition: $0, offset: Int64(RD_KAFKA_OFFSET_INVALID)) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let err = rd_kafka_committed(client.handle, list, milliseconds(timeout))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw client.error("committed offsets", err, timeoutSeconds: timeout) }
        return readPartitionList(list).0
    }

    /// Metadata through this consumer's connections.
    public func metadata(topic: String? = nil, timeout: Double = 5) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: timeout)
    }

    /// Low and high watermark of one partition.
    public func watermarks(topic: String, partition: Int32, timeout: Double = 5) throws -> KafkaWatermarks {
        try client.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// Leaves the group (blocking, bounded by librdkafka's session handling). Idempotent.
    public func close() {
        lock.lock()
        let wasClosed = closed
        closed = true
        lock.unlock()
        if !wasClosed { _ = rd_kafka_consumer_close(client.handle) }
    }

    deinit { close() }
}
