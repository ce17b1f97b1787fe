/// One JSON object per event, field names equal to the ClickHouse column names (see `MarketSchema`),
/// so ClickHouse's Kafka engine or `INSERT ... FORMAT JSONEachRow` can read the messages.
///
/// Layout (no spaces, fixed field order):
/// - `type`: `trade`, `quote`, `book` or `bar`.
/// - `ts` / `receive_ts`: ISO-8601 UTC with 9 fraction digits (`2026-03-09T13:30:00.123456789Z`),
///   read by modern ClickHouse as `DateTime64(9, 'UTC')`; `ts_ns` / `receive_ts_ns`: the same instants
///   as integer nanoseconds (exact; what the decoder and legacy `UInt64` columns use).
/// - Prices are JSON numbers written from the fixed-point value as the shortest exact decimal text
///   (`134.62`, `-0.5`, `12`): no binary floating point is involved, and ClickHouse parses them exactly
///   into `Decimal64(9)`. Readers that parse JSON numbers as doubles lose exactness past 15-17 digits.
/// - Enums as names (`"basis":"C"`, `"action":"order_add"`, `"side":"bid"`), MMID as text (`"mmid":"NSDQ"`).
/// Appends to a caller-owned buffer: nothing is allocated once the buffer has capacity.
public enum JSONEventEncoder {
    public static func append(_ t: Trade, to out: inout [UInt8]) {
        head("trade", t.symbol, t.eventTime, t.receiveTime, &out)
        uint(",\"seq\":", t.seq, &out)
        price(",\"price\":", t.price, &out)
        uint(",\"size\":", UInt64(t.size), &out)
        uint(",\"total_volume\":", t.totalVolume, &out)
        price(",\"bid\":", t.bid, &out)
        price(",\"ask\":", t.ask, &out)
        uint(",\"tick_id\":", t.tickID, &out)
        raw(",\"basis\":\"", &out); out.append(RowBinaryEncoder.basisCode(t.basis)); out.append(UInt8(ascii: "\""))
        uint(",\"market_center\":", UInt64(t.marketCenter), &out)
        uint(",\"conditions\":", UInt64(t.conditions), &out)
        uint(",\"aggressor\":", UInt64(t.aggressor), &out)
        out.append(UInt8(ascii: "}"))
    }

    public static func append(_ q: Quote, to out: inout [UInt8]) {
        head("quote", q.symbol, q.eventTime, q.receiveTime, &out)
        uint(",\"seq\":", q.seq, &out)
        price(",\"bid\":", q.bid, &out)
        uint(",\"bid_size\":", UInt64(q.bidSize), &out)
        price(",\"ask\":", q.ask, &out)
        uint(",\"ask_size\":", UInt64(q.askSize), &out)
        price(",\"last\":", q.last, &out)
        uint(",\"total_volume\":", q.totalVolume, &out)
        out.append(UInt8(ascii: "}"))
    }

    public static func append(_ b: BookUpdate, to out: inout [UInt8]) {
        head("book", b.symbol, b.eventTime, b.receiveTime, &out)
        uint(",\"seq\":", b.seq, &out)
        raw(",\"action\":\"", &out); raw(actionName(b.action), &out); out.append(UInt8(ascii: "\""))
        raw(b.side == .bid ? ",\"side\":\"bid\"" : ",\"side\":\"ask\"", &out)
        price(",\"price\":", b.price, &out)
        uint(",\"size\":", UInt64(b.size), &out)
        uint(",\"order_id\":", b.orderID, &out)
        raw(",\"mmid\":\"", &out)
        var s = 24
        while s >= 0 {
            let c = UInt8((b.mmid >> UInt32(s)) & 0xFF)
            if c != 0 { escapeByte(c, &out) }
            s -= 8
        }
        out.append(UInt8(ascii: "\""))
        uint(",\"order_count\":", UInt64(b.orderCount), &out)
        uint(",\"priority\":", b.priority, &out)
        out.append(UInt8(ascii: "}"))
    }

    public static func append(_ b: Bar, to out: inout [UInt8]) {
        raw("{\"type\":\"bar\",\"symbol\":\"", &out)
        escape(b.symbol.text, &out)
        raw("\",\"interval_s\":", &out)
        int(Int64(b.kind.storedInterval), &out)
        times(b.time, b.receiveTime, &out)
        price(",\"open\":", b.open, &out)
        price(",\"high\":", b.high, &out)
        price(",\"low\":", b.low, &out)
        price(",\"close\":", b.close, &out)
        uint(",\"period_volume\":", b.periodVolume, &out)
        uint(",\"total_volume\":", b.totalVolume, &out)
        uint(",\"trades\":", UInt64(b.trades), &out)
        uint(",\"open_interest\":", b.openInterest, &out)
        out.append(UInt8(ascii: "}"))
    }

    public static func append(_ e: MarketEvent, to out: inout [UInt8]) {
        switch e {
        case .trade(let t): append(t, to: &out)
        case .quote(let q): append(q, to: &out)
        case .book(let b): append(b, to: &out)
        case .bar(let b): append(b, to: &out)
        }
    }

    /// The event's JSON object followed by `\n` (NDJSON).
    public static func appendLine(_ e: MarketEvent, to out: inout [UInt8]) {
        append(e, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// Convenience (allocates): the event as a JSON string.
    public static func string(_ e: MarketEvent) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(320)
        append(e, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `"text"` with JSON escaping (for other modules' JSON output).
    public static func appendJSONString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        escape(text, &out)
        out.append(UInt8(ascii: "\""))
    }

    public static func actionName(_ a: BookAction) -> StaticString {
        switch a {
        case .orderAdd: "order_add"
        case .orderUpdate: "order_update"
        case .orderDelete: "order_delete"
        case .orderSummary: "order_summary"
        case .levelSummary: "level_summary"
        case .levelUpdate: "level_update"
        case .levelDelete: "level_delete"
        case .clear: "clear"
        }
    }

    // MARK: pieces

    @inline(__always)
    static func raw(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always)
    static func head(_ type: StaticString, _ symbol: Symbol, _ ts: Nanos, _ recv: Nanos, _ out: inout [UInt8]) {
        raw("{\"type\":\"", &out); raw(type, &out); raw("\",\"symbol\":\"", &out)
        escape(symbol.text, &out)
        out.append(UInt8(ascii: "\""))
        times(ts, recv, &out)
    }

    @inline(__always)
    static func times(_ ts: Nanos, _ recv: Nanos, _ out: inout [UInt8]) {
        raw(",\"ts\":\"", &out); Time.writeISO8601(ts, to: &out)
        raw("\",\"ts_ns\":", &out); int(ts, &out)
        raw(",\"receive_ts\":\"", &out); Time.writeISO8601(recv, to: &out)
        raw("\",\"receive_ts_ns\":", &out); int(recv, &out)
    }

    @inline(__always)
    static func uint(_ key: StaticString, _ v: UInt64, _ out: inout [UInt8]) {
        raw(key, &out); Price.appendDecimal(v, to: &out)
    }

    @inline(__always)
    static func int(_ v: Int64, _ out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")); Price.appendDecimal(v.magnitude, to: &out) } else { Price.appendDecimal(UInt64(v), to: &out) }
    }

    @inline(__always)
    static func price(_ key: StaticString, _ p: Price, _ out: inout [UInt8]) {
        raw(key, &out); p.write(to: &out)
    }

    /// JSON string content: `"` and `\` escaped, control bytes as `\u00XX`, other bytes as they are.
    @inline(__always)
    static func escape(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { buf in
            for b in buf { escapeByte(b, &out) }
        }
    }

    @inline(__always)
    static func escapeByte(_ b: UInt8, _ out: inout [UInt8]) {
        if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            out.append(UInt8(ascii: "\\")); out.append(b)
        } else if b < 0x20 {
            let hex: StaticString = "0123456789abcdef"
            raw("\\u00", &out)
            out.append(hex.utf8Start[Int(b >> 4)]); out.append(hex.utf8Start[Int(b & 0xF)])
        } else {
            out.append(b)
        }
    }
}
