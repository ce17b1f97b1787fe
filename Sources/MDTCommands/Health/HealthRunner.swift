import Foundation
import MarketData

/// Runs the chosen checks concurrently, each on its own thread (the probes make blocking C calls),
/// and waits at most `timeout + grace` for all of them: a check that has not answered by then is
/// reported CRITICAL and abandoned, so one dead host cannot stall the run.
public enum HealthRunner {
    /// Extra time past the per-check timeout before a check is abandoned (the probes pass the timeout
    /// to their clients, so they normally finish on their own before this).
    static let grace = 1.5

    /// Runs the checks (blocking the calling thread) and returns them in component order.
    public static func run(_ components: Set<HealthComponent>, config: HealthProbeConfig) -> HealthReport {
        run(components, config: config, probe: probe)
    }

    /// As above with the probe injected (tests of the timeout logic).
    static func run(
        _ components: Set<HealthComponent>, config: HealthProbeConfig,
        probe: @escaping @Sendable (HealthComponent, HealthProbeConfig) -> HealthCheck
    ) -> HealthReport {
        let startedAt = HealthClock.wallNanos()
        let start = HealthClock.monotonic()
        let results = Results()
        let ordered = components.sorted()
        for c in ordered {
            let t = Thread(named: "health-\(c.rawValue)") {
                let check = probe(c, config)
                results.set(c, check)
            }
            t.start()
        }
        let limit = config.timeout + grace
        results.wait(count: ordered.count, until: Date(timeIntervalSinceNow: limit))
        var checks: [HealthCheck] = []
        for c in ordered {
            var check = results.get(c) ?? HealthCheck(
                component: c, status: .critical,
                message: "\(c.rawValue) check at \(config.target(c)) did not finish within \(fmt(config.timeout))s (abandoned)",
                target: config.target(c))
            check = applyLatencyThresholds(check, config.thresholds)
            checks.append(check.redacting(config.secrets))
        }
        return HealthReport(checks: checks, startedAt: startedAt, duration: HealthClock.monotonic() - start)
    }

    static func probe(_ c: HealthComponent, _ config: HealthProbeConfig) -> HealthCheck {
        switch c {
        case .clickhouse: ClickHouseProbe.run(config)
        case .kafka: KafkaProbe.run(config)
        case .redis: RedisProbe.run(config)
        case .iqfeed: IQFeedProbe.run(config)
        case .manifest: ManifestProbe.run(config)
        case .freshness: FreshnessProbe.run(config)
        }
    }

    /// Network checks that answered but slowly are raised to WARNING or CRITICAL by `-w`/`-c`.
    static func applyLatencyThresholds(_ check: HealthCheck, _ t: HealthThresholds) -> HealthCheck {
        guard [.clickhouse, .kafka, .redis, .iqfeed].contains(check.component), let latency = check.latency else { return check }
        let verdict = t.judgeLatency(seconds: latency)
        guard verdict > check.status else { return check }
        var c = check
        c.status = verdict
        let limit = verdict == .critical ? t.criticalLatencyMs : t.warningLatencyMs
        c.message += "; latency \(fmt((latency * 1000).rounded()))ms above \(verdict == .critical ? "critical" : "warning") \(fmt(limit))ms"
        return c
    }

    /// Results filled in by the check threads.
    final class Results: @unchecked Sendable {
        private let condition = NSCondition()
        private var checks: [HealthComponent: HealthCheck] = [:]

        func set(_ c: HealthComponent, _ check: HealthCheck) {
            condition.lock()
            checks[c] = check
            condition.broadcast()
            condition.unlock()
        }

        func get(_ c: HealthComponent) -> HealthCheck? {
            condition.lock()
            defer { condition.unlock() }
            return checks[c]
        }

        func wait(count: Int, until deadline: Date) {
            condition.lock()
            defer { condition.unlock() }
            while checks.count < count {
                if !condition.wait(until: deadline) { return }
            }
        }
    }
}
