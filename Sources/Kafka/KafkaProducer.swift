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
    private let topicsLock = NSLock()
    private var topics: [String: KafkaTopicHandle] = [:]
    /// Messages queued by the hot-path `produce` not yet added to `stats` (one producing thread).
    private var producedSinceCount = 0

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

    /// A cached handle for `name`, for the hot path (no topic lookup by name per message).
    public func topic(_ name: String) throws -> KafkaTopicHandle {
        topicsLock.lock(); defer { topicsLock.unlock() }
        if let t = topics[name] { return t }
        guard let rkt = rd_kafka_topic_new(client.handle, name, nil) else {
            throw KafkaError.produceFailed(topic: name, reason: errorString(rd_kafka_last_error()))
        }
        let t = KafkaTopicHandle(name: name, rkt: rkt, client: client)
        topics[name] = t
        return t
    }

    /// The hot path for one message: a cached topic handle, and headers written straight into
    /// librdkafka's header list by `headers` (no `KafkaHeader` array, no strings). Same backpressure
    /// and counting as `produce(topic:key:value:headers:)`; no sequence tracking. `timestampMs` (milliseconds
    /// since the epoch) becomes the message's CreateTime; 0 lets librdkafka stamp the time of this call.
    public func produce(_ topic: KafkaTopicHandle, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer,
                        timestampMs: Int64 = 0, headerCount: Int, headers: (KafkaHeaderWriter) -> Void) throws {
        var hdrs: OpaquePointer? = nil
        if headerCount > 0 {
            let h = rd_kafka_headers_new(headerCount)
            headers(KafkaHeaderWriter(handle: h))
            hdrs = h
        }
        try enqueue(topic: topic.name, rkt: topic.rkt, key: key, value: value, hdrs: hdrs, partition: nil, sequence: 0,
                    timestampMs: timestampMs)
        producedSinceCount &+= 1
        if producedSinceCount >= 1024 { countProduced() }
    }

    /// Folds the hot path's local count into `stats` (done every 1024 messages and by `flush`).
    func countProduced() {
        guard producedSinceCount > 0 else { return }
        state.lock.lock(); state.stats.produced += UInt64(producedSinceCount); state.lock.unlock()
        producedSinceCount = 0
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
        try enqueue(topic: topic, rkt: nil, key: key, value: value, hdrs: makeHeaders(headers), partition: partition, sequence: sequence)
    }

    private func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
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
        return hdrs
    }

    /// Queues one message; `hdrs` (if any) belongs to librdkafka on success and is destroyed here on failure.
    private func enqueue(topic: String, rkt: OpaquePointer?, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer,
                         hdrs: OpaquePointer?, partition: Int32?, sequence: UInt64, timestampMs: Int64 = 0) throws {
        var polledForSpace = 0
        while true {
            let err: rd_kafka_resp_err_t = topic.withCString { ctopic in
                withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { vus in
                    var n = 0
                    func add(_ fill: (inout rd_kafka_vu_t) -> Void) {
                        var vu = rd_kafka_vu_t()
                        fill(&vu)
                        vus.initializeElement(at: n, to: vu)
                        n += 1
                    }
                    if let rkt {
                        add { $0.vtype = RD_KAFKA_VTYPE_RKT; $0.u.ptr = UnsafeMutableRawPointer(rkt) }
                    } else {
                        add { $0.vtype = RD_KAFKA_VTYPE_TOPIC; $0.u.cstr = ctopic }
                    }
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
                    if timestampMs > 0 { add { $0.vtype = RD_KAFKA_VTYPE_TIMESTAMP; $0.u.i64 = timestampMs } }
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
        countProduced()
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

    /// Exact delivery counters so far (`produced` lags by up to 1023 hot-path messages until `flush`).
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

/// A librdkafka topic handle owned by its producer's cache; keeps the client alive while it exists,
/// so it is always destroyed before the client.
public final class KafkaTopicHandle: @unchecked Sendable {
    public let name: String
    let rkt: OpaquePointer
    let client: RDKafkaClient

    init(name: String, rkt: OpaquePointer, client: RDKafkaClient) {
        self.name = name; self.rkt = rkt; self.client = client
    }

    deinit { rd_kafka_topic_destroy(rkt) }
}

/// Adds headers to one outgoing message (valid only inside the `produce` closure).
public struct KafkaHeaderWriter {
    let handle: OpaquePointer?

    public func add(_ name: StaticString, _ value: UnsafeRawBufferPointer) {
        name.withUTF8Buffer { n in
            n.withMemoryRebound(to: CChar.self) { c in
                _ = rd_kafka_header_add(handle, c.baseAddress, c.count, value.baseAddress, value.count)
            }
        }
    }

    /// A header whose value is the decimal text of `value` (formatted on the stack).
    public func add(_ name: StaticString, decimal value: Int64) { add(name, magnitude: value.magnitude, negative: value < 0) }

    public func add(_ name: StaticString, decimal value: UInt64) { add(name, magnitude: value, negative: false) }

    private func add(_ name: StaticString, magnitude: UInt64, negative: Bool) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var v = magnitude
            var i = 20
            repeat { i -= 1; buf[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: v % 10); v /= 10 } while v > 0
            if negative { i -= 1; buf[i] = UInt8(ascii: "-") }
            add(name, UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buf[i...])))
        }
    }
}
