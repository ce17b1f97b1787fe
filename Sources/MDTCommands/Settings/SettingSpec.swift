/// Where a resolved setting came from. Later layers win: default < file < env < flag.
public enum SettingSource: Equatable, Sendable, CustomStringConvertible {
    case `default`
    /// The config file and the line of the assignment.
    case file(path: String, line: Int)
    /// The environment variable's name.
    case env(String)
    /// The command-line flag's spelling (e.g. `--brokers`).
    case flag(String)

    /// `default`, `file`, `env` or `flag`.
    public var kind: String {
        switch self {
        case .default: "default"
        case .file: "file"
        case .env: "env"
        case .flag: "flag"
        }
    }

    /// What exactly: the file and line, the variable or the flag (empty for defaults).
    public var origin: String {
        switch self {
        case .default: ""
        case .file(let path, let line): "\(path):\(line)"
        case .env(let name): name
        case .flag(let name): name
        }
    }

    /// `default`, `file /x/mdt.toml:3`, `env MDT_KAFKA_BROKERS`, `flag --brokers`.
    public var description: String { origin.isEmpty ? kind : "\(kind) \(origin)" }
}

/// The shape a setting's value takes.
public enum SettingKind: Sendable {
    case string, integer, float, boolean
    /// A list of strings: a TOML array, or comma-separated text in env and flags.
    case list
    /// `k=v` pairs: a TOML table, or comma-separated `k=v` in env; each flag adds one pair.
    case map
}

/// A typed setting value.
public enum SettingValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case list([String])
    case map([String: String])

    /// The value as it appears in `mdt config` (maps and lists comma-joined, maps sorted by key).
    public var text: String {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .float(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .boolean(let b): b ? "true" : "false"
        case .list(let l): l.joined(separator: ",")
        case .map(let m): m.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        }
    }
}

/// One known setting: its key, kind, default, and whether it is a secret.
public struct SettingSpec: Sendable {
    /// Dotted key as written in `mdt.toml`: `kafka.brokers`, or `home`.
    public let key: String
    public let kind: SettingKind
    /// nil means "unset unless given" (secrets, optional values).
    public let defaultValue: SettingValue?
    public let secret: Bool
    /// One line for `mdt config init`.
    public let help: String

    public init(_ key: String, _ kind: SettingKind, _ defaultValue: SettingValue?, secret: Bool = false, help: String) {
        self.key = key
        self.kind = kind
        self.defaultValue = defaultValue
        self.secret = secret
        self.help = help
    }

    /// The section (`kafka`) or "" for top-level keys.
    public var section: String {
        guard let dot = key.firstIndex(of: ".") else { return "" }
        return String(key[..<dot])
    }

    /// The key within its section (`brokers`).
    public var name: String {
        guard let dot = key.firstIndex(of: ".") else { return key }
        return String(key[key.index(after: dot)...])
    }

    /// `MDT_` + key in upper snake case: `kafka.topic-prefix` -> `MDT_KAFKA_TOPIC_PREFIX`.
    public var envName: String {
        "MDT_" + key.uppercased().replacingOccurrences(of: ".", with: "_").replacingOccurrences(of: "-", with: "_")
    }
}

/// Every setting mdt knows, in display order. Defaults match the deployment.
public enum SettingsCatalog {
    public static let all: [SettingSpec] = [
        SettingSpec("home", .string, nil, help: "Directory for manifest.db, spool and logs (default ~/.local/share/mdt)"),

        SettingSpec("clickhouse.url", .string, .string("http://localhost:8123"), help: "ClickHouse HTTP interface"),
        SettingSpec("clickhouse.user", .string, .string("l2_user"), help: "ClickHouse user"),
        SettingSpec("clickhouse.password", .string, nil, secret: true,
                    help: "Secret: prefer MDT_CLICKHOUSE_PASSWORD or MDT_CLICKHOUSE_PASSWORD_FILE (mode 0600)"),
        SettingSpec("clickhouse.database", .string, .string("l2_market_data"), help: "ClickHouse database"),
        SettingSpec("clickhouse.timeout", .float, .float(30), help: "HTTP request timeout, seconds"),

        SettingSpec("kafka.brokers", .list, .list(["localhost:9092"]), help: "Bootstrap brokers, host:port"),
        SettingSpec("kafka.properties", .map, .map([:]), help: "Extra librdkafka properties (like kcat -X)"),
        SettingSpec("kafka.topic-prefix", .string, .string(""), help: "Prefix added to every topic name"),
        SettingSpec("kafka.partitions", .integer, .integer(3), help: "Partitions for topics mdt creates"),
        SettingSpec("kafka.replication", .integer, .integer(1), help: "Replication factor for topics mdt creates"),
        SettingSpec("kafka.retention-hours", .integer, .integer(168), help: "retention.ms for topics mdt creates, hours"),

        SettingSpec("redis.url", .string, .string("redis://localhost:6380"), help: "Redis live cache"),
        SettingSpec("redis.password", .string, nil, secret: true,
                    help: "Secret: prefer MDT_REDIS_PASSWORD or MDT_REDIS_PASSWORD_FILE (mode 0600)"),
        SettingSpec("redis.publish", .string, .string("latest"),
                    help: "What collect publishes on md.{SYM}: all (every trade and quote), latest (per symbol and delivery), off"),

        SettingSpec("iqfeed.host", .string, .string("localhost"), help: "IQConnect host"),
        SettingSpec("iqfeed.l1-port", .integer, .integer(5009), help: "Level 1 port"),
        SettingSpec("iqfeed.lookup-port", .integer, .integer(9100), help: "History lookup port"),
        SettingSpec("iqfeed.l2-port", .integer, .integer(9200), help: "Level 2 port"),
        SettingSpec("iqfeed.admin-port", .integer, .integer(9300), help: "Admin port"),
        SettingSpec("iqfeed.lookup-rate", .integer, .integer(50), help: "Maximum history requests per second"),

        SettingSpec("collect.sinks", .list, .list(["kafka", "clickhouse", "redis"]), help: "Where collect writes: kafka, clickhouse, redis"),
        SettingSpec("collect.batch-size", .integer, .integer(200_000), help: "Most rows per ClickHouse insert"),
        SettingSpec("collect.flush-ms", .integer, .integer(1000), help: "Insert a partial ClickHouse batch after this many ms"),
        SettingSpec("collect.spool-dir", .string, nil, help: "On-disk spool (default <home>/spool)"),
        SettingSpec("collect.spool-limit-mb", .integer, .integer(1024), help: "Spool size limit, MiB"),
    ]

    public static let byKey: [String: SettingSpec] = Dictionary(uniqueKeysWithValues: all.map { ($0.key, $0) })

    /// Section names known in `mdt.toml` (plus the free-form `[kafka.properties]` table).
    public static let sections: [String] = ["clickhouse", "kafka", "redis", "iqfeed", "collect"]

    public static func spec(_ key: String) -> SettingSpec? { byKey[key] }
}
