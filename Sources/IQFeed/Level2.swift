import MarketData

/// Legacy (protocol <= 6.1) market-maker depth: `Z` summary, `2` update, `U` (no SET PROTOCOL).
public struct LegacyDepthQuote: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case summary, update, legacyU }
    public var kind: Kind
    public var symbol: Symbol
    /// Market maker id packed as in `BookUpdate.mmid`.
    public var mmid: UInt32
    public var bid: Price?
    public var ask: Price?
    public var bidSize: UInt32?
    public var askSize: UInt32?
    /// nil when empty or `99:99:99`.
    public var bidTime: Nanos?
    public var askTime: Nanos?
    public var bidValid: Bool
    public var askValid: Bool
}

/// Level 2 (port 9200) messages. 6.2 depth rows map to `BookUpdate`:
/// `3` orderAdd, `4` orderUpdate, `5` orderDelete, `6` and `0` orderSummary, `7` levelSummary,
/// `8` levelUpdate, `9` levelDelete, `S,CLEAR DEPTH` clear (price/size 0). A row with an empty time
/// (Nasdaq deletes) gets the receive time as event time.
public enum Level2Message: Sendable, Equatable {
    case book(BookUpdate)
    indirect case legacy(LegacyDepthQuote)
    case timestamp(Nanos)
    case system(SystemMessage)
    /// `q,<sym>`: no depth available for the symbol.
    case noDepth(String)
    /// `M,<MMID>,<name>`: market maker name.
    case marketMaker(id: String, name: String)
    case symbolNotFound(String)
    case error(String)
    /// Bare deprecated `O` line.
    case ignored
}

/// Parses Level 2 lines. One per connection.
public struct Level2Parser: Sendable {
    public var counters = ParseCounters()
    @usableFromInline var clock = EasternClock()

    public init() {}

    @inlinable
    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> Level2Message {
        do {
            let m = try parseUncounted(line, receiveTime: receiveTime)
            counters.parsed &+= 1
            return m
        } catch {
            counters.failed &+= 1
            throw error
        }
    }

    @usableFromInline
    mutating func parseUncounted(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> Level2Message {
        guard line.count > 0 else { throw IQFeedParseError(messageType: "L2", field: "type", index: 0, reason: .emptyLine) }
        let t = line[0]
        if line.count == 1 && t == UInt8(ascii: "O") { return .ignored }
        guard line.count > 1, line[1] == UInt8(ascii: ",") else {
            throw IQFeedParseError(messageType: "L2", field: "type", index: 0, reason: .unknownMessageType).with(line: line)
        }
        switch t {
        case UInt8(ascii: "3"): return .book(try order(line, .orderAdd, "L2 3", receiveTime))
        case UInt8(ascii: "4"): return .book(try order(line, .orderUpdate, "L2 4", receiveTime))
        case UInt8(ascii: "6"): return .book(try order(line, .orderSummary, "L2 6", receiveTime))
        case UInt8(ascii: "0"): return .book(try order(line, .orderSummary, "L2 0", receiveTime))
        case UInt8(ascii: "5"): return .book(try orderDelete(line, receiveTime))
        case UInt8(ascii: "7"): return .book(try level(line, .levelSummary, "L2 7", receiveTime))
        case UInt8(ascii: "8"): return .book(try level(line, .levelUpdate, "L2 8", receiveTime))
        case UInt8(ascii: "9"): return .book(try levelDelete(line, receiveTime))
        case UInt8(ascii: "Z"): return .legacy(try legacy(line, .summary))
        case UInt8(ascii: "2"): return .legacy(try legacy(line, .update))
        case UInt8(ascii: "U"): return .legacy(try legacy(line, .legacyU))
        case UInt8(ascii: "T"):
            var c = FieldCursor(line, messageType: "T"); c.skip()
            let f = try c.field("Timestamp")
            guard let v = clock.compactDateTime(f) else { throw c.error("Timestamp", .badTime) }
            return .timestamp(v)
        case UInt8(ascii: "S"):
            let s = try SystemParser.parse(line, clock: &clock)
            if case .clearDepth(let sym, let side) = s {
                return .book(BookUpdate(symbol: sym, eventTime: receiveTime, receiveTime: receiveTime, action: .clear, side: side))
            }
            return .system(s)
        case UInt8(ascii: "q"):
            var c = FieldCursor(line, messageType: "q"); c.skip()
            return .noDepth(Scan.string(c.next() ?? c.rest()))
        case UInt8(ascii: "n"):
            var c = FieldCursor(line, messageType: "n"); c.skip()
            return .symbolNotFound(Scan.string(c.rest()))
        case UInt8(ascii: "M"):
            var c = FieldCursor(line, messageType: "M"); c.skip()
            let id = Scan.string(try c.field("MMID"))
            return .marketMaker(id: id, name: Scan.string(c.rest()))
        case UInt8(ascii: "E"):
            var c = FieldCursor(line, messageType: "E"); c.skip()
            return .error(Scan.string(c.rest()))
        default:
            throw IQFeedParseError(messageType: "L2", field: "type", index: 0, reason: .unknownMessageType).with(line: line)
        }
    }

    @inlinable
    mutating func side(_ c: inout FieldCursor) throws(IQFeedParseError) -> Side {
        let f = try c.field("Side")
        guard let s = L2Side.parse(f) else { throw c.error("Side", .badSide) }
        return s
    }

    /// Time (`HH:MM:SS.ffffff`, may be empty) and date (`YYYY-MM-DD`) fields.
    @inlinable
    mutating func timeDate(_ c: inout FieldCursor, _ receiveTime: Nanos) throws(IQFeedParseError) -> Nanos {
        let tod = try c.timeOfDay("Time")
        let df = try c.field("Date")
        guard let d = Scan.isoDate(df), df.count == 10 else { throw c.error("Date", .badDate) }
        guard let (s, n) = tod else { return receiveTime }
        return clock.utc(d, s, n)
    }

    @usableFromInline
    mutating func order(_ line: UnsafeRawBufferPointer, _ action: BookAction, _ type: StaticString, _ rt: Nanos) throws(IQFeedParseError) -> BookUpdate {
        var c = FieldCursor(line, messageType: type); c.skip()
        let sym = try c.symbol()
        let oid = try c.uint("Order ID") ?? 0
        let mmid = Scan.pack4(try c.field("MMID"))
        let side = try side(&c)
        guard let price = try c.price("Price") else { throw c.error("Price", .emptyField) }
        let size = try c.size("Size") ?? 0
        let prio = try c.uint("Order Priority") ?? 0
        _ = try c.field("Precision")
        let t = try timeDate(&c, rt)
        return BookUpdate(symbol: sym, eventTime: t, receiveTime: rt, action: action, side: side, price: price, size: size,
                          orderID: oid, mmid: mmid, priority: prio)
    }

    @usableFromInline
    mutating func orderDelete(_ line: UnsafeRawBufferPointer, _ rt: Nanos) throws(IQFeedParseError) -> BookUpdate {
        var c = FieldCursor(line, messageType: "L2 5"); c.skip()
        let sym = try c.symbol()
        let oid = try c.uint("Order ID") ?? 0
        let mmid = Scan.pack4(try c.field("MMID"))
        let side = try side(&c)
        let t = try timeDate(&c, rt)
        return BookUpdate(symbol: sym, eventTime: t, receiveTime: rt, action: .orderDelete, side: side, orderID: oid, mmid: mmid)
    }

    @usableFromInline
    mutating func level(_ line: UnsafeRawBufferPointer, _ action: BookAction, _ type: StaticString, _ rt: Nanos) throws(IQFeedParseError) -> BookUpdate {
        var c = FieldCursor(line, messageType: type); c.skip()
        let sym = try c.symbol()
        let side = try side(&c)
        guard let price = try c.price("Price") else { throw c.error("Price", .emptyField) }
        let size = try c.size("Size") ?? 0
        let count = try c.size("Order Count") ?? 0
        _ = try c.field("Precision")
        let t = try timeDate(&c, rt)
        return BookUpdate(symbol: sym, eventTime: t, receiveTime: rt, action: action, side: side, price: price, size: size,
                          orderCount: count)
    }

    @usableFromInline
    mutating func levelDelete(_ line: UnsafeRawBufferPointer, _ rt: Nanos) throws(IQFeedParseError) -> BookUpdate {
        var c = FieldCursor(line, messageType: "L2 9"); c.skip()
        let sym = try c.symbol()
        let side = try side(&c)
        guard let price = try c.price("Price") else { throw c.error("Price", .emptyField) }
        let t = try timeDate(&c, rt)
        return BookUpdate(symbol: sym, eventTime: t, receiveTime: rt, action: .levelDelete, side: side, price: price)
    }

    @usableFromInline
    mutating func legacy(_ line: UnsafeRawBufferPointer, _ kind: LegacyDepthQuote.Kind) throws(IQFeedParseError) -> LegacyDepthQuote {
        var c = FieldCursor(line, messageType: kind == .legacyU ? "L2 U" : kind == .summary ? "L2 Z" : "L2 2"); c.skip()
        let sym = try c.symbol()
        let mmid = Scan.pack4(try c.field("MMID"))
        let bid = try c.price("Bid")
        let ask = try c.price("Ask")
        let bidSize = try c.size("Bid Size")
        let askSize = try c.size("Ask Size")
        let bt = try c.timeOfDay("Bid Time")
        let df = try c.field("Date")
        guard let d = Scan.isoDate(df) else { throw c.error("Date", .badDate) }
        if kind == .legacyU { c.skip(2) } // two unexplained fields
        _ = try c.field("Condition Code")
        let at = try c.timeOfDay("Ask Time")
        let bv = Scan.equals(try c.field("Bid Info Valid"), "T")
        let av = Scan.equals(try c.field("Ask Info Valid"), "T")
        return LegacyDepthQuote(kind: kind, symbol: sym, mmid: mmid, bid: bid, ask: ask, bidSize: bidSize, askSize: askSize,
                                bidTime: bt.map { clock.utc(d, $0.0, $0.1) }, askTime: at.map { clock.utc(d, $0.0, $0.1) },
                                bidValid: bv, askValid: av)
    }
}
