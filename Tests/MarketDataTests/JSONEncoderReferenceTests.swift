import MarketData
import MDTTestSupport
import Testing

/// The fast JSON encoder against `ReferenceJSONEncoder` on many random events of every kind, with
/// times before 1970, around DST changes, minute/second/day edges and at the Int64 limits, and prices
/// negative, zero, huge and with every number of fraction digits.
@Suite struct JSONEncoderReferenceTests {
    static let dstEdges: [Nanos] = [
        Time.utcNanos(year: 2026, month: 3, day: 8, hour: 7),   // 02:00 EST -> 03:00 EDT
        Time.utcNanos(year: 2026, month: 11, day: 1, hour: 6),  // 02:00 EDT -> 01:00 EST
        Time.utcNanos(year: 2006, month: 4, day: 2, hour: 7),
        Time.utcNanos(year: 2006, month: 10, day: 29, hour: 6),
        Time.utcNanos(year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59),
        Time.utcNanos(year: 2000, month: 3, day: 1),
        Time.utcNanos(year: 1969, month: 12, day: 31, hour: 23, minute: 59, second: 59),
        Time.utcNanos(year: 1900, month: 2, day: 28, hour: 12),
    ]

    struct Gen {
        var rng: SplitMix64
        mutating func time() -> Nanos {
            switch rng.below(8) {
            case 0:
                return [0, 1, -1, 999_999_999, 1_000_000_000, 1_000_000_001, -1_000_000_000, -999_999_999, 59_999_999_999,
                        60_000_000_000, -60_000_000_000, -60_000_000_001, Int64.max, Int64.min, Int64.min + 1,
                        253_402_300_799_999_999][rng.below(16)]
            case 1: return rng.int(Int64.min...Int64.max)
            case 2: return rng.int(-5_000_000_000_000_000_000...0)
            case 3: return JSONEncoderReferenceTests.dstEdges[rng.below(JSONEncoderReferenceTests.dstEdges.count)] + rng.int(-3_600_000_000_000...3_600_000_000_000)
            default: return rng.int(946_684_800_000_000_000...4_070_908_800_000_000_000)
            }
        }
        mutating func price() -> Price {
            switch rng.below(9) {
            case 0: return Price(raw: [0, 1, -1, Int64.max, Int64.min, Int64.min + 1, 1_000_000_000, -1_000_000_000, 999_999_999,
                                       100_000_000, 10, 123_456_789_000_000_000][rng.below(12)])
            case 1: return Price(raw: rng.int(Int64.min...Int64.max))
            case 2: return Price(raw: rng.int(-200_000...200_000) * 10_000_000)
            case 3: return Price(raw: rng.int(1...4_000_000) * 250_000_000)
            case 4:
                // Every count of trailing zeros in the fraction.
                var p: Int64 = 1
                for _ in 0..<rng.below(10) { p *= 10 }
                return Price(raw: rng.int(-9_000_000_000...9_000_000_000) * p)
            default: return Price(raw: rng.int(-1_000_000_000_000_000...1_000_000_000_000_000))
            }
        }
        mutating func u64() -> UInt64 {
            switch rng.below(4) {
            case 0: return [0, 1, 9, 10, 99, 100, 99_999_999, 100_000_000, 9_999_999_999_999_999, 10_000_000_000_000_000, UInt64.max][rng.below(11)]
            case 1: return rng.next() >> UInt64(rng.below(64))
            default: return rng.next()
            }
        }
        mutating func u32() -> UInt32 { UInt32(truncatingIfNeeded: u64()) }
        mutating func symbol() -> Symbol {
            let pool = ["AAPL", "@ESZ26", "QQQ2612C500", "BRK.B", "A\"B", "X\\Y", "@NQ#", "SPY", "\u{1}CTL\u{1F}", "Ünï", "",
                        String(repeating: "Z", count: 64), String(repeating: "\"", count: 40)]
            return Symbol(unchecked: pool[rng.below(pool.count)])
        }
        mutating func event() -> MarketEvent {
            switch rng.below(4) {
            case 0:
                return .trade(Trade(symbol: symbol(), eventTime: time(), receiveTime: rng.below(2) == 0 ? time() : 0, price: price(),
                                    size: u32(), totalVolume: u64(), bid: price(), ask: price(), tickID: u64(),
                                    basis: UInt8(truncatingIfNeeded: rng.next()), marketCenter: UInt16(truncatingIfNeeded: rng.next()),
                                    conditions: u32(), aggressor: UInt8(truncatingIfNeeded: rng.next()), seq: u64()))
            case 1:
                let t = time()
                // Often the receive time is just after the event time (same minute), as live.
                let r = rng.below(2) == 0 ? t &+ rng.int(0...90_000_000_000) : time()
                return .quote(Quote(symbol: symbol(), eventTime: t, receiveTime: r, bid: price(), bidSize: u32(), ask: price(),
                                    askSize: u32(), last: price(), totalVolume: u64(), seq: u64()))
            case 2:
                let makers: [UInt32] = [0, BookUpdate.packMMID("NSDQ"), BookUpdate.packMMID("AB"), 0x2201_5C00, u32(), 0x0000_0041]
                return .book(BookUpdate(symbol: symbol(), eventTime: time(), receiveTime: time(),
                                        action: BookAction(rawValue: UInt8(1 + rng.below(8))) ?? .clear, side: rng.below(2) == 0 ? .bid : .ask,
                                        price: price(), size: u32(), orderID: u64(), mmid: makers[rng.below(makers.count)],
                                        orderCount: u32(), priority: u64(), seq: u64()))
            default:
                let kinds: [BarKind] = [.seconds(1 + rng.below(86_400)), .seconds(0), .seconds(Int(Int32.max)), .daily, .weekly, .monthly]
                return .bar(Bar(symbol: symbol(), time: time(), kind: kinds[rng.below(kinds.count)], open: price(), high: price(),
                                low: price(), close: price(), periodVolume: u64(), totalVolume: u64(), trades: u32(),
                                openInterest: u64(), receiveTime: time()))
            }
        }
    }

    @Test(arguments: [UInt64(1), 42, 0xDEAD_BEEF, 20_260_309])
    func matchesReferenceByteForByte(seed: UInt64) {
        var gen = Gen(rng: SplitMix64(seed: seed))
        var buf: [UInt8] = []
        var stream: [UInt8] = []
        var expectedStream: [UInt8] = []
        var failures = 0
        for i in 0..<20_000 {
            let e = gen.event()
            let want = ReferenceJSONEncoder.encode(e)
            buf.removeAll(keepingCapacity: true)
            JSONEventEncoder.append(e, to: &buf)
            if buf != want {
                failures += 1
                if failures <= 3 {
                    Issue.record("seed \(seed) event \(i): \(e)\n  got  \(String(decoding: buf, as: UTF8.self))\n  want \(String(decoding: want, as: UTF8.self))")
                }
            }
            JSONEventEncoder.appendLine(e, to: &stream)
            expectedStream += want; expectedStream.append(UInt8(ascii: "\n"))
        }
        #expect(failures == 0)
        #expect(stream == expectedStream)
    }

    @Test func everyIntegerWidthAndTimeEdge() {
        // Integers 10^k - 1, 10^k, 10^k + 1 in every UInt64 field of a trade; times at each second of an hour.
        var values: [UInt64] = [0, UInt64.max]
        var p: UInt64 = 1
        for _ in 0..<19 { p *= 10; values += [p - 1, p, p + 1] }
        let sym = Symbol(unchecked: "T")
        for (k, v) in values.enumerated() {
            let t = Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6, minute: 59, second: k % 61) + Int64(v % 1_000_000_000)
            let e = MarketEvent.trade(Trade(symbol: sym, eventTime: t, receiveTime: -t, price: Price(raw: Int64(truncatingIfNeeded: v)),
                                            size: UInt32(truncatingIfNeeded: v), totalVolume: v, tickID: v, seq: v))
            var buf: [UInt8] = []
            JSONEventEncoder.append(e, to: &buf)
            #expect(buf == ReferenceJSONEncoder.encode(e), "value \(v)")
        }
    }

    @Test func oneEncoderOverAStreamMatchesReference() {
        // One encoder's minute/second caches across events: steps from 0 ns to minutes, backwards, far jumps.
        var rng = SplitMix64(seed: 99)
        var encoder = JSONEventEncoder()
        var t = Time.utcNanos(year: 2026, month: 3, day: 8, hour: 6, minute: 58)
        var buf: [UInt8] = []
        var failures = 0
        for i in 0..<50_000 {
            switch rng.below(20) {
            case 0: t = rng.int(-4_000_000_000_000_000_000...4_000_000_000_000_000_000)
            case 1: t -= rng.int(0...120_000_000_000)
            case 2: t = (t / 60_000_000_000) * 60_000_000_000 - rng.int(0...1)
            default: t += rng.int(0...3_000_000_000)
            }
            let r = t + rng.int(-1_000_000_000...2_000_000_000)
            let e: MarketEvent = rng.below(2) == 0
                ? .quote(Quote(symbol: Symbol(unchecked: "SPY"), eventTime: t, receiveTime: r, bid: Price(raw: rng.int(0...1_000_000_000_000)),
                               bidSize: 100, ask: Price(units: 500), askSize: 200, seq: UInt64(i)))
                : .bar(Bar(symbol: Symbol(unchecked: "SPY"), time: r, kind: .seconds(60), open: .zero, high: .zero, low: .zero,
                           close: .zero, periodVolume: 1, receiveTime: t))
            buf.removeAll(keepingCapacity: true)
            encoder.append(e, to: &buf)
            if buf != ReferenceJSONEncoder.encode(e) {
                failures += 1
                if failures <= 3 { Issue.record("event \(i) at \(t): \(String(decoding: buf, as: UTF8.self))") }
            }
        }
        #expect(failures == 0)
    }

    @Test func everyDayOfTheNanosRangeHasTheCalendarDate() {
        // The encoder's own civil-date arithmetic against Time.writeISO8601 for every day from 1677 to 2262.
        var encoder = JSONEventEncoder()
        var buf: [UInt8] = []
        var want: [UInt8] = []
        var failures = 0
        let prefix = Array(#"{"type":"bar","symbol":"X","interval_s":-1,"ts":""#.utf8)
        for d in (Int64.min / Time.nanosPerDay)...(Int64.max / Time.nanosPerDay) {
            let (t, overflow) = (d * Time.nanosPerDay).addingReportingOverflow((d & 1023) * 84_000_000_000)
            let ts = overflow ? d * Time.nanosPerDay : t
            buf.removeAll(keepingCapacity: true); want.removeAll(keepingCapacity: true)
            encoder.append(.bar(Bar(symbol: Symbol(unchecked: "X"), time: ts, kind: .daily, open: .zero, high: .zero, low: .zero,
                                    close: .zero, periodVolume: 0)), to: &buf)
            Time.writeISO8601(ts, to: &want)
            if buf.count < prefix.count + 30 || Array(buf[prefix.count..<(prefix.count + 30)]) != want {
                failures += 1
                if failures <= 3 { Issue.record("day \(d): \(String(decoding: buf.prefix(90), as: UTF8.self)) want \(String(decoding: want, as: UTF8.self))") }
            }
        }
        #expect(failures == 0)
    }
}
