import Foundation
import MDTTestSupport
import Redis

/// The redis-server binary, found on PATH.
let redisServerPath: String? = {
    let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") + ["/usr/bin", "/usr/sbin"]
    return dirs.map { "\($0)/redis-server" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

/// Own-server tests run when redis-server is installed, and always under CI (so a missing
/// binary fails rather than skips).
let canStartRedis = TestServices.isCI || redisServerPath != nil

func uniqueKey(_ prefix: String) -> String { "mdt:test:\(prefix):\(UInt32.random(in: 0...UInt32.max))" }

struct RedisServerStartFailed: Error, CustomStringConvertible {
    var description: String
}

/// A redis-server this test owns: started on `port` (in the foreground, so we hold its pid),
/// stopped (SIGKILL) by `kill()` or when the test ends via `stop()`.
final class OwnRedisServer {
    let port: Int
    let extraArgs: [String]
    private var process: Process?
    private let dir: String

    init(port: Int = unusedPort(), extraArgs: [String] = []) throws {
        self.port = port
        self.extraArgs = extraArgs
        dir = NSTemporaryDirectory() + "mdt-redis-\(port)-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try start()
    }

    var url: String { "redis://127.0.0.1:\(port)" }

    func start() throws {
        guard let path = redisServerPath else { throw RedisServerStartFailed(description: "redis-server not found on PATH") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir] + extraArgs
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // Ready when it accepts TCP connections (PING may need AUTH, so only connect).
        let ready = pollUntil(timeout: 10) { tcpConnects(port: port) }
        guard ready, p.isRunning else { throw RedisServerStartFailed(description: "redis-server on port \(port) did not start") }
    }

    /// SIGKILL, as a crash would; waits until the process is gone.
    func kill() {
        guard let p = process else { return }
        Foundation.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    func stop() {
        kill()
        try? FileManager.default.removeItem(atPath: dir)
    }

    deinit { stop() }
}

func tcpConnects(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}
