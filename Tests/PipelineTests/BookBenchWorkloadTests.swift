import Book
import MarketData
import Pipeline
import Testing

/// The `mdt bench book` workload is a consistent stream however often its cycle is replayed.
@Suite struct BookBenchWorkloadTests {
    @Test("the cycle returns every book to the opening and replays without issues")
    func cycleIsConsistentAndClosed() {
        let w = PureBench.bookWorkload(symbols: 50, count: 4001)
        #expect(w.cycle.count == 4002)
        #expect(w.opening.count == 50 * 20)
        var books = BookSet(symbolCapacity: 50)
        for u in w.opening { books.apply(u) }
        let open = books.allSymbols.map { books.snapshot($0) }
        var shift: Nanos = 0
        for replay in 0..<3 {
            for var u in w.cycle {
                u.eventTime += shift
                let r = books.apply(u)
                guard r.issues.isEmpty else { Issue.record("replay \(replay): \(u.action) \(u.symbol) issues \(r.issues.rawValue)"); return }
            }
            shift += w.span
            // Same ladders as after the opening (only the time moved on).
            for (i, s) in books.allSymbols.enumerated() {
                guard let snap = books.snapshot(s), snap.bids == open[i]?.bids, snap.asks == open[i]?.asks else {
                    Issue.record("replay \(replay): \(s) differs from the opening"); return
                }
            }
        }
        #expect(books.counters.inconsistencies == 0)
        #expect(Set(w.cycle.map(\.action)) == [.levelUpdate, .levelDelete])
        #expect(zip(w.cycle, w.cycle.dropFirst()).allSatisfy { $0.eventTime < $1.eventTime })
        #expect(w.span > w.cycle.last!.eventTime - w.opening[0].eventTime)
    }

    @Test("the bench reports no issues over several replays")
    func benchHasNoIssues() {
        let r = PureBench.book(budget: BenchBudget(seconds: 0, iterations: 50_000), symbols: 20)
        #expect(r.counts["updates"] == 50_000)
        #expect(r.counts["updates_with_issues"] == 0)
        #expect(r.counts["books"] == 20)
    }
}
