import MarketData

// The straight-line reader of a protocol 6.x history tick row (`HTX`/`HTD`/`HTT` after `<id>,LH,`):
//
//     YYYY-MM-DD HH:MM:SS.ffffff,Last,LastSize,TotalVolume,Bid,Ask,TickID,Basis,MarketCenter,Conditions,Aggressor,...
//
// `LookupReplyParser.readTickRow(_:)` reads it (`parse` uses it too). One pass over the bytes with 8-byte loads, no `FieldCursor`, the date's 10 bytes compared with the previous
// row's (a reply is one day after another, so the calendar check runs once per day). It takes only the
// common shapes: unsigned prices of at most 7 + 7 digits, integers of at most 15 digits, a `.ffffff` time
// with hour < 24 and second < 60, a basis letter, at most 8 condition hex digits, an aggressor of at most 3
// digits. Anything else returns nil and `tickRow` parses the row, so values and errors are exactly the
// general reader's.

/// A history tick row without its symbol (the request's): a trivial value, cheap to hand over per row.
public struct TickRow: Sendable, Equatable {
    public var eventTime: Nanos
    public var price: Price
    public var size: UInt32
    public var totalVolume: UInt64
    public var bid: Price
    public var ask: Price
    public var tickID: UInt64
    public var basis: UInt8
    public var marketCenter: UInt16
    public var conditions: UInt32
    public var aggressor: UInt8

    @inlinable
    public init(eventTime: Nanos, price: Price, size: UInt32, totalVolume: UInt64, bid: Price, ask: Price, tickID: UInt64,
                basis: UInt8, marketCenter: UInt16, conditions: UInt32, aggressor: UInt8) {
        self.eventTime = eventTime; self.price = price; self.size = size; self.totalVolume = totalVolume
        self.bid = bid; self.ask = ask; self.tickID = tickID; self.basis = basis; self.marketCenter = marketCenter
        self.conditions = conditions; self.aggressor = aggressor
    }
}

extension Trade {
    /// The trade of `symbol` a tick row describes (receive time and seq 0), as `LookupReplyParser.parse` gives it.
    @inlinable
    public init(symbol: Symbol, row r: TickRow) {
        self.init(symbol: symbol, eventTime: r.eventTime, receiveTime: 0, price: r.price, size: r.size, totalVolume: r.totalVolume,
                  bid: r.bid, ask: r.ask, tickID: r.tickID, basis: r.basis, marketCenter: r.marketCenter,
                  conditions: r.conditions, aggressor: r.aggressor)
    }
}

/// The date of the previous fast-read tick row.
@usableFromInline struct TickRowDate: Sendable {
    /// The date's first 8 bytes and last 2 as loaded, and what they parse to; `known` false until the first.
    @usableFromInline var head: UInt64 = 0
    @usableFromInline var tail: UInt16 = 0
    @usableFromInline var known = false
    @usableFromInline var date = (0, 0, 0)
    @usableFromInline init() {}
}

extension LookupReplyParser {
    /// The row as a `TickRow` when it is a `<id>,LH,` tick row in the common shape (counted as parsed); nil
    /// otherwise, and then `parse` must take the line (nothing was counted or changed).
    @inlinable
    public mutating func readTickRow(_ line: UnsafeRawBufferPointer) -> TickRow? {
        guard fastTicks, fastPathEnabled, isDataRow(line), let r = fastTickRow(line, at: dataPrefix.count) else { return nil }
        counters.parsed &+= 1
        return r
    }

    /// The tick row starting at `start` (just after `<id>,LH,`), or nil when it is not in the common shape.
    @inlinable @inline(__always)
    mutating func fastTickRow(_ line: UnsafeRawBufferPointer, at start: Int) -> TickRow? {
        guard let raw = line.baseAddress else { return nil }
        let p = raw.assumingMemoryBound(to: UInt8.self)
        let n = line.count
        var s = start
        // Timestamp: 26 bytes, then a comma (checked by time15 at s + 26).
        guard s &+ 27 <= n else { return nil }
        let dh = Scan.word(p + s)
        let dt = UnsafeRawPointer(p + (s &+ 8)).loadUnaligned(as: UInt16.self)
        if !(rowDate.known && dh == rowDate.head && dt == rowDate.tail) {
            guard let d = Scan.isoDate(UnsafeRawBufferPointer(start: p + s, count: 10)) else { return nil }
            rowDate.head = dh; rowDate.tail = dt; rowDate.date = d; rowDate.known = true
        }
        guard p[s &+ 10] == 32, let (sod, nanos) = Scan.time15(p, s &+ 11) else { return nil }
        s &+= 27
        // Last (must not be empty).
        guard let (j1, last, ld) = Scan.unsignedPrice(p, s, fieldEnd: n, readable: n), ld > 0, j1 < n, p[j1] == 44 else { return nil }
        guard let (j2, size) = Scan.commaUInt(p, j1 &+ 1, n),
              let (j3, vol) = Scan.commaUInt(p, j2 &+ 1, n) else { return nil }
        s = j3 &+ 1
        guard let (j4, bid, bd) = Scan.unsignedPrice(p, s, fieldEnd: n, readable: n), bd > 0 || j4 == s, j4 < n, p[j4] == 44 else { return nil }
        s = j4 &+ 1
        guard let (j5, ask, ad) = Scan.unsignedPrice(p, s, fieldEnd: n, readable: n), ad > 0 || j5 == s, j5 < n, p[j5] == 44 else { return nil }
        guard let (j6, tick) = Scan.commaUInt(p, j5 &+ 1, n) else { return nil }
        // Basis: one letter (any byte >= "A", as tickRow takes it).
        s = j6 &+ 1
        guard s &+ 1 < n, p[s] >= 65, p[s &+ 1] == 44 else { return nil }
        let basis = p[s]
        guard let (j7, mc) = Scan.commaUInt(p, s &+ 2, n) else { return nil }
        // Conditions: 0-8 hex digits, then a comma.
        s = j7 &+ 1
        var k = s
        var cond: UInt32 = 0
        while true {
            guard k < n, k &- s <= 8 else { return nil }
            let c = p[k]
            if c == 44 { break }
            guard let d = Scan.hexDigit(c) else { return nil }
            cond = cond &<< 4 | UInt32(d)
            k &+= 1
        }
        // Aggressor: 0-3 digits up to 255, then a comma or the end of the line; what follows is not read.
        s = k &+ 1
        let (al, av) = Scan.digits8(p, s, end: n)
        guard al <= 3, av <= 255 else { return nil }
        let ja = s &+ al
        guard ja >= n || p[ja] == 44 else { return nil }
        let t = clock.utc(rowDate.date, sod, nanos)
        return TickRow(eventTime: t, price: Price(raw: last),
                     size: size > UInt64(UInt32.max) ? UInt32.max : UInt32(truncatingIfNeeded: size), totalVolume: vol,
                     bid: Price(raw: bid), ask: Price(raw: ask), tickID: tick, basis: basis,
                     marketCenter: UInt16(truncatingIfNeeded: mc), conditions: cond, aggressor: UInt8(truncatingIfNeeded: av))
    }
}

extension Scan {
    /// An unsigned integer of at most 15 digits at `p + s` followed by a comma before `n` (reading only
    /// `p[..<n]`): the comma's index and the value (0 for an empty field); nil for any other shape.
    @inlinable @inline(__always)
    static func commaUInt(_ p: UnsafePointer<UInt8>, _ s: Int, _ n: Int) -> (end: Int, value: UInt64)? {
        var (l, v) = digits8(p, s, end: n)
        if l == 8 {
            let (l2, v2) = digits8(p, s &+ 8, end: n)
            guard l2 < 8 else { return nil }
            v = v &* UInt64(scale(9 &- l2)) &+ v2
            l &+= l2
        }
        let j = s &+ l
        guard j < n, p[j] == 44 else { return nil }
        return (j, v)
    }
}
