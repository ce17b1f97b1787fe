/// A manifest failure. Every message names the database file.
public enum ManifestError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file could not be created or opened.
    case open(path: String, reason: String)
    /// A schema migration failed.
    case migration(path: String, reason: String)
    /// Another process held the database longer than the busy timeout.
    case busy(path: String)
    /// Any other SQLite error.
    case sqlite(path: String, reason: String)
    /// `registerProcess` found a live process under the same name.
    case alreadyRunning(path: String, name: String, pid: Int32)
    /// `finish`/`fail` on a download unit the caller does not hold.
    case notClaimed(path: String, unit: String, state: String)
    /// A value the manifest refuses (empty symbol, bad day).
    case invalid(path: String, reason: String)

    public var description: String {
        switch self {
        case .open(let p, let r): "manifest \(p): cannot open: \(r)"
        case .migration(let p, let r): "manifest \(p): migration failed: \(r)"
        case .busy(let p): "manifest \(p): database is busy (locked by another process for more than the busy timeout)"
        case .sqlite(let p, let r): "manifest \(p): \(r)"
        case .alreadyRunning(let p, let n, let pid): "process '\(n)' is already running as pid \(pid) (manifest \(p))"
        case .notClaimed(let p, let u, let s): "manifest \(p): download \(u) is not held by this process (state \(s))"
        case .invalid(let p, let r): "manifest \(p): \(r)"
        }
    }
}
