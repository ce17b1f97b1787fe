internal import CRdKafka
import Foundation
import Logging

/// Delivery bookkeeping, updated from delivery reports on the polling thread.
final class ProducerState: @unchecked Sendable {
    let lock = NSLock()
    var stats = KafkaDeliveryStats()
    var watermark = SequenceWatermark()
    var failed: [KafkaFailedMessage] = []

    func handle(_ m: UnsafePointer<rd_kafka_message_t>) {
        let msg = m.pointee
        let seq = UInt64(UInt(bitPattern: msg._private))
        if msg.err == RD_KAFKA_RESP_ERR_NO_ERROR {
            lock.lock()
            stats.delivered += 1
            if seq != 0 { watermark.resolve(seq) }
            lock.unlock()
            return
        }
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
                let bytes = val.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
                headers.append(KafkaHeader(key: name.map { String(cString: $0) } ?? "", value: bytes))
                i += 1
            }
        }
        let reason = errorString(msg.err)
        let out = KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers,
                                       partition: msg.partition >= 0 ? msg.partition : nil, sequence: seq)
        lock.lock()
        stats.failed += 1
        stats.lastError = reason
        failed.append(KafkaFailedMessage(message: out, error: reason))
        if seq != 0 { watermark.resolve(seq) }
        lock.unlock()
    }
}

/// An idempotent, batching producer. Bytes are copied into librdkafka, so callers may reuse buffers.
///
/// Delivery reports are served by `poll`/`flush` on the calling thread and counted exactly
/// (`stats`); messages librdkafka gives up on come back through `takeFailed()`. Give each message
/// an increasing `sequence` (> 0) to learn through `resolvedThrough` that everything up to it was
/// delivered or handed back. The handle is thread-safe; counters are guarded by a lock.
public final class KafkaProducer: @unchecked Sendable {
    let client: RDKafkaClient
    let state: ProducerState
    public let config: KafkaConfig
    private let closedLock = NSLock()
    private var closed = false

    /// Creates the producer (no connection is made until the first request).
    public init(config: KafkaConfig, logger: Logger = Logger(label: "mdt.kafka.producer")) throws {
        let state = ProducerState()
        self.state = state
        self.config = config
        self.client = try RDKafkaClient(kind: RD_KAFKA_PRODUCER, config: config, logger: logger) { state.handle($0) }
    }

    /// Convenience: `KafkaConfig.producer(brokers:properties:)`.
    public convenience init(brokers: String, properties: [String: String] = [:], logger: Logger = Logger(label: "mdt.kafka.producer")) throws {
        try self.init(config: .producer(brokers: brokers, properties: properties), logger: logger)
    }

    public var brokers: String { client.brokers }

    /// Queues one message (copied). On a full queue it polls and retries: backpressure, never a drop.
    public func produce(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer,
                        headers: [KafkaHeader] = [], partition: Int32? = nil, sequence: UInt64 = 0) throws {
        if sequence != 0 {
            state.lock.lock()
            let ok = state.watermark.add(sequence)
            state.lock.unlock()
            guard ok else { throw KafkaError.produceFailed(topic: topic, reason: "sequence \(sequence) does not increase") }
        }
        do {
            try enqueue(topic: topic, key: key, value: value, headers: headers, partition: partition, sequence: sequence)
        } catch {
            if sequence != 0 { state.lock.lock(); state.watermark.resolve(sequence); state.lock.unlock() }
            throw error
        }
        state.lock.lock(); state.stats.produced += 1; state.lock.unlock()
    }

    /// Queues one message from arrays (copied).
    public func produce(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [],
                        partition: Int32? = nil, sequence: UInt64 = 0) throws {
        try value.withUnsafeBytes { v in
            if let key {
                try key.withUnsafeBytes { k in
                    try produce(topic: topic, key: k, value: v, headers: headers, partition: partition, sequence: sequence)
                }
            } else {
                try produce(topic: topic, key: nil, value: v, headers: headers, partition: partition, sequence: sequence)
            }
        }
    }

    /// Queues one message from text.
    public func produce(topic: String, key: String?, value: String, headers: [KafkaHeader] = [],
                        partition: Int32? = nil, sequence: UInt64 = 0) throws {
        try produce(topic: topic, key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers,
                    partition: partition, sequence: sequence)
    }

    /// The hot path: queues every message, then serves delivery reports once (non-blocking).
    /// Returns the number of delivery reports served.
    @discardableResult
    public func produceBatch<S: Sequence>(_ messages: S) throws -> Int where S.Element == KafkaOutgoingMessage {
        for m in messages {
            try produce(topic: m.topic, key: m.key, value: m.value, headers: m.headers, partition: m.partition, sequence: m.sequence)
        }
        return poll(timeout: 0)
    }

    private func enqueue(topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer,
                         headers: [KafkaHeader], partition: Int32?, sequence: UInt64) throws {
        var hdrs: OpaquePointer? = nil
        if !headers.isEmpty {
            hdrs = rd_kafka_headers_new(headers.count)
            for h in headers {
                var name = h.key
                name.withUTF8 { n in
                    h.value.withUnsafeBytes { v in
                        _ = rd_kafka_header_add(hdrs, n.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                                n.count, v.baseAddress, v.count)
                    }
                }
            }
        }
        var polledForSpace = 0
        while true {
            let err: rd_kafka_resp_err_t = topic.withCString { ctopic in
                withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 7) { vus in
                    var n = 0
                    func add(_ fill: (inout rd_kafka_vu_t) -> Void) {
                        var vu = rd_kafka_vu_t()
                        fill(&vu)
                        vus.initializeElement(at: n, to: vu)
                        n += 1
                    }
                    add { $0.vtype = RD_KAFKA_VTYPE_TOPIC; $0.u.cstr = ctopic }
                    add {
                        $0.vtype = RD_KAFKA_VTYPE_VALUE
                        $0.u.mem.ptr = value.count > 0 ? UnsafeMutableRawPointer(mutating: value.baseAddress) : nil
                        $0.u.mem.size = value.count
                    }
                    if let key {
                        add {
                            $0.vtype = RD_KAFKA_VTYPE_KEY
                            $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key.baseAddress)
                            $0.u.mem.size = key.count
                        }
                    }
                    if let partition { add { $0.vtype = RD_KAFKA_VTYPE_PARTITION; $0.u.i32 = partition } }
                    add { $0.vtype = RD_KAFKA_VTYPE_MSGFLAGS; $0.u.i = RD_KAFKA_MSG_F_COPY }
                    if sequence != 0 {
                        add { $0.vtype = RD_KAFKA_VTYPE_OPAQUE; $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(sequence)) }
                    }
                    if let hdrs { add { $0.vtype = RD_KAFKA_VTYPE_HEADERS; $0.u.headers = hdrs } }
                    let error = rd_kafka_produceva(client.handle, vus.baseAddress, n)
                    vus.baseAddress?.deinitialize(count: n)
                    guard let error else { return RD_KAFKA_RESP_ERR_NO_ERROR }
                    let code = rd_kafka_error_code(error)
                    rd_kafka_error_destroy(error)
                    return code
                }
            }
            if err == RD_KAFKA_RESP_ERR_NO_ERROR { return }  // headers now belong to the message
            if err == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                // Backpressure: serve delivery reports to make room, then retry.
                client.poll(timeoutMs: 100)
                polledForSpace += 1
                if polledForSpace % 100 == 0 {
                    client.context.logger.warning("producer queue full; waiting for deliveries", metadata: ["topic": .string(topic)])
                }
                continue
            }
            if let hdrs { rd_kafka_headers_destroy(hdrs) }
            throw KafkaError.produceFailed(topic: topic, reason: errorString(err))
        }
    }

    /// Serves delivery reports (and logs, errors) for up to `timeout` seconds; returns how many events were served.
    @discardableResult
    public func poll(timeout: Double = 0) -> Int {
        Int(client.poll(timeoutMs: milliseconds(timeout)))
    }

    /// Waits until every queued message is delivered or failed, up to `timeout` seconds.
    public func flush(timeout: Double) throws {
        let err = rd_kafka_flush(client.handle, milliseconds(timeout))
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let pending = Int(rd_kafka_outq_len(client.handle))
            if pending > 0 { throw KafkaError.flushTimedOut(pending: pending, seconds: timeout) }
        }
    }

    /// Flushes (bounded by `timeout`) and stops accepting work. The handle is freed on deinit.
    public func close(timeout: Double = 10) throws {
        closedLock.lock()
        let wasClosed = closed
        closed = true
        closedLock.unlock()
        if !wasClosed { try flush(timeout: timeout) }
    }

    /// Exact delivery counters so far.
    public var stats: KafkaDeliveryStats {
        state.lock.lock(); defer { state.lock.unlock() }
        return state.stats
    }

    /// Every sequence number <= this has been delivered or handed back through `takeFailed()`.
    public var resolvedThrough: UInt64 {
        state.lock.lock(); defer { state.lock.unlock() }
        return state.watermark.resolvedThrough
    }

    /// Messages librdkafka gave up on since the last call (for spooling and retrying).
    public func takeFailed() -> [KafkaFailedMessage] {
        state.lock.lock(); defer { state.lock.unlock() }
        let out = state.failed
        state.failed.removeAll()
        return out
    }

    /// Messages librdkafka still holds (queued or in flight).
    public var outstanding: Int { Int(rd_kafka_outq_len(client.handle)) }

    /// Cluster metadata through this producer's connections.
    public func metadata(topic: String? = nil, timeout: Double = 5) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: timeout)
    }
}
