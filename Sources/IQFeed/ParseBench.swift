import MarketData

/// A measurement hook for `mdt bench parse`: parses `lines` repeatedly with a Level 1 (or Level 2)
/// parser and reports the rate. Lines are pre-framed (no terminators); parse errors are counted.
public struct ParseBenchResult: Sendable, Equatable {
    public var lines: Int
    public var failed: Int
    public var seconds: Double
    public var linesPerSecond: Double { seconds > 0 ? Double(lines) / seconds : 0 }
    public var nanosPerLine: Double { lines > 0 ? seconds * 1e9 / Double(lines) : 0 }
}

public enum ParseBench {
    /// Typical L1 traffic: default-fieldset `Q` trades and quotes.
    public static let sampleLevel1: [String] = [
        "Q,SPY,427.8550,300,13:29:35.963557,19,22748386,427.8500,500,427.8600,1200,427.2100,428.3800,427.1800,427.7000,C,01,",
        "Q,AAPL,134.6200,50,19:59:58.900064,24,62111303,134.6200,100,134.6500,700,133.4100,135.2450,133.3500,133.1100,ba,8717,",
        "Q,MSFT,322.7500,40,16:53:23.256494,11,37629453,322.6800,100,322.8700,100,312.6000,318.4000,312.1900,308.9500,Ob,873D17,",
        "Q,@ESZ26,4411.50,2,10:15:01.000123,0,120001,4411.25,31,4411.50,12,4400.00,4415.00,4398.25,4405.00,a,01,",
    ]
    public static let sampleLevel2: [String] = [
        "3,@ESM19,12345678,,A,2938.25,65,10,2,20:31:04.876740,2019-04-23,",
        "4,SPY,,NSDQ,B,451.4400,300,,4,11:33:27.030724,2022-04-01,",
        "8,@ESM19,B,2938.25,65,11,2,20:31:04.876740,2019-04-23,",
        "5,@ESZ21,648907593934,,A,20:32:47.333543,2021-10-24,",
    ]

    /// Parses `lines` `iterations` times with a Level 1 parser; `clock` returns monotonic seconds.
    public static func level1(lines: [String] = sampleLevel1, iterations: Int, clock: () -> Double = { Clock.monotonic() }) -> ParseBenchResult {
        var parser = Level1Parser(now: Time.utcNanos(year: 2026, month: 11, day: 23, hour: 15))
        var update = Level1Update()
        return run(lines, iterations, clock) { b in
            do { _ = try parser.parse(b, receiveTime: 1, into: &update); return true } catch { return false }
        }
    }

    public static func level2(lines: [String] = sampleLevel2, iterations: Int, clock: () -> Double = { Clock.monotonic() }) -> ParseBenchResult {
        var parser = Level2Parser()
        return run(lines, iterations, clock) { b in
            do { _ = try parser.parse(b, receiveTime: 1); return true } catch { return false }
        }
    }

    static func run(_ lines: [String], _ iterations: Int, _ clock: () -> Double, _ body: (UnsafeRawBufferPointer) -> Bool) -> ParseBenchResult {
        // One contiguous buffer and ranges, as the framer would hand them out.
        var buf: [UInt8] = []
        var ranges: [Range<Int>] = []
        for l in lines { let s = buf.count; buf.append(contentsOf: l.utf8); ranges.append(s..<buf.count) }
        var failed = 0
        let t0 = clock()
        buf.withUnsafeBytes { all in
            for _ in 0..<iterations {
                for r in ranges where !body(UnsafeRawBufferPointer(rebasing: all[r])) { failed += 1 }
            }
        }
        let t1 = clock()
        return ParseBenchResult(lines: iterations * lines.count, failed: failed, seconds: t1 - t0)
    }
}
