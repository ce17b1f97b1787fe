/// One system metric sample (`market_metrics` row): a named value from one mdt process.
public struct MetricSample: Sendable, Equatable {
    public var time: Nanos
    /// Process name, e.g. `collect`.
    public var process: String
    /// Metric name, e.g. `events_received`.
    public var name: String
    public var value: Double
    /// Free-form labels, e.g. `topic=iqfeed.trades.raw` (empty when none).
    public var labels: String

    public init(time: Nanos, process: String, name: String, value: Double, labels: String = "") {
        self.time = time; self.process = process; self.name = name; self.value = value; self.labels = labels
    }
}
