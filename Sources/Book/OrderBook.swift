import MarketData

/// How an order row is keyed: by IQFeed order id, or (Nasdaq market-maker rows, order id 0)
/// by market maker id and side.
public struct OrderKey: Sendable, Hashable {
    public var orderID: UInt64
    /// Packed MMID plus the side in bit 32 (only when `orderID == 0`).
    public var makerSide: UInt64

    @inlinable
    public init(orderID: UInt64, mmid: UInt32, side: Side) {
        self.orderID = orderID
        self.makerSide = orderID != 0 ? 0 : (UInt64(side.rawValue) << 32 | UInt64(mmid))
    }

    @inlinable public init(_ u: BookUpdate) { self.init(orderID: u.orderID, mmid: u.mmid, side: u.side) }
    @inlinable init(_ u: BookRow) { self.init(orderID: u.orderID, mmid: u.mmid, side: u.side) }
}

/// One resting order (or one market maker's quote on a side).
public struct RestingOrder: Sendable, Equatable {
    public var side: Side
    public var price: Price
    public var size: UInt32
    public var mmid: UInt32
    public var priority: UInt64
}

/// A market-by-order book for one symbol (IQFeed `WOR`: `6` summary, `3` add, `4` update, `5` delete),
/// keeping an aggregated price ladder with per-level order counts alongside the orders.
/// Level rows (`7`/`8`/`9`) are applied to the ladder while the book holds no orders, so one
/// `OrderBook` serves either watch kind; mixing them is counted as `.unsupported`.
public struct OrderBook: Sendable {
    // Stored in this order on purpose: what every update touches (ladders, time, update count) comes first.
    @usableFromInline var bids: LadderSide
    @usableFromInline var asks: LadderSide
    /// Event time of the newest update applied (0 before any): `lastEventTime`.
    @usableFromInline var time: Nanos = 0
    @usableFromInline var updateCount: UInt64 = 0
    /// `PriceLevelBook.crossed(bids, asks)` as of the last change (kept by every mutation), so an update that
    /// leaves both best levels' keys alone need not read the other side.
    @usableFromInline var crossedNow = false
    @usableFromInline var orders: [OrderKey: RestingOrder] = [:]
    /// Orders to reserve room for when the first order arrives (a market-by-price book never allocates them).
    let orderCapacity: Int
    /// Issue counters (their `updates` is not maintained: `updateCount` is, next to the hot fields).
    @usableFromInline var issueCounts = BookCounters()

    /// Event time of the newest update applied (0 before any).
    public var lastEventTime: Nanos { time }

    /// Inconsistencies counted so far, and the number of updates applied.
    public var counters: BookCounters {
        var c = issueCounts
        c.updates = updateCount
        return c
    }

    /// `orderCapacity`: orders to reserve room for (on the first order); `levelCapacity`: price levels per side.
    public init(orderCapacity: Int = 256, levelCapacity: Int = 64) {
        bids = LadderSide(capacity: levelCapacity)
        asks = LadderSide(capacity: levelCapacity)
        self.orderCapacity = orderCapacity
    }

    // MARK: reading

    /// The aggregated ladder (sizes summed over orders, order counts per level), as a `PriceLevelBook`
    /// sharing this book's storage (its own time and counters are not used: see `lastEventTime`, `counters`).
    public var levels: PriceLevelBook { PriceLevelBook(bids: bids, asks: asks) }

    public var orderCount: Int { orders.count }
    @inlinable public var bestBid: BookLevel? { bids.level(atDepth: 0, .bid) }
    @inlinable public var bestAsk: BookLevel? { asks.level(atDepth: 0, .ask) }
    @inlinable public func best(_ side: Side) -> BookLevel? { side == .bid ? bestBid : bestAsk }
    @inlinable public func top(_ side: Side, depth: Int, into buffer: inout [BookLevel]) {
        buffer.removeAll(keepingCapacity: true)
        if side == .bid { bids.appendTop(depth, .bid, to: &buffer) } else { asks.appendTop(depth, .ask, to: &buffer) }
    }
    @inlinable public var isCrossed: Bool { PriceLevelBook.crossed(bids, asks) }

    /// The order with this id (futures) or this market maker on this side (Nasdaq).
    public func order(_ key: OrderKey) -> RestingOrder? { orders[key] }

    public func snapshot(depth: Int = Int.max, symbol: Symbol? = nil) -> BookSnapshot {
        var s = levels.snapshot(depth: depth, symbol: symbol)
        s.eventTime = lastEventTime
        return s
    }

    /// Order summary rows (`6`) that rebuild this book's orders in an empty `OrderBook`
    /// (after a `clear` of each side), in no particular order.
    public func replayUpdates(symbol: Symbol) -> [BookUpdate] {
        var out = [BookUpdate(symbol: symbol, eventTime: lastEventTime, action: .clear, side: .bid),
                   BookUpdate(symbol: symbol, eventTime: lastEventTime, action: .clear, side: .ask)]
        for (k, o) in orders {
            out.append(BookUpdate(symbol: symbol, eventTime: lastEventTime, action: .orderSummary, side: o.side,
                                  price: o.price, size: o.size, orderID: k.orderID, mmid: o.mmid, priority: o.priority))
        }
        return out
    }

    /// Ladder sorted, sizes and counts positive, and the ladder equal to the sum of the orders.
    public func isConsistent() -> Bool {
        let levels = self.levels
        guard levels.isWellFormed(requireCounts: !orders.isEmpty) else { return false }
        if orders.isEmpty { return true }
        var agg: [Side: [Int64: (UInt64, UInt32)]] = [.bid: [:], .ask: [:]]
        for o in orders.values {
            let cur = agg[o.side]?[o.price.raw] ?? (0, 0)
            agg[o.side]?[o.price.raw] = (cur.0 + UInt64(o.size), cur.1 + 1)
        }
        for side in [Side.bid, .ask] {
            guard let m = agg[side], m.count == levels.levelCount(side) else { return false }
            for (p, v) in m {
                guard let l = levels.level(side, price: Price(raw: p)), l.size == v.0, l.orderCount == v.1 else { return false }
            }
        }
        return true
    }

    // MARK: writing

    /// Applies one update; see `BookIssues` for what is counted. Never traps on bad input.
    @discardableResult
    public mutating func apply(_ u: BookUpdate) -> BookApplyResult {
        apply(row: BookRow(u))
    }

    /// Applies one row: a market-by-price fast path for the common case (a level update or summary with a size,
    /// or a level delete, at one of the inline levels; time not going back; no orders held) and `applyGeneral`
    /// for everything else. Both leave the same book and give the same result and counters.
    @inlinable @inline(__always)
    mutating func apply(row u: BookRow) -> BookApplyResult {
        let t = u.eventTime
        // A row without time (0) after timed ones, a stale row, or a book holding orders: the general path.
        if t >= time && orders.isEmpty {
            let isBid = u.side == .bid
            let key = LadderSide.key(u.price.raw, u.side)
            var r = LadderSide.FastResult.miss
            if u.action == .levelUpdate || u.action == .levelSummary {
                if u.size != 0 {
                    r = isBid ? bids.setInline(key: key, size: UInt64(u.size), count: u.orderCount)
                        : asks.setInline(key: key, size: UInt64(u.size), count: u.orderCount)
                }
            } else if u.action == .levelDelete {
                r = isBid ? bids.deleteInline(key: key) : asks.deleteInline(key: key)
            }
            if r != .miss {
                time = t
                updateCount &+= 1
                // The best keys moved only when the top did; otherwise the book is as crossed as before.
                if r == .top { crossedNow = PriceLevelBook.crossed(bids, asks) }
                if crossedNow {
                    issueCounts.record(.crossed)
                    return BookApplyResult(top: TopChange(rawValue: r == .top ? (isBid ? 1 : 2) : 0), issues: .crossed)
                }
                return BookApplyResult(top: TopChange(rawValue: r == .top ? (isBid ? 1 : 2) : 0))
            }
        }
        return applyGeneral(row: u)
    }

    /// Every action, every case (see `BookIssues`).
    @usableFromInline @inline(never)
    mutating func applyGeneral(row u: BookRow) -> BookApplyResult {
        var issues = BookIssues()
        let t = u.eventTime
        if t != 0 {
            if t < time { issues.insert(.stale) } else { time = t }
        }
        let top: TopChange
        switch u.action {
        case .levelSummary, .levelUpdate, .levelDelete:
            if orders.isEmpty {
                top = PriceLevelBook.applyLevelAction(u, &bids, &asks, &issues)
            } else {
                issues.insert(.unsupported); top = []
            }
        case .orderAdd, .orderSummary, .orderUpdate:
            top = upsert(u, &issues)
        case .orderDelete:
            top = delete(u, &issues)
        case .clear:
            top = clearSide(u.side)
        }
        crossedNow = PriceLevelBook.crossed(bids, asks)
        if crossedNow { issues.insert(.crossed) }
        updateCount &+= 1
        if !issues.isEmpty { issueCounts.record(issues) }
        return BookApplyResult(top: top, issues: issues)
    }

    @inline(__always)
    static func change(_ side: Side, _ changed: Bool) -> TopChange {
        changed ? (side == .bid ? .bid : .ask) : []
    }

    @inline(__always)
    mutating func addToLadder(_ side: Side, _ price: Price, _ size: UInt32) -> TopChange {
        let key = LadderSide.key(price.raw, side)
        let c = side == .bid ? bids.addOrder(key: key, size: UInt64(size)) : asks.addOrder(key: key, size: UInt64(size))
        return OrderBook.change(side, c)
    }

    @inline(__always)
    mutating func removeFromLadder(_ o: RestingOrder) -> TopChange {
        let key = LadderSide.key(o.price.raw, o.side)
        let c = o.side == .bid ? bids.removeOrder(key: key, size: UInt64(o.size)) : asks.removeOrder(key: key, size: UInt64(o.size))
        return OrderBook.change(o.side, c)
    }

    @inline(__always)
    mutating func upsert(_ u: BookRow, _ issues: inout BookIssues) -> TopChange {
        if u.orderID == 0 && u.mmid == 0 { issues.insert(.unkeyed); return [] }
        let key = OrderKey(u)
        if u.size == 0 {
            issues.insert(.zeroSize)
            if let old = orders.removeValue(forKey: key) { return removeFromLadder(old) }
            return []
        }
        var top = TopChange()
        if let old = orders[key] {
            if u.action == .orderAdd { issues.insert(.duplicateOrder) }
            if old.side == u.side && old.price == u.price {
                let k = LadderSide.key(u.price.raw, u.side)
                let c = u.side == .bid ? bids.resizeOrder(key: k, from: UInt64(old.size), to: UInt64(u.size))
                    : asks.resizeOrder(key: k, from: UInt64(old.size), to: UInt64(u.size))
                top = OrderBook.change(u.side, c)
            } else {
                top = removeFromLadder(old)
                top.formUnion(addToLadder(u.side, u.price, u.size))
            }
        } else {
            if u.action == .orderUpdate { issues.insert(.unknownOrder) }
            top = addToLadder(u.side, u.price, u.size)
            if orders.isEmpty && orders.capacity < orderCapacity { orders.reserveCapacity(orderCapacity) }
        }
        orders[key] = RestingOrder(side: u.side, price: u.price, size: u.size, mmid: u.mmid, priority: u.priority)
        return top
    }

    @inline(__always)
    mutating func delete(_ u: BookRow, _ issues: inout BookIssues) -> TopChange {
        if u.orderID == 0 && u.mmid == 0 { issues.insert(.unkeyed); return [] }
        if let old = orders.removeValue(forKey: OrderKey(u)) { return removeFromLadder(old) }
        issues.insert(.unknownOrder)
        return []
    }

    /// Drops one side: its orders and its levels (IQFeed `S,CLEAR DEPTH`).
    public mutating func clear(_ side: Side) {
        _ = clearSide(side)
        crossedNow = PriceLevelBook.crossed(bids, asks)
    }

    mutating func clearSide(_ side: Side) -> TopChange {
        let changed = side == .bid ? bids.removeAll() : asks.removeAll()
        if !orders.isEmpty {
            if (side == .bid ? asks.count : bids.count) == 0 {
                orders.removeAll(keepingCapacity: true)
            } else {
                for (k, o) in orders where o.side == side { orders.removeValue(forKey: k) }
            }
        }
        return OrderBook.change(side, changed)
    }

    /// Drops everything and forgets the last event time; counters are kept.
    public mutating func reset() {
        bids.removeAll(); asks.removeAll(); orders.removeAll(keepingCapacity: true); time = 0
        crossedNow = false
    }
}
