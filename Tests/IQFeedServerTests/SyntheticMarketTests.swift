import IQFeedServer
import MarketData
import Testing

@Suite struct SyntheticMarketTests {
    @Test func sameSeedSameBytesDifferentSeedDifferentBytes() {
        var a = SyntheticMarket(seed: 7, symbols: 200)
        var b = SyntheticMarket(seed: 7, symbols: 200)
        var c = SyntheticMarket(seed: 8, symbols: 200)
        var ba: [UInt8] = [], bb: [UInt8] = [], bc: [UInt8] = []
        let t0 = Eastern.utcNanos(year: 2026, month: 3, day: 6, hour: 10)
        a.fillLines(into: &ba, count: 5000, time: t0)
        b.fillLines(into: &bb, count: 5000, time: t0)
        c.fillLines(into: &bc, count: 5000, time: t0)
        #expect(ba == bb)
        #expect(ba != bc)
        #expect(ba.filter { $0 == 10 }.count == 5000)
    }

    @Test func tradeQuoteMixAndUncrossedTopOfBook() {
        var m = SyntheticMarket(seed: 3, symbols: 50)
        var trades = 0, quotes = 0
        for k in 0..<30_000 {
            let i = k % m.symbolCount
            if m.nextL1(i, time: Int64(k)) == .trade { trades += 1 } else { quotes += 1 }
            let s = m.states[i]
            #expect(s.bid < s.ask)
            #expect(s.bid > 0)
        }
        let ratio = Double(quotes) / Double(trades)
        #expect(ratio > 4 && ratio < 6, "quotes per trade \(ratio)")
    }

    @Test func booksNeverCross() {
        var m = SyntheticMarket(seed: 5, symbols: 60)
        let indexes = [0, 1, m.index(of: "@ESZ26")!]
        for i in indexes {
            for k in 0..<5_000 {
                let ch = m.nextL2(i, time: Int64(k))
                let book = m.book(i, time: 0)
                let bid = try! #require(book.best(.bid)), ask = try! #require(book.best(.ask))
                #expect(bid < ask)
                #expect(ch.order.size > 0)
                if m.instrument(i).isFuture { #expect(ch.order.id != 0 && ch.order.mmid == 0) } else { #expect(ch.order.id == 0 && ch.order.mmid != 0) }
            }
        }
    }

    @Test func universeScalesAndLooksRealistic() {
        let m = SyntheticMarket(seed: 1, symbols: 20_000)
        #expect(m.symbolCount == 20_000)
        #expect(m.index(of: "AAA") == 0)
        #expect(m.index(of: "@ESZ26") != nil)
        #expect(SymbolUniverse.equityName(17_576) == "AAAA")
        for i in stride(from: 0, to: 20_000, by: 997) {
            let inst = m.instrument(i)
            let px = inst.price(inst.baseTicks).doubleValue
            if inst.isFuture { #expect(inst.tick == 250_000_000 || inst.tick != 0) } else {
                #expect(px >= 5 && px <= 501, "\(inst.symbol) \(px)")
                #expect(inst.tick == 10_000_000)
            }
        }
        let es = m.instrument(m.index(of: "@ESZ26")!)
        #expect(es.tick == 250_000_000)
        #expect(es.precision == 2)
    }

    @Test func historyIsDeterministicAndSubRangesAreSubsets() {
        let m1 = SyntheticMarket(seed: 9, symbols: 10)
        let m2 = SyntheticMarket(seed: 9, symbols: 3000) // universe size must not matter
        let sym = Symbol(unchecked: "AAB")
        let from = Eastern.utcNanos(year: 2026, month: 3, day: 2), to = Eastern.utcNanos(year: 2026, month: 3, day: 6, hour: 23)
        let all = m1.ticks(sym, from: from, to: to)
        #expect(all == m2.ticks(sym, from: from, to: to))
        #expect(all.count >= 5 * 300)
        let a = Eastern.utcNanos(year: 2026, month: 3, day: 4, hour: 11, minute: 17)
        let b = Eastern.utcNanos(year: 2026, month: 3, day: 5, hour: 10, minute: 3, second: 9)
        let sub = m1.ticks(sym, from: a, to: b)
        #expect(!sub.isEmpty)
        #expect(sub == all.filter { $0.eventTime >= a && $0.eventTime <= b })
        // Strictly increasing times, cumulative volume per day, session only.
        for (x, y) in zip(all, all.dropFirst()) { #expect(x.eventTime < y.eventTime) }
        for t in all {
            let l = Eastern.local(t.eventTime)
            #expect(l.secondOfDay >= 9 * 3600 + 1800 && l.secondOfDay < 16 * 3600)
        }
        #expect(SyntheticMarket(seed: 10, symbols: 1).ticks(sym, from: from, to: to) != all)
    }

    @Test func noTicksOnWeekendsAndHolidays() {
        let m = SyntheticMarket(seed: 1, symbols: 5)
        let sym = Symbol(unchecked: "AAA")
        // 2026-07-03 (Independence Day observed, Friday), 2026-07-04 (Saturday), 2026-04-03 (Good Friday), Thanksgiving 2026-11-26.
        for (y, mo, d) in [(2026, 7, 3), (2026, 7, 4), (2026, 4, 3), (2026, 11, 26), (2026, 12, 25), (2026, 1, 19)] {
            let day = Time.daysFromCivil(year: y, month: mo, day: d)
            #expect(m.dayTicks(sym, day: day).isEmpty, "\(y)-\(mo)-\(d)")
        }
        #expect(!m.dayTicks(sym, day: Time.daysFromCivil(year: 2026, month: 7, day: 2)).isEmpty)
    }

    @Test func barsAgreeWithTicks() {
        let m = SyntheticMarket(seed: 4, symbols: 10)
        let sym = Symbol(unchecked: "AAC")
        let from = Eastern.utcNanos(year: 2026, month: 2, day: 2), to = Eastern.utcNanos(year: 2026, month: 2, day: 27, hour: 23)
        let ticks = m.ticks(sym, from: from, to: to)
        let daily = m.bars(sym, kind: .daily, from: from, to: to)
        #expect(daily.count == 19) // February 2026: 20 weekdays minus Presidents' Day
        #expect(daily.reduce(0) { $0 + $1.periodVolume } == ticks.reduce(0) { $0 + UInt64($1.size) })
        for d in daily {
            let dayTicks = ticks.filter { $0.eventTime >= d.time && $0.eventTime < d.time + Time.nanosPerDay }
            #expect(d.open == dayTicks.first?.price && d.close == dayTicks.last?.price)
            #expect(d.high == dayTicks.map(\.price).max() && d.low == dayTicks.map(\.price).min())
        }
        let minute = m.bars(sym, kind: .seconds(60), from: from, to: to)
        #expect(minute.reduce(0) { $0 + $1.periodVolume } == ticks.reduce(0) { $0 + UInt64($1.size) })
        for b in minute.prefix(50) {
            let inBar = ticks.filter { $0.eventTime > b.time - 60 * Time.nanosPerSecond && $0.eventTime <= b.time }
            #expect(b.open == inBar.first?.price && b.close == inBar.last?.price)
            #expect(b.totalVolume == inBar.last?.totalVolume)
        }
        let weekly = m.bars(sym, kind: .weekly, from: from, to: to)
        #expect(weekly.count == 4)
        #expect(weekly.reduce(0) { $0 + $1.periodVolume } == daily.reduce(0) { $0 + $1.periodVolume })
        let monthly = m.bars(sym, kind: .monthly, from: from, to: to)
        #expect(monthly.count == 1 && monthly[0].periodVolume == weekly.reduce(0) { $0 + $1.periodVolume })
        #expect(monthly[0].time == daily.last?.time)
    }

    @Test func easternLocalSpringForwardFix() {
        // 2026-03-08 is the spring-forward day: 06:30 UTC is 01:30 EST, 07:30 UTC is 03:30 EDT.
        let a = Eastern.local(Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6, minute: 30))
        #expect(a.day == 8 && a.secondOfDay == 1 * 3600 + 1800)
        let b = Eastern.local(Time.utcNanos(year: 2026, month: 3, day: 8, hour: 7, minute: 30))
        #expect(b.secondOfDay == 3 * 3600 + 1800)
        // Fall back (2026-11-01): 05:30 UTC = 01:30 EDT, 06:30 UTC = 01:30 EST.
        #expect(Eastern.local(Time.utcNanos(year: 2026, month: 11, day: 1, hour: 5, minute: 30)).secondOfDay == 5400)
        #expect(Eastern.local(Time.utcNanos(year: 2026, month: 11, day: 1, hour: 6, minute: 30)).secondOfDay == 5400)
        // Round trip every 10 minutes over both transition days.
        for day in [Time.daysFromCivil(year: 2026, month: 3, day: 8), Time.daysFromCivil(year: 2026, month: 11, day: 1)] {
            var t = Int64(day) * Time.nanosPerDay
            while t < Int64(day + 2) * Time.nanosPerDay {
                let l = Eastern.local(t)
                let back = Eastern.utcNanos(year: l.year, month: l.month, day: l.day, hour: l.secondOfDay / 3600,
                                            minute: (l.secondOfDay / 60) % 60, second: l.secondOfDay % 60)
                // Only the repeated fall-back hour is ambiguous (utcNanos picks EDT).
                if back != t { #expect(back == t - 3600 * Time.nanosPerSecond) }
                t += 600 * Time.nanosPerSecond
            }
        }
    }
}
