import Book
import MarketData
import MDTTestSupport
import Testing

/// The ladder keeps its best levels inside the book and spills deeper ones: fill and drain both sides past that
/// boundary in every order (top first, bottom first, shuffled) and compare with the reference after each row.
@Suite struct LadderSpillTests {
    enum Order: String, CaseIterable { case bestFirst, worstFirst, shuffled }

    @Test(arguments: Order.allCases)
    func fillAndDrainPastTheInlineLevels(order: Order) {
        let s = Symbol(unchecked: "SPILL")
        var book = PriceLevelBook(capacity: 4)
        var ref = ReferenceBook()
        var rng = SplitMix64(seed: 17)
        for side in [Side.bid, .ask] {
            // 45 levels: bids below 1000 ticks, asks above.
            var ticks = (1...45).map { side == .bid ? Int64(1000 - $0) : Int64(1000 + $0) }
            switch order {
            case .bestFirst: break
            case .worstFirst: ticks.reverse()
            case .shuffled: ticks.shuffle(using: &rng)
            }
            for (n, t) in ticks.enumerated() {
                let u = BookUpdate(symbol: s, eventTime: 1, action: .levelSummary, side: side, price: Price(units: t),
                                   size: UInt32(10 + n), orderCount: 1)
                ref.setLevel(side, u.price.raw, UInt64(u.size), 1)
                book.apply(u)
                guard book.snapshot().bids == ref.snapshot().bids, book.snapshot().asks == ref.snapshot().asks,
                      book.isWellFormed() else { Issue.record("\(order) fill \(side) row \(n)"); return }
            }
            #expect(book.levelCount(side) == 45)
            // Resize every level (deep ones live outside the book), then drain in a different order.
            for t in ticks {
                book.apply(BookUpdate(symbol: s, eventTime: 1, action: .levelUpdate, side: side, price: Price(units: t), size: 7, orderCount: 3))
                ref.setLevel(side, Price(units: t).raw, 7, 3)
            }
            #expect(book.snapshot().bids == ref.snapshot().bids && book.snapshot().asks == ref.snapshot().asks)
            ticks.shuffle(using: &rng)
            for (n, t) in ticks.enumerated() where n % 2 == 0 {
                book.apply(BookUpdate(symbol: s, eventTime: 1, action: .levelDelete, side: side, price: Price(units: t)))
                ref.setLevel(side, Price(units: t).raw, 0, 0)
                guard book.snapshot().bids == ref.snapshot().bids, book.snapshot().asks == ref.snapshot().asks,
                      book.isWellFormed() else { Issue.record("\(order) drain \(side) row \(n)"); return }
            }
        }
        #expect(book.counters.inconsistencies == 0)
        // Clear with levels spilled, then build again.
        book.clear(.bid)
        ref.clear(.bid)
        book.apply(BookUpdate(symbol: s, eventTime: 1, action: .levelUpdate, side: .bid, price: Price(units: 990), size: 5, orderCount: 1))
        ref.setLevel(.bid, Price(units: 990).raw, 5, 1)
        #expect(book.snapshot().bids == ref.snapshot().bids && book.isWellFormed())
        #expect(book.level(.bid, price: Price(units: 990))?.size == 5)
        #expect(book.level(.ask, price: Price(units: 1045)) == (ref.levels[.ask]?[Price(units: 1045).raw]).map {
            BookLevel(price: Price(units: 1045), size: $0.size, orderCount: $0.count) })
    }
}
