import Foundation
import GRDB

extension Manifest {
    /// Records units as `pending` unless already known (a done unit stays done); returns how many were new.
    @discardableResult
    public func upsertDownloads(_ keys: [DownloadKey]) throws(ManifestError) -> Int {
        for k in keys where k.symbol.isEmpty || k.kind.isEmpty || !Self.isDay(k.day) {
            throw .invalid(path: path, reason: "bad download unit \(k) (want symbol, kind, YYYY-MM-DD)")
        }
        let now = Self.now()
        return try write { db in
            var n = 0
            for k in keys {
                try db.execute(
                    sql: "INSERT INTO downloads (symbol, kind, day, state, updated_at) VALUES (?, ?, ?, 'pending', ?) ON CONFLICT (symbol, kind, day) DO NOTHING",
                    arguments: [k.symbol, k.kind, k.day, now])
                n += db.changesCount
            }
            return n
        }
    }

    /// Puts units back to `pending` (attempts reset), e.g. for a forced re-download; running units are left alone.
    @discardableResult
    public func requeueDownloads(_ keys: [DownloadKey]) throws(ManifestError) -> Int {
        let now = Self.now()
        return try write { db in
            var n = 0
            for k in keys {
                try db.execute(
                    sql: """
                        UPDATE downloads SET state = 'pending', attempts = 0, error = NULL, owner_pid = NULL, updated_at = ?
                        WHERE symbol = ? AND kind = ? AND day = ? AND state != 'running'
                        """,
                    arguments: [now, k.symbol, k.kind, k.day])
                n += db.changesCount
            }
            return n
        }
    }

    /// Atomically takes up to `limit` units that are `pending` or `failed` (with fewer than `maxAttempts`
    /// attempts) and marks them `running` for `owner`. Two processes never get the same unit. Units left
    /// `running` by a process that no longer exists are recovered first.
    public func claimDownloads(
        kind: String? = nil, symbol: String? = nil, limit: Int = 1, maxAttempts: Int = 5, owner: Int32 = getpid()
    ) throws(ManifestError) -> [DownloadRecord] {
        let now = Self.now()
        return try write { db in
            try Self.recoverOrphans(db, now: now)
            var sql = "SELECT id FROM downloads WHERE state IN ('pending', 'failed') AND attempts < ?"
            var args: StatementArguments = [maxAttempts]
            if let kind { sql += " AND kind = ?"; args += [kind] }
            if let symbol { sql += " AND symbol = ?"; args += [symbol] }
            sql += " ORDER BY day, symbol, kind LIMIT ?"
            args += [limit]
            let ids = try Int64.fetchAll(db, sql: sql, arguments: args)
            for id in ids {
                try db.execute(
                    sql: "UPDATE downloads SET state = 'running', owner_pid = ?, attempts = attempts + 1, error = NULL, started_at = ?, finished_at = NULL, updated_at = ? WHERE id = ?",
                    arguments: [owner, now, now, id])
            }
            guard !ids.isEmpty else { return [] }
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            return try Row.fetchAll(db, sql: Self.selectDownloads + " WHERE id IN (\(placeholders)) ORDER BY day, symbol, kind", arguments: StatementArguments(ids))
                .map(Self.downloadRecord)
        }
    }

    /// Takes one given unit if it is `pending` or `failed`; false if someone else holds it or it is finished.
    public func claimDownload(_ key: DownloadKey, owner: Int32 = getpid()) throws(ManifestError) -> Bool {
        let now = Self.now()
        return try write { db in
            try Self.recoverOrphans(db, now: now)
            try db.execute(
                sql: """
                    UPDATE downloads SET state = 'running', owner_pid = ?, attempts = attempts + 1, error = NULL, started_at = ?, finished_at = NULL, updated_at = ?
                    WHERE symbol = ? AND kind = ? AND day = ? AND state IN ('pending', 'failed')
                    """,
                arguments: [owner, now, now, key.symbol, key.kind, key.day])
            return db.changesCount == 1
        }
    }

    /// Marks a held unit `done` (or `empty` when `rows` is 0). `note` (e.g. "partial ...") is kept in
    /// the `error` column of a finished unit so later runs can tell an incomplete unit from a whole one.
    public func finishDownload(_ key: DownloadKey, rows: Int64, note: String? = nil, owner: Int32 = getpid()) throws(ManifestError) {
        try settle(key, owner: owner, state: rows == 0 ? .empty : .done, rows: rows, error: note)
    }

    /// Marks a held unit `failed` with a one-line reason; it is retried by a later claim.
    public func failDownload(_ key: DownloadKey, error: String, owner: Int32 = getpid()) throws(ManifestError) {
        try settle(key, owner: owner, state: .failed, rows: 0, error: error)
    }

    func settle(_ key: DownloadKey, owner: Int32, state: DownloadState, rows: Int64, error: String?) throws(ManifestError) {
        let now = Self.now()
        let path = self.path
        try write { db in
            try db.execute(
                sql: """
                    UPDATE downloads SET state = ?, rows = ?, error = ?, owner_pid = NULL, finished_at = ?, updated_at = ?
                    WHERE symbol = ? AND kind = ? AND day = ? AND state = 'running' AND owner_pid = ?
                    """,
                arguments: [state.rawValue, rows, error, now, now, key.symbol, key.kind, key.day, owner])
            if db.changesCount != 1 {
                let current = try String.fetchOne(
                    db, sql: "SELECT state FROM downloads WHERE symbol = ? AND kind = ? AND day = ?",
                    arguments: [key.symbol, key.kind, key.day])
                throw ManifestError.notClaimed(path: path, unit: key.description, state: current ?? "unknown")
            }
        }
    }

    /// Units matching the filters, ordered by day, symbol, kind.
    public func downloads(
        state: DownloadState? = nil, symbol: String? = nil, kind: String? = nil, limit: Int? = nil
    ) throws(ManifestError) -> [DownloadRecord] {
        try read { db in
            var clauses: [String] = []
            var args: StatementArguments = []
            if let state { clauses.append("state = ?"); args += [state.rawValue] }
            if let symbol { clauses.append("symbol = ?"); args += [symbol] }
            if let kind { clauses.append("kind = ?"); args += [kind] }
            var sql = Self.selectDownloads
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY day, symbol, kind"
            if let limit { sql += " LIMIT ?"; args += [limit] }
            return try Row.fetchAll(db, sql: sql, arguments: args).map(Self.downloadRecord)
        }
    }

    /// Units and rows per (kind, state).
    public func downloadSummary() throws(ManifestError) -> [DownloadSummary] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT kind, state, COUNT(*) AS n, SUM(rows) AS r FROM downloads GROUP BY kind, state ORDER BY kind, state")
                .compactMap { r in
                    guard let state = DownloadState(rawValue: r["state"]) else { return nil }
                    return DownloadSummary(kind: r["kind"], state: state, units: r["n"], rows: r["r"] ?? 0)
                }
        }
    }

    // MARK: - Internals

    static let selectDownloads =
        "SELECT symbol, kind, day, state, rows, attempts, error, owner_pid, started_at, finished_at, updated_at FROM downloads"

    static func downloadRecord(_ r: Row) -> DownloadRecord {
        DownloadRecord(
            key: DownloadKey(symbol: r["symbol"], kind: r["kind"], day: r["day"]),
            state: DownloadState(rawValue: r["state"]) ?? .failed,
            rows: r["rows"], attempts: r["attempts"], error: r["error"], ownerPID: r["owner_pid"],
            startedAt: r["started_at"], finishedAt: r["finished_at"], updatedAt: r["updated_at"])
    }

    /// `running` units whose owner process is gone go back to `failed` so they are retried.
    static func recoverOrphans(_ db: Database, now: Int64) throws {
        let rows = try Row.fetchAll(db, sql: "SELECT id, owner_pid FROM downloads WHERE state = 'running'")
        for r in rows {
            let pid: Int32? = r["owner_pid"]
            if let pid, isAlive(pid: pid) { continue }
            try db.execute(
                sql: "UPDATE downloads SET state = 'failed', error = ?, owner_pid = NULL, updated_at = ? WHERE id = ?",
                arguments: ["owner process \(pid.map(String.init) ?? "?") exited while running", now, r["id"] as Int64])
        }
    }

    static func isDay(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        for i in [0, 1, 2, 3, 5, 6, 8, 9] where !(b[i] >= 0x30 && b[i] <= 0x39) { return false }
        return true
    }
}
