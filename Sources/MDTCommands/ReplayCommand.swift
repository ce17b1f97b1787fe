import ArgumentParser
import Foundation
import IQFeedServer
import MarketData
#if canImport(Glibc)
import Glibc
#endif

/// `mdt replay`: replays market data from a source to a target.
/// Today: source `--synthetic` (seeded market) or `--input FILE` (recorded IQFeed lines), target
/// `--serve` (mdt's own IQFeed-protocol server). New sources/targets plug into `Source`/`Target`.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay market data: serve a synthetic (or recorded) IQFeed on the IQConnect ports.",
        discussion: """
            mdt replay --synthetic --serve [--host 127.0.0.1] [--ports 5009,9100,9200,9300] [--symbols N|@FILE]
                       [--rate MSGS_PER_S] [--seed S] [--count N] [--lookup-rate-limit R] [--port-file PATH]
            Runs in the foreground until SIGINT/SIGTERM. Port 0 picks a free port; --port-file writes the
            actual ports as l1=PORT, lookup=PORT, l2=PORT, admin=PORT lines.
            Exit codes: 64 bad flags, 69 a port is in use (or cannot be bound), 66 input file unreadable.
            """
    )

    /// Where replayed data comes from.
    enum Source: Equatable {
        case synthetic
        case file(String)
    }

    /// Where replayed data goes.
    enum Target: Equatable {
        case serve
    }

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

    @Option(name: .long, help: "Number of synthetic symbols, or @FILE with one symbol per line.")
    var symbols = "300"

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
        if synthetic && input == nil { return .synthetic }
        if let input, !synthetic { return .file(input) }
        return nil
    }

    var target: Target? { serve ? .serve : nil }

    func validate() throws {
        if synthetic && input != nil { throw ValidationError("give one source: --synthetic or --input FILE, not both") }
        if source == nil { throw ValidationError("missing source: add --synthetic (or --input FILE)") }
        if target == nil { throw ValidationError("missing target: add --serve") }
        _ = try parsedPorts()
        if rate < 0 || !rate.isFinite { throw ValidationError("--rate must be >= 0 (0 = unlimited), got \(rate)") }
        if let count, count < 0 { throw ValidationError("--count must be >= 0, got \(count)") }
        if let r = lookupRateLimit, r <= 0 || !r.isFinite { throw ValidationError("--lookup-rate-limit must be > 0, got \(r)") }
        if maxSymbols < 1 { throw ValidationError("--max-symbols must be >= 1") }
        if !symbols.hasPrefix("@") {
            guard let n = Int(symbols), n >= 1, n <= 1_000_000 else {
                throw ValidationError("--symbols must be a count 1...1000000 or @FILE, got '\(symbols)'")
            }
        }
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
        var cfg = IQFeedServerConfiguration()
        cfg.host = host
        cfg.ports = try parsedPorts()
        cfg.seed = seed
        cfg.messagesPerSecond = rate == 0 ? nil : rate
        cfg.maxEvents = count
        cfg.lookupRateLimit = lookupRateLimit
        cfg.maxSymbols = maxSymbols
        if symbols.hasPrefix("@") {
            do { cfg.universe = try SymbolUniverse.load(path: String(symbols.dropFirst()), seed: seed) } catch {
                throw ValidationError("--symbols: \(error.description)")
            }
        } else {
            cfg.universe = SymbolUniverse(seed: seed, count: Int(symbols) ?? 300)
        }
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
