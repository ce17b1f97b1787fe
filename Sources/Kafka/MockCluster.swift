internal import CRdKafka
import Logging

/// librdkafka's in-process mock Kafka cluster: a real Kafka-protocol server on loopback TCP
/// (produce, fetch, metadata, groups, offsets, idempotence). It does not answer CreateTopics or
/// DeleteTopics; create topics with `createTopic`. Destroyed on deinit.
public final class MockCluster: @unchecked Sendable {
    let client: RDKafkaClient
    let cluster: OpaquePointer
    /// `host:port,...` of the mock brokers.
    public let bootstrapServers: String
    /// Broker ids (1...N).
    public let brokerIDs: [Int32]

    public init(brokers: Int = 3, logger: Logger = Logger(label: "mdt.kafka.mock")) throws {
        guard brokers >= 1 else { throw KafkaError.mock(reason: "need at least one broker, got \(brokers)") }
        // The mock cluster hangs off a client handle; it is never used to produce.
        self.client = try RDKafkaClient(kind: RD_KAFKA_PRODUCER, config: KafkaConfig(["log_level": "3"]), logger: logger)
        guard let mc = rd_kafka_mock_cluster_new(client.handle, Int32(brokers)) else {
            throw KafkaError.mock(reason: "rd_kafka_mock_cluster_new failed")
        }
        self.cluster = mc
        self.bootstrapServers = rd_kafka_mock_cluster_bootstraps(mc).map { String(cString: $0) } ?? ""
        self.brokerIDs = (1...brokers).map(Int32.init)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
    }

    /// Takes broker `id` down: its connections are closed and it refuses new ones.
    public func setBrokerDown(_ id: Int32) throws {
        try check(rd_kafka_mock_broker_set_down(cluster, id), "broker-down \(id)")
    }

    /// Brings broker `id` back.
    public func setBrokerUp(_ id: Int32) throws {
        try check(rd_kafka_mock_broker_set_up(cluster, id), "broker-up \(id)")
    }

    /// Creates a topic directly in the mock (what CreateTopics would do on a real cluster).
    public func createTopic(_ name: String, partitions: Int32, replicationFactor: Int32 = 1) throws {
        guard partitions >= 1 else { throw KafkaError.mock(reason: "create-topic \(name): partitions must be >= 1") }
        guard replicationFactor >= 1, Int(replicationFactor) <= brokerIDs.count else {
            throw KafkaError.mock(reason: "create-topic \(name): replication factor must be 1...\(brokerIDs.count)")
        }
        try check(rd_kafka_mock_topic_create(cluster, name, partitions, replicationFactor), "create-topic \(name)")
    }

    /// Adds a round-trip delay to every answer from broker `id`.
    public func setBrokerRTT(_ id: Int32, milliseconds: Int) throws {
        try check(rd_kafka_mock_broker_set_rtt(cluster, id, Int32(clamping: milliseconds)), "broker-rtt \(id)")
    }

    private func check(_ err: rd_kafka_resp_err_t, _ what: String) throws {
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError.mock(reason: "\(what): \(errorString(err))") }
    }
}
