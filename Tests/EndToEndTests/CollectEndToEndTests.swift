import Foundation
import MDTTestSupport
import Testing

/// `mdt collect` as an operator runs it: against mdt's own IQFeed server and the real services,
/// in the background (start/status/stop), killed with SIGKILL and restarted, and with bad input.
@Suite(.serialized) struct CollectEndToEndTests {
    /// Starts `mdt replay --synthetic --serve` on free ports; returns the process and the IQFeed env.
    func startFeed(_ scratch: Scratch, symbols: String, rate: Int) throws -> (Process, [String: String]) {
        let portFile = scratch.path + "/ports"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: MDTBinary.path)
        p.arguments = ["replay", "--synthetic", "--serve", "--ports", "0,0,0,0", "--symbols", "@" + symbols,
                       "--rate", String(rate), "--port-file", portFile]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        p.standardInput = FileHandle.nullDevice
        try p.run()
        #expect(pollUntil(timeout: 20) { ((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "").contains("admin=") })
        let text = (try? String(contentsOfFile: portFile, encoding: .utf8)) ?? ""
        var env = ["MDT_IQFEED_HOST": "127.0.0.1"]
        for line in text.split(separator: "\n") {
            let kv = line.split(separator: "=")
            guard kv.count == 2 else { continue }
            let key = ["l1": "MDT_IQFEED_L1_PORT", "l2": "MDT_IQFEED_L2_PORT", "lookup": "MDT_IQFEED_LOOKUP_PORT",
                       "admin": "MDT_IQFEED_ADMIN_PORT"][String(kv[0])]
            if let key { env[key] = String(kv[1]) }
        }
        return (p, env)
    }

    func serviceEnv(database: String) throws -> [String: String] {
        var env: [String: String] = [:]
        for key in ["MDT_CLICKHOUSE_URL", "MDT_CLICKHOUSE_USER", "MDT_CLICKHOUSE_PASSWORD", "MDT_REDIS_URL", "MDT_KAFKA_BROKERS"] {
            env[key] = TestServices.value(key)
        }
        env["MDT_CLICKHOUSE_DATABASE"] = database
        return env
    }

    func statusJSON(_ env: [String: String], _ home: String) throws -> [[String: Any]] {
        let r = try MDTBinary.run(["collect", "status", "--json"], env: env, home: home)
        guard r.status == 0 else { throw ProbeFailed(text: r.stderr) }
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]) ?? []
    }

    struct ProbeFailed: Error { let text: String }

    @Test(.enabled(if: TestServices.available(.clickhouse) && TestServices.available(.redis) && TestServices.available(.kafka)))
    func backgroundStartStatusKillRestartStop() throws {
        _ = try TestServices.require(.clickhouse)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let symbols = try scratch.write("symbols.txt", (1...20).map { "BG\($0)" }.joined(separator: "\n") + "\n")
        let (feed, feedEnv) = try startFeed(scratch, symbols: symbols, rate: 3_000)
        defer { feed.terminate(); feed.waitUntilExit() }
        let db = "mdt_test_bg_\(UUID().uuidString.prefix(8).lowercased())"
        var env = try serviceEnv(database: db).merging(feedEnv) { a, _ in a }
        env["MDT_KAFKA_TOPIC_PREFIX"] = "\(db)."
        let home = scratch.path
        let args = ["collect", "start", "--name", "bg", "--symbols", "@" + symbols]

        let started = try MDTBinary.run(args, env: env, home: home)
        #expect(started.status == 0, "\(started.stderr)")
        #expect(started.stdout.contains("started collector 'bg'"))
        defer { _ = try? MDTBinary.run(["collect", "stop", "--all", "--timeout", "10"], env: env, home: home) }

        let again = try MDTBinary.run(args, env: env, home: home)
        #expect(again.status == 75, "a second instance of the same name is refused")
        #expect(again.stderr.contains("already running"))

        var pid = 0
        #expect(pollUntil(timeout: 30) {
            guard let row = (try? statusJSON(env, home))?.first(where: { $0["name"] as? String == "bg" }) else { return false }
            pid = row["pid"] as? Int ?? 0
            return (row["received"] as? Int ?? 0) > 500 && row["alive"] as? Bool == true
        }, "the background collector reports progress")

        // SIGKILL: the manifest entry goes stale, and the next start takes over the spool.
        #expect(pid > 0)
        kill(pid_t(pid), SIGKILL)
        #expect(pollUntil(timeout: 10) { (try? statusJSON(env, home))?.first?["alive"] as? Bool == false })
        let restarted = try MDTBinary.run(args, env: env, home: home)
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(pollUntil(timeout: 30) {
            ((try? statusJSON(env, home))?.first?["received"] as? Int ?? 0) > 300
        })
        let stopped = try MDTBinary.run(["collect", "stop", "bg", "--timeout", "30"], env: env, home: home)
        #expect(stopped.status == 0, "\(stopped.stdout) \(stopped.stderr)")
        #expect(stopped.stdout.contains("bg: stopped"))
        let empty = try statusJSON(env, home)
        #expect(empty.isEmpty, "a clean stop removes the entry")

        // Nothing accepted was lost across the kill: sequence numbers continue from the journal, so
        // every number from 1 to the highest is stored exactly once (duplicates collapse on FINAL).
        let q = try MDTBinary.run(["query", "--format", "tsv", "--no-header",
                                   "SELECT count(), max(seq), uniqExact(seq) FROM (SELECT seq FROM \(db).market_ticks FINAL UNION ALL SELECT seq FROM \(db).market_l1 FINAL UNION ALL SELECT seq FROM \(db).market_l2 FINAL)"],
                                  env: env, home: home)
        _ = try? MDTBinary.run(["query", "DROP DATABASE IF EXISTS \(db)"], env: env, home: home)
        let fields = q.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\t").compactMap { Int($0) }
        #expect(fields.count == 3, "\(q.stdout) \(q.stderr)")
        if fields.count == 3 {
            #expect(fields[0] > 800)
            #expect(fields[0] == fields[1], "every sequence number 1...max is stored")
            #expect(fields[0] == fields[2], "and each exactly once")
        }
    }

    @Test func badSinksIsAUsageError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["collect", "--symbols", "AAPL", "--sinks", "kafka,bogus"], env: [:], home: scratch.path)
        #expect(r.status == 64)
        #expect(r.stderr.contains("unknown sink 'bogus'"))
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
    }

    @Test func badEncodingAndPublishModeAreUsageAndConfigErrors() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["collect", "--symbols", "AAPL", "--encoding", "avro"], env: [:], home: scratch.path)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--encoding 'avro': expected json or raw"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        let p = try MDTBinary.run(["collect", "--symbols", "AAPL"], env: ["MDT_REDIS_PUBLISH": "some"], home: scratch.path)
        #expect(p.status == 78)
        #expect(p.stderr.contains("redis.publish (from env MDT_REDIS_PUBLISH): 'some' is not one of all, latest, off"), "\(p.stderr)")
    }

    @Test func badSymbolIsADataError() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let file = try scratch.write("syms.txt", "AAPL\nBAD,SYM\n")
        let r = try MDTBinary.run(["collect", "--symbols", "@" + file], env: [:], home: scratch.path)
        #expect(r.status == 65)
        #expect(r.stderr.contains("syms.txt:2"), "names the file and line: \(r.stderr)")
    }

    @Test func unwritableSpoolIsReported() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["collect", "--symbols", "AAPL", "--sinks", "redis", "--redis-url", "redis://127.0.0.1:1"],
                                  env: ["MDT_COLLECT_SPOOL_DIR": "/proc/mdt-no-such-place"], home: scratch.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("spool"), "\(r.stderr)")
        #expect(r.stderr.contains("/proc/mdt-no-such-place"))
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func clickhouseAuthFailureAtStartIsClear() throws {
        let url = try TestServices.require(.clickhouse)
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["collect", "--symbols", "AAPL", "--sinks", "clickhouse"],
                                  env: ["MDT_CLICKHOUSE_URL": url, "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
                                        "MDT_CLICKHOUSE_PASSWORD": "wrong-secret-xyz"], home: scratch.path)
        #expect(r.status == 69, "\(r.stderr)")
        #expect(r.stderr.lowercased().contains("clickhouse"))
        #expect(!r.stderr.contains("wrong-secret-xyz"), "the password never appears")
        #expect(!r.stdout.contains("wrong-secret-xyz"))
    }
}
