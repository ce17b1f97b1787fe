import IQFeedServer
import MarketData

/// The seeded synthetic market as a replay source: `count` events, one every `step` ns of event
/// time from `start`. Three in four are Level 1 (a symbol chosen by the market's own stream: a trade
/// or a quote), every fourth a Level 2 order-book change of symbol `i % symbols`. Events get
/// `seq` 1, 2, ... Same seed and count = the same events on every pass.
public final class ReplaySyntheticSource: ReplaySource {
    public let label: String
    let seed: UInt64
    let universe: SymbolUniverse
    let count: Int
    let start: Nanos
    let step: Nanos

    public init(seed: UInt64, universe: SymbolUniverse, count: Int, start: Nanos, step: Nanos = 1_000_000) {
        self.seed = seed
        self.universe = universe
        self.count = count
        self.start = start
        self.step = step
        label = "synthetic market (\(universe.count) symbols, seed \(seed))"
    }

    public func run(_ emit: (MarketEvent?, UnsafeRawBufferPointer) throws -> Bool) throws {
        var market = SyntheticMarket(seed: seed, universe: universe)
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        let n = max(1, universe.count)
        for i in 0..<count {
            let t = start &+ Nanos(i) &* step
            var e: MarketEvent
            if i % 4 == 3 {
                let idx = i % n
                var b = market.bookUpdate(idx, market.nextL2(idx, time: t))
                b.eventTime = t
                e = .book(b)
            } else {
                e = market.next(time: t)
            }
            e.setSeq(UInt64(i + 1))
            if try !emit(e, none) { return }
        }
    }
}
