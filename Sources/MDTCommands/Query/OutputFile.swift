import Foundation

/// `--output FILE`: a new file (or, with `--force`, a truncated existing one) as a `BufferedOutput`.
enum OutputFile {
    static func open(_ path: String, force: Bool) throws -> BufferedOutput {
        let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL)
        let fd = Foundation.open(path, flags, 0o644)
        guard fd >= 0 else {
            let e = errno
            if e == EEXIST { throw CommandFailure(.failure, "\(path) already exists; use --force to overwrite it") }
            throw CommandFailure(.failure, "\(path): cannot create: \(String(cString: strerror(e)))")
        }
        return BufferedOutput(fd: fd)
    }

    /// Flushes and closes a file opened by `open`.
    static func close(_ out: BufferedOutput) throws {
        defer { _ = Foundation.close(out.fd) }
        try out.flush()
    }

    /// Writes a whole text file with the same overwrite rule.
    static func write(_ text: String, to path: String, force: Bool) throws {
        let out = try open(path, force: force)
        var failure: OutputError?
        do {
            try out.write(text)
            try out.flush()
        } catch { failure = error }
        _ = Foundation.close(out.fd)
        if let failure { throw CommandFailure(.failure, "\(path): \(failure.description)") }
    }
}
