import ClickHouse
import Foundation
import IQFeedServer
import Kafka
import MDTTestSupport
import Manifest
import MarketData
import Pipeline
import Redis
import Testing

@testable import MDTCommands

/// `mdt health` checks against the real services from `scripts/services.sh up`, mdt's own IQFeed
/// server, a private redis-server, and a manifest in a temp home.
@Suite struct HealthServiceTests {
    /// A private ClickHouse database with mdt's tables and one fresh tick; dropped by `remove()`.
    struct TestDatabase {
        let client: ClickHouseClient
        let name: String

        init() throws {
            let url = try TestServices.require(.clickhouse)
            client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
            name = "mdt_health_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
            let dialect = SQLDialect(serverVersion: try client.serverVersion().text)
            for sql in MarketSchema.createStatements(dialect: dialect, database: name) { try client.execute(sql) }
            let now = HealthClock.wallNanos()
            try client.execute("INSERT INTO \(name).market_ticks (symbol, ts, receive_ts, seq) VALUES ('AAPL', \(dialect.nanosLiteral(now - 2_000_000_000)), \(dialect.nanosLiteral(now)), 1)")
        }

        func remove() { _ = try? client.execute("DROP DATABASE IF EXISTS \(name)") }
    }

    static func environment(home: String, database: String, adminPort: UInt16?) throws -> [String: String] {
        var env: [String: String] = [
            "MDT_HOME": home,
            "MDT_CLICKHOUSE_URL": try TestServices.require(.clickhouse),
            "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
            "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword,
            "MDT_CLICKHOUSE_DATABASE": database,
            "MDT_KAFKA_BROKERS": try TestServices.require(.kafka),
            "MDT_REDIS_URL": try TestServices.require(.redis),
        ]
        if let adminPort {
            env["MDT_IQFEED_HOST"] = "127.0.0.1"
            env["MDT_IQFEED_ADMIN_PORT"] = String(adminPort)
        }
        return env
    }

    static func config(_ env: [String: String], timeout: Double = 3) throws -> HealthProbeConfig {
        let settings = try SettingsResolver.resolve(SettingsInput(environment: env, readConfigFile: false))
        return HealthProbeConfig(settings: settings, timeout: timeout)
    }

    static func iqfeedServer(connected: Bool) throws -> IQFeedServer {
        var cfg = IQFeedServerConfiguration()
        cfg.ports = [.admin: 0]
        cfg.tickInterval = 0.1
        cfg.connected = connected
        cfg.messagesPerSecond = 10
        let s = IQFeedServer(configuration: cfg)
        try s.start()
        return s
    }

    static var servicesUp: Bool {
        TestServices.available(.clickhouse) && TestServices.available(.redis) && TestServices.available(.kafka)
    }

    @Test(.enabled(if: servicesUp)) func everythingOKAgainstRealServices() throws {
        let db = try TestDatabase()
        defer { db.remove() }
        let home = try TempDir()
        defer { home.remove() }
        let manifest = try Manifest.open(path: Manifest.defaultPath(home: home.path))
        try manifest.registerProcess(name: "collect-health-test", command: "mdt collect")
        let iq = try Self.iqfeedServer(connected: true)
        defer { iq.stop() }

        let adminPort = try #require(iq.port(.admin))
        let config = try Self.config(Self.environment(home: home.path, database: db.name, adminPort: adminPort))
        let report = HealthRunner.run(Set(HealthComponent.allCases), config: config)
        for c in report.checks {
            #expect(c.status == .ok, "\(c.component): \(c.status) \(c.message)")
        }
        #expect(report.status == .ok)
        #expect(report.checks.count == 6)
        #expect(report.check(.clickhouse)?.message.contains("5 tables present") == true)
        #expect(report.check(.kafka)?.metrics.first { $0.name == "kafka_brokers" }.map { $0.value >= 1 } == true)
        #expect(report.check(.redis)?.message.contains("role master") == true)
        #expect(report.check(.iqfeed)?.message.contains("Connected") == true)
        #expect(report.check(.manifest)?.message.contains("collect-health-test (pid \(getpid()))") == true)
        let age = try #require(report.check(.freshness)?.metrics.first { $0.name == "tick_age_seconds" }?.value)
        #expect(age >= 1 && age < 120, "tick age \(age)")
        for c in report.checks where c.component != .manifest && c.component != .freshness {
            #expect(c.latency != nil, "\(c.component) has a latency")
        }
        let secret = TestServices.clickhousePassword
        if !secret.isEmpty {
            for text in [HealthRendering.text(report), HealthRendering.json(report), HealthRendering.prometheus(report),
                         HealthRendering.nagios(report, thresholds: config.thresholds)] {
                #expect(!text.contains(secret))
            }
        }
    }

    @Test(.enabled(if: servicesUp)) func missingTablesAreAWarningNamingThem() throws {
        let url = try TestServices.require(.clickhouse)
        let client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
        let name = "mdt_health_partial_" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let dialect = SQLDialect(serverVersion: try client.serverVersion().text)
        try client.execute("CREATE DATABASE \(name)")
        defer { _ = try? client.execute("DROP DATABASE IF EXISTS \(name)") }
        try client.execute(MarketSchema.createTable(.ticks, dialect: dialect, database: name)[0])
        let home = try TempDir()
        defer { home.remove() }
        let config = try Self.config(Self.environment(home: home.path, database: name, adminPort: nil))
        let report = HealthRunner.run([.clickhouse], config: config)
        let ch = try #require(report.check(.clickhouse))
        #expect(ch.status == .warning)
        #expect(ch.message.contains("market_l1, market_l2, market_bars, market_metrics"))
        #expect(!ch.message.contains("market_ticks"))
        #expect(report.status.exitCode == 1)
    }

    @Test(.enabled(if: servicesUp)) func unreachableHostsAreCriticalNamingHostPort() throws {
        let home = try TempDir()
        defer { home.remove() }
        var env = try Self.environment(home: home.path, database: "x", adminPort: 1)
        env["MDT_CLICKHOUSE_URL"] = "http://127.0.0.1:1"
        env["MDT_KAFKA_BROKERS"] = "127.0.0.1:1"
        env["MDT_REDIS_URL"] = "redis://127.0.0.1:1"
        let start = HealthClock.monotonic()
        let report = HealthRunner.run([.clickhouse, .kafka, .redis, .iqfeed, .freshness], config: try Self.config(env, timeout: 2))
        #expect(HealthClock.monotonic() - start < 2 + HealthRunner.grace + 0.5)
        for c in [HealthComponent.clickhouse, .kafka, .redis, .iqfeed] {
            let check = try #require(report.check(c))
            #expect(check.status == .critical, "\(c): \(check.message)")
            #expect(check.message.contains("127.0.0.1:1"), "\(c): \(check.message)")
        }
        #expect(report.check(.freshness)?.status == .unknown)
        #expect(report.status.exitCode == 2)
    }

    @Test(.enabled(if: TestServices.available(.clickhouse))) func wrongClickHousePasswordIsACriticalAuthError() throws {
        let home = try TempDir()
        defer { home.remove() }
        let wrong = "wrong-" + UUID().uuidString
        var env = try Self.environment(home: home.path, database: TestServices.clickhouseDatabase, adminPort: nil)
        env["MDT_CLICKHOUSE_PASSWORD"] = wrong
        let config = try Self.config(env)
        let report = HealthRunner.run([.clickhouse, .freshness], config: config)
        let ch = try #require(report.check(.clickhouse))
        #expect(ch.status == .critical)
        #expect(ch.message.contains("rejected user '\(TestServices.clickhouseUser)'"), "\(ch.message)")
        #expect(ch.message.contains("check the user name and password"))
        for text in [HealthRendering.text(report), HealthRendering.json(report), HealthRendering.prometheus(report),
                     HealthRendering.nagios(report, thresholds: config.thresholds)] {
            #expect(!text.contains(wrong))
        }
    }

    @Test func iqfeedAdminConnectedAndNotConnected() throws {
        let iq = try Self.iqfeedServer(connected: false)
        defer { iq.stop() }
        var config = HealthProbeConfig(settings: Settings.defaults(), timeout: 3)
        config.iqfeed.host = "127.0.0.1"
        config.iqfeed.adminPort = Int(try #require(iq.port(.admin)))
        let down = HealthRunner.run([.iqfeed], config: config)
        #expect(down.check(.iqfeed)?.status == .critical)
        #expect(down.check(.iqfeed)?.message.contains("Not Connected") == true)
        #expect(down.check(.iqfeed)?.target == "127.0.0.1:\(config.iqfeed.adminPort)")
        iq.setConnected(true)
        let up = HealthRunner.run([.iqfeed], config: config)
        #expect(up.check(.iqfeed)?.status == .ok, "\(up.check(.iqfeed)?.message ?? "")")
        #expect(up.check(.iqfeed)?.message.contains("Connected to DTN") == true)
        #expect(up.status.exitCode == 0)
    }

    @Test func iqfeedSilentAdminPortTimesOut() throws {
        // A listener that accepts but never speaks: the check must give up at its timeout.
        let server = try HealthHTTPServer(address: "127.0.0.1:0") { HealthReport(checks: [], startedAt: 0, duration: 0) }
        defer { server.close() }
        var config = HealthProbeConfig(settings: Settings.defaults(), timeout: 0.5)
        config.iqfeed.host = "127.0.0.1"
        config.iqfeed.adminPort = server.port
        let start = HealthClock.monotonic()
        let check = IQFeedProbe.run(config)
        #expect(HealthClock.monotonic() - start < 2)
        #expect(check.status == .critical)
        #expect(check.message.contains("sent no S,STATS line within 0.5s"), "\(check.message)")
    }

    @Test func kafkaBrokerDownIsAWarningAndMissingTopicsAreNamed() throws {
        let cluster = try MockCluster(brokers: 3, logger: HealthProbeConfig.quietLogger)
        let topics = KafkaTopics.standard()
        for t in topics.dropLast() { try cluster.createTopic(t, partitions: 2) }
        var config = HealthProbeConfig(settings: Settings.defaults(), timeout: 3)
        config.kafka.brokers = cluster.bootstrapServers.split(separator: ",").map(String.init)
        let missing = try #require(HealthRunner.run([.kafka], config: config).check(.kafka))
        #expect(missing.status == .warning)
        #expect(missing.message.hasSuffix("missing topic(s) \(topics.last ?? "") (create them with `mdt topics create`)"), "\(missing.message)")
        #expect(missing.message.hasPrefix("3/3 broker(s) up"))

        try cluster.createTopic(topics.last ?? "", partitions: 2)
        #expect(HealthRunner.run([.kafka], config: config).check(.kafka)?.status == .ok)

        try cluster.setBrokerDown(2)
        let down = try #require(HealthRunner.run([.kafka], config: config).check(.kafka))
        #expect(down.status == .warning, "\(down.message)")
        #expect(down.message.contains("2/3 broker(s) up"))
        #expect(down.message.contains("unreachable: broker 2 at 127.0.0.1:"))
        #expect(down.metrics.first { $0.name == "kafka_brokers_up" }?.value == 2)
        try cluster.setBrokerUp(2)
    }

    @Test func deadPIDInTheManifestIsCriticalStale() throws {
        let home = try TempDir()
        defer { home.remove() }
        let manifest = try Manifest.open(path: Manifest.defaultPath(home: home.path))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        let dead = p.processIdentifier
        #expect(!Manifest.isAlive(pid: dead))
        try manifest.registerProcess(name: "loader-1", pid: dead, command: "mdt collect --role loader")
        try manifest.registerProcess(name: "collect-1", command: "mdt collect")
        let config = HealthProbeConfig(settings: Settings.defaults(home: home.path), timeout: 3)
        let report = HealthRunner.run([.manifest], config: config)
        let check = try #require(report.check(.manifest))
        #expect(check.status == .critical)
        #expect(check.message.contains("loader-1 (pid \(dead)) is dead"))
        #expect(check.message.contains("stale"))
        #expect(!check.message.contains("collect-1"))
        #expect(report.status.exitCode == 2)

        try manifest.unregisterProcess(name: "loader-1", pid: nil)
        let healed = HealthRunner.run([.manifest], config: config)
        #expect(healed.check(.manifest)?.status == .ok)
        // An old heartbeat (limit 0.05 s) is a warning.
        usleep(100_000)
        var strict = config
        strict.heartbeatMaxAge = 0.05
        #expect(HealthRunner.run([.manifest], config: strict).check(.manifest)?.status == .warning)
    }

    @Test func redisKilledMidCheckIsCriticalNotAHang() throws {
        let redis = try PrivateRedis()
        defer { redis.kill() }
        var config = HealthProbeConfig(settings: Settings.defaults(), timeout: 1)
        config.redis.url = "redis://127.0.0.1:\(redis.port)"
        #expect(HealthRunner.run([.redis], config: config).check(.redis)?.status == .ok)

        // Frozen: the connection is accepted by the kernel but PING never answers -> timeout, CRITICAL.
        redis.signal(SIGSTOP)
        var start = HealthClock.monotonic()
        let frozen = HealthRunner.run([.redis], config: config).check(.redis)
        #expect(HealthClock.monotonic() - start < 1 + HealthRunner.grace + 0.5)
        #expect(frozen?.status == .critical)
        #expect(frozen?.message.contains("127.0.0.1:\(redis.port)") == true, "\(frozen?.message ?? "")")

        // Killed while a check waits on it: the check ends at once (reset or refused), CRITICAL.
        config.timeout = 10
        let box = HealthRunner.Results()
        let slowConfig = config
        let t = Thread { box.set(.redis, HealthRunner.run([.redis], config: slowConfig).checks[0]) }
        start = HealthClock.monotonic()
        t.start()
        usleep(300_000)
        redis.kill()
        box.wait(count: 1, until: Date(timeIntervalSinceNow: 15))
        let killed = try #require(box.get(.redis))
        #expect(HealthClock.monotonic() - start < 5, "a killed server must not wait for the 10 s timeout")
        #expect(killed.status == .critical)
        #expect(killed.message.contains("127.0.0.1:\(redis.port)"), "\(killed.message)")
    }
}

/// A redis-server of our own on a free port (not daemonized, so we hold its pid).
final class PrivateRedis: @unchecked Sendable {
    let port: Int
    let process = Process()
    let dir: TempDir

    init() throws {
        dir = try TempDir()
        port = unusedPort()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if let c = try? RedisClient(configuration: RedisConfiguration(host: "127.0.0.1", port: port, connectTimeout: .milliseconds(200))),
               (try? c.ping()) != nil
            {
                return
            }
            usleep(20_000)
        }
        kill()
        throw PrivateRedisError(description: "redis-server on 127.0.0.1:\(port) did not answer PING within 10 s")
    }

    func signal(_ sig: Int32) { Foundation.kill(process.processIdentifier, sig) }

    func kill() {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        dir.remove()
    }
}

struct PrivateRedisError: Error, CustomStringConvertible { let description: String }

