import Foundation
import Logging
import Pipeline

/// Runs the named benches with the resolved settings and prints the report.
enum BenchRun {
    static let all = ["parse", "book", "encode", "kafka", "clickhouse", "redis", "download", "pipeline"]

    static func run(_ names: [String], global: GlobalOptions, options o: BenchOptions, flags: [any SettingsFlags] = []) throws {
        let ctx = try CommandContext(global: global, flags: flags, label: "mdt.bench")
        let s = ctx.settings
        let env = ProcessInfo.processInfo.environment
        let budget = BenchBudget(seconds: o.seconds, iterations: o.iterations)
        // Pure benches with --seconds 0 and no --iterations still do a little work.
        let pureBudget = (o.iterations == nil && o.seconds == 0) ? BenchBudget(seconds: 0, iterations: 100_000) : budget
        let warmup = !o.noWarmup && o.iterations == nil
        let runs = o.iterations == nil ? o.runs : 1
        let tcpPort = o.clickhouseTcpPort ?? env["MDT_CLICKHOUSE_TCP_PORT"].flatMap(Int.init) ?? 9000
        let targets = ServiceBenchTargets(
            kafkaBrokers: s.kafka.bootstrapServers, kafkaProperties: s.kafka.properties,
            clickhouseURL: s.clickhouse.url, clickhouseUser: s.clickhouse.user,
            clickhousePassword: s.clickhouse.password?.value ?? "", clickhouseTCPPort: tcpPort,
            redisURL: s.redis.url, redisPassword: s.redis.password?.value, scratchDatabase: o.scratchDatabase)
        let serviceSeconds = max(o.seconds, 0.2)
        var logger = ctx.logger
        if ctx.logLevel > .debug { logger.logLevel = .error }

        let started = Date()
        var results: [BenchResult] = []
        for name in names {
            if !o.json { ctx.progress.update("bench \(name)...") }
            let r: BenchResult
            switch name {
            case "parse": r = BenchRunner.measure(runs: runs, warmup: warmup) { PureBench.parse(budget: pureBudget, symbols: o.symbols, only: o.only) }
            case "book": r = BenchRunner.measure(runs: runs, warmup: warmup) { PureBench.book(budget: pureBudget, symbols: o.symbols) }
            case "encode": r = BenchRunner.measure(runs: runs, warmup: warmup) { PureBench.encode(budget: pureBudget, symbols: o.symbols, only: o.only) }
            case "kafka": r = BenchRunner.measure(runs: runs, warmup: warmup) { ServiceBench.kafka(targets, seconds: serviceSeconds, symbols: o.symbols) }
            case "clickhouse": r = BenchRunner.measure(runs: runs, warmup: warmup) { ServiceBench.clickhouse(targets, seconds: serviceSeconds, symbols: o.symbols) }
            case "redis": r = BenchRunner.measure(runs: runs, warmup: warmup) { ServiceBench.redis(targets, seconds: serviceSeconds, symbols: o.symbols) }
            case "download":
                r = BenchRunner.measure(runs: runs, warmup: warmup) { DownloadBench.run(targets, seconds: serviceSeconds, symbols: o.symbols, logger: logger) }
            case "pipeline": r = try pipeline(ctx, o, runs: runs, seconds: serviceSeconds, logger: logger)
            default: throw CommandFailure(.usage, "unknown bench '\(name)'")
            }
            results.append(r)
        }
        ctx.progress.finish()
        let report = BenchReportDocument(
            date: ISO8601DateFormatter().string(from: started), command: CommandLine.arguments.joined(separator: " "),
            machine: BenchMachine.current(), seconds: o.seconds, runs: runs, warmup: warmup, iterations: o.iterations,
            results: results)
        try ctx.stdout.write(o.json ? BenchRendering.json(report) : BenchRendering.text(report))
        if results.contains(where: { $0.status == .failed }) {
            try? ctx.stdout.flush()
            throw CommandFailure(.failure, "bench failed: " + results.filter { $0.status == .failed }.map { "\($0.name): \($0.reason ?? "")" }.joined(separator: "; "))
        }
    }

    static func pipeline(_ ctx: CommandContext, _ o: BenchOptions, runs: Int, seconds: Double, logger: Logger) throws -> BenchResult {
        let s = ctx.settings
        let sinkNames = o.sinks.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? s.collect.sinks
        var sinks: [SinkKind] = []
        for n in sinkNames where !n.isEmpty {
            guard let k = SinkKind(rawValue: n) else { throw CommandFailure(.usage, "--sinks: unknown sink '\(n)' (valid: kafka, clickhouse, redis)") }
            if !sinks.contains(k) { sinks.append(k) }
        }
        guard !sinks.isEmpty else { throw CommandFailure(.usage, "--sinks: no sink given (valid: kafka, clickhouse, redis)") }
        let base = CollectConfig(
            name: "bench", symbols: [], sinks: sinks, depth: .prices, iqfeedHost: "127.0.0.1", l1Port: 0, l2Port: 0,
            kafkaBrokers: s.kafka.bootstrapServers, kafkaProperties: s.kafka.properties, topicPrefix: "mdt.bench.",
            clickhouseURL: s.clickhouse.url, clickhouseUser: s.clickhouse.user,
            clickhousePassword: s.clickhouse.password?.value ?? "", clickhouseDatabase: o.scratchDatabase,
            clickhouseFlushSeconds: Double(s.collect.flushMs) / 1000, clickhouseBatchRows: s.collect.batchSize,
            redisURL: s.redis.url, redisPassword: s.redis.password?.value, spoolDirectory: "", heartbeatTimeout: 10)
        // Check reachability up front so an absent service is a skip with a reason, not a long stall.
        for k in sinks {
            if let why = ServiceProbe.unreachable(k, s) { return .skipped("pipeline", why) }
        }
        let opts = PipelineBenchOptions(seconds: seconds, symbols: o.symbols, rate: o.rate, base: base)
        return BenchRunner.measure(runs: runs, warmup: false) { PipelineBench.run(opts, logger: logger) }
    }
}

/// A quick TCP connect to each configured endpoint.
enum ServiceProbe {
    static func unreachable(_ k: SinkKind, _ s: Settings) -> String? {
        switch k {
        case .kafka:
            let ok = s.kafka.brokers.contains { b in
                let parts = b.split(separator: ":")
                return parts.count == 2 && connect(String(parts[0]), Int(parts[1]) ?? 0)
            }
            return ok ? nil : "kafka \(s.kafka.bootstrapServers): no broker reachable"
        case .clickhouse:
            guard let u = URL(string: s.clickhouse.url), let h = u.host else { return "clickhouse \(s.clickhouse.url): bad URL" }
            return connect(h, u.port ?? 8123) ? nil : "clickhouse \(s.clickhouse.url): not reachable"
        case .redis:
            guard let u = URL(string: s.redis.url), let h = u.host else { return "redis \(s.redis.url): bad URL" }
            return connect(h, u.port ?? 6379) ? nil : "redis \(s.redis.url): not reachable"
        }
    }

    static func connect(_ host: String, _ port: Int) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let ai = res else { return false }
        defer { freeaddrinfo(res) }
        let fd = socket(ai.pointee.ai_family, ai.pointee.ai_socktype, ai.pointee.ai_protocol)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        return Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0
    }
}
