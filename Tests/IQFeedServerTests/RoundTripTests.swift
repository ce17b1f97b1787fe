import IQFeed
import IQFeedServer
import MarketData
import Testing

/// The server's lines parsed by the IQFeed client module give back exactly the generated events.
@Suite struct RoundTripTests {
    let market = SyntheticMarket(seed: 11, symbols: 60)
    let day = Time.daysFromCivil(year: 2026, month: 3, day: 5)

    func parse<T>(_ line: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try line.withUnsafeBytes { try body($0) }
    }

    @Test(arguments: ["AAA", "@ESZ26"])
    func tickRows(_ text: String) throws {
        let sym = Symbol(unchecked: text)
        let ticks = market.dayTicks(sym, day: day)
        #expect(!ticks.isEmpty)
        var p = LookupReplyParser(kind: .ticks, symbol: sym, requestID: "7")
        for t in ticks {
            var line: [UInt8] = []
            LookupRows.writeTick(t, requestID: "7", into: &line)
            let parsed = try parse(line) { try p.parse($0) }
            #expect(parsed == .tick(t), "\(String(decoding: line, as: UTF8.self))")
        }
        let end = Array(LookupRows.endLine("7").utf8)
        #expect(try parse(end) { try p.parse($0) } == .end)
    }

    @Test func intervalAndCalendarRows() throws {
        let sym = Symbol(unchecked: "AAB")
        let from = TradingCalendar.midnight(day: day - 40), to = TradingCalendar.midnight(day: day + 1) - 1
        var pi = LookupReplyParser(kind: .intervals(.seconds(300)), symbol: sym, requestID: "I")
        for b in market.bars(sym, kind: .seconds(300), from: TradingCalendar.midnight(day: day), to: to) {
            var line: [UInt8] = []
            LookupRows.writeInterval(b, requestID: "I", into: &line)
            #expect(try parse(line) { try pi.parse($0) } == .bar(b), "\(String(decoding: line, as: UTF8.self))")
        }
        for kind in [BarKind.daily, .weekly, .monthly] {
            var pd = LookupReplyParser(kind: .calendar(kind), symbol: sym, requestID: "D")
            for b in market.bars(sym, kind: kind, from: from, to: to) {
                var line: [UInt8] = []
                LookupRows.writeDaily(b, requestID: "D", into: &line)
                #expect(try parse(line) { try pd.parse($0) } == .bar(b), "\(kind) \(String(decoding: line, as: UTF8.self))")
            }
        }
    }

    @Test(arguments: ["AAC", "@ESZ26"])
    func level2Rows(_ text: String) throws {
        var m = market
        let i = try #require(m.index(of: text))
        var p = Level2Parser()
        let t0 = Eastern.utcNanos(year: 2026, month: 3, day: 5, hour: 11)
        for k in 0..<500 {
            let ch = m.nextL2(i, time: t0 + Int64(k) * 1_000_000)
            var line: [UInt8] = []
            m.writeOrderChange(ch, index: i, into: &line)
            let parsed = try parse(line) { try p.parse($0, receiveTime: 0) }
            guard case .book(let u) = parsed else { Issue.record("not a book row: \(String(decoding: line, as: UTF8.self))"); return }
            #expect(u == m.bookUpdate(i, ch), "\(String(decoding: line, as: UTF8.self))")
        }
    }
}
