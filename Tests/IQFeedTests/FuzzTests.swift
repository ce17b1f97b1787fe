import Testing
@testable import IQFeed
import MarketData
import MDTTestSupport


/// Seeded random + mutated lines through every parser: no crash, every line counted as parsed or failed.
/// 1,010,000 lines in total across the tests below (350k L1, 300k L2, 300k lookup/derivative/admin, 60k framed).
@Suite struct FuzzTests {
    static let interesting: [UInt8] = Array(",,,:.-+0123456789 \r\tABCEOQPSTabnLHZ!\u{7F}".utf8) + [0, 0xFF, 0x80]

    /// Real lines, cut to at most `maxLen` bytes to keep the debug run fast.
    static func corpus(_ files: [String], maxLen: Int = 72) throws -> [[UInt8]] {
        var out: [[UInt8]] = []
        for f in files { for l in try Fixture.lines(f) { out.append(Array(l.utf8.prefix(maxLen))) } }
        return out
    }

    /// Mutates `line` into `buf` (reused; no allocation once grown).
    static func mutate(_ line: [UInt8], into buf: inout [UInt8], rng: inout SplitMix64) {
        buf.removeAll(keepingCapacity: true)
        buf.append(contentsOf: line)
        let n = Int(rng.next() % 4)
        for _ in 0...n {
            let op = rng.next() % 8
            let pos = buf.isEmpty ? 0 : Int(rng.next() % UInt64(buf.count))
            let b = interesting[Int(rng.next() % UInt64(interesting.count))]
            switch op {
            case 0 where !buf.isEmpty: buf[pos] = b
            case 1: buf.insert(b, at: pos)
            case 2 where !buf.isEmpty: buf.remove(at: pos)
            case 3: buf.removeSubrange(pos..<buf.count)
            case 4 where !buf.isEmpty: buf[pos] = UInt8(truncatingIfNeeded: rng.next())
            case 5: buf.insert(UInt8(ascii: ","), at: pos)
            case 6 where !buf.isEmpty: buf[pos] = UInt8(ascii: "9")
            default: break
            }
        }
    }

    /// Runs `count` mutated lines through `parse`; returns (ok, failed).
    static func run(seed: UInt64, count: Int, corpus: [[UInt8]], _ parse: (UnsafeRawBufferPointer) -> Bool) -> (Int, Int) {
        var rng = SplitMix64(seed: seed)
        var buf: [UInt8] = []
        buf.reserveCapacity(256)
        var ok = 0, bad = 0
        for i in 0..<count {
            let src = corpus[Int(rng.next() % UInt64(corpus.count))]
            if i % 8 == 0 {  // some unmutated or fully random lines too
                buf.removeAll(keepingCapacity: true)
                if i % 16 == 0 { buf.append(contentsOf: src) } else {
                    for _ in 0..<Int(rng.next() % 40) { buf.append(interesting[Int(rng.next() % UInt64(interesting.count))]) }
                }
            } else {
                mutate(src, into: &buf, rng: &rng)
            }
            if buf.withUnsafeBytes(parse) { ok += 1 } else { bad += 1 }
        }
        return (ok, bad)
    }

    @Test func level1() throws {
        let corpus = try Self.corpus(["level1_Q", "level1_P", "level1_T", "level1_R", "level1_C", "level1_N", "level1_F", "system_S", "errors", "admin_STATS"])
        var p = Level1Parser(now: Time.utcNanos(year: 2026, month: 3, day: 9))
        let (ok, bad) = Self.run(seed: 1, count: 350_000, corpus: corpus) { b in
            do throws(IQFeedParseError) { _ = try p.parse(b, receiveTime: 1); return true } catch { return error.description.isEmpty }
        }
        #expect(ok + bad == 350_000 && ok > 1000 && bad > 1000)
        #expect(p.counters.parsed == UInt64(ok) && p.counters.failed == UInt64(bad))
    }

    @Test func level2() throws {
        let corpus = try Self.corpus(["level2_mbo", "level2_mbp", "level2_system", "level2_legacy"])
        var p = Level2Parser()
        let (ok, bad) = Self.run(seed: 2, count: 300_000, corpus: corpus) { b in
            do { _ = try p.parse(b, receiveTime: 1); return true } catch { return false }
        }
        #expect(ok + bad == 300_000 && ok > 1000 && bad > 1000)
        #expect(p.counters.parsed == UInt64(ok))
    }

    @Test func lookupAndDerivative() throws {
        let corpus = try Self.corpus(["lookup_HTX_p61", "lookup_HTX_p60", "lookup_HTX_p62", "lookup_HTX_legacy", "lookup_HIX_p61",
                                      "lookup_HIX_p62", "lookup_HDX_p61", "lookup_HDX_p62", "lookup_symbols", "errors", "derivative_bars"])
        let s = Symbol(unchecked: "AAPL")
        var parsers = [LookupReplyParser(kind: .ticks, symbol: s), LookupReplyParser(kind: .intervals(.seconds(60)), symbol: s),
                       LookupReplyParser(kind: .calendar(.daily), symbol: s, requestID: "1"), LookupReplyParser(kind: .symbolSearch(code: true), symbol: s),
                       LookupReplyParser(kind: .table, symbol: s, requestID: "XYZ")]
        var d = DerivativeParser()
        var a = AdminParser()
        var i = 0
        let (ok, bad) = Self.run(seed: 3, count: 300_000, corpus: corpus) { b in
            i += 1
            do {
                switch i % 7 {
                case 5: _ = try d.parse(b, receiveTime: 0)
                case 6: _ = try a.parse(b, receiveTime: 0)
                default: _ = try parsers[i % 7].parse(b, receiveTime: 0)
                }
                return true
            } catch { return false }
        }
        #expect(ok + bad == 300_000 && ok > 1000 && bad > 1000)
    }

    /// Random streams of mutated lines, framed with random read sizes, equal a reference split.
    @Test func framerRandomChunks() throws {
        let corpus = try Self.corpus(["level1_Q", "level2_mbo", "lookup_HTX_p61", "system_S"], maxLen: 200)
        var rng = SplitMix64(seed: 4)
        var total = 0
        var buf: [UInt8] = []
        for _ in 0..<60 {
            var stream: [UInt8] = []
            var expected: [[UInt8]] = []
            for _ in 0..<1000 {
                Self.mutate(corpus[Int(rng.next() % UInt64(corpus.count))], into: &buf, rng: &rng)
                var line = buf.filter { $0 != 10 }
                let crlf = rng.next() % 2 == 0
                stream.append(contentsOf: line)
                stream.append(contentsOf: crlf ? [13, 10] : [10])
                if !crlf, line.last == 13 { line.removeLast() }
                if !line.isEmpty { expected.append(line) }
            }
            var f = LineFramer(maxLineLength: 4096, initialCapacity: 64)
            var got: [[UInt8]] = []
            var off = 0
            while off < stream.count {
                let n = min(stream.count - off, 1 + Int(rng.next() % 300))
                stream[off..<(off + n)].withUnsafeBytes { f.append($0) }
                off += n
                while let l = try f.nextLine() { got.append(Array(l)) }
            }
            #expect(got == expected)
            total += expected.count
        }
        #expect(total > 55_000)
    }

    /// Deliberately hostile inputs.
    @Test func hostileLines() {
        var p1 = Level1Parser(), p2 = Level2Parser()
        var pl = LookupReplyParser(kind: .ticks, symbol: Symbol(unchecked: "X"))
        let lines = ["", ",", ",,,,,,", "Q", "Q,", "P,,,,,,,,,,,,,,,,,", "T,", "T,99999999 99:99:99", "S", "S,", "S,STATS", "S,CLIENTSTATS,x",
                     "3," + String(repeating: ",", count: 100), "5,A,99999999999999999999999,,B,,2021-01-01,", "9,A,B,1e5,,,",
                     "LH", "LH,", "X,LH,2021-01-01", "2021-01-01 25:00:00,1,1,1,1,1,1,C,1,01,", "Q,AAPL,1.0000000001,1,,,,,,,,,,,,C,01,",
                     "Q,AAPL,99999999999999999999,1,,,,,,,,,,,,C,01,", "C,A,I,,,,,,,,,", "N,a,b,c,d", "R,A,,,,,,,,,,,",
                     String(repeating: "Q,SPY,", count: 1000)]
        for l in lines {
            l.utf8.withContiguousStorageIfAvailable { _ in }
            bytes(l) { b in
                _ = try? p1.parse(b, receiveTime: 0); _ = try? p2.parse(b, receiveTime: 0); _ = try? pl.parse(b, receiveTime: 0)
            }
        }
        #expect(p1.counters.parsed + p1.counters.failed == UInt64(lines.count))
        #expect(p2.counters.parsed + p2.counters.failed == UInt64(lines.count))
    }
}
