import Foundation
import MarketData
import Testing
@testable import Pipeline

/// The bench measurement logic: workloads, counting, medians, tool output parsing (no speed thresholds).
@Suite("bench logic")
struct BenchTests {
    @Test("parse with --iterations counts exactly N lines per level and parses every synthetic line")
    func parseIterations() {
        let r = PureBench.parse(budget: BenchBudget(seconds: 0, iterations: 5000), symbols: 100)
        #expect(r.status == .ok)
        #expect(r.counts["l1_lines"] == 5000)
        #expect(r.counts["l2_lines"] == 5000)
        #expect(r.counts["l1_failed"] == 0)
        #expect(r.counts["l2_failed"] == 0)
        #expect((r.figure("l1_lines_per_s") ?? 0) > 0)
    }

    @Test("timed parse records latency percentiles in order")
    func parseTimed() throws {
        let r = PureBench.parse(budget: BenchBudget(seconds: 0.05), symbols: 50, only: "l1")
        let p50 = try #require(r.figure("l1_p50_ns")), p99 = try #require(r.figure("l1_p99_ns"))
        let p999 = try #require(r.figure("l1_p999_ns")), mx = try #require(r.figure("l1_max_ns"))
        #expect(p50 > 0 && p50 <= p99 && p99 <= p999 && p999 <= mx)
        #expect(r.figure("l2_lines_per_s") == nil)
    }

    @Test("the MBP day opens with a 10-level snapshot per symbol and stays price-level only")
    func bookWorkload() {
        let u = PureBench.bookUpdates(symbols: 20, count: 1000)
        #expect(u.count == 1000 + 20 * 20)
        #expect(u.prefix(400).allSatisfy { $0.action == .levelSummary })
        #expect(u.allSatisfy { [.levelSummary, .levelUpdate, .levelDelete].contains($0.action) })
        #expect(Set(u.map(\.symbol)).count == 20)
        #expect(u.allSatisfy { $0.price.raw > 0 })
    }

    @Test("book bench applies exactly N updates and builds one book per symbol")
    func bookIterations() {
        let r = PureBench.book(budget: BenchBudget(seconds: 0, iterations: 3000), symbols: 30)
        #expect(r.counts["updates"] == 3000)
        #expect(r.counts["books"] == 30)
    }

    @Test("encode bench: both formats, bytes per event plausible")
    func encode() throws {
        let r = PureBench.encode(budget: BenchBudget(seconds: 0, iterations: 2000), symbols: 10)
        #expect(r.counts["json_events"] == 2000)
        #expect(r.counts["rowbinary_events"] == 2000)
        let json = try #require(r.figure("json_bytes_per_event")), rb = try #require(r.figure("rowbinary_bytes_per_event"))
        #expect(json > rb && json > 50 && json < 400)
    }

    @Test("median per figure over runs; a skipped run is the result")
    func median() {
        let runs = [3.0, 1.0, 2.0].map { BenchResult(name: "x", figures: [BenchFigure("a", $0, "u"), BenchFigure("b", 10 * $0, "u")], counts: ["lost": Int($0) - 1]) }
        let m = BenchResult.median(runs)
        #expect(m.figure("a") == 2)
        #expect(m.figure("b") == 20)
        #expect(m.runs == 3)
        #expect(m.counts["lost"] == 2)  // the worst run's count
        let s = BenchResult.median([runs[0], .skipped("x", "down")])
        #expect(s.status == .skipped)
        #expect(s.reason == "down")
    }

    @Test("redis-benchmark --csv output is parsed")
    func redisCSV() {
        let text = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\"\n\"HSET\",\"312500.00\",\"0.041\",\"0.016\"\n"
        #expect(ServiceBench.parseRedisBenchmarkCSV(text, test: "HSET") == 312_500)
        #expect(ServiceBench.parseRedisBenchmarkCSV("garbage", test: "HSET") == nil)
    }

    @Test("latency recorder reports p50 <= p99 <= p99.9 <= max in the requested unit")
    func latency() {
        var l = LatencyRecorder()
        for i in 1...10_000 { l.record(UInt64(i)) }
        let f = l.figures("x", unit: "us", scale: 0.001)
        #expect(f.map(\.name) == ["x_p50_us", "x_p99_us", "x_p999_us", "x_max_us"])
        #expect(abs(f[0].value - 5.0) < 0.05)
        #expect(f[3].value >= f[2].value && f[2].value >= f[1].value && f[1].value >= f[0].value)
        #expect(LatencyRecorder().figures("y").isEmpty)
    }

    @Test("machine: cores and CPU model from /proc/cpuinfo, memory from /proc/self/status")
    func machine() {
        let m = BenchMachine.current()
        #expect(m.cores > 0)
        #expect(!m.cpuModel.isEmpty)
        #expect(m.loadAverage.count == 3)
        let mem = BenchClock.memory()
        #expect(mem.rss > 0 && mem.peak >= mem.rss)
        #expect(BenchClock.cpuSeconds() > 0)
    }
}
