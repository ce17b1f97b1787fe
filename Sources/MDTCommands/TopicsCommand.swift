import ArgumentParser

/// `mdt topics` (being built).
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "topics", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt topics is not built yet")
    }
}
