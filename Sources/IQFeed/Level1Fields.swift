/// The selectable `Q`/`P` fields (protocol 6.1/6.2 `S,UPDATE FIELDNAMES`, server spelling).
/// Fields the parser does not interpret are still counted so positions stay right.
public enum Level1Field: UInt8, Sendable, CaseIterable {
    case symbol, exchangeID, last, change, percentChange, totalVolume, high, low, bid, ask, bidSize, askSize
    case tick, range, openInterest, open, close, spread, settle, delay, restrictedCode, netAssetValue
    case averageMaturity, sevenDayYield, extendedTradingChange, extendedTradingDifference, priceEarningsRatio
    case percentOffAverageVolume, bidChange, askChange, changeFromOpen, marketOpen, volatility, marketCapitalization
    case fractionDisplayCode, decimalPrecision, daysToExpiration, previousDayVolume, openRange1, closeRange1
    case openRange2, closeRange2, numberOfTradesToday, vwap, tickID, financialStatusIndicator, settlementDate
    case bidMarketCenter, askMarketCenter, availableRegions, lastSize, lastTime, lastMarketCenter
    case mostRecentTrade, mostRecentTradeSize, mostRecentTradeTime, mostRecentTradeConditions
    case mostRecentTradeMarketCenter, extendedTrade, extendedTradeSize, extendedTradeTime, extendedTradeMarketCenter
    case messageContents, askTime, bidTime, lastDate, extendedTradeDate, mostRecentTradeDate
    case mostRecentTradeAggressor, mostRecentTradeDayCode
    /// A name this client does not know (kept so later positions stay right).
    case unknown

    /// Wire names in `CaseIterable` order (70 names; `unknown` last).
    public static let wireNames: [String] = [
        "Symbol", "Exchange ID", "Last", "Change", "Percent Change", "Total Volume", "High", "Low", "Bid", "Ask",
        "Bid Size", "Ask Size", "Tick", "Range", "Open Interest", "Open", "Close", "Spread", "Settle", "Delay",
        "Restricted Code", "Net Asset Value", "Average Maturity", "7 Day Yield", "Extended Trading Change",
        "Extended Trading Difference", "Price-Earnings Ratio", "Percent Off Average Volume", "Bid Change", "Ask Change",
        "Change From Open", "Market Open", "Volatility", "Market Capitalization", "Fraction Display Code",
        "Decimal Precision", "Days to Expiration", "Previous Day Volume", "Open Range 1", "Close Range 1",
        "Open Range 2", "Close Range 2", "Number of Trades Today", "VWAP", "TickID", "Financial Status Indicator",
        "Settlement Date", "Bid Market Center", "Ask Market Center", "Available Regions", "Last Size", "Last Time",
        "Last Market Center", "Most Recent Trade", "Most Recent Trade Size", "Most Recent Trade Time",
        "Most Recent Trade Conditions", "Most Recent Trade Market Center", "Extended Trade", "Extended Trade Size",
        "Extended Trade Time", "Extended Trade Market Center", "Message Contents", "Ask Time", "Bid Time", "Last Date",
        "Extended Trade Date", "Most Recent Trade Date", "Most Recent Trade Aggressor", "Most Recent Trade Day Code",
        "(unknown)",
    ]

    public var wireName: String { Level1Field.wireNames[Int(rawValue)] }

    static let byName: [String: Level1Field] = {
        var d: [String: Level1Field] = [:]
        for f in Level1Field.allCases where f != .unknown { d[f.wireName] = f }
        return d
    }()

    public init(wireName: String) { self = Level1Field.byName[wireName] ?? .unknown }

    /// The default 16-field set IQConnect announces after `S,SET PROTOCOL`.
    public static let defaultSet: [Level1Field] = [
        .symbol, .mostRecentTrade, .mostRecentTradeSize, .mostRecentTradeTime, .mostRecentTradeMarketCenter,
        .totalVolume, .bid, .bidSize, .ask, .askSize, .open, .high, .low, .close, .messageContents,
        .mostRecentTradeConditions,
    ]
}

/// Message Contents codes of a `Q`/`P` line.
public struct MessageContents: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let lastQualifiedTrade = MessageContents(rawValue: 1 << 0)  // C
    public static let extendedTrade = MessageContents(rawValue: 1 << 1)       // E
    public static let otherTrade = MessageContents(rawValue: 1 << 2)          // O
    public static let bid = MessageContents(rawValue: 1 << 3)                 // b
    public static let ask = MessageContents(rawValue: 1 << 4)                 // a
    public static let open = MessageContents(rawValue: 1 << 5)                // o
    public static let high = MessageContents(rawValue: 1 << 6)                // h
    public static let low = MessageContents(rawValue: 1 << 7)                 // l
    public static let close = MessageContents(rawValue: 1 << 8)               // c
    public static let settlement = MessageContents(rawValue: 1 << 9)          // s
    public static let volume = MessageContents(rawValue: 1 << 10)             // v
    public static let trade: MessageContents = [.lastQualifiedTrade, .extendedTrade, .otherTrade]

    /// The flag of one code letter (0 for letters this version does not know).
    @inlinable @inline(__always)
    public static func bit(_ b: UInt8) -> UInt16 {
        switch b {
        case UInt8(ascii: "C"): 1
        case UInt8(ascii: "E"): 2
        case UInt8(ascii: "O"): 4
        case UInt8(ascii: "b"): 8
        case UInt8(ascii: "a"): 16
        case UInt8(ascii: "o"): 32
        case UInt8(ascii: "h"): 64
        case UInt8(ascii: "l"): 128
        case UInt8(ascii: "c"): 256
        case UInt8(ascii: "s"): 512
        case UInt8(ascii: "v"): 1024
        default: 0
        }
    }

    /// Parses the code letters; unknown letters are ignored (forward compatible).
    @inlinable
    public static func parse(_ f: UnsafeRawBufferPointer) -> (MessageContents, tradeLetter: UInt8) {
        var m: UInt16 = 0
        var letter: UInt8 = 0
        for b in f {
            m |= bit(b)
            if b == UInt8(ascii: "C") || b == UInt8(ascii: "E") || b == UInt8(ascii: "O") { letter = b }
        }
        return (MessageContents(rawValue: m), letter)
    }
}
