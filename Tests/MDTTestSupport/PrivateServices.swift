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
        let logPath = runDir + "/control.log"
        let script = TestServices.repoRoot.appendingPathComponent("scripts/services.sh").path
        var env = ProcessInfo.processInfo.environment
        env["MDT_RUN_DIR"] = runDir
        let status = try spawnAndWait("/bin/bash", [script] + args, environment: env, outputPath: logPath)
        guard status == 0 else {
            let out = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            throw ServiceControlError(command: args.joined(separator: " "), output: out)
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

/// Runs a program to completion with posix_spawn + waitpid, output appended to `outputPath`.
/// (Foundation's `Process.waitUntilExit` can hang when the program leaves daemons behind that inherited
/// its descriptors, as `services.sh start` does.)
public func spawnAndWait(_ executable: String, _ arguments: [String], environment: [String: String], outputPath: String) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o600)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard rc == 0 else { throw PrivateServices.ServiceControlError(command: executable, output: String(cString: strerror(rc))) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}
