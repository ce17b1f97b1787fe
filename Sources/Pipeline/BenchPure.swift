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
            var update = Level1Update()
            let r = loop(lines: l1, budget: budget) { b in
                do { _ = try parser.parse(b, receiveTime: 1, into: &update); return true } catch { return false }
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

    /// A market-by-price workload that stays consistent however often its cycle is replayed.
    public struct BookWorkload: Sendable {
        /// 10 levels a side per symbol around its mid (`levelSummary` rows): apply once, before `cycle`.
        public var opening: [BookUpdate]
        /// Incremental updates that leave every book exactly as `opening` left it. Replay k (from 0) must add
        /// `k * span` to the event times so time keeps moving forward.
        public var cycle: [BookUpdate]
        /// Event-time span of one cycle (ns).
        public var span: Nanos
    }

    /// A market-by-price day over `symbols` symbols: `opening`, then a `count`-update cycle (rounded up to even).
    /// The first half is generated against a model of every ladder: 80% size changes of an existing level, 10%
    /// deletes of an existing level (while a side has more than 5), 10% new levels priced from the opposite best
    /// (so a book never crosses or locks; while a side has fewer than 30). Depths are the min of two uniform
    /// draws, so the top levels are hit most. The second half undoes the first in reverse order (each row sets a
    /// level back to its previous size and count, or deletes a level the first half added), which visits the
    /// same consistent states backwards and brings every book back to the opening.
    public static func bookWorkload(symbols: Int, count: Int, seed: UInt64 = 7) -> BookWorkload {
        struct Level { var tick: Int64; var size: UInt32; var orders: UInt32 }
        var rng = BenchRandom(seed: seed)
        let n = max(1, symbols)
        let syms = (0..<n).map { Symbol(unchecked: "S\($0)") }
        let tick: Int64 = 10_000_000  // 0.01
        let t0: Nanos = Time.utcNanos(year: 2026, month: 11, day: 23, hour: 14, minute: 30)
        // ladders[symbol][side]: best first (bids descending ticks, asks ascending).
        var ladders: [[[Level]]] = []
        ladders.reserveCapacity(n)
        var opening: [BookUpdate] = []
        opening.reserveCapacity(n * 20)
        for i in 0..<n {
            let mid = Int64(10 + rng.below(490)) * 100  // in ticks
            var sides: [[Level]] = [[], []]
            for d in 0..<10 {
                for side in [Side.bid, Side.ask] {
                    let l = Level(tick: side == .bid ? mid - Int64(d + 1) : mid + Int64(d + 1),
                                  size: UInt32(100 + rng.below(5000)), orders: UInt32(1 + rng.below(20)))
                    sides[Int(side.rawValue)].append(l)
                    opening.append(BookUpdate(symbol: syms[i], eventTime: t0, action: .levelSummary, side: side,
                                              price: Price(raw: l.tick * tick), size: l.size, orderCount: l.orders))
                }
            }
            ladders.append(sides)
        }
        func row(_ i: Int, _ side: Side, _ action: BookAction, _ l: Level) -> BookUpdate {
            BookUpdate(symbol: syms[i], eventTime: 0, action: action, side: side, price: Price(raw: l.tick * tick),
                       size: action == .levelDelete ? 0 : l.size, orderCount: action == .levelDelete ? 0 : l.orders)
        }
        let half = max(1, (count + 1) / 2)
        var forward: [BookUpdate] = []
        var undo: [BookUpdate] = []
        forward.reserveCapacity(half); undo.reserveCapacity(half)
        for _ in 0..<half {
            let i = rng.below(n)
            let side: Side = rng.below(2) == 0 ? .bid : .ask
            let s = Int(side.rawValue)
            let levels = ladders[i][s]
            let depth = min(rng.below(levels.count), rng.below(levels.count))
            let roll = rng.below(100)
            let fresh = Level(tick: 0, size: UInt32(1 + rng.below(5000)), orders: UInt32(1 + rng.below(20)))
            if roll < 80 || (roll < 90 && levels.count <= 5) || (roll >= 90 && levels.count >= 30) {
                var l = levels[depth]
                undo.append(row(i, side, .levelUpdate, l))
                l.size = fresh.size; l.orders = fresh.orders
                ladders[i][s][depth] = l
                forward.append(row(i, side, .levelUpdate, l))
            } else if roll < 90 {
                let l = levels[depth]
                undo.append(row(i, side, .levelUpdate, l))
                ladders[i][s].remove(at: depth)
                forward.append(row(i, side, .levelDelete, l))
            } else {
                // A new level priced off the opposite best: below the best ask / above the best bid.
                let d = Int64(1 + min(rng.below(20), rng.below(20)))
                let oppositeBest = ladders[i][1 - s][0].tick
                let p = side == .bid ? oppositeBest - d : oppositeBest + d
                let at = levels.firstIndex { side == .bid ? $0.tick <= p : $0.tick >= p } ?? levels.count
                let l = Level(tick: p, size: fresh.size, orders: fresh.orders)
                if at < levels.count && levels[at].tick == p {
                    undo.append(row(i, side, .levelUpdate, levels[at]))
                    ladders[i][s][at] = l
                } else {
                    undo.append(row(i, side, .levelDelete, l))
                    ladders[i][s].insert(l, at: at)
                }
                forward.append(row(i, side, .levelUpdate, l))
            }
        }
        var cycle = forward + undo.reversed()
        for k in cycle.indices { cycle[k].eventTime = t0 + Int64(k + 1) * 1000 }
        return BookWorkload(opening: opening, cycle: cycle, span: Int64(cycle.count + 1) * 1000)
    }

    /// `bookWorkload`'s opening followed by one cycle: a consistent market-by-price stream.
    public static func bookUpdates(symbols: Int, count: Int, seed: UInt64 = 7) -> [BookUpdate] {
        let w = bookWorkload(symbols: symbols, count: count, seed: seed)
        return w.opening + w.cycle
    }

    /// How many rows ahead the book bench prefetches the book a row will touch (`BookSet.prefetch`).
    public static let prefetchDistance = 10

    public static func book(budget: BenchBudget, symbols: Int) -> BenchResult {
        let w = bookWorkload(symbols: symbols, count: max(workloadSize, symbols * 20))
        var books = BookSet(symbolCapacity: symbols)
        for u in w.opening { books.apply(u) }
        let openingIssues = books.counters.inconsistencies
        var r = LoopResult()
        let timed = budget.iterations == nil
        var issues = 0
        // Each row's book is resolved once, as a live consumer does per symbol: the loop applies symbol-free
        // rows (plain words, nothing retained) at handles, one stream of (handle, row) pairs.
        var cycle = w.cycle.map { (books.handle(for: $0.symbol), BookRow($0)) }
        var next = 0
        let start = BenchClock.nanos()
        while budget.more(done: r.ops, start: start) {
            // A batch never straddles the end of the cycle: the times move forward between batches.
            let n = min(budget.iterations.map { min(batch, $0 - r.ops) } ?? batch, cycle.count - next)
            let t0 = timed ? BenchClock.nanos() : 0
            cycle.withUnsafeBufferPointer { c in
                for k in next..<(next + n) {
                    // The book of the row `prefetchDistance` ahead starts loading now (a batch knows its next rows).
                    let a = k + prefetchDistance
                    if a < c.count { books.prefetch(c[a].0, c[a].1.side) }
                    if !books.apply(c[k].1, at: c[k].0).issues.isEmpty { issues += 1 }
                }
            }
            if timed { r.latency.record((BenchClock.nanos() &- t0) / UInt64(n)) }
            r.ops += n
            next += n
            if next == cycle.count {
                next = 0
                for k in cycle.indices { cycle[k].1.eventTime &+= w.span }
            }
        }
        r.nanos = BenchClock.nanos() &- start
        return BenchResult(name: "book", figures: r.figures("book", opName: "updates"),
                           counts: ["updates": r.ops, "updates_with_issues": issues + Int(openingIssues), "books": books.count], notes: [
            "BookSet.apply(_:at:) of a market-by-price stream over \(symbols) symbols (uniform), each row's book handle "
                + "resolved once before timing, the book \(prefetchDistance) rows ahead prefetched: an untimed opening of 10 levels "
                + "a side, then a \(w.cycle.count)-update cycle (80% size changes, 10% deletes, 10% new levels, top levels "
                + "most) that returns every book to the opening, replayed with event times moved forward by its span, so "
                + "a consistent stream: updates_with_issues should be 0",
            "latency = mean ns/update of batches of \(batch) (clock read amortised), so max and p99.9 are batch means, "
                + "not single updates",
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
            var encoder = JSONEventEncoder()  // one per stream, as the Kafka sink keeps it
            events.withUnsafeBufferPointer { all in
                var next = 0
                let start = BenchClock.nanos()
                while budget.more(done: r.ops, start: start) {
                    let n = budget.iterations.map { min(batch, $0 - r.ops) } ?? batch
                    out.removeAll(keepingCapacity: true)
                    let t0 = timed ? BenchClock.nanos() : 0
                    for _ in 0..<n {
                        if json { encoder.append(all[next], to: &out) } else { RowBinaryEncoder.append(all[next], to: &out) }
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
