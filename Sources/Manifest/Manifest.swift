import Foundation
import GRDB

/// The local SQLite catalogue (`$MDT_HOME/manifest.db`): the symbol universe, every download unit and
/// its state, and every background process. Shared by cron jobs and collectors, so it runs in WAL mode
/// with a busy timeout, and every write is an IMMEDIATE transaction.
///
/// GRDB (on the system libsqlite3) gives migrations, WAL and a connection pool ready-made; a wrapper of
/// our own would re-implement exactly those parts.
public final class Manifest: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool

    /// `manifest.db` inside `home`.
    public static func defaultPath(home: String) -> String {
        (home as NSString).appendingPathComponent("manifest.db")
    }

    /// Opens (creating with mode 0600) and migrates the manifest. The parent directory must exist.
    /// - Parameter busyTimeout: how long a write waits for another process's lock before `ManifestError.busy`.
    public static func open(path: String, busyTimeout: TimeInterval = 5) throws(ManifestError) -> Manifest {
        // Create the file ourselves so it is private from the first byte; SQLite gives -wal/-shm the same mode.
        let fd = Foundation.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .open(path: path, reason: String(cString: strerror(errno))) }
        _ = fchmod(fd, 0o600)
        close(fd)

        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.label = "manifest"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw .open(path: path, reason: Self.reason(error))
        }
        let manifest = Manifest(path: path, pool: pool)
        try manifest.migrate()
        return manifest
    }

    init(path: String, pool: DatabasePool) {
        self.path = path
        self.pool = pool
    }

    /// The journal mode in effect (`wal`).
    public func journalMode() throws(ManifestError) -> String {
        try read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    /// Applied migration identifiers, oldest first.
    public func appliedMigrations() throws(ManifestError) -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }

    // MARK: - Migrations

    static let migrator: DatabaseMigrator = {
        var m = DatabaseMigrator()
        m.registerMigration("v1: symbols, downloads, processes") { db in
            try db.execute(sql: """
                CREATE TABLE symbols (
                    symbol   TEXT PRIMARY KEY NOT NULL,
                    active   INTEGER NOT NULL DEFAULT 1,
                    kind     TEXT NOT NULL DEFAULT 'equity',
                    added_at INTEGER NOT NULL,
                    notes    TEXT NOT NULL DEFAULT ''
                );
                CREATE TABLE downloads (
                    id          INTEGER PRIMARY KEY,
                    symbol      TEXT NOT NULL,
                    kind        TEXT NOT NULL,
                    day         TEXT NOT NULL,
                    state       TEXT NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'running', 'done', 'failed', 'empty')),
                    rows        INTEGER NOT NULL DEFAULT 0,
                    attempts    INTEGER NOT NULL DEFAULT 0,
                    error       TEXT,
                    owner_pid   INTEGER,
                    started_at  INTEGER,
                    finished_at INTEGER,
                    updated_at  INTEGER NOT NULL,
                    UNIQUE (symbol, kind, day)
                );
                CREATE INDEX downloads_by_state ON downloads (state, kind, day);
                CREATE TABLE processes (
                    name         TEXT PRIMARY KEY NOT NULL,
                    pid          INTEGER NOT NULL,
                    command      TEXT NOT NULL,
                    log_path     TEXT,
                    started_at   INTEGER NOT NULL,
                    heartbeat_at INTEGER NOT NULL,
                    state        TEXT NOT NULL DEFAULT 'running'
                );
                """)
        }
        return m
    }()

    func migrate() throws(ManifestError) {
        do {
            try Self.migrator.migrate(pool)
        } catch {
            // Two processes opening a fresh file at once: the loser sees the winner's tables. Accept that
            // when the schema is in fact complete now.
            let complete = (try? pool.read { db in try Self.migrator.hasCompletedMigrations(db) }) ?? false
            if !complete { throw .migration(path: path, reason: Self.reason(error)) }
        }
    }

    // MARK: - Access helpers

    func read<T>(_ body: (Database) throws -> T) throws(ManifestError) -> T {
        do { return try pool.read(body) } catch { throw map(error) }
    }

    /// One IMMEDIATE transaction: the write lock is taken up front, waiting up to the busy timeout.
    func write<T>(_ body: (Database) throws -> T) throws(ManifestError) -> T {
        do { return try pool.write(body) } catch { throw map(error) }
    }

    func map(_ error: any Error) -> ManifestError {
        if let e = error as? ManifestError { return e }
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            return .busy(path: path)
        }
        return .sqlite(path: path, reason: Self.reason(error))
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return String(describing: error)
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Whether `pid` exists (EPERM means it exists under another user).
    public static func isAlive(pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}
