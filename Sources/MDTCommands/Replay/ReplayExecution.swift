import ArgumentParser
import Foundation
import IQFeedServer
import Kafka
import MarketData
import Pipeline
import Redis

/// `mdt replay` to stdout, Kafka or Redis: builds the source and target from the flags, runs
/// `Pipeline.ReplayRunner`, reports line errors and the summary on stderr, and maps failures to exit codes.
struct ReplayExecution {
    let command: ReplayCommand
    static let maxReportedLineErrors = 1000

    func run() throws {
        let c = command
        let flags: [any SettingsFlags] = [c.clickhouse, c.kafka, c.redis]
        let ctx = try CommandContext(global: c.global, flags: flags, label: "mdt.replay")
        guard let format = ReplayFormat(rawValue: c.format), let speed = ReplaySpeed(c.speed), let sourceKind = c.source,
              let targetKind = c.target else { throw CommandFailure(.usage, "bad flags") }

        // Source.
        let source: any ReplaySource
        var fileSource: ReplayFileSource?
        var clickhouseSource: ReplayClickHouseSource?
        var reported = 0
        switch sourceKind {
        case .file(let path):
            let s = ReplayFileSource(path: path, lookupSymbol: Symbol(unchecked: c.lookupSymbol))
            do { try s.checkReadable() } catch { throw Self.noInput(error) }
            let name = path == "-" ? "-" : path
            s.onLineError = { line, reason in
                reported += 1
                if reported <= Self.maxReportedLineErrors { StandardError.line("\(name):\(line): \(reason)") }
            }
            fileSource = s
            source = s
        case .synthetic:
            let universe = try c.syntheticUniverse()
            let now = Int64(Date().timeIntervalSince1970 * 1000) * 1_000_000
            source = ReplaySyntheticSource(seed: c.seed, universe: universe, count: c.count ?? 10_000, start: now)
        case .clickhouse:
            let s = ctx.settings.clickhouse
            let symbols = try c.symbols.map { try SymbolList.parse($0) } ?? []
            let chs = ReplayClickHouseSource(
                config: ReplayClickHouseConfig(url: s.url, user: s.user, password: s.password?.value ?? "", database: s.database),
                start: c.start.flatMap(ReplayTimeArgument.parse), end: c.end.flatMap(ReplayTimeArgument.parse), symbols: symbols)
            do { try chs.prepare() } catch { throw Self.failure(error) }
            clickhouseSource = chs
            source = chs
        }

        // Target.
        let target: ReplayTarget
        var sink: (any EventSink)?
        switch targetKind {
        case .stdout, .serve:
            let out = ctx.stdout
            target = .stdout(format, write: { bytes in try out.write(bytes: bytes) })
        case .kafka:
            let k = ctx.settings.kafka
            var props = k.properties
            props["client.id"] = props["client.id"] ?? "mdt-replay"
            let producer: KafkaProducer
            do {
                producer = try KafkaProducer(brokers: k.bootstrapServers, properties: props, logger: ctx.logger)
                _ = try producer.metadata(timeout: 5)
            } catch {
                throw CommandFailure(.unavailable, "kafka \(k.bootstrapServers): \(error)")
            }
            let s = KafkaSink(producer: producer, topics: KafkaTopics(prefix: k.topicPrefix), source: "mdt-replay", flushTimeout: 30)
            sink = s
            target = .sink(s)
        case .redis:
            let r = ctx.settings.redis
            do {
                let client = try RedisClient(url: r.url, password: r.password?.value, connectNow: false, logger: ctx.logger)
                try client.ping()
                let s = RedisSink(client: client)
                sink = s
                target = .sink(s)
            } catch {
                throw CommandFailure(.unavailable, "redis: \(error)")
            }
        }
        defer { sink?.close() }

        let runner = ReplayRunner(source: source, target: target, speed: speed, loop: c.loop)
        let progress = ctx.progress
        if progress.enabled {
            runner.onProgress = { p in
                progress.update("\(p.events) events | \(Int(p.rate))/s | event time \(Time.iso8601(p.eventTime))\(p.pass > 1 ? " | pass \(p.pass)" : "")")
            }
        }
        let signals = ReplayStopSignals { runner.stop() }
        defer { signals.cancel() }
        ctx.logger.info("replaying \(source.label) at speed \(speed)")
        let summary: ReplaySummary
        do { summary = try runner.run() } catch let e as ReplayError {
            progress.finish()
            throw Self.failure(e)
        } catch {
            progress.finish()
            throw error
        }
        progress.finish()
        try? ctx.stdout.flush()

        var text = "mdt replay: \(summary.events) events in \(String(format: "%.3f", summary.seconds)) s (\(Int(summary.rate))/s)"
        if summary.passes > 1 { text += ", \(summary.passes) passes" }
        if let f = fileSource {
            text += "; \(f.lines) lines, \(f.skipped) without events, \(f.failed) unparseable"
        }
        if !c.global.quiet { StandardError.line(text) }
        if let f = fileSource, f.failed > 0 {
            if reported > Self.maxReportedLineErrors { StandardError.line("(\(reported - Self.maxReportedLineErrors) more unparseable lines not shown)") }
            throw CommandFailure(.dataError, "\(f.failed) unparseable line\(f.failed == 1 ? "" : "s") in \(f.path == "-" ? "stdin" : f.path)")
        }
        if clickhouseSource != nil && summary.events == 0 && !summary.stoppedBySignal {
            let range = "\(c.start ?? "the beginning") to \(c.end ?? "the end")"
            throw CommandFailure(.dataError, "no rows in \(ctx.settings.clickhouse.database).market_ticks/market_l1/market_l2 from \(range)\(c.symbols.map { " for \($0)" } ?? "")")
        }
    }

    /// An unreadable input file: exit 66 (EX_NOINPUT), as `replay --input FILE --serve` does.
    static func noInput(_ e: ReplayError) -> any Error {
        StandardError.line("mdt: \(e.description)")
        return ExitCode(66)
    }

    static func failure(_ e: ReplayError) -> any Error {
        switch e {
        case .unreadable: noInput(e)
        case .lineTooLong, .noEvents: CommandFailure(.dataError, e.description)
        case .clickhouseUnavailable: CommandFailure(.unavailable, e.description)
        case .clickhouse: CommandFailure(.failure, e.description)
        case .target: CommandFailure(.unavailable, e.description)
        }
    }
}

/// SIGINT/SIGTERM stop the replay loop cleanly (outputs are flushed); a second signal exits at once.
final class ReplayStopSignals: @unchecked Sendable {
    var sources: [any DispatchSourceSignal] = []
    let lock = NSLock()
    var fired = false

    init(_ onStop: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { [weak self] in
                guard let self else { return }
                self.lock.lock()
                let again = self.fired
                self.fired = true
                self.lock.unlock()
                if again { exit(130) }
                onStop()
            }
            src.resume()
            sources.append(src)
        }
    }

    func cancel() {
        for s in sources { s.cancel() }
        sources = []
    }
}
