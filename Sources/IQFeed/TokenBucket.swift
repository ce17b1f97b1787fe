import Foundation

/// A token-bucket rate limiter shared by every lookup connection of a process (IQFeed allows about
/// 50 history requests per second per user). Thread-safe. `acquire()` blocks until a token is
/// available; callers reserve a slot under the lock and sleep outside it, so waiters are served in
/// order and the long-run rate never exceeds `ratePerSecond`.
public final class TokenBucket: @unchecked Sendable {
    public let ratePerSecond: Double
    public let burst: Double
    private let lock = NSLock()
    private var tokens: Double
    private var last: Double?
    private let now: @Sendable () -> Double

    /// `burst` tokens may be spent at once after an idle period (default 5, well under the ~75/s
    /// bursts the server tolerates). `now` is a monotonic clock in seconds (injectable for tests).
    public init(ratePerSecond: Double = 50, burst: Double = 5, now: @escaping @Sendable () -> Double = { Clock.monotonic() }) {
        self.ratePerSecond = max(0.001, ratePerSecond)
        self.burst = max(1, burst)
        self.tokens = max(1, burst)
        self.now = now
    }

    /// Process-wide default (50 req/s).
    public static let shared = TokenBucket()

    /// Takes one token and returns how long the caller must wait before using it (0 = now).
    public func reserve() -> Double {
        lock.lock(); defer { lock.unlock() }
        let t = now()
        if let l = last { tokens = min(burst, tokens + (t - l) * ratePerSecond) }
        last = t
        tokens -= 1
        return tokens >= 0 ? 0 : -tokens / ratePerSecond
    }

    /// Takes a token only if one is available now.
    public func tryAcquire() -> Bool {
        lock.lock(); defer { lock.unlock() }
        let t = now()
        if let l = last { tokens = min(burst, tokens + (t - l) * ratePerSecond) }
        last = t
        if tokens >= 1 { tokens -= 1; return true }
        return false
    }

    /// Blocks until a token is available.
    public func acquire() {
        Clock.sleep(seconds: reserve())
    }
}
