import Foundation
import Testing
@testable import IQFeed
import MarketData

/// Real loopback sockets against `ScriptedServer`.
@Suite(.serialized) struct ConnectionTests {
    static let greeting = "S,KEY,99999\nS,SERVER CONNECTED\n"
    static let fields = "S,CURRENT UPDATE FIELDNAMES,Symbol,Most Recent Trade,Most Recent Trade Size,Most Recent Trade Time,Most Recent Trade Market Center,Total Volume,Bid,Bid Size,Ask,Ask Size,Open,High,Low,Close,Message Contents,Most Recent Trade Conditions\n"

    /// Greets, answers SET PROTOCOL, and returns the commands read until `until` matches.
    static func handshake(_ c: ScriptedServer.Conn, version: String = "6.2,") -> Bool {
        c.send(greeting)
        guard c.expect({ $0 == "S,SET PROTOCOL,6.2" }) != nil else { return false }
        c.send("S,CURRENT PROTOCOL,\(version)\n" + fields)
        return true
    }

    func options(_ port: Int) -> StreamOptions {
        var o = StreamOptions(host: "127.0.0.1", port: port)
        o.heartbeatTimeout = 2
        o.backoffInitial = 0.05
        o.backoffMax = 0.2
        o.connectTimeout = 2
        return o
    }

    @Test func handshakeWatchAndBatches() throws {
        let commands = Collected<String>()
        let server = try ScriptedServer([{ c in
            guard ConnectionTests.handshake(c) else { return }
            guard let w = c.expect({ $0.hasPrefix("w") }) else { return }
            commands.append(w)
            c.sendSplit("T,20260309 09:30:00\nQ,AAPL,150.2500,100,09:30:00.250000,5,1000,150.2400,300,150.2600,200,150.0000,150.5000,149.9000,149.0000,C,01,\r\n")
            c.send("Q,AAPL,150.2500,100,09:30:00.250000,5,1000,150.2400,300,150.2700,200,150.0000,150.5000,149.9000,149.0000,a,01,\nQ,AAPL,bad\n")
            _ = c.readLine(timeout: 5)
            c.close()
        }])
        defer { server.stop() }
        let messages = Collected<Level1Message>()
        let errors = Collected<IQFeedParseError>()
        let raw = Collected<String>()
        let client = StreamingClient(options: options(server.port), parser: { Level1Parser() }) { batch in
            messages.append(contentsOf: batch.messages)
            errors.append(contentsOf: batch.errors)
            for i in batch.messages.indices { raw.append(batch.withLine(i) { String(decoding: $0, as: UTF8.self) }) }
        }
        try client.watch(.level1("AAPL"))
        client.start()
        defer { client.stop() }
        #expect(waitUntil { errors.all.count == 1 })
        #expect(commands.all == ["wAAPL"])
        #expect(client.state == .streaming && client.connectCount == 1 && client.gaps.isEmpty)
        let updates = messages.all.compactMap { if case .update(let u) = $0 { u } else { nil } }
        #expect(updates.count == 2)
        let t = try #require(updates.first?.trade)
        #expect(t.price == Price(units: 150, nanos: 250_000_000) && t.size == 100)
        #expect(t.eventTime == Time.utcNanos(year: 2026, month: 3, day: 9, hour: 13, minute: 30, nanos: 250_000_000))
        #expect(updates.last?.quote?.ask == Price(units: 150, nanos: 270_000_000))
        #expect(errors.all.first?.field == "Most Recent Trade" && errors.all.first?.reason == .badPrice(.notANumber))
        #expect(raw.all.contains("T,20260309 09:30:00") && raw.all.contains { $0.hasPrefix("Q,AAPL,150.2500,100,09:30:00.250000,5,1000,150.2400,300,150.2600") })
        #expect(client.counters.failed == 1 && client.counters.parsed >= 7)
    }

    /// The per-line form: every line reaches `line` with the connection's parser (which saw the field
    /// names, and whose counters the client reads), `endOfRead` follows each read that held lines, and an
    /// over-long line goes to `framingError` instead.
    @Test func perLineConsumer() throws {
        let long = "Q,AAPL," + String(repeating: "9", count: 2000)
        let server = try ScriptedServer([{ c in
            guard ConnectionTests.handshake(c) else { return }
            guard c.expect({ $0.hasPrefix("w") }) != nil else { return }
            c.send("T,20260309 09:30:00\n\(long)\nQ,AAPL,150.2500,100,09:30:00.250000,5,1000,150.2400,300,150.2600,200,150.0000,150.5000,149.9000,149.0000,C,01,\n")
            _ = c.readLine(timeout: 5)
            c.close()
        }])
        defer { server.stop() }
        let lines = Collected<String>()
        let trades = Collected<Price>()
        let ends = Collected<Int>()
        let framing = Collected<IQFeedParseError>()
        var o = options(server.port)
        o.maxLineLength = 1024
        o.heartbeatTimeout = 30  // one connection for the whole test: exact counts below
        let client = StreamingClient(options: o, parser: { Level1Parser() }, lines: StreamLineConsumer(
            line: { parser, line, receiveTime in
                lines.append(String(decoding: line, as: UTF8.self))
                if case .update(let u)? = try? parser.parse(line, receiveTime: receiveTime), let t = u.trade { trades.append(t.price) }
            },
            endOfRead: { ends.append(lines.all.count) },
            framingError: { framing.append($0) }))
        try client.watch(.level1("AAPL"))
        client.start()
        defer { client.stop() }
        #expect(waitUntil { !trades.all.isEmpty && ends.all.last == lines.all.count })
        #expect(trades.all == [Price(units: 150, nanos: 250_000_000)])
        #expect(lines.all.contains("T,20260309 09:30:00") && !lines.all.contains { $0.count > 1024 })
        #expect(framing.all.count == 1 && framing.all.first?.reason == .lineTooLong(1024))
        let e = ends.all
        #expect(!e.isEmpty && zip(e, e.dropFirst()).allSatisfy { $0 < $1 } && e.first ?? 0 > 0)
        #expect(waitUntil { client.counters.parsed >= 2 })
    }

    @Test func reconnectRestoresWatchesAndRecordsGap() throws {
        let second = Collected<String>()
        let server = try ScriptedServer([
            { c in
                guard ConnectionTests.handshake(c) else { return }
                _ = c.expect { $0 == "WOR,@ESZ26" }
                c.send("T,20260309 09:30:00\n")
                Clock.sleep(seconds: 0.1)
                c.close()  // server drops the connection
            },
            { c in
                guard ConnectionTests.handshake(c) else { return }
                while let l = c.readLine(timeout: 1) { second.append(l) }
                c.send("T,20260309 09:30:05\n")
                _ = c.readLine(timeout: 3)
                c.close()
            },
        ])
        defer { server.stop() }
        let client = StreamingClient(options: options(server.port), parser: { Level2Parser() }) { _ in }
        try client.watch(.orders("@ESZ26"))
        try client.watch(.priceLevels("@ESZ26", maxLevels: 10))
        client.addSetupCommand(IQFeedCommand.timestampsOn())
        client.start()
        defer { client.stop() }
        #expect(waitUntil { client.connectCount == 2 && second.all.count >= 3 })
        #expect(second.all.prefix(3) == ["S,TIMESTAMPSON", "WOR,@ESZ26", "WPL,@ESZ26,10"])
        let gaps = client.gaps
        #expect(gaps.count == 1)
        if let g = gaps.first {
            #expect(g.duration > 0 && g.end > g.start)
            #expect(g.reason.contains("closed by the server") && g.reason.contains("127.0.0.1:\(server.port)"))
        }
        #expect(server.accepted == 2)
    }

    @Test func heartbeatWatchdogFires() throws {
        let server = try ScriptedServer([
            { c in
                guard ConnectionTests.handshake(c) else { return }
                c.send("T,20260309 09:30:00\n")
                _ = c.readLine(timeout: 3)  // then silence while keeping the socket open
                Clock.sleep(seconds: 1)
                c.close()
            },
            { c in
                guard ConnectionTests.handshake(c) else { return }
                for _ in 0..<30 { c.send("T,20260309 09:31:00\n"); Clock.sleep(seconds: 0.1) }
                c.close()
            },
        ])
        defer { server.stop() }
        var o = options(server.port)
        o.heartbeatTimeout = 0.5
        let client = StreamingClient(options: o, parser: { Level1Parser() }) { _ in }
        let started = Clock.monotonic()
        client.start()
        defer { client.stop() }
        #expect(waitUntil { client.connectCount == 2 })
        #expect(Clock.monotonic() - started >= 0.5)
        #expect(client.gaps.first?.reason.contains("no heartbeat") == true)
    }

    @Test func protocolMismatchFailsLoudly() throws {
        let server = try ScriptedServer([{ c in
            _ = ConnectionTests.handshake(c, version: "6.1,")
            _ = c.readLine(timeout: 2)
            c.close()
        }])
        defer { server.stop() }
        let client = StreamingClient(options: options(server.port), parser: { Level1Parser() }) { _ in }
        client.start()
        defer { client.stop() }
        #expect(waitUntil {
            if case .failed = client.state { return true }
            return false
        })
        if case .failed(let msg) = client.state { #expect(msg.contains("6.1") && msg.contains("6.2")) }
        Clock.sleep(seconds: 0.3)
        #expect(server.accepted == 1)  // no retry loop
        #expect(client.connectCount == 0)
    }

    @Test func connectRefusedIsRecordedAndRetried() throws {
        // Grab a free port, then close it so nothing listens there.
        let server = try ScriptedServer([{ c in c.close() }])
        let port = server.port
        server.stop()
        var o = options(port)
        o.backoffInitial = 0.01
        let client = StreamingClient(options: o, parser: { Level1Parser() }) { _ in }
        client.start()
        #expect(waitUntil(3) { client.state == .backoff || client.state == .connecting })
        Clock.sleep(seconds: 0.2)
        client.stop()
        #expect(client.state == .stopped && client.connectCount == 0)
    }

    @Test func lookupRequestsStreamToEndMessage() throws {
        let server = try ScriptedServer([{ c in
            guard c.expect({ $0 == "S,SET PROTOCOL,6.2" }) != nil else { return }
            c.send("S,CURRENT PROTOCOL,6.2\r\n")
            // 1: ticks streamed in pieces
            guard let req = c.expect({ $0.hasPrefix("HTT,") }) else { return }
            let id = req.split(separator: ",", omittingEmptySubsequences: false)[8]
            var body = ""
            for i in 0..<500 {
                body += "\(id),LH,2026-03-09 09:30:00.\(String(format: "%06d", i)),10.\(i % 100),\(i + 1),\(1000 + i),10.00,10.99,\(i),C,5,01,0,9,\r\n"
            }
            body += "\(id),!ENDMSG!,\r\n"
            c.sendSplit(body, piece: 4000)
            // 2: no data
            guard let r2 = c.expect({ $0.hasPrefix("HDT,") }) else { return }
            let id2 = r2.split(separator: ",", omittingEmptySubsequences: false)[6]
            c.send("\(id2),E,!NO_DATA!,,\r\n\(id2),!ENDMSG!,\r\n")
            // 3: rate limited (no id on the error line), 4: invalid symbol
            guard let r3 = c.expect({ $0.hasPrefix("HIT,") }) else { return }
            let id3 = r3.split(separator: ",", omittingEmptySubsequences: false)[9]
            c.send("E,Too many simultaneous history requests\r\n\(id3),!ENDMSG!,\r\n")
            guard let r4 = c.expect({ $0.hasPrefix("HIT,") }) else { return }
            let id4 = r4.split(separator: ",", omittingEmptySubsequences: false)[9]
            c.send("\(id4),E,Invalid symbol.,\r\n\(id4),!ENDMSG!,\r\n")
            _ = c.readLine(timeout: 5)
            c.close()
        }])
        defer { server.stop() }
        let lc = LookupClient(host: "127.0.0.1", port: server.port, rateLimiter: TokenBucket(ratePerSecond: 1000, burst: 10))
        defer { lc.close() }
        let sym = Symbol(unchecked: "SPY")
        var got: [Trade] = []
        let r1 = try lc.ticks(sym, from: EasternDateTime(year: 2026, month: 3, day: 9, hour: 9, minute: 30), to: nil) { got.append($0) }
        #expect(r1.rows == 500 && got.count == 500 && !r1.noData && r1.parseErrors == 0)
        #expect(got[0].symbol == sym && got[0].eventTime == Time.utcNanos(year: 2026, month: 3, day: 9, hour: 13, minute: 30))
        #expect(got[499].tickID == 499 && got[499].size == 500 && got[499].totalVolume == 1499 && got[499].aggressor == 0)
        var bars = 0
        let r2 = try lc.dailyBars(sym, from: EasternDateTime(year: 2026, month: 1, day: 1), to: nil) { _ in bars += 1 }
        #expect(r2.noData && r2.rows == 0 && bars == 0)
        do {
            try lc.intervalBars(sym, seconds: 60, from: nil, to: nil) { _ in }
            Issue.record("rate limit not reported")
        } catch {
            #expect(error == .server(.rateLimited("Too many simultaneous history requests"), request: "mdt3"))
            #expect(error.isRetryable)
        }
        do {
            try lc.intervalBars(sym, seconds: 60, from: nil, to: nil) { _ in }
            Issue.record("invalid symbol not reported")
        } catch {
            #expect(error == .server(.invalidSymbol("Invalid symbol."), request: "mdt4"))
            #expect(!error.isRetryable && error.description.contains("Invalid symbol"))
        }
    }

    @Test func lookupHandshakeMismatchAndConnectFailure() throws {
        let server = try ScriptedServer([{ c in
            _ = c.expect { $0.hasPrefix("S,SET PROTOCOL") }
            c.send("E,6.2 is not a valid protocol.,\r\n")
            _ = c.readLine(timeout: 2)
            c.close()
        }])
        defer { server.stop() }
        let lc = LookupClient(host: "127.0.0.1", port: server.port, rateLimiter: nil)
        #expect(throws: LookupError.self) { try lc.connect() }
        do { try lc.connect() } catch {
            if case .session(.protocolRejected) = error {} else if case .connection = error {} else { Issue.record("unexpected \(error)") }
        }
        let dead = LookupClient(host: "127.0.0.1", port: 1, rateLimiter: nil)
        do { try dead.connect(); Issue.record("connected to port 1") } catch {
            #expect(error.description.contains("127.0.0.1:1"))
            #expect(error.isRetryable)
        }
    }
}

@Suite struct TokenBucketTests {
    final class FakeClock: @unchecked Sendable {
        private let lock = NSLock()
        private var t = 100.0
        var now: Double { lock.lock(); defer { lock.unlock() }; return t }
        func advance(_ d: Double) { lock.lock(); t += d; lock.unlock() }
    }

    @Test func burstThenRate() {
        let clock = FakeClock()
        let b = TokenBucket(ratePerSecond: 50, burst: 5, now: { clock.now })
        for _ in 0..<5 { #expect(b.tryAcquire()) }
        #expect(!b.tryAcquire())
        clock.advance(0.019)
        #expect(!b.tryAcquire())
        clock.advance(0.002)
        #expect(b.tryAcquire())
        // Reservations queue up: each further caller waits one more 1/50 s.
        let w1 = b.reserve(), w2 = b.reserve(), w3 = b.reserve()
        #expect(abs(w1 - 0.02) < 0.002 && abs(w2 - 0.04) < 0.002 && abs(w3 - 0.06) < 0.002)
        clock.advance(10)
        for _ in 0..<5 { #expect(b.tryAcquire()) }  // refills only up to the burst
        #expect(!b.tryAcquire())
    }

    @Test func sharedAcrossThreads() {
        let clock = FakeClock()
        let b = TokenBucket(ratePerSecond: 50, burst: 5, now: { clock.now })
        let granted = Collected<Bool>()
        let group = DispatchGroup()
        for _ in 0..<8 {
            group.enter()
            Thread {
                for _ in 0..<200 { granted.append(b.tryAcquire()) }
                group.leave()
            }.start()
        }
        group.wait()
        #expect(granted.all.filter { $0 }.count == 5)
        #expect(granted.all.count == 1600)
    }

    @Test func realTimeRateIsRespected() {
        let b = TokenBucket(ratePerSecond: 200, burst: 1)
        let t0 = Clock.monotonic()
        for _ in 0..<41 { b.acquire() }
        let elapsed = Clock.monotonic() - t0
        #expect(elapsed >= 0.19)  // 40 waits of 5 ms
        #expect(TokenBucket.shared.ratePerSecond == 50)
    }
}
