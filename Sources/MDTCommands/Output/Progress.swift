import Foundation

/// A single self-overwriting status line on stderr, shown only when stderr is a terminal and not `--quiet`.
/// Updates are throttled (at most 10 per second); `finish()` clears the line.
public final class ProgressLine: @unchecked Sendable {
    public let enabled: Bool
    private let lock = NSLock()
    private var lastDraw: UInt64 = 0
    private var drawn = false

    public init(enabled: Bool) { self.enabled = enabled }

    public func update(_ text: @autoclosure () -> String, force: Bool = false) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = DispatchTime.now().uptimeNanoseconds
        guard force || now - lastDraw >= 100_000_000 else { return }
        lastDraw = now
        drawn = true
        StandardError.write("\r\u{1B}[K" + text())
    }

    public func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drawn { StandardError.write("\r\u{1B}[K") }
        drawn = false
    }
}
