import ArgumentParser
import Foundation
import Manifest
import Pipeline

extension CollectCommand {
    /// `mdt collect start --name NAME [...]`: the same as `run`, detached.
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start a named collector in the background (own session, log under $MDT_HOME/logs).")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var options: CollectOptions
        @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
        @OptionGroup(title: "Kafka") var kafka: KafkaOptions
        @OptionGroup(title: "Redis") var redis: RedisOptions
        @OptionGroup(title: "IQFeed") var iqfeed: IQFeedOptions

        @Option(name: .long, help: "Seconds to wait for the collector to report that it runs.")
        var waitTimeout: Double = 20

        func run() async throws {
            let ctx = try CommandContext(global: global, flags: [clickhouse, kafka, redis, iqfeed], label: "mdt.collect")
            _ = try CollectSetup.config(ctx, options)  // validate everything before detaching
            let manifest = try ctx.openManifest()
            if let existing = try manifest.processes().first(where: { $0.name == options.name }), existing.alive {
                throw CommandFailure(.tempFailure, "collector '\(options.name)' is already running (pid \(existing.pid))")
            }
            let logs = (ctx.settings.home as NSString).appendingPathComponent("logs")
            try HomeDirectory.ensure(logs)
            let logPath = (logs as NSString).appendingPathComponent("collect-\(options.name).log")
            var args = Array(CommandLine.arguments.dropFirst())
            guard let i = args.firstIndex(of: "start") else { throw CommandFailure(.failure, "cannot find 'start' in the command line") }
            args[i] = "run"
            let pid = try Detach.spawn(executable: Detach.selfPath(), arguments: args, logPath: logPath,
                                       environment: ["MDT_COLLECT_LOG": logPath])
            let deadline = Date().addingTimeInterval(waitTimeout)
            while Date() < deadline {
                if let exit = Detach.reap(pid) {
                    throw CommandFailure(.failure, "collector '\(options.name)' exited at start (status \(exit)); last log lines:\n" + Detach.tail(logPath, lines: 8))
                }
                if let p = try manifest.processes().first(where: { $0.name == options.name }), p.pid == pid {
                    try ctx.stdout.line("started collector '\(options.name)' pid \(pid), log \(logPath)")
                    return
                }
                usleep(50_000)
            }
            throw CommandFailure(.tempFailure, "collector '\(options.name)' (pid \(pid)) did not report within \(Int(waitTimeout))s; see \(logPath)")
        }
    }

    /// `mdt collect stop [NAME|--all]`.
    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop", abstract: "Stop background collectors: SIGTERM, wait for the flush, SIGKILL after --timeout.")

        @OptionGroup var global: GlobalOptions

        @Argument(help: "Collector name (default: 'default').")
        var name: String?

        @Flag(name: .long, help: "Stop every registered collector.")
        var all = false

        @Option(name: .long, help: "Seconds to wait for a clean exit before SIGKILL.")
        var timeout: Double = 60

        func run() async throws {
            let ctx = try CommandContext(global: global, label: "mdt.collect")
            let manifest = try ctx.openManifest()
            let records = try manifest.processes()
            let targets = all ? records : records.filter { $0.name == (name ?? "default") }
            if targets.isEmpty {
                if all { try ctx.stdout.line("no collectors registered"); return }
                throw CommandFailure(.failure, "no collector named '\(name ?? "default")' (see `mdt collect status`)")
            }
            var failed = false
            for p in targets {
                guard p.alive else {
                    _ = try manifest.unregisterProcess(name: p.name, pid: nil)
                    try ctx.stdout.line("\(p.name): stale entry (pid \(p.pid) is not running); removed")
                    continue
                }
                kill(p.pid, SIGTERM)
                let deadline = Date().addingTimeInterval(timeout)
                while Manifest.isAlive(pid: p.pid) && Date() < deadline {
                    _ = Detach.reap(p.pid)
                    usleep(50_000)
                }
                if Manifest.isAlive(pid: p.pid) {
                    kill(p.pid, SIGKILL)
                    _ = try manifest.unregisterProcess(name: p.name, pid: nil)
                    try ctx.stdout.line("\(p.name): did not stop within \(Int(timeout))s; killed (pid \(p.pid)); its spool is redelivered on the next start")
                    failed = true
                } else {
                    _ = try manifest.unregisterProcess(name: p.name, pid: p.pid)
                    try ctx.stdout.line("\(p.name): stopped (pid \(p.pid))")
                }
            }
            if failed { throw CommandFailure(.tempFailure, "some collectors had to be killed") }
        }
    }

    /// `mdt collect status [--json]`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status", abstract: "List collectors: alive, stale PID, last heartbeat, rates, backlog.")

        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        @Flag(name: .long, help: "Print JSON (same as --format json).")
        var json = false

        func run() async throws {
            let ctx = try CommandContext(global: global, output: output, label: "mdt.collect")
            let manifest = try ctx.openManifest()
            let now = Int64(Date().timeIntervalSince1970 * 1e9)
            var rows: [[Cell]] = []
            for p in try manifest.processes() {
                let status = CollectStatusFile.read(CollectSetup.statusPath(home: ctx.settings.home, name: p.name))
                let state = p.alive ? p.state : "stale (pid not running)"
                let pending: String = status?.collector.sinks.map { "\($0.sink)=\($0.pending)" }.joined(separator: " ") ?? ""
                let received: Cell = status.map { Cell.uint($0.collector.received) } ?? .null
                let rate: Cell = status.map { Cell.double(($0.rate * 10).rounded() / 10) } ?? .null
                let age = Double(now - p.heartbeatAt) / 1e9
                let row: [Cell] = [.string(p.name), .int(Int64(p.pid)), .string(state), .bool(p.alive), .double(age),
                                   received, rate, .string(pending), .string(p.logPath ?? "")]
                rows.append(row)
            }
            let writer = json ? ctx.rowWriter(.json) : ctx.rowWriter()
            try writer.writeAll(columns: ["name", "pid", "state", "alive", "heartbeat_age_s", "received", "rate", "pending", "log"], rows: rows)
        }
    }
}

enum CollectStatusFile {
    static func read(_ path: String) -> CollectStatus? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(CollectStatus.self, from: data)
    }
}

/// Starting a detached child: own session (setsid), stdin from /dev/null, output appended to a log.
enum Detach {
    static func selfPath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func spawn(executable: String, arguments: [String], logPath: String, environment: [String: String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The detached child must not keep any other descriptor of ours (e.g. a caller's pipe, which
        // would then never see EOF).
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd"))?.compactMap { Int32($0) } ?? []
        for fd in fds where fd > 2 && fcntl(fd, F_GETFD) >= 0 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        posix_spawnattr_setflags(&attr, Int16(0x80))  // POSIX_SPAWN_SETSID (glibc), not imported into Swift
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, &attr, argv, envp)
        guard rc == 0 else { throw CommandFailure(.failure, "cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }

    /// The exit status if `pid` (our child) has exited, without blocking.
    static func reap(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let r = waitpid(pid, &status, WNOHANG)
        guard r == pid else { return nil }
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    static func tail(_ path: String, lines: Int) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return "(no log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }
}
