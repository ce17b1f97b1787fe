import Foundation
import Logging

/// A swift-log handler writing one line per record to stderr:
/// `2026-11-23T19:14:14.123Z notice mdt.collect: connected host=localhost:5009`.
public struct StderrLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let label: String
    let color: Bool

    public init(label: String, level: Logger.Level, color: Bool = false) {
        self.label = label
        self.logLevel = level
        self.color = color
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let p = metadataProvider { all.merge(p.get()) { _, b in b } }
        if let m = event.metadata { all.merge(m) { _, b in b } }
        let level = color ? Self.colored(event.level) : event.level.rawValue
        var line = "\(Self.timestamp()) \(level) \(label): \(event.message)"
        for (k, v) in all.sorted(by: { $0.key < $1.key }) { line += " \(k)=\(v)" }
        StandardError.line(line)
    }

    static func colored(_ level: Logger.Level) -> String {
        switch level {
        case .error, .critical: ANSI.red(level.rawValue)
        case .warning: ANSI.yellow(level.rawValue)
        case .trace, .debug: ANSI.dim(level.rawValue)
        default: level.rawValue
        }
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var tm = tm()
        gmtime_r(&t, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(tm.tm_year) + 1900, Int(tm.tm_mon) + 1, Int(tm.tm_mday),
                      Int(tm.tm_hour), Int(tm.tm_min), Int(tm.tm_sec), Int(tv.tv_usec / 1000))
    }
}

/// Installs the stderr handler for the whole process once (swift-log allows a single bootstrap);
/// later calls only change the level that new loggers get.
public enum LogBootstrap {
    nonisolated(unsafe) private static var level: Logger.Level = .notice
    nonisolated(unsafe) private static var color = false
    nonisolated(unsafe) private static var done = false
    private static let lock = NSLock()

    public static func bootstrap(level: Logger.Level, color: Bool) {
        lock.lock()
        defer { lock.unlock() }
        Self.level = level
        Self.color = color
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            lock.lock()
            defer { lock.unlock() }
            return StderrLogHandler(label: label, level: Self.level, color: Self.color)
        }
    }
}
