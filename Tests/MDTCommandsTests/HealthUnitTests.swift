import Foundation
import IQFeed
import MarketData
import Testing

@testable import MDTCommands

/// Pure parts of `mdt health`: statuses, flags, market hours, verdicts, renderings, the runner's timeout.
@Suite struct HealthStatusTests {
    @Test func worstStatusOrdersCriticalOverUnknownOverWarning() {
        #expect(HealthStatus.worst([]) == .ok)
        #expect(HealthStatus.worst([.ok, .skipped]) == .ok)
        #expect(HealthStatus.worst([.skipped]) == .ok)
        #expect(HealthStatus.worst([.ok, .warning]) == .warning)
        #expect(HealthStatus.worst([.warning, .unknown]) == .unknown)
        #expect(HealthStatus.worst([.unknown, .critical, .warning]) == .critical)
    }

    @Test func exitCodesAreNagiosCodes() {
        #expect(HealthStatus.ok.exitCode == 0)
        #expect(HealthStatus.warning.exitCode == 1)
        #expect(HealthStatus.critical.exitCode == 2)
        #expect(HealthStatus.unknown.exitCode == 3)
        #expect(HealthStatus.skipped.exitCode == 0)
    }

    @Test func componentListParsing() throws {
        #expect(try HealthComponent.parseList(["kafka,redis", "ClickHouse"]) == [.kafka, .redis, .clickhouse])
        #expect(try HealthComponent.parseList([" kafka , ,kafka"]) == [.kafka])
        let error = #expect(throws: HealthUsageError.self) { try HealthComponent.parseList(["kafka,zookeeper"]) }
        #expect(error?.description.contains("'zookeeper'") == true)
        #expect(error?.description.contains("clickhouse, kafka, redis, iqfeed, manifest, freshness") == true)
    }

    @Test func thresholdParsing() throws {
        let d = try HealthThresholds.parse(warning: nil, critical: nil)
        #expect(d == HealthThresholds())
        let t = try HealthThresholds.parse(warning: "200,30", critical: ",600")
        #expect(t.warningLatencyMs == 200 && t.warningTickAge == 30)
        #expect(t.criticalLatencyMs == 5000 && t.criticalTickAge == 600)
        #expect(throws: HealthUsageError.self) { try HealthThresholds.parse(warning: "abc", critical: nil) }
        #expect(throws: HealthUsageError.self) { try HealthThresholds.parse(warning: "1,2,3", critical: nil) }
        #expect(throws: HealthUsageError.self) { try HealthThresholds.parse(warning: "-5", critical: nil) }
        let inverted = #expect(throws: HealthUsageError.self) { try HealthThresholds.parse(warning: "900", critical: "100") }
        #expect(inverted?.description.contains("above critical") == true)
        #expect(t.judgeLatency(seconds: 0.1) == .ok)
        #expect(t.judgeLatency(seconds: 0.2) == .warning)
        #expect(t.judgeLatency(seconds: 5) == .critical)
        #expect(t.judgeTickAge(seconds: 29) == .ok)
        #expect(t.judgeTickAge(seconds: 31) == .warning)
        #expect(t.judgeTickAge(seconds: 600) == .critical)
    }
}

@Suite struct MarketHoursTests {
    static func et(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Nanos {
        Eastern.utcNanos(year: y, month: m, day: d, hour: h, minute: mi)
    }

    @Test func extendedSessionOnTradingDays() {
        #expect(MarketHours.isOpen(Self.et(2026, 11, 23, 10)))       // Monday
        #expect(MarketHours.isOpen(Self.et(2026, 11, 23, 4, 0)))     // pre-market opens 04:00
        #expect(!MarketHours.isOpen(Self.et(2026, 11, 23, 3, 59)))
        #expect(MarketHours.isOpen(Self.et(2026, 11, 23, 19, 59)))
        #expect(!MarketHours.isOpen(Self.et(2026, 11, 23, 20, 0)))  // after-hours end at 20:00
        #expect(MarketHours.isOpen(Self.et(2026, 7, 14, 12)))        // summer (EDT) weekday
    }

    @Test func weekendsAndHolidaysAreClosed() {
        #expect(!MarketHours.isOpen(Self.et(2026, 11, 21, 12)))  // Saturday
        #expect(MarketHours.closedReason(Self.et(2026, 11, 22, 12)) == "weekend")
        #expect(!MarketHours.isOpen(Self.et(2026, 11, 26, 12)))  // Thanksgiving
        #expect(MarketHours.closedReason(Self.et(2026, 11, 26, 12)) == "NYSE holiday")
        #expect(!MarketHours.isOpen(Self.et(2026, 12, 25, 12)))  // Christmas
        #expect(!MarketHours.isOpen(Self.et(2026, 7, 3, 12)))    // Independence Day (Sat) observed Friday
        #expect(MarketHours.closedReason(Self.et(2026, 11, 23, 21)) == "after 20:00 ET")
        #expect(MarketHours.closedReason(Self.et(2026, 11, 23, 10)) == nil)
    }
}

@Suite struct HealthVerdictTests {
    static let open = MarketHoursTests.et(2026, 11, 23, 11)
    static let closed = MarketHoursTests.et(2026, 11, 22, 11)

    @Test func freshnessIsJudgedOnlyDuringMarketHours() {
        let t = HealthThresholds()
        let s = Time.nanosPerSecond
        #expect(FreshnessProbe.judge(newest: Self.open - 10 * s, now: Self.open, thresholds: t, table: "db.market_ticks").status == .ok)
        let warn = FreshnessProbe.judge(newest: Self.open - 100 * s, now: Self.open, thresholds: t, table: "db.market_ticks")
        #expect(warn.status == .warning)
        #expect(warn.message.contains("above warning 60s"))
        #expect(warn.metrics.first { $0.name == "tick_age_seconds" }?.value == 100)
        #expect(FreshnessProbe.judge(newest: Self.open - 400 * s, now: Self.open, thresholds: t, table: "t").status == .critical)
        #expect(FreshnessProbe.judge(newest: nil, now: Self.open, thresholds: t, table: "t").status == .warning)

        let weekend = FreshnessProbe.judge(newest: Self.closed - 86_400 * s, now: Self.closed, thresholds: t, table: "t")
        #expect(weekend.status == .ok)
        #expect(weekend.message.contains("market closed (weekend), informational"))
        #expect(FreshnessProbe.judge(newest: nil, now: Self.closed, thresholds: t, table: "t").status == .ok)
    }

    @Test func iqfeedStatsVerdicts() throws {
        func stats(_ line: String) throws -> AdminStats {
            var p = AdminParser()
            let m = try Array(line.utf8).withUnsafeBytes { try p.parse($0) }
            guard case .system(.stats(let s)) = m else { throw HealthUsageError("not a STATS line: \(line)") }
            return s
        }
        let up = try stats("S,STATS,66.112.148.223,60004,500,12,4,0,0,1,Jul 05 7:26AM,Jul 05 04:15AM,Connected,6.2.0.15,499246,65.44,0.02,0.02,834.87,0.55,0.29,")
        let ok = IQFeedProbe.judge(up, target: "h:9300", latency: 0.001)
        #expect(ok.status == .ok)
        #expect(ok.message.contains("Connected to DTN 66.112.148.223:60004"))
        #expect(ok.metrics.first { $0.name == "iqfeed_symbols_watched" }?.value == 12)
        let down = try stats("S,STATS,,,0,0,1,0,0,0,,,Not Connected,6.0.0.4,474614,0,0,,0.02,0.02,,")
        let bad = IQFeedProbe.judge(down, target: "h:9300", latency: nil)
        #expect(bad.status == .critical)
        #expect(bad.message.contains("Not Connected"))
    }

    @Test func manifestVerdicts() {
        let now: Int64 = 1_800_000_000 * 1_000_000_000
        func rec(_ name: String, pid: Int32, alive: Bool, age: Int64) -> ManifestProbe.ProcessEntry {
            ManifestProbe.ProcessEntry(name: name, pid: pid, heartbeatAt: now - age * 1_000_000_000, state: "running", alive: alive)
        }
        #expect(ManifestProbe.judge([], now: now, maxAge: 120, path: "m.db", latency: nil).status == .ok)
        #expect(ManifestProbe.judge([rec("collect", pid: 10, alive: true, age: 5)], now: now, maxAge: 120, path: "m.db", latency: nil).status == .ok)
        let old = ManifestProbe.judge([rec("collect", pid: 10, alive: true, age: 500)], now: now, maxAge: 120, path: "m.db", latency: nil)
        #expect(old.status == .warning)
        #expect(old.message.contains("heartbeat 8m20s old"))
        let dead = ManifestProbe.judge([rec("collect", pid: 10, alive: true, age: 500), rec("loader", pid: 99999, alive: false, age: 3)],
                                       now: now, maxAge: 120, path: "m.db", latency: nil)
        #expect(dead.status == .critical)
        #expect(dead.message.contains("loader (pid 99999) is dead"))
        #expect(dead.message.contains("stale"))
        #expect(dead.metrics.first { $0.name == "manifest_processes_dead" }?.value == 1)
    }

    @Test func latencyThresholdsRaiseSlowChecks() {
        var t = HealthThresholds()
        t.warningLatencyMs = 100
        t.criticalLatencyMs = 500
        let slow = HealthCheck(component: .redis, status: .ok, message: "Redis up", target: "h:1", latency: 0.2)
        let w = HealthRunner.applyLatencyThresholds(slow, t)
        #expect(w.status == .warning)
        #expect(w.message.hasSuffix("latency 200ms above warning 100ms"))
        var verySlow = slow
        verySlow.latency = 0.6
        #expect(HealthRunner.applyLatencyThresholds(verySlow, t).status == .critical)
        // A CRITICAL stays CRITICAL; the manifest (local) is not judged on latency.
        let down = HealthCheck(component: .redis, status: .critical, message: "down", latency: 0.6)
        #expect(HealthRunner.applyLatencyThresholds(down, t) == down)
        let manifest = HealthCheck(component: .manifest, status: .ok, message: "ok", latency: 2)
        #expect(HealthRunner.applyLatencyThresholds(manifest, t).status == .ok)
    }

    @Test func hostPortDropsUserInfo() {
        #expect(HealthProbeConfig.hostPort(url: "redis://:s3cret@10.0.0.5:6380/2") == "10.0.0.5:6380")
        #expect(HealthProbeConfig.hostPort(url: "http://user:pw@ch.example:8123/") == "ch.example:8123")
        #expect(HealthProbeConfig.hostPort(url: "http://127.0.0.1:8123") == "127.0.0.1:8123")
    }
}

@Suite struct HealthRenderingTests {
    static let report = HealthReport(checks: [
        HealthCheck(component: .clickhouse, status: .ok, message: "ClickHouse 18.16.1 at h:8123", target: "h:8123", latency: 0.0031,
                    metrics: [HealthMetric("clickhouse_tables_missing", 0, help: "missing tables")]),
        HealthCheck(component: .redis, status: .critical, message: "cannot connect to Redis at h:6380: refused | oops\nsecond line",
                    target: "h:6380"),
        HealthCheck(component: .iqfeed, status: .skipped, message: "skipped: no IQFeed host configured"),
        HealthCheck(component: .freshness, status: .warning, message: "latest tick 2m ago", target: "db.market_ticks",
                    metrics: [HealthMetric("tick_age_seconds", 120.5, uom: "s", warning: 60, critical: 300, help: "tick age")]),
    ], startedAt: 1_795_000_000_123_000_000, duration: 0.25)

    @Test func nagiosLineFormat() {
        let line = HealthRendering.nagios(Self.report, thresholds: HealthThresholds())
        #expect(line.hasSuffix("\n"))
        #expect(line.dropLast().contains("\n") == false, "exactly one line")
        #expect(line.hasPrefix("MDT CRITICAL - redis CRITICAL: cannot connect to Redis at h:6380: refused / oops second line; freshness WARNING: latest tick 2m ago; clickhouse OK; iqfeed skipped | "))
        let perf = line.split(separator: "|", maxSplits: 1)[1].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(perf == "clickhouse_latency=3.100ms;1000;5000;0 clickhouse_tables_missing=0 tick_age_seconds=120.500s;60;300;0")
        // Exactly one '|' separates text from perfdata.
        #expect(line.filter { $0 == "|" }.count == 1)
    }

    @Test func nagiosOK() {
        let r = HealthReport(checks: [HealthCheck(component: .kafka, status: .ok, message: "fine", latency: 0.125)], startedAt: 0, duration: 0)
        var t = HealthThresholds()
        t.warningLatencyMs = 250
        #expect(HealthRendering.nagios(r, thresholds: t) == "MDT OK - kafka OK | kafka_latency=125ms;250;5000;0\n")
    }

    @Test func jsonSchema() throws {
        let text = HealthRendering.json(Self.report)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(obj["schema"] as? Int == 1)
        #expect(obj["status"] as? String == "CRITICAL")
        #expect(obj["exit_code"] as? Int == 2)
        #expect(obj["generated_at"] as? String == "2026-11-18T11:06:40.123000000Z")
        #expect(obj["duration_seconds"] as? Double == 0.25)
        let checks = try #require(obj["checks"] as? [[String: Any]])
        #expect(checks.map { $0["component"] as? String } == ["clickhouse", "redis", "iqfeed", "freshness"])
        #expect(checks.map { $0["status"] as? String } == ["OK", "CRITICAL", "SKIPPED", "WARNING"])
        #expect(checks[0]["latency_seconds"] as? Double == 0.0031)
        #expect(checks[1]["latency_seconds"] is NSNull)
        #expect(checks[1]["target"] as? String == "h:6380")
        #expect((checks[1]["message"] as? String)?.contains("\n") == false)
        let metrics = try #require(checks[3]["metrics"] as? [String: Any])
        #expect(metrics["tick_age_seconds"] as? Double == 120.5)
    }

    @Test func prometheusText() {
        let text = HealthRendering.prometheus(Self.report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains("mdt_health_status{component=\"clickhouse\"} 0"))
        #expect(lines.contains("mdt_health_status{component=\"redis\"} 2"))
        #expect(lines.contains("mdt_health_status{component=\"freshness\"} 1"))
        #expect(!text.contains("component=\"iqfeed\""), "skipped checks have no samples")
        #expect(lines.contains("mdt_health_overall_status 2"))
        #expect(lines.contains("mdt_health_latency_seconds{component=\"clickhouse\"} 0.0031"))
        #expect(lines.contains("mdt_tick_age_seconds 120.5"))
        #expect(lines.contains("# TYPE mdt_tick_age_seconds gauge"))
        #expect(lines.contains("mdt_health_last_run_timestamp_seconds 1795000000.123"))
        // Every sample line is `name{labels} value` with a parseable value.
        for l in lines where !l.hasPrefix("#") {
            let parts = l.split(separator: " ")
            #expect(parts.count == 2, "bad sample line: \(l)")
            #expect(Double(parts.last ?? "") != nil, "bad value: \(l)")
        }
    }

    @Test func prometheusFileIsWrittenAtomically() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.file("mdt.prom")
        try "old\n".write(toFile: path, atomically: false, encoding: .utf8)
        try HealthRendering.writeAtomically(HealthRendering.prometheus(Self.report), to: path)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == HealthRendering.prometheus(Self.report))
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(files == ["mdt.prom"], "no temp file left behind")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        #expect(throws: CommandFailure.self) { try HealthRendering.writeAtomically("x", to: dir.file("missing-dir/mdt.prom")) }
    }

    @Test func textTable() {
        let text = HealthRendering.text(Self.report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("COMPONENT"))
        #expect(lines[0].contains("STATUS") && lines[0].contains("LATENCY") && lines[0].contains("MESSAGE"))
        #expect(lines[2].hasPrefix("clickhouse  OK") && lines[2].contains("3.1ms"))
        #expect(lines[4].hasPrefix("iqfeed") && lines[4].contains("SKIPPED"))
        #expect(lines.last == "overall: CRITICAL (2 of 4 checks not OK, 250ms)")
    }

    @Test func secretsAreRedactedFromEveryRendering() {
        let secret = "Sup3r-Secret!"
        let settings = Settings.defaults()
        var config = HealthProbeConfig(settings: settings, timeout: 1)
        config.clickhouse.password = Secret(secret)
        let report = HealthRunner.run([.clickhouse, .redis], config: config) { c, _ in
            HealthCheck(component: c, status: .critical, message: "server said: password \(secret) is wrong", target: "x\(secret)")
        }
        for text in [HealthRendering.text(report), HealthRendering.json(report), HealthRendering.prometheus(report),
                     HealthRendering.nagios(report, thresholds: HealthThresholds())] {
            #expect(!text.contains(secret))
        }
        #expect(report.checks[0].message == "server said: password ******** is wrong")
    }
}

@Suite struct HealthRunnerTests {
    @Test func aHangingCheckIsAbandonedAsCritical() {
        var config = HealthProbeConfig(settings: Settings.defaults(), timeout: 0.3)
        config.kafka.brokers = ["10.1.2.3:9092"]
        let start = HealthClock.monotonic()
        let report = HealthRunner.run([.kafka, .redis], config: config) { c, _ in
            if c == .kafka { Thread.sleep(forTimeInterval: 30) }
            return HealthCheck(component: c, status: .ok, message: "fine")
        }
        let took = HealthClock.monotonic() - start
        #expect(took < 0.3 + HealthRunner.grace + 1, "took \(took)s")
        #expect(report.check(.redis)?.status == .ok)
        let kafka = report.check(.kafka)
        #expect(kafka?.status == .critical)
        #expect(kafka?.message == "kafka check at 10.1.2.3:9092 did not finish within 0.3s (abandoned)")
        #expect(report.status == .critical)
    }

    @Test func checksRunConcurrently() {
        let config = HealthProbeConfig(settings: Settings.defaults(), timeout: 5)
        let start = HealthClock.monotonic()
        let report = HealthRunner.run(Set(HealthComponent.allCases), config: config) { c, _ in
            Thread.sleep(forTimeInterval: 0.4)
            return HealthCheck(component: c, status: .ok, message: "fine")
        }
        let took = HealthClock.monotonic() - start
        #expect(report.checks.count == 6)
        #expect(report.checks.map(\.component) == HealthComponent.allCases)
        #expect(took < 6 * 0.4 * 0.75, "six 0.4 s checks took \(took)s: not concurrent")
    }

    @Test func iqfeedHostNoneIsSkipped() {
        var config = HealthProbeConfig(settings: Settings.defaults(), timeout: 1)
        config.iqfeed.host = "none"
        let check = IQFeedProbe.run(config)
        #expect(check.status == .skipped)
        #expect(check.message.hasPrefix("skipped: no IQFeed host configured"))
        let report = HealthReport(checks: [check], startedAt: 0, duration: 0)
        #expect(report.status.exitCode == 0)
    }
}

@Suite struct HealthHTTPServerTests {
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func next() -> Int { lock.lock(); defer { lock.unlock() }; n += 1; return n }
        var value: Int { lock.lock(); defer { lock.unlock() }; return n }
    }

    static func request(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func routesAndStatusCodes() throws {
        let status = Counter()
        let server = try HealthHTTPServer(address: "127.0.0.1:0", cacheSeconds: 60) {
            _ = status.next()
            return HealthReport(checks: [HealthCheck(component: .redis, status: .critical, message: "down", target: "h:1")],
                                startedAt: 0, duration: 0.01)
        }
        defer { server.close() }
        #expect(server.port > 0)
        let (code, type, body, head) = server.respond(to: Self.request("GET /api/status/ HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(code == "503 Service Unavailable")
        #expect(type == "application/json")
        #expect(body.contains("\"status\": \"CRITICAL\""))
        #expect(!head)
        let metrics = server.respond(to: Self.request("GET /metrics HTTP/1.1\r\n\r\n"))
        #expect(metrics.0 == "200 OK")
        #expect(metrics.1.hasPrefix("text/plain; version=0.0.4"))
        #expect(metrics.2.contains("mdt_health_status{component=\"redis\"} 2"))
        #expect(status.value == 1, "the result is cached for --cache seconds")
        #expect(server.respond(to: Self.request("HEAD /api/status HTTP/1.1\r\n\r\n")).3)
        #expect(server.respond(to: Self.request("POST /api/status/ HTTP/1.1\r\n\r\n")).0 == "405 Method Not Allowed")
        #expect(server.respond(to: Self.request("GET /secret HTTP/1.1\r\n\r\n")).0 == "404 Not Found")
        #expect(server.respond(to: Self.request("garbage")).0 == "400 Bad Request")
    }

    @Test func warningIsServedAs200AndCacheExpires() throws {
        let runs = Counter()
        let server = try HealthHTTPServer(address: "127.0.0.1:0", cacheSeconds: 0) {
            _ = runs.next()
            return HealthReport(checks: [HealthCheck(component: .kafka, status: .warning, message: "topic missing")], startedAt: 0, duration: 0)
        }
        defer { server.close() }
        #expect(server.respond(to: Self.request("GET /api/status HTTP/1.0\r\n\r\n")).0 == "200 OK")
        _ = server.respond(to: Self.request("GET /metrics HTTP/1.0\r\n\r\n"))
        #expect(runs.value == 2, "cache 0 re-runs the checks per request")
    }

    @Test func addressParsing() throws {
        #expect(try HealthHTTPServer.parseAddress("127.0.0.1:8000") == ("127.0.0.1", 8000))
        #expect(try HealthHTTPServer.parseAddress(":9100") == ("0.0.0.0", 9100))
        #expect(try HealthHTTPServer.parseAddress("[::1]:80") == ("::1", 80))
        #expect(throws: CommandFailure.self) { try HealthHTTPServer.parseAddress("localhost") }
        #expect(throws: CommandFailure.self) { try HealthHTTPServer.parseAddress("h:99999") }
    }

    @Test func portInUseIsAClearError() throws {
        let first = try HealthHTTPServer(address: "127.0.0.1:0") { HealthReport(checks: [], startedAt: 0, duration: 0) }
        defer { first.close() }
        let e = #expect(throws: CommandFailure.self) {
            _ = try HealthHTTPServer(address: "127.0.0.1:\(first.port)") { HealthReport(checks: [], startedAt: 0, duration: 0) }
        }
        #expect(e?.description.contains("cannot bind 127.0.0.1:\(first.port)") == true)
    }
}
