internal import CRdKafka

/// A broker as the cluster describes itself.
public struct KafkaBrokerInfo: Sendable, Equatable {
    public var id: Int32
    public var host: String
    public var port: Int32
}

/// One partition of a topic.
public struct KafkaPartitionInfo: Sendable, Equatable {
    public var id: Int32
    public var leader: Int32
    public var replicas: [Int32]
    public var isr: [Int32]
    /// librdkafka's error text for this partition, nil when healthy.
    public var error: String?
}

/// One topic and its partitions.
public struct KafkaTopicInfo: Sendable, Equatable {
    public var name: String
    public var partitions: [KafkaPartitionInfo]
    public var error: String?
}

/// Brokers and topics as returned by a Metadata request.
public struct KafkaClusterMetadata: Sendable, Equatable {
    public var brokers: [KafkaBrokerInfo]
    public var topics: [KafkaTopicInfo]
    /// The broker that answered.
    public var originatingBroker: String

    public func topic(_ name: String) -> KafkaTopicInfo? { topics.first { $0.name == name } }
}

/// Low and high watermark offsets of a partition (high = offset of the next message).
public struct KafkaWatermarks: Sendable, Equatable {
    public var low: Int64
    public var high: Int64
    /// Messages currently retained.
    public var count: Int64 { high - low }
}

extension RDKafkaClient {
    func metadata(topic: String?, timeout: Double) throws -> KafkaClusterMetadata {
        var md: UnsafePointer<rd_kafka_metadata_t>?
        var rkt: OpaquePointer?
        if let topic { rkt = rd_kafka_topic_new(handle, topic, nil) }
        defer { if let rkt { rd_kafka_topic_destroy(rkt) } }
        let err = rd_kafka_metadata(handle, topic == nil ? 1 : 0, rkt, &md, milliseconds(timeout))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let md else {
            throw error("metadata", err, timeoutSeconds: timeout)
        }
        defer { rd_kafka_metadata_destroy(md) }
        let m = md.pointee
        var brokers: [KafkaBrokerInfo] = []
        for i in 0..<Int(m.broker_cnt) {
            let b = m.brokers[i]
            brokers.append(KafkaBrokerInfo(id: b.id, host: b.host.map { String(cString: $0) } ?? "", port: b.port))
        }
        var topics: [KafkaTopicInfo] = []
        for i in 0..<Int(m.topic_cnt) {
            let t = m.topics[i]
            var parts: [KafkaPartitionInfo] = []
            for j in 0..<Int(t.partition_cnt) {
                let p = t.partitions[j]
                let replicas = (0..<Int(p.replica_cnt)).map { p.replicas[$0] }
                let isr = (0..<Int(p.isr_cnt)).map { p.isrs[$0] }
                parts.append(KafkaPartitionInfo(id: p.id, leader: p.leader, replicas: replicas, isr: isr,
                                                error: p.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : errorString(p.err)))
            }
            parts.sort { $0.id < $1.id }
            topics.append(KafkaTopicInfo(name: t.topic.map { String(cString: $0) } ?? "", partitions: parts,
                                         error: t.err == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : errorString(t.err)))
        }
        topics.sort { $0.name < $1.name }
        brokers.sort { $0.id < $1.id }
        return KafkaClusterMetadata(brokers: brokers, topics: topics,
                                    originatingBroker: m.orig_broker_name.map { String(cString: $0) } ?? "")
    }

    func watermarks(topic: String, partition: Int32, timeout: Double) throws -> KafkaWatermarks {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, milliseconds(timeout))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw error("watermarks \(topic)[\(partition)]", err, timeoutSeconds: timeout) }
        return KafkaWatermarks(low: low, high: high)
    }
}

/// Builds a `rd_kafka_topic_partition_list_t` (owned by the caller) from Swift values.
func makePartitionList(_ items: [KafkaTopicPartitionOffset]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
    let list = rd_kafka_topic_partition_list_new(Int32(max(items.count, 1)))!
    for item in items {
        let tp = rd_kafka_topic_partition_list_add(list, item.topic, item.partition)
        tp?.pointee.offset = item.offset
    }
    return list
}

/// Reads a partition list back (offset, topic, partition; first error if any).
func readPartitionList(_ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> ([KafkaTopicPartitionOffset], rd_kafka_resp_err_t) {
    var out: [KafkaTopicPartitionOffset] = []
    var firstErr = RD_KAFKA_RESP_ERR_NO_ERROR
    let l = list.pointee
    for i in 0..<Int(l.cnt) {
        let e = l.elems[i]
        if e.err != RD_KAFKA_RESP_ERR_NO_ERROR, firstErr == RD_KAFKA_RESP_ERR_NO_ERROR { firstErr = e.err }
        out.append(KafkaTopicPartitionOffset(topic: e.topic.map { String(cString: $0) } ?? "", partition: e.partition, offset: e.offset))
    }
    return (out, firstErr)
}
