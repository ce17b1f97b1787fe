import Foundation

/// A value given on the command line for one setting.
public struct SettingOverride: Equatable, Sendable {
    public enum Payload: Equatable, Sendable {
        /// Raw text, parsed like an environment variable (`--brokers a:1,b:2`; one `k=v` for maps).
        case text(String)
        /// Read the value from this file (secrets; mode 0600 required).
        case file(String)
    }
    public var key: String
    public var payload: Payload
    /// The flag's spelling for `mdt config` and errors, e.g. `--brokers`.
    public var flag: String

    public init(key: String, value: String, flag: String) {
        self.key = key
        self.payload = .text(value)
        self.flag = flag
    }

    public init(key: String, file: String, flag: String) {
        self.key = key
        self.payload = .file(file)
        self.flag = flag
    }
}

/// Everything the resolver reads. Tests build this directly; commands get it from the option groups.
public struct SettingsInput: Sendable {
    /// `--config PATH`.
    public var configPath: String?
    /// The process environment (only `MDT_*` matter).
    public var environment: [String: String]
    /// Flag values, in command-line order.
    public var overrides: [SettingOverride]
    /// The user's home directory, for `~` and the default `$MDT_HOME`.
    public var userHome: String
    /// false: ignore the config file entirely (used by `Settings.defaults`).
    public var readConfigFile: Bool

    public init(
        configPath: String? = nil, environment: [String: String] = [:], overrides: [SettingOverride] = [],
        userHome: String = NSHomeDirectory(), readConfigFile: Bool = true
    ) {
        self.configPath = configPath
        self.environment = environment
        self.overrides = overrides
        self.userHome = userHome
        self.readConfigFile = readConfigFile
    }
}

/// The one function that decides every setting: defaults < file < `MDT_*` env < flags.
public enum SettingsResolver {
    /// The default `$MDT_HOME`.
    public static func defaultHome(userHome: String) -> String {
        (userHome as NSString).appendingPathComponent(".local/share/mdt")
    }

    /// Which config file is used and who named it: `--config`, else `$MDT_CONFIG`, else `$MDT_HOME/mdt.toml`.
    public static func configFile(_ input: SettingsInput) -> (path: String, namedBy: String?) {
        if let p = input.configPath, !p.isEmpty { return (expand(p, input.userHome), "--config") }
        if let p = input.environment["MDT_CONFIG"], !p.isEmpty { return (expand(p, input.userHome), "env MDT_CONFIG") }
        let home = input.environment["MDT_HOME"].flatMap { $0.isEmpty ? nil : expand($0, input.userHome) }
            ?? defaultHome(userHome: input.userHome)
        return ((home as NSString).appendingPathComponent("mdt.toml"), nil)
    }

    public static func resolve(_ input: SettingsInput) throws(SettingsError) -> Settings {
        let (path, namedBy) = configFile(input)
        var layers: [String: (SettingValue, SettingSource)] = [:]
        var fileLoaded = false

        // 1. The file.
        if input.readConfigFile {
            if let text = try readConfig(path: path, namedBy: namedBy) {
                fileLoaded = true
                for (key, value, line) in try interpret(text: text, file: path) {
                    let spec = SettingsCatalog.byKey[key]
                    if spec?.secret == true { try requirePrivate(path: path, holds: key) }
                    layers[key] = merge(layers[key], value, .file(path: path, line: line))
                }
            }
        }

        // 2. The environment.
        for spec in SettingsCatalog.all {
            let name = spec.envName
            let direct = input.environment[name]
            let fileName = spec.secret ? input.environment[name + "_FILE"] : nil
            if direct != nil && fileName != nil {
                throw .conflict("\(spec.key): both \(name) and \(name)_FILE are set; unset one")
            }
            if let raw = direct {
                let value = try parse(raw, spec: spec, source: .env(name))
                layers[spec.key] = merge(layers[spec.key], value, .env(name))
            } else if let file = fileName {
                let value = SettingValue.string(try readSecretFile(file, key: spec.key))
                layers[spec.key] = (value, .env(name + "_FILE"))
            }
        }

        // 3. Flags, in order (maps accumulate, others: the last one wins).
        for o in input.overrides {
            guard let spec = SettingsCatalog.byKey[o.key] else {
                throw .invalid(key: o.key, source: .flag(o.flag), message: "unknown setting")
            }
            let value: SettingValue
            switch o.payload {
            case .text(let raw): value = try parse(raw, spec: spec, source: .flag(o.flag))
            case .file(let file): value = .string(try readSecretFile(file, key: spec.key))
            }
            layers[spec.key] = merge(layers[spec.key], value, .flag(o.flag))
        }

        // 4. Defaults, including the derived ones (home, spool-dir).
        var entries: [ResolvedSetting] = []
        var resolvedHome = defaultHome(userHome: input.userHome)
        for spec in SettingsCatalog.all {
            var value = spec.defaultValue
            var source = SettingSource.default
            if let (v, s) = layers[spec.key] { value = v; source = s }
            if spec.key == "home" {
                if case .string(let h)? = value { resolvedHome = expand(h, input.userHome) }
                value = .string(resolvedHome)
            }
            if spec.key == "collect.spool-dir" {
                if case .string(let d)? = value { value = .string(expand(d, input.userHome)) }
                else { value = .string((resolvedHome as NSString).appendingPathComponent("spool")) }
            }
            entries.append(ResolvedSetting(spec: spec, value: value, source: source))
        }

        try validate(entries)
        return build(entries: entries, configPath: path, loaded: fileLoaded)
    }

    // MARK: - File

    static func readConfig(path: String, namedBy: String?) throws(SettingsError) -> String? {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            if let namedBy { throw .fileNotFound(path: path, namedBy: namedBy) }
            return nil
        }
        if isDir.boolValue { throw .unreadable(path: path, reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "not UTF-8 text")
        }
        return text
    }

    /// Maps a TOML document onto known settings; unknown sections and keys are errors with their line.
    static func interpret(text: String, file: String) throws(SettingsError) -> [(String, SettingValue, Int)] {
        let doc: TOML.Document
        do { doc = try TOML.parse(text, file: file) } catch { throw .syntax(error) }

        for h in doc.headers {
            let name = h.path.joined(separator: ".")
            if h.path.count == 1, SettingsCatalog.sections.contains(h.path[0]) { continue }
            if h.path == ["kafka", "properties"] { continue }
            throw .schema(file: file, line: h.line, message: "unknown section [\(name)]" + suggestion(name, SettingsCatalog.sections))
        }

        var result: [(String, SettingValue, Int)] = []
        var properties: [String: String] = [:]
        var propertiesLine: Int?
        for e in doc.entries {
            let p = e.path
            // [kafka.properties] "k" = v, or kafka.properties = { ... } / properties = { ... } in [kafka].
            if p.count >= 2, p[0] == "kafka", p[1] == "properties" {
                propertiesLine = propertiesLine ?? e.line
                if p.count == 2 {
                    guard case .table(let inner) = e.value else {
                        throw .schema(file: file, line: e.line, message: "kafka.properties must be a table of key = value, got \(e.value.typeName)")
                    }
                    for i in inner { properties[i.path.joined(separator: ".")] = try scalarText(i.value, key: "kafka.properties", file: file, line: e.line) }
                } else {
                    properties[p[2...].joined(separator: ".")] = try scalarText(e.value, key: "kafka.properties", file: file, line: e.line)
                }
                continue
            }
            let key = p.joined(separator: ".")
            guard let spec = SettingsCatalog.byKey[key] else {
                if p.count == 1 {
                    throw .schema(file: file, line: e.line, message: "unknown key '\(p[0])' at top level" + suggestion(p[0], SettingsCatalog.all.map(\.key)))
                }
                if !SettingsCatalog.sections.contains(p[0]) {
                    throw .schema(file: file, line: e.line, message: "unknown section [\(p[0])]" + suggestion(p[0], SettingsCatalog.sections))
                }
                let names = SettingsCatalog.all.filter { $0.section == p[0] }.map(\.name)
                throw .schema(file: file, line: e.line, message: "unknown key '\(p[1...].joined(separator: "."))' in [\(p[0])]" + suggestion(p[1], names))
            }
            result.append((key, try convert(e.value, spec: spec, file: file, line: e.line), e.line))
        }
        if let line = propertiesLine { result.append(("kafka.properties", .map(properties), line)) }
        return result
    }

    static func suggestion(_ word: String, _ candidates: [String]) -> String {
        let best = candidates.map { ($0, editDistance(word, $0)) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }

    static func scalarText(_ v: TOML.Value, key: String, file: String, line: Int) throws(SettingsError) -> String {
        switch v {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .boolean(let b): return b ? "true" : "false"
        default: throw .schema(file: file, line: line, message: "\(key) values must be strings, numbers or booleans, got \(v.typeName)")
        }
    }

    static func convert(_ v: TOML.Value, spec: SettingSpec, file: String, line: Int) throws(SettingsError) -> SettingValue {
        func wrong(_ want: String) -> SettingsError {
            .schema(file: file, line: line, message: "\(spec.key) must be \(want), got \(v.typeName)")
        }
        switch (spec.kind, v) {
        case (.string, .string(let s)): return .string(s)
        case (.integer, .integer(let i)):
            guard let n = Int(exactly: i) else { throw wrong("an integer in range") }
            return .integer(n)
        case (.float, .float(let d)): return .float(d)
        case (.float, .integer(let i)): return .float(Double(i))
        case (.boolean, .boolean(let b)): return .boolean(b)
        case (.list, .string(let s)): return .list(splitList(s))
        case (.list, .array(let items)):
            var out: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw wrong("an array of strings") }
                out.append(s)
            }
            return .list(out)
        case (.map, .table(let inner)):
            var m: [String: String] = [:]
            for i in inner { m[i.path.joined(separator: ".")] = try scalarText(i.value, key: spec.key, file: file, line: line) }
            return .map(m)
        case (.string, _): throw wrong("a string")
        case (.integer, _): throw wrong("an integer")
        case (.float, _): throw wrong("a number")
        case (.boolean, _): throw wrong("true or false")
        case (.list, _): throw wrong("an array of strings")
        case (.map, _): throw wrong("a table")
        }
    }

    // MARK: - Env and flag text

    static func splitList(_ s: String) -> [String] {
        s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    static func parse(_ raw: String, spec: SettingSpec, source: SettingSource) throws(SettingsError) -> SettingValue {
        let t = raw.trimmingCharacters(in: .whitespaces)
        switch spec.kind {
        case .string: return .string(raw)
        case .integer:
            guard let i = Int(t) else { throw .invalid(key: spec.key, source: source, message: "'\(t)' is not an integer") }
            return .integer(i)
        case .float:
            guard let d = Double(t), d.isFinite else { throw .invalid(key: spec.key, source: source, message: "'\(t)' is not a number") }
            return .float(d)
        case .boolean:
            switch t.lowercased() {
            case "true", "1", "yes", "on": return .boolean(true)
            case "false", "0", "no", "off": return .boolean(false)
            default: throw .invalid(key: spec.key, source: source, message: "'\(t)' is not true or false")
            }
        case .list: return .list(splitList(raw))
        case .map:
            var m: [String: String] = [:]
            // A flag carries one k=v (the value may contain commas); env carries a comma-separated list.
            let pairs: [String] = if case .flag = source { [raw] } else { raw.split(separator: ",").map(String.init) }
            for pair in pairs {
                let p = pair.trimmingCharacters(in: .whitespaces)
                if p.isEmpty { continue }
                guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
                    throw .invalid(key: spec.key, source: source, message: "'\(p)' is not key=value")
                }
                m[String(p[..<eq])] = String(p[p.index(after: eq)...])
            }
            return .map(m)
        }
    }

    /// Maps accumulate across layers (a later layer wins per property); anything else is replaced.
    static func merge(_ old: (SettingValue, SettingSource)?, _ new: SettingValue, _ source: SettingSource) -> (SettingValue, SettingSource) {
        if case .map(let o)? = old?.0, case .map(let n) = new {
            return (.map(o.merging(n) { _, b in b }), source)
        }
        return (new, source)
    }

    // MARK: - Secrets

    /// Refuses a file holding a secret when group or others may read it.
    static func requirePrivate(path: String, holds: String) throws(SettingsError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        let mode = UInt16(st.st_mode & 0o777)
        if mode & 0o077 != 0 { throw .insecureFile(path: path, mode: mode, holds: holds) }
    }

    /// Reads a secret from a 0600 file; one trailing newline is dropped.
    static func readSecretFile(_ path: String, key: String) throws(SettingsError) -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            throw .unreadable(path: path, reason: "no such file (named for \(key))")
        }
        try requirePrivate(path: path, holds: key)
        guard let data = FileManager.default.contents(atPath: path), var s = String(data: data, encoding: .utf8) else {
            throw .unreadable(path: path, reason: "permission denied or not UTF-8")
        }
        if s.hasSuffix("\r\n") { s.removeLast(2) } else if s.hasSuffix("\n") { s.removeLast() }
        return s
    }

    // MARK: - Validation and typed settings

    static func validate(_ entries: [ResolvedSetting]) throws(SettingsError) {
        for e in entries {
            guard let value = e.value else { continue }
            func bad(_ m: String) -> SettingsError { .invalid(key: e.key, source: e.source, message: m) }
            switch (e.key, value) {
            case ("clickhouse.url", .string(let s)):
                try checkURL(s, schemes: ["http", "https"], bad)
            case ("redis.url", .string(let s)):
                try checkURL(s, schemes: ["redis", "rediss", "unix"], bad)
            case ("redis.publish", .string(let s)):
                if !["all", "latest", "off"].contains(s) { throw bad("'\(s)' is not one of all, latest, off") }
            case ("kafka.brokers", .list(let l)):
                if l.isEmpty { throw bad("empty broker list") }
                for b in l {
                    guard let colon = b.lastIndex(of: ":"), colon != b.startIndex,
                        let port = Int(b[b.index(after: colon)...]), (1...65535).contains(port)
                    else { throw bad("'\(b)' is not host:port") }
                }
            case ("iqfeed.host", .string(let s)), ("clickhouse.database", .string(let s)), ("clickhouse.user", .string(let s)), ("home", .string(let s)):
                if s.trimmingCharacters(in: .whitespaces).isEmpty { throw bad("must not be empty") }
            case (let k, .integer(let p)) where k.hasSuffix("-port"):
                if !(1...65535).contains(p) { throw bad("port \(p) is out of range 1-65535") }
            case ("clickhouse.timeout", .float(let d)):
                if !(d > 0) { throw bad("must be more than 0 seconds") }
            case ("kafka.topic-prefix", .string(let s)):
                if s.contains(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0))) }) {
                    throw bad("'\(s)' may only hold letters, digits, '.', '_' and '-'")
                }
            case (_, .integer(let n)):
                if n < 1 { throw bad("must be at least 1, got \(n)") }
            case ("collect.sinks", .list(let l)):
                if l.isEmpty { throw bad("empty sink list") }
                for s in l where !["kafka", "redis", "clickhouse", "stdout"].contains(s) {
                    throw bad("unknown sink '\(s)' (kafka, redis, clickhouse, stdout)")
                }
            default: break
            }
        }
    }

    static func checkURL(_ s: String, schemes: [String], _ bad: (String) -> SettingsError) throws(SettingsError) {
        guard let u = URLComponents(string: s), let scheme = u.scheme?.lowercased() else { throw bad("'\(s)' is not a URL") }
        guard schemes.contains(scheme) else {
            throw bad("scheme '\(scheme)' is not one of \(schemes.joined(separator: ", "))")
        }
        if scheme != "unix", (u.host ?? "").isEmpty { throw bad("'\(s)' has no host") }
        if let p = u.port, !(1...65535).contains(p) { throw bad("port \(p) is out of range 1-65535") }
    }

    static func build(entries: [ResolvedSetting], configPath: String, loaded: Bool) -> Settings {
        var byKey: [String: SettingValue] = [:]
        for e in entries { if let v = e.value { byKey[e.key] = v } }
        func str(_ k: String) -> String { if case .string(let s)? = byKey[k] { return s }; return "" }
        func opt(_ k: String) -> String? { if case .string(let s)? = byKey[k] { return s }; return nil }
        func int(_ k: String) -> Int { if case .integer(let i)? = byKey[k] { return i }; return 0 }
        func dbl(_ k: String) -> Double { if case .float(let d)? = byKey[k] { return d }; return 0 }
        func list(_ k: String) -> [String] { if case .list(let l)? = byKey[k] { return l }; return [] }
        func map(_ k: String) -> [String: String] { if case .map(let m)? = byKey[k] { return m }; return [:] }
        return Settings(
            home: str("home"),
            clickhouse: ClickHouseSettings(
                url: str("clickhouse.url"), user: str("clickhouse.user"), password: opt("clickhouse.password").map(Secret.init),
                database: str("clickhouse.database"), timeoutSeconds: dbl("clickhouse.timeout")),
            kafka: KafkaSettings(
                brokers: list("kafka.brokers"), properties: map("kafka.properties"), topicPrefix: str("kafka.topic-prefix"),
                partitions: int("kafka.partitions"), replication: int("kafka.replication"), retentionHours: int("kafka.retention-hours")),
            redis: RedisSettings(url: str("redis.url"), password: opt("redis.password").map(Secret.init),
                                 publish: str("redis.publish")),
            iqfeed: IQFeedSettings(
                host: str("iqfeed.host"), l1Port: int("iqfeed.l1-port"), lookupPort: int("iqfeed.lookup-port"),
                l2Port: int("iqfeed.l2-port"), adminPort: int("iqfeed.admin-port"), lookupRate: int("iqfeed.lookup-rate")),
            collect: CollectSettings(
                sinks: list("collect.sinks"), batchSize: int("collect.batch-size"), flushMs: int("collect.flush-ms"),
                spoolDir: str("collect.spool-dir"), spoolLimitMB: int("collect.spool-limit-mb")),
            configPath: configPath, configFileLoaded: loaded, entries: entries)
    }

    static func unreachableDefaults(home: String) -> Settings {
        let entries = SettingsCatalog.all.map { ResolvedSetting(spec: $0, value: $0.key == "home" ? .string(home) : $0.defaultValue, source: .default) }
        return build(entries: entries, configPath: (home as NSString).appendingPathComponent("mdt.toml"), loaded: false)
    }

    static func expand(_ path: String, _ userHome: String) -> String {
        if path == "~" { return userHome }
        if path.hasPrefix("~/") { return (userHome as NSString).appendingPathComponent(String(path.dropFirst(2))) }
        return path
    }
}
