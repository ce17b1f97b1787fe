import Foundation
import MDTTestSupport

/// Runs the built `mdt` binary. It is found at `<repo>/.build/debug/mdt`; the test targets do not
/// depend on the executable, so `swift build` (scripts/test.sh does it) must run before `swift test`.
/// `MDT_BINARY` overrides the path.
enum MDTBinary {
    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    struct NotBuilt: Error, CustomStringConvertible {
        var path: String
        var description: String { "\(path) not found: run `swift build` before `swift test` (scripts/test.sh does)" }
    }

    static var path: String {
        if let p = ProcessInfo.processInfo.environment["MDT_BINARY"], !p.isEmpty { return p }
        return TestServices.repoRoot.appendingPathComponent(".build/debug/mdt").path
    }

    /// A clean environment: PATH, HOME (a scratch dir, so the user's own config is never read), plus `env`.
    static func run(_ arguments: [String], env: [String: String] = [:], home: String) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw NotBuilt(path: path) }
        var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "MDT_HOME": home + "/.mdt"]
        environment.merge(env) { _, b in b }
        return try runProcess(path, arguments, environment: environment)
    }

    static func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.environment = environment
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Drain stderr on another thread so neither pipe can fill up and block the child.
        let errData = ErrBox()
        let t = Thread { errData.data = err.fileHandleForReading.readDataToEndOfFile(); errData.done.signal() }
        t.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errData.done.wait()
        p.waitUntilExit()
        return Result(
            stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData.data, as: UTF8.self),
            status: p.terminationStatus)
    }

    final class ErrBox: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }
}

/// A scratch directory for one test.
struct Scratch {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "mdt-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let p = path + "/" + name
        try text.write(toFile: p, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: p)
        return p
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
