import Foundation
import IQFeedServer
import MarketData
import Testing

@Suite struct AdminAndFaultTests {
    @Test func statsEveryIntervalAndClientStats() throws {
        let s = try makeServer()
        defer { s.stop() }
        let ad = try client(s, .admin)
        let l1 = try client(s, .level1)
        l1.send("S,SET CLIENT NAME,tester")
        l1.send("wAAA")
        let stats = ad.lines(until: { $0.hasPrefix("S,STATS") && fields($0)[5] == "1" })
        #expect(stats.filter { $0.hasPrefix("S,STATS") }.count >= 1)
        _ = ad.lines(until: { $0.hasPrefix("S,STATS") })
        ad.send("S,CLIENTSTATS ON")
        let cs = ad.lines(until: { $0.hasPrefix("S,CLIENTSTATS,1,") && $0.contains("tester") })
        let line = try #require(cs.last)
        let real = try fixture("admin_CLIENTSTATS")[1]
        #expect(fields(line).count == fields(real).count)
        #expect(fields(line)[6] == "1")
        ad.send("S,SET LOGINID,4242")
        #expect(ad.lines(until: { $0.hasPrefix("S,CURRENT LOGINID") }).last == "S,CURRENT LOGINID,4242,")
    }

    @Test func disconnectAndReconnectToggle() throws {
        let s = try makeServer()
        defer { s.stop() }
        let ad = try client(s, .admin)
        let l1 = try client(s, .level1)
        let l2 = try client(s, .level2)
        #expect(l2.nextLine() == "S,SERVER CONNECTED")
        l2.send("S,TIMESTAMPSOFF")
        l2.send("WPL,AAB")
        _ = l2.lines(until: { $0.hasPrefix("7,AAB") })
        #expect(eventually { s.eventsGenerated > 0 })
        s.setConnected(false)
        #expect(l1.lines(until: { $0 == "S,SERVER DISCONNECTED" }).last == "S,SERVER DISCONNECTED")
        let l2lines = l2.lines(until: { $0 == "S,CLEAR DEPTH,AAB,A," })
        #expect(l2lines.contains("S,SERVER DISCONNECTED"))
        #expect(l2lines.contains("S,CLEAR DEPTH,AAB,B,"))
        let down = ad.lines(until: { $0.hasPrefix("S,STATS") && $0.contains("Not Connected") }).last
        let real = try fixture("admin_STATS")[0]
        #expect(down.map { fields($0).count } == fields(real).count)
        let frozen = s.eventsGenerated
        usleep(200_000)
        #expect(s.eventsGenerated == frozen)
        s.setConnected(true)
        #expect(l1.lines(until: { $0 == "S,SERVER CONNECTED" }).last == "S,SERVER CONNECTED")
        #expect(l2.lines(until: { $0.hasPrefix("7,AAB") }).last != nil) // re-snapshot
        #expect(ad.lines(until: { $0.hasPrefix("S,STATS") && fields($0)[12] == "Connected" }).last != nil)
        #expect(eventually { s.eventsGenerated > frozen })
    }

    @Test func dropConnectionsAndStopStart() throws {
        let s = try makeServer()
        defer { s.stop() }
        let a = try client(s, .level1), b = try client(s, .lookup)
        #expect(eventually { s.clientCount(.level1) == 1 && s.clientCount(.lookup) == 1 })
        s.dropAllConnections()
        _ = a.drain(for: 0.2); _ = b.drain(for: 0.2)
        #expect(eventually { s.clientCount(.level1) == 0 && s.clientCount(.lookup) == 0 })
        #expect(a.closedByPeer && b.closedByPeer)
        let port = try #require(s.port(.level1))
        s.stop()
        #expect(throws: (any Error).self) { _ = try RawClient(port: port) }
        try s.start()
        #expect(s.port(.level1) == port)
        let c = try client(s, .level1)
        #expect(c.nextLine() == "S,KEY,99999")
    }

    @Test func injectedLinesAndClearDepth() throws {
        let s = try makeServer { $0.messagesPerSecond = 1 }
        defer { s.stop() }
        let l1 = try client(s, .level1)
        let l2 = try client(s, .level2)
        l2.send("WOR,AAC")
        _ = l2.lines(until: { $0.hasPrefix("6,AAC") })
        s.injectMalformedLine(on: .level1)
        #expect(l1.lines(until: { $0.hasPrefix("Q,AAA,12.3x4") }).last != nil)
        s.clearDepth(symbol: Symbol(unchecked: "AAC"), side: .bid)
        let lines = l2.lines(until: { $0 == "S,CLEAR DEPTH,AAC,B," })
        #expect(lines.last == "S,CLEAR DEPTH,AAC,B,")
        #expect(l2.lines(until: { $0.hasPrefix("6,AAC") }).last != nil)
        let real = try fixture("level2_system")[0]
        #expect(fields(real).count == fields("S,CLEAR DEPTH,AAC,B,").count)
        #expect(s.counters(.level2).lines >= 3)
    }

    @Test func portInUseNamesHostAndPort() throws {
        let s = try makeServer()
        defer { s.stop() }
        var cfg = IQFeedServerConfiguration()
        let taken = try #require(s.port(.level1))
        cfg.ports = [.level1: taken]
        let other = IQFeedServer(configuration: cfg)
        #expect(throws: IQFeedServerError.portInUse(host: "127.0.0.1", port: taken)) { try other.start() }
    }

    @Test func recordedLinesAreReplayed() throws {
        let lines = try fixture("level1_Q") + fixture("level2_mbo")
        let s = try makeServer { $0.source = .recordedLines(lines); $0.messagesPerSecond = nil }
        defer { s.stop() }
        // Each port has its own accept thread: wait until l1 is registered before l2 connects, or the
        // market could start for l2 alone and send the L1 lines to nobody.
        let l1 = try client(s, .level1)
        #expect(eventually { s.clientCount(.level1) == 1 })
        let l2 = try client(s, .level2)
        l1.send("S,TIMESTAMPSOFF"); l2.send("S,TIMESTAMPSOFF")
        #expect(eventually { s.isFinished })
        let got1 = l1.drain(for: 0.4).filter { !$0.hasPrefix("S,") && !$0.hasPrefix("T,") }
        let got2 = l2.drain(for: 0.4).filter { !$0.hasPrefix("S,") && !$0.hasPrefix("T,") }
        // The market starts when the first streaming client (l1) connects, so it sees every L1 line in order.
        #expect(got1 == (try fixture("level1_Q")))
        #expect(s.counters(.level1).dataLines == 7)
        #expect(got2.allSatisfy { try! fixture("level2_mbo").contains($0) })
        #expect(s.counters(.level1).dataLines + s.counters(.level2).dataLines >= 1)
    }
}
