/// CSV lines (RFC 4180 quoting) with the `MarketSchema` columns of each table, for
/// `replay --to stdout --format csv`. Times are ISO-8601 UTC with 9 fraction digits, prices exact
/// decimal text, enums by name. Each call appends one line ending in `\n` to a caller-owned buffer.
public enum CSVEventWriter {
    /// The header line of a table: its column names.
    public static func appendHeader(_ table: MarketTable, to out: inout [UInt8]) {
        for (i, c) in MarketSchema.columns(table).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: c.name.utf8)
        }
        out.append(UInt8(ascii: "\n"))
    }

    public static func header(_ table: MarketTable) -> String {
        var out: [UInt8] = []
        appendHeader(table, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public static func appendRow(_ t: Trade, to out: inout [UInt8]) {
        head(t.symbol, t.eventTime, t.receiveTime, t.seq, &out)
        price(t.price, &out); uint(UInt64(t.size), &out); uint(t.totalVolume, &out)
        price(t.bid, &out); price(t.ask, &out); uint(t.tickID, &out)
        out.append(UInt8(ascii: ",")); out.append(RowBinaryEncoder.basisCode(t.basis))
        uint(UInt64(t.marketCenter), &out); uint(UInt64(t.conditions), &out); uint(UInt64(t.aggressor), &out)
        out.append(UInt8(ascii: "\n"))
    }

    public static func appendRow(_ q: Quote, to out: inout [UInt8]) {
        head(q.symbol, q.eventTime, q.receiveTime, q.seq, &out)
        price(q.bid, &out); uint(UInt64(q.bidSize), &out); price(q.ask, &out); uint(UInt64(q.askSize), &out)
        price(q.last, &out); uint(q.totalVolume, &out)
        out.append(UInt8(ascii: "\n"))
    }

    public static func appendRow(_ b: BookUpdate, to out: inout [UInt8]) {
        head(b.symbol, b.eventTime, b.receiveTime, b.seq, &out)
        out.append(UInt8(ascii: ",")); JSONEventEncoder.raw(JSONEventEncoder.actionName(b.action), &out)
        out.append(contentsOf: (b.side == .bid ? ",bid" : ",ask").utf8)
        price(b.price, &out); uint(UInt64(b.size), &out); uint(b.orderID, &out)
        out.append(UInt8(ascii: ",")); field(BookUpdate.mmidText(b.mmid), &out)
        uint(UInt64(b.orderCount), &out); uint(b.priority, &out)
        out.append(UInt8(ascii: "\n"))
    }

    public static func appendRow(_ b: Bar, to out: inout [UInt8]) {
        field(b.symbol.text, &out)
        out.append(UInt8(ascii: ",")); JSONEventEncoder.int(Int64(b.kind.storedInterval), &out)
        time(b.time, &out); time(b.receiveTime, &out)
        price(b.open, &out); price(b.high, &out); price(b.low, &out); price(b.close, &out)
        uint(b.periodVolume, &out); uint(b.totalVolume, &out); uint(UInt64(b.trades), &out); uint(b.openInterest, &out)
        out.append(UInt8(ascii: "\n"))
    }

    public static func appendRow(_ m: MetricSample, to out: inout [UInt8]) {
        Time.writeISO8601(m.time, to: &out)
        out.append(UInt8(ascii: ",")); field(m.process, &out)
        out.append(UInt8(ascii: ",")); field(m.name, &out)
        out.append(UInt8(ascii: ",")); out.append(contentsOf: "\(m.value)".utf8)
        out.append(UInt8(ascii: ",")); field(m.labels, &out)
        out.append(UInt8(ascii: "\n"))
    }

    public static func appendRow(_ e: MarketEvent, to out: inout [UInt8]) {
        switch e {
        case .trade(let t): appendRow(t, to: &out)
        case .quote(let q): appendRow(q, to: &out)
        case .book(let b): appendRow(b, to: &out)
        case .bar(let b): appendRow(b, to: &out)
        }
    }

    // MARK: pieces

    static func head(_ s: Symbol, _ ts: Nanos, _ recv: Nanos, _ seq: UInt64, _ out: inout [UInt8]) {
        field(s.text, &out); time(ts, &out); time(recv, &out); uint(seq, &out)
    }

    @inline(__always) static func time(_ t: Nanos, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: ",")); Time.writeISO8601(t, to: &out)
    }

    @inline(__always) static func uint(_ v: UInt64, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: ",")); Price.appendDecimal(v, to: &out)
    }

    @inline(__always) static func price(_ p: Price, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: ",")); p.write(to: &out)
    }

    /// A text field, quoted (with `"` doubled) only when it holds `,`, `"`, CR or LF.
    static func field(_ s: String, _ out: inout [UInt8]) {
        var s = s
        s.withUTF8 { buf in
            let needsQuotes = buf.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
            if !needsQuotes { out.append(contentsOf: buf); return }
            out.append(UInt8(ascii: "\""))
            for b in buf {
                if b == UInt8(ascii: "\"") { out.append(b) }
                out.append(b)
            }
            out.append(UInt8(ascii: "\""))
        }
    }
}
