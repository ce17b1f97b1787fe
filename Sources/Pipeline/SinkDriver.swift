import Foundation
import Logging
import MarketData

/// Runs one sink on its own thread: reads the batches after the sink's journal cursor, delivers them,
/// commits the cursor on success, and on failure keeps the batches in the journal and retries with
/// capped exponential backoff. Delivery is in journal order, so per-symbol order holds.
public final class SinkDriver: @unchecked Sendable {
    public let sink: any EventSink
    public let counters: SinkCounters
    let journal: Journal
    let logger: Logger
    let condition = NSCondition()
    var stopping = false
    var stopDeadline = Date.distantFuture
    var thread: Thread?
    var finished = false
    /// Highest batch counted as spooled while failing.
    var spoolMark: UInt64 = 0
    /// Last error text (for status output).
    public private(set) var lastError: String?

    public init(sink: any EventSink, journal: Journal, logger: Logger) {
        self.sink = sink
        self.journal = journal
        self.logger = logger
        self.counters = SinkCounters(sink: sink.name)
    }

    public func start() {
        let t = Thread(named: "sink-\(sink.name)") { [self] in run() }
        thread = t
        t.start()
    }

    /// Asks the driver to deliver everything appended so far, then stop; waits up to `timeout`.
    /// Returns false when the sink could not be drained in time (its backlog stays in the journal).
    @discardableResult
    public func stop(timeout: TimeInterval) -> Bool {
        condition.lock()
        stopping = true
        stopDeadline = Date().addingTimeInterval(timeout)
        condition.broadcast()
        while !finished { condition.wait(until: Date().addingTimeInterval(0.05)) }
        condition.unlock()
        return journal.cursor(sink.name) >= journal.lastBatch
    }

    var isStopping: Bool { condition.lock(); defer { condition.unlock() }; return stopping }

    func run() {
        var backoff = 0.05
        while true {
            let cursor = journal.cursor(sink.name)
            let stop = isStopping
            if stop && (cursor >= journal.lastBatch || Date() >= stopDeadline) { break }
            if !journal.waitFor(cursor + 1, until: Date().addingTimeInterval(stop ? 0.01 : 0.2)) { continue }
            // Gather consecutive batches up to the sink's size, lingering briefly to fill it.
            var batches: [JournalBatch] = []
            var events = 0
            var seq = cursor + 1
            let lingerUntil = Date().addingTimeInterval(sink.lingerSeconds)
            do {
                while events < sink.maxEventsPerDelivery {
                    if let b = try journal.batchWithLines(seq) {
                        batches.append(b); events += b.events.count; seq += 1
                    } else if isStopping || Date() >= lingerUntil || !journal.waitFor(seq, until: lingerUntil) {
                        break
                    }
                }
            } catch {
                logger.critical("cannot read spool for \(sink.name): \(error)")
                counters.failing.store(true, ordering: .relaxed)
                lastError = error.description
                sleepInterruptibly(1)
                continue
            }
            if batches.isEmpty { continue }
            let last = seq - 1
            do {
                try sink.deliver(journal: batches)
                try journal.commit(sink.name, through: last)
                counters.delivered.wrappingIncrement(by: UInt64(events), ordering: .relaxed)
                counters.deliveries.wrappingIncrement(ordering: .relaxed)
                if cursor + 1 <= spoolMark {
                    // Count only the part of this delivery that had waited in the spool.
                    var waited = 0
                    for (i, b) in batches.enumerated() where cursor + 1 + UInt64(i) <= spoolMark { waited += b.events.count }
                    counters.redelivered.wrappingIncrement(by: UInt64(waited), ordering: .relaxed)
                }
                if counters.failing.load(ordering: .relaxed) {
                    logger.notice("\(sink.name) is back; delivering the spooled backlog", metadata: ["backlog": "\(journal.backlogEvents(sink.name))"])
                    counters.failing.store(false, ordering: .relaxed)
                }
                backoff = 0.05
            } catch {
                counters.failed.wrappingIncrement(by: UInt64(events), ordering: .relaxed)
                if !counters.failing.load(ordering: .relaxed) {
                    logger.error("\(sink.name) delivery failed, spooling to disk and retrying: \(error)")
                    counters.failing.store(true, ordering: .relaxed)
                }
                lastError = "\(error)"
                markSpooled()
                if isStopping && Date() >= stopDeadline { break }
                sleepInterruptibly(backoff)
                backoff = min(backoff * 2, 5)
            }
            if counters.failing.load(ordering: .relaxed) { markSpooled() }
        }
        sink.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Counts every event appended since the last mark as having waited in the spool.
    func markSpooled() {
        let last = journal.lastBatch
        let from = max(spoolMark, journal.cursor(sink.name))
        guard last > from else { return }
        let n = journal.eventCount(after: from, through: last)
        spoolMark = last
        counters.spooled.wrappingIncrement(by: UInt64(n), ordering: .relaxed)
    }

    func sleepInterruptibly(_ seconds: Double) {
        condition.lock()
        let until = Date().addingTimeInterval(seconds)
        while !stopping && Date() < until { condition.wait(until: until) }
        condition.unlock()
    }
}
