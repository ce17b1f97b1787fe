import Book
import MarketData
import Testing

@Suite struct BookInconsistencyTests {
    let sym = Symbol(unchecked: "@ESM26")
    func p(_ s: String) -> Price { (try? Price.parse(s)).flatMap { $0 } ?? .zero }
    func u(_ action: BookAction, _ side: Side, _ price: String = "0", _ size: UInt32 = 0, id: UInt64 = 0,
           mmid: String = "", count: UInt32 = 0, t: Nanos = 1_000) -> BookUpdate {
        BookUpdate(symbol: sym, eventTime: t, action: action, side: side, price: p(price), size: size,
                   orderID: id, mmid: BookUpdate.packMMID(mmid), orderCount: count)
    }

    @Test func orderBookCountsEveryKindOfInconsistency() {
        var b = OrderBook()
        #expect(b.apply(u(.orderDelete, .bid, id: 7)).issues == .unknownOrder)
        // An update of an unknown order is counted, then applied as an add.
        let r = b.apply(u(.orderUpdate, .bid, "100.25", 10, id: 8))
        #expect(r.issues == .unknownOrder)
        #expect(r.top == .bid)
        #expect(b.bestBid == BookLevel(price: p("100.25"), size: 10, orderCount: 1))
        #expect(b.apply(u(.orderAdd, .bid, "100.25", 5, id: 8)).issues == .duplicateOrder)
        #expect(b.bestBid == BookLevel(price: p("100.25"), size: 5, orderCount: 1))
        #expect(b.apply(u(.orderAdd, .ask, "100.5", 0, id: 9)).issues == .zeroSize)
        #expect(b.best(.ask) == nil)
        // Crossed: an ask below the best bid.
        let crossed = b.apply(u(.orderAdd, .ask, "100", 3, id: 10))
        #expect(crossed.issues == .crossed)
        #expect(b.isCrossed)
        #expect(b.apply(u(.orderDelete, .ask, id: 10)).issues.isEmpty)
        // Stale: older than the newest applied, still applied.
        #expect(b.apply(u(.orderAdd, .ask, "101", 4, id: 11, t: 2_000)).issues.isEmpty)
        let stale = b.apply(u(.orderAdd, .ask, "102", 4, id: 12, t: 1_500))
        #expect(stale.issues == .stale)
        #expect(b.orderCount == 3)
        #expect(b.lastEventTime == 2_000)
        // A row with no time (Nasdaq deletes) is not stale.
        #expect(b.apply(u(.orderDelete, .ask, id: 12, t: 0)).issues.isEmpty)
        // Level rows on a book holding orders, and unkeyed order rows.
        #expect(b.apply(u(.levelUpdate, .bid, "99", 5, count: 1, t: 3_000)).issues == .unsupported)
        #expect(b.apply(u(.orderAdd, .bid, "99", 5, t: 3_000)).issues == .unkeyed)
        // Zero-size update removes the order.
        #expect(b.apply(u(.orderUpdate, .bid, "100.25", 0, id: 8, t: 3_000)).issues == .zeroSize)
        #expect(b.best(.bid) == nil)

        let c = b.counters
        #expect(c.unknownOrder == 2)
        #expect(c.duplicateOrder == 1)
        #expect(c.zeroSize == 2)
        #expect(c.crossed == 1)
        #expect(c.stale == 1)
        #expect(c.unsupported == 1)
        #expect(c.unkeyed == 1)
        #expect(c.unknownLevel == 0)
        #expect(c.inconsistencies == 9)
        #expect(c.updates == 12)
        #expect(b.isConsistent())
    }

    @Test func priceLevelBookCountsInconsistencies() {
        var b = PriceLevelBook()
        #expect(b.apply(u(.levelDelete, .ask, "10")).issues == .unknownLevel)
        #expect(b.apply(u(.levelSummary, .bid, "10", 5, count: 1)).issues.isEmpty)
        #expect(b.apply(u(.levelUpdate, .ask, "9.5", 5, count: 1)).issues == .crossed)
        #expect(b.apply(u(.levelUpdate, .ask, "9.5", 0)).issues == .zeroSize)
        #expect(b.best(.ask) == nil)
        #expect(b.apply(u(.orderAdd, .ask, "11", 5, id: 1)).issues == .unsupported)
        #expect(b.apply(u(.levelUpdate, .ask, "11", 5, t: 999)).issues == .stale)
        // Locked (bid == ask) is not counted as crossed.
        #expect(b.apply(u(.levelUpdate, .ask, "10", 5)).issues.isEmpty)
        #expect(!b.isCrossed)
        #expect(b.counters.inconsistencies == 5)
        #expect(b.counters.unknownLevel == 1 && b.counters.crossed == 1 && b.counters.zeroSize == 1)
        #expect(b.counters.unsupported == 1 && b.counters.stale == 1)
    }

    @Test func clearDropsOneSideAndResnapshotRebuilds() {
        var b = OrderBook()
        b.apply(u(.orderSummary, .bid, "100", 5, id: 1))
        b.apply(u(.orderSummary, .bid, "99.75", 6, id: 2))
        b.apply(u(.orderSummary, .ask, "100.25", 7, id: 3))
        let r = b.apply(u(.clear, .bid))
        #expect(r.top == .bid)
        #expect(b.levels.levelCount(.bid) == 0)
        #expect(b.orderCount == 1)
        #expect(b.order(OrderKey(orderID: 3, mmid: 0, side: .ask))?.size == 7)
        // Deleting a cleared order is now unknown.
        #expect(b.apply(u(.orderDelete, .bid, id: 1)).issues == .unknownOrder)
        // Re-snapshot after reconnect: summaries again.
        b.apply(u(.orderSummary, .bid, "100", 5, id: 1))
        #expect(b.snapshot().bids == [BookLevel(price: p("100"), size: 5, orderCount: 1)])
        #expect(b.isConsistent())
    }

    @Test func applyResultReportsOnlyTopChanges() {
        var b = PriceLevelBook()
        #expect(b.apply(u(.levelSummary, .bid, "100", 5, count: 1)).top == .bid)
        #expect(b.apply(u(.levelSummary, .bid, "99", 5, count: 1)).top == [])
        #expect(b.apply(u(.levelSummary, .ask, "101", 5, count: 1)).top == .ask)
        #expect(b.apply(u(.levelUpdate, .bid, "100", 6, count: 1)).top == .bid)
        #expect(b.apply(u(.levelDelete, .bid, "99")).top == [])
        #expect(b.apply(u(.levelDelete, .bid, "100")).top == .bid)
        #expect(b.bestBid == nil)
    }

    @Test func topIntoCallerBufferAndDepth() {
        var b = PriceLevelBook()
        for i in 0..<10 { b.apply(u(.levelSummary, .bid, "\(100 - i)", UInt32(i + 1), count: 1)) }
        for i in 0..<10 { b.apply(u(.levelSummary, .ask, "\(101 + i)", UInt32(i + 1), count: 2)) }
        var buf: [BookLevel] = []
        buf.reserveCapacity(5)
        b.top(.bid, depth: 3, into: &buf)
        #expect(buf.map(\.price) == [p("100"), p("99"), p("98")])
        b.top(.ask, depth: 3, into: &buf)
        #expect(buf.map(\.price) == [p("101"), p("102"), p("103")])
        #expect(buf.allSatisfy { $0.orderCount == 2 })
        #expect(b.level(.ask, depth: 9)?.price == p("110"))
        #expect(b.level(.ask, depth: 10) == nil)
        #expect(b.level(.bid, price: p("95"))?.size == 6)
        let s = b.snapshot(depth: 2)
        #expect(s.bids.count == 2 && s.asks.count == 2)
    }

    @Test func bookSetKeepsManySymbolsApart() {
        var set = BookSet(symbolCapacity: 20_000)
        for i in 0..<20_000 {
            let s = Symbol(unchecked: "S\(i)")
            set.apply(BookUpdate(symbol: s, eventTime: 1, action: .orderAdd, side: .bid,
                                 price: Price(units: Int64(i + 1)), size: 100, orderID: UInt64(i + 1)))
            set.apply(BookUpdate(symbol: s, eventTime: 2, action: .levelUpdate, side: .ask,
                                 price: Price(units: Int64(i + 2)), size: 1, orderCount: 1))
        }
        #expect(set.count == 20_000)
        let snap = set.snapshot(Symbol(unchecked: "S12345"))
        #expect(snap?.bids == [BookLevel(price: Price(units: 12_346), size: 100, orderCount: 1)])
        #expect(snap?.asks == [])  // level row on a book with orders: unsupported
        #expect(set.counters.unsupported == 20_000)
        #expect(set.counters.updates == 40_000)
        var buf: [BookLevel] = []
        set.top(Symbol(unchecked: "S7"), .bid, depth: 5, into: &buf)
        #expect(buf.first?.price == Price(units: 8))
        set.remove(Symbol(unchecked: "S0"))
        #expect(set.count == 19_999)
        #expect(set.book(Symbol(unchecked: "S0")) == nil)
        #expect(set.snapshot(Symbol(unchecked: "S19999"))?.bids.first?.price == Price(units: 20_000))
        set.resetAll()
        #expect(set.snapshot(Symbol(unchecked: "S5"))?.bids == [])
    }
}

@Suite struct BookSnapshotJSONTests {
    @Test func snapshotJSONIsExact() {
        let s = BookSnapshot(symbol: Symbol(unchecked: "@ESM26"), eventTime: 1_773_063_000_123_456_789,
                             bids: [BookLevel(price: Price(units: 5000, nanos: 250_000_000), size: 12, orderCount: 3)],
                             asks: [BookLevel(price: Price(units: 5000, nanos: 500_000_000), size: 7, orderCount: 1),
                                    BookLevel(price: Price(units: 5001), size: 1, orderCount: 1)])
        #expect(s.json == """
            {"symbol":"@ESM26","ts":"2026-03-09T13:30:00.123456789Z","ts_ns":1773063000123456789,\
            "bids":[{"price":5000.25,"size":12,"orders":3}],"asks":[{"price":5000.5,"size":7,"orders":1},{"price":5001,"size":1,"orders":1}]}
            """)
        #expect(BookSnapshot().json == #"{"symbol":null,"ts":"1970-01-01T00:00:00.000000000Z","ts_ns":0,"bids":[],"asks":[]}"#)
    }
}
