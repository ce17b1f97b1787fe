import Foundation
import Kafka
import Logging
import MDTTestSupport

/// Output of a finished command.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Support {
    /// Runs `executable args` with a deadline; output goes through temp files (no pipe deadlocks).
    static func run(_ executable: String, _ args: [String], timeout: Double = 30) throws -> CommandResult {
        let dir = FileManager.default.temporaryDirectory
        let out = dir.appendingPathComponent("mdt-kafka-test-\(UUID().uuidString).out")
        let err = dir.appendingPathComponent("mdt-kafka-test-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [executable] + args
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning {
            if Date() > deadline {
                p.terminate()
                p.waitUntilExit()
                throw TestFailure("\(executable) \(args.joined(separator: " ")) did not finish within \(timeout)s")
            }
            usleep(20_000)
        }
        return CommandResult(status: p.terminationStatus,
                             stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }

    /// Everything in `topic` as kcat sees it, one formatted line per message (sorted).
    static func kcatConsume(brokers: String, topic: String, format: String = "%k|%s|%h\\n") throws -> [String] {
        let r = try run("kcat", ["-C", "-b", brokers, "-t", topic, "-o", "beginning", "-e", "-q", "-f", format], timeout: 60)
        guard r.status == 0 else { throw TestFailure("kcat failed (\(r.status)): \(r.stderr)") }
        return r.stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init).sorted()
    }

    /// Polls `condition` until it holds or `timeout` passes; returns whether it held.
    static func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(10_000)
        }
        return try condition()
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix).\(UInt32.random(in: 0...UInt32.max))"
    }

    static var quietLogger: Logger {
        var l = Logger(label: "mdt.kafka.test")
        l.logLevel = .error
        return l
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
