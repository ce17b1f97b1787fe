/// What `mdt health` can check, in the order it reports them.
public enum HealthComponent: String, Sendable, CaseIterable, Hashable, Comparable {
    case clickhouse, kafka, redis, iqfeed, manifest, freshness

    public static func < (a: Self, b: Self) -> Bool { a.order < b.order }

    var order: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    /// `clickhouse, kafka, redis, iqfeed, manifest, freshness`.
    public static var validNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Parses `kafka,redis` (comma separated, repeatable, case-insensitive, duplicates ignored).
    /// An unknown name throws a message naming it and the valid ones.
    public static func parseList(_ values: [String]) throws(HealthUsageError) -> Set<HealthComponent> {
        var out: Set<HealthComponent> = []
        for v in values {
            for part in v.split(separator: ",") {
                let name = part.trimmingCharacters(in: .whitespaces).lowercased()
                if name.isEmpty { continue }
                guard let c = HealthComponent(rawValue: name) else {
                    throw HealthUsageError("unknown component '\(part)'; valid components: \(validNames)")
                }
                out.insert(c)
            }
        }
        return out
    }
}

/// A bad `mdt health` argument (the command turns it into a usage error, exit 64).
public struct HealthUsageError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Warning and critical limits: latency of each network check (milliseconds) and the age of the
/// newest tick during market hours (seconds). Written like a Nagios plugin's `-w`/`-c`:
/// `LATENCY_MS[,TICK_AGE_S]`, either part may be empty to keep its default (`-w ,120`).
public struct HealthThresholds: Sendable, Equatable {
    public var warningLatencyMs: Double = 1000
    public var criticalLatencyMs: Double = 5000
    public var warningTickAge: Double = 60
    public var criticalTickAge: Double = 300

    public init() {}

    public init(warningLatencyMs: Double, criticalLatencyMs: Double, warningTickAge: Double, criticalTickAge: Double) {
        self.warningLatencyMs = warningLatencyMs
        self.criticalLatencyMs = criticalLatencyMs
        self.warningTickAge = warningTickAge
        self.criticalTickAge = criticalTickAge
    }

    /// Applies `-w`/`-c` texts over the defaults and checks warning <= critical.
    public static func parse(warning: String?, critical: String?) throws(HealthUsageError) -> HealthThresholds {
        var t = HealthThresholds()
        if let warning {
            let (l, a) = try pair(warning, flag: "--warning")
            if let l { t.warningLatencyMs = l }
            if let a { t.warningTickAge = a }
        }
        if let critical {
            let (l, a) = try pair(critical, flag: "--critical")
            if let l { t.criticalLatencyMs = l }
            if let a { t.criticalTickAge = a }
        }
        if t.warningLatencyMs > t.criticalLatencyMs {
            throw HealthUsageError("latency warning \(fmt(t.warningLatencyMs))ms is above critical \(fmt(t.criticalLatencyMs))ms")
        }
        if t.warningTickAge > t.criticalTickAge {
            throw HealthUsageError("tick age warning \(fmt(t.warningTickAge))s is above critical \(fmt(t.criticalTickAge))s")
        }
        return t
    }

    static func pair(_ text: String, flag: String) throws(HealthUsageError) -> (Double?, Double?) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count <= 2 else {
            throw HealthUsageError("\(flag) '\(text)': expected LATENCY_MS[,TICK_AGE_S], e.g. 500,60")
        }
        func number(_ s: String, _ what: String) throws(HealthUsageError) -> Double? {
            if s.isEmpty { return nil }
            guard let v = Double(s), v.isFinite, v >= 0 else {
                throw HealthUsageError("\(flag) '\(text)': \(what) '\(s)' is not a number >= 0")
            }
            return v
        }
        return (try number(parts[0], "latency (ms)"), parts.count > 1 ? try number(parts[1], "tick age (s)") : nil)
    }

    /// The status a latency earns on its own.
    public func judgeLatency(seconds: Double) -> HealthStatus {
        let ms = seconds * 1000
        if ms >= criticalLatencyMs { return .critical }
        if ms >= warningLatencyMs { return .warning }
        return .ok
    }

    /// The status a tick age earns during market hours.
    public func judgeTickAge(seconds: Double) -> HealthStatus {
        if seconds >= criticalTickAge { return .critical }
        if seconds >= warningTickAge { return .warning }
        return .ok
    }
}

func fmt(_ d: Double) -> String {
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return String(d)
}
