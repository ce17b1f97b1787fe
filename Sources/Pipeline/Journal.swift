import Foundation
import MarketData

/// The collector's write-ahead journal: every accepted batch is appended here before any sink sees it,
/// and each sink keeps a cursor (the last batch it has delivered). It is at once the in-memory hand-off
/// between threads and the on-disk spool:
/// - sinks that keep up read recent batches from memory;
/// - a sink that is down or slow falls behind and later reads its backlog from disk, in order;
/// - after a crash or SIGKILL the batches past each cursor are still on disk and are redelivered.
/// Segments are deleted once every sink has passed them. When the journal reaches its size limit,
/// `append` blocks (backpressure reaches the feed socket) and reports that it waited: nothing is dropped.
///
/// Cursor files are written and consumed segments unlinked by a housekeeping thread, never under the
/// lock the feed appends with: on ext4 an 8-byte `pwrite` to a cursor file waits for the filesystem
/// journal now and then (2% of them took over 2 ms under load), and a sink's commit held the lock
/// through it. A cursor on disk may trail the one in memory by one housekeeping round, so after a crash
/// a sink may get a few batches again (delivery is at least once, as before); a segment is unlinked
/// only after every sink's cursor *on disk* has passed it, so nothing a sink still needs is deleted.
///
/// Files (mode 0600) under `directory`: `NNNNNNNNNNNNNNNNNNNN.seg` (named by the first batch sequence
/// they hold) and `<sink>.cursor` (8-byte little-endian batch sequence).
/// Record: u32 payload length, u64 batch sequence, u32 event count, u64 first event seq, payload
/// (events in `EventCodec` form, then, only when the feed kept them, the raw lines: per event a u32
/// length and the line's bytes).
public final class Journal: @unchecked Sendable {
    public struct Options: Sendable {
        public var segmentBytes: Int
        public var limitBytes: Int
        public var memoryBatches: Int
        /// At most this many events are kept in memory (about 110 bytes each); older batches are read from disk.
        public var memoryEvents: Int
        public init(segmentBytes: Int = 32 << 20, limitBytes: Int = 1 << 30, memoryBatches: Int = 4096,
                    memoryEvents: Int = 250_000) {
            self.segmentBytes = segmentBytes; self.limitBytes = limitBytes; self.memoryBatches = memoryBatches
            self.memoryEvents = memoryEvents
        }
    }

    struct Location { let segment: UInt64; let offset: Int; let length: Int; let events: Int }

    public let directory: String
    let options: Options
    let condition = NSCondition()
    // Guarded by `condition`:
    var index: [UInt64: Location] = [:]
    var recent: [UInt64: JournalBatch] = [:]
    /// Events held in `recent`, and the oldest batch sequence that may still be there.
    var recentEvents = 0
    var recentLow: UInt64 = 1
    var segments: [(first: UInt64, size: Int)] = []
    var cursors: [String: UInt64] = [:]
    /// The cursors as last written to their files (what a restart would read).
    var persisted: [String: UInt64] = [:]
    var cursorFDs: [String: Int32] = [:]
    /// A cursor write that failed, reported by the next `commit`.
    var persistError: JournalError?
    var writeFD: Int32 = -1
    var lastSeq: UInt64 = 0
    var nextEventSeq: UInt64 = 1
    var totalBytes = 0
    var closed = false
    var encodeBuffer: [UInt8] = []
    /// Serialises cursor-file writes (housekeeper, `close`) with closing their descriptors.
    let persistLock = NSLock()
    /// Wakes the housekeeper when a cursor moved.
    let housekeeping = NSCondition()
    var cursorsMoved = false

    /// Opens (or creates) the journal, recovering batches and cursors left by an earlier run.
    public init(directory: String, sinks: [String], options: Options = Options()) throws(JournalError) {
        self.directory = directory
        self.options = options
        try Journal.makeDirectory(directory)
        try recover()
        recentLow = lastSeq + 1
        for sink in sinks { try openCursor(sink) }
        encodeBuffer.reserveCapacity(1 << 20)
        let t = Thread(named: "mdt-journal") { [weak self] in
            while let journal = self, journal.housekeepOnce() {}
        }
        t.start()
    }

    deinit { close() }

    /// Writes the cursors and closes files; blocked appenders and readers return.
    public func close() {
        persistLock.lock()
        defer { persistLock.unlock() }
        condition.lock()
        if closed { condition.unlock(); return }
        closed = true
        if writeFD >= 0 { Foundation.close(writeFD); writeFD = -1 }
        for (sink, fd) in cursorFDs {
            if persisted[sink] != cursors[sink], let c = cursors[sink] { _ = Journal.writeCursor(fd, c) }
            Foundation.close(fd)
        }
        cursorFDs = [:]
        condition.broadcast()
        condition.unlock()
        housekeeping.lock(); cursorsMoved = true; housekeeping.broadcast(); housekeeping.unlock()
    }

    // MARK: writing

    /// Stamps each event with the next collector sequence number, appends the batch and returns its
    /// batch sequence. Blocks while the journal is over its size limit (`waited` tells the caller).
    @discardableResult
    public func append(_ events: inout [MarketEvent], lines: RawLines? = nil,
                       waited: UnsafeMutablePointer<Bool>? = nil) throws(JournalError) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        while totalBytes >= options.limitBytes && !closed {
            // The housekeeper frees consumed segments and wakes us.
            waited?.pointee = true
            condition.wait(until: Date().addingTimeInterval(0.5))
        }
        if closed { throw .closed }
        var next = nextEventSeq
        defer { nextEventSeq = next }
        for i in events.indices {
            let s = next
            next += 1
            switch events[i] {
            case .trade(var t): t.seq = s; events[i] = .trade(t)
            case .quote(var q): q.seq = s; events[i] = .quote(q)
            case .book(var b): b.seq = s; events[i] = .book(b)
            case .bar: break
            }
        }
        let seq = lastSeq + 1
        // A local buffer, not the stored property: each access to a class's stored var is checked for
        // exclusivity at run time, and this loop runs once per event.
        var encodeBuffer = self.encodeBuffer
        self.encodeBuffer = []
        defer { self.encodeBuffer = encodeBuffer }
        encodeBuffer.removeAll(keepingCapacity: true)
        encodeBuffer.append(contentsOf: repeatElement(0, count: 24))
        for e in events { EventCodec.encode(e, into: &encodeBuffer) }
        let keptLines = lines.flatMap { $0.count == events.count ? $0 : nil }
        keptLines?.encode(into: &encodeBuffer)
        let payload = encodeBuffer.count - 24
        encodeBuffer.withUnsafeMutableBytes { p in
            p.storeBytes(of: UInt32(payload).littleEndian, toByteOffset: 0, as: UInt32.self)
            p.storeBytes(of: seq.littleEndian, toByteOffset: 4, as: UInt64.self)
            p.storeBytes(of: UInt32(events.count).littleEndian, toByteOffset: 12, as: UInt32.self)
            p.storeBytes(of: (next - UInt64(events.count)).littleEndian, toByteOffset: 16, as: UInt64.self)
        }
        if writeFD < 0 || (segments.last.map { $0.size >= options.segmentBytes } ?? true) {
            try startSegmentLocked(first: seq)
        }
        let offset = segments[segments.count - 1].size
        try Journal.writeAll(writeFD, encodeBuffer, path: segmentPath(segments[segments.count - 1].first))
        segments[segments.count - 1].size += encodeBuffer.count
        totalBytes += encodeBuffer.count
        index[seq] = Location(segment: segments[segments.count - 1].first, offset: offset, length: encodeBuffer.count, events: events.count)
        recent[seq] = JournalBatch(events: events, lines: keptLines)
        recentEvents += events.count
        while recentLow < seq && (recent.count > options.memoryBatches || recentEvents > options.memoryEvents) {
            dropRecentLocked(recentLow)
            recentLow += 1
        }
        lastSeq = seq
        condition.broadcast()
        return seq
    }

    // MARK: reading

    /// The newest batch sequence appended.
    public var lastBatch: UInt64 { condition.lock(); defer { condition.unlock() }; return lastSeq }

    /// The last batch `sink` has delivered.
    public func cursor(_ sink: String) -> UInt64 { condition.lock(); defer { condition.unlock() }; return cursors[sink] ?? 0 }

    /// Events in the batches after `sink`'s cursor (its backlog).
    public func backlogEvents(_ sink: String) -> Int {
        condition.lock(); defer { condition.unlock() }
        return eventCountLocked(after: cursors[sink] ?? 0, through: lastSeq)
    }

    /// Events in batches `after+1 ... through`.
    public func eventCount(after: UInt64, through: UInt64) -> Int {
        condition.lock(); defer { condition.unlock() }
        return eventCountLocked(after: after, through: through)
    }

    func eventCountLocked(after: UInt64, through: UInt64) -> Int {
        var n = 0
        var s = after + 1
        while s <= through { n += index[s]?.events ?? 0; s += 1 }
        return n
    }

    /// Waits until batch `seq` exists (or the deadline passes / the journal closes).
    public func waitFor(_ seq: UInt64, until deadline: Date) -> Bool {
        condition.lock(); defer { condition.unlock() }
        while lastSeq < seq && !closed {
            if !condition.wait(until: deadline) { break }
        }
        return lastSeq >= seq
    }

    /// Batch `seq`, from memory when recent, else read back from disk.
    public func batch(_ seq: UInt64) throws(JournalError) -> [MarketEvent]? {
        try batchWithLines(seq)?.events
    }

    /// Batch `seq` with its raw lines (if the feed kept them).
    public func batchWithLines(_ seq: UInt64) throws(JournalError) -> JournalBatch? {
        condition.lock()
        if let b = recent[seq] { condition.unlock(); return b }
        guard let loc = index[seq] else { condition.unlock(); return nil }
        condition.unlock()
        return try readBatch(loc, seq: seq)
    }

    /// Records that `sink` has delivered every batch up to `seq`. The cursor file and the deletion of
    /// consumed segments follow on the housekeeping thread. Throws when writing a cursor file failed
    /// since the last commit (the disk is full or gone).
    public func commit(_ sink: String, through seq: UInt64) throws(JournalError) {
        condition.lock()
        guard cursorFDs[sink] != nil else { condition.unlock(); throw .unknownSink(sink) }
        if let e = persistError { persistError = nil; condition.unlock(); throw e }
        cursors[sink] = seq
        releaseConsumedMemoryLocked()
        condition.broadcast()
        condition.unlock()
        housekeeping.lock(); cursorsMoved = true; housekeeping.signal(); housekeeping.unlock()
    }

    /// Writes every cursor that moved now, and deletes the segments all sinks have passed.
    public func sync() { _ = housekeepOnce(wait: false) }

    /// One housekeeping round: waits (up to a second) for a cursor to move, writes the cursors that
    /// moved, then unlinks the segments every written cursor has passed. Returns false once closed.
    func housekeepOnce(wait: Bool = true) -> Bool {
        if wait {
            housekeeping.lock()
            if !cursorsMoved { _ = housekeeping.wait(until: Date().addingTimeInterval(1)) }
            cursorsMoved = false
            housekeeping.unlock()
        }
        persistLock.lock()
        condition.lock()
        if closed { condition.unlock(); persistLock.unlock(); return false }
        let moved = cursors.filter { persisted[$0.key] != $0.value }
        let fds = cursorFDs
        condition.unlock()
        var failed: JournalError?
        var written: [(String, UInt64)] = []
        for (sink, c) in moved {
            guard let fd = fds[sink] else { continue }
            if let e = Journal.writeCursor(fd, c) { failed = .io(path: cursorPath(sink), errno: e) } else { written.append((sink, c)) }
        }
        persistLock.unlock()
        condition.lock()
        for (sink, c) in written { persisted[sink] = c }
        if let failed { persistError = failed }
        let doomed = removeConsumedSegmentsLocked()
        if !doomed.isEmpty { condition.broadcast() }
        condition.unlock()
        for path in doomed { unlink(path) }
        // Coalesce the next round: at most ~50 cursor writes per second per sink.
        if wait && !moved.isEmpty { usleep(20_000) }
        return true
    }

    static func writeCursor(_ fd: Int32, _ value: UInt64) -> Int32? {
        var v = value.littleEndian
        return pwrite(fd, &v, 8, 0) == 8 ? nil : errno
    }

    /// Total bytes on disk.
    public var diskBytes: Int { condition.lock(); defer { condition.unlock() }; return totalBytes }

    // MARK: internals

    func segmentPath(_ first: UInt64) -> String {
        let digits = String(first)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    func cursorPath(_ sink: String) -> String { directory + "/" + sink + ".cursor" }

    func startSegmentLocked(first: UInt64) throws(JournalError) {
        if writeFD >= 0 { Foundation.close(writeFD) }
        let path = segmentPath(first)
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(path: path, errno: errno) }
        writeFD = fd
        segments.append((first, 0))
    }

    /// Forgets the segments every persisted cursor has passed and returns their paths (to unlink
    /// outside the lock).
    func removeConsumedSegmentsLocked() -> [String] {
        guard let minCursor = persisted.values.min() else { return [] }
        var doomed: [String] = []
        // A segment can go when the next segment starts at or before minCursor + 1 (all its batches consumed).
        while segments.count > 1, segments[1].first <= minCursor + 1 {
            let seg = segments.removeFirst()
            doomed.append(segmentPath(seg.first))
            totalBytes -= seg.size
            var s = seg.first
            while s < segments[0].first { index[s] = nil; dropRecentLocked(s); s += 1 }
        }
        return doomed
    }

    /// Keeps memory bounded: batches every sink has delivered leave `recent`.
    func releaseConsumedMemoryLocked() {
        guard let minCursor = cursors.values.min() else { return }
        while recentLow <= minCursor && recentLow <= lastSeq {
            dropRecentLocked(recentLow)
            recentLow += 1
        }
    }

    func dropRecentLocked(_ seq: UInt64) {
        if let b = recent.removeValue(forKey: seq) { recentEvents -= b.events.count }
    }

    func openCursor(_ sink: String) throws(JournalError) {
        let path = cursorPath(sink)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw .io(path: path, errno: errno) }
        var v: UInt64 = 0
        let n = pread(fd, &v, 8, 0)
        var c = n == 8 ? UInt64(littleEndian: v) : 0
        // A new sink starts at the oldest batch still on disk.
        if n != 8 { c = (segments.first?.first ?? (lastSeq + 1)) - 1 }
        let start = min(c, lastSeq)
        condition.lock()
        cursors[sink] = start
        persisted[sink] = start
        cursorFDs[sink] = fd
        condition.unlock()
        _ = Journal.writeCursor(fd, start)
    }

    func recover() throws(JournalError) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".seg") }.sorted()
        for name in names {
            guard let first = UInt64(name.dropLast(4)) else { continue }
            let path = directory + "/" + name
            guard let data = FileManager.default.contents(atPath: path) else { throw .io(path: path, errno: errno) }
            var offset = 0
            var valid = 0
            data.withUnsafeBytes { p in
                while offset + 24 <= p.count {
                    let len = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    let seq = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset + 4, as: UInt64.self))
                    let count = Int(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self)))
                    let firstEvent = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset + 16, as: UInt64.self))
                    guard offset + 24 + len <= p.count, seq == lastSeq + 1 || lastSeq == 0 else { break }
                    index[seq] = Location(segment: first, offset: offset, length: 24 + len, events: count)
                    lastSeq = seq
                    nextEventSeq = firstEvent + UInt64(count)
                    offset += 24 + len
                    valid = offset
                }
            }
            // A torn record at the tail (killed mid-write) is cut off.
            if valid < data.count { truncate(path, off_t(valid)) }
            segments.append((first, valid))
            totalBytes += valid
        }
    }

    func readBatch(_ loc: Location, seq: UInt64) throws(JournalError) -> JournalBatch {
        let path = segmentPath(loc.segment)
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, errno: errno) }
        defer { Foundation.close(fd) }
        var buf = [UInt8](repeating: 0, count: loc.length)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, loc.length, off_t(loc.offset)) }
        if n != loc.length { throw .corrupt(path: path, offset: loc.offset, reason: "short read") }
        var events: [MarketEvent] = []
        events.reserveCapacity(loc.events)
        var lines: RawLines?
        let result: JournalError? = buf.withUnsafeBytes { p in
            var off = 24
            for _ in 0..<loc.events {
                do throws(EventCodecError) { events.append(try EventCodec.decode(p, offset: &off)) } catch {
                    return .corrupt(path: path, offset: loc.offset + off, reason: error.description)
                }
            }
            if off < p.count {
                guard let l = RawLines.decode(p, offset: off, count: loc.events) else {
                    return .corrupt(path: path, offset: loc.offset + off, reason: "bad raw line section")
                }
                lines = l
            }
            return nil
        }
        if let result { throw result }
        return JournalBatch(events: events, lines: lines)
    }

    static func makeDirectory(_ path: String) throws(JournalError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw .io(path: path, errno: errno) }
        if access(path, W_OK) != 0 { throw .io(path: path, errno: errno) }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(JournalError) {
        var written = 0
        let err: Int32? = bytes.withUnsafeBytes { p in
            while written < p.count {
                let n = write(fd, p.baseAddress! + written, p.count - written)
                if n < 0 { if errno == EINTR { continue }; return errno }
                written += n
            }
            return nil
        }
        if let err { throw .io(path: path, errno: err) }
    }
}

public enum JournalError: Error, Sendable, CustomStringConvertible {
    case io(path: String, errno: Int32)
    case corrupt(path: String, offset: Int, reason: String)
    case unknownSink(String)
    case closed

    public var description: String {
        switch self {
        case .io(let path, let e): "spool \(path): \(String(cString: strerror(e)))"
        case .corrupt(let path, let off, let reason): "spool \(path) is damaged at byte \(off): \(reason)"
        case .unknownSink(let s): "spool has no cursor for sink '\(s)'"
        case .closed: "spool is closed"
        }
    }
}
