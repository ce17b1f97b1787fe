import Foundation

/// Writing to stdout failed. `.brokenPipe` (the reader closed: `mdt ... | head`) exits 0 quietly.
public enum OutputError: Error, Equatable, CustomStringConvertible {
    case brokenPipe
    case writeFailed(fd: Int32, errno: Int32)

    public var description: String {
        switch self {
        case .brokenPipe: "broken pipe"
        case .writeFailed(let fd, let e): "write to \(fd == 1 ? "stdout" : fd == 2 ? "stderr" : "fd \(fd)") failed: \(String(cString: strerror(e)))"
        }
    }
}

/// A buffered writer over a file descriptor: bytes go out in big chunks (64 KiB), EPIPE becomes
/// `OutputError.brokenPipe`. Thread-safe. Call `flush()` at the end (the root does for `stdout`).
public final class BufferedOutput: @unchecked Sendable {
    public let fd: Int32
    private let capacity: Int
    private var buffer: [UInt8]
    private let lock = NSLock()
    private var broken = false

    /// The process's standard output, shared by every command.
    public static let stdout = BufferedOutput(fd: 1)

    public init(fd: Int32, capacity: Int = 64 * 1024) {
        self.fd = fd
        self.capacity = capacity
        self.buffer = []
        buffer.reserveCapacity(capacity)
    }

    /// Whether the descriptor is a terminal.
    public var isTTY: Bool { isatty(fd) == 1 }

    public func write(_ text: String) throws(OutputError) {
        var t = text
        var failure: OutputError?
        t.withUTF8 { b in
            do { try write(bytes: UnsafeRawBufferPointer(b)) } catch { failure = error as? OutputError }
        }
        if let failure { throw failure }
    }

    /// Writes `text` and a newline.
    public func line(_ text: String) throws(OutputError) {
        try write(text)
        try write(bytes: [0x0A])
    }

    public func write(bytes: [UInt8]) throws(OutputError) {
        var failure: OutputError?
        bytes.withUnsafeBytes { b in
            do { try write(bytes: b) } catch { failure = error as? OutputError }
        }
        if let failure { throw failure }
    }

    public func write(bytes: UnsafeRawBufferPointer) throws(OutputError) {
        lock.lock()
        defer { lock.unlock() }
        if broken { throw .brokenPipe }
        if buffer.count + bytes.count > capacity {
            try drainLocked()
            if bytes.count >= capacity {
                try writeAll(bytes)
                return
            }
        }
        buffer.append(contentsOf: bytes)
    }

    public func flush() throws(OutputError) {
        lock.lock()
        defer { lock.unlock() }
        try drainLocked()
    }

    private func drainLocked() throws(OutputError) {
        guard !buffer.isEmpty else { return }
        let pending = buffer
        buffer.removeAll(keepingCapacity: true)
        var failure: OutputError?
        pending.withUnsafeBytes { b in
            do { try writeAll(b) } catch { failure = error as? OutputError }
        }
        if let failure { throw failure }
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws(OutputError) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Foundation.write(fd, p, left)
            if n < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EPIPE { broken = true; throw .brokenPipe }
                throw .writeFailed(fd: fd, errno: e)
            }
            p += n
            left -= n
        }
    }
}

/// Unbuffered stderr lines (errors, logs, progress). Failures to write stderr are ignored.
public enum StandardError {
    private static let lock = NSLock()

    public static func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        var t = text
        t.withUTF8 { b in
            guard var p = UnsafeRawPointer(b.baseAddress) else { return }
            var left = b.count
            while left > 0 {
                let n = Foundation.write(2, p, left)
                if n < 0 { if errno == EINTR { continue }; return }
                p += n
                left -= n
            }
        }
    }

    public static func line(_ text: String) { write(text + "\n") }

    public static var isTTY: Bool { isatty(2) == 1 }
}
