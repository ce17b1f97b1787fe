import MDTTestSupport
import Testing
@testable import IQFeed
import MarketData

/// The straight-line default-fieldset `Q`/`P` parse (`parseQP`) must give exactly what the generic
/// fieldset-driven `parseUpdate` gives: the same value, or the same error (message type, field, index,
/// reason, excerpt).
@Suite struct Level1FastPathTests {
    enum Outcome: Equatable {
        case value(Level1Message)
        case failure(IQFeedParseError)
    }

    /// (fast, generic) for one line, on two parsers in the same state.
    static func both(_ line: [UInt8], _ fast: inout Level1Parser, _ generic: inout Level1Parser, receiveTime: Nanos = 42) -> (Outcome, Outcome) {
        line.withUnsafeBytes { b in
            let f: Outcome
            do throws(IQFeedParseError) { f = .value(try fast.parse(b, receiveTime: receiveTime)) } catch { f = .failure(error) }
            let g: Outcome
            do throws(IQFeedParseError) {
                guard b.count > 1, b[1] == UInt8(ascii: ",") else { g = .value(try generic.parseUncounted(b, receiveTime: receiveTime)); return (f, g) }
                switch b[0] {
                case UInt8(ascii: "Q"): g = .value(.update(try generic.parseUpdate(b, summary: false, receiveTime: receiveTime)))
                case UInt8(ascii: "P"): g = .value(.update(try generic.parseUpdate(b, summary: true, receiveTime: receiveTime)))
                default: g = .value(try generic.parseUncounted(b, receiveTime: receiveTime))
                }
            } catch { g = .failure(error) }
            return (f, g)
        }
    }

    static func parsers(_ t: String = "T,20210630 13:44:36") throws -> (Level1Parser, Level1Parser) {
        var a = Level1Parser(), b = Level1Parser()
        _ = try a.parse(t)
        _ = try b.parse(t)
        #expect(a.isDefaultFieldSet && b.isDefaultFieldSet)
        return (a, b)
    }

    @Test func fixtureLinesMatchGenericPath() throws {
        var (fast, generic) = try Self.parsers()
        var compared = 0, values = 0
        for file in ["level1_Q", "level1_P"] {
            for l in try Fixture.lines(file) {
                let (f, g) = Self.both(Array(l.utf8), &fast, &generic)
                #expect(f == g, "\(l)")
                compared += 1
                if case .value = f { values += 1 }
            }
        }
        #expect(compared == 12 && values == 9)
        // Every other L1 fixture line goes through parse unchanged (the fast path is only Q/P).
        for file in ["level1_C", "level1_F", "level1_N", "level1_R", "level1_T"] {
            for l in try Fixture.lines(file) {
                let (f, g) = Self.both(Array(l.utf8), &fast, &generic)
                #expect(f == g, "\(l)")
            }
        }
    }

    @Test func benchSampleLinesTakeTheFastPathAndMatch() throws {
        var (fast, generic) = try Self.parsers("T,20261123 10:00:00")
        for l in ParseBench.sampleLevel1 {
            let (f, g) = Self.both(Array(l.utf8), &fast, &generic, receiveTime: 7)
            #expect(f == g, "\(l)")
            guard case .value(.update(let u)) = f else { Issue.record("not an update: \(l)"); continue }
            #expect(u.trade != nil || u.quote != nil)
        }
    }

    /// Hand-written edge cases around every shortcut the fast path takes.
    @Test func edgeCasesMatchGenericPath() throws {
        let base = "Q,SPY,427.8550,300,13:29:35.963557,19,22748386,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,C,01,"
        var lines: [String] = [base, String(base.dropLast()), base + ",", base + "extra,fields", "Q,", "Q", "P,", "Q,,", "Q,SPY",
                               "Q,SPY,,,,,,,,,,,,,,,,", "Q,SPY,,,,,,,,,,,,,,,", "Q,SPY,,,,,,,,,,,,,,", "P,SPY,,,,,,,,,,,,,,,,"]
        let prices = ["", "0", "5", "5.", ".5", ".", "-", "-1.25", "+1.25", "1.2.3", "1e5", " 1", "1 ", "12345678", "1234567.1234567",
                      "12345678.5", "1.123456789", "1.1234567890", "1.12345678", "99999999999999999", "999999999999999999",
                      "9999999999.5", "00000000000000000001", "0.000000001", "1,5", "１"]
        let sizes = ["", "0", "7", "12345678", "123456789", "4294967295", "4294967296", "99999999999999999999",
                     "999999999999999999999", "-1", "1.0", "x", " 5"]
        let times = ["", "13:29:35.963557", "13:29:35", "132935", "13:29:35.9", "13:29:35.123456789", "13:29:35.1234567890",
                     "99:99:99", "99:99:99.139000", "24:00:00.000000", "23:59:60.000000", "23:60:00.000000", "12:61:00",
                     "1:29:35.963557", "13:29:35.96355x", "13:29:35,963557", "13:29", "aa:bb:cc.dddddd", "13:29:35.", "13-29-35.963557"]
        let contents = ["", "C", "E", "O", "b", "a", "ba", "Cba", "Obv", "Cbaohlcv", "xyz", "CE", "v"]
        let conds = ["", "01", "8717", "873D17", "abcdef12", "0123456789ABCDEF", "g1", "1-", "01 "]
        let symbols = ["SPY", "@ESZ26", "", " SPY", "SP Y", "SPY\u{7F}", "A", String(repeating: "X", count: 64),
                       String(repeating: "X", count: 65), "é", "QQQ2612R400000", "BRK.B",
                       // Around the 8- and 16-byte words the symbol is read in, and bytes that end or break it.
                       "ABCDEFG", "ABCDEFGH", "ABCDEFGHI", String(repeating: "Y", count: 15), String(repeating: "Y", count: 16),
                       String(repeating: "Y", count: 17), "SP\u{0}Y", "\u{0}", "SPY\u{0}", "ABCDEFGH\u{0}"]
        func line(_ f: [String]) -> String { "Q," + f.joined(separator: ",") + "," }
        let fields = base.split(separator: ",", omittingEmptySubsequences: false).dropFirst().dropLast().map(String.init)
        #expect(fields.count == 16)
        for (i, kind) in [(1, prices), (2, sizes), (3, times), (4, sizes), (5, sizes), (6, prices), (7, sizes), (8, prices),
                          (9, sizes), (10, prices), (11, prices), (12, prices), (13, prices), (14, contents), (15, conds), (0, symbols)] {
            for v in kind {
                var f = fields
                f[i] = v
                lines.append(line(f))
                lines.append(String(line(f).dropLast()))  // field at the very end of the line, no trailing comma
                lines.append(line(Array(f.prefix(i + 1))))  // line ends right after this field
            }
        }
        // Lines around the longest one the fast path copies (longer ones take the generic path): the filler
        // in a field the fast path reads (Message Contents, then Conditions), so that the last reads reach
        // the copy's end and its padding; with and without the trailing comma, and cut after the contents.
        let head = fields.prefix(14).joined(separator: ",")
        for end in Level1Parser.fastLineLimit - 3...Level1Parser.fastLineLimit + 1 {
            let contents = "Cba" + String(repeating: "v", count: max(0, end - head.utf8.count - 2 - 3 - 4))
            let withContents = "Q," + head + "," + contents + ",01,"
            lines.append(withContents)
            lines.append(String(withContents.dropLast()))
            lines.append("Q," + head + "," + contents + ",")
            let conds = String(repeating: "01", count: max(1, (end - head.utf8.count - 2 - 3 - 2) / 2))
            lines.append("Q," + head + ",C," + conds + ",")
            lines.append("Q," + head + ",C," + conds)
        }
        #expect(lines.contains { $0.utf8.count == Level1Parser.fastLineLimit }
                && lines.contains { $0.utf8.count == Level1Parser.fastLineLimit + 1 })
        lines.append(base + String(repeating: "9", count: 2000))
        var (fast, generic) = try Self.parsers()
        var values = 0, errors = 0
        for l in lines {
            let (f, g) = Self.both(Array(l.utf8), &fast, &generic)
            #expect(f == g, "\(l)")
            if case .value = f { values += 1 } else { errors += 1 }
        }
        #expect(values > 100 && errors > 100)
        // Counters: one count per line, failures where the generic path fails.
        #expect(fast.counters.parsed + fast.counters.failed == UInt64(lines.count + 1))
        #expect(fast.counters.failed == UInt64(errors))
    }

    /// Prices whose shape changes between lines of one symbol and within a line (digits before and after
    /// the dot), interleaved over symbols: the shape the fast path keeps per symbol is only ever a guess.
    @Test func priceShapeChangesMatchGenericPath() throws {
        let prices = ["9.9999", "10.0000", "99.99", "100.00", "1000.5", "1.25", "0.0001", "12345.678", "1234567.1",
                      "7", "7.", "", "-1.25", "12345678.5", "3.141592", "31.41592", "314.1592"]
        var rng = SplitMix64(seed: 0x5_4A9E)
        var (fast, generic) = try Self.parsers()
        var values = 0
        for n in 0..<4000 {
            let sym = ["SPY", "@ESZ26", "AAPL", "X"][n % 4]
            func p() -> String { prices[Int(rng.next() % UInt64(prices.count))] }
            let line = "Q,\(sym),\(p()),100,10:00:00.000001,1,1000,\(p()),5,\(p()),6,\(p()),\(p()),\(p()),\(p()),Cba,01,"
            let (f, g) = Self.both(Array(line.utf8), &fast, &generic)
            #expect(f == g, "\(line)")
            if case .value(.update) = f { values += 1 }
        }
        #expect(values == 4000)
    }

    /// Bytes with the high bit set where a comma, a dot or a digit would be (0xAC, 0xAE, 0xB0...0xB9 differ
    /// from them only in that bit), and NULs, in every field: the word-at-a-time readers must not take them
    /// for the ASCII byte. (Built as bytes: a String literal cannot hold a lone high byte.)
    @Test func highBitAndNulBytesMatchGenericPath() throws {
        let base = Array("Q,SPY,427.8550,300,13:29:35.963557,19,22748386,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,C,01,".utf8)
        var (fast, generic) = try Self.parsers()
        var compared = 0
        for i in 2..<base.count {
            for b: UInt8 in [0x00, 0x80, 0xAC, 0xAE, 0xB0, 0xB5, 0xB9, 0xBA, 0xFF] {
                var l = base
                l[i] = b
                let (f, g) = Self.both(l, &fast, &generic)
                #expect(f == g, "byte \(b) at \(i)")
                compared += 1
            }
        }
        #expect(compared > 900)
    }

    /// An invalid symbol is never cached: seen twice it takes the generic path (and its error) both times,
    /// and only the valid symbol after it is put in the cache.
    @Test func invalidSymbolIsNeverCached() throws {
        var (fast, generic) = try Self.parsers()
        let rest = ",1.25,100,10:00:00.000001,1,1000,1.24,1,1.26,1,,,,,Cba,01,"
        let before = fast.symbols.misses
        for sym in ["SP Y", "SP Y", "SPY\u{7F}", "SPY\u{7F}"] {
            let (f, g) = Self.both(Array(("Q," + sym + rest).utf8), &fast, &generic)
            #expect(f == g, "\(sym)")
            guard case .failure = f else { Issue.record("\(sym) parsed"); continue }
        }
        #expect(fast.symbols.misses == before)
        let (f, g) = Self.both(Array(("Q,SPY" + rest).utf8), &fast, &generic)
        #expect(f == g)
        #expect(fast.symbols.misses == before + 1)
    }

    /// 9,000 symbols (more than the cache's 4,096 entries, so entries and their kept price shapes move and
    /// are evicted) with prices of changing shapes: every update as the generic parser gives it.
    @Test func symbolCacheEvictionsKeepValuesRight() throws {
        var rng = SplitMix64(seed: 0xE71C7)
        let prices = ["9.9999", "10.0000", "99.99", "100.00", "1000.5", "1.25", "0.0001", "12345.678", "", "7"]
        var (fast, generic) = try Self.parsers()
        for n in 0..<30_000 {
            let sym = "S\(n < 9000 ? n : Int(rng.next() % 9000))"
            func p() -> String { prices[Int(rng.next() % UInt64(prices.count))] }
            let line = "Q,\(sym),\(p()),100,10:00:00.000001,1,1000,\(p()),5,\(p()),6,,,,\(p()),Cba,01,"
            let (f, g) = Self.both(Array(line.utf8), &fast, &generic)
            if f != g { Issue.record("\(line)"); break }
        }
        #expect(fast.symbols.misses > 9000)
    }

    /// Seeded mutations of default-fieldset lines (digits, separators, signs, dots, truncation).
    @Test func mutatedLinesMatchGenericPath() throws {
        var corpus = try Fixture.lines("level1_Q").map { Array($0.utf8) }
        corpus += try Fixture.lines("level1_P").map { Array($0.utf8) }
        corpus += ParseBench.sampleLevel1.map { Array($0.utf8) }
        var mutator = LineMutator(corpus: corpus, seed: 0x5EED_0F_FA57)
        var (fast, generic) = try Self.parsers()
        var mismatches = 0, values = 0
        for _ in 0..<6000 {
            let buf = mutator.next()
            let (f, g) = Self.both(buf, &fast, &generic, receiveTime: Nanos(mutator.rng.next() % 1000))
            if f != g {
                mismatches += 1
                if mismatches <= 5 { Issue.record("fast != generic for \(String(decoding: buf, as: UTF8.self)): \(f) vs \(g)") }
            }
            if case .value(.update) = f { values += 1 }
        }
        #expect(mismatches == 0)
        #expect(values > 500)
    }

    @Test func otherFieldsetsUseTheGenericPath() throws {
        var p = Level1Parser()
        _ = try p.parse("S,CURRENT UPDATE FIELDNAMES,Symbol,Bid,Ask")
        #expect(!p.isDefaultFieldSet)
        guard case .update(let u) = try p.parse("Q,AAPL,134.62,134.65,") else { Issue.record("update"); return }
        #expect(u.quote?.bid == px("134.62") && u.trade == nil)
        _ = try p.parse("S,CURRENT UPDATE FIELDNAMES," + Level1Field.defaultSet.map(\.wireName).joined(separator: ","))
        #expect(p.isDefaultFieldSet)
        // The default set plus one more field is not the default set.
        _ = try p.parse("S,CURRENT UPDATE FIELDNAMES," + (Level1Field.defaultSet + [.tickID]).map(\.wireName).joined(separator: ","))
        #expect(!p.isDefaultFieldSet)
    }
}
