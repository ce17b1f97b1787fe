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
    /// The aggregated ladder (sizes summed over orders, order counts per level).
    public private(set) var levels: PriceLevelBook
    @usableFromInline var orders: [OrderKey: RestingOrder]
    public private(set) var lastEventTime: Nanos = 0
    /// Inconsistencies counted so far (the ladder's own `levels.counters` are not used).
    public private(set) var counters = BookCounters()

    /// `orderCapacity`: orders to reserve room for; `levelCapacity`: price levels per side.
    public init(orderCapacity: Int = 256, levelCapacity: Int = 64) {
        levels = PriceLevelBook(capacity: levelCapacity)
        orders = [:]
        orders.reserveCapacity(orderCapacity)
    }

    // MARK: reading

    public var orderCount: Int { orders.count }
    @inlinable public var bestBid: BookLevel? { levels.bestBid }
    @inlinable public var bestAsk: BookLevel? { levels.bestAsk }
    @inlinable public func best(_ side: Side) -> BookLevel? { levels.best(side) }
    @inlinable public func top(_ side: Side, depth: Int, into buffer: inout [BookLevel]) { levels.top(side, depth: depth, into: &buffer) }
    @inlinable public var isCrossed: Bool { levels.isCrossed }

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
        let before = levels.topSignatures
        var issues = BookIssues()
        if u.eventTime != 0 {
            if u.eventTime < lastEventTime { issues.insert(.stale) } else { lastEventTime = u.eventTime }
        }
        switch u.action {
        case .orderAdd, .orderSummary, .orderUpdate:
            upsert(u, &issues)
        case .orderDelete:
            delete(u, &issues)
        case .levelSummary, .levelUpdate, .levelDelete:
            if orders.isEmpty { levels.applyLevelAction(u, &issues) } else { issues.insert(.unsupported) }
        case .clear:
            clear(u.side)
        }
        if levels.isCrossed { issues.insert(.crossed) }
        counters.record(issues)
        return BookApplyResult(top: levels.topChange(from: before), issues: issues)
    }

    @inline(__always)
    mutating func upsert(_ u: BookUpdate, _ issues: inout BookIssues) {
        if u.orderID == 0 && u.mmid == 0 { issues.insert(.unkeyed); return }
        let key = OrderKey(u)
        if u.size == 0 {
            issues.insert(.zeroSize)
            if let old = orders.removeValue(forKey: key) { removeFromLadder(old) }
            return
        }
        if let old = orders[key] {
            if u.action == .orderAdd { issues.insert(.duplicateOrder) }
            if old.side == u.side && old.price == u.price {
                levels.withSide(u.side) { $0.resizeOrder(price: u.price.raw, from: UInt64(old.size), to: UInt64(u.size)) }
            } else {
                removeFromLadder(old)
                levels.withSide(u.side) { $0.addOrder(price: u.price.raw, size: UInt64(u.size)) }
            }
        } else {
            if u.action == .orderUpdate { issues.insert(.unknownOrder) }
            levels.withSide(u.side) { $0.addOrder(price: u.price.raw, size: UInt64(u.size)) }
        }
        orders[key] = RestingOrder(side: u.side, price: u.price, size: u.size, mmid: u.mmid, priority: u.priority)
    }

    @inline(__always)
    mutating func delete(_ u: BookUpdate, _ issues: inout BookIssues) {
        if u.orderID == 0 && u.mmid == 0 { issues.insert(.unkeyed); return }
        if let old = orders.removeValue(forKey: OrderKey(u)) {
            removeFromLadder(old)
        } else {
            issues.insert(.unknownOrder)
        }
    }

    @inline(__always)
    mutating func removeFromLadder(_ o: RestingOrder) {
        levels.withSide(o.side) { $0.removeOrder(price: o.price.raw, size: UInt64(o.size)) }
    }

    /// Drops one side: its orders and its levels (IQFeed `S,CLEAR DEPTH`).
    public mutating func clear(_ side: Side) {
        levels.clear(side)
        if orders.isEmpty { return }
        if levels.levelCount(side == .bid ? .ask : .bid) == 0 {
            orders.removeAll(keepingCapacity: true)
        } else {
            for (k, o) in orders where o.side == side { orders.removeValue(forKey: k) }
        }
    }

    /// Drops everything and forgets the last event time; counters are kept.
    public mutating func reset() {
        levels.reset(); orders.removeAll(keepingCapacity: true); lastEventTime = 0
    }
}
