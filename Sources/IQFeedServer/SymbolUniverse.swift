import MarketData

/// Static, seed-derived parameters of one synthetic instrument. Everything here depends only on
/// (seed, symbol text), never on the rest of the universe, so history is stable when the list changes.
public struct Instrument: Sendable, Equatable {
    public let symbol: Symbol
    public let isFuture: Bool
    /// Tick size in Price raw units (1e-9): 0.01 for equities, 0.25 (or the root's tick) for futures.
    public let tick: Int64
    /// Base price in ticks (5..500 for equities).
    public let baseTicks: Int64
    /// Decimal places shown on the wire (4 for equities, 2 for futures), as IQFeed does.
    public let precision: Int
    /// Stable per-symbol hash mixed with the seed.
    public let key: UInt64
    /// Round lot (100 shares for equities, 1 contract for futures).
    public let lot: UInt32

    /// Price raw (1e-9) of a tick count.
    @inlinable public func price(_ ticks: Int64) -> Price { Price(raw: ticks &* tick) }

    public init(symbol: Symbol, seed: UInt64) {
        self.symbol = symbol
        let key = SplitMix64.mix(seed, SplitMix64.hash(symbol.text))
        self.key = key
        var g = SplitMix64(seed: key)
        if symbol.text.hasPrefix("@") {
            isFuture = true
            precision = 2
            lot = 1
            let root = Instrument.futureRoot(symbol.text)
            switch root {
            case "ES": tick = 250_000_000; baseTicks = Int64(5000 + g.below(800)) * 4
            case "NQ": tick = 250_000_000; baseTicks = Int64(18000 + g.below(3000)) * 4
            case "YM": tick = 1_000_000_000; baseTicks = Int64(40000 + g.below(4000))
            case "RTY": tick = 100_000_000; baseTicks = Int64(2000 + g.below(300)) * 10
            case "CL": tick = 10_000_000; baseTicks = Int64(60 + g.below(30)) * 100
            case "GC": tick = 100_000_000; baseTicks = Int64(1900 + g.below(700)) * 10
            default: tick = 250_000_000; baseTicks = Int64(100 + g.below(4000)) * 4
            }
        } else {
            isFuture = false
            precision = 4
            lot = 100
            tick = 10_000_000
            // Log-uniform-ish between $5 and $500.
            let dollars = 5 + (g.below(100) < 60 ? g.below(95) : g.below(496))
            baseTicks = Int64(dollars) * 100 + Int64(g.below(100))
        }
    }

    static func futureRoot(_ text: String) -> String {
        // "@ESZ26" -> "ES": strip '@' and the month letter + year digits.
        var body = Array(text.utf8.dropFirst())
        while let last = body.last, last >= 48 && last <= 57 { body.removeLast() }
        if !body.isEmpty { body.removeLast() }
        return String(decoding: body, as: UTF8.self)
    }
}

/// The symbol list of a synthetic market.
public struct SymbolUniverse: Sendable {
    public let instruments: [Instrument]
    let indexByText: [String: Int32]

    public var count: Int { instruments.count }

    /// The futures included in generated universes (front December 2026 contracts).
    public static let futureNames = ["@ESZ26", "@NQZ26", "@YMZ26", "@RTYZ26", "@CLZ26", "@GCZ26"]

    /// A generated universe of `count` symbols: a few futures (when count >= 8) plus equity tickers
    /// `AAA`, `AAB`, ... (3 letters, then 4 letters past 17,576).
    public init(seed: UInt64, count: Int) {
        let n = max(0, count)
        let futures = n >= 8 ? min(SymbolUniverse.futureNames.count, max(1, n / 50)) : 0
        var names: [String] = []
        names.reserveCapacity(n)
        for i in 0..<(n - futures) { names.append(SymbolUniverse.equityName(i)) }
        names.append(contentsOf: SymbolUniverse.futureNames.prefix(futures))
        self.init(seed: seed, symbols: names.map { Symbol(unchecked: $0) })
    }

    /// An explicit symbol list (duplicates dropped, order kept).
    public init(seed: UInt64, symbols: [Symbol]) {
        var list: [Instrument] = []
        var index: [String: Int32] = [:]
        list.reserveCapacity(symbols.count)
        for s in symbols where index[s.text] == nil {
            index[s.text] = Int32(list.count)
            list.append(Instrument(symbol: s, seed: seed))
        }
        instruments = list
        indexByText = index
    }

    /// Reads a symbol file: one symbol per line; blank lines and `#` comments ignored.
    public static func load(path: String, seed: UInt64) throws(SyntheticMarketError) -> SymbolUniverse {
        guard let text = readWholeFile(path) else { throw .cannotRead(path: path) }
        var symbols: [Symbol] = []
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = raw
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingASCIIWhitespace()
            if trimmed.isEmpty { continue }
            do { symbols.append(try Symbol(trimmed.uppercased())) } catch {
                throw .badSymbol(path: path, line: lineNo, reason: error.description)
            }
        }
        if symbols.isEmpty { throw .emptySymbolFile(path: path) }
        return SymbolUniverse(seed: seed, symbols: symbols)
    }

    /// Equity ticker number `i`: AAA, AAB, ..., ZZZ, then AAAA, ...
    public static func equityName(_ i: Int) -> String {
        var v = i
        let len = v < 17_576 ? 3 : 4
        if len == 4 { v -= 17_576 }
        var bytes = [UInt8](repeating: 65, count: len)
        var p = len - 1
        while p >= 0 { bytes[p] = UInt8(65 + v % 26); v /= 26; p -= 1 }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func index(of text: String) -> Int? { indexByText[text].map(Int.init) }
    public func index(of symbol: Symbol) -> Int? { index(of: symbol.text) }
    public subscript(_ i: Int) -> Instrument { instruments[i] }
}

public enum SyntheticMarketError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotRead(path: String)
    case badSymbol(path: String, line: Int, reason: String)
    case emptySymbolFile(path: String)

    public var description: String {
        switch self {
        case .cannotRead(let p): "cannot read symbol file \(p)"
        case .badSymbol(let p, let l, let r): "\(p):\(l): bad symbol: \(r)"
        case .emptySymbolFile(let p): "symbol file \(p) lists no symbols"
        }
    }
}

extension Substring {
    func trimmingASCIIWhitespace() -> String {
        var s = self[...]
        while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }
}
