import MDTTestSupport
import Testing
@testable import IQFeed

/// `LineFramer`'s 16/8-byte newline scan against a plain split, on random lines (0-120 bytes, LF at every
/// offset of a word, CRs, empty lines) fed in random chunks.
@Suite struct FramerRandomTests {
    @Test func randomLinesInRandomChunks() throws {
        var rng = SplitMix64(seed: 11)
        for _ in 0..<200 {
            var stream: [UInt8] = []
            for _ in 0..<(1 + rng.below(40)) {
                let n = rng.below(121)
                stream += (0..<n).map { _ in rng.below(9) == 0 ? UInt8(ascii: "\r") : UInt8(ascii: "a") &+ UInt8(rng.below(26)) }
                stream.append(10)
            }
            // Reference: split on LF, drop one trailing CR, skip empty lines; the unterminated tail stays pending.
            var expected: [[UInt8]] = []
            var cur: [UInt8] = []
            for b in stream {
                if b == 10 {
                    if cur.last == 13 { cur.removeLast() }
                    if !cur.isEmpty { expected.append(cur) }
                    cur = []
                } else { cur.append(b) }
            }
            var f = LineFramer(maxLineLength: 1 << 16, initialCapacity: 16)
            var got: [[UInt8]] = []
            var off = 0
            while off < stream.count {
                let n = min(stream.count - off, 1 + rng.below(70))
                f.append(Array(stream[off..<(off + n)]))
                off += n
                while let l = try f.nextLine() { got.append(Array(l)) }
            }
            #expect(got == expected)
            #expect(f.pendingByteCount == 0)
        }
    }
}
