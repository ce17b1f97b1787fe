import Foundation

/// Services of a test's own (ClickHouse, Redis) started by `scripts/services.sh` in a private run
/// dir, so a fault test can kill and restart them without disturbing the shared ones other tests use.
public final class PrivateServices: @unchecked Sendable {
    public let runDir: String

    public init(_ services: [String], name: String = "private") throws {
        runDir = NSTemporaryDirectory() + "mdt-\(name)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: runDir, withIntermediateDirectories: true)
        for s in services { try control("start", s) }
    }

    deinit { _ = try? control("down") }

    /// Runs `scripts/services.sh ARGS` against the private run dir; throws with its output on failure.
    public func control(_ args: String...) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [TestServices.repoRoot.appendingPathComponent("scripts/services.sh").path] + args
        var env = ProcessInfo.processInfo.environment
        env["MDT_RUN_DIR"] = runDir
        p.environment = env
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw ServiceControlError(command: args.joined(separator: " "), output: String(decoding: out, as: UTF8.self))
        }
    }

    /// The private `services.env` values.
    public var values: [String: String] {
        guard let text = try? String(contentsOfFile: runDir + "/services.env", encoding: .utf8) else { return [:] }
        var r: [String: String] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            if let eq = line.firstIndex(of: "=") { r[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        return r
    }

    public struct ServiceControlError: Error, CustomStringConvertible {
        public let command: String
        public let output: String
        public var description: String { "services.sh \(command) failed: \(output)" }
    }
}

/// Polls `condition` every few milliseconds until it holds or `timeout` passes.
public func pollUntil(timeout: TimeInterval = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(5_000)
    }
    return try condition()
}
