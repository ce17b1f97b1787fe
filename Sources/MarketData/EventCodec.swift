/// A compact, exact binary form of `MarketEvent` for the collector's on-disk journal.
///
/// Layout: tag byte (1 trade, 2 quote, 3 book, 4 bar), symbol length byte, symbol bytes, then the
/// event's fixed-width fields in little-endian order. Encoding appends to a reusable buffer and
/// allocates nothing once the buffer has capacity; decoding never traps on bad bytes.
public enum EventCodec {
    public static func encode(_ event: MarketEvent, into out: inout [UInt8]) {
        switch event {
        case .trade(let t):
            out.append(1); putSymbol(t.symbol, &out)
            put(t.eventTime, &out); put(t.receiveTime, &out); put(t.price.raw, &out); put(t.size, &out)
            put(t.totalVolume, &out); put(t.bid.raw, &out); put(t.ask.raw, &out); put(t.tickID, &out)
            out.append(t.basis); put(t.marketCenter, &out); put(t.conditions, &out); out.append(t.aggressor)
            put(t.seq, &out)
        case .quote(let q):
            out.append(2); putSymbol(q.symbol, &out)
            put(q.eventTime, &out); put(q.receiveTime, &out); put(q.bid.raw, &out); put(q.bidSize, &out)
            put(q.ask.raw, &out); put(q.askSize, &out); put(q.last.raw, &out); put(q.totalVolume, &out)
            put(q.seq, &out)
        case .book(let b):
            out.append(3); putSymbol(b.symbol, &out)
            put(b.eventTime, &out); put(b.receiveTime, &out); out.append(b.action.rawValue); out.append(b.side.rawValue)
            put(b.price.raw, &out); put(b.size, &out); put(b.orderID, &out); put(b.mmid, &out)
            put(b.orderCount, &out); put(b.priority, &out); put(b.seq, &out)
        case .bar(let b):
            out.append(4); putSymbol(b.symbol, &out)
            put(b.time, &out); put(b.kind.storedInterval, &out); put(b.open.raw, &out); put(b.high.raw, &out)
            put(b.low.raw, &out); put(b.close.raw, &out); put(b.periodVolume, &out); put(b.totalVolume, &out)
            put(b.trades, &out); put(b.openInterest, &out)
        }
    }

    /// Decodes one event starting at `offset`, advancing it past the event.
    public static func decode(_ bytes: UnsafeRawBufferPointer, offset: inout Int) throws(EventCodecError) -> MarketEvent {
        var r = Reader(bytes: bytes, offset: offset)
        let tag = try r.u8()
        let symbol = try r.symbol()
        let event: MarketEvent
        switch tag {
        case 1:
            let t = Trade(symbol: symbol, eventTime: try r.i64(), receiveTime: try r.i64(), price: Price(raw: try r.i64()),
                          size: try r.u32(), totalVolume: try r.u64(), bid: Price(raw: try r.i64()), ask: Price(raw: try r.i64()),
                          tickID: try r.u64(), basis: try r.u8(), marketCenter: try r.u16(), conditions: try r.u32(),
                          aggressor: try r.u8(), seq: try r.u64())
            event = .trade(t)
        case 2:
            let q = Quote(symbol: symbol, eventTime: try r.i64(), receiveTime: try r.i64(), bid: Price(raw: try r.i64()),
                          bidSize: try r.u32(), ask: Price(raw: try r.i64()), askSize: try r.u32(),
                          last: Price(raw: try r.i64()), totalVolume: try r.u64(), seq: try r.u64())
            event = .quote(q)
        case 3:
            let eventTime = try r.i64(), receiveTime = try r.i64()
            guard let action = BookAction(rawValue: try r.u8()) else { throw .badValue(offset: r.offset, what: "book action") }
            guard let side = Side(rawValue: try r.u8()) else { throw .badValue(offset: r.offset, what: "side") }
            let b = BookUpdate(symbol: symbol, eventTime: eventTime, receiveTime: receiveTime, action: action, side: side,
                               price: Price(raw: try r.i64()), size: try r.u32(), orderID: try r.u64(), mmid: try r.u32(),
                               orderCount: try r.u32(), priority: try r.u64(), seq: try r.u64())
            event = .book(b)
        case 4:
            let time = try r.i64()
            let interval = try r.i32()
            let kind: BarKind
            switch interval {
            case -1: kind = .daily
            case -7: kind = .weekly
            case -30: kind = .monthly
            case 1...: kind = .seconds(Int(interval))
            default: throw .badValue(offset: r.offset, what: "bar interval \(interval)")
            }
            let b = Bar(symbol: symbol, time: time, kind: kind, open: Price(raw: try r.i64()), high: Price(raw: try r.i64()),
                        low: Price(raw: try r.i64()), close: Price(raw: try r.i64()), periodVolume: try r.u64(),
                        totalVolume: try r.u64(), trades: try r.u32(), openInterest: try r.u64())
            event = .bar(b)
        default:
            throw .badValue(offset: offset, what: "event tag \(tag)")
        }
        offset = r.offset
        return event
    }

    @inline(__always)
    static func putSymbol(_ s: Symbol, _ out: inout [UInt8]) {
        let utf8 = s.text.utf8
        out.append(UInt8(truncatingIfNeeded: utf8.count))
        out.append(contentsOf: utf8)
    }

    @inline(__always)
    static func put<T: FixedWidthInteger>(_ v: T, _ out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int

        mutating func take<T: FixedWidthInteger>(_: T.Type) throws(EventCodecError) -> T {
            let n = MemoryLayout<T>.size
            guard offset + n <= bytes.count else { throw .truncated(offset: offset) }
            let v = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
            offset += n
            return T(littleEndian: v)
        }
        mutating func u8() throws(EventCodecError) -> UInt8 { try take(UInt8.self) }
        mutating func u16() throws(EventCodecError) -> UInt16 { try take(UInt16.self) }
        mutating func u32() throws(EventCodecError) -> UInt32 { try take(UInt32.self) }
        mutating func u64() throws(EventCodecError) -> UInt64 { try take(UInt64.self) }
        mutating func i32() throws(EventCodecError) -> Int32 { try take(Int32.self) }
        mutating func i64() throws(EventCodecError) -> Int64 { try take(Int64.self) }
        mutating func symbol() throws(EventCodecError) -> Symbol {
            let n = Int(try u8())
            guard offset + n <= bytes.count else { throw .truncated(offset: offset) }
            let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
            offset += n
            do throws(SymbolError) { return try Symbol(bytes: slice) } catch { throw .badValue(offset: offset, what: "symbol: \(error)") }
        }
    }
}

public enum EventCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    case truncated(offset: Int)
    case badValue(offset: Int, what: String)

    public var description: String {
        switch self {
        case .truncated(let o): "event record truncated at byte \(o)"
        case .badValue(let o, let what): "bad \(what) at byte \(o)"
        }
    }
}
