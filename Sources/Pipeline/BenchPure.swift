import Book
import Foundation
import IQFeed
import IQFeedServer
import MarketData

/// The pure hot-path benchmarks (one thread, no I/O): parse, book, encode.
///
/// Each works on a pre-built workload and times batches of `batch` operations with the monotonic clock,
/// recording the batch's mean ns/op in an HDR histogram (a clock read costs ~20-40 ns, which would dominate a
/// single 20 ns operation; per 64 operations it is < 1 ns/op). With `iterations` set the loop runs exactly that
/// many operations without reading the clock inside, for instruction counting under callgrind.
public enum PureBench {
    public static let batch = 64
    /// Lines/updates/events in a workload (fixed, so instruction counts of two runs can be subtracted).
    public static let workloadSize = 16_384

    // MARK: parse

    /// Level 1 `Q` lines from the synthetic market (default fieldset) and the four sample Level 2 lines.
    public static func parse(budget: BenchBudget, symbols: Int, only: String? = nil) -> BenchResult {
        let day = Time.utcNanos(year: 2026, month: 11, day: 23, hour: 15)
        var market = SyntheticMarket(seed: 42, symbols: max(1, symbols))
        var l1: [UInt8] = []
        l1.reserveCapacity(workloadSize * 128)
        market.fillLines(into: &l1, count: workloadSize, time: day)
        var l2: [UInt8] = []
        for i in 0..<workloadSize {
            l2.append(contentsOf: ParseBench.sampleLevel2[i % ParseBench.sampleLevel2.count].utf8)
            l2.append(10)
        }
        var figures: [BenchFigure] = []
        var counts: [String: Int] = [:]
        if only == nil || only == "l1" {
            var parser = Level1Parser(now: day)
            let r = loop(lines: l1, budget: budget) { b in
                do { _ = try parser.parse(b, receiveTime: 1); return true } catch { return false }
            }
            figures += r.figures("l1", opName: "lines")
            counts["l1_failed"] = r.failed
            counts["l1_lines"] = r.ops
        }
        if only == nil || only == "l2" {
            var parser = Level2Parser()
            let r = loop(lines: l2, budget: budget) { b in
                do { _ = try parser.parse(b, receiveTime: 1); return true } catch { return false }
            }
            figures += r.figures("l2", opName: "lines")
            counts["l2_failed"] = r.failed
            counts["l2_lines"] = r.ops
        }
        return BenchResult(name: "parse", figures: figures, counts: counts, notes: [
            "one thread; L1: \(workloadSize) synthetic Q lines over \(symbols) symbols; L2: IQFeed sample rows; "
                + "latency = mean of batches of \(batch) lines",
        ])
    }

    struct LoopResult {
        var ops = 0
        var failed = 0
        var nanos: UInt64 = 0
        var latency = LatencyRecorder()

        func figures(_ prefix: String, opName: String) -> [BenchFigure] {
            guard nanos > 0, ops > 0 else { return [] }
            let perSecond = Double(ops) / (Double(nanos) / 1e9)
            return [BenchFigure("\(prefix)_\(opName)_per_s", perSecond, "\(opName)/s"),
                    BenchFigure("\(prefix)_ns_per_op", Double(nanos) / Double(ops), "ns")]
                + latency.figures(prefix)
        }
    }

    /// Splits LF-terminated `lines` and feeds them to `body` in batches until the budget is spent.
    static func loop(lines: [UInt8], budget: BenchBudget, _ body: (UnsafeRawBufferPointer) -> Bool) -> LoopResult {
        var ranges: [Range<Int>] = []
        var s = 0
        for (i, b) in lines.enumerated() where b == 10 { ranges.append(s..<i); s = i + 1 }
        var r = LoopResult()
        guard !ranges.isEmpty else { return r }
        let timed = budget.iterations == nil
        lines.withUnsafeBytes { all in
            var next = 0
            let start = BenchClock.nanos()
            while budget.more(done: r.ops, start: start) {
                let n = budget.iterations.map { min(batch, $0 - r.ops) } ?? batch
                let t0 = timed ? BenchClock.nanos() : 0
                for _ in 0..<n {
                    if !body(UnsafeRawBufferPointer(rebasing: all[ranges[next]])) { r.failed += 1 }
                    next += 1
                    if next == ranges.count { next = 0 }
                }
                if timed { r.latency.record((BenchClock.nanos() &- t0) / UInt64(n)) }
                r.ops += n
            }
            r.nanos = BenchClock.nanos() &- start
        }
        return r
    }

    // MARK: book

    /// A market-by-price day: per symbol a ladder around a drifting mid; updates hit the top levels most
    /// (depth = min of two uniform draws over 20), 80% size changes, 12% deletes, 8% new levels that also
    /// move the mid a tick. Applied to a `BookSet` (symbol lookup + ladder update), as the Redis sink does.
    public static func bookUpdates(symbols: Int, count: Int, seed: UInt64 = 7) -> [BookUpdate] {
        var rng = BenchRandom(seed: seed)
        let n = max(1, symbols)
        let syms = (0..<n).map { Symbol(unchecked: "S\($0)") }
        let tick: Int64 = 10_000_000  // 0.01
        var mids = (0..<n).map { _ in Int64(10 + rng.below(490)) * 1_000_000_000 }
        var out: [BookUpdate] = []
        out.reserveCapacity(count + n * 20)
        var t: Nanos = Time.utcNanos(year: 2026, month: 11, day: 23, hour: 14, minute: 30)
        // Opening snapshot: 10 levels a side.
        for i in 0..<n {
            for d in 0..<10 {
                for side in [Side.bid, Side.ask] {
                    let p = side == .bid ? mids[i] - Int64(d + 1) * tick : mids[i] + Int64(d + 1) * tick
                    out.append(BookUpdate(symbol: syms[i], eventTime: t, action: .levelSummary, side: side,
                                          price: Price(raw: p), size: UInt32(100 + rng.below(5000)),
                                          orderCount: UInt32(1 + rng.below(20))))
                }
            }
        }
        while out.count < count + n * 20 {
            t += 1000
            let i = rng.below(n)
            let side: Side = rng.below(2) == 0 ? .bid : .ask
            let d = min(rng.below(20), rng.below(20))
            let roll = rng.below(100)
            if roll >= 92 { mids[i] += rng.below(2) == 0 ? tick : -tick }
            let p = side == .bid ? mids[i] - Int64(d + 1) * tick : mids[i] + Int64(d + 1) * tick
            let action: BookAction = roll < 80 ? .levelUpdate : (roll < 92 ? .levelDelete : .levelUpdate)
            out.append(BookUpdate(symbol: syms[i], eventTime: t, action: action, side: side, price: Price(raw: p),
                                  size: action == .levelDelete ? 0 : UInt32(1 + rng.below(5000)),
                                  orderCount: action == .levelDelete ? 0 : UInt32(1 + rng.below(20))))
        }
        return out
    }

    public static func book(budget: BenchBudget, symbols: Int) -> BenchResult {
        let updates = bookUpdates(symbols: symbols, count: max(workloadSize, symbols * 20))
        var books = BookSet(symbolCapacity: symbols)
        var r = LoopResult()
        let timed = budget.iterations == nil
        var issues = 0
        updates.withUnsafeBufferPointer { all in
            var next = 0
            let start = BenchClock.nanos()
            while budget.more(done: r.ops, start: start) {
                let n = budget.iterations.map { min(batch, $0 - r.ops) } ?? batch
                let t0 = timed ? BenchClock.nanos() : 0
                for _ in 0..<n {
                    if !books.apply(all[next]).issues.isEmpty { issues += 1 }
                    next += 1
                    if next == all.count { next = 0 }
                }
                if timed { r.latency.record((BenchClock.nanos() &- t0) / UInt64(n)) }
                r.ops += n
            }
            r.nanos = BenchClock.nanos() &- start
        }
        return BenchResult(name: "book", figures: r.figures("book", opName: "updates"),
                           counts: ["updates": r.ops, "updates_with_issues": issues, "books": books.count], notes: [
            "BookSet.apply of a market-by-price stream over \(symbols) symbols (\(updates.count) updates, replayed "
                + "cyclically); latency = mean ns/update of batches of \(batch) (clock read amortised), so max and "
                + "p99.9 are batch means, not single updates",
        ])
    }

    // MARK: encode

    /// Trades and quotes from the synthetic market plus market-by-price updates.
    public static func encodeEvents(symbols: Int, count: Int) -> [MarketEvent] {
        var market = SyntheticMarket(seed: 11, symbols: max(1, symbols))
        var t: Nanos = Time.utcNanos(year: 2026, month: 11, day: 23, hour: 15)
        let books = bookUpdates(symbols: symbols, count: count / 4)
        var out: [MarketEvent] = []
        out.reserveCapacity(count)
        var b = 0
        for i in 0..<count {
            t += 1000
            if i % 4 == 3, b < books.count {
                var u = books[books.count - 1 - b]
                u.receiveTime = t + 5000
                u.seq = UInt64(i)
                out.append(.book(u)); b += 1
            } else {
                switch market.next(time: t) {
                case .trade(var x): x.receiveTime = t + 5000; x.seq = UInt64(i); out.append(.trade(x))
                case .quote(var x): x.receiveTime = t + 5000; x.seq = UInt64(i); out.append(.quote(x))
                case let e: out.append(e)
                }
            }
        }
        return out
    }

    public static func encode(budget: BenchBudget, symbols: Int, only: String? = nil) -> BenchResult {
        let events = encodeEvents(symbols: symbols, count: workloadSize)
        var figures: [BenchFigure] = []
        var counts: [String: Int] = [:]
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        for format in ["json", "rowbinary"] where only == nil || only == format {
            var r = LoopResult()
            var bytes = 0
            let timed = budget.iterations == nil
            let json = format == "json"
            events.withUnsafeBufferPointer { all in
                var next = 0
                let start = BenchClock.nanos()
                while budget.more(done: r.ops, start: start) {
                    let n = budget.iterations.map { min(batch, $0 - r.ops) } ?? batch
                    out.removeAll(keepingCapacity: true)
                    let t0 = timed ? BenchClock.nanos() : 0
                    for _ in 0..<n {
                        if json { JSONEventEncoder.append(all[next], to: &out) } else { RowBinaryEncoder.append(all[next], to: &out) }
                        next += 1
                        if next == all.count { next = 0 }
                    }
                    if timed { r.latency.record((BenchClock.nanos() &- t0) / UInt64(n)) }
                    bytes += out.count
                    r.ops += n
                }
                r.nanos = BenchClock.nanos() &- start
            }
            figures += r.figures(format, opName: "events")
            if r.ops > 0 { figures.append(BenchFigure("\(format)_bytes_per_event", Double(bytes) / Double(r.ops), "B")) }
            counts["\(format)_events"] = r.ops
        }
        return BenchResult(name: "encode", figures: figures, counts: counts, notes: [
            "\(workloadSize) events (3/4 synthetic L1 trades+quotes, 1/4 price-level updates) over \(symbols) symbols "
                + "into a reused buffer; latency = mean of batches of \(batch)",
        ])
    }
}
