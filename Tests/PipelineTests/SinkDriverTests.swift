import Foundation
import Logging
import MarketData
import Testing
@testable import Pipeline

/// An in-memory sink that can be told to fail, for driver logic tests.
final class MemorySink: EventSink, @unchecked Sendable {
    let name: String
    let lock = NSLock()
    var received: [MarketEvent] = []
    var failing = false
    var attempts = 0
    init(name: String = "mem") { self.name = name }
    func deliver(_ batches: [[MarketEvent]]) throws {
        lock.lock(); defer { lock.unlock() }
        attempts += 1
        if failing { throw DeliveryFailed() }
        for b in batches { received.append(contentsOf: b) }
    }
    var count: Int { lock.lock(); defer { lock.unlock() }; return received.count }
    func setFailing(_ f: Bool) { lock.lock(); failing = f; lock.unlock() }
    struct DeliveryFailed: Error {}
}

func poll(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(2_000)
    }
    return condition()
}

@Suite struct SinkDriverTests {
    @Test func deliversEverythingInOrder() throws {
        let j = try Journal(directory: tempDir(), sinks: ["mem"])
        let sink = MemorySink()
        let d = SinkDriver(sink: sink, journal: j, logger: Logger(label: "test"))
        d.start()
        var all: [MarketEvent] = []
        for i in 0..<50 { var b = trades(7, start: i * 7); try j.append(&b); all += b }
        #expect(poll { sink.count == 350 })
        #expect(d.stop(timeout: 5))
        #expect(sink.received == all)
        let c = d.counters.snapshot(pending: 0)
        #expect(c.delivered == 350)
        #expect(c.dropped == 0)
    }

    @Test func failingSinkSpoolsThenRedeliversWithoutLoss() throws {
        let j = try Journal(directory: tempDir(), sinks: ["mem"], options: .init(memoryBatches: 4))
        let sink = MemorySink()
        sink.setFailing(true)
        let d = SinkDriver(sink: sink, journal: j, logger: Logger(label: "test"))
        d.start()
        var all: [MarketEvent] = []
        for i in 0..<20 { var b = trades(5, start: i * 5); try j.append(&b); all += b }
        #expect(poll { let c = d.counters.snapshot(pending: 0); return c.failing && c.spooled == 100 })
        #expect(sink.count == 0)
        sink.setFailing(false)
        #expect(poll { sink.count == 100 })
        #expect(d.stop(timeout: 5))
        #expect(sink.received == all, "same events, same order, read back from disk")
        let c = d.counters.snapshot(pending: j.backlogEvents("mem"))
        #expect(c.delivered == 100)
        #expect(c.redelivered == 100)
        #expect(c.failed > 0, "at least one attempt failed")
        #expect(c.dropped == 0)
        #expect(c.pending == 0)
        #expect(!c.failing)
    }

    @Test func backlogSurvivesARestart() throws {
        let dir = tempDir()
        var all: [MarketEvent] = []
        do {
            let j = try Journal(directory: dir, sinks: ["mem"])
            for i in 0..<10 { var b = trades(3, start: i * 3); try j.append(&b); all += b }
            j.close()  // as if the collector died before any sink delivered
        }
        let j = try Journal(directory: dir, sinks: ["mem"])
        let sink = MemorySink()
        let d = SinkDriver(sink: sink, journal: j, logger: Logger(label: "test"))
        d.start()
        #expect(poll { sink.count == 30 })
        d.stop(timeout: 5)
        #expect(sink.received == all)
    }
}
