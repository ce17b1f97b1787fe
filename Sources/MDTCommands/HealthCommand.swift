import ArgumentParser

/// `mdt health` (being built).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt health is not built yet")
    }
}
