import MarketData

/// The IQFeed lines a batch's events came from, one per event (for `--encoding raw`), in one buffer.
/// An event made by mdt itself (the `clear` recorded before each Level 2 snapshot) has an empty line.
public struct RawLines: Sendable, Equatable {
    public private(set) var bytes: [UInt8] = []
    /// End offset of line i in `bytes` (line i starts where line i-1 ends).
    public private(set) var ends: [Int] = []

    public init() {}

    public var count: Int { ends.count }
    public var isEmpty: Bool { ends.isEmpty }

    public mutating func append(_ line: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: line)
        ends.append(bytes.count)
    }

    /// An event with no source line.
    public mutating func appendEmpty() { ends.append(bytes.count) }

    public mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Line `i` (empty when the event had none).
    public func withLine<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let start = i == 0 ? 0 : ends[i - 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[i]])) }
    }

    /// Journal form: per line a u32 little-endian length, then the bytes.
    func encode(into out: inout [UInt8]) {
        var start = 0
        for end in ends {
            let n = UInt32(end - start)
            out.append(UInt8(truncatingIfNeeded: n)); out.append(UInt8(truncatingIfNeeded: n >> 8))
            out.append(UInt8(truncatingIfNeeded: n >> 16)); out.append(UInt8(truncatingIfNeeded: n >> 24))
            out.append(contentsOf: bytes[start..<end])
            start = end
        }
    }

    /// Reads `count` lines from `p[offset...]`; nil when the bytes do not hold them.
    static func decode(_ p: UnsafeRawBufferPointer, offset: Int, count: Int) -> RawLines? {
        var r = RawLines()
        var off = offset
        for _ in 0..<count {
            guard off + 4 <= p.count else { return nil }
            let n = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt32.self)))
            off += 4
            guard off + n <= p.count else { return nil }
            r.append(UnsafeRawBufferPointer(rebasing: p[off..<(off + n)]))
            off += n
        }
        return off == p.count ? r : nil
    }
}

/// One journal batch: its events and, when the feed kept them, the lines they came from.
public struct JournalBatch: Sendable {
    public var events: [MarketEvent]
    public var lines: RawLines?
    public init(events: [MarketEvent], lines: RawLines? = nil) { self.events = events; self.lines = lines }
}
