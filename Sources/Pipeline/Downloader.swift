import ClickHouse
import Foundation
import IQFeed
import Logging
import Manifest
import MarketData

/// How `Downloader` runs.
public struct DownloaderConfiguration: Sendable {
    public var iqfeedHost: String = "127.0.0.1"
    public var lookupPort: Int = 9100
    /// History requests per second over all connections (IQFeed allows about 50).
    public var lookupRate: Double = 50
    /// Lookup connections working in parallel (each with its own ClickHouse connection).
    public var concurrency: Int = 4
    /// Rows per RowBinary insert: a reply is never held whole in memory. ClickHouse wants big, rare inserts:
    /// 100k-row chunks cost its server a third of the CPU per row that 10k-row chunks do (measured on 18.16).
    public var chunkRows: Int = 100_000
    public var clickhouse: DownloadClickHouse
    /// Redo units already done (and failed ones that gave up).
    public var force = false
    /// A failed unit is retried by later runs until it has this many attempts.
    public var maxAttempts = 5
    /// A failed unit waits `retryBackoff * 2^(attempts-1)` seconds (at most an hour) before a later run retries it.
    public var retryBackoff: Double = 30
    /// How long one unit keeps retrying after `E,Too many simultaneous history requests` before it fails.
    public var rateLimitMaxWait: Double = 120
    /// In-run retries of a unit after a connection or ClickHouse error.
    public var transientRetries = 2
    /// Longest silence from IQFeed while a reply is in progress.
    public var idleTimeout: Double = 30

    public init(clickhouse: DownloadClickHouse) { self.clickhouse = clickhouse }
}

public enum DownloadOutcome: String, Sendable, CaseIterable {
    case done, empty, failed, skipped
}

/// What happened to one unit.
public struct DownloadUnitReport: Sendable {
    public var unit: DownloadUnit
    public var outcome: DownloadOutcome
    public var rows: Int64 = 0
    /// Attempts recorded in the ledger (all runs).
    public var attempts: Int = 0
    public var seconds: Double = 0
    /// Lookup requests sent for this unit in this run, and how many the server refused for the rate limit.
    public var requests: Int = 0
    public var rateLimited: Int = 0
    /// The error (failed) or the reason (skipped).
    public var message: String? = nil
    /// Failed because IQFeed or ClickHouse could not be reached.
    public var unavailable: Bool = false
    /// Skipped, but the unit is still failed in the ledger (waiting for its backoff, or given up).
    public var stillFailed: Bool = false

    public init(unit: DownloadUnit, outcome: DownloadOutcome) { self.unit = unit; self.outcome = outcome }
}

/// Totals of one run.
public struct DownloadRunSummary: Sendable {
    public var planned = 0
    public var done = 0
    public var empty = 0
    public var failed = 0
    public var skipped = 0
    public var rows: Int64 = 0
    public var requests = 0
    public var rateLimited = 0
    public var seconds: Double = 0
    public var failures: [DownloadUnitReport] = []
    /// Units not tried in this run that remain failed (backoff, or out of attempts).
    public var stillFailed: [DownloadUnitReport] = []
    /// Units left undone because the run was stopped (SIGINT/SIGTERM).
    public var interrupted = 0

    public init() {}

    /// Every failure was a service that could not be reached, and nothing succeeded.
    public var nothingPossible: Bool { failed > 0 && done + empty == 0 && failures.allSatisfy(\.unavailable) }

    mutating func add(_ r: DownloadUnitReport) {
        switch r.outcome {
        case .done: done += 1
        case .empty: empty += 1
        case .failed: failed += 1; failures.append(r)
        case .skipped:
            skipped += 1
            if r.stillFailed { stillFailed.append(r) }
        }
        rows += r.rows
        requests += r.requests
        rateLimited += r.rateLimited
    }
}

/// Errors that stop a run before any unit is tried.
public enum DownloadError: Error, Sendable, CustomStringConvertible {
    case iqfeedUnavailable(String)
    case clickhouseUnavailable(String)
    case clickhouse(String)
    case manifest(ManifestError)

    public var description: String {
        switch self {
        case .iqfeedUnavailable(let m): "IQFeed lookup unavailable: \(m)"
        case .clickhouseUnavailable(let m): "ClickHouse unavailable: \(m)"
        case .clickhouse(let m): "ClickHouse: \(m)"
        case .manifest(let e): e.description
        }
    }

    /// A service could not be reached (nothing could be done).
    public var isUnavailable: Bool {
        switch self { case .iqfeedUnavailable, .clickhouseUnavailable: true; default: false }
    }
}

/// A unit-level failure that is not a lookup or ClickHouse error.
enum DownloadUnitError: Error, CustomStringConvertible {
    case parse(count: Int, first: String)
    case countMismatch(unit: String, stored: UInt64, downloaded: Int64)

    var description: String {
        switch self {
        case .parse(let n, let first): "\(n) reply rows did not parse (first: \(first))"
        case .countMismatch(let u, let s, let d):
            "\(u): ClickHouse holds \(s) rows (FINAL) in the unit's window but \(d) were downloaded; stale rows from other data remain"
        }
    }
}

/// Downloads history units from the IQFeed lookup port into ClickHouse, with the manifest as ledger.
///
/// Each unit is claimed in the manifest first (so two overlapping runs never take the same unit), its
/// reply is streamed row by row into RowBinary chunks of `chunkRows`, and its rows carry deterministic
/// ReplacingMergeTree keys (ticks: `seq` = the IQFeed TickID, else the row's ordinal in the unit; bars:
/// `(symbol, interval_s, ts)`), so a unit redone after a crash replaces its rows instead of
/// duplicating them. After the insert, `count() FINAL` over the unit's window must equal the rows
/// downloaded; a unit that had rows before is merged (`OPTIMIZE ... PARTITION ... FINAL`) so plain
/// `count()` agrees too.
public final class Downloader: @unchecked Sendable {
    public let configuration: DownloaderConfiguration
    public let manifest: Manifest
    public let logger: Logger
    let bucket: TokenBucket
    private let stopLock = NSLock()
    private var stopping = false
    private var queue: WorkQueue?

    public init(configuration: DownloaderConfiguration, manifest: Manifest, logger: Logger = Logger(label: "mdt.download")) {
        self.configuration = configuration
        self.manifest = manifest
        self.logger = logger
        self.bucket = TokenBucket(ratePerSecond: configuration.lookupRate, burst: max(1, min(5, configuration.lookupRate / 10)))
    }

    var endpoint: String { "\(configuration.iqfeedHost):\(configuration.lookupPort)" }

    /// Stops taking new units (units in progress finish and are recorded); the rest stay pending and
    /// are reported as skipped ("interrupted"). Safe from any thread, e.g. a signal handler's queue.
    public func stop() {
        stopLock.lock(); stopping = true; let q = queue; stopLock.unlock()
        q?.close()
    }

    public var isStopping: Bool { stopLock.lock(); defer { stopLock.unlock() }; return stopping }

    func makeLookup() -> LookupClient {
        let c = LookupClient(host: configuration.iqfeedHost, port: configuration.lookupPort, rateLimiter: bucket)
        c.idleTimeout = configuration.idleTimeout
        return c
    }

    /// Checks ClickHouse (creating the schema) and the IQFeed lookup port; returns the dialect.
    public func probe() throws(DownloadError) -> SQLDialect {
        let store: DownloadStore
        do {
            store = try DownloadStore(configuration.clickhouse, logger: logger)
            return try store.ensureSchema()
        } catch {
            if error.isRetriable { throw .clickhouseUnavailable(error.description) }
            throw .clickhouse(error.description)
        }
    }

    func probeIQFeed() throws(DownloadError) -> LookupClient {
        let lookup = makeLookup()
        do { try lookup.connect() } catch {
            throw .iqfeedUnavailable("\(endpoint): \(error.description)")
        }
        return lookup
    }

    /// Runs `units`: skips done ones (unless forced or incomplete), retries failed ones after their
    /// backoff, downloads the rest on `concurrency` connections. `onReport` is called once per unit,
    /// from worker threads (serialised by the caller if needed). Blocks until every unit is settled.
    public func run(_ units: [DownloadUnit], onReport: @escaping @Sendable (DownloadUnitReport) -> Void) throws(DownloadError) -> DownloadRunSummary {
        let started = IQFeed.Clock.monotonic()
        let dialect = try probe()
        let first = try probeIQFeed()
        var summary = DownloadRunSummary()
        summary.planned = units.count

        let (work, skipped, priorAttempts) = try decide(units)
        for r in skipped { summary.add(r); onReport(r) }

        let queue = WorkQueue(work.map { ($0, priorAttempts[$0.key] ?? 0) })
        stopLock.lock(); self.queue = queue; let stopped = stopping; stopLock.unlock()
        if stopped { queue.close() }
        let results = ResultBox()
        let workers = max(1, min(configuration.concurrency, work.count))
        let group = DispatchGroup()
        for w in 0..<workers {
            group.enter()
            let lookup = w == 0 ? first : makeLookup()
            let box = LookupBox(lookup)
            let thread = Thread(named: "download-\(w)") { [self] in
                defer { group.leave() }
                let store: DownloadStore?
                do { store = try DownloadStore(configuration.clickhouse, dialect: dialect, logger: logger) } catch {
                    store = nil
                    logger.error("worker \(w): \(String(describing: error))")
                }
                while let (unit, prior) = queue.next() {
                    let r: DownloadUnitReport
                    if let store { r = process(unit, priorAttempts: prior, lookup: box.client, store: store) }
                    else {
                        var f = DownloadUnitReport(unit: unit, outcome: .skipped)
                        f.message = "no ClickHouse connection for this worker"
                        r = f
                    }
                    results.add(r)
                    onReport(r)
                }
                box.client.close()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        for r in results.all { summary.add(r) }
        for (unit, _) in queue.remaining() {
            var r = DownloadUnitReport(unit: unit, outcome: .skipped)
            r.message = "interrupted before it started"
            summary.add(r)
            summary.interrupted += 1
            onReport(r)
        }
        summary.seconds = IQFeed.Clock.monotonic() - started
        return summary
    }

    /// Splits units into those to work on and skip reports; requeues units to redo.
    /// Also returns each unit's attempts before this run (0 when new or requeued).
    func decide(_ units: [DownloadUnit]) throws(DownloadError) -> ([DownloadUnit], [DownloadUnitReport], [DownloadKey: Int]) {
        var records: [DownloadKey: DownloadRecord] = [:]
        do {
            try manifest.upsertDownloads(units.map(\.key))
            for kind in Set(units.map(\.kind.description)) {
                for r in try manifest.downloads(kind: kind) { records[r.key] = r }
            }
        } catch { throw .manifest(error) }
        let now = Int64(IQFeed.Clock.wallNanos())
        var work: [DownloadUnit] = []
        var skipped: [DownloadUnitReport] = []
        var requeue: [DownloadKey] = []
        var prior: [DownloadKey: Int] = [:]
        for u in units {
            guard let rec = records[u.key] else { work.append(u); continue }
            switch rec.state {
            case .pending, .running:
                prior[u.key] = rec.attempts
                work.append(u)
            case .failed:
                if configuration.force { requeue.append(u.key); work.append(u); continue }
                if rec.attempts >= configuration.maxAttempts {
                    var r = DownloadUnitReport(unit: u, outcome: .skipped)
                    r.attempts = rec.attempts
                    r.message = "gave up after \(rec.attempts) attempts (use --force): \(rec.error ?? "")"
                    r.stillFailed = true
                    skipped.append(r)
                } else if let f = rec.finishedAt, Double(now - f) / 1e9 < backoff(rec.attempts) {
                    var r = DownloadUnitReport(unit: u, outcome: .skipped)
                    r.attempts = rec.attempts
                    let wait = Int((backoff(rec.attempts) - Double(now - f) / 1e9).rounded(.up))
                    r.message = "failed \(rec.attempts)x, retry in \(wait)s: \(rec.error ?? "")"
                    r.stillFailed = true
                    skipped.append(r)
                } else {
                    prior[u.key] = rec.attempts
                    work.append(u)
                }
            case .done, .empty:
                let incomplete = (rec.error ?? "").hasPrefix("partial") || (rec.finishedAt ?? 0) < u.periodEnd
                if configuration.force || incomplete || u.isPartial {
                    requeue.append(u.key); work.append(u)
                } else {
                    var r = DownloadUnitReport(unit: u, outcome: .skipped)
                    r.rows = 0
                    r.attempts = rec.attempts
                    r.message = "already \(rec.state.rawValue) (\(rec.rows) rows)"
                    skipped.append(r)
                }
            }
        }
        if !requeue.isEmpty {
            do { try manifest.requeueDownloads(requeue) } catch { throw .manifest(error) }
        }
        return (work, skipped, prior)
    }

    func backoff(_ attempts: Int) -> Double {
        min(3600, configuration.retryBackoff * pow(2, Double(max(0, attempts - 1))))
    }

    /// Claims, downloads and settles one unit (never throws: the outcome says what happened).
    func process(_ unit: DownloadUnit, priorAttempts: Int, lookup: LookupClient, store: DownloadStore) -> DownloadUnitReport {
        var report = DownloadUnitReport(unit: unit, outcome: .skipped)
        let t0 = IQFeed.Clock.monotonic()
        do {
            guard try manifest.claimDownload(unit.key) else {
                report.message = "held by another process (or finished meanwhile)"
                return report
            }
        } catch {
            report.outcome = .failed
            report.message = error.description
            return report
        }
        var transient = 0
        var pause = 0.05
        let deadline = t0 + configuration.rateLimitMaxWait
        while true {
            do {
                report.requests += 1
                let rows = try fetch(unit, lookup: lookup, store: store)
                let note = unit.isPartial ? "partial: \(Time.iso8601(unit.from)) .. \(Time.iso8601(unit.to))" : nil
                try manifest.finishDownload(unit.key, rows: rows, note: note)
                report.outcome = rows == 0 ? .empty : .done
                report.rows = rows
                break
            } catch let e as LookupError {
                if case .server(let s, _) = e, s.isRetryable {
                    report.rateLimited += 1
                    if IQFeed.Clock.monotonic() + pause > deadline {
                        fail(unit, &report, "\(e.description) (still refused after \(Int(configuration.rateLimitMaxWait))s)", unavailable: false)
                        break
                    }
                    IQFeed.Clock.sleep(seconds: pause * (1 + Double.random(in: 0..<0.5)))
                    pause = min(2, pause * 2)
                    continue
                }
                let unavailable: Bool
                switch e { case .connection, .timeout: unavailable = true; default: unavailable = false }
                if e.isRetryable && transient < configuration.transientRetries {
                    transient += 1
                    IQFeed.Clock.sleep(seconds: 0.25 * pow(2, Double(transient)))
                    continue
                }
                fail(unit, &report, e.description, unavailable: unavailable)
                break
            } catch let e as ClickHouseError {
                if e.isRetriable && transient < configuration.transientRetries {
                    transient += 1
                    IQFeed.Clock.sleep(seconds: 0.25 * pow(2, Double(transient)))
                    continue
                }
                var unavailable = false
                if case .unreachable = e { unavailable = true }
                fail(unit, &report, e.description, unavailable: unavailable)
                break
            } catch {
                fail(unit, &report, String(describing: error), unavailable: false)
                break
            }
        }
        report.attempts = priorAttempts + 1
        report.seconds = IQFeed.Clock.monotonic() - t0
        return report
    }

    func fail(_ unit: DownloadUnit, _ report: inout DownloadUnitReport, _ message: String, unavailable: Bool) {
        report.outcome = .failed
        report.message = message
        report.unavailable = unavailable
        do { try manifest.failDownload(unit.key, error: message) } catch {
            logger.error("\(unit): cannot record failure in the manifest: \(error.description)")
        }
    }

    /// One lookup request for the unit, streamed into chunked inserts; returns the rows stored.
    func fetch(_ unit: DownloadUnit, lookup: LookupClient, store: DownloadStore) throws -> Int64 {
        let t0 = IQFeed.Clock.monotonic()
        let before = try store.count(unit, final: false)
        // All per-row state in one local struct: the row closure mutates it in place (statically checked),
        // where captured locals shared with a nested function were boxed and access-checked on every row.
        var acc = TickChunks(kind: unit.kind, symbol: unit.symbol, from: unit.from, to: unit.to, chunk: max(1, configuration.chunkRows),
                             receiveTime: IQFeed.Clock.wallNanos())
        let id = lookup.makeRequestID()
        let (command, lookupKind) = try Self.command(for: unit, requestID: id, today: USEquityCalendar.easternDay(IQFeed.Clock.wallNanos()))
        let result: LookupResult
        if lookupKind == .ticks {
            // Common tick rows come as symbol-free `TickRow`s, encoded with the unit's symbol column.
            result = try lookup.requestTicks(command, requestID: id, symbol: unit.symbol, onTick: { row in
                if acc.add(row) { acc.flush(store) }
            }, onRow: { line in
                if acc.add(line) { acc.flush(store) }
            })
        } else {
            result = try lookup.request(command, requestID: id, kind: lookupKind, symbol: unit.symbol) { line in
                if acc.add(line) { acc.flush(store) }
            }
        }
        acc.flush(store)
        let rows = acc.rows, utcDays = acc.utcDays, insertSeconds = acc.insertSeconds
        let t1 = IQFeed.Clock.monotonic()
        if let insertError = acc.insertError { throw insertError }
        if result.parseErrors > 0 {
            throw DownloadUnitError.parse(count: result.parseErrors, first: result.firstParseError.map { "\($0)" } ?? "?")
        }
        let stored = try store.count(unit, final: true)
        if stored != UInt64(rows) {
            throw DownloadUnitError.countMismatch(unit: unit.description, stored: stored, downloaded: rows)
        }
        if before > 0 && rows > 0 { try mergeReplaced(unit, rows: rows, utcDays: utcDays, store: store) }
        logger.debug("unit stored", metadata: [
            "unit": "\(unit)", "rows": "\(rows)", "reply+insert_s": "\(t1 - t0)", "insert_s": "\(insertSeconds)",
            "verify_s": "\(IQFeed.Clock.monotonic() - t1)",
        ])
        return rows
    }

    /// Merges the unit's partitions until plain `count()` equals the rows downloaded. `OPTIMIZE` is a
    /// no-op while another merge of the partition runs (another unit of the same day), so it is retried.
    func mergeReplaced(_ unit: DownloadUnit, rows: Int64, utcDays: Set<Int>, store: DownloadStore) throws {
        for attempt in 0..<20 {
            try store.optimize(unit.kind, utcDays: utcDays)
            if try store.count(unit, final: false) == UInt64(rows) { return }
            IQFeed.Clock.sleep(seconds: 0.05 * Double(attempt + 1))
        }
        logger.warning("\(unit): duplicates remain until ClickHouse merges the partition (count() FINAL is exact)")
    }

    /// The lookup request for a unit: HTT (ticks), HIT (bars), HDT (daily), HWX/HMX (weekly/monthly,
    /// with enough datapoints to reach back to the unit's start).
    public static func command(for unit: DownloadUnit, requestID: String, today: Int) throws(CommandError) -> (String, LookupKind) {
        let s = unit.symbol.text
        let begin = EasternDateTime(utc: unit.from), end = EasternDateTime(utc: unit.to)
        switch unit.kind {
        case .ticks:
            return (try IQFeedCommand.ticksRange(s, begin: begin, end: end, requestID: requestID), .ticks)
        case .bars(let n):
            return (try IQFeedCommand.intervalsRange(s, interval: n, begin: begin, end: end, requestID: requestID), .intervals(.seconds(n)))
        case .daily:
            return (try IQFeedCommand.dailyRange(s, begin: begin, end: EasternDateTime(utc: unit.to - 1), requestID: requestID), .calendar(.daily))
        case .weekly:
            let weeks = max(1, (today - unit.firstDay) / 7 + 3)
            return (try IQFeedCommand.weekly(s, maxDatapoints: weeks, requestID: requestID), .calendar(.weekly))
        case .monthly:
            let months = max(1, (today - unit.firstDay) / 28 + 3)
            return (try IQFeedCommand.monthly(s, maxDatapoints: months, requestID: requestID), .calendar(.monthly))
        }
    }
}

/// The shared list of units still to do.
final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(DownloadUnit, Int)]
    private var index = 0
    init(_ items: [(DownloadUnit, Int)]) { self.items = items }
    private var closed = false
    func close() { lock.lock(); closed = true; lock.unlock() }
    /// Items never handed out.
    func remaining() -> [(DownloadUnit, Int)] { lock.lock(); defer { lock.unlock() }; return Array(items[min(index, items.count)...]) }
    func next() -> (DownloadUnit, Int)? {
        lock.lock(); defer { lock.unlock() }
        guard !closed, index < items.count else { return nil }
        defer { index += 1 }
        return items[index]
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [DownloadUnitReport] = []
    func add(_ r: DownloadUnitReport) { lock.lock(); items.append(r); lock.unlock() }
    var all: [DownloadUnitReport] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Hands one `LookupClient` to exactly one worker thread.
final class LookupBox: @unchecked Sendable {
    let client: LookupClient
    init(_ c: LookupClient) { client = c }
}

/// The rows of one unit's reply as RowBinary chunks: filters to the unit's window, stamps receive time and
/// seq, remembers the UTC days (partitions) written, and inserts a chunk when it is full.
struct TickChunks {
    let kind: DownloadKind
    let from: Nanos
    let to: Nanos
    let chunk: Int
    let receiveTime: Nanos
    var body: [UInt8] = []
    var inChunk = 0
    var rows: Int64 = 0
    var utcDays = Set<Int>()
    /// The UTC day last recorded, as `[dayStart, dayEnd)` in ns (empty at first).
    var dayStart: Nanos = 0
    var dayEnd: Nanos = 0
    /// The unit's `symbol` column, encoded once.
    let symbolColumn: [UInt8]
    var insertError: (any Error)?
    var insertSeconds = 0.0

    init(kind: DownloadKind, symbol: Symbol, from: Nanos, to: Nanos, chunk: Int, receiveTime: Nanos) {
        self.kind = kind; self.from = from; self.to = to; self.chunk = chunk; self.receiveTime = receiveTime
        symbolColumn = RowBinaryEncoder.symbolColumn(symbol)
        body.reserveCapacity(min(chunk, 100_000) * 96)
    }

    /// Encodes a tick row inside the window, with the unit's symbol; true when the chunk is full.
    /// The bytes are those `add(.tick(Trade(symbol:row:)))` writes.
    @inline(__always)
    mutating func add(_ r: TickRow) -> Bool {
        guard r.eventTime >= from, r.eventTime < to else { return false }
        rows += 1
        day(r.eventTime)
        let seq = r.tickID != 0 ? r.tickID : UInt64(rows)
        let column = symbolColumn, rt = receiveTime
        column.withUnsafeBytes { s in
            RowBinaryEncoder.appendTick(symbolColumn: s, eventTime: r.eventTime, receiveTime: rt, seq: seq, price: r.price,
                                        size: r.size, totalVolume: r.totalVolume, bid: r.bid, ask: r.ask, tickID: r.tickID,
                                        basis: r.basis, marketCenter: r.marketCenter, conditions: r.conditions,
                                        aggressor: r.aggressor, to: &body)
        }
        inChunk += 1
        return inChunk >= chunk
    }

    /// Encodes a tick or bar row inside the window; true when the chunk is full.
    @inline(__always)
    mutating func add(_ line: LookupLine) -> Bool {
        switch line {
        case .tick(var t):
            guard t.eventTime >= from, t.eventTime < to else { return false }
            rows += 1
            day(t.eventTime)
            t.receiveTime = receiveTime
            t.seq = t.tickID != 0 ? t.tickID : UInt64(rows)
            RowBinaryEncoder.append(t, to: &body)
        case .bar(var b):
            guard b.time >= from, b.time < to else { return false }
            rows += 1
            day(b.time)
            b.receiveTime = receiveTime
            RowBinaryEncoder.append(b, to: &body)
        default:
            return false
        }
        inChunk += 1
        return inChunk >= chunk
    }

    @inline(__always)
    mutating func day(_ t: Nanos) {
        if t >= dayStart && t < dayEnd { return }
        let day = Int(t / Time.nanosPerDay)
        utcDays.insert(day)
        // Truncating division: a negative t's day is [day * N - N + 1, day * N + 1); record only t's own
        // value then (the range check above is just a shortcut, inserting twice is harmless).
        if t >= 0 { dayStart = Int64(day) * Time.nanosPerDay; dayEnd = dayStart + Time.nanosPerDay } else { dayStart = t; dayEnd = t &+ 1 }
    }

    /// Inserts the chunk (after an insert error, drops it: the unit fails with that error).
    mutating func flush(_ store: DownloadStore) {
        defer { body.removeAll(keepingCapacity: true); inChunk = 0 }
        guard insertError == nil, !body.isEmpty else { return }
        let ti = IQFeed.Clock.monotonic()
        do { try store.insert(kind, body: body) } catch { insertError = error }
        insertSeconds += IQFeed.Clock.monotonic() - ti
    }
}
