import ArgumentParser
import Foundation
import Logging
import MarketData
import Pipeline

/// `mdt collect`: the real-time pipeline IQFeed -> Kafka + ClickHouse + Redis, in the foreground or
/// as a named background process (`start`, `stop`, `status`).
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect L1/L2 data from IQFeed into Kafka, ClickHouse and Redis (foreground or background).",
        discussion: """
            Every accepted event is first appended to an on-disk journal under $MDT_HOME/spool/NAME; each sink \
            delivers from there and keeps its own cursor. A sink that is down or slow falls behind and catches \
            up later, also after a restart or a kill: nothing accepted is dropped. When the spool reaches \
            --spool-limit-mb the feed is paused (backpressure) and a critical line is logged.
            Ctrl-C / SIGTERM stops the feed and flushes every sink (up to --stop-timeout); a second signal exits at once.
            Exit codes: 0 stopped with every sink drained, 75 stopped with a backlog left in the spool, \
            69 a service refused at start, 64 bad arguments, 78 bad configuration.
            """,
        subcommands: [Run.self, Start.self, Stop.self, Status.self],
        defaultSubcommand: Run.self
    )
}

/// Flags shared by `collect run` and `collect start`.
struct CollectOptions: ParsableArguments {
    @Option(name: .long, help: "Process name (manifest, spool, logs, metrics keys).")
    var name = "default"

    @Option(name: .long, help: "Symbols: A,B,C or @FILE (one per line). Default: the manifest's active symbols.")
    var symbols: String?

    @Option(name: .long, help: "Sinks to write: any of kafka,clickhouse,redis (default: collect.sinks).")
    var sinks: String?

    @Option(name: .long, help: "Level 2 watch: prices (WPL), orders (WOR) or none.")
    var depth: String = "prices"

    @Option(name: .long, help: "Kafka message value: json (the event) or raw (the IQFeed line it came from).")
    var encoding: String = "json"

    @Option(name: .long, help: "Watch only this stable-hash share of the symbols, i/n (e.g. 0/4).")
    var shard: String?

    @Option(name: .long, help: "Stop after this many seconds (default: run until signalled).")
    var duration: Double?

    @Option(name: .long, help: "Seconds to let the sinks drain on stop before leaving the rest in the spool.")
    var stopTimeout: Double = 30

    @Option(name: .long, help: "Seconds without a T/STATS heartbeat before the feed reconnects.")
    var heartbeatTimeout: Double = 5

    @Option(name: .long, help: "collector (IQFeed -> sinks) or loader (Kafka topics -> ClickHouse, as a consumer group).")
    var role: String = "collector"

    @Option(name: .long, help: "Consumer group of --role loader.")
    var group: String = "mdt-loader"
}

extension CollectCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Collect in the foreground (the default).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: CollectOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Redis") var redis: RedisOptions
        @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions

        func run() async throws {
            let ctx = try CommandContext(global: global, flags: [clickhouse, kafka, redis, iqfeed], label: "mdt.collect")
            switch options.role {
            case "collector": break
            case "loader": return try LoaderRun.run(ctx, options)
            default: throw CommandFailure(.usage, "--role '\(options.role)': expected collector or loader")
            }
            let config = try CollectSetup.config(ctx, options)
            let manifest = try ctx.openManifest()
            try manifest.registerProcess(name: options.name, command: CommandLine.arguments.joined(separator: " "),
                                         logPath: ProcessInfo.processInfo.environment["MDT_COLLECT_LOG"])
            defer { _ = try? manifest.unregisterProcess(name: options.name) }

            let service: CollectService
            do { service = try CollectService(config: config, logger: ctx.logger) } catch {
                throw CommandFailure(error.isServiceRefusal ? .unavailable : .failure, error.description)
            }
            let name = options.name
            service.onTick = { status in
                _ = try? manifest.heartbeat(name: name, state: "running")
                _ = status
            }
            ctx.logger.notice("collecting \(config.symbols.count) symbols into \(config.sinks.map(\.rawValue).joined(separator: ","))",
                              metadata: ["name": .string(name), "iqfeed": .string("\(config.iqfeedHost):\(config.l1Port)")])
            service.start()
            let stopReason = CollectSetup.waitForStop(duration: options.duration, service: service, progress: ctx.progress)
            ctx.progress.finish()
            ctx.logger.notice("stopping (\(stopReason)); flushing sinks")
            let drained = service.stop(timeout: options.stopTimeout)
            let s = service.status
            StandardError.line(CollectSetup.summary(s))
            if let fatal = service.feed.fatalError { throw CommandFailure(.failure, "spool: \(fatal)") }
            if !drained {
                throw CommandFailure(.tempFailure, "stopped with a backlog in the spool (\(config.spoolDirectory)); it is delivered on the next start")
            }
        }
    }
}

/// Turning flags and settings into a `CollectConfig`, waiting, and reporting.
enum CollectSetup {
    static func config(_ ctx: CommandContext, _ o: CollectOptions) throws -> CollectConfig {
        let s = ctx.settings
        guard !o.name.isEmpty, o.name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw CommandFailure(.usage, "--name '\(o.name)': use letters, digits, '-' and '_'")
        }
        let sinkNames = o.sinks.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? s.collect.sinks
        var sinks: [SinkKind] = []
        for n in sinkNames where !n.isEmpty {
            guard let k = SinkKind(rawValue: n) else {
                throw CommandFailure(.usage, "--sinks: unknown sink '\(n)' (valid: kafka, clickhouse, redis)")
            }
            if !sinks.contains(k) { sinks.append(k) }
        }
        guard !sinks.isEmpty else { throw CommandFailure(.usage, "--sinks: no sink given (valid: kafka, clickhouse, redis)") }
        guard let depth = DepthMode(rawValue: o.depth) else {
            throw CommandFailure(.usage, "--depth '\(o.depth)': expected prices, orders or none")
        }
        guard let encoding = KafkaEncoding(rawValue: o.encoding) else {
            throw CommandFailure(.usage, "--encoding '\(o.encoding)': expected json or raw")
        }
        var symbols: [Symbol]
        if let spec = o.symbols {
            symbols = try SymbolList.parse(spec)
        } else {
            let manifest = try ctx.openManifest()
            symbols = try manifest.activeSymbols().compactMap { try? Symbol($0) }
            if symbols.isEmpty {
                throw CommandFailure(.usage, "no symbols: pass --symbols A,B or @FILE, or add active symbols to the manifest")
            }
        }
        if let spec = o.shard {
            let shard = try Shard(parsing: spec)
            symbols = SymbolList.shard(symbols, index: shard.index, count: shard.count)
        }
        guard !symbols.isEmpty else { throw CommandFailure(.usage, "no symbols left to watch after --shard") }
        let spoolRoot = s.collect.spoolDir.isEmpty ? (s.home as NSString).appendingPathComponent("spool") : s.collect.spoolDir
        let spool = (spoolRoot as NSString).appendingPathComponent(o.name)
        let runDir = (s.home as NSString).appendingPathComponent("run")
        try HomeDirectory.ensure(s.home)
        try HomeDirectory.ensure(runDir)
        return CollectConfig(
            name: o.name, symbols: symbols, sinks: sinks, depth: depth, kafkaEncoding: encoding,
            iqfeedHost: s.iqfeed.host, l1Port: s.iqfeed.l1Port, l2Port: s.iqfeed.l2Port,
            kafkaBrokers: s.kafka.bootstrapServers, kafkaProperties: s.kafka.properties, topicPrefix: s.kafka.topicPrefix,
            clickhouseURL: s.clickhouse.url, clickhouseUser: s.clickhouse.user,
            clickhousePassword: s.clickhouse.password?.value ?? "", clickhouseDatabase: s.clickhouse.database,
            clickhouseFlushSeconds: Double(s.collect.flushMs) / 1000, clickhouseBatchRows: s.collect.batchSize,
            redisURL: s.redis.url, redisPassword: s.redis.password?.value,
            spoolDirectory: spool, spoolLimitBytes: s.collect.spoolLimitMB << 20,
            redisPublish: RedisPublishMode(rawValue: s.redis.publish) ?? .latest,
            statusPath: statusPath(home: s.home, name: o.name), heartbeatTimeout: o.heartbeatTimeout)
    }

    static func statusPath(home: String, name: String) -> String {
        ((home as NSString).appendingPathComponent("run") as NSString).appendingPathComponent("\(name).status.json")
    }

    /// Blocks until SIGINT/SIGTERM, the duration, or a fatal feed error; a second signal exits at once.
    static func waitForStop(duration: Double?, service: CollectService, progress: ProgressLine) -> String {
        let stop = StopSignal()
        let deadline = duration.map { Date().addingTimeInterval($0) }
        while true {
            if let why = stop.wait(seconds: 1) { return why }
            if let deadline, Date() >= deadline { return "duration reached" }
            if service.feed.fatalError != nil { return "spool failure" }
            if progress.enabled { progress.update(progressText(service.status)) }
        }
    }

    static func progressText(_ s: CollectStatus) -> String {
        var parts = ["\(s.collector.received) events", "\(Int(s.rate))/s"]
        for k in s.collector.sinks {
            parts.append("\(k.sink) \(k.failing ? "DOWN" : "ok") pending \(k.pending)")
        }
        parts.append("feed \(s.feed.l1State)")
        return parts.joined(separator: " | ")
    }

    static func summary(_ s: CollectStatus) -> String {
        var parts = ["collected \(s.collector.received) events"]
        for k in s.collector.sinks {
            parts.append("\(k.sink): delivered \(k.delivered), spooled \(k.spooled), redelivered \(k.redelivered), pending \(k.pending), dropped \(k.dropped)")
        }
        parts.append("unparseable lines \(s.feed.linesFailed), gaps \(s.feed.gaps.count)")
        return parts.joined(separator: "; ")
    }
}

/// SIGINT/SIGTERM as a wait-able flag: the first signal is reported to `wait`, the second exits at once.
final class StopSignal: @unchecked Sendable {
    let condition = NSCondition()
    var reason: String?
    var sources: [any DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { [weak self] in self?.fire(sig) }
            src.resume()
            sources.append(src)
        }
    }

    func fire(_ sig: Int32) {
        condition.lock()
        defer { condition.unlock() }
        if reason != nil {
            StandardError.line("mdt: second signal: exiting now; unflushed events stay in the spool")
            Foundation.exit(130)
        }
        reason = sig == SIGINT ? "SIGINT" : "SIGTERM"
        condition.broadcast()
    }

    func wait(seconds: Double) -> String? {
        condition.lock()
        defer { condition.unlock() }
        if reason == nil { condition.wait(until: Date().addingTimeInterval(seconds)) }
        return reason
    }
}
