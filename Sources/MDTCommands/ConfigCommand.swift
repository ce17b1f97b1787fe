import ArgumentParser
import Foundation

/// `mdt config`: show the effective settings and where each came from; `mdt config init` writes a default file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective configuration and the source of each value, or write a default mdt.toml.",
        discussion: """
            Precedence: defaults < config file < MDT_* environment < flags. The config file is --config, \
            else $MDT_CONFIG, else $MDT_HOME/mdt.toml ($MDT_HOME defaults to ~/.local/share/mdt). \
            Secrets (clickhouse.password, redis.password) come from MDT_*_PASSWORD, MDT_*_PASSWORD_FILE \
            (a mode 0600 file) or a mode 0600 config file, and are always shown as ********.
            """,
        subcommands: [Show.self, Init.self],
        defaultSubcommand: Show.self
    )
}

extension ConfigCommand {
    /// `mdt config [--json] [--path]`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "Print every setting as `key = value  # source` (secrets redacted).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Redis") var redis: RedisOptions
        @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions

        @Flag(name: .long, help: "Print a JSON object {key: {value, source, origin}}.")
        var json = false

        @Flag(name: .long, help: "Print only the path of the config file in use.")
        var path = false

        func run() async throws {
            let out = BufferedOutput.stdout
            if path {
                let input = SettingsInput(configPath: global.config, environment: ProcessInfo.processInfo.environment)
                try out.line(SettingsResolver.configFile(input).path)
                return
            }
            let ctx = try CommandContext(global: global, flags: [clickhouse, kafka, redis, iqfeed], label: "mdt.config")
            try out.write(json ? ConfigRendering.json(ctx.settings) : ConfigRendering.text(ctx.settings))
        }
    }

    /// `mdt config init [--force]`.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init", abstract: "Write a commented default mdt.toml (mode 0600) at the config path.")

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Overwrite an existing file.")
        var force = false

        func run() async throws {
            let env = ProcessInfo.processInfo.environment
            let (path, namedBy) = SettingsResolver.configFile(SettingsInput(configPath: global.config, environment: env))
            if FileManager.default.fileExists(atPath: path), !force {
                throw CommandFailure(.failure, "\(path) already exists; use --force to overwrite it")
            }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                // $MDT_HOME is private; a directory named explicitly by --config/MDT_CONFIG is created the same way.
                try HomeDirectory.ensure(dir)
            }
            let text = ConfigRendering.defaultFile()
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CommandFailure(.failure, "\(path): cannot write: \(String(cString: strerror(errno)))") }
            defer { close(fd) }
            _ = fchmod(fd, 0o600)
            let ok = text.utf8CString.withUnsafeBufferPointer { b in write(fd, b.baseAddress, b.count - 1) == b.count - 1 }
            guard ok else { throw CommandFailure(.failure, "\(path): write failed: \(String(cString: strerror(errno)))") }
            StandardError.line("mdt: wrote \(path)" + (namedBy.map { " (named by \($0))" } ?? ""))
        }
    }
}

/// How `mdt config` prints settings, and the default file `mdt config init` writes.
public enum ConfigRendering {
    /// `key = value  # source` lines, the `#` column aligned. Secrets are `********`; unset values are `(unset)`.
    public static func text(_ settings: Settings) -> String {
        var lines: [(String, String)] = []
        lines.append(("# config file", settings.configPath + (settings.configFileLoaded ? "" : " (not present)")))
        for e in settings.entries {
            let value = e.value == nil ? "(unset)" : e.displayValue
            lines.append(("\(e.key) = \(value)", e.source.description))
        }
        let width = lines.dropFirst().map { TextWidth.of($0.0) }.max() ?? 0
        var s = lines[0].0 + ": " + lines[0].1 + "\n"
        for (left, source) in lines.dropFirst() {
            s += left + String(repeating: " ", count: max(0, width - TextWidth.of(left))) + "  # " + source + "\n"
        }
        return s
    }

    /// `{"key": {"value": ..., "source": "env", "origin": "MDT_KAFKA_BROKERS"}, ...}`.
    public static func json(_ settings: Settings) -> String {
        var parts: [String] = []
        for e in settings.entries {
            let value: String
            if let v = e.value {
                if e.spec.secret { value = JSONText.string(Secret.redacted) }
                else {
                    switch v {
                    case .string(let s): value = JSONText.string(s)
                    case .integer(let i): value = String(i)
                    case .float(let d): value = Cell.format(d)
                    case .boolean(let b): value = b ? "true" : "false"
                    case .list(let l): value = "[" + l.map(JSONText.string).joined(separator: ",") + "]"
                    case .map(let m):
                        value = "{" + m.sorted { $0.key < $1.key }.map { JSONText.string($0.key) + ":" + JSONText.string($0.value) }.joined(separator: ",") + "}"
                    }
                }
            } else {
                value = "null"
            }
            parts.append("  \(JSONText.string(e.key)): {\"value\": \(value), \"source\": \(JSONText.string(e.source.kind)), \"origin\": \(JSONText.string(e.source.origin))}")
        }
        return "{\n" + parts.joined(separator: ",\n") + "\n}\n"
    }

    /// A commented default `mdt.toml`: every key, commented out at its default, grouped by section.
    public static func defaultFile() -> String {
        var s = """
            # mdt configuration.
            # Precedence: defaults < this file < MDT_* environment variables < command-line flags.
            # Each key below is commented out at its default; uncomment and edit what you need.
            # Environment names: MDT_ + section + key in upper snake case, e.g. MDT_KAFKA_BROKERS.
            # Secrets: prefer MDT_CLICKHOUSE_PASSWORD or MDT_CLICKHOUSE_PASSWORD_FILE (a mode 0600 file).
            # If you put a password in this file, the file must be mode 0600 (mdt refuses it otherwise).
            # `mdt config` shows the effective value of every key and where it came from.

            """
        var section = ""
        for spec in SettingsCatalog.all {
            if spec.section != section {
                section = spec.section
                s += "\n[\(section)]\n"
            }
            s += "# \(spec.help)\n"
            if spec.kind == .map {
                s += "# [kafka.properties] table below\n"
                continue
            }
            if spec.secret { continue }  // no placeholder: a secret belongs in the environment or a 0600 file
            s += "# \(spec.name) = \(tomlDefault(spec))\n"
        }
        s += """

            [kafka.properties]
            # librdkafka properties passed through as-is (like kcat -X), e.g.:
            # "compression.type" = "lz4"
            # "linger.ms" = 5

            """
        return s
    }

    static func tomlDefault(_ spec: SettingSpec) -> String {
        switch spec.key {
        case "home": return "\"~/.local/share/mdt\""
        case "collect.spool-dir": return "\"~/.local/share/mdt/spool\""
        default: break
        }
        guard let v = spec.defaultValue else { return "\"\"" }
        switch v {
        case .string(let s): return JSONText.string(s)
        case .integer(let i): return String(i)
        case .float(let d): return d == d.rounded() ? String(format: "%.1f", d) : String(d)
        case .boolean(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map(JSONText.string).joined(separator: ", ") + "]"
        case .map: return "{}"
        }
    }
}
