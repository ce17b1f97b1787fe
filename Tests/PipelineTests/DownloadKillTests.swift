import Foundation
import Manifest
import MarketData
import MDTTestSupport
import Testing
@testable import Pipeline

/// Runs the built `mdt download` binary against the in-process IQFeed server, SIGKILLs it mid-run,
/// runs it again, and checks that ClickHouse holds exactly the expected rows (no duplicates).
/// Needs `swift build` first (the binary at .build/debug/mdt, or MDT_BINARY).
@Suite("download binary", .serialized, .enabled(if: TestServices.available(.clickhouse)))
struct DownloadKillTests {
    static var binary: String {
        if let p = ProcessInfo.processInfo.environment["MDT_BINARY"], !p.isEmpty { return p }
        return TestServices.repoRoot.appendingPathComponent(".build/debug/mdt").path
    }

    final class Lines: @unchecked Sendable {
        let lock = NSLock()
        var text = ""
        func append(_ d: Data) { lock.lock(); text += String(decoding: d, as: UTF8.self); lock.unlock() }
        var done: Int { lock.lock(); defer { lock.unlock() }; return text.components(separatedBy: "\"outcome\":\"done\"").count - 1 }
        var all: String { lock.lock(); defer { lock.unlock() }; return text }
    }

    func start(_ args: [String], fx: DownloadFixture) throws -> (Process, Lines, Lines) {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw DownloadTestError("\(Self.binary) not found: run `swift build` before `swift test`")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = args
        p.environment = [
            "PATH": "/usr/bin:/bin", "HOME": fx.dir, "MDT_HOME": fx.dir,
            "MDT_CLICKHOUSE_URL": fx.ch.url, "MDT_CLICKHOUSE_USER": fx.ch.user, "MDT_CLICKHOUSE_PASSWORD": fx.ch.password,
            "MDT_CLICKHOUSE_DATABASE": fx.ch.database, "MDT_IQFEED_HOST": "127.0.0.1",
        ]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let o = Lines(), e = Lines()
        out.fileHandleForReading.readabilityHandler = { h in o.append(h.availableData) }
        err.fileHandleForReading.readabilityHandler = { h in e.append(h.availableData) }
        try p.run()
        return (p, o, e)
    }

    func wait(_ p: Process, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        return !p.isRunning
    }

    @Test func rerunAfterSigkillLeavesExactlyTheExpectedRows() throws {
        let fx = try DownloadFixture()
        let syms = fx.equities(2)
        let range = try easternRange("2026-02-02", "2026-02-27")
        let units = DownloadPlanner.units(symbols: syms, kind: .ticks, range: range)
        #expect(units.count == 38)  // 19 trading days (Presidents' Day closed) x 2
        let expected = syms.reduce(0) { $0 + fx.expectedTicks($1, range).count }
        let args = ["download"] + syms.map(\.text) + ["--kind", "ticks", "--from", "2026-02-02", "--to", "2026-02-27",
                                                      "--lookup-port", String(fx.lookupPort), "--concurrency", "3", "--chunk-rows", "150"]

        let (p1, out1, _) = try start(args + ["--lookup-rate", "10"], fx: fx)
        let deadline = Date().addingTimeInterval(30)
        while out1.done < 4 && p1.isRunning && Date() < deadline { usleep(5_000) }
        #expect(p1.isRunning, "the first run ended before it could be killed: \(out1.all.suffix(300))")
        kill(p1.processIdentifier, SIGKILL)
        #expect(wait(p1, timeout: 10))
        #expect(p1.terminationReason == .uncaughtSignal)
        let afterKill = try fx.manifest.downloads(kind: "ticks")
        let doneAfterKill = afterKill.filter { $0.state == .done }.count
        #expect(doneAfterKill >= 4 && doneAfterKill < 38)
        #expect(afterKill.contains { $0.state == .running || $0.state == .pending })

        let (p2, out2, err2) = try start(args + ["--lookup-rate", "500", "--summary"], fx: fx)
        #expect(wait(p2, timeout: 120))
        #expect(p2.terminationStatus == 0, "second run: \(err2.all)")
        #expect(out2.all.contains("\"failed\":0"))
        #expect(out2.all.contains("\"exit\":0"))

        let ledger = try fx.manifest.downloads(kind: "ticks")
        #expect(ledger.count == 38 && ledger.allSatisfy { $0.state == .done })
        #expect(ledger.reduce(0) { $0 + $1.rows } == Int64(expected))
        #expect(try fx.count("market_ticks", final: true) == UInt64(expected))
        #expect(try fx.count("market_ticks") == UInt64(expected))  // no duplicates left, even before a background merge
        for s in syms { #expect(sameTicks(try fx.storedTicks(s), fx.expectedTicks(s, range))) }

        // A third run has nothing to do and says so with exit 0.
        let (p3, out3, _) = try start(args + ["--summary"], fx: fx)
        #expect(wait(p3, timeout: 60))
        #expect(p3.terminationStatus == 0)
        #expect(out3.all.contains("\"skipped\":38"))
    }

    @Test func exitCodesForCron() throws {
        let fx = try DownloadFixture()
        let good = fx.equities(1)[0].text
        // Unknown symbol: its units fail, the others finish, exit 1, failures listed on stderr.
        let (p1, out1, err1) = try start(["download", good, "ZZNOPE9", "--kind", "daily", "--from", "2026-03-02", "--to", "2026-03-06",
                                          "--lookup-port", String(fx.lookupPort)], fx: fx)
        #expect(wait(p1, timeout: 60))
        #expect(p1.terminationStatus == 1)
        #expect(out1.all.split(separator: "\n").count == 2)  // one JSON line per unit (stdout is a pipe)
        #expect(out1.all.contains("\"outcome\":\"done\"") && out1.all.contains("Invalid symbol"))
        #expect(err1.all.contains("failed ZZNOPE9/daily/2026-03-01"))
        // Run again inside the retry backoff: nothing is tried, but the failed unit still makes it exit 1.
        let (p1b, out1b, err1b) = try start(["download", good, "ZZNOPE9", "--kind", "daily", "--from", "2026-03-02", "--to", "2026-03-06",
                                             "--lookup-port", String(fx.lookupPort), "--summary"], fx: fx)
        #expect(wait(p1b, timeout: 60))
        #expect(p1b.terminationStatus == 1)
        usleep(50_000)
        #expect(out1b.all.contains("\"skipped\":1") && out1b.all.contains("\"still_failed\":1"))  // the partial month is redone
        #expect(err1b.all.contains("still failed ZZNOPE9/daily/2026-03-01"))

        // Nothing reachable: exit 2.
        let port = fx.lookupPort
        fx.server.stop()
        let (p2, _, err2) = try start(["download", good, "--kind", "ticks", "--days", "3", "--lookup-port", String(port)], fx: fx)
        #expect(wait(p2, timeout: 60))
        #expect(p2.terminationStatus == 2)
        #expect(err2.all.contains("127.0.0.1:\(port)"))

        // Bad arguments: 64.
        let (p3, _, _) = try start(["download", good, "--kind", "hourly", "--days", "3"], fx: fx)
        #expect(wait(p3, timeout: 30))
        #expect(p3.terminationStatus == 64)
        let (p4, _, _) = try start(["download", good, "--kind", "ticks"], fx: fx)
        #expect(wait(p4, timeout: 30))
        #expect(p4.terminationStatus == 64)
    }

    func runToEnd(_ args: [String], fx: DownloadFixture) throws -> (Int32, String, String) {
        let (p, out, err) = try start(args, fx: fx)
        guard wait(p, timeout: 120) else { p.terminate(); throw DownloadTestError("mdt \(args) did not finish") }
        usleep(50_000)  // let the pipe handlers deliver the last bytes
        return (p.terminationStatus, out.all, err.all)
    }

    @Test func gapsFillSinceLastAndAllActiveViaTheBinary() throws {
        let fx = try DownloadFixture()
        let sym = fx.equities(1)[0].text
        let port = ["--lookup-port", String(fx.lookupPort)]
        var (code, out, err) = try runToEnd(["download", sym, "--from", "2026-03-02", "--to", "2026-03-04", "--summary"] + port, fx: fx)
        #expect(code == 0, "\(err)")
        #expect(out.contains("\"done\":3"))

        // --since-last: from the last stored day (2026-03-04, complete so skipped) to --to.
        (code, out, err) = try runToEnd(["download", sym, "--since-last", "--to", "2026-03-06", "--summary"] + port, fx: fx)
        #expect(code == 0, "\(err)")
        #expect(out.contains("\"units\":3") && out.contains("\"done\":2") && out.contains("\"skipped\":1"))

        // Gaps: drop Tuesday's partition, gaps reports it (exit 1), --fill restores it (exit 0).
        try fx.client.execute("ALTER TABLE \(fx.database).market_ticks DROP PARTITION ID '20260303'")
        let gapArgs = ["download", "gaps", sym, "@ESZ26", "--kind", "ticks", "--from", "2026-03-02", "--to", "2026-03-06"] + port
        (code, out, err) = try runToEnd(gapArgs, fx: fx)
        #expect(code == 1)
        #expect(out.contains("\(sym) ticks: 1 of 5 trading days missing: 2026-03-03"))
        #expect(out.contains("@ESZ26 ticks: not judged"))
        (code, out, err) = try runToEnd(gapArgs + ["--fill"], fx: fx)
        #expect(code == 0, "\(err)")
        #expect(out.contains("\"done\":1"))
        (code, out, err) = try runToEnd(gapArgs, fx: fx)
        #expect(code == 0)
        #expect(out.contains("\(sym) ticks: complete, 5 trading days"))
        let range = try easternRange("2026-03-02", "2026-03-06")
        #expect(sameTicks(try fx.storedTicks(try Symbol(sym)), fx.expectedTicks(try Symbol(sym), range)))

        // --all-active takes the manifest's active symbols.
        let two = fx.equities(3).suffix(2).map(\.text)
        try fx.manifest.addSymbols(two)
        (code, out, err) = try runToEnd(["download", "--all-active", "--kind", "daily", "--from", "2026-03-02", "--to", "2026-03-06", "--summary"] + port, fx: fx)
        #expect(code == 0, "\(err)")
        #expect(out.contains("\"units\":2") && out.contains("\"done\":2") && out.contains("\"rows\":10"))
    }

    @Test func sigtermFinishesUnitsInProgressAndLeavesTheRestPending() throws {
        let fx = try DownloadFixture()
        let syms = fx.equities(2)
        let args = ["download"] + syms.map(\.text) + ["--kind", "ticks", "--from", "2026-02-02", "--to", "2026-02-27",
                                                      "--lookup-port", String(fx.lookupPort), "--concurrency", "2", "--lookup-rate", "4", "--summary"]
        let (p, out, err) = try start(args, fx: fx)
        let ledgerDeadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < ledgerDeadline, (try fx.manifest.downloads(state: .done)).count < 2 { usleep(20_000) }
        #expect(p.isRunning)
        kill(p.processIdentifier, SIGTERM)
        #expect(wait(p, timeout: 30))
        usleep(50_000)
        #expect(p.terminationReason == .exit && p.terminationStatus == 1, "\(err.all)")
        #expect(err.all.contains("interrupted"))
        let ledger = try fx.manifest.downloads(kind: "ticks")
        #expect(!ledger.contains { $0.state == .running })
        let done = ledger.filter { $0.state == .done }.count
        #expect(done >= 2 && done < 38)
        #expect(ledger.filter { $0.state == .pending }.count == 38 - done)
        #expect(out.all.contains("\"interrupted\":\(38 - done)"))
    }
}
