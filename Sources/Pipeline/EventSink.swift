import MarketData

/// A destination for market events (Kafka, ClickHouse, Redis, stdout...).
///
/// `deliver` is called from the sink's own thread with consecutive journal batches, and must return
/// only once the events are durable in the destination; it throws to have the same batches retried
/// later (they stay in the journal meanwhile). It is never called concurrently for one sink.
public protocol EventSink: AnyObject {
    /// Short name used for the journal cursor, counters and logs (`kafka`, `clickhouse`, `redis`).
    var name: String { get }
    /// Most events handed over in one `deliver` call.
    var maxEventsPerDelivery: Int { get }
    /// How long the driver may wait for more batches to fill a delivery (0 = deliver what is there).
    var lingerSeconds: Double { get }
    func deliver(_ batches: [[MarketEvent]]) throws
    /// What the driver calls: the batches with the raw lines the events came from, when the feed kept them.
    /// The default hands the events to `deliver(_:)`; a sink that sends lines (Kafka `--encoding raw`) overrides it.
    func deliver(journal batches: [JournalBatch]) throws
    /// Releases connections; called once when the driver stops.
    func close()
}

extension EventSink {
    public var maxEventsPerDelivery: Int { 50_000 }
    public var lingerSeconds: Double { 0 }
    public func deliver(journal batches: [JournalBatch]) throws { try deliver(batches.map(\.events)) }
    public func close() {}
}
