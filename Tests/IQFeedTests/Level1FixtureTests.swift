import Testing
@testable import IQFeed
import MarketData

@Suite struct Level1FixtureTests {
    /// A parser whose trading date is set by a `T` line of the same session.
    func parser(date: String = "T,20210630 13:44:36") throws -> Level1Parser {
        var p = Level1Parser()
        _ = try p.parse(date)
        return p
    }

    @Test func qLinesFieldValues() throws {
        let lines = try Fixture.lines("level1_Q")
        #expect(lines.count == 7)
        var p = try parser()
        guard case .update(let u) = try p.parse(lines[0]) else { Issue.record("Q not an update"); return }
        #expect(!u.isSummary)
        #expect(u.symbol.text == "SPY")
        #expect(u.contents == .lastQualifiedTrade)
        #expect(u.quote == nil)
        let t = try #require(u.trade)
        #expect(t.price == Price(units: 427, nanos: 855_000_000))
        #expect(t.size == 300)
        #expect(t.eventTime == utc(2021, 6, 30, 17, 29, 35, 963_557))  // EDT
        #expect(t.receiveTime == 42)
        #expect(t.marketCenter == 19)
        #expect(t.totalVolume == 22_748_386)
        #expect(t.bid == px("427.85") && t.ask == px("427.86"))
        #expect(t.basis == UInt8(ascii: "C"))
        #expect(t.conditions == 0x01)
        #expect(u.open == px("427.21") && u.high == px("428.38") && u.low == px("427.18") && u.close == px("427.70"))

        guard case .update(let u2) = try p.parse(lines[1]), let t2 = u2.trade else { Issue.record("line 2"); return }
        #expect(t2.basis == UInt8(ascii: "O") && t2.conditions == 0x8717 && t2.size == 13)
        #expect(t2.eventTime == utc(2021, 6, 30, 20, 53, 16, 164_236))
        #expect(u2.quote == nil)

        guard case .update(let u3) = try p.parse(lines[2]) else { Issue.record("line 3"); return }
        #expect(u3.trade == nil)
        let q = try #require(u3.quote)
        #expect(q.bid == px("322.68") && q.bidSize == 100 && q.ask == px("322.87") && q.askSize == 100)
        #expect(q.last == px("322.75") && q.totalVolume == 37_629_453)
        #expect(q.eventTime == 42)  // no Bid/Ask Time in the default set: receive time
        #expect(u3.contents == [.bid, .ask])

        // Line 5 is truncated: a classified error naming the field.
        do {
            _ = try p.parse(lines[4])
            Issue.record("truncated Q line parsed")
        } catch let e as IQFeedParseError {
            #expect(e.messageType == "Q")
            #expect(e.reason == .missingField)
            #expect(e.index == 6)
            #expect(e.field == "Total Volume")
        }
        // Line 6: extra trailing fields are tolerated; Open/High/Low empty.
        guard case .update(let u6) = try p.parse(lines[5]) else { Issue.record("line 6"); return }
        #expect(u6.open == nil && u6.close == px("123"))
        #expect(u6.trade?.price == px("123") && u6.quote?.ask == px("123.05"))
        // Line 7 (a CS test line) is one field short of the default set once the trailing comma is dropped.
        do {
            _ = try p.parse(lines[6])
            Issue.record("short GME line parsed")
        } catch let e as IQFeedParseError {
            #expect(e.index == 16 && e.field == "Most Recent Trade Conditions" && e.reason == .missingField)
            #expect(e.description.contains("Q line: field 16 'Most Recent Trade Conditions'"))
        }
        #expect(p.counters.parsed == 5 && p.counters.failed == 2)  // T + 4 good, 2 bad
    }

    @Test func pLinesAndSelectedFieldset() throws {
        let lines = try Fixture.lines("level1_P")
        var p = try parser()
        guard case .update(let u) = try p.parse(lines[1]) else { Issue.record("P"); return }
        #expect(u.isSummary && u.symbol.text == "AAPL")
        #expect(u.contents == [.lastQualifiedTrade, .bid, .ask, .open, .high, .low, .close, .volume])
        #expect(u.trade?.price == px("134.62") && u.trade?.conditions == 0x8717)
        #expect(u.trade?.eventTime == utc(2021, 6, 30, 23, 59, 58, 900_064))
        #expect(u.quote?.bid == px("134.62") && u.quote?.askSize == 700)
        #expect(u.quote?.eventTime == u.trade?.eventTime)
        // Line 3 is the reply after S,SELECT UPDATE FIELDS,Symbol,Bid,Ask: wrong for the default set...
        #expect(throws: IQFeedParseError.self) { _ = try p.parse(lines[2]) }
        // ...and right once the fieldset announcement has been seen.
        guard case .system(.currentUpdateFieldNames(let names)) = try p.parse("S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask") else {
            Issue.record("fieldnames"); return
        }
        #expect(names == ["Symbol", "Bid", "Ask"])
        #expect(p.fieldSet == [.symbol, .bid, .ask])
        guard case .update(let u3) = try p.parse(lines[2]) else { Issue.record("P 3"); return }
        #expect(u3.quote?.bid == px("134.62") && u3.quote?.ask == px("134.65") && u3.trade == nil)
        // Back to the default set.
        _ = try p.parse("S,CURRENT UPDATE FIELDNAMES," + Level1Field.defaultSet.map(\.wireName).joined(separator: ","))
        guard case .update(let u5) = try p.parse(lines[4]) else { Issue.record("P 5"); return }
        #expect(u5.trade?.size == 52500 && u5.totalVolume == 0 && u5.open == nil && u5.close == px("187.97"))
        for l in lines where l != lines[2] { _ = try p.parse(l) }
    }

    @Test func selectedFieldsetWithTimesAndTickID() throws {
        var p = try parser()
        _ = try p.parse("S,CURRENT UPDATE FIELDNAMES,Symbol,Most Recent Trade,Most Recent Trade Size,Most Recent Trade Time,Most Recent Trade Date,TickID,Bid,Bid Time,Ask,Ask Time,Message Contents,Most Recent Trade Aggressor,Some New Field")
        guard case .update(let u) = try p.parse("Q,@ESZ26,4411.50,2,10:15:01.000123,11/02/2026,777,4411.25,10:15:01.5,4411.50,10:15:02,Cba,1,xyz,") else {
            Issue.record("update"); return
        }
        let t = try #require(u.trade)
        #expect(t.eventTime == utc(2026, 11, 2, 15, 15, 1, 123))  // EST after 2026-11-01
        #expect(t.tickID == 777 && t.aggressor == 1)
        #expect(u.quote?.eventTime == utc(2021, 6, 30, 14, 15, 2))  // bid/ask times sit on the T date (EDT)
    }

    @Test func fundamentalsRegionalNewsCorrections() throws {
        var p = try parser()
        let f = try Fixture.lines("level1_F")
        guard case .fundamental(let spy) = try p.parse(f[0]) else { Issue.record("F"); return }
        #expect(spy.symbol.text == "SPY" && spy.companyName == "SPDR S&P 500" && spy.securityType == 1 && spy.listedMarket == 11)
        #expect(spy.fieldCount == 57)
        guard case .fundamental(let aapl) = try p.parse(f[1]) else { Issue.record("F2"); return }
        #expect(aapl.companyName == "APPLE" && aapl.securityType == 1 && aapl.listedMarket == 21 && aapl.precision == 4)
        for l in f { _ = try p.parse(l) }

        let r = try Fixture.lines("level1_R")
        guard case .regional(let rq) = try p.parse(r[0]) else { Issue.record("R"); return }
        #expect(rq.symbol.text == "AAPL" && rq.bid == px("137.02") && rq.bidSize == 2100 && rq.ask == px("137.03") && rq.askSize == 1500)
        #expect(rq.bidTime == utc(2021, 6, 30, 18, 44, 54) && rq.marketCenter == 5)
        for l in r { guard case .regional = try p.parse(l) else { Issue.record("R line"); return } }

        let n = try Fixture.lines("level1_N")
        guard case .news(let h) = try p.parse(n[0]) else { Issue.record("N"); return }
        #expect(h.distributor == "CBW" && h.storyID == "22433515272" && h.symbols == ["WBA"])
        #expect(h.time == utc(2021, 6, 30, 19, 28, 23))
        #expect(h.headline == "Walgreens Honors Veterans, Active Duty Military and Families with W...")
        guard case .news(let h2) = try p.parse(n[1]) else { Issue.record("N2"); return }
        #expect(h2.symbols == ["AAPL", "NFLX"] && h2.headline == "Very cool news" && h2.time == utc(2000, 1, 2, 20, 20, 1))

        let c = try Fixture.lines("level1_C")
        guard case .correction(let c1) = try p.parse(c[0]) else { Issue.record("C"); return }
        #expect(c1.kind == .insert && !c1.hasTradeType && c1.trade.price == px("183.36") && c1.trade.size == 13)
        #expect(c1.trade.tickID == 101123 && c1.trade.conditions == 0x8801 && c1.trade.marketCenter == 17)
        #expect(c1.trade.eventTime == utc(2021, 3, 30, 23, 59, 14, 503_633))
        guard case .correction(let c2) = try p.parse(c[1]) else { Issue.record("C2"); return }
        #expect(c2.kind == .delete && c2.hasTradeType && c2.trade.basis == 0 && c2.trade.price == px("619.05"))
        #expect(c2.trade.size == 15000 && c2.trade.tickID == 1_296_380_724 && c2.trade.marketCenter == 19 && c2.trade.eventTime == 42)
        guard case .correction(let c3) = try p.parse(c[2]) else { Issue.record("C3"); return }
        #expect(c3.kind == .insert && c3.trade.basis == UInt8(ascii: "O") && c3.trade.eventTime == utc(2025, 7, 16, 4, 0, 0))
        for l in c { guard case .correction = try p.parse(l) else { Issue.record("C line"); return } }
    }

    @Test func timestampsSystemAndErrors() throws {
        var p = Level1Parser()
        let t = try Fixture.lines("level1_T")
        guard case .timestamp(let ts) = try p.parse(t[0]) else { Issue.record("T"); return }
        #expect(ts == utc(2021, 6, 30, 17, 44, 36))
        #expect(p.tradingDate == (2021, 6, 30))
        guard case .timestamp(let ts2) = try p.parse(t[5]) else { Issue.record("T6"); return }
        #expect(ts2 == utc(2018, 7, 9, 18, 18, 31))
        for l in t { guard case .timestamp = try p.parse(l) else { Issue.record("T line"); return } }

        let s = try Fixture.lines("system_S")
        var kinds: [String] = []
        for l in s {
            guard case .system(let m) = try p.parse(l) else { Issue.record("S line \(l)"); continue }
            switch m {
            case .key(let k): #expect(k == "99999"); kinds.append("key")
            case .serverConnected: kinds.append("connected")
            case .serverDisconnected: kinds.append("disconnected")
            case .customer(let c):
                #expect(c.serviceType == "real_time" && c.iqconnectVersion == "6.1.0.20" && c.maxSymbols == 500)
                #expect(c.services.contains("NASDAQ-L2"))
                kinds.append("cust")
            case .currentProtocol(let v): #expect(v == "6.1" || v == "6.0"); kinds.append("protocol")
            case .watches(let w): #expect(w == ["FB"] || w == [] || w == ["AAPL"]); kinds.append("watches")
            case .fundamentalFieldNames(let n): #expect(n.count == 57 && n.last == "Security SubType"); kinds.append("ffn")
            case .updateFieldNames(let n): #expect(n.count == 70); kinds.append("ufn")
            case .currentUpdateFieldNames: kinds.append("cufn")
            case .ip(let ips): #expect(ips.count >= 2); kinds.append("ip")
            case .other(let name, _): kinds.append(name)
            default: kinds.append("?")
            }
        }
        #expect(kinds.filter { $0 == "watches" }.count == 3)
        #expect(kinds.contains("CURRENT LOGINID") && kinds.contains("AUTOCONNECT ON") && kinds.contains("CURRENT PASSWORD"))
        #expect(!kinds.contains("?"))
        // The last CURRENT UPDATE FIELDNAMES in the capture selected Symbol,Bid,Ask? No: it is the default 16 or the 3.
        #expect(p.fieldSet.first == .symbol)

        let e = try Fixture.lines("errors")
        #expect(try p.parse(e[0]) == .symbolNotFound("NOTFOUND"))
        #expect(try p.parse(e[1]) == .error("Disconnected from server"))
        #expect(try p.parse(e[2]) == .symbolNotFound("AAPL"))
        #expect(try p.parse("S,STATS,,,0,0,1,0,0,0,,,Not Connected,6.0.0.4,474614,0,0,,0.02,0.02,,") != .error(""))
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("X,1,2") }
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("QQ,1,2") }
    }

    @Test func sentinelTimeMeansNoValue() throws {
        var p = try parser()
        guard case .update(let u) = try p.parse("Q,AAPL,1.00,5,99:99:99.139000,11,10,0.99,1,1.01,2,,,,,C,01,", receiveTime: 777) else {
            Issue.record("update"); return
        }
        #expect(u.trade?.eventTime == 777)
        guard case .update(let u2) = try p.parse("Q,AAPL,1.00,5,25:00:00,11,10,0.99,1,1.01,2,,,,,C,01,", receiveTime: 778) else {
            Issue.record("update"); return
        }
        #expect(u2.trade?.eventTime == 778)
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("Q,AAPL,1.00,5,12:61:00,11,10,0.99,1,1.01,2,,,,,C,01,") }
    }

    @Test func tradeJustBeforeMidnightAfterTPastMidnight() throws {
        var p = try parser(date: "T,20210701 00:00:02")
        guard case .update(let u) = try p.parse("Q,SPY,1.00,5,23:59:59.500000,11,10,0.99,1,1.01,2,,,,,C,01,") else { Issue.record("u"); return }
        #expect(u.trade?.eventTime == utc(2021, 7, 1, 3, 59, 59, 500_000))  // 2021-06-30 23:59:59.5 EDT
    }
}
