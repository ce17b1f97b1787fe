import ArgumentParser
import Logging

/// Option groups that contribute setting overrides to the resolver.
public protocol SettingsFlags {
    /// The flags given, as overrides (highest precedence).
    var overrides: [SettingOverride] { get }
}

/// `--color auto|on|off`.
public enum ColorMode: String, CaseIterable, Sendable, ExpressibleByArgument {
    case auto, on, off
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Flags every subcommand takes: `@OptionGroup var global: GlobalOptions`.
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("Config file (default $MDT_CONFIG, else $MDT_HOME/mdt.toml).", valueName: "path"))
    public var config: String?

    @Flag(name: .shortAndLong, help: "More log output on stderr: -v info, -vv debug.")
    public var verbose: Int

    @Option(name: .long, help: ArgumentHelp("Log level: trace, debug, info, notice, warning, error, critical.", valueName: "level"))
    public var logLevel: Logger.Level?

    @Flag(name: .shortAndLong, help: "Only errors on stderr; no progress.")
    public var quiet = false

    @Option(name: .long, help: "Colour: auto (when a terminal), on, off.")
    public var color: ColorMode = .auto

    public init() {}

    /// quiet > --log-level > -v count > notice.
    public var effectiveLogLevel: Logger.Level {
        if quiet { return .error }
        if let logLevel { return logLevel }
        switch verbose {
        case 0: return .notice
        case 1: return .info
        case 2: return .debug
        default: return .trace
        }
    }

    /// Colour for a stream given whether it is a terminal (and `NO_COLOR`).
    public func colorEnabled(isTTY: Bool, environment: [String: String]) -> Bool {
        switch color {
        case .on: true
        case .off: false
        case .auto: isTTY && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
        }
    }
}

/// `--clickhouse-url`, `--clickhouse-user`, `--clickhouse-database`, `--clickhouse-password-file`.
/// The password itself is never a flag (it would show in `ps`): use env, a 0600 file, or the 0600 config file.
public struct ClickHouseOptions: ParsableArguments, SettingsFlags, Sendable {
    @Option(name: .customLong("clickhouse-url"), help: ArgumentHelp("ClickHouse HTTP URL (default http://localhost:8123).", valueName: "url"))
    public var url: String?
    @Option(name: .customLong("clickhouse-user"), help: ArgumentHelp("ClickHouse user.", valueName: "user"))
    public var user: String?
    @Option(name: .customLong("clickhouse-database"), help: ArgumentHelp("ClickHouse database.", valueName: "name"))
    public var database: String?
    @Option(name: .customLong("clickhouse-password-file"), help: ArgumentHelp("File holding the ClickHouse password (mode 0600).", valueName: "path"))
    public var passwordFile: String?

    public init() {}

    public var overrides: [SettingOverride] {
        var o: [SettingOverride] = []
        if let url { o.append(.init(key: "clickhouse.url", value: url, flag: "--clickhouse-url")) }
        if let user { o.append(.init(key: "clickhouse.user", value: user, flag: "--clickhouse-user")) }
        if let database { o.append(.init(key: "clickhouse.database", value: database, flag: "--clickhouse-database")) }
        if let passwordFile { o.append(.init(key: "clickhouse.password", file: passwordFile, flag: "--clickhouse-password-file")) }
        return o
    }
}

/// `--brokers host:port,...`, `--kafka-property k=v` (repeatable, like kcat -X), `--topic-prefix`.
public struct KafkaOptions: ParsableArguments, SettingsFlags, Sendable {
    @Option(name: .long, help: ArgumentHelp("Kafka bootstrap brokers (default localhost:9092).", valueName: "host:port,..."))
    public var brokers: String?
    @Option(name: .customLong("kafka-property"), help: ArgumentHelp("librdkafka property, repeatable (like kcat -X).", valueName: "key=value"))
    public var properties: [String] = []
    @Option(name: .customLong("topic-prefix"), help: ArgumentHelp("Prefix added to topic names.", valueName: "prefix"))
    public var topicPrefix: String?

    public init() {}

    public var overrides: [SettingOverride] {
        var o: [SettingOverride] = []
        if let brokers { o.append(.init(key: "kafka.brokers", value: brokers, flag: "--brokers")) }
        for p in properties { o.append(.init(key: "kafka.properties", value: p, flag: "--kafka-property")) }
        if let topicPrefix { o.append(.init(key: "kafka.topic-prefix", value: topicPrefix, flag: "--topic-prefix")) }
        return o
    }
}

/// `--redis-url`, `--redis-password-file`.
public struct RedisOptions: ParsableArguments, SettingsFlags, Sendable {
    @Option(name: .customLong("redis-url"), help: ArgumentHelp("Redis URL (default redis://localhost:6380).", valueName: "url"))
    public var url: String?
    @Option(name: .customLong("redis-password-file"), help: ArgumentHelp("File holding the Redis password (mode 0600).", valueName: "path"))
    public var passwordFile: String?

    public init() {}

    public var overrides: [SettingOverride] {
        var o: [SettingOverride] = []
        if let url { o.append(.init(key: "redis.url", value: url, flag: "--redis-url")) }
        if let passwordFile { o.append(.init(key: "redis.password", file: passwordFile, flag: "--redis-password-file")) }
        return o
    }
}

/// `--iqfeed-host`, `--l1-port`, `--lookup-port`, `--l2-port`, `--admin-port`.
public struct IQFeedOptions: ParsableArguments, SettingsFlags, Sendable {
    @Option(name: .customLong("iqfeed-host"), help: ArgumentHelp("IQConnect host (default localhost).", valueName: "host"))
    public var host: String?
    @Option(name: .customLong("l1-port"), help: ArgumentHelp("Level 1 port (default 5009).", valueName: "port"))
    public var l1Port: String?
    @Option(name: .customLong("lookup-port"), help: ArgumentHelp("History lookup port (default 9100).", valueName: "port"))
    public var lookupPort: String?
    @Option(name: .customLong("l2-port"), help: ArgumentHelp("Level 2 port (default 9200).", valueName: "port"))
    public var l2Port: String?
    @Option(name: .customLong("admin-port"), help: ArgumentHelp("Admin port (default 9300).", valueName: "port"))
    public var adminPort: String?

    public init() {}

    public var overrides: [SettingOverride] {
        var o: [SettingOverride] = []
        if let host { o.append(.init(key: "iqfeed.host", value: host, flag: "--iqfeed-host")) }
        if let l1Port { o.append(.init(key: "iqfeed.l1-port", value: l1Port, flag: "--l1-port")) }
        if let lookupPort { o.append(.init(key: "iqfeed.lookup-port", value: lookupPort, flag: "--lookup-port")) }
        if let l2Port { o.append(.init(key: "iqfeed.l2-port", value: l2Port, flag: "--l2-port")) }
        if let adminPort { o.append(.init(key: "iqfeed.admin-port", value: adminPort, flag: "--admin-port")) }
        return o
    }
}

/// `--format table|csv|tsv|json|ndjson|vertical` and `--no-header`, for commands that print rows.
public struct OutputOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: "Output format: table, csv, tsv, json, ndjson, vertical (default: table on a terminal, else tsv).")
    public var format: OutputFormat?
    @Flag(name: .customLong("no-header"), help: "Omit the header line in csv and tsv.")
    public var noHeader = false

    public init() {}
}
