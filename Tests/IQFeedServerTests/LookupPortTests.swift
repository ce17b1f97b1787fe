import Foundation
import IQFeedServer
import MarketData
import Testing

@Suite struct LookupPortTests {
    func expectedRows(_ id: String, ticks: [Trade]) -> [String] {
        ticks.map { var out: [UInt8] = []; LookupRows.writeTick($0, requestID: id, into: &out); return String(decoding: out, as: UTF8.self) }
    }
    func expectedRows(_ id: String, intervals: [Bar]) -> [String] {
        intervals.map { var out: [UInt8] = []; LookupRows.writeInterval($0, requestID: id, into: &out); return String(decoding: out, as: UTF8.self) }
    }
    func expectedRows(_ id: String, daily: [Bar]) -> [String] {
        daily.map { var out: [UInt8] = []; LookupRows.writeDaily($0, requestID: id, into: &out); return String(decoding: out, as: UTF8.self) }
    }

    func request(_ c: RawClient, _ cmd: String, id: String) -> [String] {
        c.send(cmd)
        var rows = c.lines(until: { $0 == LookupRows.endLine(id) }, timeout: 20)
        #expect(rows.last == LookupRows.endLine(id), "\(cmd) did not end with ENDMSG")
        rows.removeLast()
        return rows
    }

    @Test func everyHistoryKindReturnsTheDeterministicRows() throws {
        let s = try makeServer()
        defer { s.stop() }
        let m = s.historySource
        let c = try client(s, .lookup)
        c.send("S,SET PROTOCOL,6.2")
        #expect(c.nextLine() == "S,CURRENT PROTOCOL,6.2")
        let aaa = Symbol(unchecked: "AAA"), es = Symbol(unchecked: "@ESZ26")
        let today = TradingCalendar.easternDay(fixedNow)
        let midnight = TradingCalendar.midnight(day: today)

        // HTT: a half-hour, oldest first.
        let a = Eastern.utcNanos(year: 2026, month: 3, day: 5, hour: 10), b = Eastern.utcNanos(year: 2026, month: 3, day: 5, hour: 10, minute: 30)
        let htt = request(c, "HTT,AAA,20260305 100000,20260305 103000,,,,1,q1,100", id: "q1")
        #expect(!htt.isEmpty)
        #expect(htt == expectedRows("q1", ticks: m.ticks(aaa, from: a, to: b)))
        let realTick = try fixture("lookup_HTX_p62")[1]
        #expect(fields(htt[0]).count == fields(realTick).count + 1) // the fixture lacks the trailing comma

        // HTX: newest first, 25 most recent.
        let htx = request(c, "HTX,AAA,25,0,q2,100", id: "q2")
        #expect(htx == expectedRows("q2", ticks: Array(m.ticks(aaa, from: midnight, to: fixedNow).suffix(25).reversed())))

        // HTD with time filters.
        let htd = request(c, "HTD,AAA,2,,100000,120000,1,q3,100", id: "q3")
        let htdExpected = m.ticks(aaa, from: TradingCalendar.midnight(day: today - 1), to: fixedNow).filter {
            let sod = Eastern.local($0.eventTime).secondOfDay
            return sod >= 36_000 && sod <= 43_200
        }
        #expect(htd == expectedRows("q3", ticks: htdExpected))

        // HIT / HIX / HID.
        let hit = request(c, "HIT,AAA,300,20260305 093000,20260305 160000,,,,1,q4,100,s,0", id: "q4")
        let hitExpected = m.bars(aaa, kind: .seconds(300), from: Eastern.utcNanos(year: 2026, month: 3, day: 5, hour: 9, minute: 30),
                                 to: Eastern.utcNanos(year: 2026, month: 3, day: 5, hour: 16))
        #expect(hit == expectedRows("q4", intervals: hitExpected))
        #expect(hit.count > 40)
        let realHIX = try fixture("lookup_HIX_p62")[0]
        #expect(fields(hit[0]).count == fields(realHIX).count)
        let hix = request(c, "HIX,AAA,60,10,1,q5,100,s", id: "q5")
        #expect(hix == expectedRows("q5", intervals: Array(m.bars(aaa, kind: .seconds(60), from: midnight, to: fixedNow).suffix(10))))
        let hid = request(c, "HID,AAA,3600,1,,,,0,q6,100,s,0", id: "q6")
        #expect(hid == expectedRows("q6", intervals: m.bars(aaa, kind: .seconds(3600), from: midnight, to: fixedNow).reversed()))

        // Daily / weekly / monthly.
        let wide = TradingCalendar.midnight(day: today - 400)
        let hdx = request(c, "HDX,@ESZ26,5,1,q7,100", id: "q7")
        #expect(hdx == expectedRows("q7", daily: Array(m.bars(es, kind: .daily, from: wide, to: fixedNow).suffix(5))))
        let realHDX = try fixture("lookup_HDX_p62")[0]
        #expect(fields(hdx[0]).count == fields(realHDX).count)
        #expect(fields(hdx[0])[3].split(separator: ".").last?.count == 2)
        let hdt = request(c, "HDT,AAA,20260201,20260228,,1,q8,100", id: "q8")
        #expect(hdt.count == 19)
        #expect(hdt == expectedRows("q8", daily: m.bars(aaa, kind: .daily, from: Eastern.utcNanos(year: 2026, month: 2, day: 1),
                                                       to: Eastern.utcNanos(year: 2026, month: 2, day: 28, hour: 23, minute: 59))))
        let hwx = request(c, "HWX,AAA,3,1,q9,100", id: "q9")
        #expect(hwx == expectedRows("q9", daily: Array(m.bars(aaa, kind: .weekly, from: wide, to: fixedNow).suffix(3))))
        let hmx = request(c, "HMX,AAA,2,1,q10,100", id: "q10")
        #expect(hmx == expectedRows("q10", daily: Array(m.bars(aaa, kind: .monthly, from: wide, to: fixedNow).suffix(2))))
        #expect(hmx.count == 2)

        // Without a RequestID there is no prefix.
        let bare = request(c, "HDX,AAA,2,1", id: "")
        #expect(bare.count == 2 && bare.allSatisfy { $0.hasPrefix("LH,") })
    }

    @Test func errorsEndWithEndMessage() throws {
        let s = try makeServer()
        defer { s.stop() }
        let c = try client(s, .lookup)
        #expect(request(c, "HTX,NOSUCH,10,1,e1", id: "e1") == ["e1,E,Invalid symbol.,"])
        #expect(request(c, "HTT,AAA,20260307 100000,20260307 110000,,,,1,e2", id: "e2") == ["e2,E,!NO_DATA!,"]) // Saturday
        #expect(request(c, "HTX,AAA,abc,1,e3", id: "e3") == ["e3,E,!SYNTAX_ERROR!,"])
        #expect(request(c, "SBF,s,AAA,,,", id: "") == ["E,!SYNTAX_ERROR!,"])
        let real = try fixture("errors")
        #expect(real.contains("999,!ENDMSG!,"))
    }

    @Test func requestsOnOneSocketAreAnsweredInOrder() throws {
        let s = try makeServer()
        defer { s.stop() }
        let c = try client(s, .lookup)
        c.send("HDX,AAA,3,1,r1"); c.send("HTX,AAB,5,1,r2"); c.send("HDX,AAC,2,1,r3")
        let lines = c.lines(until: { $0 == "r3,!ENDMSG!," }, timeout: 20)
        let ids = lines.map { fields($0)[0] }
        #expect(ids == Array(repeating: "r1", count: 4) + Array(repeating: "r2", count: 6) + Array(repeating: "r3", count: 3))
    }

    @Test func rateLimitAnswersTooManyRequests() throws {
        let s = try makeServer { $0.lookupRateLimit = 2 }
        defer { s.stop() }
        let c = try client(s, .lookup)
        for i in 0..<8 { c.send("HDX,AAA,1,1,x\(i)") }
        let lines = c.lines(until: { $0 == "x7,!ENDMSG!," }, timeout: 20)
        let limited = lines.filter { $0.hasSuffix(",E,Too many simultaneous history requests.,") }
        #expect(limited.count >= 5)
        for l in limited {
            let id = fields(l)[0]
            let i = try #require(lines.firstIndex(of: l))
            #expect(lines[i + 1] == "\(id),!ENDMSG!,")
        }
    }
}
