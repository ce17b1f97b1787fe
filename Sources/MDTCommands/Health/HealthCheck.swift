import Foundation

/// A check's verdict. Raw values are the Nagios plugin exit codes; `skipped` is mdt's own state for a
/// check that was not run (e.g. no IQFeed host configured) and never affects the overall status.
public enum HealthStatus: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case ok = 0
    case warning = 1
    case critical = 2
    case unknown = 3
    case skipped = -1

    /// `OK`, `WARNING`, `CRITICAL`, `UNKNOWN`, `SKIPPED` (what text, JSON and Nagios show).
    public var name: String {
        switch self {
        case .ok: "OK"
        case .warning: "WARNING"
        case .critical: "CRITICAL"
        case .unknown: "UNKNOWN"
        case .skipped: "SKIPPED"
        }
    }

    public var description: String { name }

    /// The process exit code for this overall status (0/1/2/3; skipped counts as OK).
    public var exitCode: Int32 { self == .skipped ? 0 : Int32(rawValue) }

    /// How bad: SKIPPED = OK < WARNING < UNKNOWN < CRITICAL. A CRITICAL anywhere wins; a check that
    /// could not decide (UNKNOWN) outranks a WARNING.
    public var severity: Int {
        switch self {
        case .skipped, .ok: 0
        case .warning: 1
        case .unknown: 2
        case .critical: 3
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.severity < b.severity }

    /// The worst of `statuses` (OK when empty or all skipped).
    public static func worst<S: Sequence>(_ statuses: S) -> HealthStatus where S.Element == HealthStatus {
        var w = HealthStatus.ok
        for s in statuses where s != .skipped && s.severity > w.severity { w = s }
        return w
    }
}

/// A number a check measured: shown in JSON `metrics`, as Nagios perfdata (`name=value<uom>;warn;crit;0`)
/// and as the Prometheus gauge `mdt_<name>`.
public struct HealthMetric: Sendable, Equatable {
    /// Snake case with its unit in the name where it has one: `tick_age_seconds`, `redis_used_memory_bytes`.
    public var name: String
    public var value: Double
    /// Nagios unit of measure: `s`, `ms`, `B`, `c` or empty.
    public var uom: String
    public var warning: Double?
    public var critical: Double?
    public var help: String

    public init(_ name: String, _ value: Double, uom: String = "", warning: Double? = nil, critical: Double? = nil, help: String) {
        self.name = name
        self.value = value
        self.uom = uom
        self.warning = warning
        self.critical = critical
        self.help = help
    }
}

/// The result of one component check.
public struct HealthCheck: Sendable, Equatable {
    public var component: HealthComponent
    public var status: HealthStatus
    /// One line an operator can act on (names host:port; never a secret).
    public var message: String
    /// What was checked: `host:port`, a file path, a table.
    public var target: String
    /// Round trip of the main probe (ping, metadata, PING, connect), when one was made.
    public var latency: Double?
    public var metrics: [HealthMetric]

    public init(
        component: HealthComponent, status: HealthStatus, message: String, target: String = "",
        latency: Double? = nil, metrics: [HealthMetric] = []
    ) {
        self.component = component
        self.status = status
        self.message = message
        self.target = target
        self.latency = latency
        self.metrics = metrics
    }

    /// The message with every occurrence of each secret replaced by `********` (a last line of defence:
    /// the libraries already keep passwords out of their errors).
    func redacting(_ secrets: [String]) -> HealthCheck {
        var c = self
        for s in secrets where s.count >= 1 {
            c.message = c.message.replacingOccurrences(of: s, with: Secret.redacted)
            c.target = c.target.replacingOccurrences(of: s, with: Secret.redacted)
        }
        return c
    }
}

/// All checks of one run and their overall verdict.
public struct HealthReport: Sendable, Equatable {
    public var checks: [HealthCheck]
    /// Wall-clock time the run started (UTC ns).
    public var startedAt: Int64
    /// How long the whole run took, seconds.
    public var duration: Double

    public init(checks: [HealthCheck], startedAt: Int64, duration: Double) {
        self.checks = checks
        self.startedAt = startedAt
        self.duration = duration
    }

    /// The worst status of all checks that ran.
    public var status: HealthStatus { HealthStatus.worst(checks.map(\.status)) }

    public func check(_ component: HealthComponent) -> HealthCheck? { checks.first { $0.component == component } }
}
