import Foundation
import MDTTestSupport
import Testing

/// The README's session, run for real: `mdt replay --synthetic --serve` as the IQFeed, `mdt collect`
/// into the services of `scripts/services.sh up`, then the data checked with kcat, redis-cli and
/// ClickHouse, and `mdt health`; and the background collector through the wrapper scripts.
@Suite(.serialized) struct PackagingDemoTests {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static var servicesUp: Bool {
        TestServices.available(.clickhouse) && TestServices.available(.redis) && TestServices.available(.kafka)
    }

    /// A running `mdt replay --synthetic --serve` on free ports.
    final class Replay {
        let process = Process()
        var ports: [String: String] = [:]

        init(symbols: [String], scratch: Scratch) throws {
            let symbolFile = try scratch.write("symbols.txt", symbols.joined(separator: "\n") + "\n", mode: 0o644)
            let portFile = scratch.path + "/ports"
            process.executableURL = URL(fileURLWithPath: MDTBinary.path)
            process.arguments = ["replay", "--synthetic", "--serve", "--ports", "0,0,0,0", "--symbols", "@" + symbolFile,
                                 "--rate", "2000", "--port-file", portFile]
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": scratch.path, "MDT_HOME": scratch.path + "/replay-home"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline {
                if let text = try? String(contentsOfFile: portFile, encoding: .utf8) {
                    for line in text.split(separator: "\n") {
                        let kv = line.split(separator: "=", maxSplits: 1).map(String.init)
                        if kv.count == 2 { ports[kv[0]] = kv[1] }
                    }
                    if ports.count == 4 { return }
                }
                guard process.isRunning else { throw Failure(description: "mdt replay exited with \(process.terminationStatus)") }
                usleep(50_000)
            }
            stop()
            throw Failure(description: "mdt replay wrote no port file within 20 s")
        }

        var iqfeedFlags: [String] {
            ["--iqfeed-host", "127.0.0.1", "--l1-port", ports["l1"] ?? "", "--lookup-port", ports["lookup"] ?? "",
             "--l2-port", ports["l2"] ?? "", "--admin-port", ports["admin"] ?? ""]
        }

        func stop() {
            if process.isRunning {
                process.interrupt()
                process.waitUntilExit()
            }
        }
    }

    /// Environment for mdt with the services, an own ClickHouse database and Kafka topic prefix.
    static func serviceEnv(_ scratch: Scratch, tag: String) throws -> [String: String] {
        [
            "MDT_HOME": scratch.path + "/home",
            "MDT_CLICKHOUSE_URL": try TestServices.require(.clickhouse),
            "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
            "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword,
            "MDT_CLICKHOUSE_DATABASE": "mdt_pkg_" + tag,
            "MDT_KAFKA_BROKERS": try TestServices.require(.kafka),
            "MDT_KAFKA_TOPIC_PREFIX": "pkg\(tag).",
            "MDT_REDIS_URL": try TestServices.require(.redis),
        ]
    }

    static func tag() -> String { String(UInt32.random(in: 0...UInt32.max), radix: 16) }

    /// A ClickHouse answer (TSV) through curl; credentials on stdin, never in argv.
    static func clickhouse(_ sql: String, scratch: Scratch) throws -> String {
        let url = try TestServices.require(.clickhouse)
        let config = try scratch.write("curl.cfg", "user = \"\(TestServices.clickhouseUser):\(TestServices.clickhousePassword)\"\n")
        let r = try PackagingTests.tool("curl", ["-sS", "-f", "-K", config, "--data-binary", sql, url + "/"], home: scratch.path)
        guard r.status == 0 else { throw Failure(description: "clickhouse '\(sql)': \(r.stderr)") }
        return r.stdout
    }

    @Test(.enabled(if: servicesUp)) func readmeSession() throws {
        let s = try Scratch()
        defer { s.remove() }
        let symbols = ["PKGA", "PKGB", "PKGC", "@ESZ26"]
        let replay = try Replay(symbols: symbols, scratch: s)
        defer { replay.stop() }
        let tag = Self.tag()
        let env = try Self.serviceEnv(s, tag: tag)
        defer { _ = try? Self.clickhouse("DROP DATABASE IF EXISTS mdt_pkg_\(tag)", scratch: s) }

        let collect = try MDTBinary.run(
            ["collect", "run"] + replay.iqfeedFlags + ["--symbols", symbols.joined(separator: ","), "--duration", "4"],
            env: env, home: s.path)
        #expect(collect.status == 0, "mdt collect: \(collect.stderr)")
        let summary = collect.stdout + collect.stderr
        let collected = try #require(summary.firstMatch(of: /collected (\d+) events/).flatMap { Int($0.1) }, "no summary in \(summary)")
        #expect(collected > 0)
        for sink in ["kafka", "clickhouse", "redis"] {
            #expect(summary.contains("\(sink): delivered \(collected), spooled 0, redelivered 0, pending 0, dropped 0"), "\(sink): \(summary)")
        }

        // Kafka: kcat reads a JSON trade from the prefixed topic.
        let kcat = try PackagingTests.tool(
            "kcat", ["-b", try TestServices.require(.kafka), "-C", "-t", "pkg\(tag).iqfeed.trades.raw", "-c", "1", "-e", "-q"], home: s.path)
        #expect(kcat.status == 0 && kcat.stdout.hasPrefix("{\"type\":\"trade\""), "kcat: \(kcat.stdout)\(kcat.stderr)")
        // Redis: the latest quote of every symbol.
        for symbol in symbols {
            let r = try PackagingTests.tool("redis-cli", ["-u", try TestServices.require(.redis), "exists", "l1:\(symbol)"], home: s.path)
            #expect(r.stdout == "1\n", "l1:\(symbol) missing in Redis")
        }
        // ClickHouse: trades of every symbol.
        let rows = try Self.clickhouse("SELECT symbol, count() FROM mdt_pkg_\(tag).market_ticks GROUP BY symbol ORDER BY symbol", scratch: s)
        let traded = rows.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) ?? "" }
        #expect(traded == symbols.sorted(), "market_ticks: \(rows)")

        // Health of what the session used.
        let health = try MDTBinary.run(
            ["health", "--nagios", "-t", "5", "--component", "clickhouse,redis,iqfeed,freshness"] + replay.iqfeedFlags, env: env, home: s.path)
        #expect(health.status == 0, "mdt health: \(health.stdout)\(health.stderr)")
        #expect(health.stdout.hasPrefix("MDT OK - "))
    }
}
