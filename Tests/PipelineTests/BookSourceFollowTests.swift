import Book
import Foundation
import IQFeedServer
import Kafka
import Logging
import MDTTestSupport
import MarketData
import Testing
@testable import Pipeline

@Suite struct BookTrackerTests {
    final class Changes: @unchecked Sendable {
        let lock = NSLock()
        var snapshots: [BookSnapshot] = []
        func add(_ s: BookSnapshot) { lock.lock(); snapshots.append(s); lock.unlock() }
    }

    @Test func ignoresOtherSymbolsAndReportsOnlyVisibleChanges() {
        let sym = Symbol(unchecked: "@ESZ26")
        let other = Symbol(unchecked: "@NQZ26")
        let changes = Changes()
        let tracker = BookTracker(symbol: sym, depth: 1, onChange: { changes.add($0) }, clock: { 5_000_000_000 })
        func level(_ s: Symbol, _ side: Side, _ p: Int64, _ size: UInt32, _ t: Nanos) -> BookUpdate {
            BookUpdate(symbol: s, eventTime: t, action: .levelUpdate, side: side, price: Price(units: p), size: size, orderCount: 1)
        }
        #expect(tracker.apply(level(sym, .bid, 100, 5, 1)))
        #expect(!tracker.apply(level(other, .bid, 100, 5, 2)))
        #expect(tracker.apply(level(sym, .bid, 99, 5, 3)))   // below the top 1: no visible change
        #expect(tracker.apply(level(sym, .ask, 101, 2, 4)))
        #expect(tracker.apply(level(sym, .bid, 100, 6, 5)))
        #expect(changes.snapshots.count == 3)
        #expect(changes.snapshots.last?.bids == [BookLevel(price: Price(units: 100), size: 6, orderCount: 1)])
        #expect(changes.snapshots.last?.asks == [BookLevel(price: Price(units: 101), size: 2, orderCount: 1)])
        #expect(changes.snapshots.last?.eventTime == 5)
        #expect(tracker.stats.updates == 4)
        #expect(tracker.fullSnapshot().bids.count == 2)
        #expect(tracker.snapshot().bids.count == 1)
    }
}

@Suite(.serialized) struct LiveBookSourceTests {
    static func server(_ symbols: [String]) throws -> IQFeedServer {
        var config = IQFeedServerConfiguration()
        config.ports = [.level2: 0]
        config.universe = SymbolUniverse(seed: 3, symbols: symbols.map { Symbol(unchecked: $0) })
        config.messagesPerSecond = 500
        config.tickInterval = 0.2
        let s = IQFeedServer(configuration: config)
        try s.start()
        return s
    }

    @Test(arguments: [false, true])
    func settlesOnTheSnapshotAndFollows(byOrder: Bool) throws {
        let server = try Self.server(["@ESZ26", "SPY"])
        defer { server.stop() }
        let port = Int(try #require(server.port(.level2)))
        let tracker = BookTracker(symbol: Symbol(unchecked: "@ESZ26"), depth: 5)
        let live = LiveBookSource(options: .init(host: "127.0.0.1", port: port, byOrder: byOrder), tracker: tracker, logger: Logger(label: "t"))
        try live.start()
        defer { live.close() }
        #expect(try live.waitSettled(timeout: 5))
        let first = tracker.updateCount
        #expect(first > 0)
        let s = tracker.snapshot()
        #expect(!s.bids.isEmpty && !s.asks.isEmpty)
        #expect(s.bids.count <= 5)
        if let b = s.bids.first, let a = s.asks.first { #expect(b.price < a.price) }
        // Increments keep coming.
        let deadline = Date().addingTimeInterval(5)
        while tracker.updateCount == first && Date() < deadline { try live.pump(timeout: 0.1) }
        #expect(tracker.updateCount > first)
    }

    /// A level the server no longer has (injected) disappears after a reconnect and re-snapshot, and
    /// `S,CLEAR DEPTH` empties a side before the server's re-snapshot.
    @Test func reconnectAndClearDepthStartFromTheNewSnapshot() throws {
        var config = IQFeedServerConfiguration()
        config.ports = [.level2: 0]
        config.universe = SymbolUniverse(seed: 3, symbols: [Symbol(unchecked: "@ESZ26")])
        config.messagesPerSecond = nil
        config.maxEvents = 200
        config.tickInterval = 0.2
        let server = IQFeedServer(configuration: config)
        try server.start()
        defer { server.stop() }
        let port = Int(try #require(server.port(.level2)))
        let sym = Symbol(unchecked: "@ESZ26")
        let tracker = BookTracker(symbol: sym, depth: 1000)
        let live = LiveBookSource(options: .init(host: "127.0.0.1", port: port), tracker: tracker, logger: Logger(label: "t"))
        try live.start()
        defer { live.close() }
        #expect(try live.waitSettled(timeout: 5))
        #expect(bookPoll(timeout: 10) { server.isFinished })
        let bogus = Price(units: 1)
        func hasBogus() -> Bool { tracker.fullSnapshot().bids.contains { $0.price == bogus } }
        server.injectLine("8,@ESZ26,B,1.00,5,1,2,10:00:00.000000,2026-11-23,", on: .level2)
        #expect(bookPoll(timeout: 5) { hasBogus() })
        server.dropAllConnections()
        #expect(bookPoll(timeout: 10) { (live.client?.connectCount ?? 0) >= 2 && !hasBogus() && !tracker.fullSnapshot().bids.isEmpty })

        server.injectLine("8,@ESZ26,B,1.00,5,1,2,10:00:00.000000,2026-11-23,", on: .level2)
        #expect(bookPoll(timeout: 5) { hasBogus() })
        server.clearDepth(symbol: sym, side: .bid)
        #expect(bookPoll(timeout: 5) { !hasBogus() && !tracker.fullSnapshot().bids.isEmpty })
    }

    @Test func unknownSymbolFails() throws {
        let server = try Self.server(["@ESZ26"])
        defer { server.stop() }
        let port = Int(try #require(server.port(.level2)))
        let tracker = BookTracker(symbol: Symbol(unchecked: "NOSUCH"), depth: 5)
        let live = LiveBookSource(options: .init(host: "127.0.0.1", port: port), tracker: tracker, logger: Logger(label: "t"))
        try live.start()
        defer { live.close() }
        do {
            _ = try live.waitSettled(timeout: 5)
            Issue.record("expected unknownSymbol")
        } catch {
            guard case .unknownSymbol(let m) = error else { Issue.record("got \(error)"); return }
            #expect(m.contains("NOSUCH"))
        }
    }

    @Test func unreachablePortIsUnavailable() throws {
        // A port that was just free: bind, read the number, close.
        let server = try Self.server(["X"])
        let port = Int(try #require(server.port(.level2)))
        server.stop()
        let tracker = BookTracker(symbol: Symbol(unchecked: "X"), depth: 5)
        let live = LiveBookSource(options: .init(host: "127.0.0.1", port: port, connectTimeout: 1), tracker: tracker, logger: Logger(label: "t"))
        do {
            try live.start()
            Issue.record("expected unavailable")
        } catch {
            guard case .unavailable(let m) = error else { Issue.record("got \(error)"); return }
            #expect(m.contains("127.0.0.1:\(port)"))
        }
    }
}

@Suite(.serialized) struct KafkaBookSourceTests {
    @Test(.enabled(if: TestServices.available(.kafka)))
    func readsTheSymbolsMessagesToTheEnd() throws {
        let brokers = try TestServices.require(.kafka)
        let prefix = "booktest-\(UUID().uuidString.prefix(8))."
        let topics = KafkaTopics(prefix: prefix)
        let producer = try KafkaProducer(config: .producer(brokers: brokers))
        let sym = Symbol(unchecked: "@ESZ26")
        let other = Symbol(unchecked: "@NQZ26")
        var events: [MarketEvent] = []
        var expected = BookSet()
        let t0 = Time.utcNanos(year: 2026, month: 3, day: 9, hour: 14, minute: 30)
        for i in 0..<200 {
            let s = i % 3 == 0 ? other : sym
            let side: Side = i % 2 == 0 ? .bid : .ask
            let base: Int64 = side == .bid ? 5000 : 5010
            let u = BookUpdate(symbol: s, eventTime: t0 + Int64(i), action: i % 7 == 6 ? .levelDelete : .levelUpdate, side: side,
                               price: Price(units: base + Int64(i % 5) * (side == .bid ? -1 : 1)), size: UInt32(1 + i % 9),
                               orderCount: UInt32(1 + i % 3), seq: UInt64(i + 1))
            events.append(.book(u))
            expected.apply(u)
        }
        let sink = KafkaSink(producer: producer, topics: topics)
        try sink.deliver([events])

        let tracker = BookTracker(symbol: sym, depth: 100)
        let source = KafkaBookSource(brokers: brokers, topic: topics.book, start: .beginning, tracker: tracker, logger: Logger(label: "t"))
        try source.open()
        defer { source.close() }
        let p = try source.catchUp(idleTimeout: 10)
        #expect(source.caughtUp)
        #expect(p.messages == 200)
        #expect(p.matched == UInt64(events.filter { $0.symbol == sym }.count))
        #expect(tracker.fullSnapshot() == expected.snapshot(sym))

        // Since an hour ago: everything; since tomorrow: nothing (messages are stamped with the produce time).
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        for (since, all) in [(now - 3600 * Time.nanosPerSecond, true), (now + Time.nanosPerDay, false)] {
            let t = BookTracker(symbol: sym, depth: 100)
            let src = KafkaBookSource(brokers: brokers, topic: topics.book, start: .time(since), tracker: t, logger: Logger(label: "t"))
            try src.open()
            try src.catchUp(idleTimeout: 5)
            src.close()
            if all { #expect(t.fullSnapshot() == expected.snapshot(sym)) } else { #expect(t.updateCount == 0) }
        }

        // From the end there is nothing to read.
        let empty = BookTracker(symbol: sym, depth: 10)
        let fromEnd = KafkaBookSource(brokers: brokers, topic: topics.book, start: .end, tracker: empty, logger: Logger(label: "t"))
        try fromEnd.open()
        defer { fromEnd.close() }
        #expect(try fromEnd.catchUp(idleTimeout: 2).available == 0)
        #expect(empty.updateCount == 0)
    }

    @Test(.enabled(if: TestServices.available(.kafka)))
    func missingTopicIsNoData() throws {
        let brokers = try TestServices.require(.kafka)
        let tracker = BookTracker(symbol: Symbol(unchecked: "X"), depth: 10)
        let source = KafkaBookSource(brokers: brokers, topic: "booktest-missing-\(UUID().uuidString.prefix(8))", start: .beginning,
                                     tracker: tracker, logger: Logger(label: "t"))
        defer { source.close() }
        // A real broker says the topic does not exist; librdkafka's mock cluster creates it empty on
        // the metadata request. Either way nothing is read and no book is made.
        do {
            try source.open(timeout: 3)
            #expect(try source.catchUp(idleTimeout: 2).available == 0)
            #expect(tracker.updateCount == 0)
        } catch {
            guard case .noData(let m) = error else { Issue.record("got \(error)"); return }
            #expect(m.contains("does not exist"))
        }
    }
}
