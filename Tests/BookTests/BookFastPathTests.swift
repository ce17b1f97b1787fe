@testable import Book
import MarketData
import MDTTestSupport
import Testing

/// The market-by-price fast path of `OrderBook.apply(row:)` (inline levels, no orders) against
/// (a) a simple reference book that also predicts every issue flag and top change, and (b) the same rows
/// applied through `applyGeneral` only: identical ladders, results, counters and crossed state after every row.
/// The streams are built to leave the fast path often: bad rows (stale, no time, size 0, unknown deletes),
/// clears, sides growing past the 16 inline levels and shrinking back, crossed books, and order rows.
@Suite struct BookFastPathTests {
    static let tick: Int64 = 10_000_000
    static let mid: Int64 = 100 * Price.scale

    /// A reference that knows the issue rules of market-by-price rows.
    struct Model {
        var ref = ReferenceBook()
        var hasOrders = false

        mutating func apply(_ u: BookUpdate) -> BookApplyResult {
            var issues = BookIssues()
            if u.eventTime != 0 {
                if u.eventTime < ref.lastTime { issues.insert(.stale) } else { ref.lastTime = u.eventTime }
            }
            let before = (ref.best(.bid), ref.best(.ask))
            switch u.action {
            case .levelUpdate, .levelSummary:
                if hasOrders { issues.insert(.unsupported); break }
                if u.size == 0 { issues.insert(.zeroSize) }
                ref.setLevel(u.side, u.price.raw, UInt64(u.size), u.orderCount)
            case .levelDelete:
                if hasOrders { issues.insert(.unsupported); break }
                if ref.levels[u.side]?[u.price.raw] == nil { issues.insert(.unknownLevel) }
                ref.setLevel(u.side, u.price.raw, 0, 0)
            case .clear:
                ref.clear(u.side)
                hasOrders = !ref.orders.isEmpty
            case .orderAdd:
                ref.addOrder(OrderKey(u), u.side, u.price.raw, u.size)
                hasOrders = true
            case .orderDelete:
                ref.removeOrder(OrderKey(u))
                hasOrders = !ref.orders.isEmpty
            case .orderUpdate, .orderSummary:
                break  // not generated
            }
            if let b = ref.best(.bid), let a = ref.best(.ask), b.price > a.price { issues.insert(.crossed) }
            var top = TopChange()
            if before.0 != ref.best(.bid) { top.insert(.bid) }
            if before.1 != ref.best(.ask) { top.insert(.ask) }
            return BookApplyResult(top: top, issues: issues)
        }
    }

    /// One random row for a book whose reference is `m`. `spread` widens the price range (deeper ladders),
    /// `crossing` lets bids and asks overlap.
    static func row(_ m: Model, _ t: inout Nanos, _ rng: inout SplitMix64, spread: Int, crossing: Bool) -> BookUpdate {
        let side: Side = rng.chance(50) ? .bid : .ask
        let roll = rng.below(1000)
        if roll < 3 { t += 1 } else if roll < 6 { t -= Int64(1 + rng.below(5)) } else { t += Int64(1 + rng.below(50)) }
        var time = t
        if roll >= 6 && roll < 12 { time = 0 }
        if roll >= 12 && roll < 18 { time = t - Int64(1 + rng.below(200)) }  // stale
        var u = BookUpdate(symbol: Symbol(unchecked: "FP"), eventTime: time, action: .levelUpdate, side: side)
        let offset = Int64(rng.below(spread)) - (crossing ? Int64(spread / 4) : 0)
        let price = side == .bid ? mid - (1 + offset) * tick : mid + offset * tick
        u.price = Price(raw: price)
        let existing = m.ref.levels[side]?.keys.sorted() ?? []
        let kind = rng.below(1000)
        if kind < 10 {
            u.action = .clear
        } else if let held = m.ref.orders.first, kind < 300 {
            // The one resting order leaves (the book is then market-by-price again).
            u.action = .orderDelete; u.side = held.value.side; u.orderID = held.key.orderID
        } else if kind < 14 {
            u.action = .orderAdd; u.orderID = UInt64(1 + rng.below(1_000_000)); u.size = UInt32(1 + rng.below(100))
        } else if kind < 250 {
            u.action = .levelDelete
            if !existing.isEmpty && !rng.chance(10) {
                // Mostly near the top: the best few of this side.
                let k = min(rng.below(existing.count), rng.below(existing.count))
                u.price = Price(raw: side == .bid ? existing[existing.count - 1 - k] : existing[k])
            }
        } else {
            u.action = rng.chance(80) ? .levelUpdate : .levelSummary
            if !existing.isEmpty && rng.chance(70) {
                let k = min(rng.below(existing.count), rng.below(existing.count))
                u.price = Price(raw: side == .bid ? existing[existing.count - 1 - k] : existing[k])
            }
            u.size = rng.chance(3) ? 0 : UInt32(1 + rng.below(5000))
            u.orderCount = UInt32(rng.below(30))
            // Sometimes the same size and count again (a top that does not change).
            if rng.chance(5), let l = m.ref.levels[side]?[u.price.raw] {
                u.size = UInt32(l.size); u.orderCount = l.count
            }
        }
        return u
    }

    static let steps = 12_000

    @Test(arguments: [(UInt64(1), 12, false), (2, 40, false), (3, 60, false), (4, 24, true), (5, 40, true), (6, 8, true)])
    func fastPathMatchesReferenceAndGeneralPath(seed: UInt64, spread: Int, crossing: Bool) throws {
        var rng = SplitMix64(seed: seed)
        var fast = OrderBook(orderCapacity: 4, levelCapacity: 20)
        var general = OrderBook(orderCapacity: 4, levelCapacity: 20)
        var m = Model()
        var t: Nanos = 1_773_063_000_000_000_000
        var maxDepth = 0, crossedRows = 0
        for step in 0..<Self.steps {
            let u = Self.row(m, &t, &rng, spread: spread, crossing: crossing)
            let want = m.apply(u)
            let got = fast.apply(u)
            let gen = general.applyGeneral(row: BookRow(u))
            let snap = fast.snapshot(), ref = m.ref.snapshot()
            guard got == want, gen == want, snap.bids == ref.bids, snap.asks == ref.asks, snap.eventTime == m.ref.lastTime,
                  general.snapshot() == snap, fast.counters == general.counters, fast.crossedNow == general.crossedNow,
                  fast.levels.isWellFormed(requireCounts: false) || m.hasOrders else {
                let where_ = "seed \(seed) step \(step) \(u.action) \(u.side) \(u.price) size \(u.size) t \(u.eventTime)"
                Issue.record("\(where_): got \(got) general \(gen) want \(want)\n got \(snap)\nwant \(ref)")
                return
            }
            maxDepth = max(maxDepth, fast.levels.levelCount(.bid), fast.levels.levelCount(.ask))
            if want.issues.contains(.crossed) { crossedRows += 1 }
        }
        #expect(fast.counters.updates == UInt64(Self.steps))
        // The streams did what they were built for.
        if spread >= 60 { #expect(maxDepth > LadderSide.inlineCapacity, "seed \(seed): sides never spilled") }
        if crossing { #expect(crossedRows > 100, "seed \(seed): only \(crossedRows) crossed rows") }
    }

    /// Sides hovering around the 16 inline levels: inserts and deletes at every depth while nothing,
    /// one or a few levels are spilled (the fast path must leave those to the general path).
    @Test func aroundTheInlineCapacity() {
        var rng = SplitMix64(seed: 16)
        var fast = OrderBook(levelCapacity: 32)
        var m = Model()
        var t: Nanos = 1
        for step in 0..<20_000 {
            t += 1
            let side: Side = rng.chance(50) ? .bid : .ask
            let n = m.ref.levels[side]?.count ?? 0
            var u = BookUpdate(symbol: Symbol(unchecked: "FP"), eventTime: t, action: .levelUpdate, side: side)
            let offset = Int64(rng.below(24))
            u.price = Price(raw: side == .bid ? Self.mid - (1 + offset) * Self.tick : Self.mid + offset * Self.tick)
            // Keep each side between 13 and 19 levels.
            if n > 19 || (n > 13 && rng.chance(50)) {
                u.action = .levelDelete
                let keys = m.ref.levels[side]!.keys.sorted()
                u.price = Price(raw: keys[rng.below(keys.count)])
            } else {
                u.size = UInt32(1 + rng.below(100)); u.orderCount = UInt32(1 + rng.below(9))
            }
            let want = m.apply(u)
            let got = fast.apply(u)
            let snap = fast.snapshot(), ref = m.ref.snapshot()
            guard got == want, snap.bids == ref.bids, snap.asks == ref.asks, fast.levels.isWellFormed(requireCounts: true) else {
                Issue.record("step \(step) \(u.action) \(u.side) \(u.price): got \(got) want \(want)\n got \(snap)\nwant \(ref)")
                return
            }
        }
        #expect(fast.counters.inconsistencies == 0)
    }

    /// `BookSet.apply(_:at:)` with rows resolved to handles once gives the same books as `apply(_:)` by symbol.
    @Test func rowsAtHandlesMatchUpdatesBySymbol() {
        var rng = SplitMix64(seed: 99)
        let symbols = (0..<50).map { Symbol(unchecked: "H\($0)") }
        var bySymbol = BookSet(symbolCapacity: 8)
        var byHandle = BookSet(symbolCapacity: 8)
        var models = Array(repeating: Model(), count: symbols.count)
        var times = Array(repeating: Nanos(1_000), count: symbols.count)
        var updates: [BookUpdate] = []
        for _ in 0..<20_000 {
            let i = rng.below(symbols.count)
            var u = Self.row(models[i], &times[i], &rng, spread: 30, crossing: i % 5 == 0)
            u.symbol = symbols[i]
            _ = models[i].apply(u)
            updates.append(u)
        }
        let handles = updates.map { byHandle.handle(for: $0.symbol) }
        let rows = updates.map { BookRow($0) }
        var same = 0
        for k in updates.indices where bySymbol.apply(updates[k]) == byHandle.apply(rows[k], at: handles[k]) { same += 1 }
        #expect(same == updates.count)
        #expect(bySymbol.counters == byHandle.counters)
        for (i, s) in symbols.enumerated() {
            let want = models[i].ref.snapshot()
            #expect(byHandle.snapshot(s)?.bids == want.bids && byHandle.snapshot(s)?.asks == want.asks, "\(s)")
            #expect(bySymbol.snapshot(s) == byHandle.snapshot(s), "\(s)")
        }
    }

    /// `prefetch` changes nothing a reader sees, whatever the handle (an unknown one is ignored).
    @Test func prefetchLeavesBooksAlone() {
        var set = BookSet(symbolCapacity: 4)
        let s = Symbol(unchecked: "PF")
        let h = set.handle(for: s)
        set.apply(BookUpdate(symbol: s, eventTime: 5, action: .levelUpdate, side: .bid, price: Price(raw: 100), size: 3, orderCount: 1))
        let before = (set.snapshot(s), set.counters)
        set.prefetch(h, .bid)
        var other = BookSet(symbolCapacity: 64)
        for i in 0..<10 { _ = other.handle(for: Symbol(unchecked: "O\(i)")) }
        set.prefetch(other.handle(for: Symbol(unchecked: "O9")), .ask)  // slot 9: not in `set`
        #expect(set.snapshot(s) == before.0 && set.counters == before.1 && set.count == 1)
        let r = set.apply(BookRow(BookUpdate(symbol: s, eventTime: 6, action: .levelDelete, side: .bid, price: Price(raw: 100))), at: h)
        #expect(r == BookApplyResult(top: .bid) && set.snapshot(s)?.bids == [])
    }
}
