import Foundation
import MarketData
import MDTTestSupport
import Testing
@testable import Pipeline

func tempDir(_ name: String = #function) -> String {
    let dir = NSTemporaryDirectory() + "mdt-test-\(name.filter { $0.isLetter })-\(UUID().uuidString.prefix(8))"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

func trades(_ n: Int, symbol: String = "AAPL", start: Int = 0) -> [MarketEvent] {
    (0..<n).map { i in
        .trade(Trade(symbol: Symbol(unchecked: symbol), eventTime: Int64(1_700_000_000_000_000_000 + start + i),
                     price: Price(units: 100, nanos: Int64(start + i) * 10_000_000), size: UInt32(100 + i)))
    }
}

@Suite struct JournalTests {
    @Test func appendStampsSequencesAndReadsBackFromMemoryAndDisk() throws {
        let dir = tempDir()
        let j = try Journal(directory: dir, sinks: ["a"], options: .init(memoryBatches: 2))
        var b1 = trades(3)
        var b2 = trades(2, start: 3)
        var b3 = trades(1, start: 5)
        #expect(try j.append(&b1) == 1)
        #expect(try j.append(&b2) == 2)
        #expect(try j.append(&b3) == 3)
        guard case .trade(let t) = b2[1] else { Issue.record("not a trade"); return }
        #expect(t.seq == 5)
        // Batch 1 fell out of memory (2 kept), so it is decoded from disk: same values.
        #expect(try j.batch(1) == b1)
        #expect(try j.batch(3) == b3)
        #expect(j.backlogEvents("a") == 6)
        let mode = try FileManager.default.attributesOfItem(atPath: j.segmentPath(1))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func rawLinesAreKeptInMemoryOnDiskAndAfterARestart() throws {
        let dir = tempDir()
        var lines = RawLines()
        let texts = ["Q,AAPL,1.5,100,", "", "8,@ESZ26,B,4411.25,31,3,1,10:15:01.000123,2026-11-23,"]
        for t in texts {
            if t.isEmpty { lines.appendEmpty() } else { Array(t.utf8).withUnsafeBytes { lines.append($0) } }
        }
        var b1 = trades(3)
        var b2 = trades(2, start: 3)
        do {
            let j = try Journal(directory: dir, sinks: ["a"], options: .init(memoryBatches: 1))
            try j.append(&b1, lines: lines)
            try j.append(&b2)  // no lines kept
            // Batch 1 is read back from disk (only 1 batch stays in memory).
            let back = try #require(try j.batchWithLines(1))
            #expect(back.events == b1)
            #expect(back.lines == lines)
            #expect(try j.batchWithLines(2)?.lines == nil)
            j.close()
        }
        let j = try Journal(directory: dir, sinks: ["a"])
        let back = try #require(try j.batchWithLines(1))
        #expect(back.lines == lines)
        #expect(back.lines.map { l in (0..<l.count).map { i in l.withLine(i) { String(decoding: $0, as: UTF8.self) } } } == texts)
        #expect(try j.batch(2) == b2)
    }

    @Test func memoryHoldsAtMostMemoryEventsTheRestIsReadFromDisk() throws {
        let j = try Journal(directory: tempDir(), sinks: ["a"], options: .init(memoryBatches: 1000, memoryEvents: 25))
        var all: [[MarketEvent]] = []
        for i in 0..<10 { var b = trades(10, start: i * 10); try j.append(&b); all.append(b) }
        #expect(j.recentEvents <= 25)
        #expect(j.recent.count == 2, "the two newest batches of 10 stay in memory")
        for (i, b) in all.enumerated() { #expect(try j.batch(UInt64(i + 1)) == b) }
        try j.commit("a", through: 10)
        #expect(j.recentEvents == 0 && j.recent.isEmpty, "consumed batches leave memory")
    }

    @Test func reopenRecoversBatchesCursorsAndSequence() throws {
        let dir = tempDir()
        do {
            let j = try Journal(directory: dir, sinks: ["a", "b"])
            var b1 = trades(4); var b2 = trades(4, start: 4)
            try j.append(&b1); try j.append(&b2)
            try j.commit("a", through: 2)
            try j.commit("b", through: 1)
            j.close()
        }
        let j = try Journal(directory: dir, sinks: ["a", "b"])
        #expect(j.lastBatch == 2)
        #expect(j.cursor("a") == 2)
        #expect(j.cursor("b") == 1)
        #expect(j.backlogEvents("b") == 4)
        var b3 = trades(1, start: 8)
        #expect(try j.append(&b3) == 3)
        guard case .trade(let t) = b3[0] else { Issue.record("not a trade"); return }
        #expect(t.seq == 9, "event sequence continues after a restart")
    }

    @Test func tornTailRecordIsCutOff() throws {
        let dir = tempDir()
        do {
            let j = try Journal(directory: dir, sinks: ["a"])
            var b1 = trades(2); var b2 = trades(2, start: 2)
            try j.append(&b1); try j.append(&b2)
            j.close()
        }
        let path = dir + "/00000000000000000001.seg"
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        truncate(path, off_t(size - 5))  // as if killed mid-write
        let j = try Journal(directory: dir, sinks: ["a"])
        #expect(j.lastBatch == 1)
        #expect(try j.batch(1)?.count == 2)
        #expect(try j.batch(2) == nil)
    }

    @Test func consumedSegmentsAreDeleted() throws {
        let dir = tempDir()
        let j = try Journal(directory: dir, sinks: ["a"], options: .init(segmentBytes: 200))
        for i in 0..<10 { var b = trades(3, start: i * 3); try j.append(&b) }
        let before = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }.count
        #expect(before > 2)
        try j.commit("a", through: 10)
        // The housekeeping thread writes the cursor, then unlinks what every written cursor has passed.
        let segments = { (try? FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }.count) ?? -1 }
        #expect(pollUntil(timeout: 10) { segments() == 1 }, "only the active segment remains, found \(segments())")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".seg") }
        let size = try left.reduce(0) { $0 + ((try FileManager.default.attributesOfItem(atPath: dir + "/" + $1)[.size] as? Int) ?? 0) }
        #expect(j.diskBytes == size, "the size accounting follows the unlinks")
    }

    @Test func cursorFilesFollowCommitsOnTheHousekeepingThread() throws {
        let dir = tempDir()
        let j = try Journal(directory: dir, sinks: ["a"])
        for i in 0..<3 { var b = trades(2, start: i * 2); try j.append(&b) }
        try j.commit("a", through: 2)
        let onDisk = { () -> UInt64 in
            guard let d = FileManager.default.contents(atPath: dir + "/a.cursor"), d.count == 8 else { return 0 }
            return d.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        }
        #expect(pollUntil(timeout: 10) { onDisk() == 2 }, "the housekeeper writes the cursor (on disk: \(onDisk()))")
        try j.commit("a", through: 3)
        j.sync()
        #expect(onDisk() == 3, "sync writes it at once")
        // A crash leaves at worst an older cursor on disk: the sink gets those batches again.
        j.close()
        let reopened = try Journal(directory: dir, sinks: ["a"])
        #expect(reopened.cursor("a") == 3)
    }

    @Test func aCursorFileThatCannotBeWrittenFailsTheNextCommit() throws {
        let dir = tempDir()
        let j = try Journal(directory: dir, sinks: ["a"])
        for i in 0..<3 { var b = trades(1, start: i); try j.append(&b) }
        // The cursor file's descriptor stops taking writes (as a disk gone read-only would): the same
        // number now refers to /dev/null opened read-only, so no other file can be hit.
        j.condition.lock(); let fd = try #require(j.cursorFDs["a"]); j.condition.unlock()
        let readOnly = open("/dev/null", O_RDONLY)
        #expect(dup2(readOnly, fd) == fd)
        Foundation.close(readOnly)
        try j.commit("a", through: 1)
        j.sync()
        #expect(throws: JournalError.self, "the failed cursor write is reported, not lost") { try j.commit("a", through: 2) }
        #expect(j.cursor("a") == 1, "the failing commit does not move the cursor: the batch is delivered again")
    }

    @Test func closeWritesTheLatestCursor() throws {
        let dir = tempDir()
        do {
            let j = try Journal(directory: dir, sinks: ["a"])
            for i in 0..<50 { var b = trades(1, start: i); try j.append(&b); try j.commit("a", through: UInt64(i + 1)) }
            j.close()
        }
        #expect(try Journal(directory: dir, sinks: ["a"]).cursor("a") == 50)
    }

    @Test func fullJournalBlocksAppendUntilASinkCatchesUp() throws {
        let dir = tempDir()
        let j = try Journal(directory: dir, sinks: ["a"], options: .init(segmentBytes: 100, limitBytes: 900))  // a 2-trade batch is 188 bytes: the 6th append blocks
        for i in 0..<5 { var b = trades(2, start: i * 2); try j.append(&b) }
        let done = NSCondition()
        nonisolated(unsafe) var waited = false
        nonisolated(unsafe) var appended = false
        let t = Thread {
            var b = trades(2, start: 100)
            var w = false
            _ = try? j.append(&b, waited: &w)
            done.lock(); waited = w; appended = true; done.broadcast(); done.unlock()
        }
        t.start()
        // The appender must still be blocked: give it a bounded chance to (wrongly) finish.
        done.lock(); _ = done.wait(until: Date().addingTimeInterval(0.3)); let early = appended; done.unlock()
        #expect(!early, "append must block while the journal is full")
        try j.commit("a", through: 5)
        done.lock()
        let deadline = Date().addingTimeInterval(5)
        while !appended && Date() < deadline { done.wait(until: deadline) }
        done.unlock()
        #expect(appended)
        #expect(waited)
    }
}
