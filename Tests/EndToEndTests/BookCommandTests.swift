import Foundation
import MDTTestSupport
import Testing

/// `mdt replay --synthetic --serve` on free ports, as a child process for one test.
final class ReplayServer {
    let process = Process()
    var ports: [String: Int] = [:]

    /// Serves `symbols` and emits `count` market events as fast as possible once a symbol is watched,
    /// then keeps serving a static market.
    init(scratch: Scratch, symbols: [String], count: Int) throws {
        let file = try scratch.write("symbols-\(UUID().uuidString.prefix(6)).txt", symbols.joined(separator: "\n") + "\n")
        let portFile = scratch.path + "/ports-\(UUID().uuidString.prefix(6))"
        process.executableURL = URL(fileURLWithPath: MDTBinary.path)
        process.arguments = ["replay", "--synthetic", "--serve", "--ports", "0,0,0,0", "--port-file", portFile,
                             "--symbols", "@" + file, "--rate", "0", "--count", String(count)]
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": scratch.path, "MDT_HOME": scratch.path + "/.mdt"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8) {
                for line in text.split(separator: "\n") {
                    let kv = line.split(separator: "=")
                    if kv.count == 2, let v = Int(kv[1]) { ports[String(kv[0])] = v }
                }
                if ports["l2"] != nil { return }
            }
            usleep(20_000)
        }
        stop()
        throw Failure(description: "mdt replay --serve wrote no port file within 20s")
    }

    var l2: Int { ports["l2"] ?? 0 }
    var l1: Int { ports["l1"] ?? 0 }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct Failure: Error, CustomStringConvertible { var description: String }
}

/// The `"bids":...` part of a `BookSnapshot.json` line (the levels, without symbol and time).
func levelsPart(_ json: String) -> String {
    guard let r = json.range(of: "\"bids\":") else { return "" }
    return String(json[r.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// The best bid and ask prices of a `BookSnapshot.json` line, with two decimals as the ladder shows them.
func bestPrices(_ json: String) -> [String] {
    var out: [String] = []
    for side in ["\"bids\":[{\"price\":", "\"asks\":[{\"price\":"] {
        guard let r = json.range(of: side) else { continue }
        let rest = json[r.upperBound...]
        var text = String(rest.prefix { $0 == "." || $0.isNumber })
        if !text.contains(".") { text += ".00" } else if text.split(separator: ".").last?.count == 1 { text += "0" }
        out.append(text)
    }
    return out
}

@Suite(.serialized) struct BookCommandTests {
    @Test func badFlagsAreUsageErrors() throws {
        let s = try Scratch()
        defer { s.remove() }
        for args in [
            ["book", "@ESZ26", "--source", "clickhouse", "--at", "yesterday-ish"],
            ["book", "@ESZ26", "--source", "clickhouse", "--at", "2026-02-30 10:00:00"],
            ["book", "@ESZ26", "--at", "-5m"],                       // --at needs --source clickhouse
            ["book", "@ESZ26", "--source", "kafka", "--offset", "middle"],
            ["book", "A,B"],                                          // not a valid symbol
            ["book", "@ESZ26", "--depth", "0"],
            ["book", "@ESZ26", "--source", "clickhouse", "--json", "--follow"],
        ] {
            let r = try MDTBinary.run(args, home: s.path)
            #expect(r.status == 64, "\(args): exit \(r.status), stderr \(r.stderr)")
            #expect(!r.stderr.isEmpty)
            #expect(r.stdout.isEmpty)
        }
    }

    @Test func unreachableSourcesExit69() throws {
        let s = try Scratch()
        defer { s.remove() }
        let live = try MDTBinary.run(["book", "@ESZ26", "--json", "--iqfeed-host", "127.0.0.1", "--l2-port", "1"], home: s.path)
        #expect(live.status == 69, "stderr: \(live.stderr)")
        #expect(live.stderr.contains("127.0.0.1:1"))
        #expect(live.stderr.split(separator: "\n").count == 1)
        let ch = try MDTBinary.run(["book", "@ESZ26", "--source", "clickhouse", "--json", "--clickhouse-url", "http://127.0.0.1:1"], home: s.path)
        #expect(ch.status == 69, "stderr: \(ch.stderr)")
        #expect(ch.stderr.contains("127.0.0.1:1"))
        let kafka = try MDTBinary.run(["book", "@ESZ26", "--source", "kafka", "--json", "--brokers", "127.0.0.1:1"], home: s.path)
        #expect(kafka.status == 69, "stderr: \(kafka.stderr)")
        #expect(kafka.stderr.contains("127.0.0.1:1"))
    }

    /// Live: --json, unknown symbol, the plain ladder in a pipe, and the ladder in a pseudo-terminal.
    @Test func liveJSONLadderAndTerminal() throws {
        let s = try Scratch()
        defer { s.remove() }
        let server = try ReplayServer(scratch: s, symbols: ["@ESZ26", "SPY"], count: 400)
        defer { server.stop() }
        let flags = ["--iqfeed-host", "127.0.0.1", "--l2-port", String(server.l2)]

        // The market goes static after 400 events: two snapshots in a row agree.
        var json = ""
        var previous = ""
        for _ in 0..<10 {
            let r = try MDTBinary.run(["book", "@ESZ26", "--json", "--wait", "3"] + flags, home: s.path)
            #expect(r.status == 0, "stderr: \(r.stderr)")
            json = r.stdout
            if levelsPart(json) == levelsPart(previous) { break }
            previous = json
        }
        #expect(json.hasPrefix("{\"symbol\":\"@ESZ26\",\"ts\":\""))
        #expect(json.hasSuffix("}\n"))
        #expect(json.split(separator: "\n").count == 1)
        let best = bestPrices(json)
        #expect(best.count == 2, "no best bid/ask in \(json)")

        let byOrder = try MDTBinary.run(["book", "@ESZ26", "--json", "--by", "order", "--depth", "3"] + flags, home: s.path)
        #expect(byOrder.status == 0, "stderr: \(byOrder.stderr)")
        #expect(byOrder.stdout.contains("\"orders\":"))

        let unknown = try MDTBinary.run(["book", "NOSUCH", "--json"] + flags, home: s.path)
        #expect(unknown.status == 65, "stderr: \(unknown.stderr)")
        #expect(unknown.stderr.contains("NOSUCH"))

        // --json --follow: one JSON object per line, per change.
        let follow = try MDTBinary.run(["book", "SPY", "--json", "--follow", "--duration", "1", "--depth", "1"] + flags, home: s.path)
        #expect(follow.status == 0, "stderr: \(follow.stderr)")
        let lines = follow.stdout.split(separator: "\n")
        #expect(lines.count >= 2)
        #expect(lines.allSatisfy { $0.hasPrefix("{\"symbol\":\"SPY\"") && $0.hasSuffix("]}") })
        #expect(zip(lines, lines.dropFirst()).allSatisfy { levelsPart(String($0)) != levelsPart(String($1)) },
                "a line without a change of the levels")

        // Into a pipe: plain text, no escape codes.
        let plain = try MDTBinary.run(["book", "@ESZ26", "--duration", "1.5", "--color", "on"] + flags, home: s.path)
        #expect(plain.status == 0, "stderr: \(plain.stderr)")
        #expect(!plain.stdout.contains("\u{1B}"))
        #expect(plain.stdout.contains("BID | ASK"))
        for p in best { #expect(plain.stdout.contains(p), "\(p) missing from the ladder:\n\(plain.stdout)") }

        // In a pseudo-terminal (script(1)): redrawn in place with escape codes; the screen shows the prices.
        let command = ([MDTBinary.path, "book", "@ESZ26", "--duration", "1.5"] + flags).joined(separator: " ")
        let tty = try MDTBinary.runProcess("/usr/bin/script", ["-qfec", command, "/dev/null"],
                                           environment: ["PATH": "/usr/bin:/bin", "HOME": s.path, "MDT_HOME": s.path + "/.mdt",
                                                         "TERM": "xterm"])
        #expect(tty.status == 0, "stderr: \(tty.stderr)")
        #expect(tty.stdout.contains("\u{1B}[H"), "no cursor-home in the terminal output")
        #expect(tty.stdout.contains("\u{1B}[?25h"), "the cursor was not restored")
        let screen = Self.stripEscapes(tty.stdout)
        #expect(screen.contains("@ESZ26"))
        #expect(screen.contains("BID | ASK"))
        for p in best { #expect(screen.contains(p), "\(p) missing from the terminal screen") }
    }

    /// Removes CSI escape sequences (ESC [ params letter).
    static func stripEscapes(_ s: String) -> String {
        var out = ""
        var it = s.unicodeScalars.makeIterator()
        while let c = it.next() {
            if c == "\u{1B}" {
                guard let n = it.next() else { break }
                if n == "[" { while let x = it.next(), !(x.properties.isAlphabetic || x == "~") {} }
                continue
            }
            out.unicodeScalars.append(c)
        }
        return out
    }

    /// ClickHouse: collect from the replay server into a fresh database, then the rebuilt book at
    /// "now" equals the (static) live book; an unknown symbol and --at before the data exit 65.
    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func clickhouseRebuildMatchesLive() throws {
        let url = try TestServices.require(.clickhouse)
        let s = try Scratch()
        defer { s.remove() }
        let server = try ReplayServer(scratch: s, symbols: ["SPY"], count: 300)
        defer { server.stop() }
        let db = "mdt_book_e2e_\(UUID().uuidString.prefix(8).lowercased())"
        var env = ["MDT_CLICKHOUSE_URL": url, "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
                   "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword, "MDT_CLICKHOUSE_DATABASE": db,
                   "MDT_IQFEED_HOST": "127.0.0.1", "MDT_IQFEED_L1_PORT": String(server.l1), "MDT_IQFEED_L2_PORT": String(server.l2)]
        defer { _ = try? MDTBinary.runProcess("/usr/bin/curl", ["-s", "-H", "X-ClickHouse-User: \(TestServices.clickhouseUser)",
                                                               "-H", "X-ClickHouse-Key: \(TestServices.clickhousePassword)",
                                                               "--data-binary", "DROP DATABASE IF EXISTS \(db)", url + "/"],
                                              environment: ["PATH": "/usr/bin:/bin"]) }
        var sinks = "clickhouse"
        if TestServices.available(.kafka), let brokers = TestServices.value("MDT_KAFKA_BROKERS") {
            env["MDT_KAFKA_BROKERS"] = brokers
            env["MDT_KAFKA_TOPIC_PREFIX"] = "booke2e-\(UUID().uuidString.prefix(8))."
            sinks += ",kafka"
        }
        let collect = try MDTBinary.run(["collect", "run", "--symbols", "SPY", "--sinks", sinks, "--duration", "3"],
                                        env: env, home: s.path)
        #expect(collect.status == 0, "collect failed: \(collect.stderr)")

        var live = ""
        var previous = "-"
        for _ in 0..<10 {
            live = try MDTBinary.run(["book", "SPY", "--json", "--wait", "3", "--depth", "50"], env: env, home: s.path).stdout
            if levelsPart(live) == levelsPart(previous) { break }
            previous = live
        }
        let ch = try MDTBinary.run(["book", "SPY", "--source", "clickhouse", "--json", "--depth", "50"], env: env, home: s.path)
        #expect(ch.status == 0, "stderr: \(ch.stderr)")
        #expect(!levelsPart(ch.stdout).isEmpty)
        #expect(levelsPart(ch.stdout) == levelsPart(live), "clickhouse:\n\(ch.stdout)\nlive:\n\(live)")

        let ladder = try MDTBinary.run(["book", "SPY", "--source", "clickhouse", "--at", "now"], env: env, home: s.path)
        #expect(ladder.status == 0)
        #expect(!ladder.stdout.contains("\u{1B}"))
        for p in bestPrices(ch.stdout) { #expect(ladder.stdout.contains(p)) }

        if sinks.contains("kafka") {
            // The same book from the Kafka topic the collector wrote, from the beginning and since an hour ago.
            for start in [["--offset", "beginning"], ["--since", "1h ago"]] {
                let k = try MDTBinary.run(["book", "SPY", "--source", "kafka", "--json", "--depth", "50"] + start, env: env, home: s.path)
                #expect(k.status == 0, "\(start) stderr: \(k.stderr)")
                #expect(levelsPart(k.stdout) == levelsPart(live), "kafka \(start):\n\(k.stdout)\nlive:\n\(live)")
            }
            let future = try MDTBinary.run(["book", "SPY", "--source", "kafka", "--json", "--since", "2099-01-01T00:00:00Z"], env: env, home: s.path)
            #expect(future.status == 65, "stderr: \(future.stderr)")
            #expect(future.stdout.isEmpty)
            let fromEnd = try MDTBinary.run(["book", "SPY", "--source", "kafka", "--json", "--offset", "end"], env: env, home: s.path)
            #expect(fromEnd.status == 65, "stderr: \(fromEnd.stderr)")
            let unknownK = try MDTBinary.run(["book", "NOSUCH", "--source", "kafka", "--json"], env: env, home: s.path)
            #expect(unknownK.status == 65, "stderr: \(unknownK.stderr)")
            #expect(unknownK.stderr.contains("NOSUCH"))
        }

        let unknown = try MDTBinary.run(["book", "NOSUCH", "--source", "clickhouse", "--json"], env: env, home: s.path)
        #expect(unknown.status == 65, "stderr: \(unknown.stderr)")
        #expect(unknown.stderr.contains("NOSUCH"))
        let early = try MDTBinary.run(["book", "SPY", "--source", "clickhouse", "--json", "--at", "2020-01-02T00:00:00Z"], env: env, home: s.path)
        #expect(early.status == 65, "stderr: \(early.stderr)")
        #expect(early.stderr.contains("before the first"))
        // TIME forms: Eastern wall-clock (EST in January, EDT in July), an explicit offset, relative.
        for (at, utc) in [("2020-01-02 00:00:00", "2020-01-02T05:00:00"), ("2020-07-01 10:30", "2020-07-01T14:30:00"),
                          ("2020-07-01T10:00:00.5-04:00", "2020-07-01T14:00:00.5"), ("3000d ago", "20")] {
            let r = try MDTBinary.run(["book", "SPY", "--source", "clickhouse", "--json", "--at", at], env: env, home: s.path)
            #expect(r.status == 65, "\(at): stderr \(r.stderr)")
            #expect(r.stderr.hasPrefix("mdt: \(utc)"), "\(at): stderr \(r.stderr)")
        }
    }
}
