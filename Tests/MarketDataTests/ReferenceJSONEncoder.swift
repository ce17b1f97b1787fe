import MarketData

/// The JSON wire layout written the slow, obvious way from public pieces (`Price.write`,
/// `Time.writeISO8601`, `Price.appendDecimal`): the reference the fast `JSONEventEncoder` must match
/// byte for byte.
enum ReferenceJSONEncoder {
    static func encode(_ e: MarketEvent) -> [UInt8] {
        var o = Out()
        switch e {
        case .trade(let t):
            o.head("trade", t.symbol, t.eventTime, t.receiveTime)
            o.u(",\"seq\":", t.seq); o.p(",\"price\":", t.price); o.u(",\"size\":", UInt64(t.size))
            o.u(",\"total_volume\":", t.totalVolume); o.p(",\"bid\":", t.bid); o.p(",\"ask\":", t.ask)
            o.u(",\"tick_id\":", t.tickID)
            let basis = [UInt8(ascii: "C"), UInt8(ascii: "E"), UInt8(ascii: "O")].contains(t.basis) ? t.basis : UInt8(ascii: "?")
            o.s(",\"basis\":\""); o.bytes.append(basis); o.s("\"")
            o.u(",\"market_center\":", UInt64(t.marketCenter)); o.u(",\"conditions\":", UInt64(t.conditions))
            o.u(",\"aggressor\":", UInt64(t.aggressor))
        case .quote(let q):
            o.head("quote", q.symbol, q.eventTime, q.receiveTime)
            o.u(",\"seq\":", q.seq); o.p(",\"bid\":", q.bid); o.u(",\"bid_size\":", UInt64(q.bidSize))
            o.p(",\"ask\":", q.ask); o.u(",\"ask_size\":", UInt64(q.askSize)); o.p(",\"last\":", q.last)
            o.u(",\"total_volume\":", q.totalVolume)
        case .book(let b):
            o.head("book", b.symbol, b.eventTime, b.receiveTime)
            o.u(",\"seq\":", b.seq)
            let names = [BookAction.orderAdd: "order_add", .orderUpdate: "order_update", .orderDelete: "order_delete",
                         .orderSummary: "order_summary", .levelSummary: "level_summary", .levelUpdate: "level_update",
                         .levelDelete: "level_delete", .clear: "clear"]
            o.s(",\"action\":\"" + (names[b.action] ?? "?") + "\"")
            o.s(",\"side\":\"" + (b.side == .bid ? "bid" : "ask") + "\"")
            o.p(",\"price\":", b.price); o.u(",\"size\":", UInt64(b.size)); o.u(",\"order_id\":", b.orderID)
            // The packed bytes (zero bytes skipped) as they are: not through String, which would repair non-UTF-8.
            let shifts: [UInt32] = [24, 16, 8, 0]
            let mmid = shifts.map { s -> UInt8 in UInt8(truncatingIfNeeded: b.mmid >> s) }.filter { $0 != 0 }
            o.s(",\"mmid\":\""); o.escaped(mmid); o.s("\"")
            o.u(",\"order_count\":", UInt64(b.orderCount)); o.u(",\"priority\":", b.priority)
        case .bar(let b):
            o.s("{\"type\":\"bar\",\"symbol\":\""); o.escaped(b.symbol.text)
            o.s("\",\"interval_s\":"); o.i(Int64(b.kind.storedInterval))
            o.times(b.time, b.receiveTime)
            o.p(",\"open\":", b.open); o.p(",\"high\":", b.high); o.p(",\"low\":", b.low); o.p(",\"close\":", b.close)
            o.u(",\"period_volume\":", b.periodVolume); o.u(",\"total_volume\":", b.totalVolume)
            o.u(",\"trades\":", UInt64(b.trades)); o.u(",\"open_interest\":", b.openInterest)
        }
        o.s("}")
        return o.bytes
    }

    struct Out {
        var bytes: [UInt8] = []
        mutating func s(_ text: String) { bytes.append(contentsOf: text.utf8) }
        mutating func u(_ name: String, _ v: UInt64) { s(name); Price.appendDecimal(v, to: &bytes) }
        mutating func i(_ v: Int64) {
            if v < 0 { s("-") }
            Price.appendDecimal(v.magnitude, to: &bytes)
        }
        mutating func p(_ name: String, _ v: Price) {
            s(name)
            // `Price.write` negates Int64.min to Int64.max; the wire format writes the exact magnitude.
            if v.raw == Int64.min { s("-9223372036.854775808") } else { v.write(to: &bytes) }
        }
        mutating func escaped(_ text: String) { escaped(Array(text.utf8)) }
        mutating func escaped(_ raw: [UInt8]) {
            for b in raw {
                switch b {
                case UInt8(ascii: "\""): s("\\\"")
                case UInt8(ascii: "\\"): s("\\\\")
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    s("\\u00"); bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 0xF)])
                default: bytes.append(b)
                }
            }
        }
        mutating func head(_ type: String, _ symbol: Symbol, _ ts: Nanos, _ recv: Nanos) {
            s("{\"type\":\"" + type + "\",\"symbol\":\""); escaped(symbol.text); s("\"")
            times(ts, recv)
        }
        mutating func times(_ ts: Nanos, _ recv: Nanos) {
            s(",\"ts\":\""); Time.writeISO8601(ts, to: &bytes); s("\",\"ts_ns\":"); i(ts)
            s(",\"receive_ts\":\""); Time.writeISO8601(recv, to: &bytes); s("\",\"receive_ts_ns\":"); i(recv)
        }
    }
}
