import Testing
@testable import IQFeed
import MarketData

@Suite struct LookupFixtureTests {
    let aapl = Symbol(unchecked: "AAPL")

    /// Parses every line of a file; returns the data lines and the number of end markers.
    func parseAll(_ name: String, kind: LookupKind, requestID: String? = nil) throws -> (rows: [LookupLine], ends: Int) {
        var p = LookupReplyParser(kind: kind, symbol: aapl, requestID: requestID)
        var rows: [LookupLine] = []
        var ends = 0
        for l in try Fixture.lines(name) {
            let r = try p.parse(l)
            if r == .end { ends += 1 } else { rows.append(r) }
        }
        #expect(p.counters.failed == 0)
        return (rows, ends)
    }

    func trades(_ rows: [LookupLine]) -> [Trade] { rows.compactMap { if case .tick(let t) = $0 { t } else { nil } } }
    func bars(_ rows: [LookupLine]) -> [Bar] { rows.compactMap { if case .bar(let b) = $0 { b } else { nil } } }

    @Test func ticks61() throws {
        let (rows, ends) = try parseAll("lookup_HTX_p61", kind: .ticks)
        let t = trades(rows)
        #expect(t.count == rows.count && ends == 2 && t.count == 81)
        #expect(t[0].eventTime == utc(2021, 3, 4, 0, 58, 32, 254_017))  // 19:58 EST
        #expect(t[0].price == px("1.54") && t[0].size == 238 && t[0].totalVolume == 4_813_134)
        #expect(t[0].bid == px("1.51") && t[0].ask == px("1.54") && t[0].tickID == 597)
        #expect(t[0].basis == UInt8(ascii: "E") && t[0].marketCenter == 11 && t[0].conditions == 0x17 && t[0].aggressor == 0)
        #expect(t[1].conditions == 0x8717 && t[1].basis == UInt8(ascii: "O") && t[1].symbol == aapl)
        #expect(t[t.count - 3].eventTime == utc(2021, 3, 1, 9, 12, 35, 404_782))  // 04:12 EST
        #expect(t[t.count - 3].tickID == 13 && t[t.count - 3].aggressor == 0)
        #expect(t.last?.aggressor == 2 && t.last?.tickID == 4_145_784_264)  // CS 6.1 line with RequestID XYZ
    }

    @Test func ticks60AndCSLines() throws {
        let (rows, ends) = try parseAll("lookup_HTX_p60", kind: .ticks)
        let t = trades(rows)
        #expect(t.count == rows.count && ends == 1 && t.count == 52)
        #expect(t[0].eventTime == utc(2020, 4, 1, 12, 50, 57, 663_329))  // EDT
        #expect(t[0].price == px("1.19") && t[0].size == 25 && t[0].tickID == 1 && t[0].marketCenter == 26 && t[0].conditions == 0x8717)
        let cs = t[t.count - 1]
        #expect(cs.tickID == 4_145_784_264 && cs.size == 1_061_909 && cs.totalVolume == 0 && cs.conditions == 0x143A && cs.basis == UInt8(ascii: "O"))
        #expect(cs.eventTime == utc(2018, 4, 17, 21, 51, 22, 123_456))
        #expect(t[t.count - 2] == cs)  // the XYZ-prefixed copy parses the same
    }

    @Test func ticks62WithTagAndID() throws {
        let (rows, _) = try parseAll("lookup_HTX_p62", kind: .ticks)
        let t = trades(rows)
        #expect(t.count == 2 && t[0] == t[1])
        #expect(t[0].aggressor == 2 && t[0].tickID == 4_145_784_264 && t[0].price == px("96.07"))
        var p = LookupReplyParser(kind: .ticks, symbol: aapl, requestID: "mdt7")
        guard case .tick(let x) = try p.parse("mdt7,LH,2026-03-09 09:30:00.000001,10.5,100,1000,10.4,10.6,55,C,5,01,1,9,") else {
            Issue.record("tick"); return
        }
        #expect(x.eventTime == utc(2026, 3, 9, 13, 30, 0, 1) && x.aggressor == 1)
        #expect(try p.parse("mdt7,!ENDMSG!,") == .end)
        #expect(try p.parse("mdt7,E,!NO_DATA!,") == .noData)
        #expect(try p.parse("mdt7,E,Too many simultaneous history requests") == .error(.rateLimited("Too many simultaneous history requests")))
    }

    @Test func ticksLegacy() throws {
        for id in ["1", nil] as [String?] {
            let (rows, ends) = try parseAll("lookup_HTX_legacy", kind: .ticks, requestID: id)
            let t = trades(rows)
            #expect(t.count == rows.count && ends == 3 && t.count == 36)
            #expect(t[0].eventTime == utc(2021, 6, 9, 19, 34, 59) && t[0].price == px("126.125") && t[0].size == 100)
            #expect(t[0].totalVolume == 55_829_120 && t[0].tickID == 126_639 && t[0].basis == UInt8(ascii: "C"))
        }
    }

    @Test func intervals() throws {
        let (r61, e61) = try parseAll("lookup_HIX_p61", kind: .intervals(.seconds(1)))
        let b = bars(r61)
        #expect(b.count == r61.count && b.count == 41 && e61 == 2)
        #expect(b[0].time == utc(2021, 3, 4, 0, 58, 32) && b[0].high == px("1.54") && b[0].totalVolume == 4_813_134)
        #expect(b[0].periodVolume == 388 && b[0].trades == 0 && b[0].kind == .seconds(1))
        let last = try #require(b.last)
        #expect(last.open == px("1.01") || last.periodVolume > 0)

        let (r62, _) = try parseAll("lookup_HIX_p62", kind: .intervals(.seconds(60)))
        let x = try #require(bars(r62).first)
        #expect(x.time == utc(2023, 6, 28, 4, 0, 0) && x.high == px("4411.50") && x.low == px("4411.25"))
        #expect(x.open == px("4411.25") && x.close == px("4411.50") && x.totalVolume == 42885 && x.periodVolume == 55 && x.trades == 0)

        let (rl, el) = try parseAll("lookup_HIX_legacy", kind: .intervals(.seconds(3600)))
        let bl = bars(rl)
        #expect(bl.count == rl.count && el == 5)
        #expect(bl[0].time == utc(2021, 6, 7, 9, 0, 0) && bl[0].high == px("125.65") && bl[0].low == px("125.2"))
        #expect(bl[0].open == px("125.64") && bl[0].close == px("125.36") && bl[0].totalVolume == 60645 && bl[0].periodVolume == 47095)
    }

    @Test func dailyWeeklyMonthly() throws {
        let (r61, _) = try parseAll("lookup_HDX_p61", kind: .calendar(.daily))
        let b = bars(r61)
        #expect(b.count == r61.count && b.count > 90)
        #expect(b[0].time == utc(2021, 3, 26, 4, 0, 0) && b[0].kind == .daily)
        #expect(b[0].high == px("1.47") && b[0].low == px("1.31") && b[0].open == px("1.46") && b[0].close == px("1.36"))
        #expect(b[0].periodVolume == 4_713_611 && b[0].openInterest == 0)

        let (r62, _) = try parseAll("lookup_HDX_p62", kind: .calendar(.daily))
        let d = try #require(bars(r62).first)
        #expect(d.time == utc(2022, 8, 2, 4, 0, 0) && d.periodVolume == 3 && d.openInterest == 1103 && d.high == px("4167.25"))

        let (rl, el) = try parseAll("lookup_HDX_legacy", kind: .calendar(.monthly), requestID: "1")
        let bl = bars(rl)
        #expect(bl.count == rl.count && el == 4)
        #expect(bl[0].time == utc(2021, 3, 31, 4, 0, 0))  // the legacy time-of-day is ignored
        #expect(bl.contains { $0.periodVolume == 3_886_793_083 })
        #expect(bl[0].time != utc(2021, 3, 31, 21, 28, 55))
    }

    @Test func symbolsTablesChainsNews() throws {
        let lines = try Fixture.lines("lookup_symbols")
        // Line ranges (1-based) of the CS fixture by command, then the recorded SBF/SBS/SBN replies with id 1.
        let plan: [(ClosedRange<Int>, LookupKind)] = [
            (1...6, .symbolSearch(code: false)), (7...18, .symbolSearch(code: true)), (19...38, .table),
            (39...47, .symbolSearch(code: false)), (48...65, .symbolSearch(code: true)),
        ]
        var symbols: [SymbolSearchRow] = []
        for (range, kind) in plan {
            for i in range {
                let l = lines[i - 1]
                let id: String? = l.hasPrefix("TESTREQUEST,") ? "TESTREQUEST" : (i >= 39 ? "1" : nil)
                var p = LookupReplyParser(kind: kind, symbol: aapl, requestID: id)
                let r = try p.parse(l)
                switch r {
                case .symbol(let s): symbols.append(s)
                case .fields(let f): #expect(!f.isEmpty && f[0] != "TESTREQUEST" && f[0] != "LS")
                case .end: #expect(l.hasSuffix("!ENDMSG!,"))
                default: Issue.record("line \(i) gave \(r)")
                }
            }
        }
        #expect(symbols[0] == SymbolSearchRow(code: "", symbol: "E", listedMarket: 7, securityType: 1, description: "ENI"))
        #expect(symbols[1] == symbols[0])
        #expect(symbols.contains(SymbolSearchRow(code: "", symbol: "BRSI", listedMarket: 3, securityType: 1, description: "BALLISTIC RECOVERY SYSTEMS, IN")))
        #expect(symbols.contains(SymbolSearchRow(code: "8322", symbol: "PRSC", listedMarket: 1, securityType: 1, description: "PROVIDENCE,SERVICE,CORP")))
        #expect(symbols.contains(SymbolSearchRow(code: "", symbol: "AAPL", listedMarket: 21, securityType: 1, description: "APPLE")))
        #expect(symbols.contains(SymbolSearchRow(code: "4213", symbol: "ARCB", listedMarket: 21, securityType: 1, description: "ARCBEST CORPORATION COMMON STO")))

        let (tables, tEnds) = try parseAll("lookup_tables", kind: .table)
        #expect(tEnds == 3 && tables.count == 380)
        #expect(tables[0] == .fields(["1", "NGM", "Nasdaq Global Market"]))
        let (chains, _) = try parseAll("lookup_chains", kind: .chain)
        guard case .fields(let c0) = chains[0], case .fields(let c1) = chains[1] else { Issue.record("chain"); return }
        #expect(c0 == ["@ESU18", "@ESZ18", "@ESH19", "@ESM19", "@ESU19"])  // LC tag stripped
        #expect(c1 == c0)  // an unknown id before the tag is stripped too
        var withID = LookupReplyParser(kind: .chain, symbol: aapl, requestID: "TESTREQUEST")
        #expect(try withID.parse("TESTREQUEST,LC,@ESU18,@ESZ18,") == .fields(["@ESU18", "@ESZ18"]))
        let (news, nEnds) = try parseAll("lookup_news", kind: .table, requestID: "1")
        #expect(nEnds == 3 && news.count > 30)
        #expect(news[0] == .fields(["N", "BEN", "22426377717", ":BZEvents::AAPL:", "20210612110554",
                                    "Apple Says It Hardened Rules On Legal Requests After Trump Administ..."]))
    }

    @Test func errorLines() throws {
        let e = try Fixture.lines("errors")
        var p = LookupReplyParser(kind: .ticks, symbol: aapl)
        let got = try e[4...].map { try p.parse($0) }
        #expect(got == [
            .noData, .noData, .error(.invalidParameters("Invalid number of parameters.")), .noData,
            .error(.invalidParameters("Invalid number of parameters.")), .noData, .noData, .end,
            .error(.other("6.2 is not a valid protocol.")), .error(.rateLimited("Too many simultaneous history requests")),
            .error(.unauthorized("Unauthorized user ID.")),
        ])
        #expect(LookupServerError.classify("Too many simultaneous history requests.").isRetryable)
        #expect(!LookupServerError.classify("Invalid symbol.").isRetryable)
        #expect(LookupServerError.classify("!SYNTAX_ERROR!") == .syntaxError("!SYNTAX_ERROR!"))
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("2021-03-03 19:58:32.254017,abc,238,4813134,1.5100,1.5400,597,E,11,17,0,3,") }
        #expect(throws: IQFeedParseError.self) { _ = try p.parse("2021-02-30 19:58:32.254017,1,238,4813134,1.5100,1.5400,597,E,11,17,0,3,") }
    }

    @Test func derivativeBars() throws {
        var p = DerivativeParser()
        p.register(requestID: "1", kind: .seconds(60))
        let lines = try Fixture.lines("derivative_bars")
        #expect(try p.parse(lines[0]) == .system(.serverConnected))
        guard case .bar(let type, let id, let b) = try p.parse(lines[1]) else { Issue.record("BH"); return }
        #expect(type == .history && id == "1" && b.kind == .seconds(60) && b.symbol == aapl)
        #expect(b.time == utc(2021, 7, 2, 19, 51, 0) && b.open == px("139.945") && b.high == px("140") && b.low == px("139.89"))
        #expect(b.close == px("139.90") && b.totalVolume == 66_438_202 && b.periodVolume == 806_996 && b.trades == 0)
        var kinds: [DerivativeMessage.BarType] = []
        for l in lines.dropFirst() {
            guard case .bar(let t, _, let bar) = try p.parse(l) else { Issue.record("line \(l)"); continue }
            kinds.append(t)
            if t == .update && l.hasSuffix(",,") { #expect(bar.trades == 0) }
        }
        #expect(kinds.contains(.update) && kinds.contains(.complete))
        guard case .bar(_, let noID, let c) = try p.parse("BC,AAPL,2018-01-01 09:30:00,100.01,101.23,99.98,100.93,143562,745,0") else { Issue.record("BC"); return }
        #expect(noID == nil && c.time == utc(2018, 1, 1, 14, 30, 0) && c.kind == .seconds(0))
        #expect(try p.parse("E,!SYNTAX_ERROR!,") == .error("!SYNTAX_ERROR!"))
        #expect(try p.parse("n,XYZ") == .symbolNotFound("XYZ"))
        #expect(try p.parse("S,REPLACED PREVIOUS WATCH,AAPL,1") == .system(.replacedPreviousWatch("AAPL")))
    }

    @Test func adminStats() throws {
        var p = AdminParser()
        let s = try Fixture.lines("admin_STATS")
        guard case .system(.stats(let nc)) = try p.parse(s[0]) else { Issue.record("stats"); return }
        #expect(nc.status == .notConnected && !nc.isConnected && nc.serverIP == "" && nc.serverPort == nil)
        #expect(nc.maxSymbols == 0 && nc.clientsConnected == 1 && nc.iqconnectVersion == "6.0.0.4" && nc.loginID == "474614")
        #expect(nc.totalKBReceived == 0 && nc.avgKBPerSecondReceived == nil && nc.totalKBSent == 0.02)
        #expect(nc.kbPerSecondSent == 0.02 && nc.avgKBPerSecondSent == nil)
        guard case .system(.stats(let c)) = try p.parse(s[3]) else { Issue.record("stats 4"); return }
        #expect(c.isConnected && c.serverIP == "66.112.148.223" && c.serverPort == 60004 && c.maxSymbols == 500)
        #expect(c.symbolsWatched == 0 && c.clientsConnected == 4 && c.attemptedReconnections == 1)
        #expect(c.startTime == "Jul 05 7:26AM" && c.marketTime == "Jul 05 04:15AM" && c.iqconnectVersion == "6.1.0.20")
        #expect(c.totalKBReceived == 65.44 && c.avgKBPerSecondSent == 0.29 && c.totalKBSent == 834.87)
        guard case .system(.stats(let q)) = try p.parse("S,STATS,1.2.3.4,60003,500,1,8,0,0,0,Apr 01 6:48PM,Apr 01 08:49PM,Connected,6.2.0.25,\"490914\",3.24,0.04,0.05,50.27,1.34,0.72,") else {
            Issue.record("quoted"); return
        }
        #expect(q.loginID == "490914")
        for l in s { guard case .system(.stats) = try p.parse(l) else { Issue.record("line"); return } }

        let cs = try Fixture.lines("admin_CLIENTSTATS")
        guard case .system(.clientStats(let x)) = try p.parse(cs[1]) else { Issue.record("clientstats"); return }
        #expect(x.kind == .admin && x.clientID == 79 && x.name == "Launcher" && x.startTime == utc(2021, 7, 5, 12, 12, 53))
        #expect(x.symbols == nil && x.kbReceived == 0.08 && x.kbSent == 19.36 && x.kbQueued == 0)
        for l in cs { guard case .system(.clientStats) = try p.parse(l) else { Issue.record("line"); return } }
        #expect(p.counters.parsed == 11 && p.counters.failed == 0)
    }
}
