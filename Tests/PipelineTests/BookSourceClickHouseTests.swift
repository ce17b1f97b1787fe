import Book
import ClickHouse
import Foundation
import IQFeedServer
import Logging
import MDTTestSupport
import MarketData
import Testing
@testable import Pipeline

/// Records every event the collector delivers, in delivery (= seq) order: "what the collector saw".
final class BookRecordingSink: EventSink, @unchecked Sendable {
    let name = "record"
    let lock = NSLock()
    var events: [MarketEvent] = []
    func deliver(_ batches: [[MarketEvent]]) throws {
        lock.lock(); defer { lock.unlock() }
        for b in batches { events.append(contentsOf: b) }
    }
    var books: [BookUpdate] {
        lock.lock(); defer { lock.unlock() }
        return events.compactMap { if case .book(let b) = $0 { b } else { nil } }
    }
}

func bookPoll(timeout: TimeInterval = 20, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

func bookTempDir() -> String {
    let p = NSTemporaryDirectory() + "mdt-booktest-" + UUID().uuidString
    try? FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
}

/// A unique database on the test ClickHouse, dropped at the end.
struct BookTestDatabase {
    let client: ClickHouseClient
    let name: String
    let url: String

    init() throws {
        url = try TestServices.require(.clickhouse)
        client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
        name = "mdt_book_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        try ClickHouseSink.ensureSchema(client: client, database: name)
    }

    func drop() { _ = try? client.execute("DROP DATABASE IF EXISTS \(name)") }
}

@Suite(.serialized) struct BookSourceClickHouseTests {
    static let symbols = ["@ESZ26", "SPY", "QQQ"]

    /// The book rebuilt from ClickHouse at T equals the book of the events the collector delivered up
    /// to T: an in-process IQFeed server, the real collector and feed, a ClickHouse sink and a
    /// recording sink side by side.
    @Test(.enabled(if: TestServices.available(.clickhouse)), arguments: [DepthMode.prices, .orders])
    func rebuildEqualsWhatTheCollectorSaw(depth: DepthMode) throws {
        let db = try BookTestDatabase()
        defer { db.drop() }
        let logger = Logger(label: "test.book")

        var config = IQFeedServerConfiguration()
        config.ports = [.level1: 0, .lookup: 0, .level2: 0, .admin: 0]
        config.universe = SymbolUniverse(seed: 11, symbols: Self.symbols.map { Symbol(unchecked: $0) })
        config.messagesPerSecond = 4000
        config.maxEvents = 3000
        config.level2Percent = 80
        config.tickInterval = 0.2
        let server = IQFeedServer(configuration: config)
        try server.start()
        defer { server.stop() }
        let l1 = try #require(server.port(.level1)), l2 = try #require(server.port(.level2))

        let recorder = BookRecordingSink()
        let chSink = ClickHouseSink(client: try ClickHouseClient(url: db.url, user: TestServices.clickhouseUser,
                                                                 password: TestServices.clickhousePassword),
                                    database: db.name, flushSeconds: 0.1)
        let collector = try Collector(sinks: [chSink, recorder], options: .init(spoolDirectory: bookTempDir()), logger: logger)
        let feed = try IQFeedFeed(options: .init(host: "127.0.0.1", l1Port: Int(l1), l2Port: Int(l2), depth: depth),
                                  symbols: Self.symbols.map { Symbol(unchecked: $0) }, collector: collector, logger: logger)
        collector.start()
        feed.start()
        // Every increment the server sent on 9200 reached the recorder (the server counts neither snapshot
        // rows nor the clears mdt records before each snapshot).
        let arrived = bookPoll(timeout: 30) {
            server.isFinished
                && UInt64(recorder.books.filter { $0.action != .levelSummary && $0.action != .orderSummary && $0.action != .clear }.count)
                    == server.counters(.level2).dataLines
        }
        feed.stop()
        #expect(collector.stop(timeout: 30))
        #expect(arrived, "the collector did not receive every Level 2 line the server sent")

        let updates = recorder.books
        #expect(updates.count > 100)
        let source = ClickHouseBookSource(client: db.client, database: db.name, logger: logger)
        for text in Self.symbols {
            let sym = Symbol(unchecked: text)
            let mine = updates.filter { $0.symbol == sym }
            try #require(!mine.isEmpty, "no Level 2 events for \(text)")
            // At the time of the last event: every event applied, in the order the collector saw them.
            var live = BookSet()
            for u in mine { live.apply(u) }
            let last = mine.map(\.eventTime).max() ?? 0
            let rebuilt = try source.rebuild(symbol: sym, at: last)
            #expect(rebuilt.snapshot == live.snapshot(sym), "\(text) \(depth): ClickHouse book at \(Time.iso8601(last)) differs")
            #expect(rebuilt.rows == UInt64(mine.count))
            #expect(!(rebuilt.snapshot.bids.isEmpty && rebuilt.snapshot.asks.isEmpty))

            // At an instant in the middle: the events up to it.
            let mid = mine[mine.count / 2].eventTime
            var partial = BookSet()
            for u in mine where u.eventTime <= mid { partial.apply(u) }
            let rebuiltMid = try source.rebuild(symbol: sym, at: mid)
            #expect(rebuiltMid.snapshot == partial.snapshot(sym), "\(text) \(depth): ClickHouse book at \(Time.iso8601(mid)) differs")
        }
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func unknownSymbolAndTimeBeforeData() throws {
        let db = try BookTestDatabase()
        defer { db.drop() }
        let sym = Symbol(unchecked: "@ESZ26")
        let t0 = Time.utcNanos(year: 2026, month: 3, day: 9, hour: 14, minute: 30)
        try insert(db, [
            BookUpdate(symbol: sym, eventTime: t0, action: .levelSummary, side: .bid, price: Price(units: 5000), size: 5, orderCount: 2, seq: 1),
            BookUpdate(symbol: sym, eventTime: t0 + 1, action: .levelSummary, side: .ask, price: Price(units: 5001), size: 7, orderCount: 1, seq: 2),
        ])
        let source = ClickHouseBookSource(client: db.client, database: db.name, logger: Logger(label: "test"))
        #expect(throws: BookSourceError.self) { try source.rebuild(symbol: Symbol(unchecked: "NOPE"), at: t0) }
        do {
            _ = try source.rebuild(symbol: Symbol(unchecked: "NOPE"), at: t0)
        } catch {
            guard case .unknownSymbol(let m) = error else { Issue.record("expected unknownSymbol, got \(error)"); return }
            #expect(m.contains("NOPE"))
        }
        do {
            _ = try source.rebuild(symbol: sym, at: t0 - 1)
            Issue.record("expected noData")
        } catch {
            guard case .noData = error else { Issue.record("expected noData, got \(error)"); return }
        }
        let r = try source.rebuild(symbol: sym, at: t0)
        #expect(r.snapshot.bids == [BookLevel(price: Price(units: 5000), size: 5, orderCount: 2)])
        #expect(r.snapshot.asks.isEmpty)
    }

    /// With a clear on both sides, the replay starts there and the result is the same as a full replay.
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func startsFromTheLatestClears() throws {
        let db = try BookTestDatabase()
        defer { db.drop() }
        let sym = Symbol(unchecked: "QQQ")
        let t0 = Time.utcNanos(year: 2026, month: 3, day: 9, hour: 15)
        var rows: [BookUpdate] = []
        var seq: UInt64 = 0
        func add(_ dt: Int64, _ action: BookAction, _ side: Side, _ price: Int64 = 0, _ size: UInt32 = 0) {
            seq += 1
            rows.append(BookUpdate(symbol: sym, eventTime: t0 + dt, action: action, side: side, price: Price(units: price),
                                   size: size, orderCount: size > 0 ? 1 : 0, seq: seq))
        }
        add(0, .levelSummary, .bid, 400, 10); add(1, .levelSummary, .ask, 401, 10)
        add(2, .levelUpdate, .bid, 399, 3)
        add(10, .clear, .bid); add(11, .clear, .ask)
        add(12, .levelSummary, .bid, 398, 4); add(13, .levelSummary, .ask, 402, 6)
        add(14, .levelDelete, .ask, 402); add(15, .levelUpdate, .ask, 403, 2)
        try insert(db, rows)
        var expected = BookSet()
        for u in rows { expected.apply(u) }
        let source = ClickHouseBookSource(client: db.client, database: db.name, logger: Logger(label: "test"))
        let r = try source.rebuild(symbol: sym, at: t0 + 20)
        #expect(r.fromClear)
        #expect(r.from == t0 + 10)
        #expect(r.rows == 6)
        #expect(r.snapshot == expected.snapshot(sym))
        // Before the clears, from the day's start.
        let early = try source.rebuild(symbol: sym, at: t0 + 2)
        #expect(!early.fromClear)
        #expect(early.snapshot.bids.map(\.price) == [Price(units: 400), Price(units: 399)])
    }

    func insert(_ db: BookTestDatabase, _ updates: [BookUpdate]) throws {
        var body: [UInt8] = []
        for u in updates { RowBinaryEncoder.append(.book(u), to: &body) }
        try db.client.insert(table: "\(db.name).market_l2", columns: MarketSchema.columnNames(.l2), body: body)
    }
}

@Suite struct L2RowDecoderTests {
    /// Rows split at every byte boundary decode to the same updates.
    @Test func decodesRowsSplitAnywhere() throws {
        let sym = Symbol(unchecked: "AAPL")
        let updates = [
            BookUpdate(symbol: sym, eventTime: 1_000, receiveTime: 2_000, action: .orderAdd, side: .bid, price: Price(units: 189, nanos: 250_000_000),
                       size: 100, orderID: 42, mmid: BookUpdate.packMMID("NSDQ"), priority: 7, seq: 9),
            BookUpdate(symbol: sym, eventTime: 1_001, receiveTime: 2_001, action: .levelUpdate, side: .ask, price: Price(units: 190),
                       size: 300, orderCount: 4, seq: 10),
        ]
        // The SELECT's columns are market_l2's without the leading symbol.
        var bytes: [UInt8] = []
        for u in updates {
            var row: [UInt8] = []
            RowBinaryEncoder.append(.book(u), to: &row)
            bytes += row.dropFirst(1 + sym.text.utf8.count)
        }
        for cut in 0...bytes.count {
            var d = L2RowDecoder(symbol: sym)
            var got: [BookUpdate] = []
            try bytes[..<cut].withUnsafeBytes { try d.feed($0) { got.append($0) } }
            try bytes[cut...].withUnsafeBytes { try d.feed($0) { got.append($0) } }
            #expect(got == updates, "cut at \(cut)")
            #expect(d.pendingBytes == 0)
        }
    }

    @Test func rejectsAnUnknownAction() throws {
        var row: [UInt8] = []
        let sym = Symbol(unchecked: "X")
        RowBinaryEncoder.append(.book(BookUpdate(symbol: sym, eventTime: 1, action: .clear, side: .bid)), to: &row)
        var bytes = Array(row.dropFirst(2))
        bytes[24] = 99  // action
        var d = L2RowDecoder(symbol: sym)
        #expect(throws: BookSourceError.self) { try bytes.withUnsafeBytes { try d.feed($0) { _ in } } }
    }
}
