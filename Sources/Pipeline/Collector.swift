import Atomics
import Foundation
import Logging
import MarketData

/// The real-time pipeline's core: feeds hand batches of events to `accept`, which stamps them with
/// sequence numbers and appends them to the journal; one `SinkDriver` per sink delivers from there.
/// The feed thread never waits on a sink, only (when the spool is full) on the disk limit.
public final class Collector: @unchecked Sendable {
    public struct Options: Sendable {
        /// Journal (spool) directory, e.g. `$MDT_HOME/spool/<name>`.
        public var spoolDirectory: String
        /// Largest the spool may grow before the feed is paused.
        public var spoolLimitBytes: Int
        public var segmentBytes: Int
        /// Recent batches kept in memory for sinks that keep up.
        public var memoryBatches: Int
        public init(spoolDirectory: String, spoolLimitBytes: Int = 1 << 30, segmentBytes: Int = 32 << 20, memoryBatches: Int = 4096) {
            self.spoolDirectory = spoolDirectory; self.spoolLimitBytes = spoolLimitBytes
            self.segmentBytes = segmentBytes; self.memoryBatches = memoryBatches
        }
    }

    public let journal: Journal
    public let drivers: [SinkDriver]
    let logger: Logger
    public let received = ManagedAtomic<UInt64>(0)
    /// How many times the feed had to wait because the spool was full.
    public let backpressureWaits = ManagedAtomic<UInt64>(0)
    let startedAt = Date()

    public init(sinks: [any EventSink], options: Options, logger: Logger) throws(JournalError) {
        let journal = try Journal(directory: options.spoolDirectory, sinks: sinks.map(\.name),
                                  options: .init(segmentBytes: options.segmentBytes, limitBytes: options.spoolLimitBytes,
                                                 memoryBatches: options.memoryBatches))
        self.journal = journal
        drivers = sinks.map { SinkDriver(sink: $0, journal: journal, logger: logger) }
        self.logger = logger
        for d in drivers where journal.backlogEvents(d.sink.name) > 0 {
            logger.notice("redelivering spooled events from an earlier run", metadata: [
                "sink": .string(d.sink.name), "events": .stringConvertible(journal.backlogEvents(d.sink.name))])
        }
    }

    public func start() { for d in drivers { d.start() } }

    /// Accepts a batch from a feed thread (events get their `seq`). Blocks only while the spool is full.
    public func accept(_ events: inout [MarketEvent], lines: RawLines? = nil) throws(JournalError) {
        guard !events.isEmpty else { return }
        var waited = false
        try journal.append(&events, lines: lines, waited: &waited)
        received.wrappingIncrement(by: UInt64(events.count), ordering: .relaxed)
        if waited {
            backpressureWaits.wrappingIncrement(ordering: .relaxed)
            logger.critical("spool is full (\(journal.diskBytes) bytes): the feed was paused until a sink caught up; nothing was dropped")
        }
    }

    /// Delivers what every sink can within `timeout`, then stops. Whatever a sink could not take stays
    /// in the spool and is redelivered on the next start. Returns true when every sink was drained.
    @discardableResult
    public func stop(timeout: TimeInterval) -> Bool {
        var drained = true
        let deadline = Date().addingTimeInterval(timeout)
        for d in drivers {
            let ok = d.stop(timeout: max(0.1, deadline.timeIntervalSinceNow))
            if !ok {
                drained = false
                logger.warning("sink \(d.sink.name) not drained; its backlog stays in the spool", metadata: [
                    "events": .stringConvertible(journal.backlogEvents(d.sink.name))])
            }
        }
        journal.close()
        return drained
    }

    public struct Status: Sendable, Codable, Equatable {
        public var received: UInt64
        public var spoolBytes: Int
        public var backpressureWaits: UInt64
        public var uptimeSeconds: Double
        public var sinks: [SinkCounters.Snapshot]
    }

    public var status: Status {
        Status(received: received.load(ordering: .relaxed), spoolBytes: journal.diskBytes,
               backpressureWaits: backpressureWaits.load(ordering: .relaxed),
               uptimeSeconds: Date().timeIntervalSince(startedAt),
               sinks: drivers.map { $0.counters.snapshot(pending: journal.backlogEvents($0.sink.name)) })
    }
}
