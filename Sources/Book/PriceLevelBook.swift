import MarketData

/// A market-by-price book for one symbol (IQFeed `WPL`: `7` summary, `8` update, `9` delete rows).
/// Pure value type; no allocation per update once the ladders have their capacity.
public struct PriceLevelBook: Sendable {
    @usableFromInline var bids: LadderSide
    @usableFromInline var asks: LadderSide
    /// Event time of the newest update applied (0 before any).
    public internal(set) var lastEventTime: Nanos = 0
    /// Inconsistencies counted so far.
    public internal(set) var counters = BookCounters()

    /// `capacity`: price levels per side to reserve up front.
    public init(capacity: Int = 64) {
        bids = LadderSide(capacity: capacity)
        asks = LadderSide(capacity: capacity)
    }

    /// A view of ladders held elsewhere (`OrderBook.levels`): no time, no counters.
    @usableFromInline
    init(bids: LadderSide, asks: LadderSide) {
        self.bids = bids; self.asks = asks
    }

    // MARK: reading

    @inlinable public var bestBid: BookLevel? { bids.level(atDepth: 0, .bid) }
    @inlinable public var bestAsk: BookLevel? { asks.level(atDepth: 0, .ask) }
    @inlinable public func best(_ side: Side) -> BookLevel? { side == .bid ? bestBid : bestAsk }

    /// Number of price levels on a side.
    @inlinable public func levelCount(_ side: Side) -> Int { side == .bid ? bids.count : asks.count }

    /// The level `depth` places from the best (0 = best), if any.
    @inlinable public func level(_ side: Side, depth: Int) -> BookLevel? {
        side == .bid ? bids.level(atDepth: depth, .bid) : asks.level(atDepth: depth, .ask)
    }

    /// The level at an exact price, if any.
    public func level(_ side: Side, price: Price) -> BookLevel? {
        let ladder = side == .bid ? bids : asks
        let (found, i) = ladder.find(LadderSide.key(price.raw, side))
        return found ? ladder.level(atDepth: ladder.count - 1 - i, side) : nil
    }

    /// Replaces `buffer`'s contents with up to `depth` levels of `side`, best first.
    /// Allocation-free once `buffer` has capacity for `depth` levels.
    @inlinable
    public func top(_ side: Side, depth: Int, into buffer: inout [BookLevel]) {
        buffer.removeAll(keepingCapacity: true)
        if side == .bid { bids.appendTop(depth, .bid, to: &buffer) } else { asks.appendTop(depth, .ask, to: &buffer) }
    }

    /// True when the best bid is above the best ask (a locked book, bid == ask, is not counted).
    @inlinable public var isCrossed: Bool { PriceLevelBook.crossed(bids, asks) }

    /// Crossed check on the mirrored top keys (an empty side's `Int64.min` never compares greater).
    @inlinable
    static func crossed(_ bids: LadderSide, _ asks: LadderSide) -> Bool { bids.topKey > ~asks.topKey }

    /// Up to `depth` levels per side, best first.
    public func snapshot(depth: Int = Int.max, symbol: Symbol? = nil) -> BookSnapshot {
        var s = BookSnapshot(symbol: symbol, eventTime: lastEventTime)
        s.bids.reserveCapacity(Swift.min(depth, bids.count)); s.asks.reserveCapacity(Swift.min(depth, asks.count))
        bids.appendTop(depth, .bid, to: &s.bids); asks.appendTop(depth, .ask, to: &s.asks)
        return s
    }

    /// Sorted, positive sizes on both sides (`requireCounts`: every level has at least one order).
    public func isWellFormed(requireCounts: Bool = false) -> Bool {
        bids.isWellFormed(requireCounts: requireCounts) && asks.isWellFormed(requireCounts: requireCounts)
    }

    // MARK: writing

    /// Applies one market-by-price update (`levelSummary`, `levelUpdate`, `levelDelete`, `clear`).
    /// Order actions are counted as `.unsupported` and ignored (use `OrderBook`).
    @discardableResult
    public mutating func apply(_ u: BookUpdate) -> BookApplyResult {
        let u = BookRow(u)
        var issues = BookIssues()
        let t = u.eventTime
        if t != 0 {  // no time on the row (e.g. Nasdaq deletes): nothing to compare
            if t < lastEventTime { issues.insert(.stale) } else { lastEventTime = t }
        }
        let top = PriceLevelBook.applyLevelAction(u, &bids, &asks, &issues)
        if PriceLevelBook.crossed(bids, asks) { issues.insert(.crossed) }
        if issues.isEmpty { counters.updates &+= 1 } else { counters.record(issues) }
        return BookApplyResult(top: top, issues: issues)
    }

    /// The market-by-price part shared with `OrderBook`: one side's ladder changes; returns whether its top did.
    @inline(__always)
    static func applyLevelAction(_ u: BookRow, _ bids: inout LadderSide, _ asks: inout LadderSide,
                                 _ issues: inout BookIssues) -> TopChange {
        let isBid = u.side == .bid
        let changed: Bool
        switch u.action {
        case .levelSummary, .levelUpdate:
            let key = LadderSide.key(u.price.raw, u.side)
            if u.size == 0 { issues.insert(.zeroSize) }
            changed = isBid ? bids.set(key: key, size: UInt64(u.size), count: u.orderCount).top
                : asks.set(key: key, size: UInt64(u.size), count: u.orderCount).top
        case .levelDelete:
            let key = LadderSide.key(u.price.raw, u.side)
            let r = isBid ? bids.delete(key: key) : asks.delete(key: key)
            if !r.found { issues.insert(.unknownLevel) }
            changed = r.top
        case .clear:
            changed = isBid ? bids.removeAll() : asks.removeAll()
        case .orderAdd, .orderUpdate, .orderDelete, .orderSummary:
            issues.insert(.unsupported)
            return []
        }
        return changed ? (isBid ? .bid : .ask) : []
    }

    /// Drops every level of one side (IQFeed `S,CLEAR DEPTH`).
    public mutating func clear(_ side: Side) {
        if side == .bid { bids.removeAll() } else { asks.removeAll() }
    }

    /// Drops both sides and forgets the last event time (e.g. before a re-snapshot after reconnect).
    /// Counters are kept.
    public mutating func reset() {
        bids.removeAll(); asks.removeAll(); lastEventTime = 0
    }
}
