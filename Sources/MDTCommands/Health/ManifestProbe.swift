import Foundation
import Manifest

/// Manifest: the database opens, and every recorded background process is alive (`kill(pid, 0)`)
/// with a fresh heartbeat. A dead PID still recorded is CRITICAL (stale); an old heartbeat a WARNING.
enum ManifestProbe {
    static func run(_ config: HealthProbeConfig) -> HealthCheck {
        let path = config.manifestPath
        guard FileManager.default.fileExists(atPath: path) else {
            return HealthCheck(component: .manifest, status: .ok, message: "no manifest at \(path) yet: no background processes recorded", target: path)
        }
        do {
            let start = HealthClock.monotonic()
            let manifest = try Manifest.open(path: path, busyTimeout: config.connectTimeout)
            let processes = try manifest.processes().map {
                ProcessEntry(name: $0.name, pid: $0.pid, heartbeatAt: $0.heartbeatAt, state: $0.state, alive: $0.alive)
            }
            let latency = HealthClock.monotonic() - start
            return judge(processes, now: config.now(), maxAge: config.heartbeatMaxAge, path: path, latency: latency)
        } catch {
            return HealthCheck(component: .manifest, status: .critical, message: "manifest \(path): \(error)", target: path)
        }
    }

    /// What the verdict needs from a manifest `ProcessRecord`.
    struct ProcessEntry: Equatable {
        var name: String
        var pid: Int32
        /// UTC ns.
        var heartbeatAt: Int64
        var state: String
        var alive: Bool
    }

    static func judge(_ processes: [ProcessEntry], now: Int64, maxAge: Double, path: String, latency: Double?) -> HealthCheck {
        var dead: [String] = []
        var stale: [String] = []
        for p in processes {
            let age = max(0, Double(now - p.heartbeatAt) / 1e9)
            if !p.alive {
                dead.append("\(p.name) (pid \(p.pid)) is dead but still recorded as \(p.state), last heartbeat \(ageText(age)) ago: stale")
            } else if age > maxAge {
                stale.append("\(p.name) (pid \(p.pid)) heartbeat \(ageText(age)) old (limit \(fmt(maxAge))s)")
            }
        }
        var check = HealthCheck(component: .manifest, status: .ok, message: "", target: path, latency: latency, metrics: [
            HealthMetric("manifest_processes", Double(processes.count), help: "Background processes recorded in the manifest."),
            HealthMetric("manifest_processes_dead", Double(dead.count), help: "Recorded processes whose PID is gone."),
            HealthMetric("manifest_processes_stale_heartbeat", Double(stale.count), help: "Live processes with an old heartbeat."),
        ])
        if !dead.isEmpty {
            check.status = .critical
            check.message = (dead + stale).joined(separator: "; ")
        } else if !stale.isEmpty {
            check.status = .warning
            check.message = stale.joined(separator: "; ")
        } else if processes.isEmpty {
            check.message = "manifest \(path) opens; no background processes recorded"
        } else {
            check.message = "\(processes.count) background process(es) alive: " + processes.map { "\($0.name) (pid \($0.pid))" }.joined(separator: ", ")
        }
        return check
    }
}
