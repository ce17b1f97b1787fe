import ArgumentParser
import Book
import ClickHouse
import Foundation
import MarketData
import Pipeline

/// `mdt book SYMBOL`: the order book of one symbol, live from IQFeed, from the Kafka Level 2 topic,
/// or rebuilt from ClickHouse as of any instant. Parses and prints; the sources live in Pipeline.
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "book",
        abstract: "Show one symbol's order book: live (IQFeed L2), from Kafka, or rebuilt from ClickHouse at any time.",
        discussion: """
            Sources (--source):
              live        IQFeed Level 2 at iqfeed.host:iqfeed.l2-port, WPL
                          (--by price, the default) or WOR (--by order).
              kafka       the iqfeed.l2.raw topic (after kafka.topic-prefix),
                          messages keyed by SYMBOL, from --offset
                          beginning|end|N (default beginning) or --since TIME.
              clickhouse  market_l2 rebuilt as of --at TIME (default now):
                          the symbol's rows with ts <= TIME, FINAL, in
                          (ts, seq) order. The replay starts at the latest
                          clear of both sides, else at --replay-from, else at
                          midnight US/Eastern of TIME's day (from the first
                          row if that finds none).

            Output:
              On a terminal: a ladder (orders, size, bid | ask, size, orders;
              spread, last update, updates/s) redrawn in place until Ctrl-C
              or --duration. Into a pipe or file: the same ladder as plain
              text (never escape codes), at most once a second.
              --source clickhouse prints the ladder once.
              --json: one snapshot as JSON once it has settled (live: the
              first T heartbeat after the snapshot rows, at most --wait
              seconds, default 5; kafka: the end of the data available at
              start; clickhouse: at once), then exit.
              --json --follow: one JSON line per change of the top levels.

            TIME:
              ISO-8601 with a zone: 2026-03-09T14:30:00Z, ...T10:30:00-04:00.
              US/Eastern wall-clock time without a zone: 2026-03-09 10:30:00,
              2026-03-09, 10:30 (today).
              Relative: now, -5m, 1h ago, -1h30m (units ms s m h d).

            Exit codes:
              0 ok; 64 bad flags or a malformed TIME; 65 unknown symbol
              (IQFeed n, no Kafka message, no ClickHouse row) or no data
              (TIME before the first row, nothing since TIME, an empty
              topic); 69 the source cannot be reached; 1 other failures.
            """
    )

    enum SourceKind: String, CaseIterable, ExpressibleByArgument { case live, kafka, clickhouse }
    enum ByKind: String, CaseIterable, ExpressibleByArgument { case price, order }

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Symbol as IQFeed spells it (e.g. @ESZ26, AAPL).")
    var symbol: String

    @Option(name: .long, help: "Where the book comes from: live, kafka or clickhouse.")
    var source: SourceKind = .live

    @Option(name: .long, help: "live: watch by price (WPL, default) or by order (WOR).")
    var by: ByKind?

    @Option(name: .long, help: "Price levels per side to show.")
    var depth: Int = 10

    @Flag(name: .long, help: "Print the book as JSON (one snapshot, then exit; with --follow one line per change).")
    var json = false

    @Flag(name: .long, help: "With --json: keep running and print a JSON line per change (live, kafka).")
    var follow = false

    @Option(name: .long, help: "live --json: most seconds to wait for the snapshot to settle.")
    var wait: Double?

    @Option(name: .long, help: ArgumentHelp("kafka: start at beginning, end, or offset N in every partition.", valueName: "beginning|end|N"))
    var offset: String?

    @Option(name: .long, help: ArgumentHelp("kafka: start at the first message at or after TIME.", valueName: "TIME"))
    var since: TimeArgument?

    @Option(name: .long, help: ArgumentHelp("clickhouse: the instant to rebuild the book at (default now).", valueName: "TIME"))
    var at: TimeArgument?

    @Option(name: .customLong("replay-from"), help: ArgumentHelp("clickhouse: replay from TIME when no clear rows give a start.", valueName: "TIME"))
    var replayFrom: TimeArgument?

    @Option(name: .long, help: "live, kafka: stop following after this many seconds.")
    var duration: Double?

    @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions
    @OptionGroup(title: "Kafka") var kafka: KafkaOptions
    @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions

    func validate() throws {
        do { _ = try Symbol(symbol) } catch { throw ValidationError("symbol '\(symbol)': \(error)") }
        guard depth >= 1 else { throw ValidationError("--depth must be at least 1") }
        if by != nil && source != .live { throw ValidationError("--by works with --source live only") }
        if wait != nil && source != .live { throw ValidationError("--wait works with --source live only") }
        if let wait, !(wait > 0) { throw ValidationError("--wait must be a positive number of seconds") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if (offset != nil || since != nil) && source != .kafka { throw ValidationError("--offset and --since work with --source kafka only") }
        if offset != nil && since != nil { throw ValidationError("give either --offset or --since, not both") }
        if let offset, Self.kafkaStart(offset: offset) == nil {
            throw ValidationError("--offset '\(offset)': expected beginning, end or a non-negative offset")
        }
        if (at != nil || replayFrom != nil) && source != .clickhouse { throw ValidationError("--at and --replay-from work with --source clickhouse only") }
        if follow && source == .clickhouse { throw ValidationError("--follow works with --source live or kafka (clickhouse rebuilds one instant)") }
        if follow && !json { throw ValidationError("--follow goes with --json (the ladder follows by itself)") }
    }

    static func kafkaStart(offset: String) -> KafkaBookSource.Start? {
        switch offset.lowercased() {
        case "beginning", "earliest": return .beginning
        case "end", "latest": return .end
        default:
            guard let n = Int64(offset), n >= 0 else { return nil }
            return .offset(n)
        }
    }

    func run() async throws {
        let ctx = try CommandContext(global: global, flags: [iqfeed, kafka, clickhouse], label: "mdt.book")
        let sym = try Symbol(symbol)
        let out = ctx.stdout
        switch source {
        case .clickhouse: try runClickHouse(ctx, sym)
        case .live, .kafka:
            let emitter = json && follow ? JSONLineEmitter(out: out) : nil
            var onChange: (@Sendable (BookSnapshot) -> Void)?
            if let emitter { onChange = { emitter.emit($0) } }
            let tracker = BookTracker(symbol: sym, depth: depth, onChange: onChange)
            let followed: any FollowingBookSource
            let label: String
            if source == .live {
                let s = ctx.settings.iqfeed
                let live = LiveBookSource(options: .init(host: s.host, port: s.l2Port, byOrder: by == .order), tracker: tracker, logger: ctx.logger)
                try live.start()
                followed = live
                label = "live \(live.endpoint) (by \(by == .order ? "order, WOR" : "price, WPL"))"
                if json && !follow {
                    defer { live.close() }
                    let settled = try live.waitSettled(timeout: wait ?? 5)
                    guard tracker.updateCount > 0 else {
                        throw BookSourceError.noData("no depth rows for '\(sym.text)' from IQFeed at \(live.endpoint) within \(wait ?? 5)s")
                    }
                    if !settled { ctx.logger.notice("no T heartbeat after the snapshot within \(wait ?? 5)s; printing the book as it is") }
                    try out.line(tracker.snapshot().json)
                    return
                }
            } else {
                let s = ctx.settings.kafka
                let topic = KafkaTopics(prefix: s.topicPrefix).book
                let start: KafkaBookSource.Start = since.map { .time($0.nanos) } ?? offset.flatMap(Self.kafkaStart(offset:)) ?? .beginning
                let k = KafkaBookSource(brokers: s.bootstrapServers, properties: s.properties, topic: topic, start: start,
                                        tracker: tracker, logger: ctx.logger)
                try k.open()
                followed = k
                label = "kafka \(topic) @ \(s.bootstrapServers)"
                if json && !follow {
                    defer { k.close() }
                    let p = try k.catchUp()
                    guard tracker.updateCount > 0 else {
                        let from = since.map { "since \($0.text)" } ?? "from offset \(offset ?? "beginning")"
                        if p.matched > 0 {
                            throw BookSourceError.badData("kafka \(topic): none of the \(p.matched) messages for '\(sym.text)' could be decoded")
                        }
                        throw BookSourceError.noData(p.available == 0
                            ? "kafka \(topic) holds no messages \(from)"
                            : "no Level 2 messages for '\(sym.text)' in kafka \(topic) \(from) (\(p.messages) messages read)")
                    }
                    try out.line(tracker.snapshot().json)
                    return
                }
            }
            defer { followed.close() }
            if let emitter {
                try followJSON(followed, emitter: emitter)
            } else {
                try followLadder(followed, tracker: tracker, ctx: ctx, label: label)
            }
        }
    }

    func runClickHouse(_ ctx: CommandContext, _ sym: Symbol) throws {
        let s = ctx.settings.clickhouse
        let client: ClickHouseClient
        do {
            client = try ClickHouseClient(url: s.url, user: s.user, password: s.password?.value ?? "", database: nil,
                                          timeout: .milliseconds(Int64(s.timeoutSeconds * 1000)), logger: ctx.logger)
        } catch {
            throw CommandFailure(.config, "clickhouse.url '\(s.url)': \(error)")
        }
        let asOf = at?.nanos ?? TimeArgument.wallNow()
        let source = ClickHouseBookSource(client: client, database: s.database, logger: ctx.logger)
        let r = try source.rebuild(symbol: sym, at: asOf, depth: depth, replayFrom: replayFrom?.nanos)
        ctx.logger.info("rebuilt from \(r.rows) rows since \(Time.iso8601(r.from))\(r.fromClear ? " (latest clear)" : "")",
                        metadata: ["inconsistencies": .stringConvertible(r.counters.inconsistencies)])
        if json {
            try ctx.stdout.line(r.snapshot.json)
            return
        }
        let renderer = LadderRenderer(color: ctx.output.color, sourceLabel: "clickhouse \(s.database).market_l2 @ \(client.endpoint)",
                                      depth: depth)
        try ctx.stdout.write(renderer.plain(renderer.lines(r.snapshot, stats: nil, asOf: asOf)))
    }

    /// Pumps the source and prints a JSON line per change (the tracker's onChange) until stopped.
    func followJSON(_ source: any FollowingBookSource, emitter: JSONLineEmitter) throws {
        let stop = BookStopSignal()
        let deadline = duration.map { Date().addingTimeInterval($0) }
        while !stop.requested {
            if let deadline, Date() >= deadline { break }
            try source.pump(timeout: 0.1)
            if let e = emitter.failure { throw e }
        }
    }

    /// Pumps the source and redraws the ladder: in place on a terminal (at most 10 times a second),
    /// as plain text blocks elsewhere (at most once a second, only after a change).
    func followLadder(_ source: any FollowingBookSource, tracker: BookTracker, ctx: CommandContext, label: String) throws {
        let out = ctx.stdout
        let tty = out.isTTY
        var renderer = LadderRenderer(color: ctx.output.color && tty, sourceLabel: label, depth: depth)
        let live = source as? LiveBookSource
        let stop = BookStopSignal()
        let deadline = duration.map { Date().addingTimeInterval($0) }
        let interval = tty ? 0.1 : 1.0
        var lastDraw = Date.distantPast
        var drawnCount: UInt64 = .max
        if tty { try out.write(LadderRenderer.hideCursor + LadderRenderer.clearScreen) }
        defer {
            if tty { try? out.write(LadderRenderer.showCursor); try? out.flush() }
        }
        func draw(force: Bool) throws {
            let count = tracker.updateCount
            let now = Date()
            if let live { renderer.sourceLabel = label + (live.isStreaming ? "" : "  [not connected: reconnecting]") }
            if tty {
                // Redraw on change, and at least once a second (the rate and times move).
                guard force || (count != drawnCount && now.timeIntervalSince(lastDraw) >= interval)
                        || now.timeIntervalSince(lastDraw) >= 1 else { return }
                let rows = LadderRenderer.terminalRows().map { max(1, $0 - 4) }
                try out.write(renderer.frame(renderer.lines(tracker.snapshot(), stats: tracker.stats, maxRows: rows)))
            } else {
                // A block after a change, at most once per interval; at the end the last state (even an empty book).
                guard count != drawnCount, force || (count > 0 && now.timeIntervalSince(lastDraw) >= interval) else { return }
                try out.write((drawnCount == .max ? "" : "\n") + renderer.plain(renderer.lines(tracker.snapshot(), stats: tracker.stats)))
            }
            try out.flush()
            lastDraw = now
            drawnCount = count
        }
        if tty { try draw(force: true) }
        while !stop.requested {
            if let deadline, Date() >= deadline { break }
            try source.pump(timeout: 0.1)
            try draw(force: false)
        }
        try draw(force: true)
    }
}

/// Writes one JSON snapshot line per change from the source thread; remembers a write failure
/// (a closed pipe) for the loop to act on.
final class JSONLineEmitter: @unchecked Sendable {
    let out: BufferedOutput
    private let lock = NSLock()
    private var _failure: OutputError?

    init(out: BufferedOutput) { self.out = out }

    var failure: OutputError? { lock.lock(); defer { lock.unlock() }; return _failure }

    func emit(_ snapshot: BookSnapshot) {
        var bytes: [UInt8] = []
        snapshot.appendJSON(to: &bytes)
        bytes.append(0x0A)
        do {
            try out.write(bytes: bytes)
            try out.flush()
        } catch {
            lock.lock(); if _failure == nil { _failure = error }; lock.unlock()
        }
    }
}

/// SIGINT/SIGTERM end a following `mdt book` cleanly (the terminal is restored); a second one exits at once.
final class BookStopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var fired = false
    private var sources: [any DispatchSourceSignal] = []

    init() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { [weak self] in self?.fire() }
            src.resume()
            sources.append(src)
        }
    }

    func fire() {
        lock.lock(); defer { lock.unlock() }
        if fired {
            if isatty(1) == 1 { _ = LadderRenderer.showCursor.withCString { Foundation.write(1, $0, strlen($0)) } }
            Foundation.exit(130)
        }
        fired = true
    }

    var requested: Bool { lock.lock(); defer { lock.unlock() }; return fired }
}

extension BookSourceError: ExitStatusProviding {
    public var exitStatus: MDTExit {
        switch self {
        case .unknownSymbol, .noData, .badData: .dataError
        case .unavailable: .unavailable
        case .failed: .failure
        }
    }
}
