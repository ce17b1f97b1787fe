import ArgumentParser

/// `mdt query` (being built).
struct QueryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "query", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt query is not built yet")
    }
}
