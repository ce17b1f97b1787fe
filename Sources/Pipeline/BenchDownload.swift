import ClickHouse
import Foundation
import IQFeedServer
import Logging
import Manifest
import MarketData

/// `mdt bench download`: history parse + insert. An in-process synthetic IQFeed lookup server serves tick
/// history (`HTX`, 50,000 ticks per symbol-day); `Downloader` fetches it over the lookup protocol, parses every
/// row and inserts RowBinary chunks into a scratch ClickHouse database, exactly as `mdt download` does.
/// Rounds of units (one per lookup connection) repeat, with `force`, until `seconds` have passed.
/// Figure: ticks stored per second over the whole run (request, transfer, parse, insert). The synthetic
/// server's text generation shares the CPU, so the figure is a lower bound for a remote IQFeed.
public enum DownloadBench {
    public static let ticksPerDay = 50_000

    public static func run(_ t: ServiceBenchTargets, seconds: Double, symbols: Int, concurrency: Int = 4, logger: Logger) -> BenchResult {
        guard let url = t.clickhouseURL else { return .skipped("download", "no ClickHouse URL configured") }
        var sc = IQFeedServerConfiguration()
        sc.ports = [.lookup: 0]
        sc.seed = 5
        sc.universe = SymbolUniverse(seed: 5, count: max(concurrency * 2, min(symbols, 64)))
        sc.history = HistoryConfiguration(ticksPerDay: ticksPerDay...ticksPerDay, tickLookbackDays: 3660)
        let server = IQFeedServer(configuration: sc, logger: logger)
        do { try server.start() } catch { return BenchResult(name: "download", status: .failed, reason: "synthetic server: \(error)") }
        defer { server.stop() }

        let database = t.scratchDatabase + "_download"
        let ch = DownloadClickHouse(url: url, user: t.clickhouseUser, password: t.clickhousePassword, database: database)
        let dir = NSTemporaryDirectory() + "mdt-bench-download-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let manifest: Manifest
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            manifest = try Manifest.open(path: dir + "/manifest.db")
        } catch { return BenchResult(name: "download", status: .failed, reason: "scratch manifest: \(error)") }
        let admin: ClickHouseClient
        do { admin = try ClickHouseClient(url: url, user: t.clickhouseUser, password: t.clickhousePassword) } catch {
            return .skipped("download", "\(error)")
        }
        defer { _ = try? admin.execute("DROP DATABASE IF EXISTS \(database)") }

        var config = DownloaderConfiguration(clickhouse: ch)
        config.lookupPort = Int(server.port(.lookup) ?? 0)
        config.lookupRate = 1000
        config.concurrency = concurrency
        config.force = true
        config.retryBackoff = 0
        let equities = server.universe.instruments.filter { !$0.isFuture }.map(\.symbol)
        // A fixed past week (inside the server's look-back): Monday 2026-03-02 .. Friday 2026-03-06.
        guard let from = DownloadRange.parseEastern("2026-03-02"), let to = DownloadRange.parseEastern("2026-03-06", endOfDay: true) else {
            return BenchResult(name: "download", status: .failed, reason: "bad range")
        }
        // Oldest day first, then symbol: consecutive units are different symbols of one day.
        let plan = DownloadPlanner.units(symbols: equities, kind: .ticks, range: DownloadRange(from: from, to: to))
        guard !plan.isEmpty else { return BenchResult(name: "download", status: .failed, reason: "no trading day in the range") }
        let downloader = Downloader(configuration: config, manifest: manifest, logger: logger)
        var rows: Int64 = 0
        var units = 0
        var failures: [String] = []
        let start = BenchClock.nanos()
        var round = 0
        let cpu0 = BenchClock.cpuSeconds()
        repeat {
            // One unit per connection per round, a different symbol-day each time.
            let batch = (0..<concurrency).map { plan[(round * concurrency + $0) % plan.count] }
            let collected = Collected()
            do {
                _ = try downloader.run(batch) { collected.add($0) }
            } catch {
                return BenchResult(name: "download", status: .failed, reason: "\(error)")
            }
            for r in collected.all {
                rows += r.rows
                units += 1
                if r.outcome == .failed { failures.append("\(r.unit): \(r.message ?? "failed")") }
            }
            round += 1
        } while Double(BenchClock.nanos() &- start) < seconds * 1e9 && failures.isEmpty
        let elapsed = Double(BenchClock.nanos() &- start) / 1e9
        let cpu = BenchClock.cpuSeconds() - cpu0
        // The in-process server's own CPU (generating and formatting the history) is not mdt's.
        let mdtCPU = max(0, cpu - server.lookupCPUSeconds)
        if !failures.isEmpty {
            return BenchResult(name: "download", status: .failed, reason: failures.prefix(3).joined(separator: "; "))
        }
        let stored = (try? admin.rowCount(table: "\(database).market_ticks", where: "1", final: false)) ?? 0
        var notes = ["\(units) symbol-days of \(ticksPerDay) ticks over \(concurrency) lookup connections (HTT/HTX from an in-process "
                     + "synthetic server) -> parse -> RowBinary inserts of \(config.chunkRows) rows into \(database).market_ticks"]
        notes.append("mdt_cpu_us_per_tick: the process's CPU minus the synthetic server's lookup threads (request, parse, "
                     + "RowBinary, HTTP insert); mdt_ticks_per_cpu_s = what one core of mdt parses and inserts per second")
        if stored != UInt64(rows) { notes.append("ClickHouse holds \(stored) rows, the downloader reported \(rows)") }
        return BenchResult(name: "download", figures: [
            BenchFigure("ticks_per_s", elapsed > 0 ? Double(rows) / elapsed : 0, "ticks/s"),
            BenchFigure("mdt_cpu_us_per_tick", rows > 0 ? mdtCPU * 1e6 / Double(rows) : 0, "us"),
            BenchFigure("mdt_ticks_per_cpu_s", mdtCPU > 0 ? Double(rows) / mdtCPU : 0, "ticks/s"),
        ], counts: ["ticks": Int(rows), "units": units, "stored_rows": Int(stored)], notes: notes)
    }

    final class Collected: @unchecked Sendable {
        let lock = NSLock()
        var all: [DownloadUnitReport] = []
        func add(_ r: DownloadUnitReport) { lock.lock(); all.append(r); lock.unlock() }
    }
}
