import Foundation
import MarketData
import Pipeline

/// How `mdt download` prints: JSON lines for machines, a progress bar and a summary for people.
enum DownloadRendering {
    static func num(_ d: Double) -> String { String(format: "%.3f", d) }

    /// `{"symbol":"AAPL","kind":"ticks","day":"2026-03-09","outcome":"done","rows":812,...}`
    static func json(_ r: DownloadUnitReport) -> String {
        var s = "{\"symbol\":\(JSONText.string(r.unit.symbol.text)),\"kind\":\(JSONText.string(r.unit.kind.description))"
        s += ",\"day\":\(JSONText.string(USEquityCalendar.text(r.unit.firstDay)))"
        if r.unit.lastDay != r.unit.firstDay { s += ",\"last_day\":\(JSONText.string(USEquityCalendar.text(r.unit.lastDay)))" }
        s += ",\"outcome\":\(JSONText.string(r.outcome.rawValue)),\"rows\":\(r.rows),\"attempts\":\(r.attempts)"
        s += ",\"requests\":\(r.requests),\"rate_limited\":\(r.rateLimited),\"seconds\":\(num(r.seconds))"
        if let m = r.message { s += ",\(r.outcome == .failed ? "\"error\"" : "\"reason\""):\(JSONText.string(m))" }
        return s + "}"
    }

    static func json(_ s: DownloadRunSummary, exitCode: Int32) -> String {
        var o = "{\"summary\":true,\"units\":\(s.planned),\"done\":\(s.done),\"empty\":\(s.empty),\"failed\":\(s.failed)"
        o += ",\"skipped\":\(s.skipped),\"rows\":\(s.rows),\"requests\":\(s.requests),\"rate_limited\":\(s.rateLimited)"
        o += ",\"seconds\":\(num(s.seconds)),\"rows_per_second\":\(Int(Double(s.rows) / max(s.seconds, 0.001)))"
        o += ",\"still_failed\":\(s.stillFailed.count),\"interrupted\":\(s.interrupted),\"exit\":\(exitCode)"
        o += ",\"failures\":[" + s.failures.map { "{\"unit\":\(JSONText.string($0.unit.key.description)),\"error\":\(JSONText.string($0.message ?? ""))}" }.joined(separator: ",") + "]"
        return o + "}"
    }

    static func text(_ s: DownloadRunSummary) -> String {
        "download: \(s.planned) units: \(s.done) done, \(s.empty) empty, \(s.failed) failed, \(s.skipped) skipped; "
            + "\(s.rows) rows in \(String(format: "%.1f", s.seconds))s (\(Int(Double(s.rows) / max(s.seconds, 0.001))) rows/s, "
            + "\(s.requests) requests, \(s.rateLimited) rate-limited)"
    }

    /// `[#########-----------] 12/40  30%  81234 rows  ETA 0:42`
    static func progress(finished: Int, total: Int, rows: Int64, failed: Int, elapsed: Double) -> String {
        let width = 24
        let frac = total == 0 ? 1 : Double(finished) / Double(total)
        let filled = Int(frac * Double(width))
        var s = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "]"
        s += " \(finished)/\(total) \(Int(frac * 100))%  \(rows) rows"
        if failed > 0 { s += "  \(failed) failed" }
        if finished > 0 && finished < total {
            let eta = elapsed / Double(finished) * Double(total - finished)
            s += "  ETA " + duration(eta)
        }
        return s
    }

    static func duration(_ seconds: Double) -> String {
        let t = Int(seconds.rounded())
        let h = t / 3600, m = (t / 60) % 60, sec = t % 60
        func p(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return h > 0 ? "\(h):\(p(m)):\(p(sec))" : "\(m):\(p(sec))"
    }
}

/// Serialises unit reports from worker threads: JSON lines on stdout, the progress line on stderr.
final class DownloadReporter: @unchecked Sendable {
    let lock = NSLock()
    let jsonLines: Bool
    let progress: ProgressLine
    let total: Int
    let started = Date()
    var finished = 0
    var rows: Int64 = 0
    var failed = 0
    let stdout: BufferedOutput

    init(jsonLines: Bool, progress: ProgressLine, total: Int, stdout: BufferedOutput) {
        self.jsonLines = jsonLines; self.progress = progress; self.total = total; self.stdout = stdout
    }

    func report(_ r: DownloadUnitReport) {
        lock.lock(); defer { lock.unlock() }
        finished += 1
        rows += r.rows
        if r.outcome == .failed { failed += 1 }
        if jsonLines {
            try? stdout.line(DownloadRendering.json(r))
            try? stdout.flush()
        }
        progress.update(DownloadRendering.progress(finished: finished, total: total, rows: rows, failed: failed,
                                                   elapsed: Date().timeIntervalSince(started)), force: finished == total)
    }
}
