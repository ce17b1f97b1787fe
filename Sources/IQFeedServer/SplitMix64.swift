/// SplitMix64: a tiny, fast, seedable PRNG (Steele, Lea, Flood 2014). Deterministic across platforms.
public struct SplitMix64: Sendable {
    public var state: UInt64

    @inlinable public init(seed: UInt64) { state = seed }

    @inlinable
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `0..<n` (n > 0); Lemire's multiply-shift (tiny bias is irrelevant here).
    @inlinable
    public mutating func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(UInt32(truncatingIfNeeded: n))) >> 32)
    }

    /// Uniform in `range`.
    @inlinable
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `num/den`.
    @inlinable
    public mutating func chance(_ num: Int, in den: Int) -> Bool { below(den) < num }

    /// Mixes values into one well-distributed seed (for per-symbol / per-day streams).
    @inlinable
    public static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var g = SplitMix64(seed: a ^ (b &* 0xD6E8_FEB8_6659_FD93))
        return g.next()
    }

    /// FNV-1a hash of text (stable across runs, unlike `Hasher`).
    @inlinable
    public static func hash(_ text: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
