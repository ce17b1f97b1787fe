import Foundation

/// A secret string (password, token). Prints as `********` everywhere; read `.value` only to use it.
public struct Secret: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public static let redacted = "********"
    public var description: String { Self.redacted }
    public var debugDescription: String { Self.redacted }
}

public struct ClickHouseSettings: Sendable {
    /// `http://localhost:8123` by default.
    public var url: String
    public var user: String
    public var password: Secret?
    public var database: String
    /// HTTP request timeout in seconds.
    public var timeoutSeconds: Double
}

public struct KafkaSettings: Sendable {
    /// `host:port` entries, never empty.
    public var brokers: [String]
    /// Extra librdkafka properties (`--kafka-property k=v`, `[kafka.properties]`).
    public var properties: [String: String]
    public var topicPrefix: String
    public var partitions: Int
    public var replication: Int
    public var retentionHours: Int
    /// Brokers as librdkafka's `bootstrap.servers` wants them.
    public var bootstrapServers: String { brokers.joined(separator: ",") }
    /// `topicPrefix + name`.
    public func topic(_ name: String) -> String { topicPrefix + name }
}

public struct RedisSettings: Sendable {
    /// `redis://localhost:6380` by default.
    public var url: String
    public var password: Secret?
    /// `redis.publish`: all, latest or off.
    public var publish: String = "latest"
}

public struct IQFeedSettings: Sendable {
    public var host: String
    public var l1Port: Int
    public var lookupPort: Int
    public var l2Port: Int
    public var adminPort: Int
    /// History requests per second.
    public var lookupRate: Int
}

public struct CollectSettings: Sendable {
    public var sinks: [String]
    public var batchSize: Int
    public var flushMs: Int
    public var spoolDir: String
    public var spoolLimitMB: Int
}

/// One setting after resolution: its value (nil when unset) and where it came from.
public struct ResolvedSetting: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let spec: SettingSpec
    public let value: SettingValue?
    public let source: SettingSource
    public var key: String { spec.key }
    /// The value as `mdt config` shows it: secrets are `********`, unset values empty.
    public var displayValue: String {
        guard let value else { return "" }
        return spec.secret ? Secret.redacted : value.text
    }
    /// `key = value  # source`, secrets redacted (so printing or dumping settings never leaks one).
    public var description: String { "\(key) = \(displayValue)  # \(source)" }
    public var debugDescription: String { description }
}

/// The effective configuration: typed groups for code, and every entry with its source for `mdt config`.
public struct Settings: Sendable {
    /// `$MDT_HOME` (or `home` in the file); manifest, spool and logs live here.
    public var home: String
    public var clickhouse: ClickHouseSettings
    public var kafka: KafkaSettings
    public var redis: RedisSettings
    public var iqfeed: IQFeedSettings
    public var collect: CollectSettings
    /// The config file consulted (it may not exist when it is the default path).
    public var configPath: String
    /// Whether `configPath` was read.
    public var configFileLoaded: Bool
    /// Every known setting, in catalogue order.
    public var entries: [ResolvedSetting]

    /// `<home>/manifest.db`.
    public var manifestPath: String { (home as NSString).appendingPathComponent("manifest.db") }

    /// The entry for a dotted key.
    public func entry(_ key: String) -> ResolvedSetting? { entries.first { $0.key == key } }

    /// Settings from defaults only (no file, no environment): for tests and tools.
    public static func defaults(home: String = "/tmp/mdt-home") -> Settings {
        // Defaults always validate, so this cannot throw in practice; fall back defensively.
        (try? SettingsResolver.resolve(SettingsInput(environment: ["MDT_HOME": home], readConfigFile: false)))
            ?? SettingsResolver.unreachableDefaults(home: home)
    }
}
