import Foundation
import Manifest
import Testing

/// A fresh directory for one test's database.
func withTempManifestDir<T>(_ body: (String) throws -> T) throws -> T {
    let dir = NSTemporaryDirectory() + "mdt-manifest-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    return try body(dir)
}

/// A pid that certainly does not exist any more: a child that has exited and been reaped.
func deadPID() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/true")
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
}

@Suite struct ManifestBasicsTests {
    @Test func createsPrivateWALDatabaseWithMigrations() throws {
        try withTempManifestDir { dir in
            let path = Manifest.defaultPath(home: dir)
            #expect(path == dir + "/manifest.db")
            let m = try Manifest.open(path: path)
            #expect(try m.journalMode() == "wal")
            #expect(try m.appliedMigrations() == ["v1: symbols, downloads, processes"])
            try m.addSymbols(["AAPL"])  // makes SQLite create -wal/-shm
            for file in [path, path + "-wal"] {
                let attrs = try FileManager.default.attributesOfItem(atPath: file)
                #expect((attrs[.posixPermissions] as? Int) == 0o600, "\(file)")
            }
            // Re-opening applies nothing new and keeps the data.
            let again = try Manifest.open(path: path)
            #expect(try again.appliedMigrations().count == 1)
            #expect(try again.activeSymbols() == ["AAPL"])
        }
    }

    @Test func openErrorNamesThePath() {
        #expect {
            _ = try Manifest.open(path: "/nonexistent-dir/manifest.db")
        } throws: { error in
            "\(error)".contains("/nonexistent-dir/manifest.db") && "\(error)".hasPrefix("manifest ")
        }
    }

    @Test func symbols() throws {
        try withTempManifestDir { dir in
            let m = try Manifest.open(path: dir + "/m.db")
            #expect(try m.addSymbols(["MSFT", "AAPL", "@ESZ26"], kind: "equity") == 3)
            #expect(try m.addSymbols(["AAPL", "QQQ"]) == 1)
            #expect(try m.setActive(["MSFT"], false) == 1)
            #expect(try m.activeSymbols() == ["@ESZ26", "AAPL", "QQQ"])
            #expect(try m.symbols().map(\.symbol) == ["@ESZ26", "AAPL", "MSFT", "QQQ"])
            #expect(try m.symbols().first { $0.symbol == "MSFT" }?.active == false)
            #expect(try m.addSymbols(["MSFT"]) == 0)  // re-activates
            #expect(try m.activeSymbols().contains("MSFT"))
            #expect(try m.removeSymbols(["QQQ", "NOPE"]) == 1)
            #expect(try m.symbols().count == 3)
            #expect(throws: ManifestError.self) { try m.addSymbols([""]) }
        }
    }

    @Test func downloadLifecycle() throws {
        try withTempManifestDir { dir in
            let m = try Manifest.open(path: dir + "/m.db")
            let a = DownloadKey(symbol: "AAPL", kind: "ticks", day: "2026-11-20")
            let b = DownloadKey(symbol: "AAPL", kind: "ticks", day: "2026-11-19")
            let c = DownloadKey(symbol: "MSFT", kind: "daily", day: "2026-11-19")
            #expect(try m.upsertDownloads([a, b, c]) == 3)
            #expect(try m.upsertDownloads([a]) == 0)
            #expect(throws: ManifestError.self) { try m.upsertDownloads([DownloadKey(symbol: "X", kind: "ticks", day: "20261119")]) }

            let first = try m.claimDownloads(kind: "ticks", limit: 1)
            #expect(first.map(\.key) == [b])  // oldest day first
            #expect(first[0].state == .running)
            #expect(first[0].attempts == 1)
            #expect(first[0].ownerPID == getpid())
            #expect(try m.claimDownload(b) == false)  // already running

            try m.finishDownload(b, rows: 1234)
            #expect(try m.downloads(symbol: "AAPL").first { $0.key == b }?.state == .done)
            #expect(try m.downloads(symbol: "AAPL").first { $0.key == b }?.rows == 1234)
            #expect(throws: ManifestError.self) { try m.finishDownload(b, rows: 1) }  // not held any more

            #expect(try m.claimDownload(a))
            try m.failDownload(a, error: "iqfeed localhost:9100: E,NO_DATA")
            let failed = try #require(try m.downloads(state: .failed).first)
            #expect(failed.key == a)
            #expect(failed.error == "iqfeed localhost:9100: E,NO_DATA")
            // A failed unit is retried, up to maxAttempts.
            #expect(try m.claimDownloads(kind: "ticks", limit: 5, maxAttempts: 1).isEmpty)
            let retry = try m.claimDownloads(kind: "ticks", limit: 5, maxAttempts: 3)
            #expect(retry.map(\.key) == [a])
            #expect(retry[0].attempts == 2)
            try m.finishDownload(a, rows: 0)
            #expect(try m.downloads(state: .empty).map(\.key) == [a])

            // Finished units stay finished on upsert; requeue puts them back.
            #expect(try m.upsertDownloads([a, b]) == 0)
            #expect(try m.requeueDownloads([a]) == 1)
            let pending: Set<DownloadKey> = Set(try m.downloads(state: .pending).map(\.key))
            #expect(pending == [a, c])

            let summary = try m.downloadSummary()
            #expect(summary.contains(DownloadSummary(kind: "ticks", state: .done, units: 1, rows: 1234)))
            #expect(summary.contains(DownloadSummary(kind: "ticks", state: .pending, units: 1, rows: 0)))
            #expect(summary.contains(DownloadSummary(kind: "daily", state: .pending, units: 1, rows: 0)))
        }
    }

    @Test func unitsOfADeadOwnerAreRecovered() throws {
        try withTempManifestDir { dir in
            let m = try Manifest.open(path: dir + "/m.db")
            let k = DownloadKey(symbol: "AAPL", kind: "ticks", day: "2026-11-20")
            try m.upsertDownloads([k])
            let dead = try deadPID()
            #expect(try m.claimDownload(k, owner: dead))
            // The owner "crashed": the next claim takes the unit over, recording why.
            let taken = try m.claimDownloads(limit: 10)
            #expect(taken.map(\.key) == [k])
            #expect(taken[0].ownerPID == getpid())
            #expect(taken[0].attempts == 2)
            // A live owner's unit is not taken.
            #expect(try m.claimDownloads(limit: 10, owner: getpid() &+ 0).isEmpty)
        }
    }

    @Test func processes() throws {
        try withTempManifestDir { dir in
            let m = try Manifest.open(path: dir + "/m.db")
            let me = getpid()
            try m.registerProcess(name: "collect-a", pid: me, command: "mdt collect", logPath: "/tmp/c.log")
            // Another live process (our parent) cannot take the name...
            #expect(throws: ManifestError.alreadyRunning(path: dir + "/m.db", name: "collect-a", pid: me)) {
                try m.registerProcess(name: "collect-a", pid: getppid(), command: "mdt collect")
            }
            // ...but re-registering ourselves is fine, and a dead holder is replaced.
            try m.registerProcess(name: "collect-a", pid: me, command: "mdt collect --again")
            let dead = try deadPID()
            try m.registerProcess(name: "loader", pid: dead, command: "mdt collect --role loader")
            #expect(try m.processes().first { $0.name == "loader" }?.alive == false)
            try m.registerProcess(name: "loader", pid: me, command: "mdt collect --role loader")

            let before = try #require(try m.processes().first { $0.name == "collect-a" })
            #expect(before.alive)
            #expect(before.command == "mdt collect --again")
            #expect(try m.heartbeat(name: "collect-a", state: "streaming"))
            #expect(try m.heartbeat(name: "collect-a", pid: dead) == false)
            let after = try #require(try m.processes().first { $0.name == "collect-a" })
            #expect(after.heartbeatAt >= before.heartbeatAt)
            #expect(after.state == "streaming")
            #expect(try m.unregisterProcess(name: "collect-a", pid: dead) == false)
            #expect(try m.unregisterProcess(name: "collect-a"))
            #expect(try m.processes().map(\.name) == ["loader"])
        }
    }
}

@Suite struct ManifestConcurrencyTests {
    /// Four connections (separate pools, as separate cron jobs would have) claim from the same 200 units
    /// at once: every unit is taken exactly once.
    @Test func claimsAreExclusive() async throws {
        try await withTempManifestDirAsync { dir in
            let path = dir + "/m.db"
            let setup = try Manifest.open(path: path)
            let keys = (0..<200).map { DownloadKey(symbol: "S\($0 % 20)", kind: "ticks", day: String(format: "2026-11-%02d", 1 + $0 / 20)) }
            #expect(try setup.upsertDownloads(keys) == 200)

            let results = try await withThrowingTaskGroup(of: [DownloadKey].self) { group in
                for worker in 0..<4 {
                    group.addTask {
                        let m = try Manifest.open(path: path)
                        var mine: [DownloadKey] = []
                        while true {
                            let batch = try m.claimDownloads(limit: 3, owner: getpid())
                            if batch.isEmpty { break }
                            for unit in batch {
                                mine.append(unit.key)
                                try m.finishDownload(unit.key, rows: Int64(worker + 1))
                            }
                        }
                        return mine
                    }
                }
                var all: [[DownloadKey]] = []
                for try await r in group { all.append(r) }
                return all
            }
            let flat = results.flatMap { $0 }
            #expect(flat.count == 200)
            #expect(Set(flat) == Set(keys))
            #expect(try setup.downloads(state: .done).count == 200)
            #expect(try setup.downloads().allSatisfy { $0.attempts == 1 })
        }
    }

    /// Two real processes write the same file at the same time: a Python sqlite3 writer (its own
    /// process, busy timeout 5 s, one IMMEDIATE transaction per row) and this process through Manifest.
    /// Both finish every write: WAL + busy timeout serialise them, nobody gets SQLITE_BUSY.
    @Test func concurrentWriterProcesses() async throws {
        try await withTempManifestDirAsync { dir in
            let path = dir + "/m.db"
            let m = try Manifest.open(path: path)
            let python = "/usr/bin/python3"
            try #require(FileManager.default.isExecutableFile(atPath: python), "python3 is needed for the cross-process test")
            let script = """
                import sqlite3, sys, time
                db = sqlite3.connect(sys.argv[1], timeout=5, isolation_level=None)
                print("ready", flush=True)
                start = time.time()
                for i in range(300):
                    db.execute("BEGIN IMMEDIATE")
                    db.execute("INSERT INTO symbols (symbol, active, kind, added_at, notes) VALUES (?, 1, 'equity', 0, 'py')", ("PY%d" % i,))
                    db.execute("COMMIT")
                print("done %f %f" % (start, time.time()), flush=True)
                """
            let p = Process()
            p.executableURL = URL(fileURLWithPath: python)
            p.arguments = ["-c", script, path]
            let out = Pipe()
            let err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()

            // Wait until Python is connected, then write from Swift while Python writes.
            var greeting = ""
            while !greeting.contains("ready") {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                greeting += String(decoding: chunk, as: UTF8.self)
            }
            let swiftStart = Date().timeIntervalSince1970
            for i in 0..<300 {
                try m.addSymbols(["SW\(i)"])
                if i % 50 == 0 { try m.upsertDownloads([DownloadKey(symbol: "SW\(i)", kind: "ticks", day: "2026-11-20")]) }
            }
            let swiftEnd = Date().timeIntervalSince1970
            p.waitUntilExit()
            let stdout = greeting + String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(p.terminationStatus == 0, "python: \(stderr)")
            // The two writers really overlapped in time.
            let times = stdout.split(separator: "\n").first { $0.hasPrefix("done") }?.split(separator: " ").dropFirst().compactMap { Double($0) } ?? []
            try #require(times.count == 2, "python said: \(stdout)")
            #expect(times[0] < swiftEnd && swiftStart < times[1], "python \(times), swift \(swiftStart)...\(swiftEnd)")
            let symbols = try m.symbols()
            #expect(symbols.filter { $0.notes == "py" }.count == 300)
            #expect(symbols.filter { $0.symbol.hasPrefix("SW") }.count == 300)
            #expect(try m.downloads().count == 6)
        }
    }
}

func withTempManifestDirAsync(_ body: (String) async throws -> Void) async throws {
    let dir = NSTemporaryDirectory() + "mdt-manifest-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try await body(dir)
}

@Suite struct ManifestBusyTests {
    /// Another process holds the write lock longer than the busy timeout: the error is typed and names the file.
    @Test func lockHeldTooLongIsBusy() async throws {
        try await withTempManifestDirAsync { dir in
            let path = dir + "/m.db"
            let m = try Manifest.open(path: path, busyTimeout: 0.2)
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = ["-c", """
                import sqlite3, sys
                db = sqlite3.connect(sys.argv[1], isolation_level=None)
                db.execute("BEGIN IMMEDIATE")
                print("locked", flush=True)
                sys.stdin.readline()
                db.execute("COMMIT")
                """, path]
            let toChild = Pipe()
            let fromChild = Pipe()
            p.standardInput = toChild
            p.standardOutput = fromChild
            try p.run()
            var said = ""
            while !said.contains("locked") {
                let chunk = fromChild.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                said += String(decoding: chunk, as: UTF8.self)
            }
            try #require(said.contains("locked"))
            #expect(throws: ManifestError.busy(path: path)) { try m.addSymbols(["AAPL"]) }
            #expect(ManifestError.busy(path: path).description.contains(path))
            // Released: the same write now succeeds.
            toChild.fileHandleForWriting.write(Data("go\n".utf8))
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
            #expect(try m.addSymbols(["AAPL"]) == 1)
        }
    }
}
