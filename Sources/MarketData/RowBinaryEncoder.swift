/// ClickHouse RowBinary rows for the `MarketSchema` tables, in `MarketSchema.columns` order.
/// The bytes are the same for both dialects: times are 8 bytes little-endian (DateTime64(9) or
/// UInt64 ns), prices Int64 LE (Decimal64(9)), strings LEB128 length + bytes, Enum8 one byte.
/// Appends to a caller-owned buffer: nothing is allocated once the buffer has capacity.
public enum RowBinaryEncoder {
    // MARK: primitives

    @inlinable public static func appendUInt8(_ v: UInt8, to out: inout [UInt8]) { out.append(v) }
    @inlinable public static func appendInt8(_ v: Int8, to out: inout [UInt8]) { out.append(UInt8(bitPattern: v)) }

    @inlinable
    public static func appendUInt16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(truncatingIfNeeded: v)); out.append(UInt8(truncatingIfNeeded: v >> 8))
    }

    @inlinable
    public static func appendUInt32(_ v: UInt32, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inlinable public static func appendInt32(_ v: Int32, to out: inout [UInt8]) { appendUInt32(UInt32(bitPattern: v), to: &out) }

    @inlinable
    public static func appendUInt64(_ v: UInt64, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    @inlinable public static func appendInt64(_ v: Int64, to out: inout [UInt8]) { appendUInt64(UInt64(bitPattern: v), to: &out) }
    @inlinable public static func appendFloat64(_ v: Double, to out: inout [UInt8]) { appendUInt64(v.bitPattern, to: &out) }

    @inlinable
    public static func appendLEB128(_ v: UInt64, to out: inout [UInt8]) {
        var x = v
        while x >= 0x80 { out.append(UInt8(truncatingIfNeeded: x) | 0x80); x >>= 7 }
        out.append(UInt8(x))
    }

    /// A `String` column: LEB128 length then the UTF-8 bytes.
    @inlinable
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { buf in
            appendLEB128(UInt64(buf.count), to: &out)
            out.append(contentsOf: buf)
        }
    }

    /// A packed MMID (`NSDQ`) as a `String` column.
    @inlinable
    public static func appendMMID(_ v: UInt32, to out: inout [UInt8]) {
        var n: UInt64 = 0
        var s = 24
        while s >= 0 { if (v >> UInt32(s)) & 0xFF != 0 { n += 1 }; s -= 8 }
        appendLEB128(n, to: &out)
        s = 24
        while s >= 0 { let b = UInt8((v >> UInt32(s)) & 0xFF); if b != 0 { out.append(b) }; s -= 8 }
    }

    /// Time columns: Int64 ns, little-endian (UInt64 ns on legacy servers has the same bytes for t >= 0).
    @inlinable public static func appendTime(_ t: Nanos, to out: inout [UInt8]) { appendInt64(t, to: &out) }
    @inlinable public static func appendPrice(_ p: Price, to out: inout [UInt8]) { appendInt64(p.raw, to: &out) }

    /// `Trade.basis` as the `basis` Enum8 (`?` for anything other than C/E/O).
    @inlinable
    public static func basisCode(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "C"), UInt8(ascii: "E"), UInt8(ascii: "O"): b
        default: UInt8(ascii: "?")
        }
    }

    // MARK: rows

    /// Bytes a row takes besides its strings.
    @usableFromInline static let fixedRoom = 128

    /// One `market_ticks` row.
    @inlinable
    public static func append(_ t: Trade, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: fixedRoom + t.symbol.text.utf8.count) { w in
            w.rowBinaryString(t.symbol.text)
            tickColumns(&w, eventTime: t.eventTime, receiveTime: t.receiveTime, seq: t.seq, price: t.price, size: t.size,
                        totalVolume: t.totalVolume, bid: t.bid, ask: t.ask, tickID: t.tickID, basis: t.basis,
                        marketCenter: t.marketCenter, conditions: t.conditions, aggressor: t.aggressor)
        }
    }

    /// The `market_ticks` columns after `symbol`, in schema order (shared by `append(Trade)` and `appendTick`).
    @inlinable @inline(__always)
    static func tickColumns(_ w: inout ByteWriter, eventTime: Nanos, receiveTime: Nanos, seq: UInt64, price: Price, size: UInt32,
                            totalVolume: UInt64, bid: Price, ask: Price, tickID: UInt64, basis: UInt8, marketCenter: UInt16,
                            conditions: UInt32, aggressor: UInt8) {
        w.le64(UInt64(bitPattern: eventTime)); w.le64(UInt64(bitPattern: receiveTime)); w.le64(seq)
        w.le64(UInt64(bitPattern: price.raw)); w.le32(size); w.le64(totalVolume)
        w.le64(UInt64(bitPattern: bid.raw)); w.le64(UInt64(bitPattern: ask.raw)); w.le64(tickID)
        w.byte(basisCode(basis)); w.le16(marketCenter); w.le32(conditions); w.byte(aggressor)
    }

    /// The `symbol` column of a `market_ticks` row (LEB128 length and UTF-8 bytes), for `appendTick`.
    public static func symbolColumn(_ s: Symbol) -> [UInt8] {
        var out: [UInt8] = []
        appendString(s.text, to: &out)
        return out
    }

    /// One `market_ticks` row whose `symbol` column is already encoded (`symbolColumn`): the same bytes
    /// as `append(_:to:)` of the `Trade` with these fields, without a `Trade` or a `String` per row.
    @inlinable
    public static func appendTick(symbolColumn sym: UnsafeRawBufferPointer, eventTime: Nanos, receiveTime: Nanos, seq: UInt64,
                                  price: Price, size: UInt32, totalVolume: UInt64, bid: Price, ask: Price, tickID: UInt64,
                                  basis: UInt8, marketCenter: UInt16, conditions: UInt32, aggressor: UInt8, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: fixedRoom + sym.count) { w in
            if let b = sym.baseAddress {
                ByteWriter.copy(UnsafeMutableRawPointer(w.p + w.i), b, sym.count)
                w.i &+= sym.count
            }
            tickColumns(&w, eventTime: eventTime, receiveTime: receiveTime, seq: seq, price: price, size: size,
                        totalVolume: totalVolume, bid: bid, ask: ask, tickID: tickID, basis: basis,
                        marketCenter: marketCenter, conditions: conditions, aggressor: aggressor)
        }
    }

    /// One `market_l1` row.
    @inlinable
    public static func append(_ q: Quote, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: fixedRoom + q.symbol.text.utf8.count) { w in
            w.rowBinaryString(q.symbol.text)
            w.le64(UInt64(bitPattern: q.eventTime)); w.le64(UInt64(bitPattern: q.receiveTime)); w.le64(q.seq)
            w.le64(UInt64(bitPattern: q.bid.raw)); w.le32(q.bidSize)
            w.le64(UInt64(bitPattern: q.ask.raw)); w.le32(q.askSize)
            w.le64(UInt64(bitPattern: q.last.raw)); w.le64(q.totalVolume)
        }
    }

    /// One `market_l2` row.
    @inlinable
    public static func append(_ b: BookUpdate, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: fixedRoom + b.symbol.text.utf8.count) { w in
            w.rowBinaryString(b.symbol.text)
            w.le64(UInt64(bitPattern: b.eventTime)); w.le64(UInt64(bitPattern: b.receiveTime)); w.le64(b.seq)
            w.byte(b.action.rawValue); w.byte(b.side.rawValue)
            w.le64(UInt64(bitPattern: b.price.raw)); w.le32(b.size); w.le64(b.orderID)
            w.rowBinaryMMID(b.mmid); w.le32(b.orderCount); w.le64(b.priority)
        }
    }

    /// One `market_bars` row.
    @inlinable
    public static func append(_ b: Bar, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: fixedRoom + b.symbol.text.utf8.count) { w in
            w.rowBinaryString(b.symbol.text)
            w.le32(UInt32(bitPattern: b.kind.storedInterval))
            w.le64(UInt64(bitPattern: b.time)); w.le64(UInt64(bitPattern: b.receiveTime))
            w.le64(UInt64(bitPattern: b.open.raw)); w.le64(UInt64(bitPattern: b.high.raw))
            w.le64(UInt64(bitPattern: b.low.raw)); w.le64(UInt64(bitPattern: b.close.raw))
            w.le64(b.periodVolume); w.le64(b.totalVolume); w.le32(b.trades); w.le64(b.openInterest)
        }
    }

    /// One `market_metrics` row.
    public static func append(_ m: MetricSample, to out: inout [UInt8]) {
        appendTime(m.time, to: &out)
        appendString(m.process, to: &out); appendString(m.name, to: &out)
        appendFloat64(m.value, to: &out); appendString(m.labels, to: &out)
    }

    /// The row of the event's own table (`MarketTable.of(event)`).
    @inlinable
    public static func append(_ e: MarketEvent, to out: inout [UInt8]) {
        switch e {
        case .trade(let t): append(t, to: &out)
        case .quote(let q): append(q, to: &out)
        case .book(let b): append(b, to: &out)
        case .bar(let b): append(b, to: &out)
        }
    }
}
