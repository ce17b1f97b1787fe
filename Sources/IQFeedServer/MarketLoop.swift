#if canImport(Glibc)
import Glibc
#endif
import MarketData

extension IQFeedServer {
    /// Generates market events at the configured rate and writes them in per-client batches.
    func marketLoop() {
        let cpu0 = IQFeedServer.threadCPUNanos()
        defer {
            let spent = IQFeedServer.threadCPUNanos() &- cpu0
            counterLock.lock(); marketCPUNanos &+= spent; counterLock.unlock()
        }
        var begin = IQFeedServer.monotonic()
        var emitted = 0
        var dirty: [Client] = []
        dirty.reserveCapacity(64)
        while true {
            lock.lock()
            if !running { lock.unlock(); break }
            var idle = !connected
            if let m = configuration.maxEvents, events >= m { idle = true }
            switch configuration.source {
            case .synthetic: if watched.isEmpty { idle = true }
            case .recordedLines(let lines):
                if recordedIndex >= lines.count || !clients.values.contains(where: { $0.port != .lookup && $0.port != .admin }) { idle = true }
            }
            if idle {
                lock.unlock()
                usleep(2000)
                begin = IQFeedServer.monotonic(); emitted = 0
                continue
            }
            var due: Int
            if let rate = configuration.messagesPerSecond, rate > 0 {
                due = Int((IQFeedServer.monotonic() - begin) * rate) - emitted
                if due > Int(rate) / 10 + 1 { begin = IQFeedServer.monotonic(); emitted = 0; due = Int(rate) / 10 + 1 }
            } else {
                due = 1024
            }
            if let m = configuration.maxEvents { due = min(due, m - events) }
            if due <= 0 {
                lock.unlock()
                let rate = configuration.messagesPerSecond ?? 1000
                usleep(UInt32(max(200, min(5000, 1_000_000 / max(1, rate)))))
                continue
            }
            for _ in 0..<due {
                switch configuration.source {
                case .synthetic: generateSynthetic(&dirty)
                case .recordedLines(let lines): if !generateRecorded(lines, &dirty) { break }
                }
                if case .synthetic = configuration.source, watched.isEmpty { break }
            }
            emitted += due
            for c in dirty { swap(&c.pending, &c.spare) }
            lock.unlock()
            for c in dirty {
                // `spare` is only touched by this thread; the lock guards the swap.
                write(c, c.spare, lines: c.pendingLines, dataLines: c.pendingData)
                c.spare.removeAll(keepingCapacity: true)
                lock.lock(); c.pendingLines = 0; c.pendingData = 0; lock.unlock()
            }
            dirty.removeAll(keepingCapacity: true)
        }
    }

    /// One synthetic event for a watched symbol (lock held).
    func generateSynthetic(_ dirty: inout [Client]) {
        if watched.isEmpty { return }
        let idx = watched[chooser.below(watched.count)]
        let t: Nanos
        if case .simulated(_, let step) = configuration.clock { simulatedNow &+= step; t = simulatedNow } else { t = IQFeedServer.wallNow() }
        let subs1 = l1Subs[idx], subs2 = l2Subs[idx]
        let doL2 = subs2 != nil && (subs1 == nil || chooser.below(100) < configuration.level2Percent)
        let i = Int(idx)
        if doL2, let subs2 {
            let ch = market.nextL2(i, time: t)
            for c in subs2 {
                guard let w = c.l2Watches[idx] else { continue }
                if c.pending.isEmpty { dirty.append(c) }
                if w.byOrder {
                    market.writeOrderChange(ch, index: i, into: &c.pending)
                    c.pending.append(contentsOf: c.terminator); c.pendingLines += 1; c.pendingData += 1
                }
                if w.byPrice {
                    market.writeLevelChange(ch, index: i, into: &c.pending)
                    c.pending.append(contentsOf: c.terminator); c.pendingLines += 1; c.pendingData += 1
                }
            }
        } else if let subs1 {
            let ch = market.nextL1(i, time: t)
            for c in subs1 {
                if ch != .trade && c.l1TradesOnly[idx] == true { continue }
                if c.pending.isEmpty { dirty.append(c) }
                market.writeL1(.update, index: i, change: ch, fieldSet: c.fieldSet, time: t, into: &c.pending)
                c.pending.append(contentsOf: c.terminator); c.pendingLines += 1; c.pendingData += 1
            }
        }
        events += 1
    }

    /// One recorded line to every streaming client of its port (lock held). False when done.
    func generateRecorded(_ lines: [String], _ dirty: inout [Client]) -> Bool {
        if recordedIndex >= lines.count { return false }
        let text = lines[recordedIndex]
        recordedIndex += 1
        let target: IQFeedPort = IQFeedServer.isLevel2Line(text) ? .level2 : .level1
        for c in clients.values where c.port == target && !c.closed {
            if c.pending.isEmpty { dirty.append(c) }
            c.pending.put(text)
            c.pending.append(contentsOf: c.terminator); c.pendingLines += 1; c.pendingData += 1
        }
        events += 1
        return true
    }

    static func isLevel2Line(_ text: String) -> Bool {
        let u = Array(text.utf8.prefix(2))
        if u.count == 2, u[1] == 44, (u[0] >= 51 && u[0] <= 57) || u[0] == 48 { return true }
        return text.hasPrefix("S,CLEAR DEPTH")
    }

    /// Snapshot rows for a client's L2 watch of a symbol (lock held); returns the line count.
    func writeSnapshot(_ c: Client, _ i: Int, time: Nanos, into out: inout [UInt8]) -> UInt64 {
        guard let w = c.l2Watches[Int32(i)] else { return 0 }
        let book = market.book(i, time: time)
        var n: UInt64 = 0
        if w.byOrder {
            for o in book.snapshotOrders() {
                market.writeOrderRow(54, index: i, order: o, into: &out); out.append(contentsOf: c.terminator); n += 1
            }
        }
        if w.byPrice {
            for l in book.snapshotLevels(maxLevels: w.maxLevels) {
                market.writeLevelRow(55, index: i, side: l.side, price: l.price, size: l.size, orders: l.orders,
                                     time: l.time, into: &out)
                out.append(contentsOf: c.terminator); n += 1
            }
        }
        return n
    }
}
