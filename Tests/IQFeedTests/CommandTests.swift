import Testing
@testable import IQFeed
import MarketData

@Suite struct CommandTests {
    func strip(_ s: String) -> String {
        #expect(s.hasSuffix("\r\n"))
        return String(decoding: Array(s.utf8.dropLast(2)), as: UTF8.self)
    }

    @Test func matchRecordedCommands() throws {
        let recorded = Set(try Fixture.lines("client_commands"))
        let d = EasternDateTime(year: 2021, month: 6, day: 7, hour: 10)
        let e = EasternDateTime(year: 2021, month: 6, day: 7, hour: 10, minute: 10)
        let nine30 = FilterTime(hour: 9, minute: 30), four = FilterTime(hour: 16)
        let built: [String] = [
            try IQFeedCommand.ticks("AAPL", maxDatapoints: 100, direction: .oldestFirst, requestID: "1", datapointsPerSend: 500),
            try IQFeedCommand.ticksRange("AAPL", begin: d, end: e, maxDatapoints: 50, beginFilter: nine30, endFilter: four, requestID: "1", datapointsPerSend: 500),
            try IQFeedCommand.ticksDays("AAPL", days: 2, maxDatapoints: 50, beginFilter: nine30, endFilter: four, requestID: "1", datapointsPerSend: 500),
            try IQFeedCommand.daily("AAPL", maxDatapoints: 50, requestID: "1", datapointsPerSend: 500),
            try IQFeedCommand.weekly("AAPL", maxDatapoints: 10, requestID: "1", datapointsPerSend: 500),
            try IQFeedCommand.monthly("AAPL", maxDatapoints: 10, requestID: "1", datapointsPerSend: 500),
            try IQFeedCommand.intervals("AAPL", interval: 5, maxDatapoints: 10000, direction: .newestFirst, requestID: "TEST", datapointsPerSend: 25000, type: .volume),
            try IQFeedCommand.intervalsDays("AAPL", interval: 15, days: 25, maxDatapoints: 25000, beginFilter: nine30, endFilter: four, requestID: "TEST",
                                            datapointsPerSend: 25000, type: .ticks, labelAtBeginning: true),
            try IQFeedCommand.intervalsRange("APPL", interval: 5, begin: EasternDateTime(year: 2000, month: 1, day: 1, hour: 9, minute: 30),
                                             end: EasternDateTime(year: 2001, month: 1, day: 1, hour: 16), maxDatapoints: 25000, beginFilter: nine30,
                                             endFilter: four, requestID: "TEST", datapointsPerSend: 15000),
            try IQFeedCommand.dailyRange("AAPL", begin: EasternDateTime(year: 2000, month: 1, day: 1), end: EasternDateTime(year: 2010, month: 1, day: 1),
                                         maxDatapoints: 15000, requestID: "TEST", datapointsPerSend: 25000),
            try IQFeedCommand.searchByFilter(field: .symbol, text: "AAPL", filter: .securityTypes, filterValues: [1], requestID: "abcd"),
            try IQFeedCommand.searchByFilter(field: .description, text: "APPLE", filter: .listedMarkets, filterValues: [1, 2, 3], requestID: ""),
            try IQFeedCommand.searchBySIC("78", requestID: "req"),
            try IQFeedCommand.searchByNAICS("89", requestID: "req2"),
            try IQFeedCommand.listedMarkets(requestID: "req3"), try IQFeedCommand.securityTypes(requestID: "req4"),
            try IQFeedCommand.tradeConditions(requestID: "req5"), try IQFeedCommand.sicCodes(requestID: "req6"),
            try IQFeedCommand.naicsCodes(requestID: "req7"), try IQFeedCommand.listedMarkets(),
            try IQFeedCommand.watchBars("AAPL", interval: 60, begin: EasternDateTime(year: 2018, month: 1, day: 1, hour: 9, minute: 30), maxDays: 10,
                                        maxDatapoints: 1000, beginFilter: nine30, endFilter: four, requestID: "TEST", updateInterval: 5),
            try IQFeedCommand.removeBars("AAPL", requestID: "TEST"),
            try IQFeedCommand.watch("AAPL"), try IQFeedCommand.watchTrades("AAPL"), try IQFeedCommand.unwatch("AAPL"),
            try IQFeedCommand.refresh("AAPL"), try IQFeedCommand.regionalOn("AAPL"), try IQFeedCommand.marketMakerName("MD02"),
            IQFeedCommand.newsOn(), IQFeedCommand.timestampsOff(), IQFeedCommand.requestWatches(), IQFeedCommand.unwatchAll(),
            IQFeedCommand.requestTimestamp(), IQFeedCommand.connect(), IQFeedCommand.clientStatsOn(),
            IQFeedCommand.requestCurrentUpdateFieldNames(), IQFeedCommand.requestAllUpdateFieldNames(), IQFeedCommand.requestFundamentalFieldNames(),
            try IQFeedCommand.setProtocol("6.1"),
            try IQFeedCommand.selectUpdateFields(["Symbol", "Bid", "Ask"]),
            try IQFeedCommand.selectUpdateFields(Level1Field.defaultSet.map(\.wireName)),
        ]
        for b in built {
            let line = strip(b)
            let found = recorded.contains(line)
            #expect(found, "\(line) not among recorded commands")
        }
    }

    @Test func otherCommands() throws {
        #expect(try IQFeedCommand.setProtocol() == "S,SET PROTOCOL,6.2\r\n")
        #expect(try IQFeedCommand.watchOrders("@ESZ26") == "WOR,@ESZ26\r\n")
        #expect(try IQFeedCommand.watchPriceLevels("@ESZ26", maxLevels: 10) == "WPL,@ESZ26,10\r\n")
        #expect(try IQFeedCommand.watchPriceLevels("AAPL") == "WPL,AAPL\r\n")
        #expect(try IQFeedCommand.removeOrders("AAPL") == "ROR,AAPL\r\n")
        #expect(try IQFeedCommand.removePriceLevels("AAPL") == "RPL,AAPL\r\n")
        #expect(try IQFeedCommand.regionalOff("AAPL") == "S,REGOFF,AAPL\r\n")
        #expect(IQFeedCommand.newsOff() == "S,NEWSOFF\r\n" && IQFeedCommand.timestampsOn() == "S,TIMESTAMPSON\r\n")
        #expect(IQFeedCommand.clientStatsOff() == "S,CLIENTSTATS OFF\r\n" && IQFeedCommand.disconnect() == "S,DISCONNECT\r\n")
        #expect(try IQFeedCommand.selectUpdateFields(["Bid", "Symbol", "Ask"]) == "S,SELECT UPDATE FIELDS,Symbol,Bid,Ask\r\n")
        #expect(try IQFeedCommand.daily("AAPL", maxDatapoints: nil, requestID: "mdt1") == "HDX,AAPL,,1,mdt1,\r\n")
        #expect(try IQFeedCommand.registerClientApp(productID: "P", version: "1.0") == "S,REGISTER CLIENT APP,P,1.0\r\n")
        // 12-hour clocks broke requests after noon (CS #32): always 24-hour.
        let pm = EasternDateTime(year: 2026, month: 3, day: 9, hour: 15, minute: 4, second: 5)
        #expect(pm.dateTimeText == "20260309 150405" && FilterTime(hour: 13, minute: 5).text == "130500")
        #expect(EasternDateTime(utc: Time.utcNanos(year: 2026, month: 7, day: 1, hour: 13, minute: 30)).dateTimeText == "20260701 093000")
    }

    @Test func injectionIsRejected() {
        for bad in ["AA PL", "AAPL\r\nS,UNWATCH ALL", "A,B", "", "AAPL\n", "ÄPL", String(repeating: "A", count: 65)] {
            #expect(throws: CommandError.self) { _ = try IQFeedCommand.watch(bad) }
            #expect(throws: CommandError.self) { _ = try IQFeedCommand.ticks(bad, maxDatapoints: 1, requestID: "1") }
            #expect(throws: CommandError.self) { _ = try IQFeedCommand.watchOrders(bad) }
        }
        #expect(throws: CommandError.self) { _ = try IQFeedCommand.ticks("AAPL", maxDatapoints: 1, requestID: "1,2") }
        #expect(throws: CommandError.self) { _ = try IQFeedCommand.ticks("AAPL", maxDatapoints: 1, requestID: "x\r\nHTX") }
        #expect(throws: CommandError.self) { _ = try IQFeedCommand.selectUpdateFields(["Bid\r\nS,X"]) }
        #expect(throws: CommandError.self) { _ = try IQFeedCommand.searchByFilter(field: .symbol, text: "A B", requestID: "1") }
        do { _ = try IQFeedCommand.watch("A,B"); Issue.record("accepted") } catch {
            #expect(error.description.contains("bad symbol \"A,B\""))
        }
    }
}

@Suite struct SessionTests {
    @Test func handshake() throws {
        var h = ProtocolHandshake(version: "6.2", endpoint: "127.0.0.1:5009")
        #expect(try h.command() == "S,SET PROTOCOL,6.2\r\n")
        #expect(try h.observe("S,KEY,99999") == .pending)
        #expect(try h.observe("S,SERVER CONNECTED") == .pending)
        #expect(try h.observe("S,CURRENT PROTOCOL,6.2") == .done)
        var h2 = ProtocolHandshake()
        #expect(try h2.observe("S,CURRENT PROTOCOL,6.2,") == .done)
        var h3 = ProtocolHandshake(endpoint: "h:1")
        #expect(throws: SessionError.protocolMismatch(expected: "6.2", got: "6.1", endpoint: "h:1")) { _ = try h3.observe("S,CURRENT PROTOCOL,6.1,") }
        var h4 = ProtocolHandshake(endpoint: "h:1")
        #expect(throws: SessionError.self) { _ = try h4.observe("E,6.2 is not a valid protocol.,") }
        #expect(SessionError.protocolMismatch(expected: "6.2", got: "6.0", endpoint: "h:1").description.contains("6.0"))
    }

    @Test func watchSet() throws {
        var w = WatchSet()
        #expect(try w.add(.level1("AAPL")) == "wAAPL\r\n")
        #expect(try w.add(.level1("AAPL")) == nil)
        #expect(try w.add(.orders("@ESZ26")) == "WOR,@ESZ26\r\n")
        #expect(try w.add(.priceLevels("@ESZ26", maxLevels: 5)) == "WPL,@ESZ26,5\r\n")
        #expect(try w.add(.news) == "S,NEWSON\r\n")
        #expect(throws: CommandError.self) { try w.add(.trades("BAD SYM")) }
        w.setupCommands = [try IQFeedCommand.selectUpdateFields(["Symbol", "Bid", "Ask"])]
        #expect(w.restoreCommands() == ["S,SELECT UPDATE FIELDS,Symbol,Bid,Ask\r\n", "wAAPL\r\n", "WOR,@ESZ26\r\n", "WPL,@ESZ26,5\r\n", "S,NEWSON\r\n"])
        #expect(try w.remove(.orders("@ESZ26")) == "ROR,@ESZ26\r\n")
        #expect(try w.remove(.orders("@ESZ26")) == nil)
        #expect(w.count == 3)
    }

    @Test func lookupQueueFIFO() throws {
        var q = LookupQueue()
        let spy = Symbol(unchecked: "SPY")
        q.enqueue(requestID: "mdt1", kind: .ticks, symbol: spy)
        q.enqueue(requestID: "mdt2", kind: .calendar(.daily), symbol: Symbol(unchecked: "AAPL"))
        func feed(_ s: String) throws -> LookupQueue.Event {
            let a = Array(s.utf8)
            var r: Result<LookupQueue.Event, IQFeedParseError>!
            a.withUnsafeBytes { b in do throws(IQFeedParseError) { r = .success(try q.observe(b)) } catch { r = .failure(error) } }
            return try r.get()
        }
        guard case .line("mdt1", .tick(let t)) = try feed("mdt1,LH,2026-03-09 09:30:00.5,10,1,1,9,11,7,C,5,01,0,9,") else { Issue.record("tick"); return }
        #expect(t.symbol == spy && t.tickID == 7)
        #expect(try feed("mdt2,LH,2026-03-09,1,1,1,1,1,0,") == .unexpected)  // not the head: skipped
        guard case .finished(let p1) = try feed("mdt1,!ENDMSG!,") else { Issue.record("end 1"); return }
        #expect(p1.requestID == "mdt1" && p1.rows == 1)
        guard case .line("mdt2", .bar(let b)) = try feed("mdt2,LH,2026-03-09,2,1,1,2,100,0,") else { Issue.record("bar"); return }
        #expect(b.symbol.text == "AAPL" && b.kind == .daily && b.periodVolume == 100)
        #expect(try feed("mdt2,E,!NO_DATA!,") == .line(requestID: "mdt2", .noData))
        guard case .finished = try feed("mdt2,!ENDMSG!,") else { Issue.record("end 2"); return }
        #expect(q.isIdle)
        #expect(try feed("mdt3,!ENDMSG!,") == .unexpected)
        #expect(q.counters.parsed == 5)
    }
}
