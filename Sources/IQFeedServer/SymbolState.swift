import MarketData

/// The live Level 1 state of one synthetic symbol (about 130 bytes; 20,000 symbols fit in ~3 MB).
/// Prices are in ticks of the instrument. Each symbol has its own PRNG, so its sequence of updates is
/// the same whatever other symbols do.
public struct SymbolState: Sendable {
    var rng: SplitMix64
    public internal(set) var bid: Int64
    public internal(set) var ask: Int64
    public internal(set) var bidSize: UInt32
    public internal(set) var askSize: UInt32
    public internal(set) var last: Int64
    public internal(set) var lastSize: UInt32
    /// 0 until the first synthetic trade (formatted as the previous close at 16:00:00).
    public internal(set) var lastTime: Nanos
    public internal(set) var lastMarketCenter: UInt16
    /// Hex-pair trade conditions packed big-endian (0x01 regular, 0x87 odd lot, 0x3D sweep).
    public internal(set) var lastConditions: UInt32
    public internal(set) var lastBasis: UInt8
    public internal(set) var lastAggressor: UInt8
    public internal(set) var totalVolume: UInt64
    /// 0 means "not yet" (formatted as an empty field).
    public internal(set) var open: Int64
    public internal(set) var high: Int64
    public internal(set) var low: Int64
    public internal(set) var prevClose: Int64
    public internal(set) var tickID: UInt64
    public internal(set) var tradesToday: UInt32
    public internal(set) var bidTime: Nanos
    public internal(set) var askTime: Nanos
    /// Updates generated so far for this symbol.
    public internal(set) var updates: UInt64

    init(_ inst: Instrument) {
        rng = SplitMix64(seed: inst.key ^ 0x4C31_4C31)
        let spread = Int64(1 + rng.below(3))
        prevClose = inst.baseTicks
        bid = inst.baseTicks - Int64(rng.below(3))
        ask = bid + spread
        bidSize = inst.lot * UInt32(1 + rng.below(20))
        askSize = inst.lot * UInt32(1 + rng.below(20))
        last = prevClose
        lastSize = inst.lot
        lastTime = 0
        lastMarketCenter = inst.isFuture ? 34 : SyntheticMarket.marketCenters[Int(inst.key % UInt64(SyntheticMarket.marketCenters.count))]
        lastConditions = 0x01
        lastBasis = UInt8(ascii: "C")
        lastAggressor = 0
        totalVolume = 0
        open = 0; high = 0; low = 0
        tickID = (inst.key >> 40) &* 1000
        tradesToday = 0
        bidTime = 0; askTime = 0
        updates = 0
    }
}

/// What one Level 1 update changed (its Message Contents on the wire).
public enum L1Change: UInt8, Sendable {
    case trade, bid, ask, bidAndAsk
}
