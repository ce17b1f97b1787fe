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
/// - feed->Redis latency: a second Redis connection subscribes to `md.SYM` of a sample of symbols; the Redis sink
///   publishes there in the same pipelined round trip that writes `l1:SYM`, right after it, so a message's arrival
///   is when the trade became visible in Redis. Latency = arrival wall time - the trade's time as the server wrote it
///   in the line (its wall clock when it generated the trade, microsecond precision). Only trades are used: a
///   quote line in the default fieldset carries no time of its own. Needs `redis.publish` latest or all;
/// - CPU (getrusage, cores used = CPU s / wall s; CPU µs per message received, which is what a loaded machine
///   changes least; `collector_cpu_us_per_msg` leaves out the synthetic server's market thread) and RSS (VmRSS now, VmHWM peak) of the whole process,
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
            ? LatencySampler(url: config.redisURL, password: config.redisPassword, symbols: Array(symbols.prefix(64))) : nil
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
            BenchFigure("collector_cpu_us_per_msg", received > 0 ? max(0, cpu - server.marketCPUSeconds) * 1e6 / Double(received) : 0, "us"),
            BenchFigure("rss_mb", Double(mem.rss) / 1_048_576, "MB"),
            BenchFigure("peak_rss_mb", Double(BenchClock.memory().peak) / 1_048_576, "MB"),
        ]
        var notes = ["\(o.symbols) symbols, rate \(o.rate.map { "\(Int($0))/s" } ?? "unlimited"), sinks \(config.sinks.map(\.rawValue).joined(separator: ",")); "
                     + "feed \(String(format: "%.1f", feedSeconds)) s, drained after \(String(format: "%.1f", totalSeconds)) s"]
        if let sampler {
            let l = sampler.result()
            figures += l.latency.figures("feed_to_redis", unit: "us", scale: 0.001)
            figures += l.feedToCollector.figures("feed_to_collector", unit: "us", scale: 0.001)
            figures += l.collectorToRedis.figures("collector_to_redis", unit: "us", scale: 0.001)
            notes.append("feed->Redis: \(l.latency.count) trades seen on pub/sub md.SYM of \(min(64, symbols.count)) symbols "
                         + "(latency = arrival - the trade time the feed server wrote; feed_to_collector ends and "
                         + "collector_to_redis starts at the collector's receive stamp)")
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

/// Subscribes to `md.{SYM}` of a sample of symbols on its own thread and connection, and records, for every
/// trade message, arrival time - the trade's time as the feed server wrote it. The thread sleeps in poll(2)
/// between messages, so it costs the pipeline almost nothing.
final class LatencySampler: @unchecked Sendable {
    /// `latency` = arrival - trade time; split at the collector's receive stamp into `feedToCollector`
    /// (server write, kernel, feed thread read) and `collectorToRedis` (parse, spool, sink thread, Redis).
    struct Result {
        var latency = LatencyRecorder()
        var feedToCollector = LatencyRecorder()
        var collectorToRedis = LatencyRecorder()
        var messages = 0
    }
    let url: String
    let password: String?
    let symbols: [Symbol]
    let lock = NSLock()
    var stopping = false
    var res = Result()
    let ready = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)

    init(url: String, password: String?, symbols: [Symbol]) {
        self.url = url; self.password = password; self.symbols = symbols
    }

    /// Starts the thread and returns once it is subscribed (or gave up).
    func start() {
        let t = Thread(named: "bench-latency") { [self] in loop(); done.signal() }
        t.start()
        _ = ready.wait(timeout: .now() + 10)
    }

    func stop() {
        lock.lock(); stopping = true; lock.unlock()
        done.wait()
    }

    func result() -> Result { lock.lock(); defer { lock.unlock() }; return res }

    func loop() {
        guard let sub = try? RedisSubscriber(url: url, password: password, channels: symbols.map { "md.\($0.text)" }) else {
            ready.signal(); return
        }
        ready.signal()
        var local = Result()
        var decoder = JSONEventDecoder()
        while true {
            lock.lock(); let stop = stopping; lock.unlock()
            if stop { break }
            let next: RedisSubscriber.Message?
            do { next = try sub.next(timeout: 0.2) } catch { break }
            guard let m = next else { continue }
            let now = BenchClock.wallNanos()
            local.messages += 1
            if case .trade(let t)? = try? decoder.decode(m.payload), t.eventTime > 0, now > t.eventTime {
                local.latency.record(UInt64(now - t.eventTime))
                if t.receiveTime >= t.eventTime && now >= t.receiveTime {
                    local.feedToCollector.record(UInt64(t.receiveTime - t.eventTime))
                    local.collectorToRedis.record(UInt64(now - t.receiveTime))
                }
            }
            if local.messages & 255 == 0 { lock.lock(); res = local; lock.unlock() }
        }
        lock.lock(); res = local; lock.unlock()
    }
}
