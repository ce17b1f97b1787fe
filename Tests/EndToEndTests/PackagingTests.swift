import Foundation
import MarketData
import MDTTestSupport
import Testing

/// What operators install and run besides the binary: generated completions, man pages and init.sql,
/// `make install`, the wrapper scripts, the deployment stack in infrastructure/.
@Suite struct PackagingTests {
    static let repo = TestServices.repoRoot.path

    /// Runs a tool (not mdt) with PATH limited to the system directories plus `env`.
    static func tool(_ command: String, _ arguments: [String], env: [String: String] = [:], home: String) throws -> MDTBinary.Result {
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"]
        environment.merge(env) { _, b in b }
        return try MDTBinary.runProcess("/usr/bin/env", [command] + arguments, environment: environment)
    }

    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    static func files(in dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    // MARK: generated files

    @Test func generatedDocsMatchTheBinary() throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try Self.tool(Self.repo + "/scripts/generate-docs.sh", ["--bin", MDTBinary.path, "--out", s.path], home: s.path)
        #expect(r.status == 0, "generate-docs.sh failed: \(r.stderr)")
        for dir in ["completions", "man"] {
            let fresh = Self.files(in: s.path + "/" + dir)
            let committed = Self.files(in: Self.repo + "/" + dir)
            #expect(!fresh.isEmpty)
            #expect(fresh == committed, "\(dir)/ differs from the binary's (files \(committed) vs \(fresh)): run scripts/generate-docs.sh")
            for name in fresh where committed.contains(name) {
                let a = try Self.read(s.path + "/\(dir)/\(name)")
                let b = try Self.read(Self.repo + "/\(dir)/\(name)")
                #expect(a == b, "\(dir)/\(name) is stale: run scripts/generate-docs.sh")
            }
        }
        #expect(Self.files(in: s.path + "/man").contains("mdt.1"))
        for sub in ["collect", "download", "replay", "book", "query", "topics", "health", "bench", "config"] {
            #expect(Self.files(in: s.path + "/man").contains("mdt-\(sub).1"), "no man page for \(sub)")
        }
        let initSQL = s.path + "/infrastructure/clickhouse/init.sql"
        #expect(try Self.read(initSQL) == Self.read(Self.repo + "/infrastructure/clickhouse/init.sql"),
                "infrastructure/clickhouse/init.sql is stale: run scripts/generate-docs.sh")
    }

    @Test func initSQLIsTheModernSchema() throws {
        let text = try Self.read(Self.repo + "/infrastructure/clickhouse/init.sql")
        let body = text.split(separator: "\n", omittingEmptySubsequences: false)
            .drop { $0.hasPrefix("--") || $0.isEmpty }
            .joined(separator: "\n")
        let expected = MarketSchema.script(dialect: .modern, database: "l2_market_data")
        #expect(body == expected, "infrastructure/clickhouse/init.sql differs from MarketSchema.script(dialect: .modern): run scripts/generate-docs.sh")
        for table in MarketTable.allCases {
            #expect(body.contains("CREATE TABLE IF NOT EXISTS l2_market_data.\(table.rawValue)"))
        }
        #expect(body.contains("DateTime64(9, 'UTC')"))
    }

    @Test func manPagesRenderWithoutWarnings() throws {
        let s = try Scratch()
        defer { s.remove() }
        let pages = Self.files(in: Self.repo + "/man")
        #expect(pages.count >= 10)
        for page in pages {
            let r = try Self.tool("groff", ["-man", "-Tutf8", "-ww", "-z", Self.repo + "/man/" + page], home: s.path)
            #expect(r.status == 0 && r.stderr.isEmpty, "man/\(page): \(r.stderr)")
            let text = try Self.read(Self.repo + "/man/" + page)
            for section in [".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH EXIT STATUS", ".SH ENVIRONMENT", ".SH FILES", ".SH SEE ALSO"] {
                #expect(text.contains(section), "man/\(page) has no \(section)")
            }
        }
        let health = try Self.read(Self.repo + "/man/mdt-health.1")
        #expect(health.contains(".B 3\nUNKNOWN"))
        let root = try Self.read(Self.repo + "/man/mdt.1")
        #expect(root.contains(".B 78\n") && root.contains(".B 69\n") && root.contains("MDT_CLICKHOUSE_URL"))
    }

    // MARK: make install

    @Test func makeInstallPutsBinaryManPagesAndCompletionsUnderPrefix() throws {
        let s = try Scratch()
        defer { s.remove() }
        let prefix = s.path + "/prefix"
        let r = try Self.tool("make", ["-C", Self.repo, "install", "PREFIX=" + prefix, "BIN=" + MDTBinary.path], home: s.path)
        #expect(r.status == 0, "make install: \(r.stdout)\(r.stderr)")
        #expect(!r.stdout.contains("swift build"), "make install rebuilt although BIN was given")
        #expect(FileManager.default.isExecutableFile(atPath: prefix + "/bin/mdt"))
        let version = try MDTBinary.runProcess(prefix + "/bin/mdt", ["--version"], environment: ["HOME": s.path])
        #expect(version.status == 0 && version.stdout == "0.1.0\n")

        let pages = Self.files(in: prefix + "/share/man/man1")
        #expect(pages == Self.files(in: Self.repo + "/man"))
        let man = try Self.tool("man", ["-l", prefix + "/share/man/man1/mdt.1"], env: ["MANPAGER": "cat", "MANWIDTH": "80"], home: s.path)
        #expect(man.status == 0, "man -l: \(man.stderr)")
        #expect(man.stdout.contains("EXIT STATUS") && man.stdout.contains("mdt-health(1)"))

        let completion = prefix + "/share/bash-completion/completions/mdt"
        let bash = try Self.tool("bash", ["-c", "source \"$1\" && complete -p mdt", "bash", completion], home: s.path)
        #expect(bash.status == 0, "bash completion: \(bash.stderr)")
        #expect(bash.stdout.hasPrefix("complete ") && bash.stdout.hasSuffix(" mdt\n"), "complete -p mdt printed \(bash.stdout)")
        #expect(FileManager.default.fileExists(atPath: prefix + "/share/zsh/site-functions/_mdt"))
        #expect(FileManager.default.fileExists(atPath: prefix + "/share/fish/vendor_completions.d/mdt.fish"))

        let un = try Self.tool("make", ["-C", Self.repo, "uninstall", "PREFIX=" + prefix], home: s.path)
        #expect(un.status == 0)
        #expect(!FileManager.default.fileExists(atPath: prefix + "/bin/mdt"))
        #expect(Self.files(in: prefix + "/share/man/man1").isEmpty)
    }

    @Test func bashCompletionCompletesSubcommands() throws {
        let s = try Scratch()
        defer { s.remove() }
        // Drive the completion function the way bash does after `mdt he<TAB>`.
        let script = """
            source "$1"
            COMP_WORDS=(mdt he); COMP_CWORD=1; COMP_LINE="mdt he"; COMP_POINT=${#COMP_LINE}
            fn=$(complete -p mdt | sed -E 's/.* -F ([^ ]+) .*/\\1/')
            "$fn" mdt he mdt
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = try Self.tool("bash", ["-c", script, "bash", Self.repo + "/completions/mdt.bash"],
                              env: ["PATH": "/usr/bin:/bin:" + (MDTBinary.path as NSString).deletingLastPathComponent], home: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").contains("health"), "completions for `mdt he`: \(r.stdout)")
    }

    // MARK: scripts

    @Test func scriptsAreShellcheckClean() throws {
        let s = try Scratch()
        defer { s.remove() }
        let scripts = Self.files(in: Self.repo + "/scripts").filter { $0.hasSuffix(".sh") }.map { "scripts/" + $0 }
        #expect(scripts.count >= 9)
        let r = try Self.tool("bash", ["-c", "cd \"$1\" && shift && exec shellcheck \"$@\"", "bash", Self.repo] + scripts + [".ci/run"], home: s.path)
        #expect(r.status == 0, "shellcheck:\n\(r.stdout)\(r.stderr)")
    }

    static let wrappers = ["create-topics.sh", "health-check.sh", "reset-kafka.sh", "start-background.sh", "stop-background.sh", "generate-docs.sh",
                           "bench-instructions.sh", "bench-soak.sh"]

    @Test(arguments: wrappers) func scriptHasHelpAndStrictMode(_ name: String) throws {
        let s = try Scratch()
        defer { s.remove() }
        let path = Self.repo + "/scripts/" + name
        #expect(FileManager.default.isExecutableFile(atPath: path))
        #expect(try Self.read(path).contains("\nset -euo pipefail\n"))
        let r = try Self.tool(path, ["--help"], home: s.path)
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("Usage: scripts/\(name)"), "\(r.stdout)")
    }

    @Test(arguments: ["bench-instructions.sh", "bench-soak.sh"]) func benchScriptRejectsAnUnknownFlag(_ name: String) throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try Self.tool(Self.repo + "/scripts/" + name, ["--no-such-flag"], home: s.path)
        #expect(r.status == 64, "\(name) --no-such-flag exited \(r.status)")
        #expect(r.stderr.contains("unknown argument '--no-such-flag'"), "\(r.stderr)")
    }

    @Test func wrappersRunTheBinaryFromMDTBinAndPassItsExitCodeThrough() throws {
        let s = try Scratch()
        defer { s.remove() }
        let env = ["MDT_BIN": MDTBinary.path, "MDT_HOME": s.path + "/home"]
        // A usage error in mdt comes back as mdt's 64.
        for name in ["create-topics.sh", "reset-kafka.sh", "start-background.sh", "stop-background.sh", "health-check.sh"] {
            let r = try Self.tool(Self.repo + "/scripts/" + name, ["--no-such-flag"], env: env, home: s.path)
            #expect(r.status == 64, "\(name) --no-such-flag exited \(r.status): \(r.stderr)")
        }
        // A missing binary is named.
        let missing = try Self.tool(Self.repo + "/scripts/create-topics.sh", [], env: ["MDT_BIN": s.path + "/nope"], home: s.path)
        #expect(missing.status == 69 && missing.stderr.contains("MDT_BIN=\(s.path)/nope is not executable"))
        // As a Nagios plugin a missing binary is UNKNOWN (3) with one status line on stdout.
        let unknown = try Self.tool(Self.repo + "/scripts/health-check.sh", [], env: ["MDT_BIN": s.path + "/nope"], home: s.path)
        #expect(unknown.status == 3 && unknown.stdout.hasPrefix("MDT UNKNOWN - "))
        // mdt's own error line and status come through unchanged.
        let stop = try Self.tool(Self.repo + "/scripts/stop-background.sh", ["nothing-here"], env: env, home: s.path)
        #expect(stop.status == 1 && stop.stderr.contains("no collector named 'nothing-here'"), "stop-background.sh: \(stop.stderr)")
    }

    @Test func healthCheckIsCriticalWhenRedisIsUnreachable() throws {
        let s = try Scratch()
        defer { s.remove() }
        let env = ["MDT_BIN": MDTBinary.path, "MDT_HOME": s.path + "/home"]
        let r = try Self.tool(Self.repo + "/scripts/health-check.sh",
                              ["-w", "500,60", "-c", "2000,300", "-t", "2", "--component", "redis", "--redis-url", "redis://127.0.0.1:1"],
                              env: env, home: s.path)
        #expect(r.status == 2, "health-check.sh exited \(r.status): \(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("MDT CRITICAL"), "\(r.stdout)")
        #expect(r.stdout.split(separator: "\n").count == 1)
    }

    @Test(.enabled(if: TestServices.available(.redis))) func healthCheckIsOKWithARealRedis() throws {
        let url = try TestServices.require(.redis)
        let s = try Scratch()
        defer { s.remove() }
        let env = ["MDT_BIN": MDTBinary.path, "MDT_HOME": s.path + "/home"]
        let r = try Self.tool(Self.repo + "/scripts/health-check.sh", ["-t", "5", "--component", "redis", "--redis-url", url], env: env, home: s.path)
        #expect(r.status == 0, "health-check.sh exited \(r.status): \(r.stdout)\(r.stderr)")
        #expect(r.stdout.hasPrefix("MDT OK"), "\(r.stdout)")
    }

    // MARK: infrastructure

    /// docker-compose.yml parsed by PyYAML and handed over as JSON.
    static func compose() throws -> [String: Any] {
        let s = try Scratch()
        defer { s.remove() }
        let py = "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))"
        let r = try tool("python3", ["-c", py, repo + "/infrastructure/docker-compose.yml"], home: s.path)
        guard r.status == 0, let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any] else {
            throw MDTBinary.NotBuilt(path: "python3 yaml parse failed: \(r.stderr)")
        }
        return json
    }

    @Test func composeStackHasTheServicesPortsHealthchecksAndVolumes() throws {
        let doc = try Self.compose()
        let services = try #require(doc["services"] as? [String: Any])
        #expect(Set(services.keys) == ["kafka", "clickhouse", "redis", "kafka-ui"])
        #expect(!services.keys.contains { $0.contains("zookeeper") })
        let expectedPorts: [String: [String]] = [
            "kafka": ["9092:9092"], "clickhouse": ["8123:8123", "9000:9000"], "redis": ["6380:6379"], "kafka-ui": ["8080:8080"],
        ]
        for (name, ports) in expectedPorts {
            let service = try #require(services[name] as? [String: Any], "no service \(name)")
            #expect((service["ports"] as? [String]) == ports, "\(name) ports")
            let health = try #require(service["healthcheck"] as? [String: Any], "\(name) has no healthcheck")
            #expect(health["test"] != nil)
            #expect(service["image"] is String)
        }
        // Kafka in KRaft mode: it is its own controller, and nothing points at ZooKeeper.
        let kafka = try #require(services["kafka"] as? [String: Any])
        let env = try #require(kafka["environment"] as? [String: Any])
        #expect((env["KAFKA_PROCESS_ROLES"] as? String)?.contains("controller") == true)
        #expect(env["KAFKA_CONTROLLER_QUORUM_VOTERS"] != nil)
        #expect(!env.keys.contains { $0.contains("ZOOKEEPER") })
        // Named volumes, each declared at the top level.
        let volumes = try #require(doc["volumes"] as? [String: Any])
        #expect(Set(volumes.keys) == ["kafka-data", "clickhouse-data", "redis-data"])
        for name in ["kafka", "clickhouse", "redis"] {
            let service = try #require(services[name] as? [String: Any])
            let mounts = (service["volumes"] as? [String]) ?? []
            #expect(mounts.contains { $0.hasPrefix("\(name)-data:") }, "\(name) keeps its data in a named volume")
        }
        // ClickHouse runs mdt's schema on first start; Redis reads infrastructure/redis.conf.
        let ch = try #require(services["clickhouse"] as? [String: Any])
        #expect(((ch["volumes"] as? [String]) ?? []).contains("./clickhouse/init.sql:/docker-entrypoint-initdb.d/init.sql:ro"))
        let redis = try #require(services["redis"] as? [String: Any])
        #expect(((redis["volumes"] as? [String]) ?? []).contains("./redis.conf:/usr/local/etc/redis/redis.conf:ro"))
        #expect(((redis["command"] as? [String]) ?? []).contains("/usr/local/etc/redis/redis.conf"))
    }

    @Test func redisConfIsDurableAndBounded() throws {
        var settings: [String: String] = [:]
        for raw in try Self.read(Self.repo + "/infrastructure/redis.conf").split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { settings[parts[0]] = parts[1] }
        }
        #expect(settings["appendonly"] == "yes")
        #expect(settings["maxmemory"]?.lowercased() == "2gb")
        #expect(settings["maxmemory-policy"] == "allkeys-lru")
    }

    @Test func redisConfIsAcceptedByRedisServer() throws {
        let s = try Scratch()
        defer { s.remove() }
        // redis-server --test-memory is not a config check; start it on a free port with the file, read CONFIG GET, stop it.
        let r = try Self.tool("bash", ["-c", """
            set -e
            conf="$1"; dir="$2"
            trap 'if [ -f "$dir/r.pid" ]; then kill "$(cat "$dir/r.pid")" 2>/dev/null || true; fi' EXIT
            port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
            redis-server "$conf" --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$dir/r.pid" --logfile "$dir/r.log" >/dev/null
            for _ in $(seq 100); do redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && break; sleep 0.05; done
            redis-cli -p "$port" config get maxmemory-policy | tail -n 1
            redis-cli -p "$port" config get maxmemory | tail -n 1
            redis-cli -p "$port" config get appendonly | tail -n 1
            redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true
            """, "bash", Self.repo + "/infrastructure/redis.conf", s.path], home: s.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "allkeys-lru\n2147483648\nyes\n", "\(r.stdout)")
    }

    @Test func envTemplateNamesEveryVariableTheComposeFileRequires() throws {
        let compose = try Self.read(Self.repo + "/infrastructure/docker-compose.yml")
        let template = try Self.read(Self.repo + "/infrastructure/.env.template")
        let required = try NSRegularExpression(pattern: #"\$\{([A-Z_]+):\?"#)
        let names = required.matches(in: compose, range: NSRange(compose.startIndex..., in: compose)).compactMap {
            Range($0.range(at: 1), in: compose).map { String(compose[$0]) }
        }
        #expect(names.contains("CLICKHOUSE_PASSWORD") && names.contains("REDIS_PASSWORD"))
        for name in names {
            #expect(template.contains("\n\(name)="), ".env.template lacks \(name)")
        }
    }
}
