import MarketData

/// Formats protocol 6.2 lookup (9100) history rows, byte for byte as IQConnect sends them
/// (without the line terminator). `requestID` empty means no prefix.
public enum LookupRows {
    /// Price decimals on the wire: 2 for futures (`@...`), 4 otherwise.
    public static func precision(_ symbol: Symbol) -> Int { symbol.text.hasPrefix("@") ? 2 : 4 }

    static func prefix(_ id: String, _ out: inout [UInt8]) {
        if !id.isEmpty { out.put(id); out.comma() }
    }

    /// `[id,]LH,YYYY-MM-DD HH:MM:SS.ffffff,Last,LastSize,TotalVolume,Bid,Ask,TickID,Basis,MarketCenter,Conditions,Aggressor,DayCode,`
    public static func writeTick(_ t: Trade, requestID: String, into out: inout [UInt8]) {
        let d = precision(t.symbol)
        var f = EasternFields()
        f.set(t.eventTime)
        prefix(requestID, &out)
        out.put("LH,"); out.putDashDate(f); out.append(32); out.putTimeMicros(f); out.comma()
        out.put(price: t.price, decimals: d); out.comma()
        out.put(uint: UInt64(t.size)); out.comma()
        out.put(uint: t.totalVolume); out.comma()
        out.put(price: t.bid, decimals: d); out.comma()
        out.put(price: t.ask, decimals: d); out.comma()
        out.put(uint: t.tickID); out.comma()
        out.append(t.basis); out.comma()
        out.put(uint: UInt64(t.marketCenter)); out.comma()
        writeConditions(t.conditions, &out); out.comma()
        out.put(uint: UInt64(t.aggressor)); out.comma()
        out.put(int: f.day); out.comma()
    }

    /// `[id,]LH,YYYY-MM-DD HH:MM:SS,High,Low,Open,Close,TotalVolume,PeriodVolume,NumberOfTrades,`
    public static func writeInterval(_ b: Bar, requestID: String, labelAtBeginning: Bool = false, into out: inout [UInt8]) {
        let d = precision(b.symbol)
        var f = EasternFields()
        var t = b.time
        if labelAtBeginning, case .seconds(let n) = b.kind { t -= Int64(n) * Time.nanosPerSecond }
        f.set(t)
        prefix(requestID, &out)
        out.put("LH,"); out.putDashDate(f); out.append(32); out.putTime(f); out.comma()
        out.put(price: b.high, decimals: d); out.comma()
        out.put(price: b.low, decimals: d); out.comma()
        out.put(price: b.open, decimals: d); out.comma()
        out.put(price: b.close, decimals: d); out.comma()
        out.put(uint: b.totalVolume); out.comma()
        out.put(uint: b.periodVolume); out.comma()
        out.put(uint: UInt64(b.trades)); out.comma()
    }

    /// `[id,]LH,YYYY-MM-DD,High,Low,Open,Close,PeriodVolume,OpenInterest,` (daily/weekly/monthly).
    public static func writeDaily(_ b: Bar, requestID: String, into out: inout [UInt8]) {
        let d = precision(b.symbol)
        var f = EasternFields()
        f.set(b.time + 12 * 3600 * Time.nanosPerSecond)
        prefix(requestID, &out)
        out.put("LH,"); out.putDashDate(f); out.comma()
        out.put(price: b.high, decimals: d); out.comma()
        out.put(price: b.low, decimals: d); out.comma()
        out.put(price: b.open, decimals: d); out.comma()
        out.put(price: b.close, decimals: d); out.comma()
        out.put(uint: b.periodVolume); out.comma()
        out.put(uint: b.openInterest); out.comma()
    }

    /// `[id,]!ENDMSG!,`
    public static func endLine(_ requestID: String) -> String { requestID.isEmpty ? "!ENDMSG!," : "\(requestID),!ENDMSG!," }

    /// `[id,]E,<text>,`
    public static func errorLine(_ requestID: String, _ text: String) -> String {
        requestID.isEmpty ? "E,\(text)," : "\(requestID),E,\(text),"
    }

    public static let noData = "!NO_DATA!"
    public static let invalidSymbol = "Invalid symbol."
    public static let tooManyRequests = "Too many simultaneous history requests."
    public static let syntaxError = "!SYNTAX_ERROR!"
    public static let badParameterCount = "Invalid number of parameters."

    static func writeConditions(_ c: UInt32, _ out: inout [UInt8]) {
        let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
        var shift = 24
        var started = false
        while shift >= 0 {
            let b = UInt8((c >> UInt32(shift)) & 0xFF)
            if b != 0 || started || shift == 0 { started = true; out.append(hex[Int(b >> 4)]); out.append(hex[Int(b & 15)]) }
            shift -= 8
        }
    }
}
