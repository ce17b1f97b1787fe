import Foundation
import Histogram

/// One measured number of a benchmark (`name` is a stable snake_case key; every figure is > 0 when measured).
public struct BenchFigure: Sendable, Equatable, Codable {
    public var name: String
    public var value: Double
    public var unit: String
    public init(_ name: String, _ value: Double, _ unit: String) {
        self.name = name; self.value = value; self.unit = unit
    }
}

/// What one `mdt bench NAME` produced: figures (median over runs), exact counts, notes, or why it was skipped.
public struct BenchResult: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case ok, skipped, failed }
    public var name: String
    public var status: Status
    public var reason: String?
    public var figures: [BenchFigure]
    /// Exact counts that may legitimately be 0 (e.g. `lost`).
    public var counts: [String: Int]
    public var notes: [String]
    public var runs: Int

    public init(name: String, status: Status = .ok, reason: String? = nil, figures: [BenchFigure] = [],
                counts: [String: Int] = [:], notes: [String] = [], runs: Int = 1) {
        self.name = name; self.status = status; self.reason = reason; self.figures = figures
        self.counts = counts; self.notes = notes; self.runs = runs
    }

    public static func skipped(_ name: String, _ reason: String) -> BenchResult {
        BenchResult(name: name, status: .skipped, reason: reason)
    }

    public func figure(_ key: String) -> Double? { figures.first { $0.name == key }?.value }

    /// Per-figure median over several runs of the same bench (figures matched by name; counts and notes from
    /// the run whose first figure is the median; a skip or failure in any run is the result).
    public static func median(_ runs: [BenchResult]) -> BenchResult {
        guard var first = runs.first else { return .skipped("?", "no runs") }
        if let bad = runs.first(where: { $0.status != .ok }) { var b = bad; b.runs = runs.count; return b }
        var figures: [BenchFigure] = []
        for f in first.figures {
            let values = runs.compactMap { $0.figure(f.name) }.sorted()
            figures.append(BenchFigure(f.name, values[values.count / 2], f.unit))
        }
        var counts: [String: Int] = [:]
        for (k, _) in first.counts { counts[k] = runs.map { $0.counts[k] ?? 0 }.max() ?? 0 }
        first.figures = figures
        first.counts = counts
        first.runs = runs.count
        return first
    }
}

/// The machine a benchmark ran on.
public struct BenchMachine: Sendable, Equatable, Codable {
    public var cores: Int
    public var cpuModel: String
    public var swiftVersion: String
    public var kernel: String
    public var loadAverage: [Double]

    public static func current(swiftVersion: String? = nil) -> BenchMachine {
        var model = "unknown"
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let colon = line.firstIndex(of: ":") {
            model = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var u = utsname()
        uname(&u)
        let release = withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return BenchMachine(cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model,
                            swiftVersion: swiftVersion ?? compiledSwiftVersion, kernel: "Linux " + release,
                            loadAverage: loadAverage())
    }

    /// 1, 5 and 15 minute load averages.
    public static func loadAverage() -> [Double] {
        var l = [Double](repeating: 0, count: 3)
        _ = getloadavg(&l, 3)
        return l
    }

    /// The compiler that built this binary (free: no process started).
    public static var compiledSwiftVersion: String {
        #if swift(>=6.3)
        return "6.3+"
        #elseif swift(>=6.2)
        return "6.2"
        #elseif swift(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}

/// Monotonic nanoseconds, and the process's CPU time and memory.
public enum BenchClock {
    @inline(__always)
    public static func nanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    public static func wallNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// User + system CPU seconds of this process so far (getrusage).
    public static func cpuSeconds() -> Double {
        var r = rusage()
        getrusage(RUSAGE_SELF.rawValue, &r)
        return Double(r.ru_utime.tv_sec) + Double(r.ru_utime.tv_usec) / 1e6
            + Double(r.ru_stime.tv_sec) + Double(r.ru_stime.tv_usec) / 1e6
    }

    /// `VmRSS` (current) and `VmHWM` (peak) from /proc/self/status, in bytes.
    public static func memory() -> (rss: Int, peak: Int) {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
        func kb(_ key: String) -> Int {
            guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "0") ?? 0) * 1024
        }
        return (kb("VmRSS:"), kb("VmHWM:"))
    }
}

/// An HDR histogram of nanosecond values with the percentiles every bench reports.
public struct LatencyRecorder: Sendable {
    public var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000,
                                             numberOfSignificantValueDigits: .three)
    public init() {}

    @inline(__always)
    public mutating func record(_ ns: UInt64) { _ = histogram.record(Swift.max(1, Swift.min(ns, 60_000_000_000))) }

    public var count: UInt64 { histogram.totalCount }

    /// `PREFIX_p50_ns`, `_p99_ns`, `_p999_ns`, `_max_ns` (empty when nothing was recorded).
    public func figures(_ prefix: String, unit: String = "ns", scale: Double = 1) -> [BenchFigure] {
        guard histogram.totalCount > 0 else { return [] }
        return [
            BenchFigure("\(prefix)_p50_\(unit)", Double(histogram.valueAtPercentile(50)) * scale, unit),
            BenchFigure("\(prefix)_p99_\(unit)", Double(histogram.valueAtPercentile(99)) * scale, unit),
            BenchFigure("\(prefix)_p999_\(unit)", Double(histogram.valueAtPercentile(99.9)) * scale, unit),
            BenchFigure("\(prefix)_max_\(unit)", Double(histogram.max) * scale, unit),
        ]
    }
}

/// How long to run a pure benchmark: for `seconds` of wall time, or exactly `iterations` operations.
public struct BenchBudget: Sendable, Equatable {
    public var seconds: Double
    public var iterations: Int?
    public init(seconds: Double, iterations: Int? = nil) { self.seconds = seconds; self.iterations = iterations }

    /// True while more batches should run, given ops done and the start time.
    @inline(__always)
    func more(done: Int, start: UInt64) -> Bool {
        if let n = iterations { return done < n }
        return Double(BenchClock.nanos() &- start) < seconds * 1e9
    }
}

/// Runs one bench `runs` times after an unmeasured warm-up and reports the per-figure median.
public enum BenchRunner {
    public static func measure(runs: Int, warmup: Bool, _ body: () throws -> BenchResult) rethrows -> BenchResult {
        if warmup { _ = try body() }
        var results: [BenchResult] = []
        for _ in 0..<Swift.max(1, runs) { results.append(try body()) }
        return BenchResult.median(results)
    }
}

/// A tiny deterministic PRNG for generated workloads.
struct BenchRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(Swift.max(1, n))) }
}
