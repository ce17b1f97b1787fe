import ArgumentParser

/// `mdt bench` (being built).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt bench is not built yet")
    }
}
