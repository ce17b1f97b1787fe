import ArgumentParser

/// The `mdt` root command: git-style subcommands over the shared libraries.
public struct MDT: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mdt",
        abstract: "Market-data toolbox: IQFeed -> Kafka -> ClickHouse, with Redis as the live cache.",
        version: MDTVersion.string,
        subcommands: [
            CollectCommand.self, DownloadCommand.self, ReplayCommand.self, BookCommand.self,
            QueryCommand.self, TopicsCommand.self, HealthCommand.self, BenchCommand.self, ConfigCommand.self,
        ]
    )

    public init() {}
}

public enum MDTVersion {
    public static let string = "0.1.0"
}
