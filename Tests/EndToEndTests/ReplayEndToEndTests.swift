import Foundation
import MDTTestSupport
import Testing

/// `mdt replay` to stdout as a user runs it (the built binary: `swift build` first).
@Suite struct ReplayEndToEndTests {
    static func fixture(_ name: String) -> String {
        TestServices.repoRoot.appendingPathComponent("Tests/IQFeedTests/Fixtures/\(name).txt").path
    }

    func replay(_ args: [String], env: [String: String] = [:]) throws -> MDTBinary.Result {
        let s = try Scratch()
        defer { s.remove() }
        return try MDTBinary.run(["replay"] + args, env: env, home: s.path)
    }

    @Test func fixtureToJSON() throws {
        let r = try replay(["--input", Self.fixture("level2_mbo"), "--to", "stdout", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 11 || lines.count > 0, "\(r.stdout)")
        #expect(lines.allSatisfy { $0.hasPrefix("{\"type\":\"book\"") })
        #expect(r.stderr.contains("0 unparseable"))
    }

    @Test func allL1AndL2FixturesTogether() throws {
        let s = try Scratch()
        defer { s.remove() }
        var text = ""
        for f in ["level1_Q", "level1_P", "level2_mbp", "level2_system", "lookup_HTX_p61", "admin_STATS"] {
            text += try String(contentsOfFile: Self.fixture(f), encoding: .utf8)
        }
        let path = try s.write("mixed.txt", text.replacingOccurrences(of: "\n", with: "\r\n"))
        let r = try MDTBinary.run(["replay", "--input", path, "--to", "stdout"], home: s.path)
        // level1_Q has 2 and level1_P 1 line in another fieldset: reported, exit 65, the rest printed.
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("3 unparseable"), "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 6 + 4 + 4 + 2 + 81)
    }

    @Test func malformedLinesExit65WithLineNumbers() throws {
        let s = try Scratch()
        defer { s.remove() }
        let path = try s.write("bad.txt", "7,@ESM19,B,2938.25,65,11,2,20:31:04.876740,2019-04-23,\nnot an iqfeed line\n8,@ESM19,B,2938.25,65,11,2,20:31:04.876740,2019-04-23,\n7,@ESM19,B,x,65,11,2,20:31:04.876740,2019-04-23,\n")
        let r = try MDTBinary.run(["replay", "--input", path, "--to", "stdout"], home: s.path)
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(path):2: "), "\(r.stderr)")
        #expect(r.stderr.contains("\(path):4: "), "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 2, "the good lines are still printed")
    }

    @Test func rawPassesLinesThrough() throws {
        let r = try replay(["--input", Self.fixture("level2_system"), "--to", "stdout", "--format", "raw"])
        #expect(r.status == 0, "\(r.stderr)")
        let original = try String(contentsOfFile: Self.fixture("level2_system"), encoding: .utf8)
        #expect(r.stdout == original.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    @Test func badFlags() throws {
        let f = Self.fixture("level2_mbp")
        #expect(try replay(["--input", f, "--to", "stdout", "--format", "xml"]).status == 64)
        #expect(try replay(["--input", f]).status == 64)
        #expect(try replay(["--input", f, "--to", "nowhere"]).status == 64)
        #expect(try replay(["--input", f, "--to", "stdout", "--speed", "fast"]).status == 64)
        #expect(try replay(["--from", "clickhouse", "--to", "stdout", "--start", "yesterday"]).status == 64)
    }

    @Test func unreadableFileExits66() throws {
        let r = try replay(["--input", "/nonexistent/file.txt", "--to", "stdout"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("/nonexistent/file.txt"))
    }

    @Test func clickhouseUnreachableExits69() throws {
        let r = try replay(["--from", "clickhouse", "--to", "stdout", "--clickhouse-url", "http://127.0.0.1:1"])
        #expect(r.status == 69, "\(r.stderr)")
        #expect(r.stderr.contains("127.0.0.1:1"))
    }

    @Test func syntheticToStdout() throws {
        let r = try replay(["--synthetic", "--count", "500", "--symbols", "10", "--to", "stdout"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count == 500)
    }

    @Test func speedTenOnTwoSecondSpan() throws {
        let s = try Scratch()
        defer { s.remove() }
        // Two L2 rows 2 s apart in event time.
        let path = try s.write("span.txt", "7,@ESM19,B,2938.25,65,11,2,20:31:04.000000,2019-04-23,\n8,@ESM19,B,2938.25,66,11,2,20:31:06.000000,2019-04-23,\n")
        let t0 = Date()
        let r = try MDTBinary.run(["replay", "--input", path, "--to", "stdout", "--speed", "10"], home: s.path)
        let took = Date().timeIntervalSince(t0)
        #expect(r.status == 0)
        #expect(took > 0.1 && took < 1.5, "took \(took) s")
    }
}
