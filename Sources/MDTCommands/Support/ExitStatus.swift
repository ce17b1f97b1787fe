import ArgumentParser
import Foundation

/// mdt's exit codes (sysexits.h values). `mdt health` uses 0/1/2/3 for its own verdicts.
public enum MDTExit: Int32, Sendable, CaseIterable {
    case ok = 0
    /// General failure.
    case failure = 1
    /// Bad flag or argument (ArgumentParser's EX_USAGE).
    case usage = 64
    /// Bad input data: a malformed file, line or SQL.
    case dataError = 65
    /// A required service is unavailable (connection refused, host unknown).
    case unavailable = 69
    /// Temporary failure; retrying may succeed (timeouts, a busy lock).
    case tempFailure = 75
    /// Configuration error: malformed or invalid config file or setting.
    case config = 78

    public var exitCode: ExitCode { ExitCode(rawValue) }
}

/// An error a command may throw: its `description` is ONE line naming what and where (no secrets),
/// and it says which exit code it means. The root prints `mdt: <description>` on stderr and exits.
public protocol MDTError: Error, CustomStringConvertible {
    var exitStatus: MDTExit { get }
}

/// Lets errors from the library modules (which cannot see `MDTError`) pick an exit code:
/// `extension ClickHouseError: ExitStatusProviding { public var exitStatus: MDTExit { ... } }`
/// in the command's file. Errors without a mapping exit 1 with their description.
public protocol ExitStatusProviding {
    var exitStatus: MDTExit { get }
}

/// A ready-made error for commands: `throw CommandFailure(.unavailable, "clickhouse http://h:8123: connection refused")`.
public struct CommandFailure: MDTError, Equatable {
    public var exitStatus: MDTExit
    public var message: String
    public init(_ status: MDTExit, _ message: String) {
        self.exitStatus = status
        self.message = message
    }
    public var description: String { message }

    public static func failure(_ m: String) -> Self { .init(.failure, m) }
    public static func dataError(_ m: String) -> Self { .init(.dataError, m) }
    public static func unavailable(_ m: String) -> Self { .init(.unavailable, m) }
    public static func tempFailure(_ m: String) -> Self { .init(.tempFailure, m) }
    public static func config(_ m: String) -> Self { .init(.config, m) }
}

/// Turns any error from a command's `run()` into one stderr line and an exit code.
public enum ErrorReport {
    /// The exit status an error maps to.
    public static func status(for error: any Error) -> MDTExit {
        if let e = error as? any MDTError { return e.exitStatus }
        if let e = error as? any ExitStatusProviding { return e.exitStatus }
        if error is OutputError { return .ok }  // broken pipe: the reader went away, that is fine
        if let e = error as? POSIXError { return status(errno: e.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return status(errno: Int32(ns.code)) }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileReadNoSuchFileError, NSFileReadCorruptFileError, NSFileReadInapplicableStringEncodingError: return .dataError
            default: return .failure
            }
        }
        return .failure
    }

    static func status(errno code: Int32) -> MDTExit {
        switch code {
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EHOSTDOWN: .unavailable
        case ETIMEDOUT, EAGAIN, EINTR, EBUSY: .tempFailure
        default: .failure
        }
    }

    /// The one line printed for an error (without the `mdt: ` prefix, never `Error: `).
    public static func message(for error: any Error) -> String {
        var text: String
        if let e = error as? any MDTError { text = e.description }
        else if let e = error as? any LocalizedError, let d = e.errorDescription { text = d }
        else { text = String(describing: error) }
        // One line: later lines (if any) are joined, prefixes that duplicate ours are dropped.
        text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: "; ")
        for prefix in ["mdt: ", "Error: ", "error: "] where text.hasPrefix(prefix) { text.removeFirst(prefix.count) }
        return text.isEmpty ? "failed (\(type(of: error)))" : text
    }

    /// Whether ArgumentParser should render this error itself (usage errors, help, `ExitCode`, `CleanExit`).
    /// (`--help` parses to a help command whose `run()` throws ArgumentParser's internal `CommandError`,
    /// so the check is by module, not by a list of public types.)
    public static func isArgumentParserError(_ error: any Error) -> Bool {
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
