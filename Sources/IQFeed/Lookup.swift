import MarketData

/// What a lookup request returns, so its rows can be parsed (rows carry no symbol or type).
public enum LookupKind: Sendable, Equatable {
    /// HTX/HTD/HTT tick rows.
    case ticks
    /// HIX/HID/HIT interval rows; `kind` labels the bars (`.seconds(n)`; volume/tick bars use `.seconds(0)`).
    case intervals(BarKind)
    /// HDX/HDT (`.daily`), HWX (`.weekly`), HMX (`.monthly`).
    case calendar(BarKind)
    /// SBF, SBS (`sic`), SBN (`naics`).
    case symbolSearch(code: Bool)
    /// SLM/SST/STC/SSC/SNC and anything else: rows as text fields.
    case table
    /// CFU/CFS/CFO/CEO.
    case chain
}

/// A lookup server error (`E,<text>` on the lookup port).
public enum LookupServerError: Sendable, Equatable, CustomStringConvertible {
    /// `E,Too many simultaneous history requests`: retry after a pause.
    case rateLimited(String)
    case invalidSymbol(String)
    case invalidParameters(String)
    case unauthorized(String)
    case syntaxError(String)
    case other(String)

    public static func classify(_ text: String) -> LookupServerError {
        if text.hasPrefix("Too many simultaneous") { return .rateLimited(text) }
        if text.hasPrefix("Invalid symbol") { return .invalidSymbol(text) }
        if text.hasPrefix("Invalid number of parameters") || text.hasPrefix("Invalid") { return .invalidParameters(text) }
        if text.hasPrefix("Unauthorized") { return .unauthorized(text) }
        if text.hasPrefix("!SYNTAX_ERROR!") { return .syntaxError(text) }
        return .other(text)
    }

    public var isRetryable: Bool { if case .rateLimited = self { return true }; return false }

    public var description: String {
        switch self {
        case .rateLimited(let t): "IQFeed lookup rate limit: \(t) (retry later)"
        case .invalidSymbol(let t): "IQFeed lookup: \(t)"
        case .invalidParameters(let t): "IQFeed lookup rejected the request: \(t)"
        case .unauthorized(let t): "IQFeed lookup: \(t) (no permission for this data)"
        case .syntaxError(let t): "IQFeed lookup: syntax error in request (\(t))"
        case .other(let t): "IQFeed lookup error: \(t)"
        }
    }
}

/// SBF/SBS/SBN row.
public struct SymbolSearchRow: Sendable, Equatable {
    /// SIC or NAICS code for SBS/SBN; empty for SBF.
    public var code: String
    public var symbol: String
    public var listedMarket: Int?
    public var securityType: Int?
    /// Free text (may contain commas).
    public var description: String
}

public enum LookupLine: Sendable, Equatable {
    case tick(Trade)
    case bar(Bar)
    case symbol(SymbolSearchRow)
    /// Table, chain and other rows as text fields.
    case fields([String])
    /// `!ENDMSG!`: the reply is complete.
    case end
    /// `E,!NO_DATA!`: an empty result (not an error).
    case noData
    case error(LookupServerError)
}

/// Parses the reply lines of one lookup request, in any of the 6.0/6.1/6.2/legacy shapes:
/// with or without `<RequestID>,`, with or without the `LH`/`LS`/`LC`/`LM` tag.
public struct LookupReplyParser: Sendable {
    public let kind: LookupKind
    public let symbol: Symbol
    /// The request id sent (lines starting with it have it stripped); nil = detect by shape.
    public let requestID: [UInt8]?
    public var counters = ParseCounters()
    @usableFromInline var clock = EasternClock()
    /// `<RequestID>,LH,`: the start of every data row of a 6.x reply (empty without a request id).
    @usableFromInline let dataPrefix: [UInt8]
    /// Tick rows may take `fastTickRow`: a tick reply with a request id free of commas (so `dataPrefix` ends
    /// exactly where the general path's cursor would be after skipping the id and the tag).
    @usableFromInline let fastTicks: Bool
    /// Off in tests to run the general path alone.
    @usableFromInline var fastPathEnabled = true
    @usableFromInline var rowDate = TickRowDate()
    /// `dataPrefix` (8 to 16 bytes) as two little-endian words: its first 8 bytes, and its last 8 bytes
    /// (overlapping); `prefixWords` false for other lengths.
    @usableFromInline let prefixHead: UInt64
    @usableFromInline let prefixTail: UInt64
    @usableFromInline let prefixWords: Bool

    public init(kind: LookupKind, symbol: Symbol, requestID: String? = nil) {
        self.kind = kind; self.symbol = symbol
        self.requestID = requestID.map { Array($0.utf8) }
        if let id = requestID, !id.isEmpty { dataPrefix = Array(id.utf8) + Array(",LH,".utf8) } else { dataPrefix = [] }
        fastTicks = kind == .ticks && !dataPrefix.isEmpty && !(requestID ?? "").utf8.contains(UInt8(ascii: ","))
        let n = dataPrefix.count
        prefixWords = n >= 8 && n <= 16
        var head: UInt64 = 0, tail: UInt64 = 0
        if prefixWords {
            for k in 0..<8 { head |= UInt64(dataPrefix[k]) << UInt64(8 * k); tail |= UInt64(dataPrefix[n - 8 + k]) << UInt64(8 * k) }
        }
        prefixHead = head; prefixTail = tail
    }

    /// True when `line` starts with `dataPrefix` (a data row: no control, error or tag checks needed).
    @inlinable
    func isDataRow(_ line: UnsafeRawBufferPointer) -> Bool {
        let n = dataPrefix.count
        guard n > 0, line.count > n else { return false }
        if prefixWords, let b = line.baseAddress {
            // Two (overlapping) 8-byte compares instead of a byte loop.
            return Scan.word(b) == prefixHead && Scan.word(b + (n &- 8)) == prefixTail
        }
        return dataPrefix.withUnsafeBytes { p in
            guard let a = p.baseAddress, let b = line.baseAddress else { return false }
            var i = 0
            while i < n {
                if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
                i &+= 1
            }
            return true
        }
    }

    @inlinable
    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos = 0) throws(IQFeedParseError) -> LookupLine {
        do {
            let m = try parseUncounted(line, receiveTime: receiveTime)
            counters.parsed &+= 1
            return m
        } catch {
            counters.failed &+= 1
            throw error
        }
    }

    static func isTag(_ f: UnsafeRawBufferPointer) -> Bool {
        f.count == 2 && f[0] == UInt8(ascii: "L") && (f[1] == UInt8(ascii: "H") || f[1] == UInt8(ascii: "S") || f[1] == UInt8(ascii: "C") || f[1] == UInt8(ascii: "M"))
    }

    static func looksLikeDate(_ f: UnsafeRawBufferPointer) -> Bool { Scan.isoDate(f) != nil }

    /// True when this line (possibly with an unknown id) starts with the expected request id.
    public func hasRequestID(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let id = requestID else { return true }
        var c = FieldCursor(line)
        guard let f = c.next(), f.count == id.count else { return false }
        return id.withUnsafeBytes { f.elementsEqual($0) }
    }

    @usableFromInline
    mutating func parseUncounted(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> LookupLine {
        if isDataRow(line) {
            if fastTicks && fastPathEnabled, let r = fastTickRow(line, at: dataPrefix.count) { return .tick(Trade(symbol: symbol, row: r)) }
            // `<id>,LH,<row>`: the same as the general path below takes for it, without the probing.
            var d = FieldCursor(line, messageType: "lookup")
            d.skip(2)
            return try data(&d)
        }
        var c = FieldCursor(line, messageType: "lookup")
        if line.isEmpty { throw IQFeedParseError(messageType: "lookup", field: "line", index: 0, reason: .emptyLine) }
        if let id = requestID, hasRequestID(line), !id.isEmpty { c.skip() }
        var probe = c
        guard let f0 = probe.next() else { throw c.error("line", .missingField, index: 0) }
        if let l = try control(f0, &probe) { return l }
        if Self.isTag(f0) { c = probe } else if requestID == nil {
            // Unknown prefix: a request id precedes end/error/tag/data.
            var p2 = probe
            if let f1 = p2.next() {
                if Scan.equals(f1, "!ENDMSG!") { return .end }
                let historyKind: Bool = switch kind { case .ticks, .intervals, .calendar: true; default: false }
                if Scan.equals(f1, "E") && !(historyKind && Self.looksLikeDate(f0)) && !isSymbolData(p2) {
                    return errorLine(&p2)
                }
                if Self.isTag(f1) { c = p2 } else if historyKind && !Self.looksLikeDate(f0) && Self.looksLikeDate(f1) { c = probe }
            }
        }
        return try data(&c)
    }

    /// `!ENDMSG!` or `E,...` at the current position.
    @usableFromInline
    func control(_ f0: UnsafeRawBufferPointer, _ c: inout FieldCursor) throws(IQFeedParseError) -> LookupLine? {
        if Scan.equals(f0, "!ENDMSG!") { return .end }
        if Scan.equals(f0, "E") && !isSymbolData(c) { return errorLine(&c) }
        return nil
    }

    /// Symbol-search rows may start with the symbol `E` (`E,7,1,ENI,`): digits follow, not text.
    func isSymbolData(_ c: FieldCursor) -> Bool {
        guard case .symbolSearch = kind else { return false }
        var p = c
        guard let f = p.next() else { return false }
        return Scan.uint64(f) != nil && p.remainingCount() >= 2
    }

    func errorLine(_ c: inout FieldCursor) -> LookupLine {
        let text = Scan.string(c.rest())
        if text.hasPrefix("!NO_DATA!") { return .noData }
        var t = Substring(text)
        while t.hasSuffix(",") { t = t.dropLast() }
        return .error(LookupServerError.classify(String(t)))
    }

    @usableFromInline
    mutating func data(_ c: inout FieldCursor) throws(IQFeedParseError) -> LookupLine {
        switch kind {
        case .ticks: return .tick(try tickRow(&c))
        case .intervals(let k): return .bar(try intervalRow(&c, k))
        case .calendar(let k): return .bar(try calendarRow(&c, k))
        case .symbolSearch(let code):
            c.messageType = "symbol search row"
            let cd = code ? Scan.string(try c.field("Code")) : ""
            let sym = Scan.string(try c.field("Symbol"))
            let lm = Scan.int(try c.field("Listed Market"))
            let st = Scan.int(try c.field("Security Type"))
            return .symbol(SymbolSearchRow(code: cd, symbol: sym, listedMarket: lm, securityType: st, description: Scan.string(c.rest())))
        case .table, .chain:
            var out: [String] = []
            while let f = c.next() { out.append(Scan.string(f)) }
            return .fields(out)
        }
    }

    @usableFromInline
    mutating func timestamp(_ c: inout FieldCursor, _ name: String) throws(IQFeedParseError) -> Nanos {
        let f = try c.field(name)
        guard let t = clock.isoDateTime(f) else { throw c.error(name, .badTime) }
        return t
    }

    @usableFromInline
    mutating func tickRow(_ c: inout FieldCursor) throws(IQFeedParseError) -> Trade {
        c.messageType = "history tick row"
        let t = try timestamp(&c, "Timestamp")
        guard let last = try c.price("Last") else { throw c.error("Last", .emptyField) }
        let size = try c.size("Last Size") ?? 0
        let vol = try c.uint("Total Volume") ?? 0
        let bid = try c.price("Bid") ?? .zero
        let ask = try c.price("Ask") ?? .zero
        let tick = try c.uint("TickID") ?? 0
        let f = try c.field("Basis For Last")
        var basis: UInt8 = 0, mc: UInt64 = 0, cond: UInt32 = 0, aggr: UInt8 = 0
        if f.count == 1 && f[0] >= UInt8(ascii: "A") {
            basis = f[0]
            mc = try c.uint("Trade Market Center") ?? 0
            let cf = try c.field("Trade Conditions")
            guard let cv = Scan.conditions(cf) else { throw c.error("Trade Conditions", .badValue) }
            cond = cv
            if let af = c.next(), !af.isEmpty {
                guard let a = Scan.uint64(af), a <= 255 else { throw c.error("Trade Aggressor", .notAnInteger) }
                aggr = UInt8(a)
            }
        } else if Scan.uint64(f) != nil || f.isEmpty {
            // Legacy (no SET PROTOCOL): two numeric fields, then the basis letter.
            _ = try c.field("(legacy)")
            let bf = try c.field("Basis For Last")
            basis = bf.first ?? 0
        } else {
            throw c.error("Basis For Last", .badValue)
        }
        return Trade(symbol: symbol, eventTime: t, receiveTime: 0, price: last, size: size, totalVolume: vol, bid: bid, ask: ask,
                     tickID: tick, basis: basis, marketCenter: UInt16(truncatingIfNeeded: mc), conditions: cond, aggressor: aggr)
    }

    @usableFromInline
    mutating func intervalRow(_ c: inout FieldCursor, _ k: BarKind) throws(IQFeedParseError) -> Bar {
        c.messageType = "history interval row"
        let t = try timestamp(&c, "Timestamp")
        guard let h = try c.price("High"), let l = try c.price("Low"), let o = try c.price("Open"), let cl = try c.price("Close")
        else { throw c.error("High/Low/Open/Close", .emptyField) }
        let tv = try c.uint("Total Volume") ?? 0
        let pv = try c.uint("Period Volume") ?? 0
        var trades: UInt32 = 0
        if !c.atEnd { trades = try c.size("Number of Trades") ?? 0 }
        return Bar(symbol: symbol, time: t, kind: k, open: o, high: h, low: l, close: cl, periodVolume: pv, totalVolume: tv, trades: trades)
    }

    @usableFromInline
    mutating func calendarRow(_ c: inout FieldCursor, _ k: BarKind) throws(IQFeedParseError) -> Bar {
        c.messageType = "history daily row"
        let f = try c.field("Date")
        guard let d = Scan.isoDate(f) else { throw c.error("Date", .badDate) }
        let t = clock.utc(d, 0, 0)  // legacy rows carry a meaningless time: ignored
        guard let h = try c.price("High"), let l = try c.price("Low"), let o = try c.price("Open"), let cl = try c.price("Close")
        else { throw c.error("High/Low/Open/Close", .emptyField) }
        let pv = try c.uint("Period Volume") ?? 0
        let oi = try c.uint("Open Interest") ?? 0
        return Bar(symbol: symbol, time: t, kind: k, open: o, high: h, low: l, close: cl, periodVolume: pv, openInterest: oi)
    }
}

/// Derivative port (9400) messages.
public enum DerivativeMessage: Sendable, Equatable {
    public enum BarType: Sendable, Equatable { case history, update, complete }
    /// `BH` (backfill), `BU` (open bar update), `BC` (completed). `bar.kind` is the kind registered
    /// for the request id, else `.seconds(0)`. Columns are Open, High, Low, Last.
    case bar(BarType, requestID: String?, Bar)
    case timestamp(Nanos)
    case system(SystemMessage)
    case symbolNotFound(String)
    case error(String)
}

public struct DerivativeParser: Sendable {
    public var counters = ParseCounters()
    var kinds: [String: BarKind] = [:]
    var clock = EasternClock()

    public init() {}

    /// Labels bars of a `BW` request id with their kind.
    public mutating func register(requestID: String, kind: BarKind) { kinds[requestID] = kind }

    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos = 0) throws(IQFeedParseError) -> DerivativeMessage {
        do {
            let m = try parseUncounted(line)
            counters.parsed &+= 1
            return m
        } catch {
            counters.failed &+= 1
            throw error
        }
    }

    static func barType(_ f: UnsafeRawBufferPointer) -> DerivativeMessage.BarType? {
        if Scan.equals(f, "BH") { return .history }
        if Scan.equals(f, "BU") { return .update }
        if Scan.equals(f, "BC") { return .complete }
        return nil
    }

    mutating func parseUncounted(_ line: UnsafeRawBufferPointer) throws(IQFeedParseError) -> DerivativeMessage {
        var c = FieldCursor(line, messageType: "derivative")
        guard let f0 = c.next() else { throw IQFeedParseError(messageType: "derivative", field: "type", index: 0, reason: .emptyLine) }
        var requestID: String?
        var type = Self.barType(f0)
        if type == nil && !(f0.count == 1 && (f0[0] == UInt8(ascii: "S") || f0[0] == UInt8(ascii: "n") || f0[0] == UInt8(ascii: "E") || f0[0] == UInt8(ascii: "T"))) {
            var p = c
            if let f1 = p.next(), let t = Self.barType(f1) { requestID = Scan.string(f0); type = t; c = p }
        }
        if let type {
            c.messageType = "derivative bar"
            let sym = try c.symbol()
            let tf = try c.field("Timestamp")
            guard let t = clock.isoDateTime(tf) else { throw c.error("Timestamp", .badTime) }
            guard let o = try c.price("Open"), let h = try c.price("High"), let l = try c.price("Low"), let last = try c.price("Last")
            else { throw c.error("Open/High/Low/Last", .emptyField) }
            let cum = try c.uint("Cumulative Volume") ?? 0
            let iv = try c.uint("Interval Volume") ?? 0
            let n = c.atEnd ? 0 : (try c.size("Number of Trades") ?? 0)
            let kind = requestID.flatMap { kinds[$0] } ?? .seconds(0)
            return .bar(type, requestID: requestID, Bar(symbol: sym, time: t, kind: kind, open: o, high: h, low: l, close: last,
                                                        periodVolume: iv, totalVolume: cum, trades: n))
        }
        switch f0.first {
        case UInt8(ascii: "S") where f0.count == 1: return .system(try SystemParser.parse(line, clock: &clock))
        case UInt8(ascii: "n") where f0.count == 1: return .symbolNotFound(Scan.string(c.rest()))
        case UInt8(ascii: "E") where f0.count == 1: return .error(Scan.string(c.rest()))
        case UInt8(ascii: "T") where f0.count == 1:
            let f = try c.field("Timestamp")
            guard let v = clock.compactDateTime(f) else { throw c.error("Timestamp", .badTime) }
            return .timestamp(v)
        default:
            throw IQFeedParseError(messageType: "derivative", field: "type", index: 0, reason: .unknownMessageType).with(line: line)
        }
    }
}

/// Admin port (9300) lines: `S,STATS`, `S,CLIENTSTATS` and other system replies.
public enum AdminMessage: Sendable, Equatable {
    case system(SystemMessage)
    case timestamp(Nanos)
    case error(String)
}

public struct AdminParser: Sendable {
    public var counters = ParseCounters()
    var clock = EasternClock()
    public init() {}

    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos = 0) throws(IQFeedParseError) -> AdminMessage {
        do throws(IQFeedParseError) {
            var c = FieldCursor(line, messageType: "admin")
            let f0 = c.next() ?? UnsafeRawBufferPointer(start: nil, count: 0)
            let m: AdminMessage
            if Scan.equals(f0, "S") { m = .system(try SystemParser.parse(line, clock: &clock)) }
            else if Scan.equals(f0, "E") { m = .error(Scan.string(c.rest())) }
            else if Scan.equals(f0, "T") {
                let f = try c.field("Timestamp")
                guard let v = clock.compactDateTime(f) else { throw c.error("Timestamp", .badTime) }
                m = .timestamp(v)
            } else {
                throw IQFeedParseError(messageType: "admin", field: "type", index: 0, reason: line.isEmpty ? .emptyLine : .unknownMessageType).with(line: line)
            }
            counters.parsed &+= 1
            return m
        } catch {
            counters.failed &+= 1
            throw error
        }
    }
}
