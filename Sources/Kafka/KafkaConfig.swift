internal import CRdKafka

/// librdkafka properties, passed through as given (like kcat's `-X key=value`).
///
/// `KafkaConfig.producer(brokers:)` adds the producer defaults mdt relies on
/// (idempotent, LZ4, 5 ms linger, 10k-message batches); any property given explicitly wins.
public struct KafkaConfig: Sendable, Equatable {
    /// The properties handed to `rd_kafka_conf_set`, in full.
    public var properties: [String: String]

    public init(_ properties: [String: String] = [:]) {
        self.properties = properties
    }

    /// Defaults for producers: `enable.idempotence=true`, `compression.codec=lz4`, `linger.ms=5`,
    /// `batch.num.messages=10000`.
    public static let producerDefaults: [String: String] = [
        "enable.idempotence": "true",
        "compression.codec": "lz4",
        "linger.ms": "5",
        "batch.num.messages": "10000",
    ]

    /// Defaults for consumers: offsets are committed explicitly, a new group starts at the beginning.
    public static let consumerDefaults: [String: String] = [
        "enable.auto.commit": "false",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": "false",
    ]

    /// A producer configuration: defaults, then `properties`, then the broker list.
    public static func producer(brokers: String, properties: [String: String] = [:]) -> KafkaConfig {
        var p = producerDefaults
        p.merge(properties) { _, new in new }
        p["bootstrap.servers"] = brokers
        return KafkaConfig(p)
    }

    /// A consumer configuration for `group` (defaults, then `properties`, then brokers and group).
    public static func consumer(brokers: String, group: String, properties: [String: String] = [:]) -> KafkaConfig {
        var p = consumerDefaults
        p.merge(properties) { _, new in new }
        p["bootstrap.servers"] = brokers
        p["group.id"] = group
        return KafkaConfig(p)
    }

    /// A plain client configuration (metadata, admin) for `brokers`.
    public static func client(brokers: String, properties: [String: String] = [:]) -> KafkaConfig {
        var p = properties
        p["bootstrap.servers"] = brokers
        return KafkaConfig(p)
    }

    /// Parses `key=value` strings (as given to `--kafka-property`).
    public static func parseProperties(_ items: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for item in items {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw KafkaError.invalidProperty(name: item, reason: "expected key=value")
            }
            out[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        return out
    }

    /// The bootstrap list, for error messages.
    public var brokers: String { properties["bootstrap.servers"] ?? properties["metadata.broker.list"] ?? "(no bootstrap.servers)" }

    /// Checks every property against librdkafka without creating a client.
    public func validate() throws {
        let conf = try makeConf()
        rd_kafka_conf_destroy(conf)
    }

    /// A new `rd_kafka_conf_t` with every property set; the caller owns it.
    func makeConf() throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError.clientCreationFailed(reason: "rd_kafka_conf_new failed") }
        var errbuf = [CChar](repeating: 0, count: 512)
        for key in properties.keys.sorted() {
            let value = properties[key] ?? ""
            let res = rd_kafka_conf_set(conf, key, value, &errbuf, errbuf.count)
            if res != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                var reason = String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if KafkaConfig.isSecret(key), !value.isEmpty { reason = reason.replacing(value, with: "***") }
                if reason.isEmpty { reason = res == RD_KAFKA_CONF_UNKNOWN ? "unknown property" : "invalid value" }
                throw KafkaError.invalidProperty(name: key, reason: reason)
            }
        }
        return conf
    }

    static func isSecret(_ key: String) -> Bool {
        let k = key.lowercased()
        return k.contains("password") || k.contains("secret") || k.contains("key.pem") || k.contains("token")
    }
}

