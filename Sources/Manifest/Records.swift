/// A symbol in the universe.
public struct SymbolRecord: Equatable, Sendable {
    public var symbol: String
    public var active: Bool
    /// Free text: `equity`, `future`, `option`, `index`...
    public var kind: String
    /// Unix nanoseconds, UTC.
    public var addedAt: Int64
    public var notes: String
}

/// The life of one download unit.
public enum DownloadState: String, Sendable, CaseIterable {
    case pending, running, done, failed
    /// Finished with no rows (a holiday, a symbol that did not trade).
    case empty
}

/// One unit of download work: a symbol, a kind (`ticks`, `bars-1m`, `daily`...) and a day (`YYYY-MM-DD`).
public struct DownloadKey: Hashable, Sendable, CustomStringConvertible {
    public var symbol: String
    public var kind: String
    public var day: String
    public init(symbol: String, kind: String, day: String) {
        self.symbol = symbol
        self.kind = kind
        self.day = day
    }
    public var description: String { "\(symbol)/\(kind)/\(day)" }
}

public struct DownloadRecord: Equatable, Sendable {
    public var key: DownloadKey
    public var state: DownloadState
    public var rows: Int64
    public var attempts: Int
    public var error: String?
    /// The pid holding a `running` unit.
    public var ownerPID: Int32?
    public var startedAt: Int64?
    public var finishedAt: Int64?
    public var updatedAt: Int64
}

/// Count and rows per (kind, state).
public struct DownloadSummary: Equatable, Sendable {
    public var kind: String
    public var state: DownloadState
    public var units: Int
    public var rows: Int64
    public init(kind: String, state: DownloadState, units: Int, rows: Int64) {
        self.kind = kind
        self.state = state
        self.units = units
        self.rows = rows
    }
}

/// A background mdt process.
public struct ProcessRecord: Equatable, Sendable {
    public var name: String
    public var pid: Int32
    public var command: String
    public var logPath: String?
    public var startedAt: Int64
    public var heartbeatAt: Int64
    public var state: String
    /// Whether the pid exists right now (checked when listed).
    public var alive: Bool
}
