import MDTTestSupport
import Testing
@testable import IQFeed
import MarketData

/// `Level1Parser.parse(_:receiveTime:into:)` must give what `parse(_:receiveTime:)` gives (value or error,
/// and the same counters), and the per-parser symbol cache must never hand out a wrong symbol.
@Suite struct Level1InPlaceTests {
    enum Outcome: Equatable {
        case value(Level1Message)
        case failure(IQFeedParseError)
    }

    /// (in place, returned) for one line on two parsers in the same state. `slot` is reused between calls.
    static func both(_ line: [UInt8], _ inPlace: inout Level1Parser, _ plain: inout Level1Parser, _ slot: inout Level1Update,
                     receiveTime: Nanos = 42) -> (Outcome, Outcome) {
        line.withUnsafeBytes { b in
            let a: Outcome
            do throws(IQFeedParseError) {
                if let m = try inPlace.parse(b, receiveTime: receiveTime, into: &slot) { a = .value(m) } else { a = .value(.update(slot)) }
            } catch { a = .failure(error) }
            let p: Outcome
            do throws(IQFeedParseError) { p = .value(try plain.parse(b, receiveTime: receiveTime)) } catch { p = .failure(error) }
            return (a, p)
        }
    }

    static func parsers() throws -> (Level1Parser, Level1Parser) {
        var a = Level1Parser(), b = Level1Parser()
        _ = try a.parse("T,20210630 13:44:36")
        _ = try b.parse("T,20210630 13:44:36")
        return (a, b)
    }

    @Test func fixtureLinesMatchParse() throws {
        var (a, p) = try Self.parsers()
        var slot = Level1Update()
        var updates = 0
        for file in ["level1_Q", "level1_P", "level1_C", "level1_F", "level1_N", "level1_R", "level1_T"] {
            let lines = try Fixture.lines(file)
            for l in lines {
                let (x, y) = Self.both(Array(l.utf8), &a, &p, &slot)
                #expect(x == y, "\(l)")
                if case .value(.update) = x { updates += 1 }
            }
        }
        #expect(updates >= 9)
        #expect(a.counters == p.counters)
    }

    /// The in-place slot is reused: a line without a trade after one with a trade must clear it, etc.
    @Test func slotReuseLeavesNothingBehind() throws {
        var (a, p) = try Self.parsers()
        var slot = Level1Update()
        let lines = ParseBench.sampleLevel1 + [
            "Q,SPY,,,,,,,,,,,,,,v,,",
            "Q,SPY,427.8550,300,13:29:35.963557,19,22748386,427.8500,500,427.8600,1200,,,,,b,,",
            "P,MSFT,322.7500,40,16:53:23.256494,11,37629453,322.6800,100,322.8700,100,312.6000,318.4000,312.1900,308.9500,C,873D17,",
            "Q,AAPL,-1.5,50,19:59:58.900064,24,62111303,134.6200,100,134.6500,700,133.4100,135.2450,133.3500,133.1100,ba,8717,",
            "Q,AAPL,134.62",
            "T,20210701 09:30:00",
            "Q,AAPL,134.6200,50,19:59:58.900064,24,62111303,134.6200,100,134.6500,700,133.4100,135.2450,133.3500,133.1100,Cba,8717",
        ]
        for _ in 0..<3 {
            for l in lines {
                let (x, y) = Self.both(Array(l.utf8), &a, &p, &slot, receiveTime: 7)
                #expect(x == y, "\(l)")
            }
        }
        // A generic-path fieldset writes the slot too.
        _ = try a.parse("S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask")
        _ = try p.parse("S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask")
        let (x, y) = Self.both(Array("Q,AAPL,134.62,134.65,".utf8), &a, &p, &slot)
        #expect(x == y)
        guard case .value(.update(let u)) = x else { Issue.record("not an update"); return }
        #expect(u.quote?.bid == px("134.62") && u.trade == nil && u.symbol.text == "AAPL")
        #expect(a.counters == p.counters)
    }

    /// The fast path writes the trade and quote slots field by field (`Level1Fast.swift`): a field added
    /// to `Trade` or `Quote` must be written there too, or it would keep the previous line's value.
    @Test func slotsHaveTheFieldsTheFastPathWrites() {
        let t = Trade(symbol: Symbol(unchecked: "X"), eventTime: 0, price: Price(raw: 0), size: 0)
        let q = Quote(symbol: Symbol(unchecked: "X"), eventTime: 0, bid: Price(raw: 0), bidSize: 0, ask: Price(raw: 0), askSize: 0)
        #expect(Mirror(reflecting: t).children.count == 14)
        #expect(Mirror(reflecting: q).children.count == 10)
    }

    /// Seeded mutations (as the fast-path tests): same value or same error, through one reused slot.
    @Test func mutatedLinesMatchParse() throws {
        var corpus = try Fixture.lines("level1_Q").map { Array($0.utf8) }
        corpus += try Fixture.lines("level1_P").map { Array($0.utf8) }
        corpus += ParseBench.sampleLevel1.map { Array($0.utf8) }
        var mutator = LineMutator(corpus: corpus, seed: 0x1A_91ACE)
        var (a, p) = try Self.parsers()
        var slot = Level1Update()
        var mismatches = 0, values = 0, errors = 0
        for _ in 0..<6000 {
            let buf = mutator.next()
            let (x, y) = Self.both(buf, &a, &p, &slot, receiveTime: Nanos(mutator.rng.next() % 1000))
            if x != y {
                mismatches += 1
                if mismatches <= 5 { Issue.record("in place != parse for \(String(decoding: buf, as: UTF8.self)): \(x) vs \(y)") }
            }
            if case .value(.update) = x { values += 1 }
            if case .failure = x { errors += 1 }
        }
        #expect(mismatches == 0)
        #expect(values > 500 && errors > 100)
        #expect(a.counters == p.counters)
    }

    /// Lines that end right inside a field, with and without slack after them in memory: the tail loads
    /// read only the line's bytes.
    @Test func shortLinesAndTailsMatchGenericPath() throws {
        let base = "Q,SPY,427.8550,300,13:29:35.963557,19,22748386,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,C,01,"
        var (a, p) = try Self.parsers()
        var slot = Level1Update()
        let bytes = Array(base.utf8)
        for cut in 1...bytes.count {
            // An exact-size allocation, so nothing readable follows the line.
            let line = Array(bytes.prefix(cut))
            let (x, y) = Self.both(line, &a, &p, &slot)
            #expect(x == y, "\(String(decoding: line, as: UTF8.self))")
            let (f, g) = Level1FastPathTests.both(line, &a, &p)
            #expect(f == g, "\(String(decoding: line, as: UTF8.self))")
        }
        // Lines shorter than 8 bytes with price-like fields.
        for l in ["Q,A,1", "Q,A,1.5", "Q,A,.", "Q,A,", "P,B,12,", "Q,AB,1.25"] {
            let (x, y) = Self.both(Array(l.utf8), &a, &p, &slot)
            #expect(x == y, "\(l)")
        }
    }

    /// Many distinct symbols (1 to 20 bytes, so some are never cached) parsed in several rounds and
    /// orders: far more than the cache holds, so sets evict and collide; every line must carry its own
    /// symbol.
    @Test func symbolCacheNeverReturnsAnotherSymbol() throws {
        var rng = SplitMix64(seed: 77)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.@#/-_".utf8)
        var symbols: [String] = []
        var seen: Set<String> = []
        while symbols.count < 9000 {
            let n = 1 + Int(rng.next() % 20)
            let s = String(decoding: (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }, as: UTF8.self)
            if seen.insert(s).inserted { symbols.append(s) }
        }
        // Prefixes of one another (same leading bytes, different lengths) too.
        for s in ["X", "XX", "XXXXXXX", "XXXXXXXX", "XXXXXXXXX", "XXXXXXXXXXXXXXX", "XXXXXXXXXXXXXXXX"] where seen.insert(s).inserted {
            symbols.append(s)
        }
        var parser = Level1Parser(now: Time.utcNanos(year: 2026, month: 11, day: 23, hour: 15))
        var slot = Level1Update()
        func check(_ s: String) {
            let line = Array("Q,\(s),1.25,100,10:00:00.000001,1,1000,1.24,1,1.26,1,,,,,Cba,01,".utf8)
            line.withUnsafeBytes { b in
                do throws(IQFeedParseError) {
                    let m = try parser.parse(b, receiveTime: 1, into: &slot)
                    #expect(m == nil)
                    #expect(slot.symbol.text == s && slot.trade?.symbol.text == s && slot.quote?.symbol.text == s)
                } catch { Issue.record("\(s): \(error)") }
            }
        }
        for s in symbols { check(s) }
        let firstRound = parser.symbols.misses
        #expect(firstRound == UInt64(symbols.filter { $0.utf8.count <= 15 }.count))
        for s in symbols.reversed() { check(s) }
        for _ in 0..<20_000 { check(symbols[Int(rng.next() % UInt64(symbols.count))]) }
        // Evictions happened (9,000 symbols, 4,096 entries), and a small working set stays cached.
        #expect(parser.symbols.misses > firstRound)
        let hot = Array(symbols.filter { $0.utf8.count <= 15 }.prefix(50))
        for s in hot { check(s) }
        let before = parser.symbols.misses
        for _ in 0..<10 { for s in hot { check(s) } }
        #expect(parser.symbols.misses - before < 10)
    }
}
