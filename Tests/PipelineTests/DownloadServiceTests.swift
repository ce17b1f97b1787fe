import Foundation
import IQFeed
import IQFeedServer
import Manifest
import MarketData
import MDTTestSupport
import Testing
@testable import Pipeline

/// The downloader against the in-process IQFeed protocol server and real ClickHouse.
@Suite("download service", .serialized, .enabled(if: TestServices.available(.clickhouse)))
struct DownloadServiceTests {
    @Test func ticksEqualServerRowsAcrossDST() throws {
        let fx = try DownloadFixture()
        let syms = fx.equities(2)
        let range = try easternRange("2026-03-05", "2026-03-10")  // spans the 2026-03-08 DST change
        let units = DownloadPlanner.units(symbols: syms, kind: .ticks, range: range)
        #expect(units.count == 8)
        let (s, reports) = try fx.run(units)
        #expect(s.done == 8 && s.failed == 0 && s.skipped == 0)
        #expect(reports.count == 8)
        var total: Int64 = 0
        for sym in syms {
            let expected = fx.expectedTicks(sym, range)
            let stored = try fx.storedTicks(sym)
            #expect(expected.count > 800)
            #expect(sameTicks(stored, expected), "ticks of \(sym.text) differ: \(stored.count) stored vs \(expected.count) expected")
            total += Int64(expected.count)
            // UTC is right on both sides of the change: the session opens 14:30Z in EST, 13:30Z in EDT.
            let fri = stored.filter { USEquityCalendar.easternDay($0.eventTime) == USEquityCalendar.day("2026-03-06") }
            let mon = stored.filter { USEquityCalendar.easternDay($0.eventTime) == USEquityCalendar.day("2026-03-09") }
            let friOpen = Time.utcNanos(year: 2026, month: 3, day: 6, hour: 14, minute: 30)
            let monOpen = Time.utcNanos(year: 2026, month: 3, day: 9, hour: 13, minute: 30)
            #expect(fri.first.map { $0.eventTime >= friOpen && $0.eventTime < friOpen + 3_600_000_000_000 } == true)
            #expect(mon.first.map { $0.eventTime >= monOpen && $0.eventTime < monOpen + 3_600_000_000_000 } == true)
            #expect(fri.last.map { $0.eventTime < Time.utcNanos(year: 2026, month: 3, day: 6, hour: 21) } == true)
            #expect(mon.last.map { $0.eventTime < Time.utcNanos(year: 2026, month: 3, day: 9, hour: 20) } == true)
        }
        #expect(s.rows == total)
        #expect(try fx.count("market_ticks") == UInt64(total))
        #expect(try fx.count("market_ticks", final: true) == UInt64(total))
        let ledger = try fx.manifest.downloads(kind: "ticks")
        #expect(ledger.count == 8 && ledger.allSatisfy { $0.state == .done && $0.attempts == 1 })
        #expect(ledger.reduce(0) { $0 + $1.rows } == total)

        // A re-run skips every done unit without a request.
        let (again, _) = try fx.run(units)
        #expect(again.skipped == 8 && again.requests == 0 && again.done == 0)

        // --force redoes them: same rows, no duplicates even before a background merge.
        let (forced, _) = try fx.run(units) { $0.force = true }
        #expect(forced.done == 8)
        #expect(try fx.count("market_ticks") == UInt64(total))
        #expect(try fx.count("market_ticks", final: true) == UInt64(total))
    }

    @Test func barsAndDailyEqualServerRows() throws {
        let fx = try DownloadFixture()
        let sym = fx.equities(1)[0]
        let range = try easternRange("2026-03-05", "2026-03-10")
        let (s1, _) = try fx.run(DownloadPlanner.units(symbol: sym, kind: .bars(seconds: 60), range: range))
        #expect(s1.done == 4 && s1.failed == 0)
        let expected = fx.server.historySource.bars(sym, kind: .seconds(60), from: range.from, to: range.to - 1)
        let stored = try fx.storedBars(sym, .seconds(60))
        #expect(expected.count > 300)
        #expect(stored == expected)

        let months = try easternRange("2026-01-01", "2026-03-31")
        let (s2, _) = try fx.run(DownloadPlanner.units(symbol: sym, kind: .daily, range: months))
        #expect(s2.done == 3 && s2.failed == 0)
        let daily = fx.server.historySource.bars(sym, kind: .daily, from: months.from, to: months.to - 1)
        let storedDaily = try fx.storedBars(sym, .daily)
        #expect(daily.count == 61)  // trading days of Q1 2026
        #expect(storedDaily == daily)
        #expect(s2.rows == Int64(daily.count))
    }

    @Test func rateLimitErrorsAreAbsorbed() throws {
        let fx = try DownloadFixture(lookupRateLimit: 4)
        let syms = fx.equities(2)
        let units = DownloadPlanner.units(symbols: syms, kind: .bars(seconds: 300), range: try easternRange("2026-02-02", "2026-02-13"))
        #expect(units.count == 20)
        let (s, reports) = try fx.run(units) { $0.lookupRate = 500; $0.concurrency = 4 }
        #expect(s.failed == 0 && s.done == 20)
        #expect(s.rateLimited > 0, "the server never refused: the test did not exercise the limit")
        #expect(reports.contains { $0.rateLimited > 0 && $0.outcome == .done })
        let ledger = try fx.manifest.downloads(kind: "bars:300")
        #expect(ledger.allSatisfy { $0.state == .done && $0.attempts == 1 })
    }

    @Test func unknownSymbolFailsItsUnitOnly() throws {
        let fx = try DownloadFixture()
        let good = fx.equities(1)[0]
        let bad = try Symbol("ZZNOPE9")
        let units = DownloadPlanner.units(symbols: [good, bad], kind: .ticks, range: try easternRange("2026-03-09", "2026-03-10"))
        let (s, reports) = try fx.run(units)
        #expect(s.done == 2 && s.failed == 2)
        #expect(!s.nothingPossible)
        for r in reports where r.unit.symbol == bad {
            #expect(r.outcome == .failed)
            #expect(r.message?.contains("Invalid symbol") == true)
        }
        let failed = try fx.manifest.downloads(state: .failed)
        #expect(failed.count == 2 && failed.allSatisfy { $0.key.symbol == "ZZNOPE9" && ($0.error ?? "").contains("Invalid symbol") })
        let status = try DownloadLedger.status(fx.manifest)
        #expect(status.first { $0.symbol == "ZZNOPE9" }?.failed == 2)
        #expect(status.first { $0.symbol == good.text }?.done == 2)
        // Within the backoff a later run leaves the failed units alone.
        let (waiting, waitReports) = try fx.run(units) { $0.retryBackoff = 600 }
        #expect(waiting.skipped == 4 && waiting.requests == 0 && waiting.stillFailed.count == 2)
        #expect(waitReports.filter { $0.unit.symbol == bad }.allSatisfy { $0.message?.contains("retry in") == true })
        // The next run retries the failed units (backoff 0 here), not the done ones.
        let (again, _) = try fx.run(units)
        #expect(again.skipped == 2 && again.failed == 2)
        #expect(try fx.manifest.downloads(state: .failed).allSatisfy { $0.attempts == 2 })
    }

    @Test func serviceDownMeansNothingPossible() throws {
        let fx = try DownloadFixture()
        let units = DownloadPlanner.units(symbols: fx.equities(1), kind: .ticks, range: try easternRange("2026-03-09", "2026-03-09"))
        let port = fx.lookupPort
        fx.server.stop()
        do {
            _ = try fx.run(units) { $0.lookupPort = port }
            Issue.record("expected IQFeed to be unavailable")
        } catch let e as DownloadError {
            #expect(e.isUnavailable)
            #expect(e.description.contains("127.0.0.1:\(port)"))
        }
    }

    @Test func gapsAreFoundAndFilled() throws {
        let fx = try DownloadFixture()
        let sym = fx.equities(1)[0]
        let range = try easternRange("2026-03-02", "2026-03-06")
        let (s, _) = try fx.run(DownloadPlanner.units(symbol: sym, kind: .ticks, range: range))
        #expect(s.done == 5)
        let expected = fx.expectedTicks(sym, range)
        let store = try DownloadStore(fx.ch)
        let today = USEquityCalendar.day("2026-11-23")!
        #expect(try DownloadGaps.find(symbol: sym.text, kind: .ticks, range: range, store: store, today: today).missingDays.isEmpty)

        // Remove Wednesday 2026-03-04 (partitions are UTC days; the session is inside one).
        try fx.client.execute("ALTER TABLE \(fx.database).market_ticks DROP PARTITION ID '20260304'")
        let gaps = try DownloadGaps.find(symbol: sym.text, kind: .ticks, range: range, store: store, today: today)
        #expect(gaps.judged && gaps.expectedDays.count == 5)
        #expect(gaps.missingDays.map(USEquityCalendar.text) == ["2026-03-04"])
        #expect(try fx.count("market_ticks", final: true) < UInt64(expected.count))

        let fill = DownloadGaps.fillUnits(gaps, kind: .ticks)
        #expect(fill.count == 1)
        let (filled, _) = try fx.run(fill) { $0.force = true }
        #expect(filled.done == 1)
        #expect(try DownloadGaps.find(symbol: sym.text, kind: .ticks, range: range, store: store, today: today).missingDays.isEmpty)
        #expect(sameTicks(try fx.storedTicks(sym), expected))

        // Futures are not judged; holidays are not expected.
        let es = try DownloadGaps.find(symbol: "@ESZ26", kind: .ticks, range: range, store: store, today: today)
        #expect(!es.judged)
        let goodFriday = try easternRange("2026-04-02", "2026-04-06")
        #expect(DownloadGaps.expectedDays(from: goodFriday.from, to: goodFriday.to, today: today).map(USEquityCalendar.text) == ["2026-04-02", "2026-04-06"])
    }

    @Test func overlappingRunsNeverShareAUnit() throws {
        let fx = try DownloadFixture(lookupRateLimit: nil)
        let week = try easternRange("2026-02-02", "2026-02-06")
        let units = DownloadPlanner.units(symbols: fx.equities(3), kind: .ticks, range: week)
        #expect(units.count == 15)
        let a = Reports(), b = Reports()
        let cfg = fx.configuration(concurrency: 2, rate: 30)
        let m2 = try Manifest.open(path: fx.dir + "/manifest.db")
        let group = DispatchGroup()
        for (box, manifest) in [(a, fx.manifest), (b, m2)] {
            group.enter()
            Thread {
                defer { group.leave() }
                _ = try? Downloader(configuration: cfg, manifest: manifest).run(units) { box.add($0) }
            }.start()
        }
        group.wait()
        let doneA = a.all.filter { $0.outcome == .done }.map(\.unit.key), doneB = b.all.filter { $0.outcome == .done }.map(\.unit.key)
        #expect(doneA.count + doneB.count == 15)
        #expect(Set(doneA).isDisjoint(with: Set(doneB)))
        #expect(try fx.manifest.downloads(kind: "ticks").allSatisfy { $0.state == .done && $0.attempts == 1 })
        let total = fx.equities(3).reduce(0) { $0 + fx.expectedTicks($1, week).count }
        #expect(try fx.count("market_ticks", final: true) == UInt64(total))
    }

    @Test func unitKilledMidwayIsRedoneWithoutDuplicates() throws {
        let fx = try DownloadFixture()
        let sym = fx.equities(1)[0]
        let range = try easternRange("2026-03-09", "2026-03-09")
        let units = DownloadPlanner.units(symbol: sym, kind: .ticks, range: range)
        let unit = try #require(units.first)
        let expected = fx.expectedTicks(sym, range)
        // A crashed run: it claimed the unit (its pid is gone) and inserted the first half of the day.
        try fx.manifest.upsertDownloads([unit.key])
        let deadPID: Int32 = 999_999
        #expect(!Manifest.isAlive(pid: deadPID))
        #expect(try fx.manifest.claimDownload(unit.key, owner: deadPID))
        let store = try DownloadStore(fx.ch)
        try store.ensureSchema()
        var body: [UInt8] = []
        for t in expected.prefix(expected.count / 2) { RowBinaryEncoder.append(t, to: &body) }
        try store.insert(.ticks, body: body)
        #expect(try fx.count("market_ticks") == UInt64(expected.count / 2))

        let (s, reports) = try fx.run(units)
        #expect(s.done == 1)
        #expect(reports.first?.attempts == 2)
        #expect(try fx.count("market_ticks", final: true) == UInt64(expected.count))
        #expect(try fx.count("market_ticks") == UInt64(expected.count))
        #expect(sameTicks(try fx.storedTicks(sym), expected))
        let rec = try fx.manifest.downloads(symbol: sym.text, kind: "ticks")
        #expect(rec.count == 1 && rec[0].state == .done && rec[0].attempts == 2 && rec[0].rows == Int64(expected.count))
        // --since-last starts from the last stored day.
        let last = try store.lastStored(symbols: [sym.text, "NOTHING"], kind: .ticks)
        #expect(last[sym.text] == expected.last?.eventTime)
        #expect(last["NOTHING"] == nil)
    }
}
