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
}
