import Foundation

/// A value set by one thread and read by another, under a lock.
public final class Shared<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    public init(_ value: T) { self.value = value }
    public func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    public func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
    public func update(_ body: (inout T) -> Void) { lock.lock(); body(&value); lock.unlock() }
}
