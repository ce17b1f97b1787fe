import MDTTestSupport
import Testing
@testable import IQFeed
import MarketData

/// `Scan.price16` (the 16-byte L1 price reader) must accept exactly the shape `d{0,7}[.d{0,7}]` (one
/// digit at least) followed by a comma within the 16 bytes, with `Price.parse`'s value; an empty field
/// is `.empty`; everything else `.other`. And the L1 fast path built on it must still match the generic
/// path on lines full of random prices.
@Suite struct PriceScanTests {
    /// The shape `price16` takes, judged on the text.
    static func inShape(_ f: [UInt8]) -> Bool {
        let digit: (UInt8) -> Bool = { $0 >= 48 && $0 <= 57 }
        let parts = f.split(separator: 46, maxSplits: 1, omittingEmptySubsequences: false)
        guard let ip = parts.first, ip.count <= 7, ip.allSatisfy(digit) else { return false }
        var digits = ip.count
        if parts.count == 2 {
            let fp = parts[1]
            guard fp.count <= 7, fp.allSatisfy(digit) else { return false }
            digits += fp.count
        }
        return digits > 0
    }

    /// One random price-like field: digits with 0...9 decimals, signs, dots, empties, junk bytes.
    static func randomField(_ r: inout SplitMix64) -> [UInt8] {
        func digits(_ n: Int) -> [UInt8] { (0..<n).map { _ in UInt8(48 + r.next() % 10) } }
        var f: [UInt8]
        switch r.next() % 10 {
        case 0: f = []
        case 1: f = Array("-".utf8) + digits(Int(r.next() % 5)) + Array(".".utf8) + digits(Int(r.next() % 10))
        case 2: f = digits(Int(r.next() % 12))
        case 3: f = digits(Int(r.next() % 9)) + Array(".".utf8)
        case 4: f = Array(".".utf8) + digits(Int(r.next() % 10))
        default: f = digits(Int(r.next() % 9)) + Array(".".utf8) + digits(Int(r.next() % 10))
        }
        if !f.isEmpty && r.next() % 6 == 0 {
            let junk = Array("0.,-+ :xA\u{7F}".utf8) + [0, 0x80, 0xFF, 0x2F, 0x3A]
            f[Int(r.next() % UInt64(f.count))] = junk[Int(r.next() % UInt64(junk.count))]
        }
        return f
    }

    @Test func acceptsExactlyTheShapeWithParsesValue() throws {
        var r = SplitMix64(seed: 0x16_B17E)
        var values = 0, others = 0, empties = 0
        for n in 0..<20_000 {
            let f = Self.randomField(&r)
            // Followed by a comma (or, sometimes, by no comma within the 16 bytes), then other bytes.
            var buf = f
            if n % 7 != 0 { buf.append(44) }
            while buf.count < 24 { buf.append(UInt8(r.next() & 0xFF)) }
            let got = buf.withUnsafeBufferPointer { Scan.price16($0.baseAddress!, 0) }
            // The field is what precedes the first comma (random bytes may hold one).
            let commaAt = buf.firstIndex(of: 44) ?? buf.count
            let field = Array(buf[..<commaAt])
            let terminated = commaAt < 16
            switch got {
            case .empty:
                empties += 1
                #expect(commaAt == 0, "\(f)")
            case .value(let raw, let comma, let intDigits):
                values += 1
                #expect(terminated && comma == commaAt && Self.inShape(field), "\(f)")
                #expect(intDigits == (field.firstIndex(of: 46) ?? field.count), "\(f)")
                let want = field.withUnsafeBytes { b in (try? Price.parse(b)) ?? nil }
                #expect(want == Price(raw: raw), "\(String(decoding: field, as: UTF8.self))")
            case .other:
                others += 1
                #expect(commaAt != 0 && !(terminated && Self.inShape(field)), "refused \(String(decoding: field, as: UTF8.self))")
            }
        }
        #expect(values > 6_000 && others > 2_500 && empties > 500)
    }

    /// Every integer/fraction length pair of the shape, at both extremes of each digit.
    @Test func everyLengthPair() throws {
        for il in 0...8 {
            for fl in -1...8 {
                for d in [UInt8(ascii: "0"), UInt8(ascii: "9"), UInt8(ascii: "5")] {
                    var f = [UInt8](repeating: d, count: il)
                    if fl >= 0 { f.append(46); f += [UInt8](repeating: d, count: fl) }
                    var buf = f + [44]
                    while buf.count < 24 { buf.append(UInt8(ascii: "7")) }
                    let got = buf.withUnsafeBufferPointer { Scan.price16($0.baseAddress!, 0) }
                    let ok = il <= 7 && fl <= 7 && il + max(fl, 0) > 0
                    switch got {
                    case .value(let raw, let comma, let intDigits):
                        #expect(ok && comma == f.count && intDigits == il, "\(il).\(fl)")
                        let want = f.withUnsafeBytes { b in (try? Price.parse(b)) ?? nil }
                        #expect(want == Price(raw: raw), "\(il).\(fl) \(d)")
                    case .empty: #expect(f.isEmpty, "empty for \(il).\(fl)")
                    case .other: #expect(!ok, "refused \(il).\(fl)")
                    }
                }
            }
        }
    }

    /// `Scan.shapedPrice` under every shape accepts a field exactly when `price16` reads it with that
    /// shape (`d{il}.d{fl}`, a comma after), and then gives the same value; `.none` accepts nothing.
    @Test func shapedPriceAcceptsExactlyItsShape() throws {
        var r = SplitMix64(seed: 0x5A_9ED)
        var accepted = 0, refused = 0
        let shapes = (0..<64).map { PriceShape.table.base[$0] } + [PriceShape.none]
        for n in 0..<30_000 {
            var buf = Self.randomField(&r)
            if n % 9 != 0 { buf.append(44) }
            while buf.count < 16 { buf.append(UInt8(r.next() & 0xFF)) }
            let w0 = buf.withUnsafeBytes { Scan.word($0.baseAddress!) }
            let w1 = buf.withUnsafeBytes { Scan.word($0.baseAddress! + 8) }
            let general = Scan.price16(w0, w1, 0)
            for (k, shape) in shapes.enumerated() {
                let got = Scan.shapedPrice(w0, w1, shape)
                var want: Int64?
                if k < 64, case .value(let raw, let comma, let il) = general, il == k / 8, comma - il - 1 == k % 8, il >= 1, k % 8 >= 1, il + k % 8 <= 8 {
                    want = raw
                    #expect(PriceShape.index(start: 0, comma: comma, intDigits: il) == k)
                }
                #expect(got == want, "shape \(k / 8).\(k % 8) on \(String(decoding: buf.prefix(12), as: UTF8.self))")
                if got != nil { accepted += 1 } else { refused += 1 }
            }
        }
        #expect(accepted > 2_000 && refused > 1_000_000)
    }

    /// `PriceShape.index` names a shape exactly for il and fl >= 1 with il + fl <= 8 (0 otherwise), and that
    /// shape's `next` is the field's length plus the comma.
    @Test func shapeIndexNamesOnlyRealShapes() {
        for il in 0...9 {
            for fl in -1...9 {  // -1: no dot
                let len = fl < 0 ? il : il + 1 + fl
                let k = PriceShape.index(start: 100, comma: 100 + len, intDigits: il)
                if il >= 1 && fl >= 1 && il + fl <= 8 {
                    #expect(k == il * 8 + fl && PriceShape.table.base[k].next == len + 1, "\(il).\(fl)")
                } else {
                    #expect(k == 0, "\(il).\(fl)")
                }
            }
        }
        #expect(PriceShape.table.base[0].next == PriceShape.none.next)
    }

    /// Every shape on its own text with one lane (each of the 16 bytes) set to each of the 256 values, and
    /// two adjacent lanes set to bytes near the ones the shape expects: accepted exactly when the bytes
    /// up to the comma are still the shape, with the text's value.
    @Test func shapedPriceUnderEveryCorruption() {
        let near: [UInt8] = [0x00, 0x2C, 0x2E, 0x2F, 0x30, 0x39, 0x3A, 0x7F, 0x80, 0xAC, 0xAE, 0xB0, 0xB9, 0xBA, 0xFF]
        var checked = 0
        for il in 1...7 {
            for fl in 1...(8 - il) {
                let shape = PriceShape.table.base[il * 8 + fl]
                let text = Array(String(repeating: "7", count: il).utf8) + [46] + Array(String(repeating: "3", count: fl).utf8) + [44]
                let base = text + [UInt8](repeating: 0x35, count: 16 - text.count)
                func check(_ b: [UInt8]) {
                    let w0 = b.withUnsafeBytes { Scan.word($0.baseAddress!) }
                    let w1 = b.withUnsafeBytes { Scan.word($0.baseAddress! + 8) }
                    let got = Scan.shapedPrice(w0, w1, shape)
                    // The reference: the shape judged byte by byte on b[0...comma].
                    let c = il + 1 + fl
                    let ok = (0..<c).allSatisfy { $0 == il ? b[$0] == 46 : (b[$0] >= 48 && b[$0] <= 57) } && b[c] == 44
                    var want: Int64?
                    if ok {
                        let digits = b[0..<il] + b[(il + 1)..<c]
                        let v = digits.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
                        want = v * Scan.scale(fl)
                    }
                    #expect(got == want, "\(il).\(fl) \(b)")
                    checked += 1
                }
                for lane in 0..<16 {
                    for v in 0...255 { var b = base; b[lane] = UInt8(v); check(b) }
                }
                for lane in 0..<15 {
                    for x in near { for y in near { var b = base; b[lane] = x; b[lane + 1] = y; check(b) } }
                }
            }
        }
        #expect(checked > 190_000)
    }

    /// Default-fieldset lines whose seven prices are random (0-9 decimals, negative, empty, junk), with
    /// the line sometimes cut short so the line's end falls inside a price's 16 bytes: the fast path
    /// (value or error) must equal the generic path.
    @Test func randomPriceLinesMatchGenericPath() throws {
        var r = SplitMix64(seed: 0xC0FFEE_16)
        var (fast, generic) = try Level1FastPathTests.parsers()
        let base = "Q,SPY,427.8550,300,13:29:35.963557,19,22748386,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,C,01,"
        let fields = base.split(separator: ",", omittingEmptySubsequences: false).dropFirst().dropLast().map { Array($0.utf8) }
        var values = 0, errors = 0
        for n in 0..<8_000 {
            var f = fields
            for i in [1, 6, 8, 10, 11, 12, 13] where r.next() % 3 != 0 { f[i] = Self.randomField(&r) }
            // Short tails make the last prices end near the line's end.
            if n % 4 == 0 { f[14] = []; f[15] = [] }
            var line = Array("Q,".utf8)
            for (k, x) in f.enumerated() { if k > 0 { line.append(44) }; line += x }
            switch n % 5 {
            case 0: break                          // no trailing comma
            case 1: line = Array(line.prefix(2 + Int(r.next() % UInt64(line.count))))  // cut anywhere
            default: line.append(44)
            }
            let (a, b) = Level1FastPathTests.both(line, &fast, &generic, receiveTime: Nanos(n))
            #expect(a == b, "\(String(decoding: line, as: UTF8.self))")
            if case .value = a { values += 1 } else { errors += 1 }
        }
        #expect(values > 2_000 && errors > 800)
        // And the in-place API agrees with the allocating one on the same kind of lines.
        var (x, y) = try Level1InPlaceTests.parsers()
        var slot = Level1Update()
        for _ in 0..<3_000 {
            var f = fields
            for i in [1, 6, 8, 10, 11, 12, 13] { f[i] = Self.randomField(&r) }
            let line = Array(("Q," + f.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",") + ",").utf8)
            let (a, b) = Level1InPlaceTests.both(line, &x, &y, &slot)
            #expect(a == b, "\(String(decoding: line, as: UTF8.self))")
        }
        #expect(x.counters == y.counters)
    }
}
