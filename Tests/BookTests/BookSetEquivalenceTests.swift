import Book
import MarketData
import MDTTestSupport
import Testing

/// `BookSet` over many symbols (half market-by-price, half market-by-order) against one `ReferenceBook` per
/// symbol, applying through both the by-symbol API and handles; and the handle API itself.
@Suite struct BookSetEquivalenceTests {
    static let tick: Int64 = 10_000_000
    static let mid: Int64 = 100 * Price.scale

    static func price(_ side: Side, _ rng: inout SplitMix64) -> Int64 {
        side == .bid ? mid - Int64(1 + rng.below(24)) * tick : mid + Int64(rng.below(24)) * tick
    }

    @Test(arguments: [UInt64(11), 2026, 0xBEEF])
    func manySymbolsMatchTheReference(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        // Both sides of the 15-byte inline-packing limit, and a non-ASCII one.
        let symbols = (0..<40).map { i -> Symbol in
            Symbol(unchecked: i % 10 == 9 ? "LONG.SYMBOL.NAME.\(i)" : (i == 7 ? "É\(i)" : "S\(i)"))
        }
        var set = BookSet(symbolCapacity: 4, orderCapacity: 8, levelCapacity: 4)  // grows everywhere
        var refs = Array(repeating: ReferenceBook(), count: symbols.count)
        var handles: [BookHandle?] = Array(repeating: nil, count: symbols.count)
        var nextID: UInt64 = 1
        var t: Nanos = 1_773_063_000_000_000_000
        for step in 0..<20_000 {
            let i = rng.below(symbols.count)
            let byOrder = i % 2 == 1
            t += Int64(rng.below(100))
            let side: Side = rng.chance(50) ? .bid : .ask
            var u = BookUpdate(symbol: symbols[i], eventTime: t, action: .levelUpdate, side: side)
            let roll = rng.below(100)
            if roll < 2 {
                u.action = .clear
                refs[i].clear(side)
            } else if byOrder {
                if let (key, o) = refs[i].orders.randomElement(using: &rng), roll < 40 || refs[i].orders.count > 60 {
                    u.side = o.side; u.orderID = key.orderID
                    refs[i].removeOrder(key)
                    if roll < 25 {
                        u.action = .orderDelete
                    } else {
                        u.action = .orderUpdate
                        u.price = Price(raw: rng.chance(30) ? Self.price(o.side, &rng) : o.price)
                        u.size = UInt32(1 + rng.below(500))
                        refs[i].addOrder(key, o.side, u.price.raw, u.size)
                    }
                } else {
                    u.action = .orderAdd
                    u.orderID = nextID; nextID += 1
                    u.price = Price(raw: Self.price(side, &rng))
                    u.size = UInt32(1 + rng.below(500))
                    refs[i].addOrder(OrderKey(u), side, u.price.raw, u.size)
                }
            } else if roll < 30, let existing = refs[i].levels[side]?.keys.sorted().randomElement(using: &rng) {
                u.action = .levelDelete
                u.price = Price(raw: existing)
                refs[i].setLevel(side, existing, 0, 0)
            } else {
                u.action = roll < 80 ? .levelUpdate : .levelSummary
                u.price = Price(raw: Self.price(side, &rng))
                u.size = UInt32(1 + rng.below(5000))
                u.orderCount = UInt32(1 + rng.below(30))
                refs[i].setLevel(side, u.price.raw, UInt64(u.size), u.orderCount)
            }
            refs[i].lastTime = t
            let before = (set.book(symbols[i])?.bestBid, set.book(symbols[i])?.bestAsk)
            let r: BookApplyResult
            if rng.chance(50) {
                r = set.apply(u)
            } else {
                let h = handles[i] ?? set.handle(for: symbols[i])
                handles[i] = h
                // The handle ignores the update's symbol.
                var other = u
                other.symbol = Symbol(unchecked: "NOT-USED")
                r = set.apply(other, at: h)
            }
            let want = refs[i].snapshot()
            guard let got = set.snapshot(symbols[i]), r.issues.isEmpty,
                  got.bids == want.bids, got.asks == want.asks, got.eventTime == t else {
                Issue.record("seed \(seed) step \(step) \(symbols[i]) \(u.action) \(u.side) \(u.price): issues \(r.issues.rawValue)\n got \(String(describing: set.snapshot(symbols[i])))\nwant \(want)")
                return
            }
            var top = TopChange()
            if before.0 != refs[i].best(.bid) { top.insert(.bid) }
            if before.1 != refs[i].best(.ask) { top.insert(.ask) }
            guard r.top == top else { Issue.record("seed \(seed) step \(step): top \(r.top.rawValue), want \(top.rawValue)"); return }
        }
        #expect(set.count == symbols.count)
        #expect(set.counters.inconsistencies == 0)
        #expect(!set.allSymbols.contains(Symbol(unchecked: "NOT-USED")))
        for (i, s) in symbols.enumerated() {
            #expect(set.book(s)?.isConsistent() == true, "\(s)")
            if let h = handles[i] { #expect(set.symbol(at: h) == s && set.existingHandle(for: s) == h) }
        }
    }

    @Test func handlesNameBooksUntilARemove() {
        var set = BookSet()
        let a = Symbol(unchecked: "AAPL"), m = Symbol(unchecked: "MSFT")
        #expect(set.existingHandle(for: a) == nil)
        let ha = set.handle(for: a)
        #expect(set.count == 1 && set.book(a) != nil && set.book(a)?.bestBid == nil)
        #expect(set.handle(for: a) == ha)  // no second book
        let hm = set.handle(for: m)
        #expect(hm != ha && set.count == 2 && hm.index == 1 && set.allSymbols[hm.index] == m)
        let up = BookUpdate(symbol: a, eventTime: 5, action: .levelUpdate, side: .ask, price: Price(units: 3), size: 7, orderCount: 2)
        #expect(set.apply(up, at: hm) == BookApplyResult(top: .ask))
        #expect(set.book(m)?.bestAsk == BookLevel(price: Price(units: 3), size: 7, orderCount: 2))
        #expect(set.book(a)?.bestAsk == nil)
        #expect(set.apply(up) == BookApplyResult(top: .ask))  // by symbol: AAPL's book
        #expect(set.book(a)?.bestAsk?.size == 7)
        set.remove(a)
        // MSFT moved into AAPL's place: look it up again.
        let hm2 = set.existingHandle(for: m)
        #expect(hm2 == ha && set.symbol(at: ha) == m && set.existingHandle(for: a) == nil)
    }

    @Test func symbolsOfEveryShortLengthFindOneBookWhateverTheirStorage() {
        var set = BookSet(symbolCapacity: 4)
        for n in 1...20 {
            let text = String((0..<n).map { Character(UnicodeScalar(UInt8(65 + ($0 * 7 + n) % 26))) })
            var heap = String()
            heap.reserveCapacity(96)
            heap += text
            let fromBytes = Array(text.utf8).withUnsafeBytes { try? Symbol(bytes: $0) }
            set.apply(BookUpdate(symbol: Symbol(unchecked: text), eventTime: 1, action: .levelUpdate, side: .bid,
                                 price: Price(units: Int64(n)), size: 1, orderCount: 1))
            set.apply(BookUpdate(symbol: Symbol(unchecked: heap), eventTime: 2, action: .levelUpdate, side: .bid,
                                 price: Price(units: Int64(n)), size: 2, orderCount: 1))
            #expect(set.count == n, "length \(n)")
            #expect(fromBytes.flatMap { set.book($0)?.bestBid?.size } == 2, "length \(n)")
        }
    }
}
