import Kafka
import Logging
import Pipeline

/// Kafka: cluster metadata within the timeout, brokers up, and the standard topics present.
enum KafkaProbe {
    static func run(_ config: HealthProbeConfig) -> HealthCheck {
        let target = config.target(.kafka)
        var check = HealthCheck(component: .kafka, status: .critical, message: "", target: target)
        do {
            var logger = config.logger
            logger[metadataKey: "component"] = "kafka"
            var properties = config.kafka.properties
            // Keep librdkafka from retrying a dead bootstrap list longer than the check may take.
            let ms = String(Int(config.timeout * 1000))
            if properties["socket.timeout.ms"] == nil { properties["socket.timeout.ms"] = ms }
            if properties["socket.connection.setup.timeout.ms"] == nil { properties["socket.connection.setup.timeout.ms"] = String(Int(config.connectTimeout * 1000)) }
            let admin = try KafkaAdmin(brokers: config.kafka.bootstrapServers, properties: properties, logger: logger)
            let start = HealthClock.monotonic()
            let metadata = try admin.metadata(timeout: config.timeout)
            check.latency = HealthClock.monotonic() - start
            // Metadata lists every broker the controller knows; whether each one answers is a separate question.
            let probeTimeout = min(1, config.connectTimeout)
            var unreachable: [String] = []
            for b in metadata.brokers.sorted(by: { $0.id < $1.id }) {
                if let why = TCPProbe.connect(host: b.host, port: Int(b.port), timeout: probeTimeout) {
                    unreachable.append("broker \(b.id) at \(b.host):\(b.port) (\(why))")
                }
            }
            return judge(metadata, expected: KafkaTopics.standard(prefix: config.kafka.topicPrefix), target: target,
                         latency: check.latency, unreachable: unreachable)
        } catch {
            check.message = "\(error)"
            if !check.message.contains(target) { check.message += " (brokers \(target))" }
            return check
        }
    }

    /// The verdict for cluster metadata: no brokers is CRITICAL; missing expected topics or partitions
    /// without a leader are WARNING.
    /// `unreachable`: brokers in the metadata that refused a TCP connection (all of them: CRITICAL).
    static func judge(
        _ metadata: KafkaClusterMetadata, expected: [String], target: String, latency: Double?, unreachable: [String] = []
    ) -> HealthCheck {
        let missing = expected.filter { metadata.topic($0) == nil }
        var leaderless = 0
        for t in metadata.topics where expected.contains(t.name) {
            leaderless += t.partitions.filter { $0.leader < 0 || $0.error != nil }.count
        }
        let brokers = metadata.brokers.count
        let up = brokers - unreachable.count
        var check = HealthCheck(component: .kafka, status: .ok, message: "", target: target, latency: latency, metrics: [
            HealthMetric("kafka_brokers", Double(brokers), help: "Kafka brokers listed in the cluster metadata."),
            HealthMetric("kafka_brokers_up", Double(up), help: "Brokers in the metadata that accept a TCP connection."),
            HealthMetric("kafka_topics_missing", Double(missing.count), help: "Expected Kafka topics that do not exist."),
            HealthMetric("kafka_partitions_leaderless", Double(leaderless), help: "Partitions of expected topics without a leader."),
        ])
        let base = "\(up)/\(brokers) broker(s) up at \(target), \(expected.count - missing.count)/\(expected.count) topics"
        if brokers == 0 {
            check.status = .critical
            check.message = "no brokers in the metadata from \(target)"
        } else if up <= 0 {
            check.status = .critical
            check.message = "no broker accepts connections: " + unreachable.joined(separator: ", ")
        } else if !unreachable.isEmpty {
            check.status = .warning
            check.message = base + "; unreachable: " + unreachable.joined(separator: ", ")
                + (missing.isEmpty ? "" : "; missing topic(s) \(missing.joined(separator: ", "))")
        } else if !missing.isEmpty {
            check.status = .warning
            check.message = base + "; missing topic(s) \(missing.joined(separator: ", ")) (create them with `mdt topics create`)"
        } else if leaderless > 0 {
            check.status = .warning
            check.message = base + "; \(leaderless) partition(s) without a leader"
        } else {
            check.message = base
        }
        return check
    }
}
