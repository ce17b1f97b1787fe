import ArgumentParser
import Foundation
import MarketData
import Pipeline

extension DownloadKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .list(["ticks", "bars:60", "daily", "weekly", "monthly"]) }
}

/// `--from/--to/--days/--since-last`, shared by `download` and `download gaps`.
struct DownloadRangeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Start, Eastern: YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]'.", valueName: "when"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("End, Eastern: a date is inclusive (whole day), a datetime exclusive (default: now).", valueName: "when"))
    var to: String?

    @Option(name: .long, help: ArgumentHelp("The last N calendar days, today included.", valueName: "N"))
    var days: Int?

    func validate() throws {
        if from != nil && days != nil { throw ValidationError("give --from or --days, not both") }
        if let days, days < 1 || days > 36_600 { throw ValidationError("--days must be 1...36600, got \(days)") }
        if let from, DownloadRange.parseEastern(from) == nil {
            throw ValidationError("--from '\(from)': expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]' (Eastern)")
        }
        if let to, DownloadRange.parseEastern(to, endOfDay: true) == nil {
            throw ValidationError("--to '\(to)': expected YYYY-MM-DD or 'YYYY-MM-DD HH:MM[:SS]' (Eastern)")
        }
    }

    /// The end (exclusive): `--to` (a date means through that whole day) or `now`.
    func end(now: Nanos) -> Nanos {
        to.flatMap { DownloadRange.parseEastern($0, endOfDay: true) } ?? now
    }

    /// The explicit start, if any (`--from`, or midnight N-1 days before today for `--days N`).
    func start(now: Nanos) -> Nanos? {
        if let from { return DownloadRange.parseEastern(from) }
        if let days { return USEquityCalendar.midnight(USEquityCalendar.easternDay(now) - days + 1) }
        return nil
    }
}

/// Symbols from arguments, `--symbols A,B|@FILE` and `--all-active`.
enum DownloadSymbols {
    static func parse(_ arguments: [String], list: String?) throws -> [Symbol] {
        var texts: [String] = []
        for a in arguments { texts.append(contentsOf: split(a)) }
        if let list {
            if list.hasPrefix("@") {
                let path = String(list.dropFirst())
                let text: String
                do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw ValidationError("--symbols @\(path): cannot read: \((error as NSError).localizedDescription)")
                }
                for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let body = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
                    for s in split(body) {
                        guard (try? Symbol(s)) != nil else { throw ValidationError("\(path):\(i + 1): bad symbol '\(s)'") }
                        texts.append(s)
                    }
                }
            } else {
                texts.append(contentsOf: split(list))
            }
        }
        var seen = Set<String>()
        var out: [Symbol] = []
        for t in texts {
            let u = t.uppercased()
            guard seen.insert(u).inserted else { continue }
            do { out.append(try Symbol(u)) } catch { throw ValidationError("bad symbol '\(t)': \(error)") }
        }
        return out
    }

    static func split(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init).filter { !$0.isEmpty }
    }
}

/// Tuning flags of a download run.
struct DownloadTuningOptions: ParsableArguments {
    @Option(name: .long, help: "Lookup connections in parallel.")
    var concurrency: Int = 4

    @Option(name: .customLong("lookup-rate"), help: ArgumentHelp("History requests per second over all connections (default: setting iqfeed.lookup-rate, 50).", valueName: "N"))
    var lookupRate: Double?

    @Option(name: .customLong("chunk-rows"), help: "Rows per ClickHouse insert (big inserts are cheapest for ClickHouse).")
    var chunkRows: Int = 100_000

    @Option(name: .customLong("max-attempts"), help: "Give a failed unit up after this many attempts (over all runs).")
    var maxAttempts: Int = 5

    @Option(name: .customLong("retry-backoff"), help: ArgumentHelp("Seconds a failed unit waits before a later run retries it (doubles per attempt, at most 1h).", valueName: "seconds"))
    var retryBackoff: Double = 30

    @Flag(name: .long, help: "Redo units already done (and failed units that gave up).")
    var force = false

    func validate() throws {
        guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be 1...64, got \(concurrency)") }
        if let r = lookupRate, !(r > 0 && r <= 10_000) { throw ValidationError("--lookup-rate must be > 0, got \(r)") }
        guard chunkRows >= 1 else { throw ValidationError("--chunk-rows must be at least 1") }
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard retryBackoff >= 0 else { throw ValidationError("--retry-backoff must be >= 0") }
    }
}

/// Runs blocking work on its own thread and awaits it (keeps the cooperative pool free).
func runOnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        let t = Thread(named: "mdt-download") {
            do { c.resume(returning: try body()) } catch { c.resume(throwing: error) }
        }
        t.stackSize = 4 << 20
        t.start()
    }
}
