import Foundation
import IQFeedServer
import Logging
import MarketData
import Redis

/// `mdt bench pipeline`: an in-process synthetic IQFeed server -> `CollectService` (journal + every sink).
///
/// Runs the feed for `seconds` after the first event arrives, stops generating, then waits until every sink
/// has delivered everything received. Figures:
/// - `feed_msgs_per_s`: events received per second while the feed ran;
/// - `delivered_msgs_per_s`: events received / (first event -> last sink caught up): the sustained rate with 0 lost;
/// - feed->Redis latency: a second Redis connection polls `HMGET l1:SYM trade_ts` for a sample of symbols in a
///   tight pipelined loop; when `trade_ts` changes, a new trade reached Redis, and latency = wall now - that
///   trade's time as the server wrote it in the line (its wall clock when it generated the trade, microsecond
///   precision). Only trades are used: a quote line in the default fieldset carries no time of its own (its
///   event time is mdt's receive time, which would hide the feed->mdt leg). A change is seen up to one poll
///   round late, so the figures are an upper bound by about `poll_round_us`;
/// - CPU (getrusage, cores used = CPU s / wall s; CPU µs per message received, which is what a loaded machine
///   changes least) and RSS (VmRSS now, VmHWM peak) of the whole process,
///   which includes the synthetic server.
public struct PipelineBenchOptions: Sendable {
    public var seconds: Double
    public var symbols: Int
    public var rate: Double?
    public var base: CollectConfig
    public var drainTimeout: Double
    public init(seconds: Double, symbols: Int, rate: Double?, base: CollectConfig, drainTimeout: Double = 120) {
        self.seconds = seconds; self.symbols = symbols; self.rate = rate; self.base = base; self.drainTimeout = drainTimeout
    }
}

public enum PipelineBench {
    public static func run(_ o: PipelineBenchOptions, logger: Logger) -> BenchResult {
        var sc = IQFeedServerConfiguration()
        sc.ports = [.level1: 0, .level2: 0, .admin: 0, .lookup: 0]
        let universe = SymbolUniverse(seed: 3, count: max(1, o.symbols))
        sc.universe = universe
        sc.seed = 3
        sc.messagesPerSecond = o.rate
        sc.maxSymbols = o.symbols + 16
        let server = IQFeedServer(configuration: sc, logger: logger)
        do { try server.start() } catch { return BenchResult(name: "pipeline", status: .failed, reason: "synthetic server: \(error)") }
        defer { server.stop() }
        let symbols = (0..<universe.count).map { universe[$0].symbol }

        var config = o.base
        config.symbols = symbols
        config.iqfeedHost = "127.0.0.1"
        config.l1Port = Int(server.port(.level1) ?? 0)
        config.l2Port = Int(server.port(.level2) ?? 0)
        config.statusPath = nil
        let spool = NSTemporaryDirectory() + "mdt-bench-spool-\(getpid())-\(BenchClock.nanos() % 1_000_000)"
        config.spoolDirectory = spool
        defer { try? FileManager.default.removeItem(atPath: spool) }

        let service: CollectService
        do { service = try CollectService(config: config, logger: logger) } catch {
            return .skipped("pipeline", "\(error)")
        }
        let cpu0 = BenchClock.cpuSeconds()
        let w0 = BenchClock.nanos()
        service.start()
        // Latency sampler (only with a Redis sink).
        let sampler = config.sinks.contains(.redis)
            ? LatencySampler(url: config.redisURL, password: config.redisPassword, symbols: Array(symbols.prefix(32))) : nil
        sampler?.start()
        guard poll(timeout: 15, { service.collector.status.received > 0 }) else {
            sampler?.stop()
            _ = service.stop(timeout: 5)
            return BenchResult(name: "pipeline", status: .failed, reason: "no event reached the collector within 15 s")
        }
        let tFirst = BenchClock.nanos()
        let r0 = service.collector.status.received
        var peakPending: UInt64 = 0
        while Double(BenchClock.nanos() &- tFirst) < o.seconds * 1e9 {
            Thread.sleep(forTimeInterval: 0.05)
            peakPending = max(peakPending, service.collector.status.sinks.map(\.pending).max() ?? 0)
        }
        let tFeedEnd = BenchClock.nanos()
        let r1 = service.collector.status.received
        let mem = BenchClock.memory()
        server.stop()
        // Drain: every sink delivered everything received, and received stable.
        var last: UInt64 = .max
        var stableSince = BenchClock.nanos()
        let drained = poll(timeout: o.drainTimeout) {
            let s = service.collector.status
            if s.received != last { last = s.received; stableSince = BenchClock.nanos() }
            return s.sinks.allSatisfy { $0.pending == 0 && $0.delivered >= s.received }
                && Double(BenchClock.nanos() &- stableSince) > 2e8
        }
        let tDrained = BenchClock.nanos() &- 200_000_000
        sampler?.stop()
        let status = service.collector.status
        _ = service.stop(timeout: 10)
        let cpu = BenchClock.cpuSeconds() - cpu0
        let wall = Double(BenchClock.nanos() &- w0) / 1e9

        let received = Int(status.received)
        let minDelivered = Int(status.sinks.map(\.delivered).min() ?? 0)
        let feedSeconds = Double(tFeedEnd &- tFirst) / 1e9
        let totalSeconds = Double(tDrained &- tFirst) / 1e9
        var figures = [
            BenchFigure("feed_msgs_per_s", Double(r1 &- r0) / feedSeconds, "msg/s"),
            BenchFigure("delivered_msgs_per_s", Double(minDelivered) / max(totalSeconds, feedSeconds), "msg/s"),
            BenchFigure("cpu_cores_used", max(cpu / wall, 0.001), "cores"),
            BenchFigure("cpu_us_per_msg", received > 0 ? cpu * 1e6 / Double(received) : 0, "us"),
            BenchFigure("rss_mb", Double(mem.rss) / 1_048_576, "MB"),
            BenchFigure("peak_rss_mb", Double(BenchClock.memory().peak) / 1_048_576, "MB"),
        ]
        var notes = ["\(o.symbols) symbols, rate \(o.rate.map { "\(Int($0))/s" } ?? "unlimited"), sinks \(config.sinks.map(\.rawValue).joined(separator: ",")); "
                     + "feed \(String(format: "%.1f", feedSeconds)) s, drained after \(String(format: "%.1f", totalSeconds)) s"]
        if let sampler {
            let l = sampler.result()
            figures += l.latency.figures("feed_to_redis", unit: "us", scale: 0.001)
            if l.rounds > 0 { figures.append(BenchFigure("poll_round_us", l.roundNanos / Double(l.rounds) / 1000, "us")) }
            notes.append("feed->Redis: \(l.latency.count) samples from polling trade_ts of l1:SYM for \(min(32, symbols.count)) symbols")
        }
        notes.append("no warm-up run for the pipeline (each run starts a fresh server, collector and spool)")
        if !drained { notes.append("NOT drained within \(Int(o.drainTimeout)) s: sinks behind") }
        let counts = ["received": received, "delivered_min": minDelivered, "lost": max(0, received - minDelivered),
                      "peak_pending": Int(peakPending), "dropped": Int(status.sinks.map(\.dropped).reduce(0, +))]
        for s in status.sinks where s.failing { notes.append("sink \(s.sink) was failing at the end") }
        return BenchResult(name: "pipeline", figures: figures, counts: counts, notes: notes)
    }

    static func poll(timeout: Double, _ cond: () -> Bool) -> Bool {
        let end = BenchClock.nanos() &+ UInt64(timeout * 1e9)
        while BenchClock.nanos() < end {
            if cond() { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return cond()
    }
}

/// Polls `l1:{SYM}` hashes on its own thread and connection and records arrival - event time.
final class LatencySampler: @unchecked Sendable {
    struct Result { var latency = LatencyRecorder(); var rounds = 0; var roundNanos = 0.0 }
    let url: String
    let password: String?
    let symbols: [Symbol]
    let lock = NSLock()
    var stopping = false
    var res = Result()
    let done = DispatchSemaphore(value: 0)

    init(url: String, password: String?, symbols: [Symbol]) {
        self.url = url; self.password = password; self.symbols = symbols
    }

    func start() {
        let t = Thread { [self] in loop(); done.signal() }
        t.name = "mdt-bench-latency"
        t.start()
    }

    func stop() {
        lock.lock(); stopping = true; lock.unlock()
        done.wait()
    }

    func result() -> Result { lock.lock(); defer { lock.unlock() }; return res }

    func loop() {
        guard let client = try? RedisClient(url: url, password: password) else { return }
        var lastTrade = [Int64](repeating: -1, count: symbols.count)
        var pipeline = RedisPipeline(expectedCommands: symbols.count, expectedBytes: 4096)
        var local = Result()
        while true {
            lock.lock(); let stop = stopping; lock.unlock()
            if stop { break }
            pipeline.reset()
            for s in symbols {
                pipeline.begin(); pipeline.arg("HMGET"); pipeline.arg("l1:" + s.text); pipeline.arg("trade_ts")
            }
            let t0 = BenchClock.nanos()
            guard let r = try? client.execute(pipeline, collectReplies: true) else { Thread.sleep(forTimeInterval: 0.01); continue }
            let now = BenchClock.wallNanos()
            local.rounds += 1
            local.roundNanos += Double(BenchClock.nanos() &- t0)
            for (i, v) in r.replies.enumerated() where i < symbols.count {
                guard let a = v.array, a.count == 1, let ts = a[0].integer else { continue }
                if lastTrade[i] >= 0 && ts != lastTrade[i] && ts > 0 && now > ts { local.latency.record(UInt64(now - ts)) }
                lastTrade[i] = ts
            }
            if local.rounds & 63 == 0 { lock.lock(); res = local; lock.unlock() }
        }
        lock.lock(); res = local; lock.unlock()
    }
}
