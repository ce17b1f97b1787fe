/// Which side of the book.
public enum Side: UInt8, Sendable, Hashable {
    case bid = 0
    case ask = 1
}

/// A trade (IQFeed L1 `Q` with C/E/O in Message Contents, a history tick row, or a correction).
///
/// The L1 fast path (`IQFeed/Level1Fast.swift`) writes every field of `Trade` and `Quote` into reused
/// slots, field by field: a new field must be written there too (`Level1InPlaceTests` counts them).
public struct Trade: Sendable, Equatable {
    public var symbol: Symbol
    /// Event time from the feed, UTC ns.
    public var eventTime: Nanos
    /// When mdt received the line, UTC ns.
    public var receiveTime: Nanos
    public var price: Price
    public var size: UInt32
    /// Cumulative day volume after this trade.
    public var totalVolume: UInt64
    /// Quote at trade time (zero when unknown).
    public var bid: Price
    public var ask: Price
    /// IQFeed TickID (0 when unknown).
    public var tickID: UInt64
    /// `C` last-qualified, `E` extended (Form-T), `O` other (ASCII byte).
    public var basis: UInt8
    public var marketCenter: UInt16
    /// Trade conditions as IQFeed's hex pairs, up to 4 packed big-endian (`8717` -> 0x8717).
    public var conditions: UInt32
    /// 0 unknown, 1 buy, 2 sell, 3 neither.
    public var aggressor: UInt8
    /// Collector sequence number (per process, monotonic).
    public var seq: UInt64

    public init(symbol: Symbol, eventTime: Nanos, receiveTime: Nanos = 0, price: Price, size: UInt32,
                totalVolume: UInt64 = 0, bid: Price = .zero, ask: Price = .zero, tickID: UInt64 = 0,
                basis: UInt8 = UInt8(ascii: "C"), marketCenter: UInt16 = 0, conditions: UInt32 = 0,
                aggressor: UInt8 = 0, seq: UInt64 = 0) {
        self.symbol = symbol; self.eventTime = eventTime; self.receiveTime = receiveTime
        self.price = price; self.size = size; self.totalVolume = totalVolume; self.bid = bid; self.ask = ask
        self.tickID = tickID; self.basis = basis; self.marketCenter = marketCenter
        self.conditions = conditions; self.aggressor = aggressor; self.seq = seq
    }
}

/// A top-of-book quote (IQFeed L1 `Q`/`P` without a trade letter).
public struct Quote: Sendable, Equatable {
    public var symbol: Symbol
    public var eventTime: Nanos
    public var receiveTime: Nanos
    public var bid: Price
    public var bidSize: UInt32
    public var ask: Price
    public var askSize: UInt32
    /// Last trade price and day volume as carried on the quote line (zero when unknown).
    public var last: Price
    public var totalVolume: UInt64
    public var seq: UInt64

    public init(symbol: Symbol, eventTime: Nanos, receiveTime: Nanos = 0, bid: Price, bidSize: UInt32,
                ask: Price, askSize: UInt32, last: Price = .zero, totalVolume: UInt64 = 0, seq: UInt64 = 0) {
        self.symbol = symbol; self.eventTime = eventTime; self.receiveTime = receiveTime
        self.bid = bid; self.bidSize = bidSize; self.ask = ask; self.askSize = askSize
        self.last = last; self.totalVolume = totalVolume; self.seq = seq
    }
}

/// What a Level 2 event does (IQFeed 6.2 message types, plus `S,CLEAR DEPTH`).
public enum BookAction: UInt8, Sendable, Hashable {
    /// `3`: a new order.
    case orderAdd = 1
    /// `4`: an order's size or price changed.
    case orderUpdate = 2
    /// `5`: an order left the book.
    case orderDelete = 3
    /// `6` (and `0`): an order in the snapshot.
    case orderSummary = 4
    /// `7`: a price level in the snapshot.
    case levelSummary = 5
    /// `8`: a price level's size/count changed (or it appeared).
    case levelUpdate = 6
    /// `9`: a price level left the book.
    case levelDelete = 7
    /// `S,CLEAR DEPTH`: drop one side of the symbol's book.
    case clear = 8

    public var isOrderAction: Bool { self == .orderAdd || self == .orderUpdate || self == .orderDelete || self == .orderSummary }
}

/// One Level 2 event: market by order (orderID/MMID) or market by price (level).
public struct BookUpdate: Sendable, Equatable {
    public var symbol: Symbol
    public var eventTime: Nanos
    public var receiveTime: Nanos
    public var action: BookAction
    public var side: Side
    public var price: Price
    public var size: UInt32
    /// IQFeed order id (0 for Nasdaq market-maker rows and for price levels).
    public var orderID: UInt64
    /// Market maker id, up to 4 ASCII bytes packed big-endian (0 when empty).
    public var mmid: UInt32
    /// Orders at the level (market by price), 0 otherwise.
    public var orderCount: UInt32
    /// Queue priority (market by order), 0 when unknown.
    public var priority: UInt64
    public var seq: UInt64

    public init(symbol: Symbol, eventTime: Nanos, receiveTime: Nanos = 0, action: BookAction, side: Side,
                price: Price = .zero, size: UInt32 = 0, orderID: UInt64 = 0, mmid: UInt32 = 0,
                orderCount: UInt32 = 0, priority: UInt64 = 0, seq: UInt64 = 0) {
        self.symbol = symbol; self.eventTime = eventTime; self.receiveTime = receiveTime
        self.action = action; self.side = side; self.price = price; self.size = size
        self.orderID = orderID; self.mmid = mmid; self.orderCount = orderCount
        self.priority = priority; self.seq = seq
    }

    /// Packs up to 4 ASCII bytes (`NSDQ`) into a `UInt32`.
    public static func packMMID(_ text: String) -> UInt32 {
        var v: UInt32 = 0
        for b in text.utf8.prefix(4) { v = v << 8 | UInt32(b) }
        return v
    }

    /// The market maker id as text (`NSDQ`), empty when none.
    public static func mmidText(_ v: UInt32) -> String {
        var bytes: [UInt8] = []
        var s = 24
        while s >= 0 { let b = UInt8((v >> UInt32(s)) & 0xFF); if b != 0 { bytes.append(b) }; s -= 8 }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Bar kinds as stored: seconds interval bars, or daily/weekly/monthly.
public enum BarKind: Sendable, Hashable {
    case seconds(Int)
    case daily
    case weekly
    case monthly

    /// The value stored in `market_bars.interval_s` (negative codes for calendar bars).
    public var storedInterval: Int32 {
        switch self {
        case .seconds(let s): Int32(s)
        case .daily: -1
        case .weekly: -7
        case .monthly: -30
        }
    }

    /// The kind stored as `interval_s` (inverse of `storedInterval`; other non-positive codes give nil).
    public init?(storedInterval v: Int32) {
        switch v {
        case -1: self = .daily
        case -7: self = .weekly
        case -30: self = .monthly
        default:
            if v <= 0 { return nil }
            self = .seconds(Int(v))
        }
    }
}

/// An OHLCV bar (history HIX/HID/HIT, HDX/HDT/HWX/HMX, or derivative BH/BC).
public struct Bar: Sendable, Equatable {
    public var symbol: Symbol
    /// Bar label time, UTC ns (daily bars: the Eastern midnight of the trading day).
    public var time: Nanos
    public var kind: BarKind
    public var open: Price
    public var high: Price
    public var low: Price
    public var close: Price
    public var periodVolume: UInt64
    public var totalVolume: UInt64
    public var trades: UInt32
    public var openInterest: UInt64
    /// When mdt received (or downloaded) the bar, UTC ns (0 when unknown). Stored as `receive_ts`.
    public var receiveTime: Nanos

    public init(symbol: Symbol, time: Nanos, kind: BarKind, open: Price, high: Price, low: Price, close: Price,
                periodVolume: UInt64, totalVolume: UInt64 = 0, trades: UInt32 = 0, openInterest: UInt64 = 0,
                receiveTime: Nanos = 0) {
        self.symbol = symbol; self.time = time; self.kind = kind
        self.open = open; self.high = high; self.low = low; self.close = close
        self.periodVolume = periodVolume; self.totalVolume = totalVolume
        self.trades = trades; self.openInterest = openInterest; self.receiveTime = receiveTime
    }
}

/// Any normalised market event.
public enum MarketEvent: Sendable, Equatable {
    case trade(Trade)
    case quote(Quote)
    case book(BookUpdate)
    case bar(Bar)

    public var symbol: Symbol {
        switch self {
        case .trade(let t): t.symbol
        case .quote(let q): q.symbol
        case .book(let b): b.symbol
        case .bar(let b): b.symbol
        }
    }
}
