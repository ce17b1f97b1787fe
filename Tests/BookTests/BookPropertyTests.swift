import Book
import MarketData
import MDTTestSupport
import Testing

/// Random VALID update sequences driven through the books and `ReferenceBook`, comparing full
/// snapshots after every step. Failures print the seed and step so a run can be replayed.
@Suite struct BookPropertyTests {
    static let symbol = Symbol(unchecked: "@ESM26")
    static let tick: Int64 = 250_000_000
    static let mid: Int64 = 5000 * Price.scale
    static let makers = ["NSDQ", "ARCA", "EDGX", "BATS", "MEMX", "CHXE"].map(BookUpdate.packMMID)

    static func price(_ side: Side, _ rng: inout SplitMix64) -> Int64 {
        side == .bid ? mid - Int64(1 + rng.below(40)) * tick : mid + Int64(rng.below(40)) * tick
    }

    static func expectedTop(_ before: (BookLevel?, BookLevel?), _ after: (BookLevel?, BookLevel?)) -> TopChange {
        var c = TopChange()
        if before.0 != after.0 { c.insert(.bid) }
        if before.1 != after.1 { c.insert(.ask) }
        return c
    }

    static let mbpSeeds: [UInt64] = [1, 42, 0xDEAD_BEEF, 20_260_309, 7_777_777]
    static let stepsPerSeed = 12_000

    @Test(arguments: mbpSeeds)
    func marketByPriceMatchesReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var book = PriceLevelBook(capacity: 64)
        var ref = ReferenceBook()
        var t: Nanos = 1_773_063_000_000_000_000
        for step in 0..<Self.stepsPerSeed {
            t += Int64(rng.below(1000))
            let side: Side = rng.chance(50) ? .bid : .ask
            var u = BookUpdate(symbol: Self.symbol, eventTime: t, action: .levelUpdate, side: side)
            let roll = rng.below(100)
            if roll < 2 {
                u.action = .clear
                ref.clear(side)
            } else if roll < 30, let existing = ref.levels[side]?.keys.sorted().randomElement(using: &rng) {
                u.action = .levelDelete
                u.price = Price(raw: existing)
                ref.setLevel(side, existing, 0, 0)
            } else {
                u.action = roll < 80 ? .levelUpdate : .levelSummary
                u.price = Price(raw: Self.price(side, &rng))
                u.size = UInt32(1 + rng.below(5000))
                u.orderCount = UInt32(1 + rng.below(30))
                ref.setLevel(side, u.price.raw, UInt64(u.size), u.orderCount)
            }
            // The book's top before equals the reference's (snapshots matched at the previous step).
            let before = (book.bestBid, book.bestAsk)
            ref.lastTime = t
            let r = book.apply(u)
            let snap = book.snapshot()
            let want = ref.snapshot()
            guard r.issues.isEmpty, snap == want, book.isWellFormed(), !book.isCrossed,
                  r.top == Self.expectedTop(before, (ref.best(.bid), ref.best(.ask))) else {
                Issue.record("MBP seed \(seed) step \(step) \(u.action) \(u.side) \(u.price): issues \(r.issues.rawValue) top \(r.top.rawValue)\n got \(snap)\nwant \(want)")
                return
            }
        }
        #expect(book.counters.inconsistencies == 0, "seed \(seed)")
        #expect(book.counters.updates == UInt64(Self.stepsPerSeed), "seed \(seed)")

        // Replaying the snapshot's updates into an empty book reproduces it.
        let snap = book.snapshot()
        var rebuilt = PriceLevelBook()
        for u in snap.replayUpdates(symbol: Self.symbol) { rebuilt.apply(u) }
        #expect(rebuilt.snapshot() == snap, "seed \(seed)")
        #expect(rebuilt.counters.inconsistencies == 0, "seed \(seed)")
    }

    static let mboSeeds: [UInt64] = [3, 99, 0xC0FFEE, 123_456_789, 31_337]

    @Test(arguments: mboSeeds)
    func marketByOrderMatchesReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var book = OrderBook(orderCapacity: 512, levelCapacity: 64)
        var ref = ReferenceBook()
        var t: Nanos = 1_773_063_000_000_000_000
        var nextID: UInt64 = 648_907_593_934
        for step in 0..<Self.stepsPerSeed {
            t += Int64(rng.below(1000))
            var u = BookUpdate(symbol: Self.symbol, eventTime: t, action: .orderAdd, side: rng.chance(50) ? .bid : .ask)
            let roll = rng.below(100)
            let existing = ref.orders.count > 0 ? ref.orders.randomElement(using: &rng) : nil
            if roll < 2 {
                u.action = .clear
                ref.clear(u.side)
            } else if let (key, o) = existing, roll < 30 || ref.orders.count > 300 {
                // Delete: as on the wire, with side and id/MMID but no price or size.
                u.action = .orderDelete
                u.side = o.side
                u.orderID = key.orderID
                u.mmid = key.orderID == 0 ? UInt32(truncatingIfNeeded: key.makerSide) : 0
                ref.removeOrder(key)
            } else if let (key, o) = existing, roll < 50 {
                u.action = .orderUpdate
                u.side = o.side
                u.orderID = key.orderID
                u.mmid = key.orderID == 0 ? UInt32(truncatingIfNeeded: key.makerSide) : 0
                u.price = Price(raw: rng.chance(30) ? Self.price(o.side, &rng) : o.price)
                u.size = UInt32(1 + rng.below(500))
                ref.removeOrder(key)
                ref.addOrder(key, o.side, u.price.raw, u.size)
            } else if roll < 65 {
                // A Nasdaq market maker's quote on one side: order id 0, keyed by MMID + side.
                u.mmid = Self.makers[rng.below(Self.makers.count)]
                let key = OrderKey(orderID: 0, mmid: u.mmid, side: u.side)
                u.action = ref.orders[key] == nil ? .orderAdd : .orderUpdate
                u.price = Price(raw: Self.price(u.side, &rng))
                u.size = UInt32(100 * (1 + rng.below(20)))
                ref.removeOrder(key)
                ref.addOrder(key, u.side, u.price.raw, u.size)
            } else {
                u.action = rng.chance(90) ? .orderAdd : .orderSummary
                u.orderID = nextID
                nextID += 1
                u.price = Price(raw: Self.price(u.side, &rng))
                u.size = UInt32(1 + rng.below(500))
                u.priority = UInt64(step)
                ref.addOrder(OrderKey(u), u.side, u.price.raw, u.size)
            }
            ref.lastTime = t
            let before = (book.bestBid, book.bestAsk)
            let r = book.apply(u)
            let snap = book.snapshot()
            let want = ref.snapshot()
            guard r.issues.isEmpty, snap == want, !book.isCrossed, book.orderCount == ref.orders.count,
                  r.top == Self.expectedTop(before, (book.bestBid, book.bestAsk)) else {
                Issue.record("MBO seed \(seed) step \(step) \(u.action) \(u.side) id \(u.orderID) mmid \(u.mmid): issues \(r.issues.rawValue)\n got \(snap)\nwant \(want)")
                return
            }
            if step % 97 == 0 {
                guard book.isConsistent() else { Issue.record("MBO seed \(seed) step \(step): ladder differs from its orders"); return }
                let agg = ref.aggregatedFromOrders()
                for s in [Side.bid, .ask] {
                    guard agg[s]?.count == ref.levels[s]?.count else { Issue.record("reference broken, seed \(seed) step \(step)"); return }
                }
            }
        }
        #expect(book.counters.inconsistencies == 0, "seed \(seed)")

        // Replaying the orders (summary rows) reproduces the ladder.
        var rebuilt = OrderBook()
        for u in book.replayUpdates(symbol: Self.symbol) { rebuilt.apply(u) }
        #expect(rebuilt.snapshot() == book.snapshot(), "seed \(seed)")
        #expect(rebuilt.orderCount == book.orderCount, "seed \(seed)")
        #expect(rebuilt.counters.inconsistencies == 0, "seed \(seed)")
        // The aggregated snapshot replays into a price-level book too.
        var levels = PriceLevelBook()
        let snap = book.snapshot()
        for u in snap.replayUpdates(symbol: Self.symbol) { levels.apply(u) }
        #expect(levels.snapshot() == snap, "seed \(seed)")
    }
}
