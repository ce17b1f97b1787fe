import ArgumentParser
import Foundation
import IQFeedServer
import MarketData
import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// `mdt replay`: replays market data from a source to a target.
/// Today: source `--synthetic` (seeded market) or `--input FILE` (recorded IQFeed lines), target
/// `--serve` (mdt's own IQFeed-protocol server). New sources/targets plug into `Source`/`Target`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay market data from ClickHouse, a file or the synthetic market to stdout, Kafka, Redis or an IQFeed server.",
        discussion: """
            Sources (one): --input FILE|- (IQFeed lines of any port and/or mdt NDJSON events; auto-detected per line),
                           --from clickhouse [--start T] [--end T] [--symbols A,B|@FILE],
                           --synthetic [--seed S] [--symbols N] [--count N].
            Targets (one): --to stdout [--format json|raw|csv], --to kafka [--topic-prefix P], --to redis, or --serve.
              json: one mdt JSON event per line (trades, quotes, book updates, bars); system, fundamental, news and
                    admin lines carry no event and are skipped (counted on stderr).
              raw:  the original IQFeed line (every valid line) when the source is a file, else JSON.
              csv:  TABLE,<that table's columns> per event (market_ticks/market_l1/market_l2/market_bars), no header.
            --speed 1|10|100|N|max paces events by event time (max: no waiting); --loop repeats the source until
            SIGINT/SIGTERM. Times (--start/--end) are UTC: 2026-11-23, 2026-11-23T14:30:00[.123]Z, or epoch ns.
            Unparseable input lines are reported on stderr as FILE:LINE: reason.
            Lookup rows carry no symbol: they get --lookup-symbol. File line detection: see ReplayLineParser.
            --synthetic without --serve emits --count events (default 10000), one per millisecond of event time.

            mdt replay --synthetic --serve [--host 127.0.0.1] [--ports 5009,9100,9200,9300] [--symbols N|@FILE]
                       [--rate MSGS_PER_S] [--seed S] [--count N] [--lookup-rate-limit R] [--port-file PATH]
            Runs in the foreground until SIGINT/SIGTERM. Port 0 picks a free port; --port-file writes the
            actual ports as l1=PORT, lookup=PORT, l2=PORT, admin=PORT lines.
            Exit codes: 0 done; 64 bad flags (unknown --format, missing or invalid --to); 65 unparseable input lines,
            or no rows in the time range; 66 input file unreadable; 69 a service (ClickHouse, Kafka, Redis) is
            unreachable or a port is in use.
            """
    )

    /// Where replayed data comes from.
    enum Source: Equatable {
        case synthetic
        case file(String)
        case clickhouse
    }

    /// Where replayed data goes.
    enum Target: Equatable {
        case serve
        case stdout
        case kafka
        case redis
    }

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
    @OptionGroup(title: "Kafka") var kafka: KafkaOptions
    @OptionGroup(title: "Redis") var redis: RedisOptions

    @Option(name: .long, help: "Source: clickhouse (tables market_ticks, market_l1, market_l2).")
    var from: String?

    @Option(name: .long, help: "Target: stdout, kafka or redis (or use --serve).")
    var to: String?

    @Option(name: .long, help: "stdout format: json, raw or csv.")
    var format: String = "json"

    @Option(name: .long, help: "Pace by event time: 1, 10, 100 (any factor > 0) or max (no waiting).")
    var speed: String = "max"

    @Flag(name: .long, help: "Repeat the source until SIGINT/SIGTERM.")
    var loop = false

    @Option(name: .long, help: "clickhouse: first event time (UTC date/time or epoch ns), inclusive.")
    var start: String?

    @Option(name: .long, help: "clickhouse: end event time (UTC date/time or epoch ns), exclusive.")
    var end: String?

    @Option(name: .long, help: "Symbol for lookup history rows in --input (they carry none).")
    var lookupSymbol: String = "LOOKUP"

    @Flag(name: .long, help: "Source: the seeded synthetic market.")
    var synthetic = false

    @Option(name: .long, help: "Source: a file of recorded IQFeed lines (L2 rows go to 9200, the rest to 5009).")
    var input: String?

    @Flag(name: .long, help: "Target: serve the IQFeed protocol (L1, lookup, L2, admin ports).")
    var serve = false

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Ports l1,lookup,l2,admin (0 = any free port).")
    var ports = "5009,9100,9200,9300"

    @Option(name: .long, help: "synthetic: number of symbols (default 300) or @FILE; clickhouse: A,B,C or @FILE.")
    var symbols: String?

    @Option(name: .long, help: "Market events per second over all watched symbols (0 = unlimited).")
    var rate: Double = 1000

    @Option(name: .long, help: "Seed of the synthetic market.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Emit exactly N market events, then stop emitting (the server keeps serving).")
    var count: Int?

    @Option(name: .long, help: "History requests per second (token bucket); beyond it the server answers 'Too many simultaneous history requests'.")
    var lookupRateLimit: Double?

    @Option(name: .long, help: "Watch limit per socket (S,SYMBOL LIMIT REACHED beyond it).")
    var maxSymbols = 500

    @Option(name: .long, help: "Write the actual ports here (l1=PORT lines) once listening.")
    var portFile: String?

    var source: Source? {
        let n = (synthetic ? 1 : 0) + (input != nil ? 1 : 0) + (from != nil ? 1 : 0)
        guard n == 1 else { return nil }
        if synthetic { return .synthetic }
        if let input { return .file(input) }
        return from == "clickhouse" ? .clickhouse : nil
    }

    var target: Target? {
        if serve { return to == nil ? .serve : nil }
        switch to {
        case "stdout": return .stdout
        case "kafka": return .kafka
        case "redis": return .redis
        default: return nil
        }
    }

    func validate() throws {
        let n = (synthetic ? 1 : 0) + (input != nil ? 1 : 0) + (from != nil ? 1 : 0)
        if n > 1 { throw ValidationError("give one source: --synthetic, --input FILE or --from clickhouse") }
        if let from, from != "clickhouse" { throw ValidationError("--from '\(from)': expected clickhouse (or use --input FILE / --synthetic)") }
        if source == nil { throw ValidationError("missing source: add --input FILE, --from clickhouse or --synthetic") }
        if serve && to != nil { throw ValidationError("give one target: --serve or --to stdout|kafka|redis") }
        if let to, target == nil { throw ValidationError("--to '\(to)': expected stdout, kafka or redis") }
        if target == nil { throw ValidationError("missing target: add --to stdout|kafka|redis (or --serve)") }
        if ReplayFormat(rawValue: format) == nil { throw ValidationError("--format '\(format)': expected json, raw or csv") }
        if ReplaySpeed(speed) == nil { throw ValidationError("--speed '\(speed)': expected a factor > 0 (1, 10, 100) or max") }
        if serve && source == .clickhouse { throw ValidationError("--serve replays --synthetic or --input FILE, not --from clickhouse") }
        if source != .clickhouse && (start != nil || end != nil) { throw ValidationError("--start/--end apply to --from clickhouse only") }
        if let start, ReplayTimeArgument.parse(start) == nil { throw ValidationError("--start '\(start)': expected YYYY-MM-DD[THH:MM[:SS[.f]]][Z] (UTC) or epoch ns") }
        if let end, ReplayTimeArgument.parse(end) == nil { throw ValidationError("--end '\(end)': expected YYYY-MM-DD[THH:MM[:SS[.f]]][Z] (UTC) or epoch ns") }
        if (try? Symbol(lookupSymbol)) == nil { throw ValidationError("--lookup-symbol '\(lookupSymbol)' is not a valid symbol") }
        _ = try parsedPorts()
        if rate < 0 || !rate.isFinite { throw ValidationError("--rate must be >= 0 (0 = unlimited), got \(rate)") }
        if let count, count < 0 { throw ValidationError("--count must be >= 0, got \(count)") }
        if let r = lookupRateLimit, r <= 0 || !r.isFinite { throw ValidationError("--lookup-rate-limit must be > 0, got \(r)") }
        if maxSymbols < 1 { throw ValidationError("--max-symbols must be >= 1") }
        if source == .synthetic, let symbols, !symbols.hasPrefix("@") {
            guard let n = Int(symbols), n >= 1, n <= 1_000_000 else {
                throw ValidationError("--symbols must be a count 1...1000000 or @FILE, got '\(symbols)'")
            }
        }
    }

    /// The synthetic symbol universe from `--symbols N|@FILE`.
    func syntheticUniverse() throws -> SymbolUniverse {
        let spec = symbols ?? "300"
        if spec.hasPrefix("@") {
            do { return try SymbolUniverse.load(path: String(spec.dropFirst()), seed: seed) } catch {
                throw ValidationError("--symbols: \(error.description)")
            }
        }
        return SymbolUniverse(seed: seed, count: Int(spec) ?? 300)
    }

    func parsedPorts() throws -> [IQFeedPort: UInt16] {
        let parts = ports.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 4 else { throw ValidationError("--ports needs 4 numbers l1,lookup,l2,admin, got '\(ports)'") }
        var out: [IQFeedPort: UInt16] = [:]
        for (p, text) in zip([IQFeedPort.level1, .lookup, .level2, .admin], parts) {
            guard let v = UInt16(text.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--ports: '\(text)' is not a port number 0...65535")
            }
            out[p] = v
        }
        return out
    }

    func run() async throws {
        if target != .serve {
            try ReplayExecution(command: self).run()
            return
        }
        var cfg = IQFeedServerConfiguration()
        cfg.host = host
        cfg.ports = try parsedPorts()
        cfg.seed = seed
        cfg.messagesPerSecond = rate == 0 ? nil : rate
        cfg.maxEvents = count
        cfg.lookupRateLimit = lookupRateLimit
        cfg.maxSymbols = maxSymbols
        cfg.universe = try syntheticUniverse()
        if case .file(let path) = source {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                FileHandle.standardError.write(Data("error: cannot read input file \(path)\n".utf8))
                throw ExitCode(66)
            }
            let lines = text.split(separator: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }.filter { !$0.isEmpty }
            cfg.source = .recordedLines(lines)
        }
        let server = IQFeedServer(configuration: cfg)
        do {
            try server.start()
        } catch {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            throw ExitCode(69)
        }
        let l1 = server.port(.level1) ?? 0, lk = server.port(.lookup) ?? 0
        let l2 = server.port(.level2) ?? 0, ad = server.port(.admin) ?? 0
        if let portFile {
            let text = "l1=\(l1)\nlookup=\(lk)\nl2=\(l2)\nadmin=\(ad)\n"
            let tmp = portFile + ".tmp"
            do {
                try text.write(toFile: tmp, atomically: false, encoding: .utf8)
                if rename(tmp, portFile) != 0 { throw CocoaError(.fileWriteUnknown) }
            } catch {
                server.stop()
                FileHandle.standardError.write(Data("error: cannot write port file \(portFile)\n".utf8))
                throw ExitCode(73)
            }
        }
        let what = source == .synthetic ? "synthetic market (\(server.universe.count) symbols, seed \(seed))" : "recorded lines"
        let pace = rate == 0 ? "unlimited" : "\(rate)/s"
        FileHandle.standardError.write(Data("mdt replay: serving IQFeed on \(host) l1=\(l1) lookup=\(lk) l2=\(l2) admin=\(ad) from \(what), rate \(pace)\(count.map { ", count \($0)" } ?? "")\n".utf8))
        await ReplaySignals.waitForTermination()
        server.stop()
    }
}

/// Waits for SIGINT or SIGTERM with Dispatch signal sources (the pattern swift-service-lifecycle uses
/// on Linux): the default action is disabled, and the source's handler resumes the waiting task.
enum ReplaySignals {
    static func waitForTermination() async {
        await withCheckedContinuation { (cont: CheckedContinuation<Void, Never>) in
            let queue = DispatchQueue(label: "mdt.replay.signals")
            let once = ResumeOnce(cont)
            var sources: [any DispatchSourceSignal] = []
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let src = DispatchSource.makeSignalSource(signal: sig, queue: queue)
                src.setEventHandler { once.resume() }
                src.resume()
                sources.append(src)
            }
            once.keep(sources)
        }
    }

    /// Resumes the continuation exactly once and keeps the sources alive until then.
    final class ResumeOnce: @unchecked Sendable {
        private let lock = NSLock()
        private var cont: CheckedContinuation<Void, Never>?
        private var sources: [any DispatchSourceSignal] = []
        init(_ c: CheckedContinuation<Void, Never>) { cont = c }
        func keep(_ s: [any DispatchSourceSignal]) { lock.lock(); sources = s; lock.unlock() }
        func resume() {
            lock.lock()
            let c = cont
            cont = nil
            for s in sources { s.cancel() }
            sources = []
            lock.unlock()
            c?.resume()
        }
    }
}
