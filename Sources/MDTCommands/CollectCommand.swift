import ArgumentParser

/// `mdt collect` (being built).
struct CollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "collect", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt collect is not built yet")
    }
}
