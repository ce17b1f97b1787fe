import Foundation
import Logging
import MarketData

/// Everything the checks need, resolved once per run (settings, limits, clock). Sendable so every
/// check can run on its own thread.
public struct HealthProbeConfig: Sendable {
    public var clickhouse: ClickHouseSettings
    public var kafka: KafkaSettings
    public var redis: RedisSettings
    public var iqfeed: IQFeedSettings
    public var manifestPath: String
    /// Per-check limit, seconds: no check may take longer (the runner abandons it after this plus a grace).
    public var timeout: Double
    public var thresholds: HealthThresholds
    /// A background process whose manifest heartbeat is older than this (seconds) is a WARNING.
    public var heartbeatMaxAge: Double
    /// Wall clock (UTC ns); injected by tests of the market-hours logic.
    public var now: @Sendable () -> Nanos
    /// For library logs (librdkafka, curl); the command passes one at `error` unless `-v`.
    public var logger: Logger

    public init(
        settings: Settings, timeout: Double, thresholds: HealthThresholds = HealthThresholds(),
        heartbeatMaxAge: Double = 120, logger: Logger = HealthProbeConfig.quietLogger,
        now: @escaping @Sendable () -> Nanos = { HealthClock.wallNanos() }
    ) {
        clickhouse = settings.clickhouse
        kafka = settings.kafka
        redis = settings.redis
        iqfeed = settings.iqfeed
        manifestPath = settings.manifestPath
        self.timeout = timeout
        self.thresholds = thresholds
        self.heartbeatMaxAge = heartbeatMaxAge
        self.logger = logger
        self.now = now
    }

    /// A logger that only passes `critical` messages (library chatter stays out of monitoring output).
    public static var quietLogger: Logger {
        var l = Logger(label: "mdt.health")
        l.logLevel = .critical
        return l
    }

    /// Secrets that must never appear in any output.
    var secrets: [String] {
        [clickhouse.password?.value, redis.password?.value].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// Connect limit for clients: the per-check timeout, at most 5 s.
    var connectTimeout: Double { max(0.1, min(timeout, 5)) }

    /// Whether an IQFeed host is configured: `none`, `off` or `-` (any case) switch the check off.
    var iqfeedEnabled: Bool {
        !["none", "off", "-", ""].contains(iqfeed.host.trimmingCharacters(in: .whitespaces).lowercased())
    }

    /// What a component's check talks to, for the report (also when the check had to be abandoned).
    func target(_ c: HealthComponent) -> String {
        switch c {
        case .clickhouse: return Self.hostPort(url: clickhouse.url)
        case .kafka: return kafka.bootstrapServers
        case .redis: return Self.hostPort(url: redis.url)
        case .iqfeed: return iqfeedEnabled ? "\(iqfeed.host):\(iqfeed.adminPort)" : ""
        case .manifest: return manifestPath
        case .freshness: return "\(clickhouse.database).market_ticks"
        }
    }

    /// `host:port` of a URL without any user info (a password in a URL never reaches the report).
    static func hostPort(url: String) -> String {
        var rest = Substring(url)
        if let r = rest.range(of: "://") { rest = rest[r.upperBound...] }
        if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest)
    }
}

/// Clocks for timing checks.
public enum HealthClock {
    public static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func wallNanos() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}

/// `1.2 KiB`, `3.4 MiB`.
func byteText(_ n: Double) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB"]
    var v = n
    var i = 0
    while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
    return i == 0 ? "\(Int(v)) B" : String(format: "%.1f", v) + " " + units[i]
}

/// `850ms`, `12s`, `3m10s`, `2h05m`, `3d4h`.
func ageText(_ seconds: Double) -> String {
    if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
    let s = Int(seconds)
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
    if s < 86400 { return "\(s / 3600)h\(String(format: "%02d", (s % 3600) / 60))m" }
    return "\(s / 86400)d\((s % 86400) / 3600)h"
}
