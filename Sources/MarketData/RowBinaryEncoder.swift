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
        var x = v
        for _ in 0..<4 { out.append(UInt8(truncatingIfNeeded: x)); x >>= 8 }
    }

    @inlinable public static func appendInt32(_ v: Int32, to out: inout [UInt8]) { appendUInt32(UInt32(bitPattern: v), to: &out) }

    @inlinable
    public static func appendUInt64(_ v: UInt64, to out: inout [UInt8]) {
        var x = v
        for _ in 0..<8 { out.append(UInt8(truncatingIfNeeded: x)); x >>= 8 }
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

    /// One `market_ticks` row.
    @inlinable
    public static func append(_ t: Trade, to out: inout [UInt8]) {
        appendString(t.symbol.text, to: &out)
        appendTime(t.eventTime, to: &out); appendTime(t.receiveTime, to: &out); appendUInt64(t.seq, to: &out)
        appendPrice(t.price, to: &out); appendUInt32(t.size, to: &out); appendUInt64(t.totalVolume, to: &out)
        appendPrice(t.bid, to: &out); appendPrice(t.ask, to: &out); appendUInt64(t.tickID, to: &out)
        appendUInt8(basisCode(t.basis), to: &out); appendUInt16(t.marketCenter, to: &out)
        appendUInt32(t.conditions, to: &out); appendUInt8(t.aggressor, to: &out)
    }

    /// One `market_l1` row.
    @inlinable
    public static func append(_ q: Quote, to out: inout [UInt8]) {
        appendString(q.symbol.text, to: &out)
        appendTime(q.eventTime, to: &out); appendTime(q.receiveTime, to: &out); appendUInt64(q.seq, to: &out)
        appendPrice(q.bid, to: &out); appendUInt32(q.bidSize, to: &out)
        appendPrice(q.ask, to: &out); appendUInt32(q.askSize, to: &out)
        appendPrice(q.last, to: &out); appendUInt64(q.totalVolume, to: &out)
    }

    /// One `market_l2` row.
    @inlinable
    public static func append(_ b: BookUpdate, to out: inout [UInt8]) {
        appendString(b.symbol.text, to: &out)
        appendTime(b.eventTime, to: &out); appendTime(b.receiveTime, to: &out); appendUInt64(b.seq, to: &out)
        appendUInt8(b.action.rawValue, to: &out); appendUInt8(b.side.rawValue, to: &out)
        appendPrice(b.price, to: &out); appendUInt32(b.size, to: &out); appendUInt64(b.orderID, to: &out)
        appendMMID(b.mmid, to: &out); appendUInt32(b.orderCount, to: &out); appendUInt64(b.priority, to: &out)
    }

    /// One `market_bars` row.
    @inlinable
    public static func append(_ b: Bar, to out: inout [UInt8]) {
        appendString(b.symbol.text, to: &out)
        appendInt32(b.kind.storedInterval, to: &out)
        appendTime(b.time, to: &out); appendTime(b.receiveTime, to: &out)
        appendPrice(b.open, to: &out); appendPrice(b.high, to: &out); appendPrice(b.low, to: &out); appendPrice(b.close, to: &out)
        appendUInt64(b.periodVolume, to: &out); appendUInt64(b.totalVolume, to: &out)
        appendUInt32(b.trades, to: &out); appendUInt64(b.openInterest, to: &out)
    }

    /// One `market_metrics` row.
    @inlinable
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
