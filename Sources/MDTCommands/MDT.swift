import ArgumentParser
import Foundation

/// The `mdt` root command: git-style subcommands over the shared libraries.
public struct MDT: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mdt",
        abstract: "Market-data toolbox: IQFeed -> Kafka -> ClickHouse, with Redis as the live cache.",
        discussion: """
            Exit codes: 0 ok, 1 failure, 64 usage error, 65 bad input data, 69 service unavailable, \
            75 temporary failure (retry may succeed), 78 configuration error. `mdt health` uses 0/1/2/3.
            """,
        version: MDTVersion.string,
        subcommands: [
            CollectCommand.self, DownloadCommand.self, ReplayCommand.self, BookCommand.self,
            QueryCommand.self, TopicsCommand.self, HealthCommand.self, BenchCommand.self, ConfigCommand.self,
        ]
    )

    public init() {}

    /// Parses, runs, flushes stdout and exits. Usage errors, `--help` and `--version` are ArgumentParser's
    /// (exit 64 / 0); any other error prints ONE line `mdt: <what and where>` on stderr and exits with
    /// its `MDTExit`. A closed stdout (`mdt ... | head`) exits 0 quietly.
    public static func main() async {
        await main(Array(CommandLine.arguments.dropFirst()))
    }

    public static func main(_ arguments: [String]) async {
        signal(SIGPIPE, SIG_IGN)
        let command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var c = command
                try c.run()
            }
            try BufferedOutput.stdout.flush()
            fflush(nil)
            Foundation.exit(MDTExit.ok.rawValue)
        } catch {
            // Whatever the command managed to print goes out before the error line.
            try? BufferedOutput.stdout.flush()
            fflush(nil)
            if let e = error as? OutputError, e == .brokenPipe { Foundation.exit(MDTExit.ok.rawValue) }
            if ErrorReport.isArgumentParserError(error) { exit(withError: error) }
            StandardError.line("mdt: " + ErrorReport.message(for: error))
            Foundation.exit(ErrorReport.status(for: error).rawValue)
        }
    }
}

public enum MDTVersion {
    public static let string = "0.1.0"
}
