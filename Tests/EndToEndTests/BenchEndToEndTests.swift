import Foundation
import MDTTestSupport
import Testing

/// `mdt bench` as a CI smoke test: every bench runs against the services from scripts/services.sh and
/// reports positive figures in the documented JSON shape. No speed thresholds here (see PERFORMANCE.md).
@Suite("mdt bench end to end", .serialized)
struct BenchEndToEndTests {
    static var servicesAvailable: Bool {
        TestServices.available(.clickhouse) && TestServices.available(.redis) && TestServices.available(.kafka)
    }

    @Test("bench all --seconds 2 --runs 1 --json: every bench ok, every figure > 0, 0 lost", .enabled(if: servicesAvailable))
    func allSmoke() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var env = [
            "MDT_CLICKHOUSE_URL": try TestServices.require(.clickhouse),
            "MDT_CLICKHOUSE_USER": TestServices.clickhouseUser,
            "MDT_CLICKHOUSE_PASSWORD": TestServices.clickhousePassword,
            "MDT_KAFKA_BROKERS": try TestServices.require(.kafka),
            "MDT_REDIS_URL": try TestServices.require(.redis),
        ]
        if let port = TestServices.value("MDT_CLICKHOUSE_TCP_PORT") { env["MDT_CLICKHOUSE_TCP_PORT"] = port }
        let r = try MDTBinary.run(["bench", "all", "--seconds", "2", "--runs", "1", "--no-warmup", "--json", "--symbols", "500",
                                   "--scratch-database", "mdt_bench_e2e"], env: env, home: scratch.path)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)")
        let machine = try #require(doc["machine"] as? [String: Any])
        #expect((machine["cores"] as? Int ?? 0) > 0)
        #expect(!(machine["cpuModel"] as? String ?? "").isEmpty)
        let results = try #require(doc["results"] as? [[String: Any]])
        let names = results.compactMap { $0["name"] as? String }
        #expect(names == ["parse", "book", "encode", "kafka", "clickhouse", "redis", "download", "pipeline"])
        for b in results {
            let name = b["name"] as? String ?? "?"
            #expect(b["status"] as? String == "ok", "\(name): \(b["reason"] ?? "")")
            let figures = b["figures"] as? [[String: Any]] ?? []
            #expect(!figures.isEmpty, "\(name) has no figures")
            for f in figures {
                let v = f["value"] as? Double ?? 0
                #expect(v > 0, "\(name).\(f["name"] ?? "?") = \(v)")
            }
        }
        func figureNames(_ bench: String) -> Set<String> {
            let b = results.first { $0["name"] as? String == bench }
            return Set((b?["figures"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        }
        #expect(figureNames("parse").isSuperset(of: ["l1_lines_per_s", "l1_ns_per_op", "l1_p50_ns", "l1_p99_ns", "l1_p999_ns", "l1_max_ns", "l2_lines_per_s"]))
        #expect(figureNames("book").isSuperset(of: ["book_updates_per_s", "book_p50_ns", "book_p999_ns"]))
        #expect(figureNames("encode").isSuperset(of: ["json_events_per_s", "rowbinary_events_per_s"]))
        #expect(figureNames("kafka").contains("ratio_mdt_vs_kcat"))
        #expect(figureNames("clickhouse").contains("ratio_mdt_vs_clickhouse_client"))
        #expect(figureNames("redis").contains("ratio_mdt_vs_redis_benchmark"))
        #expect(figureNames("download").isSuperset(of: ["ticks_per_s", "mdt_cpu_us_per_tick", "mdt_ticks_per_cpu_s"]))
        #expect(figureNames("pipeline").isSuperset(of: ["delivered_msgs_per_s", "feed_to_redis_p99_us", "feed_to_collector_p99_us", "collector_to_redis_p99_us", "rss_mb", "cpu_cores_used", "cpu_us_per_msg"]))
        let pipeline = try #require(results.first { $0["name"] as? String == "pipeline" })
        let counts = try #require(pipeline["counts"] as? [String: Any])
        #expect(counts["lost"] as? Int == 0)
        #expect((counts["received"] as? Int ?? 0) > 0)
    }

    @Test("a service that is not reachable is reported as skipped with the reason")
    func unreachableIsSkipped() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["bench", "redis", "--seconds", "0.2", "--runs", "1", "--no-warmup", "--json"],
                                  env: ["MDT_REDIS_URL": "redis://127.0.0.1:1"], home: scratch.path)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let results = try #require(doc["results"] as? [[String: Any]])
        #expect(results.first?["status"] as? String == "skipped")
        #expect((results.first?["reason"] as? String ?? "").contains("127.0.0.1:1"))
    }

    @Test("pure benches with --iterations run exactly N operations")
    func iterationsMode() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["bench", "parse", "--seconds", "0", "--iterations", "1000", "--json"], env: [:], home: scratch.path)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let parse = try #require((doc["results"] as? [[String: Any]])?.first)
        let counts = try #require(parse["counts"] as? [String: Any])
        #expect(counts["l1_lines"] as? Int == 1000)
        #expect(counts["l1_failed"] as? Int == 0)
        #expect(counts["l2_lines"] as? Int == 1000)
    }

    @Test("bad flags exit 64 with one line")
    func badFlags() throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let r = try MDTBinary.run(["bench", "parse", "--runs", "0"], home: scratch.path)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--runs"))
    }
}
