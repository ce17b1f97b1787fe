import Foundation
import Testing
@testable import MDTCommands

/// A distinct, valid value for one setting in one layer: its TOML text, its env/flag text, and what it resolves to.
struct Sample {
    let toml: String
    let raw: String
    let expected: SettingValue
}

enum Layer: String, CaseIterable { case file, env, flag }

func sample(_ spec: SettingSpec, _ layer: Layer) -> Sample {
    let n = Layer.allCases.firstIndex(of: layer)! + 1  // 1, 2, 3
    let tag = layer.rawValue
    switch spec.key {
    case "home": return Sample(toml: "\"/tmp/h-\(tag)\"", raw: "/tmp/h-\(tag)", expected: .string("/tmp/h-\(tag)"))
    case "clickhouse.url": return Sample(toml: "\"http://\(tag):8123\"", raw: "http://\(tag):8123", expected: .string("http://\(tag):8123"))
    case "redis.url": return Sample(toml: "\"redis://\(tag):6380\"", raw: "redis://\(tag):6380", expected: .string("redis://\(tag):6380"))
    case "kafka.brokers":
        return Sample(toml: "[\"\(tag):1\", \"\(tag):2\"]", raw: "\(tag):1,\(tag):2", expected: .list(["\(tag):1", "\(tag):2"]))
    case "kafka.topic-prefix": return Sample(toml: "\"\(tag).\"", raw: "\(tag).", expected: .string("\(tag)."))
    case "collect.sinks":
        let s = ["kafka", "redis", "clickhouse"][n - 1]
        return Sample(toml: "[\"\(s)\"]", raw: s, expected: .list([s]))
    case "redis.publish":
        let s = ["all", "latest", "off"][n - 1]
        return Sample(toml: "\"\(s)\"", raw: s, expected: .string(s))
    case "collect.spool-dir": return Sample(toml: "\"/tmp/spool-\(tag)\"", raw: "/tmp/spool-\(tag)", expected: .string("/tmp/spool-\(tag)"))
    default: break
    }
    switch spec.kind {
    case .string: return Sample(toml: "\"\(tag)-value\"", raw: "\(tag)-value", expected: .string("\(tag)-value"))
    case .integer:
        let v = spec.key.hasSuffix("-port") ? 1000 + n : 10 + n
        return Sample(toml: String(v), raw: String(v), expected: .integer(v))
    case .float: return Sample(toml: "\(n).5", raw: "\(n).5", expected: .float(Double(n) + 0.5))
    case .boolean: return Sample(toml: n % 2 == 0 ? "true" : "false", raw: n % 2 == 0 ? "true" : "false", expected: .boolean(n % 2 == 0))
    case .list: return Sample(toml: "[\"\(tag)\"]", raw: tag, expected: .list([tag]))
    case .map: return Sample(toml: "{ \"\(tag).k\" = \"\(n)\" }", raw: "\(tag).k=\(n)", expected: .map(["\(tag).k": "\(n)"]))
    }
}

@Suite struct SettingsPrecedenceTests {
    /// Every subset of {file, env, flag} for every key: the highest layer present wins and is named as the source.
    @Test(arguments: [
        [], [Layer.file], [.env], [.flag], [.file, .env], [.file, .flag], [.env, .flag], [.file, .env, .flag],
    ] as [[Layer]])
    func everyKeyEverySource(layers: [Layer]) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let specs = SettingsCatalog.all.filter { $0.kind != .map }  // maps merge; tested below
        var toml = ""
        var env: [String: String] = [:]
        var overrides: [SettingOverride] = []
        var lines: [String: Int] = [:]
        if layers.contains(.file) {
            var section = ""
            var line = 0
            for spec in specs {
                if spec.section != section {
                    section = spec.section
                    toml += "[\(section)]\n"
                    line += 1
                }
                toml += "\(spec.name) = \(sample(spec, .file).toml)\n"
                line += 1
                lines[spec.key] = line
            }
        }
        let configPath = try dir.write("mdt.toml", toml, mode: 0o600)
        for spec in specs {
            if layers.contains(.env) {
                if spec.key == "home" { env["MDT_HOME"] = sample(spec, .env).raw } else { env[spec.envName] = sample(spec, .env).raw }
            }
            if layers.contains(.flag) {
                if spec.secret {
                    let f = try dir.write("\(spec.key).secret", sample(spec, .flag).raw + "\n", mode: 0o600)
                    overrides.append(SettingOverride(key: spec.key, file: f, flag: "--\(spec.key)-file"))
                } else {
                    overrides.append(SettingOverride(key: spec.key, value: sample(spec, .flag).raw, flag: "--\(spec.key)"))
                }
            }
        }
        let input = SettingsInput(configPath: configPath, environment: env, overrides: overrides, userHome: dir.path)
        let settings = try SettingsResolver.resolve(input)

        for spec in specs {
            let entry = try #require(settings.entry(spec.key))
            let top = layers.last
            switch top {
            case nil:
                if spec.key == "home" {
                    #expect(entry.value == .string(dir.path + "/.local/share/mdt"))
                    #expect(entry.source == .default)
                } else if spec.key == "collect.spool-dir" {
                    #expect(entry.value == .string(dir.path + "/.local/share/mdt/spool"))
                    #expect(entry.source == .default)
                } else {
                    #expect(entry.value == spec.defaultValue, "\(spec.key)")
                    #expect(entry.source == .default, "\(spec.key)")
                }
            case .file:
                #expect(entry.value == sample(spec, .file).expected, "\(spec.key)")
                #expect(entry.source == .file(path: configPath, line: lines[spec.key] ?? -1), "\(spec.key)")
            case .env:
                #expect(entry.value == sample(spec, .env).expected, "\(spec.key)")
                #expect(entry.source == .env(spec.envName), "\(spec.key)")
            case .flag:
                #expect(entry.value == sample(spec, .flag).expected, "\(spec.key)")
                #expect(entry.source.kind == "flag", "\(spec.key)")
            }
        }
    }

    @Test func typedSettingsMatchEntries() throws {
        let env = ["MDT_HOME": "/tmp/x", "MDT_KAFKA_BROKERS": "k1:9092, k2:9093", "MDT_IQFEED_L2_PORT": "9201",
                   "MDT_CLICKHOUSE_PASSWORD": "pw", "MDT_CLICKHOUSE_TIMEOUT": "2.5"]
        let s = try SettingsResolver.resolve(SettingsInput(environment: env, overrides: [
            SettingOverride(key: "kafka.topic-prefix", value: "test.", flag: "--topic-prefix"),
        ], userHome: "/tmp/nohome"))
        #expect(s.kafka.brokers == ["k1:9092", "k2:9093"])
        #expect(s.kafka.bootstrapServers == "k1:9092,k2:9093")
        #expect(s.kafka.topic("iqfeed.trades.raw") == "test.iqfeed.trades.raw")
        #expect(s.kafka.partitions == 3)
        #expect(s.iqfeed.l2Port == 9201)
        #expect(s.iqfeed.l1Port == 5009)
        #expect(s.clickhouse.password?.value == "pw")
        #expect("\(s.clickhouse.password!)" == "********")
        #expect(s.clickhouse.timeoutSeconds == 2.5)
        #expect(s.clickhouse.database == "l2_market_data")
        #expect(s.redis.url == "redis://localhost:6380")
        #expect(s.home == "/tmp/x")
        #expect(s.manifestPath == "/tmp/x/manifest.db")
        #expect(s.collect.spoolDir == "/tmp/x/spool")
        #expect(s.configPath == "/tmp/x/mdt.toml")
        #expect(!s.configFileLoaded)
    }

    @Test func configFileLookupOrder() {
        let base = SettingsInput(environment: [:], userHome: "/home/u")
        #expect(SettingsResolver.configFile(base).path == "/home/u/.local/share/mdt/mdt.toml")
        var i = base
        i.environment = ["MDT_HOME": "/srv/mdt"]
        #expect(SettingsResolver.configFile(i).path == "/srv/mdt/mdt.toml")
        i.environment["MDT_CONFIG"] = "~/cfg.toml"
        #expect(SettingsResolver.configFile(i).path == "/home/u/cfg.toml")
        #expect(SettingsResolver.configFile(i).namedBy == "env MDT_CONFIG")
        i.configPath = "/etc/mdt.toml"
        #expect(SettingsResolver.configFile(i).path == "/etc/mdt.toml")
        #expect(SettingsResolver.configFile(i).namedBy == "--config")
    }

    @Test func kafkaPropertiesMergeAcrossLayers() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let cfg = try dir.write("mdt.toml", """
            [kafka.properties]
            "linger.ms" = 5
            acks = "all"
            compression.type = "zstd"
            """)
        let s = try SettingsResolver.resolve(SettingsInput(
            configPath: cfg, environment: ["MDT_KAFKA_PROPERTIES": "acks=1,batch.size=100"],
            overrides: [SettingOverride(key: "kafka.properties", value: "client.id=a,b", flag: "--kafka-property")],
            userHome: dir.path))
        #expect(s.kafka.properties == ["linger.ms": "5", "acks": "1", "compression.type": "zstd", "batch.size": "100", "client.id": "a,b"])
        #expect(s.entry("kafka.properties")?.source == .flag("--kafka-property"))
    }
}

@Suite struct SettingsErrorTests {
    func resolveError(_ input: SettingsInput) -> SettingsError? {
        do {
            _ = try SettingsResolver.resolve(input)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: [
        ("[kafka]\nbrokerz = \"x\"", "mdt.toml:2: unknown key 'brokerz' in [kafka] (did you mean 'brokers'?)"),
        ("\n[kafak]\nbrokers = \"x:1\"", "mdt.toml:2: unknown section [kafak] (did you mean 'kafka'?)"),
        ("hom = \"/x\"", "mdt.toml:1: unknown key 'hom' at top level (did you mean 'home'?)"),
        ("[kafka]\npartitions = \"three\"", "mdt.toml:2: kafka.partitions must be an integer, got string"),
        ("[iqfeed]\nl1-port = 70000", "iqfeed.l1-port (from file mdt.toml:2): port 70000 is out of range 1-65535"),
        ("[clickhouse]\nurl = \"ftp://x\"", "clickhouse.url (from file mdt.toml:2): scheme 'ftp' is not one of http, https"),
        ("[kafka]\nbrokers = []", "kafka.brokers (from file mdt.toml:2): empty broker list"),
        ("[kafka]\nbrokers = [\"nohost\"]", "kafka.brokers (from file mdt.toml:2): 'nohost' is not host:port"),
        ("[collect]\nsinks = [\"s3\"]", "collect.sinks (from file mdt.toml:2): unknown sink 's3' (kafka, redis, clickhouse, stdout)"),
        ("[kafka]\nbrokers = \"x\n", "mdt.toml:2: unterminated string (newline before closing '\"')"),
    ] as [(String, String)])
    func fileErrorsNameLineAndKey(toml: String, message: String) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let cfg = try dir.write("mdt.toml", toml)
        let err = try #require(resolveError(SettingsInput(configPath: cfg, environment: [:], userHome: dir.path)))
        #expect(err.description == message.replacingOccurrences(of: "mdt.toml", with: cfg))
        #expect(err.exitStatus == .config)
    }

    @Test func envAndFlagErrorsNameTheirSource() throws {
        let e1 = resolveError(SettingsInput(environment: ["MDT_KAFKA_BROKERS": " , "], userHome: "/tmp/none"))
        #expect(e1?.description == "kafka.brokers (from env MDT_KAFKA_BROKERS): empty broker list")
        #expect(e1?.exitStatus == .config)
        let e2 = resolveError(SettingsInput(environment: ["MDT_KAFKA_PARTITIONS": "x"], userHome: "/tmp/none"))
        #expect(e2?.description == "kafka.partitions (from env MDT_KAFKA_PARTITIONS): 'x' is not an integer")
        let e3 = resolveError(SettingsInput(environment: [:], overrides: [SettingOverride(key: "iqfeed.l1-port", value: "0", flag: "--l1-port")], userHome: "/tmp/none"))
        #expect(e3?.description == "iqfeed.l1-port (from flag --l1-port): port 0 is out of range 1-65535")
        #expect(e3?.exitStatus == .usage)
        let e4 = resolveError(SettingsInput(environment: ["MDT_REDIS_URL": "localhost:6380"], userHome: "/tmp/none"))
        #expect(e4?.description.hasPrefix("redis.url (from env MDT_REDIS_URL): ") == true)
        let e5 = resolveError(SettingsInput(configPath: "/nonexistent/mdt.toml", environment: [:], userHome: "/tmp/none"))
        #expect(e5?.description == "config file /nonexistent/mdt.toml (from --config): not found")
        #expect(e5?.exitStatus == .config)
    }

    @Test func missingDefaultConfigFileIsFine() throws {
        let s = try SettingsResolver.resolve(SettingsInput(environment: ["MDT_HOME": "/nonexistent/home"], userHome: "/tmp/none"))
        #expect(!s.configFileLoaded)
        #expect(s.clickhouse.url == "http://localhost:8123")
    }

    @Test func secretFilesMustBePrivate() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let open = try dir.write("pw-open", "s3cret\n", mode: 0o644)
        let closed = try dir.write("pw-closed", "s3cret\n", mode: 0o600)
        let e = resolveError(SettingsInput(environment: ["MDT_CLICKHOUSE_PASSWORD_FILE": open], userHome: dir.path))
        #expect(e == .insecureFile(path: open, mode: 0o644, holds: "clickhouse.password"))
        #expect(e?.description.contains("chmod 600") == true)
        #expect(e?.description.contains("s3cret") == false)

        let s = try SettingsResolver.resolve(SettingsInput(environment: ["MDT_CLICKHOUSE_PASSWORD_FILE": closed], userHome: dir.path))
        #expect(s.clickhouse.password?.value == "s3cret")
        #expect(s.entry("clickhouse.password")?.source == .env("MDT_CLICKHOUSE_PASSWORD_FILE"))

        let both = resolveError(SettingsInput(environment: ["MDT_CLICKHOUSE_PASSWORD_FILE": closed, "MDT_CLICKHOUSE_PASSWORD": "x"], userHome: dir.path))
        #expect(both?.description.contains("both MDT_CLICKHOUSE_PASSWORD and MDT_CLICKHOUSE_PASSWORD_FILE") == true)

        // A password in a world-readable config file is refused; in a 0600 file it is accepted.
        let cfg = try dir.write("mdt.toml", "[redis]\npassword = \"s3cret\"\n", mode: 0o640)
        let e2 = resolveError(SettingsInput(configPath: cfg, environment: [:], userHome: dir.path))
        #expect(e2 == .insecureFile(path: cfg, mode: 0o640, holds: "redis.password"))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: cfg)
        let s2 = try SettingsResolver.resolve(SettingsInput(configPath: cfg, environment: [:], userHome: dir.path))
        #expect(s2.redis.password?.value == "s3cret")
    }

    @Test func noSecretInConfigOutput() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let pwFile = try dir.write("redis-pw", "r3dis-Secret", mode: 0o400)
        let s = try SettingsResolver.resolve(SettingsInput(
            environment: ["MDT_CLICKHOUSE_PASSWORD": "ch-Secret-42", "MDT_HOME": dir.path],
            overrides: [SettingOverride(key: "redis.password", file: pwFile, flag: "--redis-password-file")], userHome: dir.path))
        #expect(s.redis.password?.value == "r3dis-Secret")
        for out in [ConfigRendering.text(s), ConfigRendering.json(s)] {
            #expect(!out.contains("ch-Secret-42"))
            #expect(!out.contains("r3dis-Secret"))
            #expect(out.contains("********"))
        }
        #expect(ConfigRendering.text(s).contains("clickhouse.password = ********"))
        #expect(ConfigRendering.json(s).contains("\"clickhouse.password\": {\"value\": \"********\", \"source\": \"env\", \"origin\": \"MDT_CLICKHOUSE_PASSWORD\"}"))
        #expect(!"\(s)".contains("ch-Secret-42"))
        #expect(!String(reflecting: s.clickhouse).contains("ch-Secret-42"))
    }

    /// `mdt config init` output parses, and uncommenting every key reproduces the defaults.
    @Test func defaultFileRoundTrips() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let text = ConfigRendering.defaultFile()
        let commented = try dir.write("a.toml", text)
        let s1 = try SettingsResolver.resolve(SettingsInput(configPath: commented, environment: [:], userHome: dir.path))
        #expect(s1.configFileLoaded)
        #expect(s1.entries.allSatisfy { $0.source == .default })

        let uncommented = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let l = String(line)
            if l.hasPrefix("# "), l.dropFirst(2).contains(" = "), !l.contains("[kafka.properties]") { return String(l.dropFirst(2)) }
            return l
        }.joined(separator: "\n")
        let full = try dir.write("b.toml", uncommented)
        let s2 = try SettingsResolver.resolve(SettingsInput(configPath: full, environment: [:], userHome: dir.path))
        for e in s2.entries where e.key != "kafka.properties" {
            let d = try #require(s1.entry(e.key))
            #expect(e.value == d.value, "\(e.key)")
            #expect(e.source.kind == "file" || e.key == "kafka.properties" || e.spec.secret, "\(e.key) \(e.source)")
        }
        #expect(s2.kafka.properties == ["compression.type": "lz4", "linger.ms": "5"])
    }
}
