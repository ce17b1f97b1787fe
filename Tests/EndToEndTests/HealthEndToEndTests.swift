import Foundation
import MDTTestSupport
import Testing

/// `mdt health` as a user runs it: the built binary (`swift build` first), its stdout, stderr, exit code.
@Suite(.serialized) struct HealthEndToEndTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static let binary = TestServices.repoRoot.appendingPathComponent(".build/debug/mdt").path

    /// Runs `mdt args` with `env` added to a minimal environment (no inherited MDT_* values).
    static func mdt(_ args: [String], env: [String: String] = [:], timeout: Double = 60) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Failure(description: "\(binary) is missing: run `swift build` first")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mdt-health-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": dir.path,
                           "MDT_HOME": dir.appendingPathComponent("home").path]
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            p.terminate()
            p.waitUntilExit()
            throw Failure(description: "mdt \(args.joined(separator: " ")) did not finish within \(timeout)s")
        }
        return Run(status: p.terminationStatus,
                   stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    /// Environment pointing at the services of `scripts/services.sh up`.
    static func serviceEnv(database: String? = nil) throws -> [String: String] {
        [
            "MDT_CLICKHOUSE_URL": try TestServices.require(.clickhouse),
            "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
            "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword,
            "MDT_CLICKHOUSE_DATABASE": database ?? TestServices.clickhouseDatabase,
            "MDT_KAFKA_BROKERS": try TestServices.require(.kafka),
            "MDT_REDIS_URL": try TestServices.require(.redis),
            "MDT_IQFEED_HOST": "none",
        ]
    }

    static var servicesUp: Bool {
        TestServices.available(.clickhouse) && TestServices.available(.redis) && TestServices.available(.kafka)
    }

    /// SQL over ClickHouse's HTTP interface with curl (credentials through stdin, never argv).
    static func clickhouse(_ sql: String) throws {
        let url = try TestServices.require(.clickhouse)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-sS", "-f", "-K", "-", "--data-binary", sql, url + "/"]
        let input = Pipe()
        p.standardInput = input
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        input.fileHandleForWriting.write(Data("user = \"\(TestServices.clickhouseUser):\(TestServices.clickhousePassword)\"\n".utf8))
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw Failure(description: "clickhouse: '\(sql.prefix(80))' failed") }
    }

    /// A database with tables named like mdt's (enough columns for the checks) and one fresh tick.
    static func makeDatabase() throws -> String {
        let name = "mdt_health_e2e_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        try clickhouse("CREATE DATABASE \(name)")
        for t in ["market_ticks", "market_l1", "market_l2", "market_bars", "market_metrics"] {
            try clickhouse("CREATE TABLE \(name).\(t) (symbol String, ts UInt64, seq UInt64) ENGINE = MergeTree ORDER BY (symbol, ts)")
        }
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let now = Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
        try clickhouse("INSERT INTO \(name).market_ticks VALUES ('AAPL', \(now - 1_000_000_000), 1)")
        return name
    }

    // MARK: - Usage

    @Test func badComponentIsAUsageError() throws {
        let r = try Self.mdt(["health", "--component", "kafka,zookeeper"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("unknown component 'zookeeper'"))
        #expect(r.stderr.contains("clickhouse, kafka, redis, iqfeed, manifest, freshness"))
        #expect(r.stdout.isEmpty)
        let w = try Self.mdt(["health", "-w", "900", "-c", "100"])
        #expect(w.status == 64)
        #expect(w.stderr.contains("above critical"))
    }

    // MARK: - Against the real services

    @Test(.enabled(if: servicesUp)) func allOKAgainstRealServices() throws {
        let db = try Self.makeDatabase()
        defer { try? Self.clickhouse("DROP DATABASE IF EXISTS \(db)") }
        let env = try Self.serviceEnv(database: db)
        let text = try Self.mdt(["health", "-t", "5"], env: env)
        #expect(text.status == 0, "\(text.all)")
        #expect(text.stdout.contains("overall: OK"))
        #expect(text.stdout.contains("iqfeed      SKIPPED"))
        for c in ["clickhouse", "kafka", "redis", "manifest", "freshness"] {
            #expect(text.stdout.split(separator: "\n").contains { $0.hasPrefix(c) && $0.contains(" OK ") }, "\(c) OK in\n\(text.stdout)")
        }

        let json = try Self.mdt(["health", "--json", "-t", "5"], env: env)
        #expect(json.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(obj["status"] as? String == "OK")
        #expect(obj["exit_code"] as? Int == 0)
        let checks = try #require(obj["checks"] as? [[String: Any]])
        #expect(checks.count == 6)
        #expect(Set(checks.compactMap { $0["component"] as? String }) == ["clickhouse", "kafka", "redis", "iqfeed", "manifest", "freshness"])

        let nagios = try Self.mdt(["health", "--nagios", "--skip", "iqfeed", "-w", "2000,120", "-c", "4000,600"], env: env)
        #expect(nagios.status == 0)
        #expect(nagios.stdout.hasPrefix("MDT OK - clickhouse, kafka, redis, manifest, freshness OK | "), "\(nagios.stdout)")
        #expect(nagios.stdout.filter { $0 == "\n" }.count == 1)
        #expect(nagios.stdout.contains("redis_latency="))
        #expect(nagios.stdout.contains(";2000;4000;0"))
        #expect(nagios.stdout.range(of: #"tick_age_seconds=[0-9.]+s;120;600;0"#, options: .regularExpression) != nil, "\(nagios.stdout)")
    }

    @Test(.enabled(if: servicesUp)) func prometheusFileAndNoSecretAnywhere() throws {
        let db = try Self.makeDatabase()
        defer { try? Self.clickhouse("DROP DATABASE IF EXISTS \(db)") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mdt-health-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let prom = dir.appendingPathComponent("mdt.prom").path
        let env = try Self.serviceEnv(database: db)
        let secret = TestServices.clickhousePassword
        #expect(!secret.isEmpty, "the test ClickHouse user has a password")

        let r = try Self.mdt(["health", "--prometheus", prom, "--json"], env: env)
        #expect(r.status == 0, "\(r.all)")
        let text = try String(contentsOfFile: prom, encoding: .utf8)
        #expect(text.contains("mdt_health_status{component=\"clickhouse\"} 0"))
        #expect(text.contains("mdt_health_status{component=\"redis\"} 0"))
        #expect(text.contains("mdt_health_overall_status 0"))
        #expect(text.contains("# TYPE mdt_health_latency_seconds gauge"))
        #expect(text.range(of: #"mdt_tick_age_seconds [0-9.e+-]+\n"#, options: .regularExpression) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["mdt.prom"])

        var outputs = [r.all, text]
        for args in [["health"], ["health", "--json"], ["health", "--nagios"], ["health", "--prometheus", "-"], ["health", "-v"]] {
            outputs.append(try Self.mdt(args, env: env).all)
        }
        // A wrong password must not be echoed either.
        var wrongEnv = env
        let wrong = "Wr0ng-" + UUID().uuidString
        wrongEnv["MDT_CLICKHOUSE_PASSWORD"] = wrong
        let bad = try Self.mdt(["health", "--nagios", "--component", "clickhouse"], env: wrongEnv)
        #expect(bad.status == 2)
        #expect(bad.stdout.hasPrefix("MDT CRITICAL - clickhouse CRITICAL: ClickHouse at "))
        #expect(bad.stdout.contains("rejected user"))
        for o in outputs + [bad.all] {
            #expect(!o.contains(secret), "the ClickHouse password leaked")
            #expect(!o.contains(wrong))
        }
    }

    @Test(.enabled(if: servicesUp)) func unreachableHostExitsCriticalNamingHostPort() throws {
        let env = try Self.serviceEnv()
        let cases: [(String, [String], String)] = [
            ("clickhouse", ["--clickhouse-url", "http://127.0.0.1:1"], "127.0.0.1:1"),
            ("kafka", ["--brokers", "127.0.0.1:1"], "127.0.0.1:1"),
            ("redis", ["--redis-url", "redis://127.0.0.1:1"], "127.0.0.1:1"),
            ("iqfeed", ["--iqfeed-host", "127.0.0.1", "--admin-port", "1"], "127.0.0.1:1"),
        ]
        for (component, flags, where_) in cases {
            let start = Date()
            let r = try Self.mdt(["health", "--nagios", "-t", "2", "--component", component] + flags, env: env)
            #expect(Date().timeIntervalSince(start) < 10)
            #expect(r.status == 2, "\(component): \(r.all)")
            #expect(r.stdout.hasPrefix("MDT CRITICAL - \(component) CRITICAL: "), "\(r.stdout)")
            #expect(r.stdout.contains(where_), "\(component): \(r.stdout)")
        }
    }

    @Test(.enabled(if: servicesUp)) func serveAnswersStatusAndMetrics() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else { throw Failure(description: "\(Self.binary) missing") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["health", "--serve", "127.0.0.1:0", "--component", "kafka,redis"]
        var environment = try Self.serviceEnv()
        environment["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        environment["MDT_HOME"] = FileManager.default.temporaryDirectory.appendingPathComponent("mdt-serve-\(UUID().uuidString)").path
        p.environment = environment
        let errPipe = Pipe()
        p.standardError = errPipe
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        defer {
            p.terminate()
            p.waitUntilExit()
        }
        // The first stderr line names the bound port.
        var stderr = ""
        let deadline = Date().addingTimeInterval(20)
        while !stderr.contains("\n") && Date() < deadline && p.isRunning {
            let chunk = errPipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stderr += String(decoding: chunk, as: UTF8.self)
        }
        let match = try #require(stderr.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression), "stderr: \(stderr)")
        let base = String(stderr[match])

        let status = try Self.curl(base + "/api/status/")
        #expect(status.code == 200)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(status.body.utf8)) as? [String: Any])
        #expect(obj["status"] as? String == "OK")
        #expect((obj["checks"] as? [[String: Any]])?.count == 2)

        let metrics = try Self.curl(base + "/metrics")
        #expect(metrics.code == 200)
        #expect(metrics.body.contains("mdt_health_status{component=\"kafka\"} 0"))
        #expect(metrics.body.contains("mdt_health_status{component=\"redis\"} 0"))

        #expect(try Self.curl(base + "/nope").code == 404)
        #expect(p.isRunning)
    }

    static func curl(_ url: String) throws -> (code: Int, body: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["curl", "-sS", "-m", "20", "-w", "\n%{http_code}", url]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let nl = text.lastIndex(of: "\n"), let code = Int(text[text.index(after: nl)...]) else {
            throw Failure(description: "curl \(url): unexpected output '\(text.prefix(200))'")
        }
        return (code, String(text[..<nl]))
    }
}
