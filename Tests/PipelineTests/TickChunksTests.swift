import IQFeed
import MarketData
import MDTTestSupport
@testable import Pipeline
import Testing

/// The downloader's tick-row path (`TickChunks.add(TickRow)`, symbol column encoded once) must write the
/// same chunk bytes, counts and partitions as the `LookupLine` path it replaces.
@Suite struct TickChunksTests {
    @Test func tickRowsEncodeLikeTrades() {
        var rng = SplitMix64(seed: 17)
        let symbol = Symbol(unchecked: "MSFT")
        let day: Int64 = 86_400_000_000_000
        let from: Int64 = 20_000 * day + 3_600_000_000_000, to = from + 3 * day
        var a = TickChunks(kind: .ticks, symbol: symbol, from: from, to: to, chunk: 1_000, receiveTime: 123_456)
        var b = a
        var fullA = 0, fullB = 0
        for i in 0..<5_000 {
            // Times around and across the window and its UTC midnights; tick ids 0 now and then (seq = ordinal).
            let t = from - day / 2 + Int64(rng.next() % UInt64(4 * day))
            let row = TickRow(eventTime: i % 50 == 0 ? -Int64(rng.next() % 1_000) : t, price: Price(raw: Int64(rng.next() % 1_000_000_000_000)),
                              size: UInt32(truncatingIfNeeded: rng.next()), totalVolume: rng.next() % 1_000_000_000,
                              bid: Price(raw: Int64(rng.next() % 1_000_000_000_000)), ask: Price(raw: Int64(rng.next() % 1_000_000_000_000)),
                              tickID: rng.below(5) == 0 ? 0 : rng.next(), basis: [UInt8(ascii: "C"), UInt8(ascii: "E"), UInt8(ascii: "O"), UInt8(ascii: "X")][rng.below(4)],
                              marketCenter: UInt16(truncatingIfNeeded: rng.next()), conditions: UInt32(truncatingIfNeeded: rng.next()),
                              aggressor: UInt8(truncatingIfNeeded: rng.below(4)))
            if a.add(row) { fullA += 1 }
            if b.add(.tick(Trade(symbol: symbol, row: row))) { fullB += 1 }
            #expect(a.body == b.body && a.rows == b.rows && a.inChunk == b.inChunk)
            if a.inChunk >= a.chunk { a.body.removeAll(keepingCapacity: true); a.inChunk = 0 }
            if b.inChunk >= b.chunk { b.body.removeAll(keepingCapacity: true); b.inChunk = 0 }
        }
        #expect(fullA == fullB && fullA > 0)
        #expect(a.utcDays == b.utcDays && a.utcDays.count >= 3)
        #expect(a.rows == b.rows && a.rows > 1_000)
    }
}
