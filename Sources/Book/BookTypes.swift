import MarketData

/// One price level as shown to users: price, total size and number of orders.
public struct BookLevel: Sendable, Equatable, Hashable {
    public var price: Price
    public var size: UInt64
    public var orderCount: UInt32

    @inlinable
    public init(price: Price, size: UInt64, orderCount: UInt32) {
        self.price = price; self.size = size; self.orderCount = orderCount
    }
}

/// Which top-of-book sides an update changed (price, size or order count of the best level).
public struct TopChange: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bid = TopChange(rawValue: 1)
    public static let ask = TopChange(rawValue: 2)
}

/// Inconsistencies found while applying one update. They are counted, never fatal.
public struct BookIssues: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// Update or delete of an order the book does not hold (an update is then applied as an add).
    public static let unknownOrder = BookIssues(rawValue: 1 << 0)
    /// Delete of a price level the book does not hold.
    public static let unknownLevel = BookIssues(rawValue: 1 << 1)
    /// Best bid above best ask after the update.
    public static let crossed = BookIssues(rawValue: 1 << 2)
    /// Event time older than the last applied one (still applied).
    public static let stale = BookIssues(rawValue: 1 << 3)
    /// Add/update/summary with size 0 (an update or level row of size 0 removes the entry).
    public static let zeroSize = BookIssues(rawValue: 1 << 4)
    /// Add of an order id the book already holds (applied as an update).
    public static let duplicateOrder = BookIssues(rawValue: 1 << 5)
    /// An action the book kind does not handle (e.g. a level row on a book holding orders).
    public static let unsupported = BookIssues(rawValue: 1 << 6)
    /// An order row without order id and without market maker id: it cannot be keyed.
    public static let unkeyed = BookIssues(rawValue: 1 << 7)
}

/// What `apply` did: cheap to return and test.
public struct BookApplyResult: Sendable, Hashable {
    public var top: TopChange
    public var issues: BookIssues

    @inlinable public init(top: TopChange = [], issues: BookIssues = []) { self.top = top; self.issues = issues }

    /// True when the best bid or ask changed.
    @inlinable public var topChanged: Bool { !top.isEmpty }
}

/// Running counts of inconsistencies (one counter per `BookIssues` flag) and of applied updates.
public struct BookCounters: Sendable, Equatable, Hashable {
    public var updates: UInt64 = 0
    public var unknownOrder: UInt64 = 0
    public var unknownLevel: UInt64 = 0
    public var crossed: UInt64 = 0
    public var stale: UInt64 = 0
    public var zeroSize: UInt64 = 0
    public var duplicateOrder: UInt64 = 0
    public var unsupported: UInt64 = 0
    public var unkeyed: UInt64 = 0

    public init() {}

    /// Sum of all inconsistency counters (not `updates`).
    public var inconsistencies: UInt64 {
        unknownOrder + unknownLevel + crossed + stale + zeroSize + duplicateOrder + unsupported + unkeyed
    }

    @inlinable
    public mutating func record(_ issues: BookIssues) {
        updates &+= 1
        if issues.isEmpty { return }
        if issues.contains(.unknownOrder) { unknownOrder &+= 1 }
        if issues.contains(.unknownLevel) { unknownLevel &+= 1 }
        if issues.contains(.crossed) { crossed &+= 1 }
        if issues.contains(.stale) { stale &+= 1 }
        if issues.contains(.zeroSize) { zeroSize &+= 1 }
        if issues.contains(.duplicateOrder) { duplicateOrder &+= 1 }
        if issues.contains(.unsupported) { unsupported &+= 1 }
        if issues.contains(.unkeyed) { unkeyed &+= 1 }
    }

    public static func + (a: BookCounters, b: BookCounters) -> BookCounters {
        var r = BookCounters()
        r.updates = a.updates &+ b.updates
        r.unknownOrder = a.unknownOrder &+ b.unknownOrder
        r.unknownLevel = a.unknownLevel &+ b.unknownLevel
        r.crossed = a.crossed &+ b.crossed
        r.stale = a.stale &+ b.stale
        r.zeroSize = a.zeroSize &+ b.zeroSize
        r.duplicateOrder = a.duplicateOrder &+ b.duplicateOrder
        r.unsupported = a.unsupported &+ b.unsupported
        r.unkeyed = a.unkeyed &+ b.unkeyed
        return r
    }
}

/// A book at one instant, best level first on each side.
public struct BookSnapshot: Sendable, Equatable {
    public var symbol: Symbol?
    /// Event time of the last applied update (0 when none).
    public var eventTime: Nanos
    public var bids: [BookLevel]
    public var asks: [BookLevel]

    public init(symbol: Symbol? = nil, eventTime: Nanos = 0, bids: [BookLevel] = [], asks: [BookLevel] = []) {
        self.symbol = symbol; self.eventTime = eventTime; self.bids = bids; self.asks = asks
    }

    /// Best level of a side, if any.
    public func best(_ side: Side) -> BookLevel? { side == .bid ? bids.first : asks.first }

    /// The market-by-price updates that rebuild this snapshot in an empty book:
    /// a `clear` per side, then one `levelSummary` per level (order counts kept, sizes clamped to UInt32).
    public func replayUpdates(symbol: Symbol) -> [BookUpdate] {
        var out: [BookUpdate] = []
        out.reserveCapacity(bids.count + asks.count + 2)
        for side in [Side.bid, .ask] {
            out.append(BookUpdate(symbol: symbol, eventTime: eventTime, action: .clear, side: side))
            for l in side == .bid ? bids : asks {
                out.append(BookUpdate(symbol: symbol, eventTime: eventTime, action: .levelSummary, side: side,
                                      price: l.price, size: UInt32(clamping: l.size), orderCount: l.orderCount))
            }
        }
        return out
    }
}

/// The fields of a `BookUpdate` a book applies, without the symbol: a plain-bits value, so handing it to a
/// book copies a few words and retains nothing (the symbol only picks the book, in `BookSet`). A caller that
/// keeps rows (a replay, a benchmark) resolves each symbol to a `BookHandle` once and applies rows with
/// `BookSet.apply(_:at:)`.
public struct BookRow: Sendable, Equatable {
    public var eventTime: Nanos
    public var price: Price
    public var orderID: UInt64
    public var priority: UInt64
    public var size: UInt32
    public var mmid: UInt32
    public var orderCount: UInt32
    public var action: BookAction
    public var side: Side

    @inlinable @inline(__always)
    public init(_ u: borrowing BookUpdate) {
        eventTime = u.eventTime; price = u.price; orderID = u.orderID; priority = u.priority
        size = u.size; mmid = u.mmid; orderCount = u.orderCount; action = u.action; side = u.side
    }
}
