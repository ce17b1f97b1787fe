/// Level 1 update field names (protocol 6.1/6.2 `S,UPDATE FIELDNAMES`, server order) and field sets.
public enum L1Fields {
    /// All 70 selectable update fields, in the order IQConnect lists them.
    public static let all: [String] = [
        "Symbol", "Exchange ID", "Last", "Change", "Percent Change", "Total Volume", "High", "Low", "Bid", "Ask",
        "Bid Size", "Ask Size", "Tick", "Range", "Open Interest", "Open", "Close", "Spread", "Settle", "Delay",
        "Restricted Code", "Net Asset Value", "Average Maturity", "7 Day Yield", "Extended Trading Change",
        "Extended Trading Difference", "Price-Earnings Ratio", "Percent Off Average Volume", "Bid Change",
        "Ask Change", "Change From Open", "Market Open", "Volatility", "Market Capitalization",
        "Fraction Display Code", "Decimal Precision", "Days to Expiration", "Previous Day Volume", "Open Range 1",
        "Close Range 1", "Open Range 2", "Close Range 2", "Number of Trades Today", "VWAP", "TickID",
        "Financial Status Indicator", "Settlement Date", "Bid Market Center", "Ask Market Center",
        "Available Regions", "Last Size", "Last Time", "Last Market Center", "Most Recent Trade",
        "Most Recent Trade Size", "Most Recent Trade Time", "Most Recent Trade Conditions",
        "Most Recent Trade Market Center", "Extended Trade", "Extended Trade Size", "Extended Trade Time",
        "Extended Trade Market Center", "Message Contents", "Ask Time", "Bid Time", "Last Date",
        "Extended Trade Date", "Most Recent Trade Date", "Most Recent Trade Aggressor", "Most Recent Trade Day Code",
    ]

    /// The default fieldset announced after `S,SET PROTOCOL` (16 names).
    public static let defaultNames: [String] = [
        "Symbol", "Most Recent Trade", "Most Recent Trade Size", "Most Recent Trade Time",
        "Most Recent Trade Market Center", "Total Volume", "Bid", "Bid Size", "Ask", "Ask Size", "Open", "High",
        "Low", "Close", "Message Contents", "Most Recent Trade Conditions",
    ]

    /// The 57 fundamental field names (`S,FUNDAMENTAL FIELDNAMES`).
    public static let fundamentalNames: [String] = [
        "Symbol", "Exchange ID", "PE", "Average Volume", "52 Week High", "52 Week Low", "Calendar Year High",
        "Calendar Year Low", "Dividend Yield", "Dividend Amount", "Dividend Rate", "Pay Date", "Ex-dividend Date",
        "Current Year EPS", "Next Year EPS", "Five-year Growth Percentage", "Fiscal Year End", "Company Name",
        "Root Option Symbol", "Percent Held By Institutions", "Beta", "Leaps", "Current Assets",
        "Current Liabilities", "Balance Sheet Date", "Long-term Debt", "Common Shares Outstanding",
        "Split Factor 1", "Split Factor 2", "Format Code", "Precision", "SIC", "Historical Volatility",
        "Security Type", "Listed Market", "52 Week High Date", "52 Week Low Date", "Calendar Year High Date",
        "Calendar Year Low Date", "Year End Close", "Maturity Date", "Coupon Rate", "Expiration Date",
        "Strike Price", "NAICS", "Exchange Root", "Option Premium Multiplier", "Option Multiple Deliverable",
        "Session Open Time", "Session Close Time", "Base Currency", "Contract Size", "Contract Months",
        "Minimum Tick Size", "First Delivery Date", "FIGI", "Security SubType",
    ]

    static let indexByName: [String: UInt8] = {
        var d: [String: UInt8] = [:]
        for (i, n) in all.enumerated() { d[n.lowercased()] = UInt8(i) }
        return d
    }()

    public static func id(_ name: String) -> UInt8? { indexByName[name.lowercased()] }
}

/// The `Q`/`P` layout of one Level 1 socket: field ids into `L1Fields.all`; `Symbol` always first.
public struct L1FieldSet: Sendable, Equatable {
    public var ids: [UInt8]

    public static let `default` = L1FieldSet(ids: L1Fields.defaultNames.compactMap(L1Fields.id))

    /// Builds a field set from names (case-insensitive); `Symbol` is moved or inserted first.
    /// Returns the first unknown name on failure.
    public static func parse(_ names: [String]) -> Result<L1FieldSet, L1FieldError> {
        var ids: [UInt8] = [0]
        for raw in names {
            let name = raw.trimmingCharacters()
            if name.isEmpty { continue }
            guard let id = L1Fields.id(name) else { return .failure(L1FieldError(name: name)) }
            if id == 0 { continue }
            ids.append(id)
        }
        return .success(L1FieldSet(ids: ids))
    }

    public var names: [String] { ids.map { L1Fields.all[Int($0)] } }
}

public struct L1FieldError: Error, Sendable, Equatable {
    public let name: String
}

extension String {
    func trimmingCharacters() -> String {
        Substring(self).trimmingASCIIWhitespace()
    }
}
