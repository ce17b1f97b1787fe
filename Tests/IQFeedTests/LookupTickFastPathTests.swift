import Foundation
import MDTTestSupport
import Testing
@testable import IQFeed
import MarketData

/// The straight-line tick-row reader (`fastTickRow`, behind `LookupReplyParser.parse` and `readTickRow`) must
/// give exactly what the general `FieldCursor` path gives: the same `Trade`, or (when it declines) the same
/// error from `parse`, on random valid rows of every shape and on damaged copies of them.
@Suite struct LookupTickFastPathTests {
    enum Outcome: Equatable {
        case value(LookupLine)
        case failure(IQFeedParseError)
    }

    static let symbol = Symbol(unchecked: "AAPL")

    static func parsers(_ id: String = "mdt7") -> (fast: LookupReplyParser, reference: LookupReplyParser) {
        var r = LookupReplyParser(kind: .ticks, symbol: symbol, requestID: id)
        r.fastPathEnabled = false
        return (LookupReplyParser(kind: .ticks, symbol: symbol, requestID: id), r)
    }

    static func outcome(_ p: inout LookupReplyParser, _ b: UnsafeRawBufferPointer) -> Outcome {
        do throws(IQFeedParseError) { return .value(try p.parse(b, receiveTime: 0)) } catch { return .failure(error) }
    }

    /// Compares `parse` on both parsers and `readTickRow` on a third in the same state; true when the
    /// straight-line reader took the row.
    @discardableResult
    static func check(_ line: [UInt8], _ fast: inout LookupReplyParser, _ reference: inout LookupReplyParser,
                      _ rows: inout LookupReplyParser) -> Bool {
        line.withUnsafeBytes { b in
            let f = outcome(&fast, b)
            let g = outcome(&reference, b)
            #expect(f == g, "\(String(decoding: line, as: UTF8.self))")
            let before = rows.counters
            if let r = rows.readTickRow(b) {
                #expect(g == .value(.tick(Trade(symbol: symbol, row: r))), "\(String(decoding: line, as: UTF8.self))")
                #expect(rows.counters.parsed == before.parsed + 1 && rows.counters.failed == before.failed)
                return true
            }
            #expect(rows.counters == before)
            // Declined: `parse` takes the line, as the client does.
            #expect(outcome(&rows, b) == g, "\(String(decoding: line, as: UTF8.self))")
            return false
        }
    }

    /// A row in one of many shapes, mostly valid: `<id>,LH,` + timestamp and the 12 fields.
    static func randomRow(_ rng: inout SplitMix64, id: String = "mdt7") -> String {
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(rng.below(10))) }) }
        func price() -> String {
            switch rng.below(10) {
            case 0: return ""
            case 1: return digits(1 + rng.below(9))                                        // integer, up to 9 digits
            case 2: return digits(1 + rng.below(8)) + "." + digits(rng.below(10))          // up to 9 decimals
            case 3: return "." + digits(1 + rng.below(4))
            case 4: return digits(rng.below(3)) + "."
            default: return digits(1 + rng.below(4)) + "." + digits([2, 4, 4, 6][rng.below(4)])
            }
        }
        func uint() -> String {
            switch rng.below(8) {
            case 0: return ""
            case 1: return digits(1 + rng.below(20))                                        // past 15 digits, past UInt64
            case 2: return "0" + digits(rng.below(6))
            default: return digits(1 + rng.below(7))
            }
        }
        let y = rng.below(12) == 0 ? [1899, 1900, 2200, 2201, 2024][rng.below(5)] : 2000 + rng.below(30)
        let m = rng.below(14) == 0 ? [0, 13][rng.below(2)] : 1 + rng.below(12)
        let d = rng.below(14) == 0 ? [0, 29, 30, 31, 32][rng.below(5)] : 1 + rng.below(28)
        // DST transition days of 2026 (Mar 8, Nov 1) now and then.
        let date: String
        if rng.below(10) == 0 { date = ["2026-03-08", "2026-11-01", "2024-02-29", "2023-02-29"][rng.below(4)] }
        else { date = String(format: "%04d-%02d-%02d", y, m, d) }
        let hh = rng.below(12) == 0 ? 24 + rng.below(76) : rng.below(24)
        let mm = rng.below(15) == 0 ? 60 + rng.below(40) : rng.below(60)
        let ss = rng.below(15) == 0 ? 60 + rng.below(40) : rng.below(60)
        var time = String(format: "%02d:%02d:%02d", hh, mm, ss)
        switch rng.below(12) {
        case 0: break
        case 1: time += "." + digits(1 + rng.below(9))
        case 2: time = String(format: "%02d%02d%02d", hh, mm, ss)
        default: time += "." + digits(6)
        }
        let ts = rng.below(20) == 0 ? date : date + " " + time
        let basis: String
        switch rng.below(12) {
        case 0: basis = ""                                            // legacy shapes
        case 1: basis = digits(1 + rng.below(3))
        case 2: basis = ["c", "Z", "@", "CE", "7"][rng.below(5)]
        default: basis = ["C", "E", "O"][rng.below(3)]
        }
        let hex = Array("0123456789ABCDEFabcdef")
        let cond: String
        switch rng.below(10) {
        case 0: cond = ""
        case 1: cond = String((0..<(9 + rng.below(4))).map { _ in hex[rng.below(hex.count)] })
        case 2: cond = ["G", "3D-", "x1"][rng.below(3)]
        default: cond = String((0..<(1 + rng.below(8))).map { _ in hex[rng.below(hex.count)] })
        }
        let aggr: String
        switch rng.below(10) {
        case 0: aggr = ""
        case 1: aggr = ["255", "256", "999", "0001", "12a", "-1"][rng.below(6)]
        default: aggr = String(rng.below(4))
        }
        var fields = [ts, price(), uint(), uint(), price(), price(), uint(), basis, uint(), cond, aggr, String(1 + rng.below(31))]
        if rng.below(25) == 0 { fields.removeLast(1 + rng.below(5)) }        // short rows
        var row = id + ",LH," + fields.joined(separator: ",")
        switch rng.below(10) {
        case 0: break
        case 1: row += ",,"
        default: row += ","
        }
        return row
    }

    @Test func fixtureRowsMatchGeneralPath() throws {
        var (fast, reference) = Self.parsers("mdt7")
        var rows = fast
        var compared = 0, taken = 0
        for file in ["lookup_HTX_p62", "lookup_HTX_p61", "lookup_HTX_p60", "lookup_HTX_legacy"] {
            for l in try Fixture.lines(file) {
                // Each row as sent and as a 6.2 reply to `mdt7` (any id and tag replaced).
                var rest = Substring(l)
                if let r = l.range(of: "LH,"), l[..<r.lowerBound].filter({ $0 == "," }).count <= 1 { rest = l[r.upperBound...] }
                Self.check(Array(l.utf8), &fast, &reference, &rows)
                if Self.check(Array(("mdt7,LH," + rest).utf8), &fast, &reference, &rows) { taken += 1 }
                compared += 2
            }
        }
        #expect(compared > 100 && taken > 50, "compared \(compared), taken \(taken)")
    }

    @Test func randomRowsMatchGeneralPath() {
        var rng = SplitMix64(seed: 0x7E57_71C5)
        var (fast, reference) = Self.parsers()
        var rows = fast
        var taken = 0, values = 0
        let n = 20_000
        for _ in 0..<n {
            let line = Array(Self.randomRow(&rng).utf8)
            if Self.check(line, &fast, &reference, &rows) { taken += 1 }
            var probe = reference
            if case .value = line.withUnsafeBytes({ Self.outcome(&probe, $0) }) { values += 1 }
        }
        #expect(fast.counters == reference.counters)
        // The generator makes both kinds: a sixth of the rows is read straight, the rest declined (then read or rejected by the general path).
        #expect(taken > n / 10 && taken < values, "taken \(taken), valid \(values)")
    }

    @Test func commonRowsAreTakenStraight() {
        var (fast, reference) = Self.parsers("mdt12")
        var rows = fast
        let lines = [
            "mdt12,LH,2026-03-02 09:30:00.000001,96.0700,100,1061909,96.0600,96.0800,4145784264,C,19,3D,1,2,",
            "mdt12,LH,2026-03-02 15:59:59.999999,1.5,0,0,,,0,E,0,,0,2,",
            "mdt12,LH,2026-03-08 03:30:00.500000,12.,123456789012345,9,0.0001,9999999.9999999,1,O,65535,87171234,3,8,",
            "mdt12,LH,2026-11-01 01:30:00.250000,.25,4294967296,1,1,2,0,C,70000,ffFF0000,255,1",
        ]
        for l in lines {
            #expect(Self.check(Array(l.utf8), &fast, &reference, &rows), "\(l)")
        }
        // Values as the general path gives them (saturated size, truncated market center, DST days).
        var p = Self.parsers("mdt12").reference
        guard case .tick(let t) = try? p.parse(lines[2]) else { Issue.record("no tick"); return }
        #expect(t.size == UInt32.max && t.conditions == 0x8717_1234 && t.aggressor == 3 && t.price == Price(units: 12))
    }

    @Test func mutatedRowsMatchGeneralPath() {
        var rng = SplitMix64(seed: 99)
        var corpus: [[UInt8]] = []
        while corpus.count < 64 {
            let r = Self.randomRow(&rng)
            var f = Self.parsers().fast
            let bytes = Array(r.utf8)
            if bytes.withUnsafeBytes({ f.readTickRow($0) }) != nil { corpus.append(bytes) }
        }
        var mutator = LineMutator(corpus: corpus, seed: 4242)
        var (fast, reference) = Self.parsers()
        var rows = fast
        var taken = 0
        for _ in 0..<15_000 {
            if Self.check(mutator.next(), &fast, &reference, &rows) { taken += 1 }
        }
        #expect(taken > 500)
        #expect(fast.counters == reference.counters)
    }

    @Test func idWithCommaOrOtherKindsNeverTakeTheStraightPath() {
        let line = Array("a,b,LH,2026-03-02 09:30:00.000001,96.07,100,1061909,96.06,96.08,4145784264,C,19,3D,1,2,".utf8)
        var p = LookupReplyParser(kind: .ticks, symbol: Self.symbol, requestID: "a,b")
        let a = line.withUnsafeBytes { p.readTickRow($0) }
        #expect(a == nil)
        var q = LookupReplyParser(kind: .intervals(.seconds(60)), symbol: Self.symbol, requestID: "mdt1")
        let bar = Array("mdt1,LH,2026-03-02 09:30:00.000001,96.07,100,1061909,96.06,96.08,4145784264,C,19,3D,1,2,".utf8)
        let b = bar.withUnsafeBytes { q.readTickRow($0) }
        #expect(b == nil)
        var r = LookupReplyParser(kind: .ticks, symbol: Self.symbol)
        let c = bar.withUnsafeBytes { r.readTickRow($0) }
        #expect(c == nil)
    }

    /// `appendTick` with a pre-encoded symbol column writes the bytes `append(Trade)` writes.
    @Test func appendTickMatchesTradeEncoding() {
        var rng = SplitMix64(seed: 3)
        for sym in ["A", "AAPL", "BRK.B", "@ESM26", String(repeating: "X", count: 64)] {
            let s = Symbol(unchecked: sym)
            let column = RowBinaryEncoder.symbolColumn(s)
            for _ in 0..<500 {
                let t = Trade(symbol: s, eventTime: Int64(bitPattern: rng.next()), receiveTime: Int64(bitPattern: rng.next()),
                              price: Price(raw: Int64(bitPattern: rng.next())), size: UInt32(truncatingIfNeeded: rng.next()),
                              totalVolume: rng.next(), bid: Price(raw: Int64(bitPattern: rng.next())), ask: Price(raw: Int64(bitPattern: rng.next())),
                              tickID: rng.next(), basis: UInt8(truncatingIfNeeded: rng.next()), marketCenter: UInt16(truncatingIfNeeded: rng.next()),
                              conditions: UInt32(truncatingIfNeeded: rng.next()), aggressor: UInt8(truncatingIfNeeded: rng.next()), seq: rng.next())
                var a: [UInt8] = [1, 2, 3], b: [UInt8] = [1, 2, 3]
                RowBinaryEncoder.append(t, to: &a)
                column.withUnsafeBytes { c in
                    RowBinaryEncoder.appendTick(symbolColumn: c, eventTime: t.eventTime, receiveTime: t.receiveTime, seq: t.seq, price: t.price,
                                                size: t.size, totalVolume: t.totalVolume, bid: t.bid, ask: t.ask, tickID: t.tickID,
                                                basis: t.basis, marketCenter: t.marketCenter, conditions: t.conditions,
                                                aggressor: t.aggressor, to: &b)
                }
                #expect(a == b)
            }
        }
    }
}
