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
        bids = LadderSide(side: .bid, capacity: capacity)
        asks = LadderSide(side: .ask, capacity: capacity)
    }

    @inlinable var topSignatures: ((Int64, UInt64, UInt32), (Int64, UInt64, UInt32)) { (bids.topSignature, asks.topSignature) }

    // MARK: reading

    @inlinable public var bestBid: BookLevel? { bids.level(atDepth: 0) }
    @inlinable public var bestAsk: BookLevel? { asks.level(atDepth: 0) }
    @inlinable public func best(_ side: Side) -> BookLevel? { side == .bid ? bestBid : bestAsk }

    /// Number of price levels on a side.
    @inlinable public func levelCount(_ side: Side) -> Int { side == .bid ? bids.count : asks.count }

    /// The level `depth` places from the best (0 = best), if any.
    @inlinable public func level(_ side: Side, depth: Int) -> BookLevel? {
        side == .bid ? bids.level(atDepth: depth) : asks.level(atDepth: depth)
    }

    /// The level at an exact price, if any.
    public func level(_ side: Side, price: Price) -> BookLevel? {
        let ladder = side == .bid ? bids : asks
        let (found, i) = ladder.find(LadderSide.key(price.raw, side))
        return found ? ladder.level(atDepth: ladder.count - 1 - i) : nil
    }

    /// Replaces `buffer`'s contents with up to `depth` levels of `side`, best first.
    /// Allocation-free once `buffer` has capacity for `depth` levels.
    @inlinable
    public func top(_ side: Side, depth: Int, into buffer: inout [BookLevel]) {
        buffer.removeAll(keepingCapacity: true)
        if side == .bid { bids.appendTop(depth, to: &buffer) } else { asks.appendTop(depth, to: &buffer) }
    }

    /// True when the best bid is above the best ask (a locked book, bid == ask, is not counted).
    @inlinable public var isCrossed: Bool {
        guard let b = bids.keys.last, let a = asks.keys.last else { return false }
        return b > ~a
    }

    /// Up to `depth` levels per side, best first.
    public func snapshot(depth: Int = Int.max, symbol: Symbol? = nil) -> BookSnapshot {
        var s = BookSnapshot(symbol: symbol, eventTime: lastEventTime)
        s.bids.reserveCapacity(Swift.min(depth, bids.count)); s.asks.reserveCapacity(Swift.min(depth, asks.count))
        bids.appendTop(depth, to: &s.bids); asks.appendTop(depth, to: &s.asks)
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
        let before = topSignatures
        var issues = BookIssues()
        noteTime(u.eventTime, &issues)
        applyLevelAction(u, &issues)
        if isCrossed { issues.insert(.crossed) }
        counters.record(issues)
        return BookApplyResult(top: topChange(from: before), issues: issues)
    }

    mutating func noteTime(_ t: Nanos, _ issues: inout BookIssues) {
        if t == 0 { return }  // no time on the row (e.g. Nasdaq deletes): nothing to compare
        if t < lastEventTime { issues.insert(.stale) } else { lastEventTime = t }
    }

    @inlinable
    func topChange(from before: ((Int64, UInt64, UInt32), (Int64, UInt64, UInt32))) -> TopChange {
        var c = TopChange()
        let (b, a) = topSignatures
        if b != before.0 { c.insert(.bid) }
        if a != before.1 { c.insert(.ask) }
        return c
    }

    mutating func applyLevelAction(_ u: BookUpdate, _ issues: inout BookIssues) {
        switch u.action {
        case .levelSummary, .levelUpdate:
            if u.size == 0 {
                issues.insert(.zeroSize)
                _ = withSide(u.side) { $0.delete(price: u.price.raw) }
            } else {
                withSide(u.side) { $0.set(price: u.price.raw, size: UInt64(u.size), count: u.orderCount) }
            }
        case .levelDelete:
            if !withSide(u.side, { $0.delete(price: u.price.raw) }) { issues.insert(.unknownLevel) }
        case .clear:
            clear(u.side)
        case .orderAdd, .orderUpdate, .orderDelete, .orderSummary:
            issues.insert(.unsupported)
        }
    }

    @inlinable
    @discardableResult
    mutating func withSide<R>(_ side: Side, _ body: (inout LadderSide) -> R) -> R {
        side == .bid ? body(&bids) : body(&asks)
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
