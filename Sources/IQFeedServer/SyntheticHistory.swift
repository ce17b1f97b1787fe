import MarketData

/// How much history the synthetic market makes.
public struct HistoryConfiguration: Sendable, Equatable {
    /// Trades per symbol per trading day (chosen per (symbol, day) within the range).
    public var ticksPerDay: ClosedRange<Int>
    /// How far back open-ended daily/weekly/monthly lookups (`HDX`, `HWX`, `HMX`) go, in calendar days.
    public var maxLookbackDays: Int
    /// How far back tick and interval lookups (`HTX`, `HTD`, `HTT`, `HIX`, ...) go, in calendar days
    /// (IQFeed keeps roughly 180 days of tick history).
    public var tickLookbackDays: Int

    public init(ticksPerDay: ClosedRange<Int> = 300...1500, maxLookbackDays: Int = 3660, tickLookbackDays: Int = 180) {
        self.tickLookbackDays = tickLookbackDays
        self.ticksPerDay = max(1, ticksPerDay.lowerBound)...max(1, ticksPerDay.lowerBound, ticksPerDay.upperBound)
        self.maxLookbackDays = maxLookbackDays
    }
}

/// Deterministic history: every (seed, symbol, trading day) has its own PRNG stream, so a day's ticks
/// never depend on other days or other symbols, and any range gives exactly the subset of a larger one.
/// Ticks exist only on trading days in the regular session (see `TradingCalendar`).
extension SyntheticMarket {
    /// All trades of `symbol` with `from <= eventTime <= to`, oldest first. Works for any symbol,
    /// listed in the universe or not.
    public func ticks(_ symbol: Symbol, from: Nanos, to: Nanos) -> [Trade] {
        var out: [Trade] = []
        forEachTick(symbol, from: from, to: to) { out.append($0) }
        return out
    }

    /// Visits the trades of `symbol` with `from <= eventTime <= to`, oldest first.
    public func forEachTick(_ symbol: Symbol, from: Nanos, to: Nanos, _ body: (Trade) -> Void) {
        if to < from { return }
        let inst = Instrument(symbol: symbol, seed: seed)
        let first = TradingCalendar.easternDay(from), last = TradingCalendar.easternDay(to)
        if last - first > 40_000 { return }
        var day = first
        while day <= last {
            if TradingCalendar.isTradingDay(day) {
                SyntheticMarket.generateDay(inst, day: day, config: history) { t in
                    if t.eventTime >= from && t.eventTime <= to { body(t) }
                }
            }
            day += 1
        }
    }

    /// The trades of one whole trading day (empty on non-trading days).
    public func dayTicks(_ symbol: Symbol, day: Int) -> [Trade] {
        var out: [Trade] = []
        if TradingCalendar.isTradingDay(day) {
            SyntheticMarket.generateDay(Instrument(symbol: symbol, seed: seed), day: day, config: history) { out.append($0) }
        }
        return out
    }

    static func generateDay(_ inst: Instrument, day: Int, config: HistoryConfiguration, _ body: (Trade) -> Void) {
        var g = SplitMix64(seed: SplitMix64.mix(inst.key, UInt64(bitPattern: Int64(day))))
        let span = config.ticksPerDay.upperBound - config.ticksPerDay.lowerBound
        let n = config.ticksPerDay.lowerBound + g.below(span + 1)
        // Day level: a slow triangle wave around the base (+-15%) plus up to +-2% daily noise.
        let phase = Int(inst.key % 120)
        let x = ((day + phase) % 120 + 120) % 120
        let tri = Int64(x < 60 ? x : 120 - x)
        var p = inst.baseTicks * (85 + tri / 2) / 100
        p += p * Int64(g.below(41) - 20) / 1000
        let floor = max(Int64(10), inst.baseTicks / 20)
        if p < floor { p = floor }
        let open = TradingCalendar.utc(day: day, secondOfDay: TradingCalendar.sessionOpenSecond)
        let spanMicros = Int64(TradingCalendar.sessionSeconds) * 1_000_000
        let slot = max(1, spanMicros / Int64(n))
        var volume: UInt64 = 0
        let tickBase = UInt64(max(0, day - 7300)) &* 100_000
        for i in 0..<n {
            let r = g.below(10)
            if r < 4 { p -= 1 } else if r < 8 { p += 1 }
            if p < floor { p = floor }
            let micros = Int64(i) * slot + Int64(g.below(Int(min(slot, Int64(UInt32.max)))))
            let spread = Int64(1 + g.below(3))
            let atAsk = g.below(2) == 0
            let bid = atAsk ? p - spread : p
            let ask = atAsk ? p : p + spread
            var size: UInt32, basis = UInt8(ascii: "C"), cond: UInt32 = 0x01, mc: UInt16, aggr: UInt8 = 0
            if inst.isFuture {
                size = UInt32(1 + g.below(20)); mc = 34; aggr = atAsk ? 1 : 2
            } else {
                if g.below(5) == 0 { size = UInt32(1 + g.below(99)); basis = UInt8(ascii: "O"); cond = 0x87 }
                else { size = inst.lot * UInt32(1 + g.below(10)); if g.below(20) == 0 { cond = 0x3D } }
                mc = marketCenters[g.below(marketCenters.count)]
            }
            volume &+= UInt64(size)
            body(Trade(symbol: inst.symbol, eventTime: open + micros * 1000, price: inst.price(p), size: size,
                       totalVolume: volume, bid: inst.price(bid), ask: inst.price(ask), tickID: tickBase &+ UInt64(i + 1),
                       basis: basis, marketCenter: mc, conditions: cond, aggressor: aggr))
        }
    }

    /// Bars of `symbol` computed from `ticks`, oldest first.
    ///
    /// * `.seconds(n)`: complete bars whose label (the bar END, IQFeed's default) is in `from...to`;
    ///   buckets are aligned to Eastern midnight; `trades` is 0 as on IQFeed's time bars;
    ///   `totalVolume` is the day volume at the bar's last trade.
    /// * `.daily`: one bar per trading day whose Eastern date is within the dates of `from`/`to`,
    ///   built from that day's ticks up to `to`; `time` is the day's Eastern midnight.
    /// * `.weekly` / `.monthly`: daily bars grouped by Monday-week / calendar month (days up to `to`),
    ///   dated by their last trading day with data, kept when that date is within the range.
    /// Daily/weekly/monthly bars carry `periodVolume`, `totalVolume` 0, and open interest (futures only).
    public func bars(_ symbol: Symbol, kind: BarKind, from: Nanos, to: Nanos) -> [Bar] {
        if to < from { return [] }
        switch kind {
        case .seconds(let n): return secondBars(symbol, seconds: max(1, n), from: from, to: to)
        case .daily: return dailyBars(symbol, firstDay: TradingCalendar.easternDay(from), to: to)
        case .weekly, .monthly:
            let firstDay = TradingCalendar.easternDay(from)
            // Start from the beginning of the first period so the first bar is complete.
            let (y, m, _) = Time.civilFromDays(firstDay)
            let start = kind == .weekly ? firstDay - (Time.weekday(days: firstDay) + 6) % 7 : Time.daysFromCivil(year: y, month: m, day: 1)
            let days = dailyBars(symbol, firstDay: start, to: to)
            var out: [Bar] = []
            var key = Int.min
            for d in days {
                let dn = TradingCalendar.easternDay(d.time + 12 * 3600 * Time.nanosPerSecond)
                let (yy, mm, _) = Time.civilFromDays(dn)
                let k = kind == .weekly ? dn - (Time.weekday(days: dn) + 6) % 7 : yy * 12 + mm
                if k == key, var b = out.last {
                    b.high = max(b.high, d.high); b.low = min(b.low, d.low); b.close = d.close
                    b.periodVolume &+= d.periodVolume; b.time = d.time; b.openInterest = d.openInterest
                    out[out.count - 1] = b
                } else {
                    key = k
                    var b = d
                    b.kind = kind
                    out.append(b)
                }
            }
            let fromMidnight = TradingCalendar.midnight(day: firstDay)
            return out.filter { $0.time >= fromMidnight }
        }
    }

    func dailyBars(_ symbol: Symbol, firstDay: Int, to: Nanos) -> [Bar] {
        let lastDay = TradingCalendar.easternDay(to)
        if lastDay - firstDay > 40_000 { return [] }
        let inst = Instrument(symbol: symbol, seed: seed)
        var out: [Bar] = []
        var day = firstDay
        while day <= lastDay {
            if TradingCalendar.isTradingDay(day) {
                var bar: Bar? = nil
                SyntheticMarket.generateDay(inst, day: day, config: history) { t in
                    if t.eventTime > to { return }
                    if var b = bar {
                        b.high = max(b.high, t.price); b.low = min(b.low, t.price); b.close = t.price
                        b.periodVolume &+= UInt64(t.size)
                        bar = b
                    } else {
                        var oi: UInt64 = 0
                        if inst.isFuture {
                            var g = SplitMix64(seed: SplitMix64.mix(inst.key ^ 0x4F49, UInt64(day)))
                            oi = UInt64(100_000 + g.below(900_000))
                        }
                        bar = Bar(symbol: symbol, time: TradingCalendar.midnight(day: day), kind: .daily, open: t.price,
                                  high: t.price, low: t.price, close: t.price, periodVolume: UInt64(t.size), openInterest: oi)
                    }
                }
                if let b = bar { out.append(b) }
            }
            day += 1
        }
        return out
    }

    func secondBars(_ symbol: Symbol, seconds n: Int, from: Nanos, to: Nanos) -> [Bar] {
        let inst = Instrument(symbol: symbol, seed: seed)
        // A bar labelled at or after `from` may start up to n seconds earlier.
        let firstDay = TradingCalendar.easternDay(from - Int64(n) * Time.nanosPerSecond)
        let lastDay = TradingCalendar.easternDay(to)
        if lastDay - firstDay > 40_000 { return [] }
        let width = Int64(n) * Time.nanosPerSecond
        var out: [Bar] = []
        var day = firstDay
        while day <= lastDay {
            if TradingCalendar.isTradingDay(day) {
                let open = TradingCalendar.utc(day: day, secondOfDay: TradingCalendar.sessionOpenSecond)
                let openLocal = Int64(TradingCalendar.sessionOpenSecond) * Time.nanosPerSecond
                var cur: Bar? = nil
                var curBucket: Int64 = -1
                func flush() {
                    if let b = cur, b.time >= from, b.time <= to { out.append(b) }
                    cur = nil
                }
                SyntheticMarket.generateDay(inst, day: day, config: history) { t in
                    let local = openLocal + (t.eventTime - open)
                    let bucket = local / width
                    if bucket != curBucket { flush(); curBucket = bucket }
                    if var b = cur {
                        b.high = max(b.high, t.price); b.low = min(b.low, t.price); b.close = t.price
                        b.periodVolume &+= UInt64(t.size); b.totalVolume = t.totalVolume
                        cur = b
                    } else {
                        let label = open + (bucket + 1) * width - openLocal
                        cur = Bar(symbol: symbol, time: label, kind: .seconds(n), open: t.price, high: t.price,
                                  low: t.price, close: t.price, periodVolume: UInt64(t.size), totalVolume: t.totalVolume)
                    }
                }
                flush()
            }
            day += 1
        }
        return out
    }
}
