import Foundation
import Testing

@Suite struct CLITests {
    @Test func help() throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try MDTBinary.run(["--help"], home: s.path)
        #expect(r.status == 0)
        #expect(r.stdout.contains("USAGE: mdt <subcommand>"))
        for sub in ["collect", "download", "replay", "book", "query", "topics", "health", "bench", "config"] {
            #expect(r.stdout.contains("  \(sub)"), "\(sub) missing from help")
        }
        #expect(r.stdout.contains("78 configuration error"))
        #expect(r.stderr.isEmpty)
    }

    @Test func version() throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try MDTBinary.run(["--version"], home: s.path)
        #expect(r.status == 0)
        #expect(r.stdout == "0.1.0\n")
    }

    @Test func unknownFlagIsUsageError() throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try MDTBinary.run(["config", "--no-such-flag"], home: s.path)
        #expect(r.status == 64)
        #expect(r.stderr.contains("Unknown option '--no-such-flag'"))
        #expect(r.stdout.isEmpty)
        let r2 = try MDTBinary.run(["no-such-command"], home: s.path)
        #expect(r2.status == 64)
    }

    @Test func configShowsEachLayerWithItsSource() throws {
        let s = try Scratch()
        defer { s.remove() }
        let cfg = try s.write("mdt.toml", """
            # test config
            [clickhouse]
            url = "http://ch-file:8123"
            database = "from_file"

            [kafka]
            partitions = 4
            brokers = ["file:9092"]
            """)
        let r = try MDTBinary.run(
            ["config", "--config", cfg, "--brokers", "flag1:9092,flag2:9092", "--kafka-property", "linger.ms=5"],
            env: ["MDT_KAFKA_PARTITIONS": "6", "MDT_CLICKHOUSE_DATABASE": "from_env"], home: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.replacingOccurrences(of: #" +"#, with: " ", options: .regularExpression) }
        #expect(lines.contains("clickhouse.url = http://ch-file:8123 # file \(cfg):3"))
        #expect(lines.contains("clickhouse.database = from_env # env MDT_CLICKHOUSE_DATABASE"))
        #expect(lines.contains("kafka.partitions = 6 # env MDT_KAFKA_PARTITIONS"))
        #expect(lines.contains("kafka.brokers = flag1:9092,flag2:9092 # flag --brokers"))
        #expect(lines.contains("kafka.properties = linger.ms=5 # flag --kafka-property"))
        #expect(lines.contains("clickhouse.user = l2_user # default"))
        #expect(lines.contains("redis.url = redis://localhost:6380 # default"))
        #expect(r.stderr.isEmpty)
    }

    @Test func malformedConfigExits78WithFileAndLine() throws {
        let s = try Scratch()
        defer { s.remove() }
        let cfg = try s.write("mdt.toml", "[kafka]\nbrokers = \"a:1\"\nbrokerz = \"b:1\"\n")
        let r = try MDTBinary.run(["config"], env: ["MDT_CONFIG": cfg], home: s.path)
        #expect(r.status == 78)
        #expect(r.stderr == "mdt: \(cfg):3: unknown key 'brokerz' in [kafka] (did you mean 'brokers'?)\n")
        #expect(r.stdout.isEmpty)

        let syntax = try s.write("bad.toml", "[kafka]\n\npartitions = = 3\n")
        let r2 = try MDTBinary.run(["config", "--config", syntax], home: s.path)
        #expect(r2.status == 78)
        #expect(r2.stderr.hasPrefix("mdt: \(syntax):3: "))
        #expect(r2.stderr.split(separator: "\n").count == 1)
        #expect(!r2.stderr.contains("Error:"))
    }

    @Test func invalidEnvValueExits78NamingKeyAndSource() throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try MDTBinary.run(["config"], env: ["MDT_KAFKA_BROKERS": ""], home: s.path)
        #expect(r.status == 78)
        #expect(r.stderr == "mdt: kafka.brokers (from env MDT_KAFKA_BROKERS): empty broker list\n")
        let r2 = try MDTBinary.run(["config", "--l1-port", "99999"], home: s.path)
        #expect(r2.status == 64)
        #expect(r2.stderr == "mdt: iqfeed.l1-port (from flag --l1-port): port 99999 is out of range 1-65535\n")
    }

    @Test func logLevelsControlStderr() throws {
        let s = try Scratch()
        defer { s.remove() }
        let debug = try MDTBinary.run(["config", "-vv"], home: s.path)
        #expect(debug.status == 0)
        #expect(debug.stderr.contains(" debug mdt.config: configuration resolved "))
        #expect(debug.stderr.contains("home=\(s.path)/.mdt"))
        let info = try MDTBinary.run(["config", "-v"], home: s.path)
        #expect(!info.stderr.contains("debug"))
        let level = try MDTBinary.run(["config", "--log-level", "debug", "--quiet"], home: s.path)
        #expect(level.stderr.isEmpty)  // --quiet wins
        let bad = try MDTBinary.run(["config", "--log-level", "loud"], home: s.path)
        #expect(bad.status == 64)
        #expect(bad.stdout.isEmpty)
    }

    @Test func secretsNeverPrinted() throws {
        let s = try Scratch()
        defer { s.remove() }
        let secret = "Sup3r-Secret-Pa55"
        let pwFile = try s.write("redis.pw", "R3dis-Secret\n", mode: 0o600)
        for args in [["config"], ["config", "--json"], ["config", "-vv"]] {
            let r = try MDTBinary.run(args + ["--redis-password-file", pwFile], env: ["MDT_CLICKHOUSE_PASSWORD": secret], home: s.path)
            #expect(r.status == 0, "\(r.stderr)")
            for leak in [secret, "R3dis-Secret"] {
                #expect(!r.stdout.contains(leak))
                #expect(!r.stderr.contains(leak))
            }
            #expect(r.stdout.contains("********"))
        }
        let json = try MDTBinary.run(["config", "--json"], env: ["MDT_CLICKHOUSE_PASSWORD": secret], home: s.path)
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: [String: Any]]
        #expect(object?["clickhouse.password"]?["value"] as? String == "********")
        #expect(object?["clickhouse.password"]?["source"] as? String == "env")
        #expect(object?["kafka.brokers"]?["value"] as? [String] == ["localhost:9092"])
        #expect(object?["kafka.partitions"]?["value"] as? Int == 3)
        #expect(object?["redis.password"]?["value"] is NSNull)

        // An insecure secret file is refused, without echoing its content.
        let open = try s.write("open.pw", secret, mode: 0o644)
        let r = try MDTBinary.run(["config"], env: ["MDT_CLICKHOUSE_PASSWORD_FILE": open], home: s.path)
        #expect(r.status == 78)
        #expect(r.stderr.contains("chmod 600 \(open)"))
        #expect(!r.stderr.contains(secret))
    }

    @Test func configPathAndInit() throws {
        let s = try Scratch()
        defer { s.remove() }
        let home = s.path + "/home"
        let r = try MDTBinary.run(["config", "--path"], env: ["MDT_HOME": home], home: s.path)
        #expect(r.stdout == home + "/mdt.toml\n")
        let r2 = try MDTBinary.run(["config", "--path", "--config", "/etc/x.toml"], home: s.path)
        #expect(r2.stdout == "/etc/x.toml\n")

        let i1 = try MDTBinary.run(["config", "init"], env: ["MDT_HOME": home], home: s.path)
        #expect(i1.status == 0, "\(i1.stderr)")
        let attrs = try FileManager.default.attributesOfItem(atPath: home + "/mdt.toml")
        #expect(attrs[.posixPermissions] as? Int == 0o600)
        #expect((try FileManager.default.attributesOfItem(atPath: home))[.posixPermissions] as? Int == 0o700)
        let i2 = try MDTBinary.run(["config", "init"], env: ["MDT_HOME": home], home: s.path)
        #expect(i2.status == 1)
        #expect(i2.stderr == "mdt: \(home)/mdt.toml already exists; use --force to overwrite it\n")
        let i3 = try MDTBinary.run(["config", "init", "--force"], env: ["MDT_HOME": home], home: s.path)
        #expect(i3.status == 0)
        // The written file is read back as all-defaults.
        let shown = try MDTBinary.run(["config"], env: ["MDT_HOME": home], home: s.path)
        #expect(shown.status == 0)
        #expect(shown.stdout.hasPrefix("# config file: \(home)/mdt.toml\n"))
    }

    /// `mdt config | (reader already gone)`: the write hits EPIPE; mdt exits 0 with nothing on stderr.
    @Test func brokenPipeExitsZeroQuietly() throws {
        let s = try Scratch()
        defer { s.remove() }
        // The reader closes its end, then releases the writer through a FIFO, so the pipe has no reader
        // when mdt writes (deterministic, no sleeps).
        let fifo = s.path + "/go"
        let script = """
            set -o pipefail
            mkfifo '\(fifo)'
            { cat '\(fifo)' > /dev/null; exec '\(MDTBinary.path)' config 2> '\(s.path)/stderr'; } | { exec 0<&-; echo go > '\(fifo)'; }
            echo "status=$?"
            """
        let r = try MDTBinary.runProcess("/bin/bash", ["-c", script], environment: ["PATH": "/usr/bin:/bin", "HOME": s.path, "MDT_HOME": s.path])
        #expect(r.stdout == "status=0\n", "\(r.stderr)")
        let stderr = try String(contentsOfFile: s.path + "/stderr", encoding: .utf8)
        #expect(stderr.isEmpty)
    }
}
