import MDTTestSupport

/// Damaged copies of real feed lines: each pick takes a corpus line and applies 1-3 random edits (replace,
/// insert or remove a byte from an alphabet of digits, separators and junk; cut the tail; insert zeros).
struct LineMutator {
    static let alphabet = Array("0123456789.,-+:: Cbav9\u{7F}".utf8) + [0, 0xFF]
    let corpus: [[UInt8]]
    var rng: SplitMix64

    init(corpus: [[UInt8]], seed: UInt64) {
        self.corpus = corpus
        rng = SplitMix64(seed: seed)
    }

    mutating func next() -> [UInt8] {
        var buf = corpus[Int(rng.next() % UInt64(corpus.count))]
        for _ in 0...Int(rng.next() % 3) {
            let pos = Int(rng.next() % UInt64(buf.count))
            let b = Self.alphabet[Int(rng.next() % UInt64(Self.alphabet.count))]
            switch rng.next() % 5 {
            case 0: buf[pos] = b
            case 1: buf.insert(b, at: pos)
            case 2 where buf.count > 2: buf.remove(at: pos)
            case 3: buf.removeSubrange(max(pos, 2)..<buf.count)
            default: buf.insert(contentsOf: Array("0000000000".utf8.prefix(Int(rng.next() % 10) + 1)), at: pos)
            }
            if buf.isEmpty { buf = [UInt8(ascii: "Q")] }
        }
        return buf
    }
}
