import ArgumentParser

/// `mdt config` (being built).
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt config is not built yet")
    }
}
