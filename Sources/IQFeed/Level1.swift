import MarketData

/// One `Q` (update) or `P` (summary) line.
///
/// Mapping to MarketData (PROTOCOL.md §3.5):
/// - `trade` is set when Message Contents holds a trade letter (`C`, `E` or `O`) and the fieldset has
///   Most Recent Trade: price/size/time/market center/conditions come from the Most Recent Trade
///   fields, `basis` is the letter, `bid`/`ask`/`totalVolume` are the line's values, `tickID` and
///   `aggressor` are filled when those fields are selected. The event time is the Most Recent Trade
///   Time on the Most Recent Trade Date if selected, else on the date of the last `T` line (a trade
///   time more than 12 hours after that `T` time is put on the previous day, for lines straddling
///   Eastern midnight); with no time (empty or `99:99:99`) it is the receive time.
/// - `quote` is set when Message Contents holds `b` or `a` and the fieldset has Bid or Ask: the
///   line's current bid/ask and sizes (both sides, whichever changed), `last` = Most Recent Trade.
///   Its event time is the later of Bid Time/Ask Time if selected, else the trade time if the line
///   also carries a trade, else the receive time.
/// - A `P` summary is the full state at watch/refresh time: its `trade` repeats the last trade, so
///   collectors should treat `isSummary` lines as state, not as a new tick.
/// - With a fieldset lacking Message Contents, every line with Bid or Ask yields a `quote` (no trade).
/// - Lines with neither (e.g. only `v` or `ohlc`) still carry `open/high/low/close/totalVolume`.
public struct Level1Update: Sendable, Equatable {
    public var isSummary: Bool
    public var symbol: Symbol
    public var contents: MessageContents
    public var trade: Trade? {
        get { hasTrade ? tradeSlot : nil }
        set { if let newValue { tradeSlot = newValue; hasTrade = true } else { hasTrade = false } }
    }
    public var quote: Quote? {
        get { hasQuote ? quoteSlot : nil }
        set { if let newValue { quoteSlot = newValue; hasQuote = true } else { hasQuote = false } }
    }
    public var open: Price?
    public var high: Price?
    public var low: Price?
    public var close: Price?
    public var totalVolume: UInt64?

    // `trade` and `quote` are stored without an Optional, so the in-place parse overwrites a slot
    // instead of destroying and re-creating an optional payload (a generic, metadata-driven operation).
    // A slot is stale (and ignored) while its flag is false.
    @usableFromInline var tradeSlot: Trade
    @usableFromInline var quoteSlot: Quote
    @usableFromInline var hasTrade: Bool
    @usableFromInline var hasQuote: Bool

    @usableFromInline static let noTrade = Trade(symbol: Symbol(unchecked: ""), eventTime: 0, price: Price(raw: 0), size: 0)
    @usableFromInline static let noQuote = Quote(symbol: Symbol(unchecked: ""), eventTime: 0, bid: Price(raw: 0), bidSize: 0,
                                                 ask: Price(raw: 0), askSize: 0)

    /// An empty update (no symbol text, no trade, no quote): a slot for `Level1Parser.parse(_:receiveTime:into:)`.
    public init() {
        isSummary = false; symbol = Symbol(unchecked: ""); contents = []
        tradeSlot = Level1Update.noTrade; quoteSlot = Level1Update.noQuote
        hasTrade = false; hasQuote = false
    }

    public init(isSummary: Bool, symbol: Symbol, contents: MessageContents, trade: Trade?, quote: Quote?,
                open: Price?, high: Price?, low: Price?, close: Price?, totalVolume: UInt64?) {
        self.isSummary = isSummary; self.symbol = symbol; self.contents = contents
        tradeSlot = trade ?? Level1Update.noTrade; hasTrade = trade != nil
        quoteSlot = quote ?? Level1Update.noQuote; hasQuote = quote != nil
        self.open = open; self.high = high; self.low = low; self.close = close; self.totalVolume = totalVolume
    }

    public static func == (a: Level1Update, b: Level1Update) -> Bool {
        a.isSummary == b.isSummary && a.symbol == b.symbol && a.contents == b.contents && a.trade == b.trade
            && a.quote == b.quote && a.open == b.open && a.high == b.high && a.low == b.low && a.close == b.close
            && a.totalVolume == b.totalVolume
    }
}

/// `F` fundamentals: the fields an operator needs; the rest are skipped.
public struct Fundamental: Sendable, Equatable {
    public var symbol: Symbol
    public var exchangeID: String
    public var companyName: String
    public var securityType: Int?
    public var listedMarket: Int?
    public var precision: Int?
    /// Number of fields after `F` (57 in 6.1/6.2).
    public var fieldCount: Int
}

/// `R` regional quote.
public struct RegionalQuote: Sendable, Equatable {
    public var symbol: Symbol
    public var bid: Price?
    public var bidSize: UInt32?
    public var bidTime: Nanos?
    public var ask: Price?
    public var askSize: UInt32?
    public var askTime: Nanos?
    public var marketCenter: UInt16?
}

/// `N` streaming news headline.
public struct NewsHeadline: Sendable, Equatable {
    public var distributor: String
    public var storyID: String
    /// Symbols from the colon-delimited list (empty entries dropped).
    public var symbols: [String]
    public var time: Nanos?
    public var headline: String
}

/// `C` trade correction (6.2), either layout (§3.11).
public struct TradeCorrection: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case insert, delete, other(UInt8) }
    public var kind: Kind
    /// Price, size, tickID, conditions, market center; `basis` is the trade type letter (0 if none);
    /// event time from the trade date/time (receive time when both are empty).
    public var trade: Trade
    /// True when the 10-field layout (with a trade-type letter) was seen.
    public var hasTradeType: Bool
}

public enum Level1Message: Sendable, Equatable {
    case update(Level1Update)
    indirect case fundamental(Fundamental)
    indirect case regional(RegionalQuote)
    indirect case news(NewsHeadline)
    indirect case correction(TradeCorrection)
    case timestamp(Nanos)
    case system(SystemMessage)
    case symbolNotFound(String)
    case error(String)
}

/// Parses Level 1 (port 5009) lines. Tracks the update fieldset from `S,CURRENT UPDATE FIELDNAMES`
/// and the Eastern trading date from `T` lines. Not thread-safe: one per connection.
public struct Level1Parser: Sendable {
    public private(set) var fieldSet: [Level1Field] = Level1Field.defaultSet
    /// False when the fieldset lacks Message Contents: then any line with Bid/Ask yields a `Quote`.
    @usableFromInline var hasContentsField = true
    /// True while `fieldSet` is the default set: `Q`/`P` lines try the straight-line parse first.
    @usableFromInline var isDefaultFieldSet = true
    public var counters = ParseCounters()
    @usableFromInline var clock = EasternClock()
    @usableFromInline var date: (Int, Int, Int)
    @usableFromInline var lastTSecond = -1
    /// Symbols of recent `Q`/`P` lines (fast path), so a repeated symbol does not build a String.
    @usableFromInline var symbols = Level1SymbolCache()
    /// The price shapes the fast path guesses from (see `PriceShape`).
    @usableFromInline let priceShapes = PriceShape.table

    /// `now` (UTC ns) seeds the Eastern trading date used until the first `T` line.
    public init(now: Nanos = 0) {
        if now == 0 { date = (1970, 1, 1) } else {
            let l = Eastern.local(now)
            date = (l.year, l.month, l.day)
        }
    }

    /// Sets the fieldset (as announced by `S,CURRENT UPDATE FIELDNAMES`).
    public mutating func setFieldNames(_ names: [String]) {
        let set = names.map(Level1Field.init(wireName:))
        fieldSet = set.isEmpty ? Level1Field.defaultSet : set
        hasContentsField = fieldSet.contains(.messageContents)
        isDefaultFieldSet = fieldSet == Level1Field.defaultSet
    }

    /// The Eastern date L1 times are placed on.
    public var tradingDate: (year: Int, month: Int, day: Int) { date }

    /// Parses one line (without terminator). Counts it as parsed or failed.
    @inlinable
    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> Level1Message {
        // Counted before parsing and taken back on failure, so the (large) result goes straight to the
        // caller instead of through a local copy.
        counters.parsed &+= 1
        do {
            return try parseUncounted(line, receiveTime: receiveTime)
        } catch {
            counters.parsed &-= 1
            counters.failed &+= 1
            throw error
        }
    }

    /// Parses one line (without terminator) in place: for a `Q`/`P` update the result is written into
    /// `update` and nil is returned (no ~300-byte `Level1Message` is built or copied); any other message is
    /// returned. Same values, errors and counters as `parse(_:receiveTime:)`; after a thrown error `update`
    /// is unspecified (still a valid value).
    @inlinable
    public mutating func parse(_ line: UnsafeRawBufferPointer, receiveTime: Nanos, into update: inout Level1Update) throws(IQFeedParseError) -> Level1Message? {
        counters.parsed &+= 1
        if isDefaultFieldSet && line.count > 2 && line[1] == UInt8(ascii: ",") {
            let t = line[0]
            if t == UInt8(ascii: "Q") || t == UInt8(ascii: "P"),
               parseQPFast(line, summary: t == UInt8(ascii: "P"), receiveTime: receiveTime, into: &update) {
                return nil
            }
        }
        do {
            let m = try parseUncounted(line, receiveTime: receiveTime)
            if case .update(let u) = m { update = u; return nil }
            return m
        } catch {
            counters.parsed &-= 1
            counters.failed &+= 1
            throw error
        }
    }

    @usableFromInline
    mutating func parseUncounted(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> Level1Message {
        guard line.count > 0 else { throw IQFeedParseError(messageType: "L1", field: "type", index: 0, reason: .emptyLine) }
        let t = line[0]
        let second: UInt8 = line.count > 1 ? line[1] : UInt8(ascii: ",")
        if second != UInt8(ascii: ",") { return try unknown(line) }
        switch t {
        case UInt8(ascii: "Q"):
            return try parseQP(line, summary: false, receiveTime: receiveTime)
        case UInt8(ascii: "P"):
            return try parseQP(line, summary: true, receiveTime: receiveTime)
        case UInt8(ascii: "T"): return .timestamp(try parseTimestamp(line))
        case UInt8(ascii: "F"): return .fundamental(try parseFundamental(line))
        case UInt8(ascii: "R"): return .regional(try parseRegional(line))
        case UInt8(ascii: "N"): return .news(try parseNews(line))
        case UInt8(ascii: "C"): return .correction(try parseCorrection(line, receiveTime: receiveTime))
        case UInt8(ascii: "S"):
            let s = try SystemParser.parse(line, clock: &clock)
            if case .currentUpdateFieldNames(let names) = s { setFieldNames(names) }
            return .system(s)
        case UInt8(ascii: "n"):
            var c = FieldCursor(line, messageType: "n"); c.skip()
            return .symbolNotFound(Scan.string(c.rest()))
        case UInt8(ascii: "E"):
            var c = FieldCursor(line, messageType: "E"); c.skip()
            return .error(Scan.string(c.rest()))
        default: return try unknown(line)
        }
    }

    @usableFromInline
    func unknown(_ line: UnsafeRawBufferPointer) throws(IQFeedParseError) -> Level1Message {
        throw IQFeedParseError(messageType: "L1", field: "type", index: 0, reason: .unknownMessageType).with(line: line)
    }

    /// Places an L1 time of day on the current trading date (see `Level1Update`).
    @inlinable
    mutating func timeOnTradingDate(_ sod: Int, _ nanos: Int64) -> Nanos {
        if lastTSecond >= 0 && sod - lastTSecond > 12 * 3600 {
            let dn = Time.daysFromCivil(year: date.0, month: date.1, day: date.2) - 1
            let p = Time.civilFromDays(dn)
            return clock.utc((p.year, p.month, p.day), sod, nanos)
        }
        return clock.utc(date, sod, nanos)
    }

    @usableFromInline
    mutating func parseTimestamp(_ line: UnsafeRawBufferPointer) throws(IQFeedParseError) -> Nanos {
        var c = FieldCursor(line, messageType: "T"); c.skip()
        let f = try c.field("Timestamp")
        guard let t = clock.compactDateTime(f), let d = Scan.compactDate(f) else { throw c.error("Timestamp", .badTime) }
        date = d
        if case .value(let s, _) = Scan.timeOfDay(UnsafeRawBufferPointer(rebasing: f[9...])) { lastTSecond = s }
        return t
    }

    @usableFromInline
    mutating func parseUpdate(_ line: UnsafeRawBufferPointer, summary: Bool, receiveTime: Nanos) throws(IQFeedParseError) -> Level1Update {
        var c = FieldCursor(line, messageType: summary ? "P" : "Q")
        c.skip()
        var symbol: Symbol?
        var mrt: Price?, mrtSize: UInt32?, mrtTime: (Int, Int64)?, mrtMC: UInt64?, mrtCond: UInt32 = 0
        var mrtDate: (Int, Int, Int)?, aggressor: UInt8 = 0, tickID: UInt64 = 0
        var totalVolume: UInt64?, bid: Price?, bidSize: UInt32?, ask: Price?, askSize: UInt32?
        var open: Price?, high: Price?, low: Price?, close: Price?
        var bidTime: (Int, Int64)?, askTime: (Int, Int64)?
        var contents = MessageContents(), letter: UInt8 = 0
        var hasBidAsk = false
        for f in fieldSet {
            switch f {
            case .symbol: symbol = try c.symbol()
            case .mostRecentTrade: mrt = try c.price(f.wireName)
            case .mostRecentTradeSize: mrtSize = try c.size(f.wireName)
            case .mostRecentTradeTime: mrtTime = try c.timeOfDay(f.wireName)
            case .mostRecentTradeMarketCenter: mrtMC = try c.uint(f.wireName)
            case .mostRecentTradeConditions:
                let b = try c.field(f.wireName)
                guard let v = Scan.conditions(b) else { throw c.error(f.wireName, .badValue) }
                mrtCond = v
            case .mostRecentTradeDate:
                let b = try c.field(f.wireName)
                if !b.isEmpty {
                    guard let d = Scan.usDate(b) else { throw c.error(f.wireName, .badDate) }
                    mrtDate = d
                }
            case .mostRecentTradeAggressor: aggressor = UInt8(truncatingIfNeeded: try c.uint(f.wireName) ?? 0)
            case .tickID: tickID = try c.uint(f.wireName) ?? 0
            case .totalVolume: totalVolume = try c.uint(f.wireName)
            case .bid: bid = try c.price(f.wireName); hasBidAsk = true
            case .bidSize: bidSize = try c.size(f.wireName)
            case .ask: ask = try c.price(f.wireName); hasBidAsk = true
            case .askSize: askSize = try c.size(f.wireName)
            case .open: open = try c.price(f.wireName)
            case .high: high = try c.price(f.wireName)
            case .low: low = try c.price(f.wireName)
            case .close: close = try c.price(f.wireName)
            case .bidTime: bidTime = try c.timeOfDay(f.wireName)
            case .askTime: askTime = try c.timeOfDay(f.wireName)
            case .messageContents:
                let b = try c.field(f.wireName)
                (contents, letter) = MessageContents.parse(b)
            default: _ = try c.field(f.wireName)
            }
        }
        guard let sym = symbol else { throw c.error("Symbol", .missingField, index: 1) }
        var tradeTime: Nanos?
        if let (s, n) = mrtTime {
            if let d = mrtDate { tradeTime = clock.utc(d, s, n) } else { tradeTime = timeOnTradingDate(s, n) }
        }
        var trade: Trade?
        if letter != 0, let price = mrt {
            trade = Trade(symbol: sym, eventTime: tradeTime ?? receiveTime, receiveTime: receiveTime, price: price,
                          size: mrtSize ?? 0, totalVolume: totalVolume ?? 0, bid: bid ?? .zero, ask: ask ?? .zero,
                          tickID: tickID, basis: letter, marketCenter: UInt16(truncatingIfNeeded: mrtMC ?? 0),
                          conditions: mrtCond, aggressor: aggressor)
        }
        var quote: Quote?
        if hasBidAsk && (!hasContentsField || !contents.isDisjoint(with: [.bid, .ask])) {
            var qt: Nanos?
            if let (s, n) = bidTime { qt = timeOnTradingDate(s, n) }
            if let (s, n) = askTime { let a = timeOnTradingDate(s, n); qt = max(qt ?? a, a) }
            if qt == nil && trade != nil { qt = tradeTime }
            quote = Quote(symbol: sym, eventTime: qt ?? receiveTime, receiveTime: receiveTime, bid: bid ?? .zero,
                          bidSize: bidSize ?? 0, ask: ask ?? .zero, askSize: askSize ?? 0, last: mrt ?? .zero,
                          totalVolume: totalVolume ?? 0)
        }
        return Level1Update(isSummary: summary, symbol: sym, contents: contents, trade: trade, quote: quote,
                            open: open, high: high, low: low, close: close, totalVolume: totalVolume)
    }

    @usableFromInline
    mutating func parseFundamental(_ line: UnsafeRawBufferPointer) throws(IQFeedParseError) -> Fundamental {
        var c = FieldCursor(line, messageType: "F")
        let count = c.remainingCount() - 1
        c.skip()
        let sym = try c.symbol()
        let exch = Scan.string(try c.field("Exchange ID"))
        var name = "", secType: Int?, listed: Int?, precision: Int?
        // 6.1/6.2 layout positions (1-based after F): 18 Company Name, 31 Precision, 34 Security Type, 35 Listed Market.
        var i = 3
        while let f = c.next() {
            switch i {
            case 18: name = Scan.string(f)
            case 31: precision = Scan.int(f)
            case 34: secType = Scan.int(f)
            case 35: listed = Scan.int(f)
            default: break
            }
            i += 1
        }
        return Fundamental(symbol: sym, exchangeID: exch, companyName: name, securityType: secType,
                           listedMarket: listed, precision: precision, fieldCount: count)
    }

    @usableFromInline
    mutating func parseRegional(_ line: UnsafeRawBufferPointer) throws(IQFeedParseError) -> RegionalQuote {
        var c = FieldCursor(line, messageType: "R"); c.skip()
        let sym = try c.symbol()
        _ = try c.field("Exchange")
        let bid = try c.price("Regional Bid")
        let bidSize = try c.size("Regional Bid Size")
        let bt = try c.timeOfDay("Regional Bid Time").map { timeOnTradingDate($0.0, $0.1) }
        let ask = try c.price("Regional Ask")
        let askSize = try c.size("Regional Ask Size")
        let at = try c.timeOfDay("Regional Ask Time").map { timeOnTradingDate($0.0, $0.1) }
        _ = try c.field("Fraction Display Code")
        _ = try c.field("Decimal Precision")
        let mc = try c.uint("Market Center")
        return RegionalQuote(symbol: sym, bid: bid, bidSize: bidSize, bidTime: bt, ask: ask, askSize: askSize, askTime: at,
                             marketCenter: mc.map { UInt16(truncatingIfNeeded: $0) })
    }

    @usableFromInline
    mutating func parseNews(_ line: UnsafeRawBufferPointer) throws(IQFeedParseError) -> NewsHeadline {
        var c = FieldCursor(line, messageType: "N"); c.skip()
        let dist = Scan.string(try c.field("Distributor"))
        let story = Scan.string(try c.field("Story ID"))
        let syms = Scan.string(try c.field("Symbols")).split(separator: ":").map(String.init)
        let tf = try c.field("Timestamp")
        var time: Nanos?
        if !tf.isEmpty {
            guard let t = clock.compactDateTime(tf) else { throw c.error("Timestamp", .badTime) }
            time = t
        }
        if c.atEnd { throw c.error("Headline", .missingField, index: 5) }
        return NewsHeadline(distributor: dist, storyID: story, symbols: syms, time: time, headline: Scan.string(c.rest()))
    }

    @usableFromInline
    mutating func parseCorrection(_ line: UnsafeRawBufferPointer, receiveTime: Nanos) throws(IQFeedParseError) -> TradeCorrection {
        var c = FieldCursor(line, messageType: "C"); c.skip()
        let sym = try c.symbol()
        let kf = try c.field("Correction Type")
        let kind: TradeCorrection.Kind = Scan.equals(kf, "I") ? .insert : Scan.equals(kf, "X") ? .delete
            : .other(kf.first ?? 0)
        // Layout detection: a C/E/O letter (or empty followed by a non-date) in field 3 means the 10-field layout.
        var probe = c
        let f3 = probe.next() ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let f4 = probe.next() ?? UnsafeRawBufferPointer(start: nil, count: 0)
        let isLetter = f3.count == 1 && (f3[0] == UInt8(ascii: "C") || f3[0] == UInt8(ascii: "E") || f3[0] == UInt8(ascii: "O"))
        let hasType = isLetter || (f3.isEmpty && Scan.usDate(f4) == nil)
        var basis: UInt8 = 0
        if hasType { basis = (try c.field("Trade Type")).first ?? 0 }
        let df = try c.field("Trade Date")
        var d: (Int, Int, Int)?
        if !df.isEmpty {
            guard let v = Scan.usDate(df) else { throw c.error("Trade Date", .badDate) }
            d = v
        }
        let tod = try c.timeOfDay("Trade Time")
        guard let price = try c.price("Price") else { throw c.error("Price", .emptyField) }
        let size = try c.size("Size") ?? 0
        let tick = try c.uint("TickID") ?? 0
        let cf = try c.field("Conditions")
        guard let cond = Scan.conditions(cf) else { throw c.error("Conditions", .badValue) }
        let mc = try c.uint("Market Center") ?? 0
        var t = receiveTime
        if let d {
            t = clock.utc(d, tod?.0 ?? 0, tod?.1 ?? 0)
        } else if let (s, n) = tod {
            t = timeOnTradingDate(s, n)
        }
        let trade = Trade(symbol: sym, eventTime: t, receiveTime: receiveTime, price: price, size: size, tickID: tick,
                          basis: basis, marketCenter: UInt16(truncatingIfNeeded: mc), conditions: cond)
        return TradeCorrection(kind: kind, trade: trade, hasTradeType: hasType)
    }
}
