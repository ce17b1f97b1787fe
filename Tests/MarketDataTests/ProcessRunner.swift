import Foundation
import MDTTestSupport

/// Runs a program and captures its output (through temp files, so large outputs cannot deadlock).
enum ProcessRunner {
    struct Output { var status: Int32; var stdout: Data; var stderr: String }

    struct Failure: Error, CustomStringConvertible { let description: String }

    static func run(_ program: String, _ args: [String], stdin: Data? = nil) throws -> Output {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mdt-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [program] + args
        p.standardOutput = try FileHandle(forWritingTo: outURL)
        p.standardError = try FileHandle(forWritingTo: errURL)
        let pipe = Pipe()
        p.standardInput = pipe
        try p.run()
        if let stdin { pipe.fileHandleForWriting.write(stdin) }
        try pipe.fileHandleForWriting.close()
        p.waitUntilExit()
        return Output(status: p.terminationStatus, stdout: try Data(contentsOf: outURL),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// Just enough of a ClickHouse HTTP client for the schema tests: `curl` as a process
/// (the ClickHouse wrapper module belongs to another stream). Credentials go through stdin.
struct CurlClickHouse {
    let url: String
    let user: String
    let password: String

    static func fromServices() throws -> CurlClickHouse {
        CurlClickHouse(url: try TestServices.require(.clickhouse), user: TestServices.clickhouseUser,
                       password: TestServices.clickhousePassword)
    }

    static func percentEncode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// Runs `sql`; with `body`, the SQL goes in the URL and `body` is the request body (INSERT data).
    @discardableResult
    func query(_ sql: String, body: [UInt8]? = nil) throws -> [UInt8] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mdt-ch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let bodyURL = dir.appendingPathComponent("body"), outURL = dir.appendingPathComponent("out")
        let target: String
        if let body {
            try Data(body).write(to: bodyURL)
            target = url + "/?query=" + Self.percentEncode(sql)
        } else {
            try Data(sql.utf8).write(to: bodyURL)
            target = url + "/"
        }
        let config = "user = \"\(user):\(password)\"\n"
        let r = try ProcessRunner.run("curl", ["-sS", "-K", "-", "-o", outURL.path, "-w", "%{http_code}",
                                               "--data-binary", "@" + bodyURL.path, target], stdin: Data(config.utf8))
        let out = (try? Data(contentsOf: outURL)) ?? Data()
        let code = String(decoding: r.stdout, as: UTF8.self)
        guard r.status == 0, code == "200" else {
            let first = String(decoding: out, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? r.stderr
            throw ProcessRunner.Failure(description: "ClickHouse \(url) HTTP \(code): \(first) [sql: \(sql.prefix(200))]")
        }
        return [UInt8](out)
    }

    func text(_ sql: String) throws -> String {
        String(decoding: try query(sql), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
