import Foundation
import Pipeline

/// Everything one `mdt bench` invocation measured.
struct BenchReportDocument: Codable {
    var date: String
    var command: String
    var machine: BenchMachine
    var seconds: Double
    var runs: Int
    var warmup: Bool
    var iterations: Int?
    var results: [BenchResult]
}

/// Table and JSON output of `mdt bench`.
enum BenchRendering {
    static func json(_ r: BenchReportDocument) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try e.encode(r), as: UTF8.self) + "\n"
    }

    static func text(_ r: BenchReportDocument) -> String {
        let m = r.machine
        var s = "mdt bench  \(r.date)  \(m.cores) cores  \(m.cpuModel)  swift \(m.swiftVersion)  \(m.kernel)  load \(m.loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " "))\n"
        s += "runs \(r.runs) (median)\(r.warmup ? " after a warm-up" : "")" + (r.iterations.map { ", \($0) iterations" } ?? ", \(r.seconds) s each") + "\n"
        for b in r.results {
            s += "\n[\(b.name)]"
            if b.status != .ok { s += " \(b.status.rawValue.uppercased()): \(b.reason ?? "")\n"; continue }
            s += "\n"
            let width = b.figures.map(\.name.count).max() ?? 0
            for f in b.figures {
                s += "  " + f.name + String(repeating: " ", count: width - f.name.count) + "  " + format(f.value) + " " + f.unit + "\n"
            }
            if !b.counts.isEmpty { s += "  counts: " + b.counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n" }
            for n in b.notes { s += "  note: \(n)\n" }
        }
        return s
    }

    static func format(_ v: Double) -> String {
        if v >= 100 { return String(format: "%.0f", v) }
        if v >= 1 { return String(format: "%.2f", v) }
        return String(format: "%.3f", v)
    }
}
