import Testing
@testable import IQFeed
import MarketData

@Suite struct Level2FixtureTests {
    @Test func marketByOrder() throws {
        var p = Level2Parser()
        let lines = try Fixture.lines("level2_mbo")
        guard case .book(let b0) = try p.parse(lines[0]) else { Issue.record("0"); return }
        #expect(b0.action == .orderSummary && b0.side == .ask && b0.symbol.text == "@ESM19")
        #expect(b0.price == px("2938.25") && b0.size == 65 && b0.orderID == 12_345_678 && b0.priority == 10)
        #expect(b0.mmid == BookUpdate.packMMID("MD01") && BookUpdate.mmidText(b0.mmid) == "MD01")
        #expect(b0.eventTime == utc(2019, 4, 24, 0, 31, 4, 876_740) && b0.receiveTime == 42)
        let actions: [BookAction] = try lines.map { l in
            guard case .book(let b) = try p.parse(l) else { throw IQFeedParseError(messageType: "test", field: "", index: 0, reason: .badValue) }
            return b.action
        }
        #expect(actions == [.orderSummary, .orderAdd, .orderUpdate, .orderSummary, .orderDelete, .orderAdd, .orderSummary,
                            .orderUpdate, .orderDelete, .orderDelete, .orderDelete])
        guard case .book(let b5) = try p.parse(lines[5]) else { return }
        #expect(b5.side == .bid && b5.priority == 11)
        guard case .book(let q) = try p.parse(lines[6]) else { return }
        #expect(q.orderID == 0 && BookUpdate.mmidText(q.mmid) == "AMEX" && q.price == px("408.84") && q.priority == 0)
        #expect(q.eventTime == utc(2022, 4, 1, 21, 52, 38, 59_128))
        guard case .book(let d) = try p.parse(lines[8], receiveTime: 99) else { return }
        #expect(d.action == .orderDelete && d.side == .bid && BookUpdate.mmidText(d.mmid) == "CHXE" && d.eventTime == 99)
        guard case .book(let es) = try p.parse(lines[10]) else { return }
        #expect(es.orderID == 648_907_593_934 && es.mmid == 0 && es.eventTime == utc(2021, 10, 25, 0, 32, 47, 333_543))
    }

    @Test func marketByPrice() throws {
        var p = Level2Parser()
        let lines = try Fixture.lines("level2_mbp")
        guard case .book(let s) = try p.parse(lines[0]) else { Issue.record("7"); return }
        #expect(s.action == .levelSummary && s.side == .bid && s.price == px("2938.25") && s.size == 65 && s.orderCount == 11)
        #expect(s.orderID == 0 && s.eventTime == utc(2019, 4, 24, 0, 31, 4, 876_740))
        guard case .book(let u) = try p.parse(lines[1]), case .book(let d) = try p.parse(lines[2]), case .book(let u2) = try p.parse(lines[3]) else {
            Issue.record("8/9"); return
        }
        #expect(u.action == .levelUpdate && d.action == .levelDelete && d.side == .ask && d.price == px("2938.25") && d.size == 0)
        #expect(u2.side == .ask && u2.orderCount == 10)
    }

    @Test func systemLines() throws {
        var p = Level2Parser()
        let lines = try Fixture.lines("level2_system")
        guard case .book(let c) = try p.parse(lines[0], receiveTime: 5) else { Issue.record("clear"); return }
        #expect(c.action == .clear && c.side == .bid && c.symbol.text == "@ESZ22" && c.eventTime == 5)
        guard case .book(let c2) = try p.parse(lines[1]) else { Issue.record("clear A"); return }
        #expect(c2.side == .ask)
        #expect(try p.parse(lines[2]) == .system(.serverDisconnected))
        #expect(try p.parse(lines[3]) == .system(.serverConnected))
        #expect(try p.parse(lines[4]) == .ignored)
        for l in lines { _ = try p.parse(l) }
        #expect(try p.parse("q,@ESZ26") == .noDepth("@ESZ26"))
        #expect(try p.parse("n,NOPE") == .symbolNotFound("NOPE"))
        #expect(try p.parse("E,!SYNTAX_ERROR!,") == .error("!SYNTAX_ERROR!"))
        #expect(try p.parse("S,CURRENT PROTOCOL,6.2") == .system(.currentProtocol("6.2")))
        guard case .timestamp(let t) = try p.parse("T,20221024 20:32:47") else { Issue.record("T"); return }
        #expect(t == utc(2022, 10, 25, 0, 32, 47))
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("S,CLEAR DEPTH,@ESZ22,X,") }
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("3,@ES,1,,B,notaprice,1,1,2,10:00:00.0,2021-01-01,") }
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("3,@ES,1,,B,1.0,1,1,2,10:00:00.0,2021-13-01,") }
    }

    @Test func legacyDepth() throws {
        var p = Level2Parser()
        let lines = try Fixture.lines("level2_legacy")
        guard case .legacy(let z) = try p.parse(lines[0]) else { Issue.record("Z"); return }
        #expect(z.kind == .summary && z.symbol.text == "@ES#" && BookUpdate.mmidText(z.mmid) == "MD01")
        #expect(z.bid == px("2982.25") && z.ask == px("2982.5") && z.bidSize == 99 && z.askSize == 238)
        #expect(z.bidTime == utc(2019, 10, 18, 16, 49, 52, 696_621) && z.askTime == utc(2019, 10, 18, 16, 49, 52, 541_104))
        #expect(z.bidValid && z.askValid)
        #expect(try p.parse(lines[2]) == .marketMaker(id: "MD02", name: "Market depth 2"))
        guard case .legacy(let two) = try p.parse(lines[3]) else { Issue.record("2"); return }
        #expect(two.kind == .update && two.bid == px("2938"))
        guard case .legacy(let u) = try p.parse(lines[4]) else { Issue.record("U"); return }
        #expect(u.kind == .legacyU && u.bidTime == nil && u.askTime == nil && !u.bidValid && u.bid == .zero)
        guard case .legacy(let n) = try p.parse(lines[16]) else { Issue.record("U NSDQ"); return }
        #expect(BookUpdate.mmidText(n.mmid) == "NSDQ" && n.bid == px("12.4") && n.ask == px("12.41") && n.bidSize == 100 && n.askSize == 50)
        #expect(n.bidTime == utc(2021, 7, 6, 9, 57, 58) && n.askTime == utc(2021, 7, 6, 9, 58, 0) && n.bidValid)
        for l in lines { _ = try p.parse(l) }
        #expect(p.counters.failed == 0)
    }
}
