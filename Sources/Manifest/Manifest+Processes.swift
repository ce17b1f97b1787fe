import Foundation
import GRDB

extension Manifest {
    /// Records a background process under `name`. Refuses (`.alreadyRunning`) when a live process other
    /// than `pid` holds the name; a stale entry from a dead process is replaced.
    public func registerProcess(name: String, pid: Int32 = getpid(), command: String, logPath: String? = nil) throws(ManifestError) {
        guard !name.isEmpty else { throw .invalid(path: path, reason: "empty process name") }
        let now = Self.now()
        let path = self.path
        try write { db in
            if let existing = try Int32.fetchOne(db, sql: "SELECT pid FROM processes WHERE name = ?", arguments: [name]),
                existing != pid, Self.isAlive(pid: existing)
            {
                throw ManifestError.alreadyRunning(path: path, name: name, pid: existing)
            }
            try db.execute(
                sql: """
                    INSERT INTO processes (name, pid, command, log_path, started_at, heartbeat_at, state) VALUES (?, ?, ?, ?, ?, ?, 'running')
                    ON CONFLICT (name) DO UPDATE SET pid = excluded.pid, command = excluded.command, log_path = excluded.log_path,
                        started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, state = 'running'
                    """,
                arguments: [name, pid, command, logPath, now, now])
        }
    }

    /// Updates the heartbeat (and optionally the state text) of `name` if `pid` still holds it; false otherwise.
    @discardableResult
    public func heartbeat(name: String, pid: Int32 = getpid(), state: String? = nil) throws(ManifestError) -> Bool {
        let now = Self.now()
        return try write { db in
            if let state {
                try db.execute(sql: "UPDATE processes SET heartbeat_at = ?, state = ? WHERE name = ? AND pid = ?", arguments: [now, state, name, pid])
            } else {
                try db.execute(sql: "UPDATE processes SET heartbeat_at = ? WHERE name = ? AND pid = ?", arguments: [now, name, pid])
            }
            return db.changesCount == 1
        }
    }

    /// Removes `name` if `pid` holds it (pass nil to remove regardless, e.g. after a kill); returns whether removed.
    @discardableResult
    public func unregisterProcess(name: String, pid: Int32? = getpid()) throws(ManifestError) -> Bool {
        try write { db in
            if let pid {
                try db.execute(sql: "DELETE FROM processes WHERE name = ? AND pid = ?", arguments: [name, pid])
            } else {
                try db.execute(sql: "DELETE FROM processes WHERE name = ?", arguments: [name])
            }
            return db.changesCount == 1
        }
    }

    /// Every registered process, with `alive` checked now.
    public func processes() throws(ManifestError) -> [ProcessRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name, pid, command, log_path, started_at, heartbeat_at, state FROM processes ORDER BY name").map { r in
                let pid: Int32 = r["pid"]
                return ProcessRecord(
                    name: r["name"], pid: pid, command: r["command"], logPath: r["log_path"], startedAt: r["started_at"],
                    heartbeatAt: r["heartbeat_at"], state: r["state"], alive: Self.isAlive(pid: pid))
            }
        }
    }
}
