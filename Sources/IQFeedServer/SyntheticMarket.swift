import MarketData

/// A seeded synthetic market: a symbol universe, live Level 1 state per symbol, lazily created
/// Level 2 books, and (see `SyntheticMarket+History.swift`) deterministic history on demand.
///
/// Determinism: each symbol has its own PRNG stream, so the k-th update of a symbol is the same
/// whatever happened to other symbols; `next(time:)` picks symbols from a separate seeded stream.
/// Same seed + same calls = same events and the same bytes.
public struct SyntheticMarket: Sendable {
    public let seed: UInt64
    public let universe: SymbolUniverse
    public private(set) var states: [SymbolState]
    var books: [Int32: OrderBook] = [:]
    var chooser: SplitMix64
    var fields = EasternFields()
    public var history: HistoryConfiguration

    /// Listed-market ids used as trade market centers for equities (NASDAQ, NYSE, ARCA, NTRF, EDGX, ...).
    static let marketCenters: [UInt16] = [5, 7, 11, 19, 25, 26, 28, 80, 153, 187]

    public init(seed: UInt64, symbols count: Int = 300, history: HistoryConfiguration = .init()) {
        self.init(seed: seed, universe: SymbolUniverse(seed: seed, count: count), history: history)
    }

    public init(seed: UInt64, symbols list: [Symbol], history: HistoryConfiguration = .init()) {
        self.init(seed: seed, universe: SymbolUniverse(seed: seed, symbols: list), history: history)
    }

    public init(seed: UInt64, universe: SymbolUniverse, history: HistoryConfiguration = .init()) {
        self.seed = seed
        self.universe = universe
        self.history = history
        states = universe.instruments.map(SymbolState.init)
        chooser = SplitMix64(seed: SplitMix64.mix(seed, 0x43484F4F5345))
    }

    public var symbolCount: Int { universe.count }
    public func instrument(_ index: Int) -> Instrument { universe[index] }
    public func index(of symbol: Symbol) -> Int? { universe.index(of: symbol) }
    public func index(of text: String) -> Int? { universe.index(of: text) }

    // MARK: Level 1

    /// Advances symbol `index` by one Level 1 update (about 1 trade per 5 quotes) at `time`.
    public mutating func nextL1(_ index: Int, time: Nanos) -> L1Change {
        let inst = universe.instruments[index]
        return states.withUnsafeMutableBufferPointer { buf in
            SyntheticMarket.step(&buf[index], inst, time)
        }
    }

    static func step(_ s: inout SymbolState, _ inst: Instrument, _ time: Nanos) -> L1Change {
        s.updates &+= 1
        if s.rng.below(6) == 0 {
            // Trade at the bid or the ask.
            let atAsk = s.rng.below(2) == 0
            let price = atAsk ? s.ask : s.bid
            var size: UInt32
            if inst.isFuture {
                size = UInt32(1 + s.rng.below(20)); s.lastBasis = UInt8(ascii: "C"); s.lastConditions = 0x01
                s.lastAggressor = atAsk ? 1 : 2
                s.lastMarketCenter = 34
            } else {
                if s.rng.below(5) == 0 {
                    size = UInt32(1 + s.rng.below(99)); s.lastBasis = UInt8(ascii: "O"); s.lastConditions = 0x87
                } else {
                    size = inst.lot * UInt32(1 + s.rng.below(10)); s.lastBasis = UInt8(ascii: "C")
                    s.lastConditions = s.rng.below(20) == 0 ? 0x3D : 0x01
                }
                s.lastAggressor = 0
                s.lastMarketCenter = marketCenters[s.rng.below(marketCenters.count)]
            }
            s.last = price; s.lastSize = size; s.lastTime = time
            s.totalVolume &+= UInt64(size)
            s.tickID &+= 1
            s.tradesToday &+= 1
            if s.open == 0 { s.open = price; s.high = price; s.low = price }
            if price > s.high { s.high = price }
            if price < s.low { s.low = price }
            return .trade
        }
        let mode = s.rng.below(3)
        let r = s.rng.below(10)
        let move: Int64 = r < 3 ? -1 : (r < 6 ? 1 : 0)
        let spread = Int64(1 + s.rng.below(3))
        let floor = max(Int64(10), inst.baseTicks / 20)
        var bid = s.bid + move
        if bid < floor { bid = floor }
        let sizeBound = inst.isFuture ? 200 : 50
        switch mode {
        case 0:
            // Bid only: keep it below the ask.
            if bid >= s.ask { bid = s.ask - 1 }
            s.bid = bid; s.bidSize = inst.lot * UInt32(1 + s.rng.below(sizeBound)); s.bidTime = time
            return .bid
        case 1:
            var ask = s.ask + move
            if ask <= s.bid { ask = s.bid + 1 }
            s.ask = ask; s.askSize = inst.lot * UInt32(1 + s.rng.below(sizeBound)); s.askTime = time
            return .ask
        default:
            s.bid = bid; s.ask = bid + spread
            s.bidSize = inst.lot * UInt32(1 + s.rng.below(sizeBound))
            s.askSize = inst.lot * UInt32(1 + s.rng.below(sizeBound))
            s.bidTime = time; s.askTime = time
            return .bidAndAsk
        }
    }

    /// The latest trade of a symbol as a MarketData `Trade`.
    public func trade(_ index: Int) -> Trade {
        let s = states[index], inst = universe.instruments[index]
        return Trade(symbol: inst.symbol, eventTime: s.lastTime, price: inst.price(s.last), size: s.lastSize,
                     totalVolume: s.totalVolume, bid: inst.price(s.bid), ask: inst.price(s.ask), tickID: s.tickID,
                     basis: s.lastBasis, marketCenter: s.lastMarketCenter, conditions: s.lastConditions,
                     aggressor: s.lastAggressor)
    }

    /// The current top of book of a symbol as a MarketData `Quote`.
    public func quote(_ index: Int, time: Nanos) -> Quote {
        let s = states[index], inst = universe.instruments[index]
        return Quote(symbol: inst.symbol, eventTime: time, bid: inst.price(s.bid), bidSize: s.bidSize,
                     ask: inst.price(s.ask), askSize: s.askSize, last: inst.price(s.last), totalVolume: s.totalVolume)
    }

    /// One Level 1 update of a symbol chosen uniformly from the universe, as a MarketData event.
    public mutating func next(time: Nanos) -> MarketEvent {
        let i = chooser.below(universe.count)
        switch nextL1(i, time: time) {
        case .trade: return .trade(trade(i))
        default: return .quote(quote(i, time: time))
        }
    }

    // MARK: Level 2

    /// The symbol's order book, created on first use around its current bid/ask.
    public mutating func book(_ index: Int, time: Nanos) -> OrderBook {
        if let b = books[Int32(index)] { return b }
        let s = states[index]
        let b = OrderBook(universe.instruments[index], bid: s.bid, ask: s.ask, time: time)
        books[Int32(index)] = b
        return b
    }

    /// Advances the symbol's book by one add/update/delete.
    public mutating func nextL2(_ index: Int, time: Nanos) -> BookChange {
        _ = book(index, time: time)
        return books[Int32(index)]!.step(time: time)
    }

    /// A MarketData `BookUpdate` (market by order) for a change, as its wire row carries it
    /// (a delete row has no price, size or priority).
    public func bookUpdate(_ index: Int, _ c: BookChange) -> BookUpdate {
        let inst = universe.instruments[index]
        let del = c.action == .orderDelete
        return BookUpdate(symbol: inst.symbol, eventTime: c.order.time, action: c.action, side: c.order.side,
                          price: del ? .zero : inst.price(c.order.price), size: del ? 0 : c.order.size,
                          orderID: c.order.id, mmid: c.order.mmid, priority: del ? 0 : c.order.priority)
    }

    // MARK: Benchmark generator

    /// Appends `count` formatted Level 1 `Q` lines (default fieldset, LF-terminated) for symbols chosen
    /// uniformly from the universe to `out`. Times start at `time` and advance by `step` ns per line.
    /// Allocates nothing once `out` has grown to its working size.
    public mutating func fillLines(into out: inout [UInt8], count: Int, time: Nanos, step: Nanos = 1000) {
        var t = time
        for _ in 0..<count {
            let i = chooser.below(universe.count)
            let change = nextL1(i, time: t)
            writeL1(.update, index: i, change: change, fieldSet: .default, time: t, into: &out)
            out.append(10)
            t &+= step
        }
    }
}
