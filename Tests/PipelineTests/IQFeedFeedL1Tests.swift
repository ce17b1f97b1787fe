import Foundation
import IQFeed
import IQFeedServer
import Logging
import MarketData
@testable import Pipeline
import Testing

/// The collector's L1 path parses each line in place (`Level1Parser.parse(_:receiveTime:into:)`) and
/// turns it into events on the spot. These tests check it yields exactly the events (and raw lines)
/// the message-per-line conversion gives: trade unless `P` summary, then quote, per update.
@Suite struct IQFeedFeedL1Tests {
    /// The reference: every line through the allocating `parse`, updates converted as the feed always did.
    static func referenceEvents(_ lines: [String], now: Nanos) -> (events: [MarketEvent], lines: [String], unknown: [String], connected: Bool) {
        var parser = Level1Parser(now: now)
        var events: [MarketEvent] = []
        var raw: [String] = []
        var unknown: [String] = []
        var connected = true
        for (i, l) in lines.enumerated() {
            let a = Array(l.utf8)
            let m: Level1Message? = a.withUnsafeBytes { b in
                do throws(IQFeedParseError) { return try parser.parse(b, receiveTime: Nanos(1_000 + i)) } catch { return nil }
            }
            let before = events.count
            switch m {
            case .update(let u)?:
                if let t = u.trade, !u.isSummary { events.append(.trade(t)) }
                if let q = u.quote { events.append(.quote(q)) }
            case .symbolNotFound(let s)?: if !unknown.contains(s) { unknown.append(s) }
            case .system(.serverConnected)?: connected = true
            case .system(.serverDisconnected)?: connected = false
            default: break
            }
            for _ in before..<events.count { raw.append(l) }
        }
        return (events, raw, unknown, connected)
    }

    /// The feed's per-line handler over the same lines (one fresh parser, as after a connect).
    static func feedEvents(_ lines: [String], now: Nanos, keepRawLines: Bool) throws -> (events: [MarketEvent], lines: [String], unknown: [String], connected: Bool) {
        let spool = NSTemporaryDirectory() + "mdt-l1feed-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: spool) }
        let logger = Logger(label: "test.l1feed")
        let collector = try Collector(sinks: [], options: .init(spoolDirectory: spool), logger: logger)
        let feed = try IQFeedFeed(options: .init(host: "127.0.0.1", depth: .none, keepRawLines: keepRawLines),
                                  symbols: [], collector: collector, logger: logger)
        let box = IQFeedFeed.EventBox()
        var parser = Level1Parser(now: now)
        for (i, l) in lines.enumerated() {
            let a = Array(l.utf8)
            a.withUnsafeBytes { feed.handleL1(&parser, $0, Nanos(1_000 + i), box) }
        }
        var raw: [String] = []
        for i in 0..<box.lines.count { raw.append(box.lines.withLine(i) { String(decoding: $0, as: UTF8.self) }) }
        let status = feed.status
        return (box.events, raw, status.unknownSymbols, status.serverConnected)
    }

    static func fixtureLines(_ name: String) throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../IQFeedTests/Fixtures/\(name).txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }.filter { !$0.isEmpty }
    }

    static let handWritten: [String] = [
        "S,SERVER CONNECTED",
        "T,20260309 09:30:00",
        "Q,AAPL,150.2500,100,09:30:00.250000,5,1000,150.2400,300,150.2600,200,150.0000,150.5000,149.9000,149.0000,C,01,",
        "Q,AAPL,150.2500,100,09:30:00.250000,5,1000,150.2400,300,150.2700,200,150.0000,150.5000,149.9000,149.0000,a,01,",
        "P,SPY,427.8550,1,13:29:35.273094,19,22748086,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,Cbaohlcv,87,",
        "Q,MSFT,322.7500,40,16:53:23.256494,11,37629453,322.6800,100,322.8700,100,312.6000,318.4000,312.1900,308.9500,Ob,873D17,",
        "Q,MSFT,,,,,,,,,,,,,,v,,",
        "Q,AAPL,bad",
        "Q,AAPL,-1.5,100,09:30:00.250000,5,1000,-1.25,300,1.123456789,200,,,,,Cba,01,",
        "n,NOTFOUND",
        "n,NOTFOUND",
        "E,Disconnected from server",
        "S,SERVER DISCONNECTED",
        "X,unknown",
        "",
        // A non-default fieldset: the generic path.
        "S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask,Message Contents",
        "Q,AAPL,150.24,150.26,ba,",
        "P,AAPL,150.24,150.27,ba,",
        "Q,AAPL,150.24,oops,ba,",
    ]

    @Test(arguments: [false, true])
    func sameEventsAsMessageConversion(keepRawLines: Bool) throws {
        var lines = Self.handWritten
        for name in ["level1_Q", "level1_P", "level1_T", "level1_C", "level1_F", "level1_R", "level1_N", "errors", "system_S"] {
            lines += try Self.fixtureLines(name)
        }
        // Synthetic default-fieldset traffic after the fieldset returns to the default.
        lines.append("S,CURRENT UPDATE FIELDNAMES,Symbol,Most Recent Trade,Most Recent Trade Size,Most Recent Trade Time,Most Recent Trade Market Center,Total Volume,Bid,Bid Size,Ask,Ask Size,Open,High,Low,Close,Message Contents,Most Recent Trade Conditions")
        var market = SyntheticMarket(seed: 5, symbols: 40)
        var buf: [UInt8] = []
        market.fillLines(into: &buf, count: 2_000, time: Time.utcNanos(year: 2026, month: 3, day: 9, hour: 14))
        lines += buf.split(separator: 10).map { String(decoding: $0, as: UTF8.self) }

        let now = Time.utcNanos(year: 2026, month: 3, day: 9, hour: 14)
        let want = Self.referenceEvents(lines, now: now)
        let got = try Self.feedEvents(lines, now: now, keepRawLines: keepRawLines)
        #expect(want.events.count > 2_000)
        #expect(got.events.count == want.events.count)
        #expect(got.events == want.events)
        #expect(got.lines == (keepRawLines ? want.lines : []))
        #expect(got.unknown == want.unknown && got.unknown.contains("NOTFOUND"))
        #expect(got.connected == want.connected)
    }

    /// A `P` summary's trade is state, not a tick: only its quote becomes an event.
    @Test func summaryYieldsQuoteOnly() throws {
        let got = try Self.feedEvents([
            "P,SPY,427.8550,1,13:29:35.273094,19,22748086,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,Cbaohlcv,87,",
            "Q,SPY,427.8550,1,13:29:35.273094,19,22748086,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,Cba,87,",
        ], now: Time.utcNanos(year: 2026, month: 3, day: 9, hour: 14), keepRawLines: false)
        #expect(got.events.count == 3)
        guard got.events.count == 3 else { return }
        if case .quote(let q) = got.events[0] { #expect(q.bid == Price(units: 427, nanos: 850_000_000)) } else { Issue.record("want quote, got \(got.events[0])") }
        if case .trade(let t) = got.events[1] { #expect(t.size == 1 && t.basis == UInt8(ascii: "C")) } else { Issue.record("want trade, got \(got.events[1])") }
        if case .quote = got.events[2] {} else { Issue.record("want quote, got \(got.events[2])") }
    }
}
