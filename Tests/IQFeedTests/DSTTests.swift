import Testing
@testable import IQFeed
import MarketData

@Suite struct DSTTests {
    func viaCache(_ y: Int, _ m: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int = 0) -> Nanos {
        var c = EasternDayCache()
        return c.utcNanos(year: y, month: m, day: d, secondOfDay: h * 3600 + mi * 60 + s, nanos: 0)
    }

    /// (Eastern wall time) -> exact UTC, checked through Eastern.utcNanos, EasternDayCache and the parsers.
    static let cases: [((Int, Int, Int, Int, Int), Nanos)] = [
        // 2026 spring forward: Sunday 2026-03-08 02:00 EST -> 03:00 EDT.
        ((2026, 3, 7, 12, 0), Time.utcNanos(year: 2026, month: 3, day: 7, hour: 17)),
        ((2026, 3, 8, 1, 59), Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6, minute: 59)),
        ((2026, 3, 8, 3, 0), Time.utcNanos(year: 2026, month: 3, day: 8, hour: 7)),
        ((2026, 3, 8, 2, 30), Time.utcNanos(year: 2026, month: 3, day: 8, hour: 7, minute: 30)),  // skipped hour read as EST
        ((2026, 3, 8, 12, 0), Time.utcNanos(year: 2026, month: 3, day: 8, hour: 16)),
        // 2026 fall back: Sunday 2026-11-01 02:00 EDT -> 01:00 EST.
        ((2026, 10, 31, 12, 0), Time.utcNanos(year: 2026, month: 10, day: 31, hour: 16)),
        ((2026, 11, 1, 0, 30), Time.utcNanos(year: 2026, month: 11, day: 1, hour: 4, minute: 30)),
        ((2026, 11, 1, 1, 30), Time.utcNanos(year: 2026, month: 11, day: 1, hour: 5, minute: 30)),  // repeated hour: first (EDT)
        ((2026, 11, 1, 2, 0), Time.utcNanos(year: 2026, month: 11, day: 1, hour: 7)),
        ((2026, 11, 1, 12, 0), Time.utcNanos(year: 2026, month: 11, day: 1, hour: 17)),
        // 2006: old rules (first Sunday of April 2006-04-02, last Sunday of October 2006-10-29).
        ((2006, 3, 15, 12, 0), Time.utcNanos(year: 2006, month: 3, day: 15, hour: 17)),
        ((2006, 4, 1, 12, 0), Time.utcNanos(year: 2006, month: 4, day: 1, hour: 17)),
        ((2006, 4, 2, 3, 0), Time.utcNanos(year: 2006, month: 4, day: 2, hour: 7)),
        ((2006, 10, 28, 12, 0), Time.utcNanos(year: 2006, month: 10, day: 28, hour: 16)),
        ((2006, 10, 29, 12, 0), Time.utcNanos(year: 2006, month: 10, day: 29, hour: 17)),
        ((2006, 11, 1, 12, 0), Time.utcNanos(year: 2006, month: 11, day: 1, hour: 17)),
        // 2021: 2021-03-14 and 2021-11-07.
        ((2021, 3, 13, 12, 0), Time.utcNanos(year: 2021, month: 3, day: 13, hour: 17)),
        ((2021, 3, 14, 12, 0), Time.utcNanos(year: 2021, month: 3, day: 14, hour: 16)),
        ((2021, 11, 6, 12, 0), Time.utcNanos(year: 2021, month: 11, day: 6, hour: 16)),
        ((2021, 11, 7, 12, 0), Time.utcNanos(year: 2021, month: 11, day: 7, hour: 17)),
        // 2007: first year of the current rules (2007-03-11).
        ((2007, 3, 11, 12, 0), Time.utcNanos(year: 2007, month: 3, day: 11, hour: 16)),
    ]

    @Test func easternToUTC() {
        for ((y, m, d, h, mi), want) in Self.cases {
            #expect(Eastern.utcNanos(year: y, month: m, day: d, hour: h, minute: mi) == want, "\(y)-\(m)-\(d) \(h):\(mi)")
            #expect(viaCache(y, m, d, h, mi) == want, "cache \(y)-\(m)-\(d) \(h):\(mi)")
        }
    }

    @Test func oneCacheAcrossTheTransitionDay() {
        var c = EasternDayCache()
        #expect(c.utcNanos(year: 2026, month: 3, day: 8, secondOfDay: 3600, nanos: 0) == Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6))
        #expect(c.utcNanos(year: 2026, month: 3, day: 8, secondOfDay: 4 * 3600, nanos: 5) == Time.utcNanos(year: 2026, month: 3, day: 8, hour: 8, nanos: 5))
        #expect(c.utcNanos(year: 2026, month: 11, day: 1, secondOfDay: 3 * 3600, nanos: 0) == Time.utcNanos(year: 2026, month: 11, day: 1, hour: 8))
        #expect(c.utcNanos(year: 2026, month: 11, day: 2, secondOfDay: 9 * 3600 + 1800, nanos: 0) == Time.utcNanos(year: 2026, month: 11, day: 2, hour: 14, minute: 30))
    }

    @Test func parsersUseDST() throws {
        var p = LookupReplyParser(kind: .ticks, symbol: Symbol(unchecked: "SPY"))
        guard case .tick(let a) = try p.parse("2026-03-08 01:59:59.000001,1,1,1,1,1,1,C,1,01,0,8,"),
              case .tick(let b) = try p.parse("2026-03-08 03:00:00.000001,1,1,1,1,1,2,C,1,01,0,8,"),
              case .tick(let c) = try p.parse("2026-11-01 01:30:00,1,1,1,1,1,3,C,1,01,0,1,"),
              case .tick(let d) = try p.parse("2006-04-03 09:30:00,1,1,1,1,1,3,C,1,01,0,1,") else {
            Issue.record("ticks"); return
        }
        #expect(b.eventTime - a.eventTime == 1_000_000_000)  // one real second across the jump
        #expect(c.eventTime == Time.utcNanos(year: 2026, month: 11, day: 1, hour: 5, minute: 30))
        #expect(d.eventTime == Time.utcNanos(year: 2006, month: 4, day: 3, hour: 13, minute: 30))
        var l1 = Level1Parser()
        guard case .timestamp(let t) = try l1.parse("T,20261101 01:59:59"), case .timestamp(let t2) = try l1.parse("T,20261101 02:00:00") else {
            Issue.record("T"); return
        }
        #expect(t == Time.utcNanos(year: 2026, month: 11, day: 1, hour: 5, minute: 59, second: 59))
        #expect(t2 == Time.utcNanos(year: 2026, month: 11, day: 1, hour: 7))
    }

    /// Fixed in MarketData: `Eastern.local` gave 02:30 (a time that does not exist) for 06:30 UTC on the spring-forward day.
    @Test func localInTheSkippedHour() {
        let l = Eastern.local(Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6, minute: 30))
        #expect(l.secondOfDay == 1 * 3600 + 1800 && l.day == 8)
        let l2 = Eastern.local(Time.utcNanos(year: 2026, month: 3, day: 8, hour: 7, minute: 30))
        #expect(l2.secondOfDay == 3 * 3600 + 1800)
        let l3 = Eastern.local(Time.utcNanos(year: 2026, month: 11, day: 1, hour: 6, minute: 30))  // second 01:30 (EST)
        #expect(l3.secondOfDay == 1 * 3600 + 1800)
        let e = EasternDateTime(utc: Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6, minute: 30))
        #expect(e.dateTimeText == "20260308 013000")
    }
}
