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
///
/// Keep one encoder per stream (`var encoder = JSONEventEncoder()`; `encoder.append(e, to: &buf)`): it
/// remembers the text of the last timestamp's minute and second, which consecutive events share. The
/// static functions write the same bytes with a fresh encoder each call.
public struct JSONEventEncoder: Sendable {
    /// Room for everything but the symbol (which may take 6 bytes per byte when escaped).
    @usableFromInline static var fixedRoom: Int { 768 }

    @usableFromInline var cache = ISOMinuteCache()

    public init() {}

    public static func append(_ t: Trade, to out: inout [UInt8]) {
        var e = JSONEventEncoder()
        e.append(t, to: &out)
    }

    public mutating func append(_ t: Trade, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: Self.fixedRoom + 6 * t.symbol.text.utf8.count) { w in
            head("trade", t.symbol, t.eventTime, t.receiveTime, &w)
            w.raw(",\"seq\":"); w.decimal(t.seq)
            w.raw(",\"price\":"); w.price(t.price)
            w.raw(",\"size\":"); w.decimal(UInt64(t.size))
            w.raw(",\"total_volume\":"); w.decimal(t.totalVolume)
            w.raw(",\"bid\":"); w.price(t.bid)
            w.raw(",\"ask\":"); w.price(t.ask)
            w.raw(",\"tick_id\":"); w.decimal(t.tickID)
            w.raw(",\"basis\":\""); w.byte(RowBinaryEncoder.basisCode(t.basis)); w.byte(UInt8(ascii: "\""))
            w.raw(",\"market_center\":"); w.decimal(UInt64(t.marketCenter))
            w.raw(",\"conditions\":"); w.decimal(UInt64(t.conditions))
            w.raw(",\"aggressor\":"); w.decimal(UInt64(t.aggressor))
            w.byte(UInt8(ascii: "}"))
        }
    }

    public static func append(_ q: Quote, to out: inout [UInt8]) {
        var e = JSONEventEncoder()
        e.append(q, to: &out)
    }

    public mutating func append(_ q: Quote, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: Self.fixedRoom + 6 * q.symbol.text.utf8.count) { w in
            head("quote", q.symbol, q.eventTime, q.receiveTime, &w)
            w.raw(",\"seq\":"); w.decimal(q.seq)
            w.raw(",\"bid\":"); w.price(q.bid)
            w.raw(",\"bid_size\":"); w.decimal(UInt64(q.bidSize))
            w.raw(",\"ask\":"); w.price(q.ask)
            w.raw(",\"ask_size\":"); w.decimal(UInt64(q.askSize))
            w.raw(",\"last\":"); w.price(q.last)
            w.raw(",\"total_volume\":"); w.decimal(q.totalVolume)
            w.byte(UInt8(ascii: "}"))
        }
    }

    public static func append(_ b: BookUpdate, to out: inout [UInt8]) {
        var e = JSONEventEncoder()
        e.append(b, to: &out)
    }

    public mutating func append(_ b: BookUpdate, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: Self.fixedRoom + 6 * b.symbol.text.utf8.count) { w in
            head("book", b.symbol, b.eventTime, b.receiveTime, &w)
            w.raw(",\"seq\":"); w.decimal(b.seq)
            w.raw(",\"action\":\""); w.raw(Self.actionName(b.action)); w.byte(UInt8(ascii: "\""))
            w.raw(b.side == .bid ? ",\"side\":\"bid\"" : ",\"side\":\"ask\"")
            w.raw(",\"price\":"); w.price(b.price)
            w.raw(",\"size\":"); w.decimal(UInt64(b.size))
            w.raw(",\"order_id\":"); w.decimal(b.orderID)
            w.raw(",\"mmid\":\"")
            var s = 24
            while s >= 0 {
                let c = UInt8((b.mmid >> UInt32(s)) & 0xFF)
                if c != 0 { w.jsonEscaped(c) }
                s -= 8
            }
            w.byte(UInt8(ascii: "\""))
            w.raw(",\"order_count\":"); w.decimal(UInt64(b.orderCount))
            w.raw(",\"priority\":"); w.decimal(b.priority)
            w.byte(UInt8(ascii: "}"))
        }
    }

    public static func append(_ b: Bar, to out: inout [UInt8]) {
        var e = JSONEventEncoder()
        e.append(b, to: &out)
    }

    public mutating func append(_ b: Bar, to out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: Self.fixedRoom + 6 * b.symbol.text.utf8.count) { w in
            w.raw("{\"type\":\"bar\",\"symbol\":\"")
            w.jsonEscaped(b.symbol.text)
            w.raw("\",\"interval_s\":"); w.int(Int64(b.kind.storedInterval))
            times(b.time, b.receiveTime, &w)
            w.raw(",\"open\":"); w.price(b.open)
            w.raw(",\"high\":"); w.price(b.high)
            w.raw(",\"low\":"); w.price(b.low)
            w.raw(",\"close\":"); w.price(b.close)
            w.raw(",\"period_volume\":"); w.decimal(b.periodVolume)
            w.raw(",\"total_volume\":"); w.decimal(b.totalVolume)
            w.raw(",\"trades\":"); w.decimal(UInt64(b.trades))
            w.raw(",\"open_interest\":"); w.decimal(b.openInterest)
            w.byte(UInt8(ascii: "}"))
        }
    }

    public static func append(_ e: MarketEvent, to out: inout [UInt8]) {
        var encoder = JSONEventEncoder()
        encoder.append(e, to: &out)
    }

    @inlinable
    public mutating func append(_ e: MarketEvent, to out: inout [UInt8]) {
        switch e {
        case .trade(let t): append(t, to: &out)
        case .quote(let q): append(q, to: &out)
        case .book(let b): append(b, to: &out)
        case .bar(let b): append(b, to: &out)
        }
    }

    /// The event's JSON object followed by `\n` (NDJSON).
    public static func appendLine(_ e: MarketEvent, to out: inout [UInt8]) {
        var encoder = JSONEventEncoder()
        encoder.appendLine(e, to: &out)
    }

    /// The event's JSON object followed by `\n` (NDJSON).
    public mutating func appendLine(_ e: MarketEvent, to out: inout [UInt8]) {
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
    mutating func head(_ type: StaticString, _ symbol: Symbol, _ ts: Nanos, _ recv: Nanos, _ w: inout ByteWriter) {
        w.raw("{\"type\":\""); w.raw(type); w.raw("\",\"symbol\":\"")
        w.jsonEscaped(symbol.text)
        w.byte(UInt8(ascii: "\""))
        times(ts, recv, &w)
    }

    @inline(__always)
    mutating func times(_ ts: Nanos, _ recv: Nanos, _ w: inout ByteWriter) {
        w.raw(",\"ts\":\""); Self.timePair(ts, &cache, &w, next: "\",\"ts_ns\":")
        w.raw(",\"receive_ts\":\""); Self.timePair(recv, &cache, &w, next: "\",\"receive_ts_ns\":")
    }

    /// The ISO text of `t`, then `next`, then `t` as integer nanoseconds (its last 9 digits are the
    /// ISO fraction when `t >= 1e9`: copied rather than formatted again).
    @inline(__always)
    static func timePair(_ t: Nanos, _ cache: inout ISOMinuteCache, _ w: inout ByteWriter, next: StaticString) {
        let fracAt = w.i &+ 20
        w.iso8601(t, cache: &cache)
        w.raw(next)
        if t >= 1_000_000_000 {
            w.seconds(UInt64(t / 1_000_000_000), cache: &cache)
            let src = UnsafeRawPointer(w.p + fracAt), dst = UnsafeMutableRawPointer(w.p + w.i)
            dst.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
            dst.storeBytes(of: src.load(fromByteOffset: 8, as: UInt8.self), toByteOffset: 8, as: UInt8.self)
            w.i &+= 9
        } else {
            w.int(t)
        }
    }

    @inline(__always)
    static func raw(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    static func int(_ v: Int64, _ out: inout [UInt8]) {
        if v < 0 { out.append(UInt8(ascii: "-")); Price.appendDecimal(v.magnitude, to: &out) } else { Price.appendDecimal(UInt64(v), to: &out) }
    }

    /// JSON string content: `"` and `\` escaped, control bytes as `\u00XX`, other bytes as they are.
    static func escape(_ s: String, _ out: inout [UInt8]) {
        ByteWriter.append(to: &out, maxBytes: 6 * s.utf8.count) { w in w.jsonEscaped(s) }
    }
}
