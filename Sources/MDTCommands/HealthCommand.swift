import ArgumentParser
import Foundation
import MarketData
import Logging

/// `mdt health`: checks every component and reports in the form a monitoring system wants.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check ClickHouse, Kafka, Redis, IQFeed, the manifest and data freshness; exit 0/1/2/3.",
        discussion: """
            Components: clickhouse (ping, version, database, the five market_* tables), kafka (metadata, \
            brokers, standard topics), redis (PING, role, memory), iqfeed (admin port S,STATS says Connected), \
            manifest (recorded background processes alive with a fresh heartbeat), freshness (age of the newest \
            tick in market_ticks; judged only 04:00-20:00 ET on NYSE trading days, informational otherwise).
            Checks run concurrently; each is limited by --timeout, and one that does not answer is CRITICAL.
            Exit codes: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the worst check wins; CRITICAL > UNKNOWN > \
            WARNING). A SKIPPED check (iqfeed with iqfeed.host = "none") never changes the exit code.
            Thresholds -w/-c take LATENCY_MS[,TICK_AGE_S], e.g. `-w 500,60 -c 2000,300` (defaults 1000,60 and \
            5000,300). Usage errors exit 64. Turn the IQFeed check off with iqfeed.host = "none" (or --skip iqfeed).
            --json prints {"schema": 1, "status", "exit_code", "generated_at", "duration_seconds", "version", \
            "checks": [{"component", "status", "message", "target", "latency_seconds" (null if none), \
            "metrics": {name: number}}]}.
            --serve answers GET /api/status/ (that JSON; HTTP 200 for OK/WARNING, 503 otherwise) and GET /metrics \
            (Prometheus text), re-running the checks at most once per --cache seconds.
            Examples:
              mdt health                              # table
              mdt health --nagios -t 5 -w 200,30      # one Nagios line
              mdt health --json --component kafka,redis
              mdt health --prometheus /var/lib/node_exporter/textfile/mdt.prom
              mdt health --serve 127.0.0.1:8000       # GET /api/status/ and /metrics
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
    @OptionGroup(title: "Kafka") var kafka: KafkaOptions
    @OptionGroup(title: "Redis") var redis: RedisOptions
    @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions

    @Option(name: .long, help: ArgumentHelp(
        "Only these components (comma separated, repeatable): clickhouse, kafka, redis, iqfeed, manifest, freshness.",
        valueName: "list"))
    var component: [String] = []

    @Option(name: .long, help: ArgumentHelp("Leave these components out (comma separated, repeatable).", valueName: "list"))
    var skip: [String] = []

    @Flag(name: .long, help: "Print the JSON report (stable schema 1, described above).")
    var json = false

    @Flag(name: .long, help: "Print ONE Nagios plugin line: MDT STATUS - text | perfdata.")
    var nagios = false

    @Option(name: .long, help: ArgumentHelp(
        "Also write Prometheus text to this file atomically (node_exporter textfile collector); - prints it on stdout instead.",
        valueName: "file"))
    var prometheus: String?

    @Option(name: [.customShort("w"), .long], help: ArgumentHelp("Warning thresholds: latency ms[,tick age s] (default 1000,60).", valueName: "ms[,s]"))
    var warning: String?

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("Critical thresholds: latency ms[,tick age s] (default 5000,300).", valueName: "ms[,s]"))
    var critical: String?

    @Option(name: [.customShort("t"), .long], help: ArgumentHelp("Per-check timeout in seconds (default 10).", valueName: "seconds"))
    var timeout: Double = 10

    @Option(name: .customLong("heartbeat-max-age"), help: ArgumentHelp(
        "A background process whose manifest heartbeat is older than this is a WARNING (default 120).", valueName: "seconds"))
    var heartbeatMaxAge: Double = 120

    @Option(name: .long, help: ArgumentHelp("Serve GET /api/status/ (JSON) and /metrics (Prometheus) on HOST:PORT instead of printing.", valueName: "host:port"))
    var serve: String?

    @Option(name: .customLong("cache"), help: ArgumentHelp("With --serve: reuse a result for this many seconds (default 1).", valueName: "seconds"))
    var cacheSeconds: Double = 1

    func validate() throws {
        do {
            _ = try selectedComponents()
            _ = try HealthThresholds.parse(warning: warning, critical: critical)
        } catch {
            throw ValidationError(error.description)
        }
        if json && nagios { throw ValidationError("--json and --nagios are exclusive; pick one") }
        guard timeout.isFinite, timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout \(timeout): must be > 0 and <= 3600 seconds") }
        guard heartbeatMaxAge.isFinite, heartbeatMaxAge > 0 else { throw ValidationError("--heartbeat-max-age must be > 0 seconds") }
        guard cacheSeconds.isFinite, cacheSeconds >= 0 else { throw ValidationError("--cache must be >= 0 seconds") }
        if let serve {
            do { _ = try HealthHTTPServer.parseAddress(serve) } catch { throw ValidationError(error.description) }
        }
        if let p = prometheus, p.isEmpty { throw ValidationError("--prometheus needs a file path (or - for stdout)") }
    }

    func selectedComponents() throws(HealthUsageError) -> Set<HealthComponent> {
        let chosen = component.isEmpty ? Set(HealthComponent.allCases) : try HealthComponent.parseList(component)
        return chosen.subtracting(try HealthComponent.parseList(skip))
    }

    func run() async throws {
        let ctx: CommandContext
        let components: Set<HealthComponent>
        let thresholds: HealthThresholds
        do {
            ctx = try CommandContext(global: global, flags: [clickhouse, kafka, redis, iqfeed], label: "mdt.health")
            components = try selectedComponents()
            thresholds = try HealthThresholds.parse(warning: warning, critical: critical)
        } catch {
            // A monitoring system must get its UNKNOWN line, not just a stderr message.
            if nagios {
                try BufferedOutput.stdout.write("MDT UNKNOWN - " + ErrorReport.message(for: error) + "\n")
                throw ExitCode(HealthStatus.unknown.exitCode)
            }
            throw error
        }
        var libLogger = ctx.logger
        if ctx.logLevel >= .notice { libLogger.logLevel = .critical }  // librdkafka/curl chatter only with -v
        let config = HealthProbeConfig(settings: ctx.settings, timeout: timeout, thresholds: thresholds,
                                       heartbeatMaxAge: heartbeatMaxAge, logger: libLogger)

        if let serve {
            try await serveForever(address: serve, components: components, config: config, thresholds: thresholds)
            return
        }

        let report = await Self.runChecks(components, config: config)
        let out = ctx.stdout
        if let prometheus, prometheus != "-" {
            try HealthRendering.writeAtomically(HealthRendering.prometheus(report), to: prometheus)
        }
        if nagios {
            try out.write(HealthRendering.nagios(report, thresholds: thresholds))
        } else if json {
            try out.write(HealthRendering.json(report))
        } else if prometheus == "-" {
            try out.write(HealthRendering.prometheus(report))
        } else {
            try out.write(HealthRendering.text(report, color: ctx.output.color))
        }
        try out.flush()
        let code = report.status.exitCode
        if code != 0 { throw ExitCode(code) }
    }

    /// Runs the checks off the cooperative pool (they block on sockets and C calls).
    static func runChecks(_ components: Set<HealthComponent>, config: HealthProbeConfig) async -> HealthReport {
        await withCheckedContinuation { (cont: CheckedContinuation<HealthReport, Never>) in
            let t = Thread(named: "mdt-health") { cont.resume(returning: HealthRunner.run(components, config: config)) }
            t.start()
        }
    }

    func serveForever(address: String, components: Set<HealthComponent>, config: HealthProbeConfig, thresholds: HealthThresholds) async throws {
        let server = try HealthHTTPServer(address: address, cacheSeconds: cacheSeconds, thresholds: thresholds) {
            HealthRunner.run(components, config: config)
        }
        let shown = server.host.contains(":") ? "[\(server.host)]:\(server.port)" : "\(server.host):\(server.port)"
        StandardError.line("mdt health: serving http://\(shown)/api/status/ and http://\(shown)/metrics")
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let t = Thread(named: "mdt-health-http") {
                server.serve()
                cont.resume()
            }
            t.start()
        }
        throw CommandFailure(.failure, "health server on \(shown) stopped accepting connections")
    }
}
