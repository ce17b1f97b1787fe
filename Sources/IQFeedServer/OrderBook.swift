import MarketData

/// One resting order (futures: an order id; Nasdaq-style equities: one quote per market maker).
public struct BookOrder: Sendable, Equatable {
    public var id: UInt64
    public var mmid: UInt32
    public var side: Side
    /// Price in ticks.
    public var price: Int64
    public var size: UInt32
    public var priority: UInt64
    public var time: Nanos
}

/// What one Level 2 step did, with the resulting aggregate at the touched price level.
public struct BookChange: Sendable, Equatable {
    public var action: BookAction
    public var order: BookOrder
    /// Size and order count at (side, price) after the change; 0 orders means the level is gone.
    public var levelSize: UInt32
    public var levelOrders: UInt32
}

/// A small synthetic order book that never crosses: adds on one side stay strictly away from the
/// other side's best price, and deletes/updates never move prices.
public struct OrderBook: Sendable {
    public private(set) var orders: [BookOrder] = []
    var rng: SplitMix64
    let isFuture: Bool
    let lot: UInt32
    var nextID: UInt64
    var nextPriority: UInt64 = 1

    /// Market makers used for equity rows.
    static let mmids: [UInt32] = ["NSDQ", "ARCA", "EDGX", "BATS", "MEMX", "CHXE", "AMEX", "IEXG", "BYXX", "NYSE"]
        .map { BookUpdate.packMMID($0) }

    static let minPerSide = 3

    init(_ inst: Instrument, bid: Int64, ask: Int64, time: Nanos) {
        rng = SplitMix64(seed: inst.key ^ 0x4C32_4C32)
        isFuture = inst.isFuture
        lot = inst.lot
        nextID = 600_000_000_000 &+ (inst.key >> 44) &* 1_000_000
        let perSide = isFuture ? 10 : 6
        for side in [Side.bid, Side.ask] {
            for k in 0..<perSide {
                let offset = isFuture ? Int64(k / 2) : Int64(k == 0 ? 0 : rng.below(4))
                let price = side == .bid ? bid - offset : ask + offset
                let mm = isFuture ? 0 : OrderBook.mmids[(k + (side == .ask ? 3 : 0)) % OrderBook.mmids.count]
                appendOrder(side: side, price: max(1, price), mmid: mm, time: time)
            }
        }
    }

    var maxPerSide: Int { isFuture ? 30 : OrderBook.mmids.count }

    mutating func appendOrder(side: Side, price: Int64, mmid: UInt32, time: Nanos) {
        let id: UInt64 = isFuture ? nextID : 0
        if isFuture { nextID &+= 1 + UInt64(rng.below(50)) }
        orders.append(BookOrder(id: id, mmid: mmid, side: side, price: price, size: randomSize(),
                                priority: isFuture ? nextPriority : 0, time: time))
        nextPriority &+= 1
    }

    func randomSizeBound() -> Int { isFuture ? 50 : 20 }
    mutating func randomSize() -> UInt32 { lot * UInt32(1 + rng.below(randomSizeBound())) }

    /// Best price of a side (ticks), nil when the side is empty.
    public func best(_ side: Side) -> Int64? {
        var b: Int64? = nil
        for o in orders where o.side == side {
            if let cur = b { b = side == .bid ? max(cur, o.price) : min(cur, o.price) } else { b = o.price }
        }
        return b
    }

    public func count(_ side: Side) -> Int { orders.reduce(0) { $0 + ($1.side == side ? 1 : 0) } }

    /// Total size and order count at a price level.
    public func level(_ side: Side, _ price: Int64) -> (size: UInt32, orders: UInt32) {
        var size: UInt32 = 0, n: UInt32 = 0
        for o in orders where o.side == side && o.price == price { size &+= o.size; n += 1 }
        return (size, n)
    }

    /// Orders in snapshot order: bids best first, then asks best first; by priority within a level.
    public func snapshotOrders() -> [BookOrder] {
        orders.sorted { a, b in
            if a.side != b.side { return a.side == .bid }
            if a.price != b.price { return a.side == .bid ? a.price > b.price : a.price < b.price }
            return a.priority < b.priority
        }
    }

    /// Price levels in snapshot order: (side, price, size, orders, latest time).
    public func snapshotLevels(maxLevels: Int = Int.max) -> [(side: Side, price: Int64, size: UInt32, orders: UInt32, time: Nanos)] {
        var out: [(side: Side, price: Int64, size: UInt32, orders: UInt32, time: Nanos)] = []
        var perSide = [0, 0]
        for o in snapshotOrders() {
            if let l = out.last, l.side == o.side, l.price == o.price {
                out[out.count - 1].size &+= o.size
                out[out.count - 1].orders += 1
                out[out.count - 1].time = max(l.time, o.time)
            } else {
                let s = Int(o.side.rawValue)
                if perSide[s] >= maxLevels { continue }
                perSide[s] += 1
                out.append((o.side, o.price, o.size, 1, o.time))
            }
        }
        return out
    }

    /// One random add, size update or delete.
    public mutating func step(time: Nanos) -> BookChange {
        let side: Side = rng.below(2) == 0 ? .bid : .ask
        let c = count(side)
        let r = rng.below(10)
        let action: BookAction
        if c <= OrderBook.minPerSide { action = .orderAdd }
        else if c >= maxPerSide { action = r < 5 ? .orderUpdate : .orderDelete }
        else { action = r < 4 ? .orderAdd : (r < 7 ? .orderUpdate : .orderDelete) }

        switch action {
        case .orderAdd:
            let other: Side = side == .bid ? .ask : .bid
            let bestSame = best(side) ?? 100
            var price = side == .bid ? bestSame + 1 - Int64(rng.below(6)) : bestSame - 1 + Int64(rng.below(6))
            if let bo = best(other) {
                if side == .bid && price >= bo { price = bo - 1 }
                if side == .ask && price <= bo { price = bo + 1 }
            }
            price = max(1, price)
            var mm: UInt32 = 0
            if !isFuture {
                var free: [UInt32] = []
                for m in OrderBook.mmids where !orders.contains(where: { $0.side == side && $0.mmid == m }) { free.append(m) }
                mm = free.isEmpty ? OrderBook.mmids[0] : free[rng.below(free.count)]
            }
            appendOrder(side: side, price: price, mmid: mm, time: time)
            let o = orders[orders.count - 1]
            let l = level(side, o.price)
            return BookChange(action: .orderAdd, order: o, levelSize: l.size, levelOrders: l.orders)
        case .orderUpdate:
            let idx = pick(side)
            var newSize = randomSize()
            if newSize == orders[idx].size { newSize &+= lot }
            orders[idx].size = newSize
            orders[idx].time = time
            let o = orders[idx]
            let l = level(side, o.price)
            return BookChange(action: .orderUpdate, order: o, levelSize: l.size, levelOrders: l.orders)
        default:
            let idx = pick(side)
            var o = orders.remove(at: idx)
            o.time = time
            let l = level(side, o.price)
            return BookChange(action: .orderDelete, order: o, levelSize: l.size, levelOrders: l.orders)
        }
    }

    mutating func pick(_ side: Side) -> Int {
        let c = count(side)
        var k = rng.below(max(1, c))
        for (i, o) in orders.enumerated() where o.side == side {
            if k == 0 { return i }
            k -= 1
        }
        return 0
    }
}
