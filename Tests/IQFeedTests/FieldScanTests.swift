import MDTTestSupport
import Testing
@testable import IQFeed
import MarketData

/// The 8-byte (SWAR) shortcuts in `FieldCursor` and `Scan` against plain byte-by-byte references,
/// on random and shaped fields at every position relative to the line's end.
@Suite struct FieldScanTests {
    /// Naive split: a single trailing comma dropped, no quoting.
    static func fields(_ line: [UInt8]) -> [[UInt8]] {
        if line.isEmpty { return [] }
        var l = line
        if l.last == UInt8(ascii: ",") { l.removeLast() }
        return l.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map(Array.init)
    }

    static func digitsRef(_ f: [UInt8], _ at: Int, _ n: Int) -> Int? {
        if at + n > f.count { return nil }
        var v = 0
        for b in f[at..<(at + n)] {
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    static func isoDateRef(_ f: [UInt8]) -> (Int, Int, Int)? {
        guard f.count >= 10, f[4] == UInt8(ascii: "-"), f[7] == UInt8(ascii: "-"),
              let y = digitsRef(f, 0, 4), let m = digitsRef(f, 5, 2), let d = digitsRef(f, 8, 2) else { return nil }
        let dim = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard y >= 1900, y <= 2200, m >= 1, m <= 12, d >= 1, d <= dim[m - 1],
              !(m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) else { return nil }
        return (y, m, d)
    }

    enum R<T: Equatable>: Equatable { case v(T), e(IQFeedParseError) }

    static func randomField(_ rng: inout SplitMix64) -> [UInt8] {
        let alphabet = Array("0123456789012345678901234567890123456789.-:+ ,aZ".utf8) + [0, 0xFF]
        switch rng.next() % 6 {
        case 0:  // a price-like field
            var s = String(rng.next() % 100_000_000)
            if rng.next() % 3 != 0 { s += "." + String(repeating: "7", count: Int(rng.next() % 11)) }
            if rng.next() % 8 == 0 { s = "-" + s }
            return Array(s.utf8)
        case 1:  // a time-like field
            let s = format2(rng.next() % 30) + ":" + format2(rng.next() % 70) + ":" + format2(rng.next() % 70)
                + (rng.next() % 4 == 0 ? "" : "." + String(repeating: "3", count: Int(rng.next() % 10)))
            return Array(s.utf8)
        case 2:  // a date-like field
            let s = String(1890 + rng.next() % 320) + "-" + format2(rng.next() % 14) + "-" + format2(rng.next() % 33)
            return Array(s.utf8)
        case 3:  // a long integer
            return Array(String(rng.next() % (rng.next() % 2 == 0 ? 1_000_000_000_000_000 : 100)).utf8)
        default:
            return (0..<Int(rng.next() % 20)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        }
    }

    static func format2(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }

    /// `Scan.zeroByteFlags` flags exactly the 0 bytes of a word (so XORed with commas, exactly the commas):
    /// not 0x80, not 0x01 after a 0 (the short SWAR form's false match), every one of several.
    @Test func zeroByteFlagsAreExact() {
        var r = SplitMix64(seed: 0x2E80)
        let special: [UInt8] = [0x00, 0x01, 0x2C, 0x7F, 0x80, 0x81, 0xAC, 0xFF]
        for n in 0..<50_000 {
            let bytes = (0..<8).map { _ in n % 2 == 0 ? special[Int(r.next() % UInt64(special.count))] : UInt8(r.next() & 0xFF) }
            let w = bytes.withUnsafeBytes { Scan.word($0.baseAddress!) }
            var want: UInt64 = 0
            for (i, b) in bytes.enumerated() where b == 0 { want |= 0x80 << UInt64(i * 8) }
            #expect(Scan.zeroByteFlags(w) == want, "\(bytes)")
            let commas = Scan.zeroByteFlags(w ^ 0x2C2C_2C2C_2C2C_2C2C)
            var wantCommas: UInt64 = 0
            for (i, b) in bytes.enumerated() where b == 44 { wantCommas |= 0x80 << UInt64(i * 8) }
            #expect(commas == wantCommas, "\(bytes)")
        }
    }

    @Test func cursorShortcutsMatchReferences() throws {
        var rng = SplitMix64(seed: 0xF1E1D)
        var checked = 0
        for _ in 0..<6_000 {
            var line = Self.randomField(&rng)
            // What follows the field: nothing, a trailing comma, or more fields of random length.
            switch rng.next() % 3 {
            case 0: break
            case 1: line.append(UInt8(ascii: ","))
            default:
                line.append(UInt8(ascii: ","))
                line += Self.randomField(&rng)
                if rng.next() % 2 == 0 { line.append(UInt8(ascii: ",")) }
            }
            let expected = Self.fields(line)
            let first = expected.first ?? []
            let second: [UInt8]? = expected.count > 1 ? expected[1] : nil
            line.withUnsafeBytes { b in
                // next(): every field as the naive split.
                var c = FieldCursor(b)
                var got: [[UInt8]] = []
                while let f = c.next() { got.append(Array(f)) }
                #expect(got == expected, "\(Array(line))")
                let f = UnsafeRawBufferPointer(start: b.baseAddress, count: first.count)

                // price
                var pc = FieldCursor(b, messageType: "X")
                let p: R<Price?>
                do throws(IQFeedParseError) { p = .v(try pc.price("P")) } catch { p = .e(error) }
                var rc = FieldCursor(b, messageType: "X")
                let pr: R<Price?>
                do throws(IQFeedParseError) {
                    let rf = try rc.field("P")
                    if let v = Scan.fastPrice(rf) { pr = .v(v) } else {
                        do throws(PriceError) { pr = .v(try Price.parse(rf)) } catch { throw rc.error("P", .badPrice(error)) }
                    }
                } catch { pr = .e(error) }
                #expect(p == pr, "price \(Array(line))")
                if case .v = p { #expect(pc.next().map(Array.init) == second && pc.index == rc.index + (second == nil ? 0 : 1)) }

                // uint
                var uc = FieldCursor(b, messageType: "X")
                let u: R<UInt64?>
                do throws(IQFeedParseError) { u = .v(try uc.uint("U")) } catch { u = .e(error) }
                let ur: R<UInt64?> = expected.isEmpty ? u : first.isEmpty ? .v(nil)
                    : Scan.uint64(f).map { .v($0) } ?? .e(FieldCursor(b, messageType: "X").error("U", .notAnInteger, index: 0))
                #expect(u == ur, "uint \(Array(line))")
                if case .v = u { #expect(uc.next().map(Array.init) == second) }

                // timeOfDay
                var tc = FieldCursor(b, messageType: "X")
                var t: R<Int64?>
                do throws(IQFeedParseError) { t = .v(try tc.timeOfDay("T").map { Int64($0.0) * 1_000_000_000 + $0.1 }) } catch { t = .e(error) }
                if !first.isEmpty {
                    switch Scan.timeOfDay(f) {
                    case .value(let s, let n): #expect(t == .v(Int64(s) * 1_000_000_000 + n), "time \(Array(line))")
                    case .noValue: #expect(t == .v(nil), "time \(Array(line))")
                    case .invalid:
                        guard case .e(let e) = t else { Issue.record("time accepted \(Array(line))"); break }
                        #expect(e.reason == .badTime && e.index == 0)
                    }
                    if case .v = t { #expect(tc.next().map(Array.init) == second) }
                }

                // isoDate
                let d = Scan.isoDate(f), dr = Self.isoDateRef(first)
                #expect(d?.0 == dr?.0 && d?.1 == dr?.1 && d?.2 == dr?.2, "date \(Array(line))")
            }
            checked += 1
        }
        #expect(checked == 6_000)
    }
}
