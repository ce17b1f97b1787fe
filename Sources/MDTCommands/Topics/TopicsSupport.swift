import Foundation
import Kafka
import Logging
import Pipeline

/// Kafka failures as mdt exit codes: brokers unreachable 69, an admin request the broker does not
/// answer (e.g. librdkafka's mock cluster and CreateTopics/DeleteTopics) 69, unknown topic 65,
/// bad `--kafka-property` 78, anything else 1.
enum TopicsErrors {
    static func map(_ error: any Error) -> any Error {
        guard let e = error as? KafkaError else { return error }
        return CommandFailure(status(e), e.description)
    }

    static func status(_ e: KafkaError) -> MDTExit {
        switch e {
        case .brokersUnreachable, .adminUnsupported: .unavailable
        case .unknownTopic: .dataError
        case .invalidProperty: .config
        case .operationFailed(_, _, let code, _):
            // librdkafka: -195 transport, -185 timed out, -187 all brokers down, -193 resolve.
            [-195, -185, -187, -193].contains(code) ? .unavailable : .failure
        default: .failure
        }
    }

    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw map(error) }
    }
}

/// What every `mdt topics` subcommand needs: settings, the admin client, the standard topic set.
struct TopicsEnvironment {
    let ctx: CommandContext
    let brokers: String
    let timeout: Double

    init(ctx: CommandContext, timeout: Double) {
        self.ctx = ctx
        self.brokers = ctx.settings.kafka.bootstrapServers
        self.timeout = timeout
    }

    var quietLogger: Logger {
        // librdkafka's connection chatter for unreachable brokers is summarised by one error line.
        var l = ctx.logger
        if ctx.logLevel > .debug { l.logLevel = .critical }
        return l
    }

    func admin() throws -> KafkaAdmin {
        try TopicsErrors.mapping {
            try KafkaAdmin(config: .client(brokers: brokers, properties: ctx.settings.kafka.properties), logger: quietLogger)
        }
    }

    /// Every topic (internal `__` topics only with `includeInternal`).
    func topics(_ admin: KafkaAdmin, includeInternal: Bool = false) throws -> [KafkaTopicInfo] {
        let md = try TopicsErrors.mapping { try admin.metadata(timeout: timeout) }
        return md.topics.filter { includeInternal || !$0.name.hasPrefix("__") }
    }

    /// One topic's metadata, read from the full listing so that asking never auto-creates it.
    func topic(_ admin: KafkaAdmin, _ name: String) throws -> KafkaTopicInfo {
        guard let t = try topics(admin, includeInternal: true).first(where: { $0.name == name }) else {
            throw CommandFailure(.dataError, "kafka: topic '\(name)' does not exist at \(brokers)")
        }
        return t
    }

    /// The standard topics (`Pipeline.KafkaTopics.standard`) with the configured prefix.
    var standardNames: [String] { KafkaTopics.standard(prefix: ctx.settings.kafka.topicPrefix) }

    /// Topic configs for topics mdt creates: retention from settings, LZ4.
    var topicConfig: [String: String] {
        ["retention.ms": String(Int64(ctx.settings.kafka.retentionHours) * 3_600_000), "compression.type": "lz4"]
    }

    func spec(_ name: String, partitions: Int, replication: Int) -> KafkaTopicSpec {
        KafkaTopicSpec(name: name, partitions: Int32(partitions), replicationFactor: Int32(replication), config: topicConfig)
    }
}

/// Re-indents JSON text (keeping key order and number spelling exactly as sent); anything that
/// is not JSON is returned unchanged.
enum JSONPretty {
    static func format(_ bytes: [UInt8], indent: String = "  ") -> String? {
        var out = ""
        var level = 0
        var i = 0
        let n = bytes.count
        var sawValue = false
        func newline() { out += "\n" + String(repeating: indent, count: level) }
        // Validate the first non-space byte starts an object or array.
        while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        guard i < n, bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") else { return nil }
        var scalar: [UInt8] = []
        func flushScalar() {
            if !scalar.isEmpty { out += String(decoding: scalar, as: UTF8.self); scalar.removeAll() }
        }
        while i < n {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\""):
                flushScalar()
                var j = i + 1
                while j < n, bytes[j] != UInt8(ascii: "\"") { j += bytes[j] == UInt8(ascii: "\\") ? 2 : 1 }
                guard j < n else { return nil }
                out += String(decoding: bytes[i...j], as: UTF8.self)
                i = j + 1
                sawValue = true
                continue
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                flushScalar()
                // Empty containers stay on one line.
                var k = i + 1
                while k < n, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x0D || bytes[k] == 0x09 { k += 1 }
                if k < n, bytes[k] == (c == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    out += c == UInt8(ascii: "{") ? "{}" : "[]"
                    i = k + 1
                    continue
                }
                out.unicodeScalars.append(Unicode.Scalar(c))
                level += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                flushScalar()
                level -= 1
                guard level >= 0 else { return nil }
                newline()
                out.unicodeScalars.append(Unicode.Scalar(c))
            case UInt8(ascii: ","):
                flushScalar()
                out += ","
                newline()
            case UInt8(ascii: ":"):
                flushScalar()
                out += ": "
            case 0x20, 0x0A, 0x0D, 0x09:
                flushScalar()
            default:
                scalar.append(c)
            }
            i += 1
        }
        flushScalar()
        _ = sawValue
        return level == 0 ? out : nil
    }
}
