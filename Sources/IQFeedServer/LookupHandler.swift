import MarketData

/// Parameters of one history request, parsed from the 9100 command line.
struct HistoryRequest {
    var command: String
    var symbol: String
    var requestID: String
    var fields: [String]

    func field(_ i: Int) -> String { i < fields.count ? fields[i].trimmingCharacters() : "" }
}

extension IQFeedServer {
    /// Position of the RequestID parameter per history command.
    static let requestIDPosition: [String: Int] = [
        "HTX": 4, "HTD": 7, "HTT": 8, "HIX": 5, "HID": 8, "HIT": 9, "HDX": 4, "HDT": 6, "HWX": 4, "HMX": 4,
    ]

    /// One lookup request, answered completely before the next one on this socket (FIFO).
    func handleLookup(_ c: Client, _ text: String) {
        if let (name, args) = IQFeedServer.systemCommand(text) {
            lock.lock(); defer { lock.unlock() }
            switch name {
            case "SET PROTOCOL":
                let reply = protocolReply(args.first ?? "")
                c.protocolSet = !reply.hasPrefix("E,")
                send(c, reply)
            case "SET CLIENT NAME": c.name = args.joined(separator: ",")
            default: send(c, "E,!SYNTAX_ERROR!,")
            }
            return
        }
        let fields = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let cmd = fields[0].uppercased()
        guard let idPos = IQFeedServer.requestIDPosition[cmd] else {
            // Other lookups (symbol search, tables, chains, news) are not simulated.
            lock.lock()
            send(c, LookupRows.errorLine("", LookupRows.syntaxError), LookupRows.endLine(""))
            lock.unlock()
            return
        }
        let req = HistoryRequest(command: cmd, symbol: fields.count > 1 ? fields[1].trimmingCharacters().uppercased() : "",
                                 requestID: idPos < fields.count ? fields[idPos] : "", fields: fields)
        let id = req.requestID
        func finish(_ error: String) {
            lock.lock()
            send(c, LookupRows.errorLine(id, error), LookupRows.endLine(id))
            lock.unlock()
        }
        if !takeLookupToken() { finish(LookupRows.tooManyRequests); return }
        guard !req.symbol.isEmpty else { finish(LookupRows.badParameterCount); return }
        guard historyMarket.index(of: req.symbol) != nil else { finish(LookupRows.invalidSymbol); return }
        let symbol = Symbol(unchecked: req.symbol)
        var out: [UInt8] = []
        var lines: UInt64 = 0
        let flushAt = 64 * 1024
        func emit() {
            if out.count >= flushAt { write(c, out, lines: lines); out.removeAll(keepingCapacity: true); lines = 0 }
        }
        let rows: Int
        switch answer(req, symbol, now: historyNow()) {
        case .failure(let e):
            finish(e.text); return
        case .success(let result):
            switch result {
            case .ticks(let ticks):
                rows = ticks.count
                for t in ticks { LookupRows.writeTick(t, requestID: id, into: &out); out.append(contentsOf: c.terminator); lines += 1; emit() }
            case .intervals(let bars, let labelAtBeginning):
                rows = bars.count
                for b in bars {
                    LookupRows.writeInterval(b, requestID: id, labelAtBeginning: labelAtBeginning, into: &out)
                    out.append(contentsOf: c.terminator); lines += 1; emit()
                }
            case .daily(let bars):
                rows = bars.count
                for b in bars { LookupRows.writeDaily(b, requestID: id, into: &out); out.append(contentsOf: c.terminator); lines += 1; emit() }
            }
        }
        if rows == 0 {
            out.put(LookupRows.errorLine(id, LookupRows.noData)); out.append(contentsOf: c.terminator); lines += 1
        }
        out.put(LookupRows.endLine(id)); out.append(contentsOf: c.terminator); lines += 1
        write(c, out, lines: lines)
    }

    enum HistoryResult {
        case ticks([Trade])
        case intervals([Bar], labelAtBeginning: Bool)
        case daily([Bar])
    }

    struct LookupError: Error { let text: String }

    /// Token bucket shared by the whole server; burst = one second's worth.
    func takeLookupToken() -> Bool {
        guard let rate = configuration.lookupRateLimit, rate > 0 else { return true }
        bucketLock.lock(); defer { bucketLock.unlock() }
        let now = IQFeedServer.monotonic()
        tokens = min(max(1, rate), tokens + (now - tokensAt) * rate)
        tokensAt = now
        if tokens >= 1 { tokens -= 1; return true }
        return false
    }

    /// Computes the rows of a history request (pure apart from the clock).
    func answer(_ r: HistoryRequest, _ symbol: Symbol, now: Nanos) -> Result<HistoryResult, LookupError> {
        let syntax = LookupError(text: LookupRows.syntaxError)
        func optInt(_ i: Int) -> Int?? {
            let s = r.field(i)
            if s.isEmpty { return .some(nil) }
            guard let v = Int(s), v >= 0 else { return nil }
            return .some(v)
        }
        let today = TradingCalendar.easternDay(now)
        let tickStartDay = today - history.tickLookbackDays
        let lookbackStart = TradingCalendar.midnight(day: tickStartDay)
        func newestFirst(_ dirField: Int) -> Bool { r.field(dirField) != "1" }
        func order<T>(_ items: [T], max: Int?, dirField: Int) -> [T] {
            var v = items
            if let m = max, m > 0, v.count > m { v = Array(v.suffix(m)) }
            return newestFirst(dirField) ? v.reversed() : v
        }
        func filterTimes(_ bf: Int, _ ef: Int) -> (Int, Int)? {
            let b = r.field(bf), e = r.field(ef)
            var lo = 0, hi = 86_399
            if !b.isEmpty { guard let v = IQFeedServer.parseFilterTime(b) else { return nil }; lo = v }
            if !e.isEmpty { guard let v = IQFeedServer.parseFilterTime(e) else { return nil }; hi = v }
            return (lo, hi)
        }
        func inFilter(_ t: Nanos, _ f: (Int, Int)) -> Bool {
            let sod = Eastern.local(t).secondOfDay
            return sod >= f.0 && sod <= f.1
        }
        /// Walks back day by day until `max` items are found (or the lookback is exhausted).
        func recent<T>(_ max: Int?, _ perDay: (Int) -> [T]) -> [T] {
            var chunks: [[T]] = []
            var total = 0
            var day = today
            while day >= tickStartDay {
                let items = perDay(day)
                if !items.isEmpty { chunks.append(items); total += items.count }
                if let m = max, m > 0, total >= m { break }
                day -= 1
            }
            return chunks.reversed().flatMap { $0 }
        }
        func interval(_ i: Int, typeField: Int) -> Int? {
            let type = r.field(typeField).lowercased()
            guard type.isEmpty || type == "s", let n = Int(r.field(i)), n > 0 else { return nil }
            return n
        }
        let labelBegin: (Int) -> Bool = { r.field($0) == "1" }
        let hm = history
        let m = historyMarket

        switch r.command {
        case "HTX":
            guard let max = optInt(2) else { return .failure(syntax) }
            let ticks = recent(max) { d in m.ticks(symbol, from: TradingCalendar.midnight(day: d), to: min(now, TradingCalendar.midnight(day: d + 1) - 1)) }
            return .success(.ticks(order(ticks, max: max, dirField: 3)))
        case "HTD":
            guard let days = optInt(2), let max = optInt(3), let f = filterTimes(4, 5) else { return .failure(syntax) }
            let from = TradingCalendar.midnight(day: Swift.max(tickStartDay, today - Swift.max(1, days ?? 1) + 1))
            let ticks = m.ticks(symbol, from: from, to: now).filter { inFilter($0.eventTime, f) }
            return .success(.ticks(order(ticks, max: max, dirField: 6)))
        case "HTT":
            guard let from = IQFeedServer.parseDateTime(r.field(2), default: lookbackStart),
                  let to = IQFeedServer.parseDateTime(r.field(3), default: now),
                  let max = optInt(4), let f = filterTimes(5, 6) else { return .failure(syntax) }
            let ticks = m.ticks(symbol, from: Swift.max(from, lookbackStart), to: Swift.min(to, now)).filter { inFilter($0.eventTime, f) }
            return .success(.ticks(order(ticks, max: max, dirField: 7)))
        case "HIX":
            guard let n = interval(2, typeField: 7), let max = optInt(3) else { return .failure(syntax) }
            let bars = recent(max) { d in m.bars(symbol, kind: .seconds(n), from: TradingCalendar.midnight(day: d), to: min(now, TradingCalendar.midnight(day: d + 1) - 1)) }
            return .success(.intervals(order(bars, max: max, dirField: 4), labelAtBeginning: labelBegin(8)))
        case "HID":
            guard let n = interval(2, typeField: 10), let days = optInt(3), let max = optInt(4), let f = filterTimes(5, 6) else { return .failure(syntax) }
            let from = TradingCalendar.midnight(day: Swift.max(tickStartDay, today - Swift.max(1, days ?? 1) + 1))
            let bars = m.bars(symbol, kind: .seconds(n), from: from, to: now).filter { inFilter($0.time, f) }
            return .success(.intervals(order(bars, max: max, dirField: 7), labelAtBeginning: labelBegin(11)))
        case "HIT":
            guard let n = interval(2, typeField: 11),
                  let from = IQFeedServer.parseDateTime(r.field(3), default: lookbackStart),
                  let to = IQFeedServer.parseDateTime(r.field(4), default: now),
                  let max = optInt(5), let f = filterTimes(6, 7) else { return .failure(syntax) }
            let bars = m.bars(symbol, kind: .seconds(n), from: Swift.max(from, lookbackStart), to: Swift.min(to, now)).filter { inFilter($0.time, f) }
            return .success(.intervals(order(bars, max: max, dirField: 8), labelAtBeginning: labelBegin(12)))
        case "HDX", "HWX", "HMX":
            guard let max = optInt(2) else { return .failure(syntax) }
            let kind: BarKind = r.command == "HDX" ? .daily : (r.command == "HWX" ? .weekly : .monthly)
            let span: Int
            if let count = max, count > 0 {
                switch kind {
                case .daily: span = count * 7 / 5 + 15
                case .weekly: span = count * 7 + 14
                default: span = count * 31 + 62
                }
            } else { span = hm.maxLookbackDays }
            let from = TradingCalendar.midnight(day: today - Swift.min(span, hm.maxLookbackDays))
            return .success(.daily(order(m.bars(symbol, kind: kind, from: from, to: now), max: max, dirField: 3)))
        case "HDT":
            guard let from = IQFeedServer.parseDate(r.field(2), default: TradingCalendar.midnight(day: today - hm.maxLookbackDays)),
                  let toDay = IQFeedServer.parseDate(r.field(3), default: now), let max = optInt(4) else { return .failure(syntax) }
            let to = r.field(3).isEmpty ? now : Swift.min(now, toDay + Time.nanosPerDay - 1)
            return .success(.daily(order(m.bars(symbol, kind: .daily, from: from, to: to), max: max, dirField: 5)))
        default:
            return .failure(syntax)
        }
    }

    /// `CCYYMMDD HHmmSS` (Eastern) -> UTC ns; `default` when empty; nil when malformed.
    static func parseDateTime(_ s: String, default d: Nanos) -> Nanos? {
        if s.isEmpty { return d }
        let parts = s.split(separator: " ")
        guard parts.count == 2, let date = parseDate(String(parts[0]), default: 0),
              let sod = parseFilterTime(String(parts[1])) else { return nil }
        let l = Eastern.local(date + 12 * 3600 * Time.nanosPerSecond)
        return Eastern.utcNanos(year: l.year, month: l.month, day: l.day, hour: sod / 3600, minute: (sod / 60) % 60, second: sod % 60)
    }

    /// `CCYYMMDD` -> UTC ns of that Eastern midnight.
    static func parseDate(_ s: String, default d: Nanos) -> Nanos? {
        if s.isEmpty { return d }
        guard s.count == 8, let v = Int(s) else { return nil }
        let y = v / 10_000, m = (v / 100) % 100, day = v % 100
        guard (1900...2200).contains(y), (1...12).contains(m), (1...31).contains(day) else { return nil }
        return Eastern.utcNanos(year: y, month: m, day: day)
    }

    /// `HHmmSS` -> second of day.
    static func parseFilterTime(_ s: String) -> Int? {
        guard s.count == 6, let v = Int(s) else { return nil }
        let h = v / 10_000, m = (v / 100) % 100, sec = v % 100
        guard h < 24, m < 60, sec < 60 else { return nil }
        return h * 3600 + m * 60 + sec
    }

    var history: HistoryConfiguration { historyMarket.history }
}
