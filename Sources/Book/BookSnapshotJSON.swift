import MarketData

extension BookSnapshot {
    /// One JSON object (for `mdt book --json`):
    /// `{"symbol":"@ESM26","ts":"2026-...Z","ts_ns":...,"bids":[{"price":5000.25,"size":12,"orders":3},...],"asks":[...]}`.
    /// Prices are exact decimal JSON numbers (see `JSONEventEncoder`); levels best first. `symbol` is null when unknown.
    public func appendJSON(to out: inout [UInt8]) {
        out.append(contentsOf: "{\"symbol\":".utf8)
        if let symbol { JSONEventEncoder.appendJSONString(symbol.text, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: ",\"ts\":\"".utf8)
        Time.writeISO8601(eventTime, to: &out)
        out.append(contentsOf: "\",\"ts_ns\":\(eventTime)".utf8)
        for (name, levels) in [("bids", bids), ("asks", asks)] {
            out.append(contentsOf: ",\"\(name)\":[".utf8)
            for (i, l) in levels.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: "{\"price\":".utf8)
                l.price.write(to: &out)
                out.append(contentsOf: ",\"size\":\(l.size),\"orders\":\(l.orderCount)}".utf8)
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "}"))
    }

    public var json: String {
        var out: [UInt8] = []
        appendJSON(to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
