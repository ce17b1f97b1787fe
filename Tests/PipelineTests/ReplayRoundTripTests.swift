import ClickHouse
import Foundation
import IQFeedServer
import MDTTestSupport
import MarketData
import Pipeline
import Testing

/// ClickHouse -> `mdt replay --from clickhouse --to kafka` (the built binary) -> kcat: the same events,
/// in the same per-symbol order. Needs `swift build` first and `scripts/services.sh up`.
@Suite struct ReplayRoundTripTests {
    static let binary = TestServices.repoRoot.appendingPathComponent(".build/debug/mdt").path

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ exe: String, _ args: [String], env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        let home = NSTemporaryDirectory() + "mdt-replay-rt-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        var e = ["PATH": "/usr/bin:/bin", "HOME": home, "MDT_HOME": home + "/.mdt"]
        e.merge(env) { _, b in b }
        p.environment = e
        let outURL = URL(fileURLWithPath: home + "/out"), errURL = URL(fileURLWithPath: home + "/err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                   stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    @Test(.enabled(if: TestServices.available(.clickhouse) && TestServices.available(.kafka)))
    func clickhouseToKafka() throws {
        let url = try TestServices.require(.clickhouse)
        let brokers = try TestServices.require(.kafka)
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let db = "replay_rt_\(suffix)"
        let prefix = "replay\(suffix)."
        let client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
        try ClickHouseSink.ensureSchema(client: client, database: db)
        defer { _ = try? client.execute("DROP DATABASE IF EXISTS \(db)") }
        let start: Nanos = 1_750_000_000_000_000_000
        var events: [MarketEvent] = []
        _ = try ReplayRunner(source: ReplaySyntheticSource(seed: 11, universe: SymbolUniverse(seed: 11, count: 5), count: 2_000, start: start),
                             target: .sink(CollectSink { events.append(contentsOf: $0) })).run()
        try ClickHouseSink(client: client, database: db).deliver([events])

        let env = ["MDT_CLICKHOUSE_URL": url, "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
                   "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword, "MDT_CLICKHOUSE_DATABASE": db,
                   "MDT_KAFKA_BROKERS": brokers]
        let r = try Self.run(Self.binary, ["replay", "--from", "clickhouse", "--to", "kafka", "--topic-prefix", prefix,
                                           "--start", "2025-06-15T00:00:00Z", "--end", "2025-06-16"], env: env)
        #expect(r.status == 0, "\(r.stderr)")

        // Consume every topic with kcat: key and the seq header, in partition order.
        var bySymbol: [String: [UInt64]] = [:]
        var total = 0
        for topic in ["iqfeed.trades.raw", "iqfeed.quotes.raw", "iqfeed.l2.raw"] {
            let k = try Self.run("/usr/bin/kcat", ["-C", "-b", brokers, "-t", prefix + topic, "-e", "-q", "-f", "%k\t%h\n"])
            #expect(k.status == 0, "\(k.stderr)")
            for line in k.stdout.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1)
                guard parts.count == 2, let seqPart = parts[1].split(separator: ",").first(where: { $0.hasPrefix("seq=") }),
                      let seq = UInt64(seqPart.dropFirst(4)) else { continue }
                bySymbol[String(parts[0]) + "/" + topic, default: []].append(seq)
                total += 1
            }
        }
        #expect(total == events.count)
        var expected: [String: [UInt64]] = [:]
        for e in events {
            let topic = switch e { case .trade: "iqfeed.trades.raw"; case .quote: "iqfeed.quotes.raw"; default: "iqfeed.l2.raw" }
            expected[e.symbol.text + "/" + topic, default: []].append(e.seq)
        }
        #expect(bySymbol == expected, "same events in the same per-symbol order")
    }

    @Test(.enabled(if: TestServices.available(.clickhouse)))
    func emptyRangeExits65() throws {
        let url = try TestServices.require(.clickhouse)
        let db = "replay_empty_\(UUID().uuidString.prefix(8).lowercased())"
        let client = try ClickHouseClient(url: url, user: TestServices.clickhouseUser, password: TestServices.clickhousePassword)
        try ClickHouseSink.ensureSchema(client: client, database: db)
        defer { _ = try? client.execute("DROP DATABASE IF EXISTS \(db)") }
        let env = ["MDT_CLICKHOUSE_URL": url, "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
                   "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword, "MDT_CLICKHOUSE_DATABASE": db]
        let r = try Self.run(Self.binary, ["replay", "--from", "clickhouse", "--to", "stdout", "--start", "2020-01-01", "--end", "2020-01-02"], env: env)
        #expect(r.status == 65, "\(r.stderr)")
        #expect(r.stderr.contains("no rows"))
        #expect(r.stdout.isEmpty)
    }
}
