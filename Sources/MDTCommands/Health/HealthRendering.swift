import Foundation
import MarketData

/// The four ways `mdt health` reports: a text table, JSON, one Nagios line, Prometheus text.
public enum HealthRendering {
    // MARK: Text

    /// `COMPONENT  STATUS  LATENCY  MESSAGE` rows, then `overall: STATUS (...)`.
    public static func text(_ report: HealthReport, color: Bool = false) -> String {
        let rows: [[Cell]] = report.checks.map { c in
            [.string(c.component.rawValue), .string(c.status.name), .string(c.latency.map(latencyText) ?? "-"), .string(oneLine(c.message))]
        }
        let s = TableWriter.render(columns: ["COMPONENT", "STATUS", "LATENCY", "MESSAGE"], rows: rows)
        let overall = report.status
        let problems = report.checks.filter { $0.status != .ok && $0.status != .skipped }.count
        var line = "overall: \(overall.name)"
        line += problems == 0 ? " (\(report.checks.filter { $0.status == .ok }.count) OK" : " (\(problems) of \(report.checks.count) checks not OK"
        line += ", \(latencyText(report.duration)))"
        if color {
            switch overall {
            case .ok, .skipped: line = "\u{1B}[32m\(line)\u{1B}[0m"
            case .warning: line = "\u{1B}[33m\(line)\u{1B}[0m"
            case .critical, .unknown: line = "\u{1B}[31m\(line)\u{1B}[0m"
            }
        }
        return s + line + "\n"
    }

    static func latencyText(_ seconds: Double) -> String {
        let ms = seconds * 1000
        if ms < 10 { return String(format: "%.1fms", ms) }
        if ms < 10_000 { return "\(Int(ms.rounded()))ms" }
        return String(format: "%.1fs", seconds)
    }

    /// Newlines and tabs become spaces; a message is always one line.
    static func oneLine(_ s: String) -> String {
        String(s.map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
    }

    // MARK: JSON

    /// The stable JSON document (schema version 1):
    /// ```
    /// {"schema": 1, "status": "OK", "exit_code": 0, "generated_at": "...Z", "duration_seconds": 0.01,
    ///  "version": "0.1.0",
    ///  "checks": [{"component": "redis", "status": "OK", "message": "...", "target": "127.0.0.1:6380",
    ///              "latency_seconds": 0.0004, "metrics": {"redis_used_memory_bytes": 1048576}}]}
    /// ```
    /// `latency_seconds` is null when the check made no timed probe; `status` may be `SKIPPED` for a check.
    public static func json(_ report: HealthReport, pretty: Bool = true) -> String {
        let nl = pretty ? "\n" : ""
        let ind = pretty ? "  " : ""
        var s = "{" + nl
        s += "\(ind)\"schema\": 1," + nl
        s += "\(ind)\"status\": \(JSONText.string(report.status.name))," + nl
        s += "\(ind)\"exit_code\": \(report.status.exitCode)," + nl
        s += "\(ind)\"generated_at\": \(JSONText.string(Time.iso8601(report.startedAt)))," + nl
        s += "\(ind)\"duration_seconds\": \(number(report.duration))," + nl
        s += "\(ind)\"version\": \(JSONText.string(MDTVersion.string))," + nl
        s += "\(ind)\"checks\": [" + nl
        for (i, c) in report.checks.enumerated() {
            var o = "\(ind)\(ind){"
            o += "\"component\": \(JSONText.string(c.component.rawValue)), "
            o += "\"status\": \(JSONText.string(c.status.name)), "
            o += "\"message\": \(JSONText.string(oneLine(c.message))), "
            o += "\"target\": \(JSONText.string(c.target)), "
            o += "\"latency_seconds\": \(c.latency.map(number) ?? "null"), "
            o += "\"metrics\": {" + c.metrics.map { "\(JSONText.string($0.name)): \(number($0.value))" }.joined(separator: ", ") + "}"
            o += "}" + (i < report.checks.count - 1 ? "," : "") + nl
            s += o
        }
        s += "\(ind)]" + nl + "}\n"
        return s
    }

    /// A JSON number (finite; 9 significant digits at most, no exponent for ordinary values).
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        var s = String(format: "%.9f", d)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    // MARK: Nagios

    /// ONE line: `MDT <STATUS> - <summary> | <perfdata>` (Nagios plugin guidelines). The summary names
    /// the checks that are not OK with their messages, worst first; perfdata carries every latency
    /// (`<component>_latency=<ms>ms;<warn>;<crit>;0`) and metric (`tick_age_seconds=12s;60;300;0`).
    public static func nagios(_ report: HealthReport, thresholds: HealthThresholds) -> String {
        let overall = report.status
        let bad = report.checks.filter { $0.status != .ok && $0.status != .skipped }.sorted { $0.status > $1.status }
        let ok = report.checks.filter { $0.status == .ok }.map(\.component.rawValue)
        let skipped = report.checks.filter { $0.status == .skipped }.map(\.component.rawValue)
        var parts: [String] = bad.map { "\($0.component.rawValue) \($0.status.name): \($0.message)" }
        if !ok.isEmpty { parts.append(ok.joined(separator: ", ") + " OK") }
        if !skipped.isEmpty { parts.append(skipped.joined(separator: ", ") + " skipped") }
        if report.checks.isEmpty { parts.append("no checks run") }
        let summary = oneLine(parts.joined(separator: "; ")).replacingOccurrences(of: "|", with: "/")
        var perf: [String] = []
        for c in report.checks {
            if let l = c.latency, [.clickhouse, .kafka, .redis, .iqfeed].contains(c.component) {
                perf.append("\(c.component.rawValue)_latency=\(perfNumber(l * 1000))ms;\(perfNumber(thresholds.warningLatencyMs));\(perfNumber(thresholds.criticalLatencyMs));0")
            }
            for m in c.metrics {
                var p = "\(m.name)=\(perfNumber(m.value))\(m.uom)"
                if m.warning != nil || m.critical != nil {
                    p += ";\(m.warning.map(perfNumber) ?? "");\(m.critical.map(perfNumber) ?? "");0"
                }
                perf.append(p)
            }
        }
        var line = "MDT \(overall.name) - \(summary)"
        if !perf.isEmpty { line += " | " + perf.joined(separator: " ") }
        return line + "\n"
    }

    static func perfNumber(_ d: Double) -> String {
        guard d.isFinite else { return "U" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.3f", d)
    }

    // MARK: Prometheus

    /// Prometheus text exposition format (for node_exporter's textfile collector and `/metrics`).
    /// Skipped checks have no status or latency sample.
    public static func prometheus(_ report: HealthReport) -> String {
        var s = ""
        func family(_ name: String, _ help: String, _ samples: [(labels: String, value: Double)]) {
            guard !samples.isEmpty else { return }
            s += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for sample in samples { s += name + sample.labels + " " + promNumber(sample.value) + "\n" }
        }
        let ran = report.checks.filter { $0.status != .skipped }
        family("mdt_health_status", "Check status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
               ran.map { ("{component=\"\($0.component.rawValue)\"}", Double($0.status.rawValue)) })
        family("mdt_health_overall_status", "Worst status of all checks: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.",
               [("", Double(report.status.exitCode))])
        family("mdt_health_latency_seconds", "Round trip of the check's probe.",
               ran.compactMap { c in c.latency.map { ("{component=\"\(c.component.rawValue)\"}", $0) } })
        var seen: Set<String> = []
        for c in ran {
            for m in c.metrics where !seen.contains(m.name) {
                seen.insert(m.name)
                family("mdt_" + m.name, m.help, [("", m.value)])
            }
        }
        family("mdt_health_duration_seconds", "How long the health run took.", [("", report.duration)])
        s += "# HELP mdt_health_last_run_timestamp_seconds Unix time the health run started.\n"
        s += "# TYPE mdt_health_last_run_timestamp_seconds gauge\n"
        s += "mdt_health_last_run_timestamp_seconds \(report.startedAt / 1_000_000_000).\(String(format: "%03d", Int((report.startedAt % 1_000_000_000) / 1_000_000)))\n"
        return s
    }

    static func promNumber(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "+Inf" : "-Inf" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(format: "%.9g", d)
    }

    /// Writes `text` to `path` atomically: a temp file in the same directory, fsync, mode 0644, rename.
    /// A reader (node_exporter) never sees a half-written file.
    public static func writeAtomically(_ text: String, to path: String) throws(CommandFailure) {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        let tmp = (dir.isEmpty ? "" : dir + "/") + ".\(base).tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CommandFailure(.failure, "\(path): cannot write the Prometheus file: \(String(cString: strerror(errno)))")
        }
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(tmp) }
        }
        _ = fchmod(fd, 0o644)
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { b in write(fd, b.baseAddress! + written, b.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw CommandFailure(.failure, "\(path): write failed: \(String(cString: strerror(errno)))")
            }
            written += n
        }
        _ = fsync(fd)
        guard rename(tmp, path) == 0 else {
            throw CommandFailure(.failure, "\(path): cannot rename the temp file into place: \(String(cString: strerror(errno)))")
        }
        ok = true
    }
}
