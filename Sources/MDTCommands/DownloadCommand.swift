import ArgumentParser
import ClickHouse
import Foundation
import Manifest
import MarketData
import Pipeline

/// `mdt download`: cron-grade historical downloads from the IQFeed lookup port into ClickHouse.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download IQFeed history into ClickHouse (resumable, idempotent, made for cron).",
        discussion: """
            Work is split into units (symbol x kind x trading day; daily bars per month, weekly/monthly per year) \
            recorded in the manifest ($MDT_HOME/manifest.db). A re-run skips done units, retries failed ones \
            after a backoff, and redoes units killed mid-way without duplicates (rows carry deterministic keys).
            Exit codes: 0 every unit done (or skipped as done), 1 failed units (tried now, or still failed and waiting \
            for their retry backoff; listed on stderr), \
            2 nothing could be done (IQFeed or ClickHouse unreachable; note: not 69 as elsewhere in mdt), \
            64 bad arguments. SIGINT/SIGTERM stop after the units in progress (exit 1; the rest stay pending); \
            a second signal exits at once.
            """,
        subcommands: [Run.self, Status.self, Gaps.self],
        defaultSubcommand: Run.self
    )
}

/// Exit 2: nothing could be done (a service is down). The message is printed before exiting.
struct DownloadUnavailable: Error {}

extension DownloadCommand {
    static func downloaderConfiguration(_ ctx: CommandContext, _ tuning: DownloadTuningOptions) -> DownloaderConfiguration {
        let s = ctx.settings
        var c = DownloaderConfiguration(clickhouse: DownloadClickHouse(
            url: s.clickhouse.url, user: s.clickhouse.user, password: s.clickhouse.password?.value ?? "",
            database: s.clickhouse.database, timeoutSeconds: max(s.clickhouse.timeoutSeconds, 30)))
        c.iqfeedHost = s.iqfeed.host
        c.lookupPort = s.iqfeed.lookupPort
        c.lookupRate = tuning.lookupRate ?? Double(s.iqfeed.lookupRate)
        c.concurrency = tuning.concurrency
        c.chunkRows = tuning.chunkRows
        c.maxAttempts = tuning.maxAttempts
        c.retryBackoff = tuning.retryBackoff
        c.force = tuning.force
        return c
    }

    /// Runs units with the reporter; prints the summary and failures; exits 0/1/2.
    static func execute(_ units: [DownloadUnit], ctx: CommandContext, config: DownloaderConfiguration, summaryOnly: Bool, json: Bool) async throws {
        let manifest = try ctx.openManifest()
        let jsonLines = !summaryOnly && (json || !ctx.stdout.isTTY)
        let reporter = DownloadReporter(jsonLines: jsonLines, progress: ctx.progress, total: units.count, stdout: ctx.stdout)
        let downloader = Downloader(configuration: config, manifest: manifest, logger: ctx.logger)
        let signals = DownloadSignals.install(ctx: ctx) { downloader.stop() }
        defer { signals.cancel() }
        let summary: DownloadRunSummary
        do {
            summary = try await runOnThread { try downloader.run(units) { reporter.report($0) } }
        } catch let e as DownloadError {
            ctx.progress.finish()
            if e.isUnavailable {
                StandardError.line("mdt: " + e.description)
                if summaryOnly { try ctx.stdout.line("{\"summary\":true,\"units\":\(units.count),\"exit\":2,\"error\":\(JSONText.string(e.description))}") }
                try? ctx.stdout.flush()
                throw ExitCode(2)
            }
            throw CommandFailure(.failure, e.description)
        }
        ctx.progress.finish()
        // 1 also when failed units were left alone this run (backoff, out of attempts): they still need care.
        let code: Int32 = summary.failed == 0 ? (summary.stillFailed.isEmpty && summary.interrupted == 0 ? 0 : 1) : (summary.nothingPossible ? 2 : 1)
        if summaryOnly { try ctx.stdout.line(DownloadRendering.json(summary, exitCode: code)) }
        else if !jsonLines { try ctx.stdout.line(DownloadRendering.text(summary)) }
        else if !ctx.output.progress && ctx.logLevel <= .info { ctx.logger.info("\(DownloadRendering.text(summary))") }
        for f in summary.failures {
            StandardError.line("mdt: failed \(f.unit.key.description): \(f.message ?? "")")
        }
        for f in summary.stillFailed {
            StandardError.line("mdt: still failed \(f.unit.key.description): \(f.message ?? "")")
        }
        if summary.interrupted > 0 {
            StandardError.line("mdt: interrupted: \(summary.interrupted) units not started (they stay pending for the next run)")
        }
        try ctx.stdout.flush()
        if code != 0 { throw ExitCode(code) }
    }
}

extension DownloadCommand {
    /// `mdt download [run] SYMBOLS... --kind K --from/--to|--days|--since-last`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Download history for symbols (the default subcommand).",
            discussion: """
                Requests: ticks HTT, bars:N HIT, daily HDT, weekly HWX, monthly HMX. Times are US/Eastern on input \
                and UTC in ClickHouse. On a terminal a progress bar shows on stderr; otherwise stdout gets one JSON \
                line per unit (or one summary line with --summary).
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions

        @Argument(help: "Symbols (as IQFeed spells them).")
        var symbols: [String] = []

        @Option(name: .customLong("symbols"), help: ArgumentHelp("More symbols: A,B,C or @FILE (one per line, # comments).", valueName: "list|@file"))
        var symbolList: String?

        @Flag(name: .customLong("all-active"), help: "Every active symbol of the manifest.")
        var allActive = false

        @Option(name: .long, help: "ticks, bars:SECONDS, daily, weekly or monthly.")
        var kind: DownloadKind = .ticks

        @OptionGroup(title: "Range") var range: DownloadRangeOptions

        @Flag(name: .customLong("since-last"), help: "Start at the last stored day of each symbol (--from/--days, else 30 days, for symbols with nothing stored).")
        var sinceLast = false

        @OptionGroup(title: "Tuning") var tuning: DownloadTuningOptions

        @Flag(name: .long, help: "Only one JSON summary line on stdout at the end.")
        var summary = false

        @Flag(name: .long, help: "JSON lines on stdout even on a terminal.")
        var json = false

        func validate() throws {
            if symbols.isEmpty && symbolList == nil && !allActive {
                throw ValidationError("name symbols, --symbols LIST|@FILE, or --all-active")
            }
            if !sinceLast && range.from == nil && range.days == nil {
                throw ValidationError("give a range: --from [--to], --days N, or --since-last")
            }
        }

        func run() async throws {
            let ctx = try CommandContext(global: global, flags: [iqfeed, clickhouse], label: "mdt.download")
            var syms = try DownloadSymbols.parse(symbols, list: symbolList)
            if allActive {
                let manifest = try ctx.openManifest()
                let known = Set(syms.map(\.text))
                for s in try manifest.activeSymbols() where !known.contains(s) {
                    guard let sym = try? Symbol(s) else { continue }
                    syms.append(sym)
                }
            }
            guard !syms.isEmpty else { throw ValidationError("no symbols to download (--all-active found no active symbols)") }
            let config = DownloadCommand.downloaderConfiguration(ctx, tuning)
            let now = IQFeedNow.wall()
            let end = range.end(now: now)
            var units: [DownloadUnit] = []
            if sinceLast {
                let fallback = range.start(now: now) ?? USEquityCalendar.midnight(USEquityCalendar.easternDay(now) - 29)
                let kind = self.kind
                let texts = syms.map(\.text)
                let last: [String: Nanos]
                do {
                    last = try await runOnThread {
                        let store = try DownloadStore(config.clickhouse)
                        try store.ensureSchema()
                        return try store.lastStored(symbols: texts, kind: kind)
                    }
                } catch let e as ClickHouseError {
                    StandardError.line("mdt: ClickHouse unavailable for --since-last: \(e.description)")
                    throw ExitCode(2)
                }
                for s in syms {
                    let from = last[s.text].map { USEquityCalendar.midnight(USEquityCalendar.easternDay($0)) } ?? fallback
                    units += DownloadPlanner.units(symbol: s, kind: kind, range: DownloadRange(from: from, to: end))
                }
                units = DownloadPlanner.ordered(units)
            } else {
                guard let start = range.start(now: now) else { throw ValidationError("give --from or --days") }
                guard end > start else { throw ValidationError("empty range: --to is not after --from") }
                units = DownloadPlanner.units(symbols: syms, kind: kind, range: DownloadRange(from: start, to: end))
            }
            ctx.logger.info("download plan", metadata: ["units": "\(units.count)", "symbols": "\(syms.count)", "kind": "\(kind)"])
            try await DownloadCommand.execute(units, ctx: ctx, config: config, summaryOnly: summary, json: json)
        }
    }

    /// `mdt download status [--json]`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "Show the download ledger per symbol and kind.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Option(name: .long, help: "Only this symbol.")
        var symbol: String?

        @Option(name: .long, help: "Only this kind (ticks, bars:60, daily, ...).")
        var kind: String?

        @Flag(name: .long, help: "A JSON array instead of a table.")
        var json = false

        func run() async throws {
            let ctx = try CommandContext(global: global, output: output, label: "mdt.download")
            let manifest = try ctx.openManifest()
            let rows = try DownloadLedger.status(manifest, symbol: symbol?.uppercased(), kind: kind)
            if json {
                let items = rows.map { r in
                    "{\"symbol\":\(JSONText.string(r.symbol)),\"kind\":\(JSONText.string(r.kind)),\"done\":\(r.done),\"empty\":\(r.empty)"
                        + ",\"failed\":\(r.failed),\"pending\":\(r.pending),\"running\":\(r.running),\"rows\":\(r.rows)"
                        + ",\"first_day\":\(JSONText.string(r.firstDay)),\"last_day\":\(JSONText.string(r.lastDay))"
                        + ",\"last_error\":\(r.lastError.map(JSONText.string) ?? "null")}"
                }
                try ctx.stdout.line("[" + items.joined(separator: ",") + "]")
                return
            }
            let w = ctx.rowWriter()
            try w.begin(columns: ["symbol", "kind", "done", "empty", "failed", "pending", "running", "rows", "first_day", "last_day", "last_error"])
            for r in rows {
                try w.write(row: [.string(r.symbol), .string(r.kind), .int(Int64(r.done)), .int(Int64(r.empty)), .int(Int64(r.failed)),
                                  .int(Int64(r.pending)), .int(Int64(r.running)), .int(r.rows), .string(r.firstDay), .string(r.lastDay),
                                  r.lastError.map(Cell.string) ?? .null])
            }
            try w.end()
        }
    }

    /// `mdt download gaps SYMBOLS --kind K --from --to [--fill]`.
    struct Gaps: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gaps",
            abstract: "List trading days with no stored data (US equity calendar); --fill downloads them.",
            discussion: """
                Expected days: weekdays that are not NYSE holidays (computed: New Year, MLK, Presidents, Good Friday, \
                Memorial, Juneteenth from 2022, Independence, Labor, Thanksgiving, Christmas, with weekend observance), \
                before today. Early closes are listed. Futures (@...) and weekly/monthly bars are "not judged".
                Exit codes: 0 no gaps (or all filled), 1 gaps remain, 2 a service is unreachable, 64 bad arguments.
                """)

        @OptionGroup var global: GlobalOptions
        @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions

        @Argument(help: "Symbols.")
        var symbols: [String] = []

        @Option(name: .customLong("symbols"), help: ArgumentHelp("More symbols: A,B,C or @FILE.", valueName: "list|@file"))
        var symbolList: String?

        @Option(name: .long, help: "ticks, bars:SECONDS or daily.")
        var kind: DownloadKind = .ticks

        @OptionGroup(title: "Range") var range: DownloadRangeOptions

        @Flag(name: .long, help: "Download the missing days.")
        var fill = false

        @Flag(name: .long, help: "One JSON object per symbol on stdout.")
        var json = false

        @OptionGroup(title: "Tuning (with --fill)") var tuning: DownloadTuningOptions

        func validate() throws {
            if symbols.isEmpty && symbolList == nil { throw ValidationError("name symbols or --symbols LIST|@FILE") }
            if range.from == nil && range.days == nil { throw ValidationError("give a range: --from [--to] or --days N") }
        }

        func run() async throws {
            let ctx = try CommandContext(global: global, flags: [iqfeed, clickhouse], label: "mdt.download")
            let syms = try DownloadSymbols.parse(symbols, list: symbolList)
            var config = DownloadCommand.downloaderConfiguration(ctx, tuning)
            let now = IQFeedNow.wall()
            guard let start = range.start(now: now) else { throw ValidationError("give --from or --days") }
            let r = DownloadRange(from: start, to: range.end(now: now))
            let kind = self.kind
            let today = USEquityCalendar.easternDay(now)
            let reports: [DownloadGapReport]
            do {
                let ch = config.clickhouse
                reports = try await runOnThread {
                    let store = try DownloadStore(ch)
                    try store.ensureSchema()
                    return try syms.map { s throws(ClickHouseError) in
                        try DownloadGaps.find(symbol: s.text, kind: kind, range: r, store: store, today: today)
                    }
                }
            } catch let e as ClickHouseError {
                StandardError.line("mdt: ClickHouse unavailable: \(e.description)")
                throw ExitCode(2)
            }
            for g in reports {
                if json {
                    let missing = g.missingDays.map { JSONText.string(USEquityCalendar.text($0)) }.joined(separator: ",")
                    let early = g.earlyCloses.map { JSONText.string(USEquityCalendar.text($0)) }.joined(separator: ",")
                    try ctx.stdout.line("{\"symbol\":\(JSONText.string(g.symbol)),\"kind\":\(JSONText.string(g.kind)),\"judged\":\(g.judged)"
                                        + ",\"expected_days\":\(g.expectedDays.count),\"missing\":[\(missing)],\"early_closes\":[\(early)]}")
                } else if !g.judged {
                    try ctx.stdout.line("\(g.symbol) \(g.kind): not judged (no US equity calendar for futures or weekly/monthly bars)")
                } else {
                    let early = g.earlyCloses.isEmpty ? "" : " (early close: " + g.earlyCloses.map(USEquityCalendar.text).joined(separator: " ") + ")"
                    if g.missingDays.isEmpty {
                        try ctx.stdout.line("\(g.symbol) \(g.kind): complete, \(g.expectedDays.count) trading days" + early)
                    } else {
                        try ctx.stdout.line("\(g.symbol) \(g.kind): \(g.missingDays.count) of \(g.expectedDays.count) trading days missing: "
                                            + g.missingDays.map(USEquityCalendar.text).joined(separator: " ") + early)
                    }
                }
            }
            let missingUnits = reports.flatMap { DownloadGaps.fillUnits($0, kind: kind) }
            guard fill, !missingUnits.isEmpty else {
                try ctx.stdout.flush()
                if !missingUnits.isEmpty { throw ExitCode(1) }
                return
            }
            config.force = true  // a missing day may be marked done in the ledger (rows deleted since)
            try await DownloadCommand.execute(missingUnits, ctx: ctx, config: config, summaryOnly: true, json: json)
        }
    }
}

/// SIGINT/SIGTERM: the first stops taking new units (those in progress finish and are recorded), a
/// second exits at once (exit 130; the ledger recovers the units that were running).
final class DownloadSignals: @unchecked Sendable {
    private var sources: [any DispatchSourceSignal] = []
    private let lock = NSLock()
    private var count = 0

    static func install(ctx: CommandContext, onFirst: @escaping @Sendable () -> Void) -> DownloadSignals {
        let s = DownloadSignals()
        let queue = DispatchQueue(label: "mdt.download.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            src.setEventHandler {
                s.lock.lock(); s.count += 1; let n = s.count; s.lock.unlock()
                if n == 1 {
                    ctx.progress.finish()
                    StandardError.line("mdt: stopping after the units in progress (signal again to exit now)")
                    onFirst()
                } else {
                    Foundation.exit(130)
                }
            }
            src.resume()
            s.sources.append(src)
        }
        return s
    }

    func cancel() {
        for src in sources { src.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}

enum IQFeedNow {
    static func wall() -> Nanos {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
