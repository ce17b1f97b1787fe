import MarketData
import MDTTestSupport


/// Random events. `wide`: full value ranges (JSON round trip); otherwise values ClickHouse stores
/// faithfully (times within 3 weeks of March 2026, |price| < 1e8, unique `seq` so ReplacingMergeTree keeps every row).
struct EventGenerator {
    var rng: SplitMix64
    let wide: Bool
    var seq: UInt64 = 0

    static let symbols = ["AAPL", "@ESZ26", "QQQ2612C500", "BRK.B", "A\"B", "X\\Y", "@NQ#", "SPY",
                          String(repeating: "Z", count: 64)]
    static let makers = ["NSDQ", "ARCA", "MD01", "", "AB", "Q\"\\Z"]
    static let t2000: Int64 = 946_684_800 * 1_000_000_000
    static let t2099: Int64 = 4_070_908_800 * 1_000_000_000
    static let t2026: Int64 = 1_772_323_200 * 1_000_000_000

    init(seed: UInt64, wide: Bool) { rng = SplitMix64(seed: seed); self.wide = wide }

    mutating func symbol() -> Symbol { Symbol(unchecked: Self.symbols[rng.below(Self.symbols.count)]) }

    mutating func time() -> Nanos {
        if wide && rng.below(10) == 0 { return [0, 1, 999_999_999, 253_402_300_799_999_999][rng.below(4)] }
        if wide { return rng.int(Self.t2000...Self.t2099) }
        // Three weeks from 2026-03-01: few partitions per insert, as in a real batch.
        return rng.int(Self.t2026...(Self.t2026 + 21 * 86_400 * 1_000_000_000))
    }

    mutating func price() -> Price {
        switch rng.below(4) {
        case 0: return Price(raw: rng.int(0...20_000) * 10_000_000)  // cents
        case 1: return wide ? Price(raw: rng.int(-9_000_000_000_000_000_000...9_000_000_000_000_000_000)) : Price(raw: rng.int(-99_999_999_999_999_999...99_999_999_999_999_999))
        case 2: return .zero
        default: return Price(raw: rng.int(1...1_000_000) * 250_000_000)  // quarter ticks
        }
    }

    mutating func u64() -> UInt64 { wide ? rng.next() : rng.next() >> 1 }
    mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: rng.next()) }
    mutating func nextSeq() -> UInt64 { seq += 1; return wide ? rng.next() : seq }

    mutating func trade() -> Trade {
        Trade(symbol: symbol(), eventTime: time(), receiveTime: time(), price: price(), size: u32(), totalVolume: u64(),
              bid: price(), ask: price(), tickID: u64(), basis: [67, 69, 79, 63][rng.below(4)],
              marketCenter: UInt16(truncatingIfNeeded: rng.next()), conditions: u32(),
              aggressor: UInt8(rng.below(4)), seq: nextSeq())
    }

    mutating func quote() -> Quote {
        Quote(symbol: symbol(), eventTime: time(), receiveTime: time(), bid: price(), bidSize: u32(), ask: price(),
              askSize: u32(), last: price(), totalVolume: u64(), seq: nextSeq())
    }

    mutating func book() -> BookUpdate {
        BookUpdate(symbol: symbol(), eventTime: time(), receiveTime: time(),
                   action: BookAction(rawValue: UInt8(1 + rng.below(8))) ?? .clear, side: rng.below(2) == 0 ? .bid : .ask,
                   price: price(), size: u32(), orderID: u64(), mmid: BookUpdate.packMMID(Self.makers[rng.below(Self.makers.count)]),
                   orderCount: u32(), priority: u64(), seq: nextSeq())
    }

    mutating func bar() -> Bar {
        let kinds: [BarKind] = [.seconds(1 + rng.below(86_400)), .daily, .weekly, .monthly]
        // Unique ts per bar (the bars key is symbol, interval_s, ts).
        seq += 1
        let t = wide ? time() : Self.t2000 + Int64(seq) * 60_000_000_000 + rng.int(0...59_999_999_999)
        return Bar(symbol: symbol(), time: t, kind: kinds[rng.below(4)], open: price(), high: price(), low: price(), close: price(),
                   periodVolume: u64(), totalVolume: u64(), trades: u32(), openInterest: u64(), receiveTime: time())
    }

    mutating func event() -> MarketEvent {
        switch rng.below(4) {
        case 0: .trade(trade())
        case 1: .quote(quote())
        case 2: .book(book())
        default: .bar(bar())
        }
    }

    mutating func metric() -> MetricSample {
        seq += 1
        return MetricSample(time: Self.t2000 + Int64(seq) * 1_000_000_000, process: ["collect", "loader"][rng.below(2)],
                            name: ["events_received", "queue_depth"][rng.below(2)],
                            value: Double(rng.int(-1_000_000...1_000_000)) / 8, labels: rng.below(2) == 0 ? "" : "topic=iqfeed.l2.raw")
    }
}
