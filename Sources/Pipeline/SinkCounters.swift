import Atomics

/// Exact per-sink counters (events, cumulative) that `mdt health`, Redis metrics and tests read.
///
/// - delivered: confirmed by the destination.
/// - failed: events in delivery attempts that failed (an event retried twice counts twice).
/// - spooled: events that had to wait in the on-disk journal because the sink was failing.
/// - redelivered: of those, events delivered once the sink came back.
/// - dropped: events given up on. The collector never drops; it stays 0 and is exported to prove it.
public final class SinkCounters: Sendable {
    public let sink: String
    public let delivered = ManagedAtomic<UInt64>(0)
    public let failed = ManagedAtomic<UInt64>(0)
    public let spooled = ManagedAtomic<UInt64>(0)
    public let redelivered = ManagedAtomic<UInt64>(0)
    public let dropped = ManagedAtomic<UInt64>(0)
    /// Batches delivered (for average batch size).
    public let deliveries = ManagedAtomic<UInt64>(0)
    /// 1 while the sink is failing.
    public let failing = ManagedAtomic<Bool>(false)

    public init(sink: String) { self.sink = sink }

    public struct Snapshot: Sendable, Equatable, Codable {
        public var sink: String
        public var delivered: UInt64
        public var failed: UInt64
        public var spooled: UInt64
        public var redelivered: UInt64
        public var dropped: UInt64
        public var pending: UInt64
        public var failing: Bool
    }

    public func snapshot(pending: Int) -> Snapshot {
        Snapshot(sink: sink, delivered: delivered.load(ordering: .relaxed), failed: failed.load(ordering: .relaxed),
                 spooled: spooled.load(ordering: .relaxed), redelivered: redelivered.load(ordering: .relaxed),
                 dropped: dropped.load(ordering: .relaxed), pending: UInt64(max(0, pending)),
                 failing: failing.load(ordering: .relaxed))
    }
}
