import Foundation
import Logging
import Manifest

/// Everything a subcommand needs, built once from its option groups at the top of `run()`.
///
/// A subcommand takes the option groups for the systems it talks to, builds the context, and throws
/// typed errors; the root (`MDT.main`) flushes stdout, prints `mdt: <message>` for an error and exits
/// with its `MDTExit` code:
///
/// ```swift
/// struct QueryCommand: AsyncParsableCommand {
///     static let configuration = CommandConfiguration(commandName: "query", abstract: "Run SQL on ClickHouse.")
///     @OptionGroup var global: GlobalOptions
///     @OptionGroup(title: "ClickHouse") var clickhouse: ClickHouseOptions
///     @OptionGroup var output: OutputOptions
///     @Argument var sql: String
///
///     func run() async throws {
///         let ctx = try CommandContext(global: global, flags: [clickhouse], output: output, label: "mdt.query")
///         ctx.logger.info("querying", metadata: ["url": "\(ctx.settings.clickhouse.url)"])
///         guard !sql.isEmpty else { throw CommandFailure(.dataError, "empty SQL") }
///         let rows = ctx.rowWriter()                       // --format, or table on a TTY / tsv in a pipe
///         try rows.begin(columns: ["symbol", "trades"])
///         try rows.write(row: ["AAPL", .int(12)])          // Cell: .string/.int/.uint/.double/.number/.bool/.null
///         try rows.end()
///     }
/// }
/// ```
public struct CommandContext: Sendable {
    /// The resolved configuration (defaults < file < env < flags).
    public let settings: Settings
    /// A logger writing to stderr at the level `-v`/`--log-level`/`--quiet` chose.
    public let logger: Logger
    /// Format, colour, header and progress choices for stdout.
    public let output: OutputSettings
    /// Buffered stdout; the root flushes it after `run()` (and a broken pipe exits 0).
    public let stdout: BufferedOutput
    /// A status line on stderr (no-op unless stderr is a terminal and not `--quiet`).
    public let progress: ProgressLine
    /// The log level chosen.
    public let logLevel: Logger.Level

    /// Resolves settings and sets up logging. Throws `SettingsError` (exit 78, or 64 for a bad flag value).
    public init(
        global: GlobalOptions, flags: [any SettingsFlags] = [], output: OutputOptions? = nil, label: String = "mdt",
        environment: [String: String] = ProcessInfo.processInfo.environment, stdout: BufferedOutput = .stdout
    ) throws {
        let input = SettingsInput(configPath: global.config, environment: environment, overrides: flags.flatMap(\.overrides))
        try self.init(global: global, input: input, output: output, label: label, environment: environment, stdout: stdout)
    }

    /// As above with an explicit resolver input (tests).
    public init(
        global: GlobalOptions, input: SettingsInput, output: OutputOptions? = nil, label: String = "mdt",
        environment: [String: String] = ProcessInfo.processInfo.environment, stdout: BufferedOutput = .stdout
    ) throws {
        let level = global.effectiveLogLevel
        let stderrColor = global.colorEnabled(isTTY: StandardError.isTTY, environment: environment)
        LogBootstrap.bootstrap(level: level, color: stderrColor)
        var logger = Logger(label: label) { StderrLogHandler(label: $0, level: level, color: stderrColor) }
        logger.logLevel = level
        self.logger = logger
        self.logLevel = level
        self.settings = try SettingsResolver.resolve(input)
        logger.debug("configuration resolved", metadata: [
            "config": "\(settings.configPath)", "loaded": "\(settings.configFileLoaded)", "home": "\(settings.home)",
        ])
        self.stdout = stdout
        self.output = OutputSettings(
            format: output?.format ?? OutputFormat.automatic(isTTY: stdout.isTTY),
            color: global.colorEnabled(isTTY: stdout.isTTY, environment: environment),
            stderrColor: stderrColor,
            header: !(output?.noHeader ?? false),
            progress: !global.quiet && StandardError.isTTY)
        self.progress = ProgressLine(enabled: self.output.progress)
    }

    /// A row writer for `--format` on stdout.
    public func rowWriter() -> any RowWriter { makeRowWriter(output, to: stdout) }

    /// A row writer for an explicit format (e.g. `--json` flags).
    public func rowWriter(_ format: OutputFormat) -> any RowWriter {
        var o = output
        o.format = format
        return makeRowWriter(o, to: stdout)
    }

    /// Creates `$MDT_HOME` (mode 0700) if missing and returns it.
    @discardableResult
    public func ensureHome() throws -> String {
        try HomeDirectory.ensure(settings.home)
        return settings.home
    }

    /// Opens (creating if needed) `$MDT_HOME/manifest.db`.
    public func openManifest() throws -> Manifest {
        try ensureHome()
        return try Manifest.open(path: settings.manifestPath)
    }
}

/// Creates directories with private permissions.
public enum HomeDirectory {
    public static func ensure(_ path: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir) {
            if !isDir.boolValue { throw CommandFailure(.config, "\(path): MDT_HOME is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw CommandFailure(.failure, "\(path): cannot create directory: \((error as NSError).localizedDescription)")
        }
    }
}

extension ManifestError: ExitStatusProviding {
    public var exitStatus: MDTExit {
        switch self {
        case .busy: .tempFailure
        case .alreadyRunning: .tempFailure
        default: .failure
        }
    }
}
