internal import CRdKafka
import Logging

/// A topic to create.
public struct KafkaTopicSpec: Sendable, Equatable {
    public var name: String
    public var partitions: Int32
    public var replicationFactor: Int32
    /// Topic configs (e.g. `retention.ms`).
    public var config: [String: String]
    public init(name: String, partitions: Int32, replicationFactor: Int32, config: [String: String] = [:]) {
        self.name = name; self.partitions = partitions; self.replicationFactor = replicationFactor; self.config = config
    }
}

/// A consumer group as listed by the brokers.
public struct KafkaGroupInfo: Sendable, Equatable {
    public var name: String
    public var state: String
    public var protocolType: String
    public var members: Int
    public var broker: Int32
}

/// Committed offset, high watermark and lag of one partition for one group.
public struct KafkaPartitionLag: Sendable, Equatable {
    public var topic: String
    public var partition: Int32
    /// The group's committed offset (next to consume), nil if it never committed.
    public var committed: Int64?
    public var high: Int64
    public var low: Int64
    /// Messages not yet consumed by the group (from `low` when nothing was committed).
    public var lag: Int64 { high - max(committed ?? low, low) }
}

/// Metadata, watermarks, topic creation/deletion and consumer-group inspection.
/// Every call is bounded by its `timeout`; none can hang.
public final class KafkaAdmin: @unchecked Sendable {
    let client: RDKafkaClient
    public let config: KafkaConfig
    private let logger: Logger

    public init(config: KafkaConfig, logger: Logger = Logger(label: "mdt.kafka.admin")) throws {
        self.config = config
        self.logger = logger
        self.client = try RDKafkaClient(kind: RD_KAFKA_PRODUCER, config: config, logger: logger)
    }

    public convenience init(brokers: String, properties: [String: String] = [:], logger: Logger = Logger(label: "mdt.kafka.admin")) throws {
        try self.init(config: .client(brokers: brokers, properties: properties), logger: logger)
    }

    public var brokers: String { client.brokers }

    /// Brokers and topics (all topics, or just `topic`). Unreachable brokers -> `.brokersUnreachable`.
    public func metadata(topic: String? = nil, timeout: Double = 5) throws -> KafkaClusterMetadata {
        try client.metadata(topic: topic, timeout: timeout)
    }

    /// Low and high watermark of one partition.
    public func watermarks(topic: String, partition: Int32, timeout: Double = 5) throws -> KafkaWatermarks {
        try client.watermarks(topic: topic, partition: partition, timeout: timeout)
    }

    /// Creates topics through the CreateTopics admin API. A broker that does not answer (such as
    /// librdkafka's mock cluster) yields `.adminUnsupported` after `timeout` seconds.
    /// Topics that already exist are not an error.
    public func createTopics(_ specs: [KafkaTopicSpec], timeout: Double = 10) throws {
        guard !specs.isEmpty else { return }
        var errbuf = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for t in newTopics { rd_kafka_NewTopic_destroy(t) } }
        for spec in specs {
            guard let nt = rd_kafka_NewTopic_new(spec.name, spec.partitions, spec.replicationFactor, &errbuf, errbuf.count) else {
                throw KafkaError.adminFailed(operation: "CreateTopics", topic: spec.name, reason: cString(errbuf))
            }
            newTopics.append(nt)
            for (k, v) in spec.config.sorted(by: { $0.key < $1.key }) {
                let err = rd_kafka_NewTopic_set_config(nt, k, v)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    throw KafkaError.adminFailed(operation: "CreateTopics", topic: spec.name, reason: "config '\(k)': \(errorString(err))")
                }
            }
        }
        try runAdmin(operation: "CreateTopics", op: RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout: timeout,
                     names: specs.map(\.name)) { opts, queue in
            newTopics.withUnsafeMutableBufferPointer { buf in
                rd_kafka_CreateTopics(client.handle, buf.baseAddress, buf.count, opts, queue)
            }
        } results: { event in
            var cnt = 0
            let res = rd_kafka_event_CreateTopics_result(event)
            return (rd_kafka_CreateTopics_result_topics(res, &cnt), cnt)
        }
    }

    /// Deletes topics through the DeleteTopics admin API (bounded like `createTopics`).
    /// Topics that do not exist are not an error.
    public func deleteTopics(_ names: [String], timeout: Double = 10) throws {
        guard !names.isEmpty else { return }
        var items: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
        defer { for t in items { rd_kafka_DeleteTopic_destroy(t) } }
        try runAdmin(operation: "DeleteTopics", op: RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout: timeout, names: names) { opts, queue in
            items.withUnsafeMutableBufferPointer { buf in
                rd_kafka_DeleteTopics(client.handle, buf.baseAddress, buf.count, opts, queue)
            }
        } results: { event in
            var cnt = 0
            let res = rd_kafka_event_DeleteTopics_result(event)
            return (rd_kafka_DeleteTopics_result_topics(res, &cnt), cnt)
        }
    }

    private func runAdmin(operation: String, op: rd_kafka_admin_op_t, timeout: Double, names: [String],
                          send: (OpaquePointer?, OpaquePointer?) -> Void,
                          results: (OpaquePointer?) -> (UnsafeMutablePointer<OpaquePointer?>?, Int)) throws {
        let ms = milliseconds(timeout)
        var errbuf = [CChar](repeating: 0, count: 512)
        guard let opts = rd_kafka_AdminOptions_new(client.handle, op) else {
            throw KafkaError.adminFailed(operation: operation, topic: names.joined(separator: ","), reason: "cannot create admin options")
        }
        defer { rd_kafka_AdminOptions_destroy(opts) }
        _ = rd_kafka_AdminOptions_set_request_timeout(opts, ms, &errbuf, errbuf.count)
        _ = rd_kafka_AdminOptions_set_operation_timeout(opts, ms, &errbuf, errbuf.count)
        guard let queue = rd_kafka_queue_new(client.handle) else {
            throw KafkaError.adminFailed(operation: operation, topic: names.joined(separator: ","), reason: "cannot create result queue")
        }
        defer { rd_kafka_queue_destroy(queue) }
        send(opts, queue)
        // librdkafka enforces the request timeout; the extra second only guards against a lost event.
        guard let event = rd_kafka_queue_poll(queue, ms + 1000) else {
            throw KafkaError.adminUnsupported(operation: operation, brokers: brokers, seconds: timeout)
        }
        defer { rd_kafka_event_destroy(event) }
        let err = rd_kafka_event_error(event)
        if err == RD_KAFKA_RESP_ERR__TIMED_OUT || err == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE {
            throw KafkaError.adminUnsupported(operation: operation, brokers: brokers, seconds: timeout)
        }
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            let text = rd_kafka_event_error_string(event).map { String(cString: $0) } ?? errorString(err)
            if isUnreachable(err) { throw KafkaError.brokersUnreachable(brokers: brokers, seconds: timeout) }
            throw KafkaError.operationFailed(operation: operation, brokers: brokers, code: Int32(err.rawValue), reason: text)
        }
        let (topics, count) = results(event)
        guard let topics else { return }
        for i in 0..<count {
            guard let t = topics[i] else { continue }
            let terr = rd_kafka_topic_result_error(t)
            if terr == RD_KAFKA_RESP_ERR_NO_ERROR || terr == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS
                || (op == RD_KAFKA_ADMIN_OP_DELETETOPICS && terr == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
                continue
            }
            let name = rd_kafka_topic_result_name(t).map { String(cString: $0) } ?? "?"
            let text = rd_kafka_topic_result_error_string(t).map { String(cString: $0) } ?? errorString(terr)
            if terr == RD_KAFKA_RESP_ERR__TIMED_OUT {
                throw KafkaError.adminUnsupported(operation: operation, brokers: brokers, seconds: timeout)
            }
            throw KafkaError.adminFailed(operation: operation, topic: name, reason: text)
        }
    }

    /// Consumer groups known to the brokers (all, or just `group`).
    /// librdkafka 2.0.2's mock cluster does not implement ListGroups: that yields `.unsupported`.
    public func listGroups(group: String? = nil, timeout: Double = 5) throws -> [KafkaGroupInfo] {
        var list: UnsafePointer<rd_kafka_group_list>?
        let err = rd_kafka_list_groups(client.handle, group, &list, milliseconds(timeout))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
            if err == RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE || err == RD_KAFKA_RESP_ERR_UNSUPPORTED_VERSION {
                throw KafkaError.unsupported(operation: "ListGroups", brokers: brokers)
            }
            throw client.error("list groups", err, timeoutSeconds: timeout)
        }
        defer { rd_kafka_group_list_destroy(list) }
        var out: [KafkaGroupInfo] = []
        for i in 0..<Int(list.pointee.group_cnt) {
            let g = list.pointee.groups[i]
            out.append(KafkaGroupInfo(name: g.group.map { String(cString: $0) } ?? "",
                                      state: g.state.map { String(cString: $0) } ?? "",
                                      protocolType: g.protocol_type.map { String(cString: $0) } ?? "",
                                      members: Int(g.member_cnt), broker: g.broker.id))
        }
        return out.sorted { $0.name < $1.name }
    }

    /// The group's committed offsets, high watermarks and lag for every partition of `topic`.
    public func lag(group: String, topic: String, timeout: Double = 5) throws -> [KafkaPartitionLag] {
        guard let info = try metadata(topic: topic, timeout: timeout).topic(topic), info.error == nil else {
            throw KafkaError.unknownTopic(topic: topic, brokers: brokers)
        }
        var props = config.properties
        props["group.id"] = group
        props["enable.auto.commit"] = "false"
        let consumer = try KafkaConsumer(config: KafkaConfig(props), logger: logger)
        defer { consumer.close() }
        let committed = try consumer.committed(topic: topic, partitions: info.partitions.map(\.id), timeout: timeout)
        var out: [KafkaPartitionLag] = []
        for p in info.partitions {
            let wm = try watermarks(topic: topic, partition: p.id, timeout: timeout)
            let c = committed.first { $0.partition == p.id }?.offset
            out.append(KafkaPartitionLag(topic: topic, partition: p.id, committed: (c ?? -1) >= 0 ? c : nil, high: wm.high, low: wm.low))
        }
        return out
    }
}
