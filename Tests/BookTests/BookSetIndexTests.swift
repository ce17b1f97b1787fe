import Book
import MarketData
import MDTTestSupport
import Testing

/// `BookSet`'s symbol index: packed short ASCII symbols in an open-addressing table, the rest in a dictionary.
@Suite struct BookSetIndexTests {
    /// A level row whose price tells which symbol's book it landed in.
    func row(_ s: Symbol, _ tag: Int, t: Nanos = 1) -> BookUpdate {
        BookUpdate(symbol: s, eventTime: t, action: .levelUpdate, side: .bid, price: Price(units: Int64(tag)),
                   size: 1, orderCount: 1)
    }

    /// Symbols of every length from 1 to 24 bytes (both sides of the 15-byte packing limit), similar
    /// prefixes, and non-ASCII text (kept apart by the dictionary).
    static func symbols() -> [Symbol] {
        var out: [Symbol] = []
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.#")
        for len in 1...24 {
            for k in 0..<40 {
                var s = ""
                for j in 0..<len { s.append(alphabet[(k * 7 + j * (k + 3)) % alphabet.count]) }
                out.append(Symbol(unchecked: s))
            }
        }
        for i in 0..<3000 { out.append(Symbol(unchecked: "S\(i)")) }
        out += ["É", "ÉCLAIR", "AAPL€", "Ω1234567890123456"].map { Symbol(unchecked: $0) }
        var seen = Set<Symbol>()
        return out.filter { seen.insert($0).inserted }
    }

    @Test func everySymbolFindsItsOwnBookThroughGrowthAndRemoval() {
        let all = Self.symbols()
        var set = BookSet(symbolCapacity: 4)  // grows many times
        for (i, s) in all.enumerated() { set.apply(row(s, i + 1)) }
        #expect(set.count == all.count)
        for (i, s) in all.enumerated() {
            guard set.book(s)?.bestBid?.price == Price(units: Int64(i + 1)) else {
                Issue.record("\(s) lost its book"); return
            }
        }
        // A second update per symbol lands in the same book (no new books).
        for (i, s) in all.enumerated() { set.apply(row(s, i + 1, t: 2)) }
        #expect(set.count == all.count)
        #expect(set.counters.updates == UInt64(2 * all.count))

        // Remove every third symbol (backward-shift deletion in the table, swaps in the book array).
        var rng = SplitMix64(seed: 5)
        var removed = Set<Symbol>()
        for (i, s) in all.enumerated().shuffled(using: &rng) where i % 3 == 0 {
            set.remove(s); removed.insert(s)
        }
        #expect(set.count == all.count - removed.count)
        for (i, s) in all.enumerated() {
            let price = set.book(s)?.bestBid?.price
            guard price == (removed.contains(s) ? nil : Price(units: Int64(i + 1))) else {
                Issue.record("\(s) after removals: \(String(describing: price))"); return
            }
        }
        #expect(Set(set.allSymbols) == Set(all).subtracting(removed))
        // Removed symbols come back with fresh books.
        for s in removed { set.apply(row(s, 7)) }
        #expect(set.count == all.count)
        for s in removed.prefix(50) { #expect(set.snapshot(s)?.bids == [BookLevel(price: Price(units: 7), size: 1, orderCount: 1)]) }
        set.remove(Symbol(unchecked: "NOT-THERE"))
        #expect(set.count == all.count)
    }

    @Test func sameTextFromDifferentStringStorageIsOneBook() {
        var set = BookSet()
        set.apply(row(Symbol(unchecked: "AAPL"), 1))
        // Same bytes in a heap-allocated (non-small) String.
        var heap = String()
        heap.reserveCapacity(64)
        heap += "AA"
        heap += "PL"
        set.apply(row(Symbol(unchecked: heap), 2, t: 2))
        var long = String()
        long.reserveCapacity(128)
        long += "@ESM26C5000"
        set.apply(row(Symbol(unchecked: long), 3))
        set.apply(row(Symbol(unchecked: "@ESM26C5000"), 4, t: 2))
        #expect(set.count == 2)
        #expect(set.snapshot(Symbol(unchecked: "AAPL"))?.bids.map(\.price) == [Price(units: 2), Price(units: 1)])
        #expect(set.snapshot(Symbol(unchecked: "@ESM26C5000"))?.bids.map(\.price) == [Price(units: 4), Price(units: 3)])
        // Validated symbols (the feed's path) and unchecked ones agree.
        let parsed = "AAPL".utf8.withContiguousStorageIfAvailable { try? Symbol(bytes: UnsafeRawBufferPointer($0)) } ?? nil
        #expect(parsed.flatMap { set.book($0)?.bestBid?.price } == Price(units: 2))
    }

    @Test func crossedUsesTheMirroredTopsOfBothSides() {
        var b = OrderBook()
        let s = Symbol(unchecked: "X")
        func lvl(_ side: Side, _ units: Int64, _ size: UInt32) -> BookUpdate {
            BookUpdate(symbol: s, eventTime: 1, action: .levelUpdate, side: side, price: Price(units: units), size: size, orderCount: 1)
        }
        #expect(!b.isCrossed)
        #expect(b.apply(lvl(.bid, 10, 1)).issues.isEmpty)  // ask side empty: never crossed
        #expect(b.apply(lvl(.ask, 9, 1)).issues == .crossed)
        #expect(b.apply(lvl(.ask, 12, 1)).issues == .crossed)  // still crossed: best ask is 9
        #expect(b.apply(BookUpdate(symbol: s, eventTime: 1, action: .levelDelete, side: .ask, price: Price(units: 9))) == BookApplyResult(top: .ask, issues: []))
        #expect(b.apply(BookUpdate(symbol: s, eventTime: 1, action: .clear, side: .ask)) == BookApplyResult(top: .ask, issues: []))
        #expect(b.apply(BookUpdate(symbol: s, eventTime: 1, action: .clear, side: .ask)) == BookApplyResult(top: [], issues: []))
        #expect(b.apply(lvl(.ask, 10, 1)).issues.isEmpty)  // locked is not crossed
        // Same size and count at the top: no top change; a different count: a change.
        #expect(b.apply(lvl(.ask, 10, 1)).top == [])
        var moreOrders = lvl(.ask, 10, 1)
        moreOrders.orderCount = 2
        #expect(b.apply(moreOrders).top == .ask)
        #expect(b.levels.isWellFormed())
        #expect(b.counters.updates == 9 && b.counters.crossed == 2)
    }
}
