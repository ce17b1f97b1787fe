import ArgumentParser

/// `mdt download` (being built).
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "download", abstract: "Not built yet.")

    func run() async throws {
        throw ValidationError("mdt download is not built yet")
    }
}
