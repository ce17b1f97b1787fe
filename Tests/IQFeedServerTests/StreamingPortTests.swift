import Foundation
import IQFeedServer
import MarketData
import Testing

@Suite struct StreamingPortTests {
    @Test func level1GreetingHandshakeAndLFTerminators() throws {
        let s = try makeServer()
        defer { s.stop() }
        let c = try client(s, .level1)
        c.send("S,SET PROTOCOL,6.2")
        let lines = c.lines(until: { $0.hasPrefix("S,CURRENT UPDATE FIELDNAMES") })
        #expect(Array(lines.prefix(4).map { fields($0)[1] }) == ["KEY", "SERVER CONNECTED", "IP", "CUST"])
        #expect(lines[0] == "S,KEY,99999")
        #expect(lines.contains("S,CURRENT PROTOCOL,6.2"))
        let expectedNames = try fixture("system_S").first { $0.hasPrefix("S,CURRENT UPDATE FIELDNAMES,Symbol,Most") }
        #expect(lines.last == expectedNames)
        // S,CUST has the same field count as the real capture.
        let realCust = try fixture("system_S").first { $0.hasPrefix("S,CUST") }!
        #expect(fields(lines[3]).count == fields(realCust).count)
        // LF only on 5009.
        #expect(!c.bytes.contains(13))
    }

    @Test func level2AndLookupAndAdminGreetings() throws {
        let s = try makeServer()
        defer { s.stop() }
        let l2 = try client(s, .level2)
        #expect(l2.nextLine() == "S,SERVER CONNECTED")
        l2.send("S,SET PROTOCOL,6.2")
        #expect(l2.nextLine() == "S,CURRENT PROTOCOL,6.2")
        #expect(Array(l2.bytes.prefix(20)) == Array("S,SERVER CONNECTED\r\n".utf8))

        let lk = try client(s, .lookup)
        #expect(lk.drain(for: 0.3).isEmpty) // 9100 says nothing first
        lk.send("S,SET PROTOCOL,6.2")
        #expect(lk.nextLine() == "S,CURRENT PROTOCOL,6.2")
        #expect(lk.bytes.suffix(2) == [13, 10])

        let ad = try client(s, .admin)
        let stats = try #require(ad.nextLine())
        let real = try fixture("admin_STATS")
        #expect(stats.hasPrefix("S,STATS,"))
        #expect(fields(stats).count == fields(real[1]).count)
        #expect(fields(stats)[12] == "Connected")
        #expect(!ad.bytes.contains(13))
    }

    @Test func watchGivesFundamentalsThenSummaryThenUpdates() throws {
        let s = try makeServer()
        defer { s.stop() }
        let c = try client(s, .level1)
        c.send("S,SET PROTOCOL,6.2")
        _ = c.lines(until: { $0.hasPrefix("S,CURRENT UPDATE FIELDNAMES") })
        c.send("S,TIMESTAMPSOFF")
        c.send("wAAA")
        c.send("wNOSUCH")
        let lines = c.lines(until: { $0.hasPrefix("n,") })
        let data = lines.filter { $0.hasPrefix("F,") || $0.hasPrefix("P,") || $0.hasPrefix("Q,") }
        #expect(data.count >= 2)
        #expect(data[0].hasPrefix("F,AAA,"))
        #expect(data[1].hasPrefix("P,AAA,"))
        #expect(lines.last == "n,NOSUCH")
        let realF = try fixture("level1_F")[1], realP = try fixture("level1_P")[1], realQ = try fixture("level1_Q")[0]
        #expect(fields(data[0]).count == fields(realF).count)
        #expect(fields(data[1]).count == fields(realP).count)
        let qs = c.lines(until: { $0.hasPrefix("Q,AAA,") })
        let q = try #require(qs.last)
        #expect(fields(q).count == fields(realQ).count)
        #expect(q.hasSuffix(","))
        // Message Contents is one of the codes, prices carry 4 decimals, times microseconds.
        let f = fields(q)
        #expect(["C", "O", "b", "a", "ba"].contains(f[15]))
        #expect(f[7].split(separator: ".").last?.count == 4)
        #expect(f[4].count == 15)
        c.send("S,REQUEST WATCHES")
        #expect(c.lines(until: { $0.hasPrefix("S,WATCHES") }).last == "S,WATCHES,AAA")
        c.send("rAAA")
        c.send("S,REQUEST WATCHES")
        #expect(c.lines(until: { $0.hasPrefix("S,WATCHES") }).last == "S,WATCHES")
    }

    @Test func selectUpdateFieldsChangesLayoutPerSocket() throws {
        let s = try makeServer()
        defer { s.stop() }
        let c = try client(s, .level1)
        c.send("S,SET PROTOCOL,6.2")
        c.send("S,SELECT UPDATE FIELDS,Bid,Ask")
        let ack = c.lines(until: { $0 == "S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask" })
        #expect(ack.last == "S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask")
        c.send("wAAB")
        let p = try #require(c.lines(until: { $0.hasPrefix("P,AAB") }).last)
        #expect(fields(p).count == fields("P,AAPL,134.6200,134.6500,").count)
        c.send("S,SELECT UPDATE FIELDS,Bid,Nonsense Field")
        #expect(c.lines(until: { $0.hasPrefix("E,") }).last?.contains("Nonsense Field") == true)
    }

    @Test func timestampsEverySecondUnlessOff() throws {
        let s = try makeServer()
        defer { s.stop() }
        let c = try client(s, .level1)
        let t1 = c.lines(until: { $0.hasPrefix("T,") }).last
        let t2 = c.lines(until: { $0.hasPrefix("T,") }).last
        #expect(t1 != nil && t2 != nil)
        let real = try fixture("level1_T")[0]
        #expect(t1?.count == real.count)
        c.send("S,TIMESTAMPSOFF")
        _ = c.drain(for: 0.3)
        #expect(!c.drain(for: 0.7).contains { $0.hasPrefix("T,") })
        c.send("T")
        #expect(c.lines(until: { $0.hasPrefix("T,") }).last != nil)
    }

    @Test func symbolLimit() throws {
        let s = try makeServer { $0.maxSymbols = 2 }
        defer { s.stop() }
        let c = try client(s, .level1)
        c.send("S,TIMESTAMPSOFF")
        c.send("wAAA"); c.send("wAAB"); c.send("wAAC")
        #expect(c.lines(until: { $0.hasPrefix("S,SYMBOL LIMIT REACHED") }).last == "S,SYMBOL LIMIT REACHED,AAC")
    }

    @Test func level2SnapshotThenIncrementsAndBooksNeverCross() throws {
        let s = try makeServer { $0.messagesPerSecond = nil; $0.maxEvents = 3000 }
        defer { s.stop() }
        let c = try client(s, .level2)
        c.send("S,SET PROTOCOL,6.2")
        c.send("S,TIMESTAMPSOFF")
        c.send("WOR,@ESZ26")
        c.send("WPL,AAA")
        c.send("WOR,NOSUCH")
        var orders: [String: (side: String, price: Double)] = [:]
        var levels: [String: [Double: Int]] = ["B": [:], "A": [:]]
        var sawIncrement = [false, false]
        var snapshotPhase = ["@ESZ26": true, "AAA": true]
        let realMBO = try fixture("level2_mbo"), realMBP = try fixture("level2_mbp")
        let shape: [String: Int] = [
            "6": fields(realMBO[0]).count, "3": fields(realMBO[1]).count, "4": fields(realMBO[2]).count,
            "5": fields(realMBO[4]).count, "7": fields(realMBP[0]).count, "8": fields(realMBP[1]).count,
            "9": fields(realMBP[2]).count,
        ]
        var notFound = false
        var n = 0
        while n < 2500, let line = c.nextLine(timeout: 5) {
            if line == "n,NOSUCH" { notFound = true; continue }
            let f = fields(line)
            guard let expected = shape[f[0]] else { continue }
            n += 1
            #expect(f.count == expected, "\(line)")
            let sym = f[1]
            switch f[0] {
            case "6", "3", "4":
                if f[0] == "6" { #expect(snapshotPhase[sym] == true, "snapshot row after increments") } else { snapshotPhase[sym] = false; sawIncrement[0] = true }
                #expect(!f[2].isEmpty && f[3].isEmpty) // futures: order id, no MMID
                orders[f[2]] = (f[4], Double(f[5])!)
            case "5":
                snapshotPhase[sym] = false
                orders[f[2]] = nil
            case "7", "8":
                if f[0] == "7" { #expect(snapshotPhase[sym] == true) } else { snapshotPhase[sym] = false; sawIncrement[1] = true }
                levels[f[2]]![Double(f[3])!] = Int(f[4])!
            case "9":
                snapshotPhase[sym] = false
                levels[f[2]]![Double(f[3])!] = nil
            default: break
            }
            let bids = orders.values.filter { $0.side == "B" }.map(\.price), asks = orders.values.filter { $0.side == "A" }.map(\.price)
            if let b = bids.max(), let a = asks.min() { #expect(b < a, "MBO crossed after \(line)") }
            if let b = levels["B"]!.keys.max(), let a = levels["A"]!.keys.min() { #expect(b < a, "MBP crossed after \(line)") }
        }
        #expect(notFound)
        #expect(sawIncrement == [true, true])
        c.send("S,CLEAR DEPTH") // not a client command: error, but the connection stays
        #expect(c.lines(until: { $0.hasPrefix("E,") }).last == "E,!SYNTAX_ERROR!,")
    }

    @Test func countModeEmitsExactlyNDataLines() throws {
        let s = try makeServer { $0.messagesPerSecond = nil; $0.maxEvents = 500 }
        defer { s.stop() }
        let c = try client(s, .level1)
        c.send("S,TIMESTAMPSOFF")
        for sym in ["AAA", "AAB", "AAC", "AAD", "AAE"] { c.send("w" + sym) }
        #expect(eventually { s.isFinished })
        var q = 0
        for l in c.drain(for: 0.5) where l.hasPrefix("Q,") { q += 1 }
        #expect(q == 500)
        #expect(s.eventsGenerated == 500)
        #expect(s.counters(.level1).dataLines == 500)
        #expect(c.drain(for: 0.3).filter { $0.hasPrefix("Q,") }.isEmpty)
    }

    @Test func simulatedClockStreamsAreByteIdentical() throws {
        func run() throws -> [String] {
            let s = try makeServer {
                $0.messagesPerSecond = nil; $0.maxEvents = 300
                $0.clock = .simulated(start: fixedNow, step: 1_000_000)
            }
            defer { s.stop() }
            let c = try client(s, .level1)
            c.send("S,TIMESTAMPSOFF")
            c.send("wAAC")
            #expect(eventually { s.isFinished })
            return c.drain(for: 0.3).filter { $0.hasPrefix("Q,") || $0.hasPrefix("P,") || $0.hasPrefix("F,") }
        }
        let a = try run(), b = try run()
        #expect(a.count == 302)
        #expect(a == b)
    }
}
