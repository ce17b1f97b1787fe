import ClickHouse
import Foundation
import Kafka
import Logging
import MarketData
import Redis

/// Where the service benchmarks send their load, and the yardstick tools beside them.
public struct ServiceBenchTargets: Sendable {
    public var kafkaBrokers: String?
    public var kafkaProperties: [String: String]
    public var clickhouseURL: String?
    public var clickhouseUser: String
    public var clickhousePassword: String
    public var clickhouseTCPPort: Int?
    public var redisURL: String?
    public var redisPassword: String?
    /// Scratch database (created if missing; tables are the market schema).
    public var scratchDatabase: String
    public var kcatPath: String
    public var clickhouseClientPath: String
    public var redisBenchmarkPath: String

    public init(kafkaBrokers: String?, kafkaProperties: [String: String] = [:], clickhouseURL: String?,
                clickhouseUser: String, clickhousePassword: String, clickhouseTCPPort: Int?, redisURL: String?,
                redisPassword: String?, scratchDatabase: String = "mdt_bench", kcatPath: String = "/usr/bin/kcat",
                clickhouseClientPath: String = "/usr/bin/clickhouse-client", redisBenchmarkPath: String = "/usr/bin/redis-benchmark") {
        self.kafkaBrokers = kafkaBrokers; self.kafkaProperties = kafkaProperties; self.clickhouseURL = clickhouseURL
        self.clickhouseUser = clickhouseUser; self.clickhousePassword = clickhousePassword
        self.clickhouseTCPPort = clickhouseTCPPort; self.redisURL = redisURL; self.redisPassword = redisPassword
        self.scratchDatabase = scratchDatabase; self.kcatPath = kcatPath
        self.clickhouseClientPath = clickhouseClientPath; self.redisBenchmarkPath = redisBenchmarkPath
    }
}

/// Throughput of mdt's Kafka, ClickHouse and Redis paths against the standard tools fed the same work.
///
/// The message count is fixed from `seconds` (so both sides do identical work): Kafka 200k msgs/s of budget,
/// ClickHouse 400k rows/s, Redis 100k commands/s, each at least 10k. Both sides are timed with the same
/// monotonic clock around the whole job, including connection set-up (and, for the tools, process start).
public enum ServiceBench {
    static func count(_ seconds: Double, perSecond: Double, cap: Int) -> Int {
        max(10_000, min(cap, Int(seconds * perSecond)))
    }

    // MARK: Kafka

    public static func kafka(_ t: ServiceBenchTargets, seconds: Double, symbols: Int, messages: Int? = nil) -> BenchResult {
        guard let brokers = t.kafkaBrokers, !brokers.isEmpty else { return .skipped("kafka", "kafka.brokers is not set") }
        let n = messages ?? count(seconds, perSecond: 200_000, cap: 2_000_000)
        let events = PureBench.encodeEvents(symbols: symbols, count: min(n, 65_536))
        // Pre-encode: key = symbol, value = the JSON the Kafka sink writes (~100-200 B).
        var keys: [[UInt8]] = [], values: [[UInt8]] = []
        for e in events {
            keys.append(Array(e.symbol.text.utf8))
            var v: [UInt8] = []
            JSONEventEncoder.append(e, to: &v)
            values.append(v)
        }
        let topic = "mdt.bench.\(getpid()).\(BenchClock.nanos() % 1_000_000)"
        var logger = Logger(label: "mdt.bench.kafka")
        logger.logLevel = .error
        let start = BenchClock.nanos()
        let producer: KafkaProducer
        do {
            var props = t.kafkaProperties
            props["client.id"] = props["client.id"] ?? "mdt-bench"
            producer = try KafkaProducer(brokers: brokers, properties: props, logger: logger)
            _ = try producer.metadata(topic: topic, timeout: 5)
        } catch {
            return .skipped("kafka", "kafka \(brokers): \(error)")
        }
        var bytes = 0
        do {
            // The collector's hot path: a cached topic handle, no per-message allocation (kcat sends no headers either).
            let handle = try producer.topic(topic)
            for i in 0..<n {
                let k = i % keys.count
                bytes += values[k].count
                while true {
                    do {
                        try values[k].withUnsafeBytes { v in try keys[k].withUnsafeBytes { kb in
                            try producer.produce(handle, key: kb, value: v, headerCount: 0) { _ in }
                        } }
                        break
                    } catch {
                        // Local queue full: serve delivery reports and retry.
                        if producer.poll(timeout: 0.01) == 0 && producer.outstanding == 0 { throw error }
                    }
                }
                if i & 1023 == 0 { producer.poll(timeout: 0) }
            }
            try producer.flush(timeout: 120)
        } catch {
            return BenchResult(name: "kafka", status: .failed, reason: "kafka \(brokers): \(error)")
        }
        let mdtNanos = BenchClock.nanos() &- start
        let stats = producer.stats
        try? producer.close(timeout: 5)
        let mdtRate = Double(n) / (Double(mdtNanos) / 1e9)
        var figures = [BenchFigure("mdt_msgs_per_s", mdtRate, "msg/s"),
                       BenchFigure("mdt_mb_per_s", Double(bytes) / (Double(mdtNanos) / 1e9) / 1e6, "MB/s"),
                       BenchFigure("msg_bytes", Double(bytes) / Double(n), "B")]
        var notes = ["\(n) messages to topic \(topic) with KafkaProducer (defaults: idempotent, lz4, linger.ms=5, batch 10000)"]
        let counts = ["messages": n, "delivery_failed": Int(stats.failed)]
        // Yardstick: kcat fed the same key/value lines, with the same producer settings.
        if FileManager.default.isExecutableFile(atPath: t.kcatPath) {
            let file = NSTemporaryDirectory() + "mdt-bench-kafka-\(getpid()).txt"
            defer { try? FileManager.default.removeItem(atPath: file) }
            var text: [UInt8] = []
            text.reserveCapacity(bytes + n * 12)
            for i in 0..<n {
                let k = i % keys.count
                text.append(contentsOf: keys[k]); text.append(9); text.append(contentsOf: values[k]); text.append(10)
            }
            FileManager.default.createFile(atPath: file, contents: Data(text))
            var args = ["-P", "-b", brokers, "-t", topic + ".kcat", "-K", "\t", "-l", file, "-q"]
            for (k, v) in KafkaConfig.producerDefaults.sorted(by: { $0.key < $1.key }) { args += ["-X", "\(k)=\(v)"] }
            let r = ToolRun.run(t.kcatPath, args)
            if r.status == 0 {
                let kcatRate = Double(n) / r.seconds
                figures += [BenchFigure("kcat_msgs_per_s", kcatRate, "msg/s"), BenchFigure("ratio_mdt_vs_kcat", mdtRate / kcatRate, "x")]
                notes.append("yardstick: kcat -P -K '\\t' -l FILE with the same -X producer settings, same messages")
            } else {
                notes.append("kcat failed (exit \(r.status)): \(r.stderr.prefix(200))")
            }
        } else {
            notes.append("kcat not found at \(t.kcatPath): no yardstick")
        }
        return BenchResult(name: "kafka", figures: figures, counts: counts, notes: notes)
    }

    // MARK: ClickHouse

    public static func clickhouse(_ t: ServiceBenchTargets, seconds: Double, symbols: Int, rows: Int? = nil) -> BenchResult {
        guard let url = t.clickhouseURL, !url.isEmpty else { return .skipped("clickhouse", "clickhouse.url is not set") }
        let n = rows ?? count(seconds, perSecond: 400_000, cap: 2_000_000)
        let client: ClickHouseClient
        do {
            client = try ClickHouseClient(url: url, user: t.clickhouseUser, password: t.clickhousePassword)
            try client.ping()
            try ClickHouseSink.ensureSchema(client: client, database: t.scratchDatabase)
            try client.execute("TRUNCATE TABLE \(t.scratchDatabase).market_ticks")
        } catch {
            return .skipped("clickhouse", "clickhouse \(url): \(error)")
        }
        let chunkRows = 500_000
        // Rows vary in size (symbol length): cut the body at row boundaries, one insert per chunk.
        var chunks: [[UInt8]] = []
        var done = 0
        while done < n {
            let k = min(chunkRows, n - done)
            chunks.append(tradeRows(symbols: symbols, count: k, first: done))
            done += k
        }
        let body = chunks.flatMap { $0 }
        let table = "\(t.scratchDatabase).market_ticks"
        let columns = MarketSchema.columnNames(.ticks)
        let rowBytes = body.count / n
        let start = BenchClock.nanos()
        do {
            for chunk in chunks { try client.insert(table: table, columns: columns, body: chunk) }
        } catch {
            return BenchResult(name: "clickhouse", status: .failed, reason: "clickhouse \(url): insert: \(error)")
        }
        let mdtNanos = BenchClock.nanos() &- start
        let mdtRate = Double(n) / (Double(mdtNanos) / 1e9)
        var figures = [BenchFigure("mdt_rows_per_s", mdtRate, "rows/s"),
                       BenchFigure("mdt_mb_per_s", Double(body.count) / (Double(mdtNanos) / 1e9) / 1e6, "MB/s"),
                       BenchFigure("row_bytes", Double(rowBytes), "B")]
        var notes = ["\(n) market_ticks rows (RowBinary, \(rowBytes) B each, \(chunkRows)-row inserts over HTTP) into \(table)"]
        if let port = t.clickhouseTCPPort, FileManager.default.isExecutableFile(atPath: t.clickhouseClientPath) {
            let file = NSTemporaryDirectory() + "mdt-bench-ch-\(getpid()).bin"
            defer { try? FileManager.default.removeItem(atPath: file) }
            FileManager.default.createFile(atPath: file, contents: Data(body))
            let host = URL(string: url)?.host ?? "127.0.0.1"
            var args = ["--host", host, "--port", String(port), "--user", t.clickhouseUser]
            if !t.clickhousePassword.isEmpty { args += ["--password", t.clickhousePassword] }
            args += ["--query", "INSERT INTO \(table) (\(columns.joined(separator: ", "))) FORMAT RowBinary"]
            let r = ToolRun.run(t.clickhouseClientPath, args, stdinPath: file)
            if r.status == 0 {
                let rate = Double(n) / r.seconds
                figures += [BenchFigure("clickhouse_client_rows_per_s", rate, "rows/s"),
                            BenchFigure("ratio_mdt_vs_clickhouse_client", mdtRate / rate, "x")]
                notes.append("yardstick: clickhouse-client --port \(port) --query 'INSERT ... FORMAT RowBinary' < the same bytes")
            } else {
                notes.append("clickhouse-client failed (exit \(r.status)): \(r.stderr.prefix(200))")
            }
        } else {
            notes.append("no ClickHouse TCP port (--clickhouse-tcp-port / MDT_CLICKHOUSE_TCP_PORT) or clickhouse-client: no yardstick")
        }
        _ = try? client.execute("TRUNCATE TABLE \(table)")
        return BenchResult(name: "clickhouse", figures: figures, counts: ["rows": n], notes: notes)
    }

    static func tradeRows(symbols: Int, count: Int, first: Int = 0) -> [UInt8] {
        var rng = BenchRandom(seed: 5 &+ UInt64(first))
        let syms = (0..<max(1, symbols)).map { Symbol(unchecked: "S\($0)") }
        var t: Nanos = Time.utcNanos(year: 2026, month: 11, day: 23, hour: 14, minute: 30)
        var out: [UInt8] = []
        out.reserveCapacity(count * 80)
        for i in first..<(first + count) {
            t += 1000
            let p = Price(raw: Int64(10 + rng.below(490)) * 1_000_000_000 + Int64(rng.below(100)) * 10_000_000)
            let trade = Trade(symbol: syms[i % syms.count], eventTime: t, receiveTime: t + 3000, price: p,
                              size: UInt32(1 + rng.below(1000)), totalVolume: UInt64(i), bid: p, ask: p,
                              tickID: UInt64(i), seq: UInt64(i))
            RowBinaryEncoder.append(trade, to: &out)
        }
        return out
    }

    // MARK: Redis

    public static func redis(_ t: ServiceBenchTargets, seconds: Double, symbols: Int, commands: Int? = nil) -> BenchResult {
        guard let url = t.redisURL, !url.isEmpty else { return .skipped("redis", "redis.url is not set") }
        let n = commands ?? count(seconds, perSecond: 100_000, cap: 2_000_000)
        let start = BenchClock.nanos()
        let client: RedisClient
        do {
            client = try RedisClient(url: url, password: t.redisPassword)
            try client.ping()
        } catch {
            return .skipped("redis", "redis \(url): \(error)")
        }
        // The command redis-benchmark's hset test sends: HSET myhash element:__rand_int__ xxx, 16 per round trip.
        var pipeline = RedisPipeline(expectedCommands: 16, expectedBytes: 1024)
        do {
            var done = 0
            while done < n {
                pipeline.reset()
                let k = min(16, n - done)
                for _ in 0..<k {
                    pipeline.begin(); pipeline.arg("HSET"); pipeline.arg("mdt:bench:hash")
                    pipeline.arg("element:__rand_int__"); pipeline.arg("xxx")
                }
                let r = try client.execute(pipeline)
                if r.errorCount > 0 { throw RedisSinkError.commandsFailed(r.errorCount, r.firstError ?? "") }
                done += k
            }
        } catch {
            return BenchResult(name: "redis", status: .failed, reason: "redis \(url): \(error)")
        }
        let mdtNanos = BenchClock.nanos() &- start
        let mdtRate = Double(n) / (Double(mdtNanos) / 1e9)
        var figures = [BenchFigure("mdt_hset_per_s", mdtRate, "cmd/s")]
        var notes = ["\(n) HSET mdt:bench:hash element:__rand_int__ xxx, 16 per pipeline on one connection (RedisClient)"]

        // The real sink: quotes/trades/book updates through RedisSink (HSET l1, XADD tape, SET book, PUBLISH md).
        let events = PureBench.encodeEvents(symbols: min(symbols, 2000), count: min(n, 100_000))
        let sink = RedisSink(client: client, tapeLength: 100)
        let s0 = BenchClock.nanos()
        do {
            var i = 0
            while i < events.count {
                let end = min(events.count, i + 5000)
                try sink.deliver([Array(events[i..<end])])
                i = end
            }
        } catch {
            return BenchResult(name: "redis", status: .failed, reason: "redis \(url): sink: \(error)")
        }
        let sinkNanos = BenchClock.nanos() &- s0
        figures.append(BenchFigure("sink_events_per_s", Double(events.count) / (Double(sinkNanos) / 1e9), "events/s"))
        notes.append("sink: \(events.count) events through RedisSink in deliveries of 5000 (HSET l1 + XADD tape + PUBLISH md per L1 event)")
        _ = try? client.del(["mdt:bench:hash"])

        if FileManager.default.isExecutableFile(atPath: t.redisBenchmarkPath), let cfg = try? RedisConfiguration(url: url) {
            var args = ["-h", cfg.host, "-p", String(cfg.port), "-P", "16", "-c", "1", "-t", "hset", "-n", String(n), "--csv"]
            if let pw = cfg.password ?? t.redisPassword { args += ["-a", pw, "--no-auth-warning"] }
            let r = ToolRun.run(t.redisBenchmarkPath, args)
            if r.status == 0, let rps = parseRedisBenchmarkCSV(r.stdout, test: "HSET") {
                figures += [BenchFigure("redis_benchmark_hset_per_s", rps, "cmd/s"),
                            BenchFigure("ratio_mdt_vs_redis_benchmark", mdtRate / rps, "x")]
                notes.append("yardstick: redis-benchmark -P 16 -c 1 -t hset -n \(n) --csv (its own rps figure)")
            } else {
                notes.append("redis-benchmark failed (exit \(r.status)): \(r.stderr.prefix(200))")
            }
        } else {
            notes.append("redis-benchmark not found: no yardstick")
        }
        return BenchResult(name: "redis", figures: figures, counts: ["commands": n, "sink_events": events.count], notes: notes)
    }

    /// The requests/s of `test` from `redis-benchmark --csv` (`"HSET","123456.79",...`).
    public static func parseRedisBenchmarkCSV(_ text: String, test: String) -> Double? {
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let cells = line.split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            if cells.count >= 2, cells[0].uppercased() == test.uppercased(), let v = Double(cells[1]) { return v }
        }
        return nil
    }
}

/// Runs an outside tool and times it with the monotonic clock (start to exit).
enum ToolRun {
    struct Result { var status: Int32; var seconds: Double; var stdout: String; var stderr: String }

    static func run(_ path: String, _ args: [String], stdinPath: String? = nil) -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        if let stdinPath { p.standardInput = FileHandle(forReadingAtPath: stdinPath) } else { p.standardInput = FileHandle.nullDevice }
        let start = BenchClock.nanos()
        do { try p.run() } catch { return Result(status: -1, seconds: 0, stdout: "", stderr: "\(error)") }
        // Drain both pipes while it runs (a full pipe would block the tool).
        let group = DispatchGroup()
        nonisolated(unsafe) var errData = Data()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let seconds = Double(BenchClock.nanos() &- start) / 1e9
        group.wait()
        return Result(status: p.terminationStatus, seconds: seconds, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
