import GRDB

extension Manifest {
    /// Adds symbols (or re-activates them); returns how many were new.
    @discardableResult
    public func addSymbols(_ symbols: [String], kind: String = "equity", notes: String = "") throws(ManifestError) -> Int {
        for s in symbols where s.isEmpty { throw .invalid(path: path, reason: "empty symbol") }
        let now = Self.now()
        return try write { db in
            var added = 0
            for s in symbols {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM symbols WHERE symbol = ?", arguments: [s]) ?? false
                if exists {
                    try db.execute(sql: "UPDATE symbols SET active = 1 WHERE symbol = ?", arguments: [s])
                } else {
                    try db.execute(
                        sql: "INSERT INTO symbols (symbol, active, kind, added_at, notes) VALUES (?, 1, ?, ?, ?)",
                        arguments: [s, kind, now, notes])
                    added += 1
                }
            }
            return added
        }
    }

    /// Deletes symbols; returns how many existed.
    @discardableResult
    public func removeSymbols(_ symbols: [String]) throws(ManifestError) -> Int {
        try write { db in
            var n = 0
            for s in symbols {
                try db.execute(sql: "DELETE FROM symbols WHERE symbol = ?", arguments: [s])
                n += db.changesCount
            }
            return n
        }
    }

    /// Marks symbols active or inactive; returns how many exist.
    @discardableResult
    public func setActive(_ symbols: [String], _ active: Bool) throws(ManifestError) -> Int {
        try write { db in
            var n = 0
            for s in symbols {
                try db.execute(sql: "UPDATE symbols SET active = ? WHERE symbol = ?", arguments: [active, s])
                n += db.changesCount
            }
            return n
        }
    }

    /// Every symbol (or only active ones), sorted by symbol.
    public func symbols(activeOnly: Bool = false) throws(ManifestError) -> [SymbolRecord] {
        try read { db in
            let sql = "SELECT symbol, active, kind, added_at, notes FROM symbols" + (activeOnly ? " WHERE active = 1" : "") + " ORDER BY symbol"
            return try Row.fetchAll(db, sql: sql).map { r in
                SymbolRecord(symbol: r["symbol"], active: r["active"], kind: r["kind"], addedAt: r["added_at"], notes: r["notes"])
            }
        }
    }

    /// Names of the active symbols, sorted.
    public func activeSymbols() throws(ManifestError) -> [String] {
        try symbols(activeOnly: true).map(\.symbol)
    }
}
