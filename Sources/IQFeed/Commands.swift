import MarketData

/// A command argument was unsafe or invalid; nothing was sent.
public enum CommandError: Error, Sendable, Equatable, CustomStringConvertible {
    case badSymbol(String, SymbolError)
    case badArgument(name: String, value: String)

    public var description: String {
        switch self {
        case .badSymbol(let s, let e): "IQFeed command: bad symbol \"\(Self.printable(s))\": \(e)"
        case .badArgument(let n, let v): "IQFeed command: bad \(n) \"\(Self.printable(v))\" (no commas, spaces or control characters allowed)"
        }
    }

    static func printable(_ s: String) -> String {
        String(s.unicodeScalars.prefix(40).map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
    }
}

/// Eastern date/time for request parameters.
public struct EasternDateTime: Sendable, Equatable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year; self.month = month; self.day = day; self.hour = hour; self.minute = minute; self.second = second
    }
    /// The Eastern wall-clock time of a UTC instant.
    public init(utc: Nanos) {
        let l = Eastern.local(utc)
        self.init(year: l.year, month: l.month, day: l.day, hour: l.secondOfDay / 3600,
                  minute: (l.secondOfDay / 60) % 60, second: l.secondOfDay % 60)
    }
    static func pad(_ v: Int, _ n: Int) -> String {
        let s = String(v)
        return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
    }
    /// `CCYYMMDD`
    public var dateText: String { Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2) }
    /// `CCYYMMDD HHmmSS` (24-hour).
    public var dateTimeText: String { dateText + " " + Self.pad(hour, 2) + Self.pad(minute, 2) + Self.pad(second, 2) }
}

/// Time-of-day filter `HHmmSS` (24-hour, Eastern).
public struct FilterTime: Sendable, Equatable {
    public var hour: Int, minute: Int, second: Int
    public init(hour: Int, minute: Int = 0, second: Int = 0) { self.hour = hour; self.minute = minute; self.second = second }
    public var text: String { EasternDateTime.pad(hour, 2) + EasternDateTime.pad(minute, 2) + EasternDateTime.pad(second, 2) }
}

public enum DataDirection: Int, Sendable { case newestFirst = 0, oldestFirst = 1 }
public enum IntervalType: String, Sendable { case seconds = "s", volume = "v", ticks = "t" }

/// Builders for every client command of PROTOCOL.md. Each returns the full line including `\r\n`.
/// Symbols are validated (`Symbol` rules: printable ASCII, no comma, no whitespace) and free
/// arguments are checked, so a bad value can never inject a second command.
public enum IQFeedCommand {
    static let eol = "\r\n"

    static func sym(_ s: String) throws(CommandError) -> String {
        do { return try Symbol(s).text } catch { throw .badSymbol(s, error) }
    }

    /// Free argument: printable ASCII, no comma; spaces only when `allowSpace`.
    static func arg(_ name: String, _ v: String, allowSpace: Bool = false) throws(CommandError) -> String {
        for u in v.utf8 where u < 0x20 || u >= 0x7F || u == UInt8(ascii: ",") || (!allowSpace && u == 0x20) {
            throw .badArgument(name: name, value: v)
        }
        return v
    }

    static func opt(_ v: Int?) -> String { v.map(String.init) ?? "" }

    // MARK: common
    public static func setProtocol(_ version: String = "6.2") throws(CommandError) -> String {
        "S,SET PROTOCOL,\(try arg("protocol", version))" + eol
    }
    public static func setClientName(_ name: String) throws(CommandError) -> String { "S,SET CLIENT NAME,\(try arg("client name", name))" + eol }
    public static func connect() -> String { "S,CONNECT" + eol }
    public static func disconnect() -> String { "S,DISCONNECT" + eol }
    public static func requestTimestamp() -> String { "T" + eol }

    // MARK: Level 1
    /// `w<SYM>`: trades and quotes.
    public static func watch(_ s: String) throws(CommandError) -> String { "w" + (try sym(s)) + eol }
    /// `t<SYM>`: trades only.
    public static func watchTrades(_ s: String) throws(CommandError) -> String { "t" + (try sym(s)) + eol }
    /// `r<SYM>`: unwatch (also used on L2 by some clients).
    public static func unwatch(_ s: String) throws(CommandError) -> String { "r" + (try sym(s)) + eol }
    /// `f<SYM>`: force a refresh (F and P).
    public static func refresh(_ s: String) throws(CommandError) -> String { "f" + (try sym(s)) + eol }
    public static func selectUpdateFields(_ names: [String]) throws(CommandError) -> String {
        var list = names.filter { $0 != "Symbol" }
        list.insert("Symbol", at: 0)
        var out = "S,SELECT UPDATE FIELDS"
        for n in list { out += "," + (try arg("field name", n, allowSpace: true)) }
        return out + eol
    }
    public static func regionalOn(_ s: String) throws(CommandError) -> String { "S,REGON,\(try sym(s))" + eol }
    public static func regionalOff(_ s: String) throws(CommandError) -> String { "S,REGOFF,\(try sym(s))" + eol }
    public static func newsOn() -> String { "S,NEWSON" + eol }
    public static func newsOff() -> String { "S,NEWSOFF" + eol }
    public static func timestampsOn() -> String { "S,TIMESTAMPSON" + eol }
    public static func timestampsOff() -> String { "S,TIMESTAMPSOFF" + eol }
    public static func requestWatches() -> String { "S,REQUEST WATCHES" + eol }
    public static func unwatchAll() -> String { "S,UNWATCH ALL" + eol }
    public static func requestStats() -> String { "S,REQUEST STATS" + eol }
    public static func requestCurrentUpdateFieldNames() -> String { "S,REQUEST CURRENT UPDATE FIELDNAMES" + eol }
    public static func requestAllUpdateFieldNames() -> String { "S,REQUEST ALL UPDATE FIELDNAMES" + eol }
    public static func requestFundamentalFieldNames() -> String { "S,REQUEST FUNDAMENTAL FIELDNAMES" + eol }

    // MARK: Level 2 (6.2)
    public static func watchOrders(_ s: String) throws(CommandError) -> String { "WOR,\(try sym(s))" + eol }
    public static func removeOrders(_ s: String) throws(CommandError) -> String { "ROR,\(try sym(s))" + eol }
    public static func watchPriceLevels(_ s: String, maxLevels: Int? = nil) throws(CommandError) -> String {
        if let m = maxLevels { return "WPL,\(try sym(s)),\(m)" + eol }
        return "WPL,\(try sym(s))" + eol
    }
    public static func removePriceLevels(_ s: String) throws(CommandError) -> String { "RPL,\(try sym(s))" + eol }
    public static func marketMakerName(_ mmid: String) throws(CommandError) -> String { "m" + (try arg("MMID", mmid)) + eol }

    // MARK: Lookup history
    public static func ticks(_ s: String, maxDatapoints: Int?, direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HTX,\(try sym(s)),\(opt(maxDatapoints)),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }
    public static func ticksDays(_ s: String, days: Int, maxDatapoints: Int? = nil, beginFilter: FilterTime? = nil, endFilter: FilterTime? = nil,
                                 direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HTD,\(try sym(s)),\(days),\(opt(maxDatapoints)),\(beginFilter?.text ?? ""),\(endFilter?.text ?? ""),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }
    public static func ticksRange(_ s: String, begin: EasternDateTime?, end: EasternDateTime?, maxDatapoints: Int? = nil, beginFilter: FilterTime? = nil,
                                  endFilter: FilterTime? = nil, direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HTT,\(try sym(s)),\(begin?.dateTimeText ?? ""),\(end?.dateTimeText ?? ""),\(opt(maxDatapoints)),\(beginFilter?.text ?? ""),\(endFilter?.text ?? ""),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }
    public static func intervals(_ s: String, interval: Int, maxDatapoints: Int?, direction: DataDirection = .oldestFirst, requestID: String,
                                 datapointsPerSend: Int? = nil, type: IntervalType = .seconds, labelAtBeginning: Bool = false) throws(CommandError) -> String {
        "HIX,\(try sym(s)),\(interval),\(opt(maxDatapoints)),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend)),\(type.rawValue),\(labelAtBeginning ? 1 : 0)" + eol
    }
    public static func intervalsDays(_ s: String, interval: Int, days: Int, maxDatapoints: Int? = nil, beginFilter: FilterTime? = nil, endFilter: FilterTime? = nil,
                                     direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil, type: IntervalType = .seconds,
                                     labelAtBeginning: Bool = false) throws(CommandError) -> String {
        "HID,\(try sym(s)),\(interval),\(days),\(opt(maxDatapoints)),\(beginFilter?.text ?? ""),\(endFilter?.text ?? ""),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend)),\(type.rawValue),\(labelAtBeginning ? 1 : 0)" + eol
    }
    public static func intervalsRange(_ s: String, interval: Int, begin: EasternDateTime?, end: EasternDateTime?, maxDatapoints: Int? = nil,
                                      beginFilter: FilterTime? = nil, endFilter: FilterTime? = nil, direction: DataDirection = .oldestFirst,
                                      requestID: String, datapointsPerSend: Int? = nil, type: IntervalType = .seconds,
                                      labelAtBeginning: Bool = false) throws(CommandError) -> String {
        "HIT,\(try sym(s)),\(interval),\(begin?.dateTimeText ?? ""),\(end?.dateTimeText ?? ""),\(opt(maxDatapoints)),\(beginFilter?.text ?? ""),\(endFilter?.text ?? ""),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend)),\(type.rawValue),\(labelAtBeginning ? 1 : 0)" + eol
    }
    public static func daily(_ s: String, maxDatapoints: Int?, direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HDX,\(try sym(s)),\(opt(maxDatapoints)),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }
    public static func dailyRange(_ s: String, begin: EasternDateTime?, end: EasternDateTime?, maxDatapoints: Int? = nil, direction: DataDirection = .oldestFirst,
                                  requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HDT,\(try sym(s)),\(begin?.dateText ?? ""),\(end?.dateText ?? ""),\(opt(maxDatapoints)),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }
    public static func weekly(_ s: String, maxDatapoints: Int?, direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HWX,\(try sym(s)),\(opt(maxDatapoints)),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }
    public static func monthly(_ s: String, maxDatapoints: Int?, direction: DataDirection = .oldestFirst, requestID: String, datapointsPerSend: Int? = nil) throws(CommandError) -> String {
        "HMX,\(try sym(s)),\(opt(maxDatapoints)),\(direction.rawValue),\(try arg("request id", requestID)),\(opt(datapointsPerSend))" + eol
    }

    // MARK: Lookup symbols and tables
    public enum SearchField: String, Sendable { case symbol = "s", description = "d" }
    public enum SearchFilter: String, Sendable { case none = "", listedMarkets = "e", securityTypes = "t" }
    /// `SBF`; `filterValues` are IDs joined with spaces.
    public static func searchByFilter(field: SearchField, text: String, filter: SearchFilter = .none, filterValues: [Int] = [], requestID: String) throws(CommandError) -> String {
        "SBF,\(field.rawValue),\(try arg("search text", text, allowSpace: field == .description)),\(filter.rawValue),\(filterValues.map(String.init).joined(separator: " ")),\(try arg("request id", requestID))" + eol
    }
    public static func searchBySIC(_ prefix: String, requestID: String) throws(CommandError) -> String { "SBS,\(try arg("SIC prefix", prefix)),\(try arg("request id", requestID))" + eol }
    public static func searchByNAICS(_ prefix: String, requestID: String) throws(CommandError) -> String { "SBN,\(try arg("NAICS prefix", prefix)),\(try arg("request id", requestID))" + eol }
    public static func listedMarkets(requestID: String = "") throws(CommandError) -> String { "SLM,\(try arg("request id", requestID))" + eol }
    public static func securityTypes(requestID: String = "") throws(CommandError) -> String { "SST,\(try arg("request id", requestID))" + eol }
    public static func tradeConditions(requestID: String = "") throws(CommandError) -> String { "STC,\(try arg("request id", requestID))" + eol }
    public static func sicCodes(requestID: String = "") throws(CommandError) -> String { "SSC,\(try arg("request id", requestID))" + eol }
    public static func naicsCodes(requestID: String = "") throws(CommandError) -> String { "SNC,\(try arg("request id", requestID))" + eol }

    // MARK: Admin
    public static func clientStatsOn() -> String { "S,CLIENTSTATS ON" + eol }
    public static func clientStatsOff() -> String { "S,CLIENTSTATS OFF" + eol }
    public static func registerClientApp(productID: String, version: String) throws(CommandError) -> String {
        "S,REGISTER CLIENT APP,\(try arg("product id", productID)),\(try arg("product version", version))" + eol
    }

    // MARK: Derivative
    /// `BW`: at most one of `begin`, `maxDays`, `maxDatapoints` should be given.
    public static func watchBars(_ s: String, interval: Int, begin: EasternDateTime? = nil, maxDays: Int? = nil, maxDatapoints: Int? = nil,
                                 beginFilter: FilterTime? = nil, endFilter: FilterTime? = nil, requestID: String, type: IntervalType = .seconds,
                                 updateInterval: Int? = nil) throws(CommandError) -> String {
        "BW,\(try sym(s)),\(interval),\(begin?.dateTimeText ?? ""),\(opt(maxDays)),\(opt(maxDatapoints)),\(beginFilter?.text ?? ""),\(endFilter?.text ?? ""),\(try arg("request id", requestID)),\(type.rawValue),,\(opt(updateInterval))" + eol
    }
    public static func removeBars(_ s: String, requestID: String) throws(CommandError) -> String { "BR,\(try sym(s)),\(try arg("request id", requestID))," + eol }
}
