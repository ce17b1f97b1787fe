import Foundation
import Testing

/// `mdt download` argument handling and the ledger view, without services (the binary end to end;
/// the runs against IQFeed and ClickHouse are in PipelineTests/DownloadKillTests.swift).
@Suite struct DownloadCLITests {
    @Test func helpListsSubcommandsAndCronExitCodes() throws {
        let s = try Scratch()
        defer { s.remove() }
        let r = try MDTBinary.run(["download", "--help"], home: s.path)
        #expect(r.status == 0)
        for sub in ["run", "status", "gaps"] { #expect(r.stdout.contains("  \(sub)"), "\(sub) missing") }
        #expect(r.stdout.contains("nothing could be"))
        let run = try MDTBinary.run(["download", "run", "--help"], home: s.path)
        for flag in ["--kind", "--from", "--to", "--days", "--since-last", "--all-active", "--symbols", "--concurrency",
                     "--lookup-rate", "--force", "--summary", "--chunk-rows"] {
            #expect(run.stdout.contains(flag), "\(flag) missing from download run --help")
        }
    }

    @Test func badArgumentsExit64() throws {
        let s = try Scratch()
        defer { s.remove() }
        let cases: [[String]] = [
            ["download", "AAPL", "--kind", "hourly", "--days", "2"],
            ["download", "AAPL", "--kind", "ticks"],                        // no range
            ["download", "--kind", "ticks", "--days", "2"],                 // no symbols
            ["download", "AAPL", "--from", "2026-02-30"],                   // not a date
            ["download", "AAPL", "--from", "2026-03-01", "--days", "3"],   // both
            ["download", "AAPL", "--days", "2", "--concurrency", "0"],
            ["download", "gaps", "AAPL", "--kind", "ticks"],                // no range
        ]
        for args in cases {
            let r = try MDTBinary.run(args, home: s.path)
            #expect(r.status == 64, "\(args) exited \(r.status): \(r.stderr)")
            #expect(!r.stderr.isEmpty)
        }
        let file = try s.write("syms.txt", "AAPL\nÄPFEL # not ASCII\n")
        let r = try MDTBinary.run(["download", "--symbols", "@" + file, "--days", "1"], home: s.path)
        #expect(r.status == 64)
        #expect(r.stderr.contains("syms.txt:2"))
    }

    @Test func statusOfAnEmptyLedger() throws {
        let s = try Scratch()
        defer { s.remove() }
        let j = try MDTBinary.run(["download", "status", "--json"], home: s.path)
        #expect(j.status == 0)
        #expect(j.stdout == "[]\n")
        let t = try MDTBinary.run(["download", "status", "--format", "tsv"], home: s.path)
        #expect(t.status == 0)
        #expect(t.stdout.hasPrefix("symbol\tkind\tdone\tempty\tfailed\tpending\trunning\trows"))
    }

    @Test func unreachableServicesExit2() throws {
        let s = try Scratch()
        defer { s.remove() }
        // Port 1 on loopback: nothing listens there.
        let r = try MDTBinary.run(["download", "AAPL", "--days", "2", "--clickhouse-url", "http://127.0.0.1:1", "--lookup-port", "1"], home: s.path)
        #expect(r.status == 2)
        #expect(r.stderr.contains("ClickHouse unavailable") && r.stderr.contains("127.0.0.1:1"))
    }
}
