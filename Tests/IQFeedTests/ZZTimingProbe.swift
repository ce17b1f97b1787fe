import Testing
@testable import IQFeed
import MarketData

@Test func zzTimingProbe() throws {
    let r = ParseBench.level1(iterations: 25_000)
    print("PROBE L1 valid: \(r.nanosPerLine) ns/line failed=\(r.failed)")
}
