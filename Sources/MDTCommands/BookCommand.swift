import ArgumentParser

/// `mdt book` (being built).
struct BookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "book", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt book is not built yet")
    }
}
