import Book
import MarketData
import Testing

/// Lines from shared/iqfeed/fixtures/level2_mbo.txt, level2_mbp.txt and level2_system.txt,
/// translated by hand into `BookUpdate`s (the IQFeed parser lives in another module), driven through
/// the books. Times are US/Eastern in the feed.
@Suite struct BookFixtureTests {
    func p(_ s: String) -> Price { (try? Price.parse(s)).flatMap { $0 } ?? .zero }
    func et(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ us: Int64) -> Nanos {
        Eastern.utcNanos(year: y, month: m, day: d, hour: h, minute: mi, second: s, nanos: us * 1000)
    }

    @Test func futuresMarketByOrder() {
        let es = Symbol(unchecked: "@ESM19")
        let t = et(2019, 4, 23, 20, 31, 4, 876_740)
        #expect(t == Time.utcNanos(year: 2019, month: 4, day: 24, hour: 0, minute: 31, second: 4, nanos: 876_740_000))
        var b = OrderBook()
        // 3,@ESM19,12345678,MD01,A,2938.25,65,10,2,20:31:04.876740,2019-04-23,
        let add = BookUpdate(symbol: es, eventTime: t, action: .orderAdd, side: .ask, price: p("2938.25"), size: 65,
                             orderID: 12_345_678, mmid: BookUpdate.packMMID("MD01"), priority: 10)
        #expect(b.apply(add) == BookApplyResult(top: .ask, issues: []))
        // 4,... same values: an update that changes nothing at the top.
        var upd = add; upd.action = .orderUpdate
        #expect(b.apply(upd) == BookApplyResult(top: [], issues: []))
        // 6,... summary of the same order: replaces it.
        var sum = add; sum.action = .orderSummary
        #expect(b.apply(sum).issues.isEmpty)
        #expect(b.snapshot() == BookSnapshot(eventTime: t, bids: [], asks: [BookLevel(price: p("2938.25"), size: 65, orderCount: 1)]))
        // 5,@ESM19,12345678,,A,20:31:04.876740,2019-04-23,
        let del = BookUpdate(symbol: es, eventTime: t, action: .orderDelete, side: .ask, orderID: 12_345_678)
        #expect(b.apply(del) == BookApplyResult(top: .ask, issues: []))
        #expect(b.orderCount == 0)
        // 3,@ESM19,12345678,MD01,B,2938.25,65,11,2,20:31:04.876740,2019-04-23,
        var bid = add; bid.side = .bid; bid.priority = 11
        #expect(b.apply(bid).top == .bid)
        #expect(b.snapshot() == BookSnapshot(eventTime: t, bids: [BookLevel(price: p("2938.25"), size: 65, orderCount: 1)], asks: []))
        // 5,@ESZ21,648907593934,,A,20:32:47.333543,2021-10-24,  (an order this book never saw)
        var set = BookSet()
        let r = set.apply(BookUpdate(symbol: Symbol(unchecked: "@ESZ21"), eventTime: et(2021, 10, 24, 20, 32, 47, 333_543),
                                     action: .orderDelete, side: .ask, orderID: 648_907_593_934))
        #expect(r.issues == .unknownOrder)
        #expect(set.counters.unknownOrder == 1)
    }

    @Test func nasdaqMarketMakersKeyedByMMIDAndSide() {
        let qqq = Symbol(unchecked: "QQQ")
        let t = et(2022, 4, 1, 17, 52, 38, 59_128)
        var b = OrderBook()
        // 6,QQQ,,AMEX,A,408.8400,100,,4,17:52:38.059128,2022-04-01,
        b.apply(BookUpdate(symbol: qqq, eventTime: t, action: .orderSummary, side: .ask, price: p("408.8400"), size: 100,
                           mmid: BookUpdate.packMMID("AMEX")))
        // Same market makers on both sides are different rows.
        b.apply(BookUpdate(symbol: qqq, eventTime: t, action: .orderSummary, side: .ask, price: p("408.8400"), size: 200,
                           mmid: BookUpdate.packMMID("NSDQ")))
        b.apply(BookUpdate(symbol: qqq, eventTime: t, action: .orderSummary, side: .bid, price: p("408.8000"), size: 300,
                           mmid: BookUpdate.packMMID("NSDQ")))
        #expect(b.orderCount == 3)
        #expect(b.snapshot() == BookSnapshot(eventTime: t, bids: [BookLevel(price: p("408.80"), size: 300, orderCount: 1)],
                                             asks: [BookLevel(price: p("408.84"), size: 300, orderCount: 2)]))
        // 5,QQQ,,MEMX,B,,2022-04-06,  (empty time; MEMX never quoted here)
        let r = b.apply(BookUpdate(symbol: qqq, eventTime: 0, action: .orderDelete, side: .bid, mmid: BookUpdate.packMMID("MEMX")))
        #expect(r.issues == .unknownOrder)
        // 5 for NSDQ on the bid side removes only that side's row.
        b.apply(BookUpdate(symbol: qqq, eventTime: 0, action: .orderDelete, side: .bid, mmid: BookUpdate.packMMID("NSDQ")))
        #expect(b.snapshot().bids == [])
        #expect(b.snapshot().asks == [BookLevel(price: p("408.84"), size: 300, orderCount: 2)])
        // 4,SPY,,NSDQ,B,451.4400,300,,4,11:33:27.030724,2022-04-01, on a fresh book: unknown, applied as an add.
        var spy = OrderBook()
        let r2 = spy.apply(BookUpdate(symbol: Symbol(unchecked: "SPY"), eventTime: et(2022, 4, 1, 11, 33, 27, 30_724),
                                      action: .orderUpdate, side: .bid, price: p("451.4400"), size: 300, mmid: BookUpdate.packMMID("NSDQ")))
        #expect(r2 == BookApplyResult(top: .bid, issues: .unknownOrder))
        #expect(spy.bestBid == BookLevel(price: p("451.44"), size: 300, orderCount: 1))
    }

    @Test func futuresMarketByPriceAndClearDepth() {
        let es = Symbol(unchecked: "@ESM19")
        let t = et(2019, 4, 23, 20, 31, 4, 876_740)
        var b = PriceLevelBook()
        // 7,@ESM19,B,2938.25,65,11,2,20:31:04.876740,2019-04-23,
        let sum = BookUpdate(symbol: es, eventTime: t, action: .levelSummary, side: .bid, price: p("2938.25"), size: 65, orderCount: 11)
        #expect(b.apply(sum) == BookApplyResult(top: .bid, issues: []))
        // 8,@ESM19,B,2938.25,65,11,... (no change)
        var upd = sum; upd.action = .levelUpdate
        #expect(b.apply(upd) == BookApplyResult(top: [], issues: []))
        // 9,@ESM19,A,2938.25,20:31:04.876740,2019-04-23,  (no such ask level)
        #expect(b.apply(BookUpdate(symbol: es, eventTime: t, action: .levelDelete, side: .ask, price: p("2938.25"))).issues == .unknownLevel)
        // 8,@ESM19,A,2938.25,65,10,2,20:31:04.876740,2019-04-23,  (a locked book: not counted as crossed)
        let r = b.apply(BookUpdate(symbol: es, eventTime: t, action: .levelUpdate, side: .ask, price: p("2938.25"), size: 65, orderCount: 10))
        #expect(r == BookApplyResult(top: .ask, issues: []))
        #expect(b.snapshot() == BookSnapshot(eventTime: t, bids: [BookLevel(price: p("2938.25"), size: 65, orderCount: 11)],
                                             asks: [BookLevel(price: p("2938.25"), size: 65, orderCount: 10)]))
        // S,CLEAR DEPTH,@ESZ22,B,  then A: each clears one side.
        #expect(b.apply(BookUpdate(symbol: es, eventTime: 0, action: .clear, side: .bid)).top == .bid)
        #expect(b.snapshot().bids == [] && b.snapshot().asks.count == 1)
        #expect(b.apply(BookUpdate(symbol: es, eventTime: 0, action: .clear, side: .ask)).top == .ask)
        #expect(b.snapshot() == BookSnapshot(eventTime: t))
        #expect(b.counters.unknownLevel == 1 && b.counters.inconsistencies == 1)
    }
}
