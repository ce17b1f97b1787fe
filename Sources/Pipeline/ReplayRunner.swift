import Atomics
import Foundation
import MarketData

/// How fast to replay: `factor(k)` keeps the events' inter-arrival times divided by k; `max` never waits.
public enum ReplaySpeed: Sendable, Equatable, CustomStringConvertible {
    case max
    case factor(Double)

    /// `1`, `10`, `100`, any positive number, or `max`.
    public init?(_ text: String) {
        if text == "max" { self = .max; return }
        guard let v = Double(text), v.isFinite, v > 0 else { return nil }
        self = .factor(v)
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .factor(let v): v == v.rounded() ? "\(Int(v))x" : "\(v)x"
        }
    }
}

/// How events are printed on stdout.
public enum ReplayFormat: String, Sendable, CaseIterable {
    /// One mdt JSON event per line (JSONEventEncoder), the Kafka payload format.
    case json
    /// The original IQFeed line (every valid line, market event or not) when the source is a file of
    /// lines; JSON for other sources and for NDJSON input lines.
    case raw
    /// `TABLE,<that table's MarketSchema columns>` (CSVEventWriter) per event, no header.
    case csv
}

/// Where replayed events go.
public enum ReplayTarget {
    /// Encoded bytes handed to `write` in blocks of about 256 KiB (and before every pause).
    case stdout(ReplayFormat, write: (UnsafeRawBufferPointer) throws -> Void)
    /// A pipeline sink (Kafka, Redis...), fed batches of `batchSize` events on this thread.
    case sink(any EventSink)
}

/// Progress of a replay, for a status line.
public struct ReplayProgress: Sendable {
    public var events: Int
    public var pass: Int
    public var eventTime: Nanos
    public var rate: Double
}

/// The outcome of a replay.
public struct ReplaySummary: Sendable {
    public var events: Int
    public var passes: Int
    public var seconds: Double
    public var firstEventTime: Nanos?
    public var lastEventTime: Nanos?
    public var stoppedBySignal: Bool
    public var rate: Double { seconds > 0 ? Double(events) / seconds : 0 }
}

/// The replay loop: reads a source, paces by event time (`speed`), writes to the target, repeats
/// with `loop` until `stop()`. `run` is called on one thread; `stop` may be called from any (hence Sendable).
///
/// Pacing: the first event of each pass fixes the origin (wall time w0, event time t0); an event
/// with time t is released at w0 + (t - t0) / speed. Output is flushed before each pause so a reader
/// sees events on time. Events older than an earlier one are released at once (never waiting backwards).
public final class ReplayRunner: @unchecked Sendable {
    let source: any ReplaySource
    let target: ReplayTarget
    let speed: ReplaySpeed
    let loop: Bool
    let batchSize: Int
    let stopFlag = ManagedAtomic<Bool>(false)
    /// Called about twice a second with the progress (from the replay thread).
    public var onProgress: ((ReplayProgress) -> Void)?

    public init(source: any ReplaySource, target: ReplayTarget, speed: ReplaySpeed = .max, loop: Bool = false, batchSize: Int = 10_000) {
        self.source = source
        self.target = target
        self.speed = speed
        self.loop = loop
        self.batchSize = max(1, batchSize)
    }

    /// Asks the loop to stop after the current event (safe from any thread, e.g. a signal handler queue).
    public func stop() { stopFlag.store(true, ordering: .relaxed) }

    static func monotonicNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    public func run() throws -> ReplaySummary {
        var out: [UInt8] = []
        out.reserveCapacity(1 << 19)
        var batch: [MarketEvent] = []
        batch.reserveCapacity(batchSize)
        var events = 0
        var passes = 0
        var first: Nanos?
        var last: Nanos?
        let began = Self.monotonicNanos()
        var lastProgress = began
        var progressEvents = 0
        let factor: Double? = if case .factor(let f) = speed { f } else { nil }
        let lineSource = Self.isLineSource(source)

        func flush() throws {
            switch target {
            case .stdout(_, let write):
                if !out.isEmpty { try out.withUnsafeBytes { try write($0) }; out.removeAll(keepingCapacity: true) }
            case .sink(let sink):
                if !batch.isEmpty {
                    do { try sink.deliver([batch]) } catch { throw ReplayError.target(name: sink.name, reason: "\(error)") }
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }

        repeat {
            passes += 1
            var origin: (wall: Int64, event: Nanos)?
            var pass = 0
            try source.run { event, raw in
                if pass & 1023 == 0 && stopFlag.load(ordering: .relaxed) { return false }
                pass &+= 1
                if let event {
                    let t = event.eventTime
                    if first == nil { first = t }
                    last = t
                    if let factor {
                        if let o = origin {
                            let due = o.wall + Int64(Double(t - o.event) / factor)
                            var now = Self.monotonicNanos()
                            if due - now > 200_000 {
                                try flush()
                                while due - now > 0 {
                                    if stopFlag.load(ordering: .relaxed) { return false }
                                    let wait = min(due - now, 100_000_000)
                                    var ts = timespec(tv_sec: Int(wait / 1_000_000_000), tv_nsec: Int(wait % 1_000_000_000))
                                    nanosleep(&ts, nil)
                                    now = Self.monotonicNanos()
                                }
                            }
                        } else {
                            origin = (Self.monotonicNanos(), t)
                        }
                    }
                    events += 1
                }
                switch target {
                case .stdout(let format, _):
                    switch format {
                    case .json:
                        if let event { JSONEventEncoder.appendLine(event, to: &out) }
                    case .raw:
                        if raw.count > 0 {
                            out.append(contentsOf: raw); out.append(0x0A)
                        } else if let event, !lineSource {
                            JSONEventEncoder.appendLine(event, to: &out)
                        }
                    case .csv:
                        if let event {
                            out.append(contentsOf: MarketTable.of(event).rawValue.utf8)
                            out.append(UInt8(ascii: ","))
                            CSVEventWriter.appendRow(event, to: &out)
                        }
                    }
                    if out.count >= 1 << 18 { try flush() }
                case .sink:
                    if let event {
                        batch.append(event)
                        if batch.count >= batchSize { try flush() }
                    }
                }
                if let onProgress, events &- progressEvents >= 4096 || pass & 4095 == 0 {
                    let now = Self.monotonicNanos()
                    if now - lastProgress >= 500_000_000 {
                        let rate = Double(events - progressEvents) / (Double(now - lastProgress) / 1e9)
                        onProgress(ReplayProgress(events: events, pass: passes, eventTime: last ?? 0, rate: rate))
                        lastProgress = now
                        progressEvents = events
                    }
                }
                return true
            }
            try flush()
        } while loop && !stopFlag.load(ordering: .relaxed) && events > 0
        try flush()
        let secs = Double(Self.monotonicNanos() - began) / 1e9
        return ReplaySummary(events: events, passes: passes, seconds: secs, firstEventTime: first, lastEventTime: last,
                             stoppedBySignal: stopFlag.load(ordering: .relaxed))
    }

    /// Whether the source gives original lines (a file): then in `raw` format the second and later
    /// events of one line (empty `raw`) print nothing, since the line was printed with the first.
    static func isLineSource(_ s: any ReplaySource) -> Bool { s is ReplayFileSource }
}
