import ArgumentParser

/// `mdt replay` (being built).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt replay is not built yet")
    }
}
