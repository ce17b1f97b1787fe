import Foundation
import MDTTestSupport
import Testing

/// Runs the built `mdt` (`swift build` first) and captures stdout, stderr and the exit status.
enum MDTRun {
    static let path = TestServices.repoRoot.appendingPathComponent(".build/debug/mdt").path

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String { "\(MDTRun.path) does not exist: run `swift build` first" }
    }

    /// Service settings for the binary, from `.run/services.env` (never the caller's config file).
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        let home = NSTemporaryDirectory() + "mdt-e2e-home"
        var env: [String: String] = ["PATH": "/usr/bin:/bin", "HOME": home, "MDT_HOME": home]
        for (k, v) in TestServices.values where k.hasPrefix("MDT_CLICKHOUSE_") || k == "MDT_KAFKA_BROKERS" { env[k] = v }
        env.merge(extra) { _, b in b }
        return env
    }

    /// `wrapper` runs the binary under another program (e.g. `/usr/bin/time -f %M`).
    static func run(_ args: [String], env: [String: String] = environment(), stdin: String? = nil, wrapper: [String] = [],
                    stdoutPath: String? = nil) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Missing() }
        let dir = NSTemporaryDirectory() + "mdt-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = stdoutPath ?? dir + "/out", err = dir + "/err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        if wrapper.isEmpty {
            p.executableURL = URL(fileURLWithPath: path)
            p.arguments = args
        } else {
            p.executableURL = URL(fileURLWithPath: wrapper[0])
            p.arguments = Array(wrapper.dropFirst()) + [path] + args
        }
        p.environment = env
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        p.waitUntilExit()
        let o = stdoutPath == nil ? String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data(), as: UTF8.self) : ""
        return Result(status: p.terminationStatus, stdout: o,
                      stderr: String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: err))) ?? Data(), as: UTF8.self))
    }
}

@Suite struct QueryEndToEndTests {
    let sql = "SELECT number AS n, if(number = 1, NULL, concat('é', toString(number))) AS s, toDecimal64(1.5, 9) * number AS p FROM system.numbers LIMIT 3"

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func queryInEachFormat() throws {
        var r = try MDTRun.run(["query", sql])  // not a terminal: tsv
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "n\ts\tp\n0\té0\t0.000000000\n1\t\\N\t1.500000000\n2\té2\t3.000000000\n")
        #expect(r.stderr == "")
        r = try MDTRun.run(["query", "--format", "csv", sql])
        #expect(r.stdout == "n,s,p\n0,é0,0.000000000\n1,,1.500000000\n2,é2,3.000000000\n")
        r = try MDTRun.run(["query", "--format", "ndjson", sql])
        #expect(r.stdout == "{\"n\":0,\"s\":\"é0\",\"p\":0.000000000}\n{\"n\":1,\"s\":null,\"p\":1.500000000}\n{\"n\":2,\"s\":\"é2\",\"p\":3.000000000}\n")
        r = try MDTRun.run(["query", "--format", "json", sql])
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.count == 3 && rows?[1]["s"] is NSNull)
        r = try MDTRun.run(["query", "--format", "table", sql])
        #expect(r.stdout.split(separator: "\n").count == 5 && r.stdout.contains("NULL"))
        r = try MDTRun.run(["query", "--format", "vertical", sql])
        #expect(r.stdout.contains("Row 3:") && r.stdout.contains("s: NULL"))
        r = try MDTRun.run(["query", "--format", "tsv", "--no-header", sql])
        #expect(r.stdout.hasPrefix("0\té0\t"))
        // Any ClickHouse format, bytes passed through.
        r = try MDTRun.run(["query", "--ch-format", "JSONEachRow", "SELECT 1 AS a, 'x' AS b"])
        #expect(r.stdout == "{\"a\":1,\"b\":\"x\"}\n")
        // stdin, --file and --multi.
        r = try MDTRun.run(["query", "-"], stdin: "SELECT 42 AS answer")
        #expect(r.stdout == "answer\n42\n")
        r = try MDTRun.run(["query", "--multi", "--no-header"], stdin: "SELECT 1; -- two\nSELECT ';' AS semi;\n")
        #expect(r.stdout == "1\n;\n")
        // Parameters with an injection attempt: one literal (legacy: bound client-side).
        r = try MDTRun.run(["query", "--param", "v=x' OR 1=1 --", "SELECT {v:String} AS v, count() AS c FROM system.one WHERE 'a' = {v:String}"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "v\tc\nx' OR 1=1 --\t0\n")
        r = try MDTRun.run(["query", "--param", "n=1 OR 1=1", "SELECT {n:UInt32}"])
        #expect(r.status == 64 && r.stderr.contains("not a valid UInt32"))
        // --time on stderr only.
        r = try MDTRun.run(["query", "--time", "SELECT 1 AS x"])
        #expect(r.stdout == "x\n1\n" && r.stderr.contains(" s, ") && r.stderr.contains("1 result rows"))
        // --schema without a server.
        r = try MDTRun.run(["query", "--schema", "--dialect", "modern"], env: MDTRun.environment(["MDT_CLICKHOUSE_URL": "http://127.0.0.1:1"]))
        #expect(r.status == 0 && r.stdout.contains("DateTime64(9, 'UTC')") && r.stdout.contains("CODEC("))
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func badSQLIsExit65WithTheServerCode() throws {
        let r = try MDTRun.run(["query", "SELEC number FROM system.numbers"])
        #expect(r.status == 65)
        #expect(r.stderr.hasPrefix("mdt: ClickHouse error 62"), "\(r.stderr)")
        #expect(r.stderr.contains("position"))
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stdout == "")
    }

    @Test func helpAndUsage() throws {
        var r = try MDTRun.run(["query", "--help"])
        #expect(r.status == 0 && r.stdout.contains("ticks") && r.stdout.contains("bars") && r.stdout.contains("stats"))
        r = try MDTRun.run(["query", "run", "--help"])
        #expect(r.status == 0 && r.stdout.contains("--ch-format") && r.stdout.contains("--param"))
        r = try MDTRun.run(["topics", "--help"])
        #expect(r.status == 0 && r.stdout.contains("tail"))
        r = try MDTRun.run(["query", "--format", "xml", "SELECT 1"])
        #expect(r.status == 64)
        r = try MDTRun.run(["query", "ticks", "BAD SYMBOL"])
        #expect(r.status == 64 && r.stderr.contains("symbol"))
    }

    @Test func unreachableServerIsExit69() throws {
        let r = try MDTRun.run(["query", "SELECT 1"], env: MDTRun.environment(["MDT_CLICKHOUSE_URL": "http://127.0.0.1:1"]))
        #expect(r.status == 69)
        #expect(r.stderr == "mdt: cannot connect to ClickHouse at 127.0.0.1:1: connection refused\n", "\(r.stderr)")
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func outputRefusesToOverwrite() throws {
        let file = NSTemporaryDirectory() + "mdt-e2e-out-\(UUID().uuidString).tsv"
        defer { try? FileManager.default.removeItem(atPath: file) }
        var r = try MDTRun.run(["query", "--output", file, "SELECT 1 AS a"])
        #expect(r.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "a\n1\n")
        r = try MDTRun.run(["query", "--output", file, "SELECT 2 AS a"])
        #expect(r.status == 1)
        #expect(r.stderr == "mdt: \(file) already exists; use --force to overwrite it\n")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "a\n1\n")
        r = try MDTRun.run(["query", "--output", file, "--force", "SELECT 2 AS a"])
        #expect(r.status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "a\n2\n")
    }

    /// 1M rows streamed to a file by the binary with bounded resident memory.
    @Test(.enabled(if: TestServices.available(.clickhouse) && FileManager.default.isExecutableFile(atPath: "/usr/bin/time")))
    func millionRowsWithBoundedMemory() throws {
        let file = NSTemporaryDirectory() + "mdt-e2e-1m-\(UUID().uuidString).ndjson"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let r = try MDTRun.run(["query", "--format", "ndjson", "SELECT number AS n, toString(number) AS s FROM system.numbers LIMIT 1000000"],
                                  wrapper: ["/usr/bin/time", "-f", "maxrss_kb=%M"], stdoutPath: file)
        #expect(r.status == 0, "\(r.stderr)")
        let attrs = try FileManager.default.attributesOfItem(atPath: file)
        let size = (attrs[.size] as? NSNumber)?.intValue ?? 0
        try #require(size > 20_000_000)
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        try handle.seek(toOffset: UInt64(size - 40))
        let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        #expect(tail.hasSuffix("{\"n\":999999,\"s\":\"999999\"}\n"))
        let kb = r.stderr.split(separator: "\n").compactMap { $0.hasPrefix("maxrss_kb=") ? Int($0.dropFirst(10)) : nil }.last ?? 0
        #expect(kb > 0 && kb < 100_000, "max RSS \(kb) KiB for a \(size)-byte result")
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func brokenPipeExitsZero() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", "'\(MDTRun.path)' query 'SELECT number FROM system.numbers LIMIT 2000000' | head -n 2; echo \"rc=${PIPESTATUS[0]}\""]
        p.environment = MDTRun.environment()
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let r = MDTRun.Result(status: p.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
        #expect(r.stdout == "number\n0\nrc=0\n", "\(r.stdout) \(r.stderr)")
    }

    /// Ctrl-C (SIGINT) cancels the running query on the server and exits 130.
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func interruptKillsTheQueryOnTheServer() throws {
        guard FileManager.default.isExecutableFile(atPath: MDTRun.path) else { throw MDTRun.Missing() }
        let marker = "mdt_e2e_cancel_\(UInt32.random(in: 0...UInt32.max))"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: MDTRun.path)
        // Never finishes on its own: a full scan of the endless system.numbers.
        p.arguments = ["query", "SELECT count() AS \(marker) FROM system.numbers WHERE number % 1000000007 = 3"]
        p.environment = MDTRun.environment()
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let running = "SELECT count() FROM system.processes WHERE query LIKE '%\(marker)%' AND query NOT LIKE '%system.processes%'"
        func count() throws -> String {
            try MDTRun.run(["query", "--no-header", running]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var deadline = Date().addingTimeInterval(20)
        while try count() != "1", Date() < deadline { usleep(100_000) }
        #expect(try count() == "1", "the query should be running on the server")
        let sent = Date()
        p.interrupt()
        p.waitUntilExit()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationStatus == 130, "\(errText)")
        #expect(Date().timeIntervalSince(sent) < 10)
        #expect(errText.contains("cancelled on the server"), "\(errText)")
        deadline = Date().addingTimeInterval(10)
        while try count() != "0", Date() < deadline { usleep(100_000) }
        #expect(try count() == "0", "the query is gone from system.processes")
    }

    /// On a terminal (util-linux `script` gives the binary a pseudo-terminal): table output and a
    /// progress line with rows and bytes read for a query that runs over a second.
    @Test(.enabled(if: TestServices.available(.clickhouse) && FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func progressAndTableOnATerminal() throws {
        let query = "SELECT count() AS c FROM numbers(600000000) WHERE number % 7 = 3"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        p.arguments = ["-qec", "'\(MDTRun.path)' query \"\(query)\"", "/dev/null"]
        p.environment = MDTRun.environment(["TERM": "xterm"])
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("85714286"), "\(text)")
        #expect(text.contains("─"), "a table on a terminal")
        #expect(text.contains(" rows, ") && text.contains(" read, "), "progress line: \(text.debugDescription)")
    }
}
