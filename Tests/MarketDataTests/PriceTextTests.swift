import MarketData
import MDTTestSupport
import Testing

@Suite struct PriceTextTests {
    /// The per-digit writer `Price.write` used before it shared the JSON encoder's: the reference.
    static func reference(_ price: Price) -> String {
        var out = ""
        let raw = price.raw
        if raw < 0 { out += "-" }
        let m = raw.magnitude
        out += String(m / 1_000_000_000)
        var frac = m % 1_000_000_000
        if frac == 0 { return out }
        var digits = 9
        while frac % 10 == 0 { frac /= 10; digits -= 1 }
        let text = String(frac)
        return out + "." + String(repeating: "0", count: digits - text.count) + text
    }

    static func written(_ p: Price) -> String {
        var out: [UInt8] = []
        p.write(to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func shortestTextMatchesTheReference() {
        var rng = SplitMix64(seed: 42)
        let fixed: [Int64] = [0, 1, -1, 10, 1_000_000_000, -1_000_000_000, 134_620_000_000, 500_000_000, -500_000_000,
                              123_456_789, 999_999_999, 1_000_000_001, Int64.max, Int64.min, Int64.min + 1]
        for raw in fixed { #expect(Self.written(Price(raw: raw)) == Self.reference(Price(raw: raw)), "raw \(raw)") }
        for _ in 0..<50_000 {
            // Mostly exchange-like prices (cents, ticks of 1/10000), some with every digit used, some huge.
            let scale: Int64 = [10_000_000, 100_000, 1, 1_000][Int(rng.next() % 4)]
            var raw = Int64(truncatingIfNeeded: rng.next() % 100_000_000) * scale
            if rng.next() % 10 == 0 { raw = Int64(truncatingIfNeeded: rng.next()) }
            if rng.next() % 8 == 0 { raw = -raw }
            #expect(Self.written(Price(raw: raw)) == Self.reference(Price(raw: raw)), "raw \(raw)")
        }
    }

    @Test func minimumFractionDigitsStillPad() {
        var out: [UInt8] = []
        Price(raw: 134_500_000_000).write(to: &out, minFractionDigits: 4)
        #expect(String(decoding: out, as: UTF8.self) == "134.5000")
    }
}
