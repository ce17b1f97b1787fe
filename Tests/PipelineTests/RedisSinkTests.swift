import Book
import Foundation
import MarketData
import MDTTestSupport
import Redis
import Testing
@testable import Pipeline

/// The Redis sink against a real Redis: per-delivery conflation of `l1:`, every trade on the tape, the book,
/// and what each publish mode sends on `md.{SYM}` (read by a subscriber on its own connection).
@Suite(.enabled(if: TestServices.available(.redis))) struct RedisSinkTests {
    static let t0: Nanos = 1_795_000_000_000_000_000

    func quote(_ s: Symbol, _ i: Int) -> MarketEvent {
        var q = Quote(symbol: s, eventTime: Self.t0 + Int64(i), receiveTime: Self.t0 + Int64(i) + 5,
                      bid: Price(raw: Int64(100 + i) * 10_000_000), bidSize: UInt32(10 + i),
                      ask: Price(raw: Int64(101 + i) * 10_000_000), askSize: UInt32(20 + i), last: .zero, totalVolume: 0)
        q.seq = UInt64(i)
        return .quote(q)
    }

    func trade(_ s: Symbol, _ i: Int) -> MarketEvent {
        var t = Trade(symbol: s, eventTime: Self.t0 + Int64(i), receiveTime: Self.t0 + Int64(i) + 5,
                      price: Price(raw: Int64(100 + i) * 10_000_000), size: UInt32(i), totalVolume: UInt64(1000 + i))
        t.seq = UInt64(i)
        return .trade(t)
    }

    /// Two symbols, 10 events each (quotes and trades interleaved, seq 1...20).
    func events(_ a: Symbol, _ b: Symbol) -> [MarketEvent] {
        (1...20).map { i in
            let s = i % 2 == 0 ? a : b
            return i % 4 < 2 ? quote(s, i) : trade(s, i)
        }
    }

    func unique(_ name: String) -> Symbol { Symbol(unchecked: "T\(getpid())\(name)\(UInt32.random(in: 0...UInt32.max))") }

    @Test func oneHSETPerSymbolHoldsTheNewestQuoteAndTrade() throws {
        let url = try TestServices.require(.redis)
        let client = try RedisClient(url: url)
        let sink = RedisSink(client: try RedisClient(url: url), publish: .off)
        let a = unique("A"), b = unique("B")
        let evs = events(a, b)
        try sink.deliver([Array(evs.prefix(7)), Array(evs.dropFirst(7))])
        let trades = evs.filter { if case .trade = $0 { true } else { false } }.count
        // One HSET per symbol plus one XADD per trade: the quotes were conflated.
        #expect(sink.lastCommandCount == 2 + trades)
        let l1 = try client.hgetall("l1:\(a.text)")
        let newestQuote = evs.compactMap { e -> Quote? in if case .quote(let q) = e, q.symbol == a { q } else { nil } }.last
        let newestTrade = evs.compactMap { e -> Trade? in if case .trade(let t) = e, t.symbol == a { t } else { nil } }.last
        let q = try #require(newestQuote), t = try #require(newestTrade)
        #expect(l1["bid_size"] == String(q.bidSize))
        #expect(l1["quote_ts"] == String(q.eventTime))
        #expect(l1["last_size"] == String(t.size))
        #expect(l1["trade_ts"] == String(t.eventTime))
        #expect(l1["seq"] == String(max(q.seq, t.seq)))
        let tapeA = evs.filter { if case .trade(let t) = $0 { t.symbol == a } else { false } }.count
        #expect(try client.xlen("tape:\(a.text)") == tapeA)
        _ = try client.command(["DEL", "l1:\(a.text)", "l1:\(b.text)", "tape:\(a.text)", "tape:\(b.text)"])
    }

    @Test(arguments: [RedisPublishMode.all, .latest, .off])
    func publishModes(mode: RedisPublishMode) throws {
        let url = try TestServices.require(.redis)
        let sink = RedisSink(client: try RedisClient(url: url), publish: mode)
        let a = unique("P"), b = unique("Q")
        let sub = try RedisSubscriber(url: url, channels: ["md.\(a.text)", "md.\(b.text)"])
        let evs = events(a, b)
        try sink.deliver([evs])
        let expected: Int
        switch mode {
        case .all: expected = evs.count
        case .latest: expected = 4  // newest quote and newest trade of each symbol
        case .off: expected = 0
        }
        // A marker published after the delivery: everything before it has arrived once it does.
        let client = try RedisClient(url: url)
        _ = try client.command(["PUBLISH", "md.\(a.text)", "END"])
        var got: [String] = []
        while let m = try sub.next(timeout: 10) {
            let text = String(decoding: m.payload, as: UTF8.self)
            if text == "END" { break }
            got.append(text)
        }
        #expect(got.count == expected)
        if mode == .latest {
            #expect(got.contains { $0.contains("\"seq\":20,") || $0.contains("\"seq\":19,") })
        }
        _ = try client.command(["DEL", "l1:\(a.text)", "l1:\(b.text)", "tape:\(a.text)", "tape:\(b.text)"])
    }

    func level(_ s: Symbol, _ i: Int, _ side: Side, _ ticks: Int64, _ size: UInt32, _ action: BookAction = .levelUpdate) -> MarketEvent {
        .book(BookUpdate(symbol: s, eventTime: Self.t0 + Int64(i), action: action, side: side,
                         price: Price(raw: (side == .bid ? 10_000 - ticks : 10_000 + ticks) * 10_000_000),
                         size: size, orderCount: action == .levelDelete ? 0 : UInt32(1 + ticks % 7)))
    }

    /// The `book:` JSON the sink must write: the top 10 levels per side of a book built on its own.
    func expectedBookJSON(_ s: Symbol, _ book: BookSet) -> String {
        func side(_ levels: [BookLevel]) -> String {
            levels.prefix(10).map { l in
                var p: [UInt8] = []
                l.price.write(to: &p)
                return "[\(String(decoding: p, as: UTF8.self)),\(l.size),\(l.orderCount)]"
            }.joined(separator: ",")
        }
        let snap = book.snapshot(s) ?? BookSnapshot()
        return "{\"symbol\":\"\(s.text)\",\"bids\":[\(side(snap.bids))],\"asks\":[\(side(snap.asks))]}"
    }

    @Test func bookJSONIsWrittenOncePerChangedBookPerDelivery() throws {
        let url = try TestServices.require(.redis)
        let client = try RedisClient(url: url)
        let sink = RedisSink(client: try RedisClient(url: url), publish: .off)
        let a = unique("BA"), b = unique("BB"), c = unique("BC")
        var mirror = BookSet()
        func deliver(_ evs: [MarketEvent]) throws {
            for e in evs { if case .book(let u) = e { mirror.apply(u) } }
            try sink.deliver([Array(evs.prefix(evs.count / 2)), Array(evs.dropFirst(evs.count / 2))])
        }
        // 1: A and B get 14 levels a side (more than the 10 written), interleaved with quotes; C only quotes.
        var evs: [MarketEvent] = []
        for d in 0..<14 {
            for s in [a, b] {
                evs.append(level(s, d, .bid, Int64(d + 1), UInt32(100 + d)))
                evs.append(level(s, d, .ask, Int64(d + 1), UInt32(200 + d)))
            }
            if d % 3 == 0 { evs.append(quote(a, d)); evs.append(quote(c, d)) }
        }
        try deliver(evs)
        // HSET l1: for A and C, one SET book: for A and B.
        #expect(sink.lastCommandCount == 4)
        #expect(try client.getString("book:\(a.text)") == expectedBookJSON(a, mirror))
        #expect(try client.getString("book:\(b.text)") == expectedBookJSON(b, mirror))
        #expect(try client.getString("book:\(c.text)") == nil)

        // 2: only deep levels of A change (its top does not): no book:A; B's best bid changes twice, then
        // a deep level: one book:B with the final state.
        _ = try client.command(["DEL", "book:\(a.text)", "book:\(b.text)"])
        try deliver([level(a, 100, .bid, 9, 999), level(b, 101, .bid, 1, 555), level(a, 102, .ask, 12, 0, .levelDelete),
                     level(b, 103, .bid, 1, 556), level(b, 104, .ask, 13, 777)])
        #expect(sink.lastCommandCount == 1)
        #expect(try client.getString("book:\(a.text)") == nil)
        #expect(try client.getString("book:\(b.text)") == expectedBookJSON(b, mirror))

        // 3: a clear of A's asks writes A's book (bids only); a quote for A and a book change for C in the
        // same delivery; B untouched.
        _ = try client.command(["DEL", "book:\(b.text)"])
        try deliver([quote(a, 200), level(a, 201, .ask, 0, 0, .clear), level(c, 202, .ask, 3, 42)])
        #expect(sink.lastCommandCount == 3)
        let bookA = try client.getString("book:\(a.text)")
        #expect(bookA == expectedBookJSON(a, mirror))
        #expect(bookA?.hasSuffix("\"asks\":[]}") == true)
        #expect(try client.getString("book:\(c.text)") == expectedBookJSON(c, mirror))
        #expect(try client.getString("book:\(b.text)") == nil)
        _ = try client.command(["DEL", "l1:\(a.text)", "l1:\(c.text)", "book:\(a.text)", "book:\(b.text)", "book:\(c.text)"])
    }

    @Test func largeDeliveriesAreWrittenInPiecesAndConflatedWhole() throws {
        let url = try TestServices.require(.redis)
        let client = try RedisClient(url: url)
        let sink = RedisSink(client: try RedisClient(url: url), publish: .off)
        let a = unique("CA")
        // 600 trades of one symbol (600 XADDs: written in pieces of `sendEvery` while the rest is built),
        // 600 quotes, across two batches: still one HSET with the newest quote and trade.
        let evs = (1...600).flatMap { [quote(a, 2 * $0), trade(a, 2 * $0 + 1)] }
        try sink.deliver([Array(evs.prefix(501)), Array(evs.dropFirst(501))])
        #expect(600 > RedisSink.sendEvery * 2)
        #expect(sink.lastCommandCount == 600 + 1)
        let l1 = try client.hgetall("l1:\(a.text)")
        #expect(l1["bid_size"] == String(10 + 1200))
        #expect(l1["last_size"] == "1201")
        #expect(try client.xlen("tape:\(a.text)") == 600)
        _ = try client.command(["DEL", "l1:\(a.text)", "tape:\(a.text)"])
    }

    @Test func aRejectedCommandAfterEarlierWritesFailsTheDeliveryAndTheRetryWorks() throws {
        let url = try TestServices.require(.redis)
        let client = try RedisClient(url: url)
        let sink = RedisSink(client: try RedisClient(url: url), publish: .off)
        let a = unique("RA"), b = unique("RB")
        // l1:B is a string, so the HSET for B (after 600 XADDs already written) gets WRONGTYPE.
        try client.set("l1:\(b.text)", "not a hash")
        let evs = (1...600).map { trade(a, $0) } + [quote(a, 601), quote(b, 602)]
        #expect(throws: RedisSinkError.self) { try sink.deliver([evs]) }
        #expect(try client.xlen("tape:\(a.text)") == 600, "the commands written before it were applied")
        _ = try client.command(["DEL", "l1:\(b.text)"])
        // The sink's connection is in step again: the retried delivery succeeds.
        try sink.deliver([evs])
        #expect(try client.hgetall("l1:\(b.text)")["bid_size"] == String(10 + 602))
        _ = try client.command(["DEL", "l1:\(a.text)", "l1:\(b.text)", "tape:\(a.text)"])
    }
}
