import Testing
@testable import IQFeed

@Suite struct FramerTests {
    static let stream = "S,SERVER CONNECTED\r\nQ,SPY,1.00,1,,\n\n\r\nT,20210630 13:44:36\nE,x,\r\r\nlast-no-newline"
    static let expected = ["S,SERVER CONNECTED", "Q,SPY,1.00,1,,", "T,20210630 13:44:36", "E,x,\r"]

    func drain(_ f: inout LineFramer, into out: inout [String]) throws {
        while let l = try f.nextLine() { out.append(String(decoding: l, as: UTF8.self)) }
    }

    @Test func splitAtEveryByteBoundary() throws {
        let bytes = Array(Self.stream.utf8)
        for cut in 0...bytes.count {
            var f = LineFramer(maxLineLength: 1024, initialCapacity: 16)
            var out: [String] = []
            f.append(Array(bytes[..<cut])); try drain(&f, into: &out)
            f.append(Array(bytes[cut...])); try drain(&f, into: &out)
            #expect(out == Self.expected, "cut at \(cut)")
            #expect(f.pendingByteCount == "last-no-newline".utf8.count)
        }
    }

    @Test func byteByByteAndTwoCuts() throws {
        let bytes = Array(Self.stream.utf8)
        var f = LineFramer(maxLineLength: 1024, initialCapacity: 16)
        var out: [String] = []
        for b in bytes { f.append([b]); try drain(&f, into: &out) }
        #expect(out == Self.expected)
        for a in stride(from: 0, to: bytes.count, by: 3) {
            for b in stride(from: a, to: bytes.count, by: 5) {
                var g = LineFramer(maxLineLength: 1024, initialCapacity: 16)
                var o: [String] = []
                g.append(Array(bytes[..<a])); try drain(&g, into: &o)
                g.append(Array(bytes[a..<b])); try drain(&g, into: &o)
                g.append(Array(bytes[b...])); try drain(&g, into: &o)
                #expect(o == Self.expected)
            }
        }
    }

    @Test func overlongLineIsAnErrorAndSkipped() throws {
        var f = LineFramer(maxLineLength: 16, initialCapacity: 16)
        f.append(Array("OK,1\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 40))
        #expect(try f.nextLine().map { String(decoding: $0, as: UTF8.self) } == "OK,1")
        #expect(throws: LineFramerError.lineTooLong(limit: 16)) { _ = try f.nextLine() }
        f.append(Array(repeating: UInt8(ascii: "y"), count: 40) + Array("\nNEXT,2\n".utf8))
        var out: [String] = []
        try drain(&f, into: &out)
        #expect(out == ["NEXT,2"])
        #expect(f.overlongLines == 1)
        // Over-long but complete in one read.
        f.append(Array(repeating: UInt8(ascii: "z"), count: 20) + Array("\nA\n".utf8))
        #expect(throws: LineFramerError.self) { _ = try f.nextLine() }
        #expect(try f.nextLine().map { String(decoding: $0, as: UTF8.self) } == "A")
    }

    @Test func readIntoGrowsAndCompacts() throws {
        var f = LineFramer(maxLineLength: 1 << 20, initialCapacity: 256)
        let line = String(repeating: "a", count: 5000) + "\n"
        let bytes = Array(line.utf8)
        var off = 0
        while off < bytes.count {
            _ = f.readInto(minFree: 100) { buf in
                let n = min(buf.count, 777, bytes.count - off)
                for i in 0..<n { buf[i] = bytes[off + i] }
                off += n
                return n
            }
        }
        let l = try #require(try f.nextLine())
        #expect(l.count == 5000)
    }

    @Test func fieldCursor() throws {
        try bytes("Q,A,,1,") { b in
            var c = FieldCursor(b)
            #expect(c.remainingCount() == 4)
            #expect(c.next().map(Scan.string) == "Q")
            #expect(c.next().map(Scan.string) == "A")
            #expect(c.next().map(Scan.string) == "")
            #expect(c.next().map(Scan.string) == "1")
            #expect(c.next() == nil && c.atEnd)
        }
        try bytes("N,a,b,Free, text, here,") { b in
            var c = FieldCursor(b)
            c.skip(3)
            #expect(Scan.string(c.rest()) == "Free, text, here")
        }
        try bytes("E,!NO_DATA!,,") { b in
            var c = FieldCursor(b)
            #expect(c.remainingCount() == 3)
        }
        #expect(bytes("12:34:56.789") { Scan.timeOfDay($0) } == .value(45296, 789_000_000))
        #expect(bytes("99:99:99") { Scan.timeOfDay($0) } == .noValue)
        #expect(bytes("24:00:00") { Scan.timeOfDay($0) } == .noValue)
        #expect(bytes("093000") { Scan.timeOfDay($0) } == .value(34200, 0))
        #expect(bytes("12:34") { Scan.timeOfDay($0) } == .invalid)
        #expect(bytes("12:34:56.") { Scan.timeOfDay($0) } == .invalid)
        #expect(bytes("873D17") { Scan.conditions($0) } == 0x873D17)
        #expect(bytes("87G") { Scan.conditions($0) } == nil)
        #expect(bytes("18446744073709551615") { Scan.uint64($0) } == UInt64.max)
        #expect(bytes("18446744073709551616") { Scan.uint64($0) } == nil)
        #expect(bytes("02/29/2021") { Scan.usDate($0) } == nil)
        #expect(bytes("02/29/2024") { Scan.usDate($0) }.map { [$0.0, $0.1, $0.2] } == [2024, 2, 29])
    }
}
