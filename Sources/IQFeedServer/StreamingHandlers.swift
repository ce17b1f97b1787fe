import MarketData

extension IQFeedServer {
    /// Per-port greeting (lock held): L1 as recorded from IQConnect; L2 the link status; admin a
    /// first STATS line; lookup nothing.
    func greet(_ c: Client) {
        let status = connected ? "S,SERVER CONNECTED" : "S,SERVER DISCONNECTED"
        switch c.port {
        case .level1:
            send(c, "S,KEY,99999", status,
                 "S,IP,0.0.0.0 59000,0.0.0.0 59000,127.0.0.1 60009,127.0.0.1 60001,127.0.0.1 60005,127.0.0.1 60003",
                 "S,CUST,real_time,127.0.0.1,60003,mdtSynth1Token00,\(configuration.iqconnectVersion),0, NASDAQ-L2 NASDAQ L2_SERV CME-L2 INDEX L2 ,MDTSYNTHETIC,\(configuration.maxSymbols),QT_API,,")
        case .level2:
            send(c, status)
        case .admin:
            counterLock.lock()
            let sent = portCounters.values.reduce(UInt64(0)) { $0 + $1.bytes }
            counterLock.unlock()
            send(c, statsLine(now: nowLocked(), kbSentPerSecond: 0, totalSent: sent))
        case .lookup:
            break
        }
    }

    /// Reply to `S,SET PROTOCOL,<v>`: this server speaks only 6.2 and says so (a client asking for
    /// another version must notice the mismatch); a non-numeric version is an error.
    func protocolReply(_ version: String) -> String {
        let numeric = !version.isEmpty && version.allSatisfy { $0 == "." || $0.isNumber }
        if !numeric { return "E,\(version) is not a valid protocol.," }
        return configuration.protocolReplyTrailingComma ? "S,CURRENT PROTOCOL,6.2," : "S,CURRENT PROTOCOL,6.2"
    }

    /// Splits `S,NAME,arg,...` into the upper-cased command name and its arguments.
    static func systemCommand(_ text: String) -> (name: String, args: [String])? {
        guard text.hasPrefix("S,") else { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return (parts.count > 1 ? parts[1].uppercased().trimmingCharacters() : "", Array(parts.dropFirst(2)))
    }

    // MARK: Level 1 (5009)

    func handleLevel1(_ c: Client, _ text: String) {
        if let (name, args) = IQFeedServer.systemCommand(text) {
            handleLevel1System(c, name, args)
            return
        }
        guard let first = text.first else { return }
        let sym = String(text.dropFirst()).trimmingCharacters().uppercased()
        lock.lock(); defer { lock.unlock() }
        switch first {
        case "w", "t":
            watchL1(c, sym, tradesOnly: first == "t")
        case "r":
            if let idx = market.index(of: sym) { removeL1(c, Int32(idx)) }
        case "f":
            if let idx = market.index(of: sym), c.l1TradesOnly[Int32(idx)] != nil {
                send(c, market.fundamentalLine(idx), summaryLine(c, idx))
            }
        case "T":
            send(c, timestampLine(nowLocked()))
        default:
            send(c, "E,!SYNTAX_ERROR!,")
        }
    }

    func summaryLine(_ c: Client, _ idx: Int) -> String {
        var out: [UInt8] = []
        market.writeL1(.summary, index: idx, change: .bidAndAsk, fieldSet: c.fieldSet, time: nowLocked(), into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `w`/`t`: `F` then `P`, then `Q` updates; `n,SYM` when unknown (lock held).
    func watchL1(_ c: Client, _ sym: String, tradesOnly: Bool) {
        guard !sym.isEmpty, let idx = market.index(of: sym) else { send(c, "n,\(sym)"); return }
        let key = Int32(idx)
        if c.l1TradesOnly[key] != nil { c.l1TradesOnly[key] = tradesOnly; return }
        if c.l1Order.count >= configuration.maxSymbols { send(c, "S,SYMBOL LIMIT REACHED,\(sym)"); return }
        send(c, market.fundamentalLine(idx), summaryLine(c, idx))
        c.l1TradesOnly[key] = tradesOnly
        c.l1Order.append(key)
        l1Subs[key, default: []].append(c)
        addRef(key)
    }

    func handleLevel1System(_ c: Client, _ name: String, _ args: [String]) {
        switch name {
        case "CONNECT": setConnected(true); return
        case "DISCONNECT": setConnected(false); return
        default: break
        }
        lock.lock(); defer { lock.unlock() }
        switch name {
        case "SET PROTOCOL":
            let reply = protocolReply(args.first ?? "")
            c.protocolSet = !reply.hasPrefix("E,")
            if c.protocolSet { send(c, reply, "S,CURRENT UPDATE FIELDNAMES," + c.fieldSet.names.joined(separator: ",")) } else { send(c, reply) }
        case "TIMESTAMPSON": c.timestampsOn = true
        case "TIMESTAMPSOFF": c.timestampsOn = false
        case "REQUEST WATCHES":
            let names = c.l1Order.map { market.instrument(Int($0)).symbol.text }
            send(c, (["S,WATCHES"] + names).joined(separator: ","))
        case "UNWATCH ALL":
            for idx in c.l1Order { removeL1(c, idx) }
        case "SELECT UPDATE FIELDS":
            switch L1FieldSet.parse(args) {
            case .success(let fs):
                c.fieldSet = fs
                send(c, "S,CURRENT UPDATE FIELDNAMES," + fs.names.joined(separator: ","))
            case .failure(let e):
                send(c, "E,Invalid update field name: \(e.name),")
            }
        case "REQUEST CURRENT UPDATE FIELDNAMES":
            send(c, "S,CURRENT UPDATE FIELDNAMES," + c.fieldSet.names.joined(separator: ","))
        case "REQUEST ALL UPDATE FIELDNAMES":
            send(c, "S,UPDATE FIELDNAMES," + L1Fields.all.joined(separator: ","))
        case "REQUEST FUNDAMENTAL FIELDNAMES":
            send(c, "S,FUNDAMENTAL FIELDNAMES," + L1Fields.fundamentalNames.joined(separator: ","))
        case "REQUEST STATS":
            counterLock.lock()
            let sent = portCounters.values.reduce(UInt64(0)) { $0 + $1.bytes }
            counterLock.unlock()
            send(c, statsLine(now: nowLocked(), kbSentPerSecond: 0, totalSent: sent))
        case "SET CLIENT NAME":
            c.name = args.joined(separator: ",")
        case "SET LOG LEVELS":
            send(c, "S,CURRENT LOG LEVELS," + args.joined(separator: ","))
        case "NEWSON", "NEWSOFF", "REGON", "REGOFF", "KEY":
            break
        default:
            send(c, "E,!SYNTAX_ERROR!,")
        }
    }

    // MARK: Level 2 (9200)

    static let marketMakerNames: [String: String] = [
        "NSDQ": "NASDAQ", "ARCA": "NYSE ARCA", "EDGX": "CBOE EDGX", "BATS": "CBOE BZX", "MEMX": "MEMX",
        "CHXE": "NYSE CHICAGO", "AMEX": "NYSE AMERICAN", "IEXG": "IEX", "BYXX": "CBOE BYX", "NYSE": "NYSE",
    ]

    func handleLevel2(_ c: Client, _ text: String) {
        if let (name, args) = IQFeedServer.systemCommand(text) {
            switch name {
            case "CONNECT": setConnected(true); return
            case "DISCONNECT": setConnected(false); return
            default: break
            }
            lock.lock(); defer { lock.unlock() }
            switch name {
            case "SET PROTOCOL":
                let reply = protocolReply(args.first ?? "")
                c.protocolSet = !reply.hasPrefix("E,")
                send(c, reply)
            case "TIMESTAMPSON": c.timestampsOn = true
            case "TIMESTAMPSOFF": c.timestampsOn = false
            case "UNWATCH ALL": for idx in c.l2Order { removeL2(c, idx) }
            case "REQUEST WATCHES":
                send(c, (["S,WATCHES"] + c.l2Order.map { market.instrument(Int($0)).symbol.text }).joined(separator: ","))
            case "SET CLIENT NAME": c.name = args.joined(separator: ",")
            default: send(c, "E,!SYNTAX_ERROR!,")
            }
            return
        }
        if text == "c" { setConnected(true); return }
        if text == "x" { setConnected(false); return }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters() }
        let cmd = parts[0].uppercased()
        lock.lock(); defer { lock.unlock() }
        switch cmd {
        case "WOR", "WPL":
            guard parts.count >= 2 else { send(c, "E,!SYNTAX_ERROR!,"); return }
            var maxLevels = Int.max
            if cmd == "WPL", parts.count >= 3, let n = Int(parts[2]), n > 0 { maxLevels = n }
            watchL2(c, parts[1].uppercased(), byOrder: cmd == "WOR", maxLevels: maxLevels)
        case "ROR", "RPL":
            guard parts.count >= 2, let idx = market.index(of: parts[1].uppercased()) else { return }
            let key = Int32(idx)
            guard var w = c.l2Watches[key] else { return }
            if cmd == "ROR" { w.byOrder = false } else { w.byPrice = false }
            if !w.byOrder && !w.byPrice { removeL2(c, key) } else { c.l2Watches[key] = w }
        default:
            if text.hasPrefix("r"), parts.count == 1 {
                if let idx = market.index(of: String(text.dropFirst()).uppercased()) { removeL2(c, Int32(idx)) }
            } else if text.hasPrefix("m"), parts.count == 1 {
                let mm = String(text.dropFirst()).uppercased()
                send(c, "M,\(mm),\(IQFeedServer.marketMakerNames[mm] ?? mm),")
            } else {
                send(c, "E,!SYNTAX_ERROR!,")
            }
        }
    }

    /// `WOR`/`WPL`: snapshot rows (`6` or `7`), then increments (lock held).
    func watchL2(_ c: Client, _ sym: String, byOrder: Bool, maxLevels: Int) {
        guard !sym.isEmpty, let idx = market.index(of: sym) else { send(c, "n,\(sym)"); return }
        let key = Int32(idx)
        var w = c.l2Watches[key] ?? L2Watch()
        let isNew = c.l2Watches[key] == nil
        if isNew && c.l2Order.count >= configuration.maxSymbols { send(c, "S,SYMBOL LIMIT REACHED,\(sym)"); return }
        if byOrder { if w.byOrder { return }; w.byOrder = true } else { if w.byPrice { return }; w.byPrice = true; w.maxLevels = maxLevels }
        // Snapshot only the newly requested view.
        c.l2Watches[key] = byOrder ? L2Watch(byOrder: true, byPrice: false) : L2Watch(byOrder: false, byPrice: true, maxLevels: maxLevels)
        var out: [UInt8] = []
        let n = writeSnapshot(c, idx, time: nowLocked(), into: &out)
        c.l2Watches[key] = w
        write(c, out, lines: n)
        if isNew {
            c.l2Order.append(key)
            l2Subs[key, default: []].append(c)
            addRef(key)
        }
    }

    // MARK: Admin (9300)

    func handleAdmin(_ c: Client, _ text: String) {
        guard let (name, args) = IQFeedServer.systemCommand(text) else {
            lock.lock(); send(c, "E,!SYNTAX_ERROR!,"); lock.unlock(); return
        }
        switch name {
        case "CONNECT": setConnected(true); return
        case "DISCONNECT": setConnected(false); return
        default: break
        }
        lock.lock(); defer { lock.unlock() }
        let arg = args.first ?? ""
        switch name {
        case "SET PROTOCOL": send(c, protocolReply(arg))
        case "CLIENTSTATS ON": c.clientStats = true
        case "CLIENTSTATS OFF": c.clientStats = false
        case "SET CLIENT NAME": c.name = args.joined(separator: ",")
        case "REGISTER CLIENT APP": send(c, "S,REGISTER CLIENT APP COMPLETED")
        case "REMOVE CLIENT APP": send(c, "S,REMOVE CLIENT APP COMPLETED")
        case "SET LOGINID": send(c, "S,CURRENT LOGINID,\(arg),")
        case "SET PASSWORD":
            let masked = arg.count >= 2 ? "(\(arg.first!)\(String(repeating: "*", count: arg.count - 2))\(arg.last!))" : "(*)"
            send(c, "S,CURRENT PASSWORD,\(masked),")
        case "SET SAVE LOGIN INFO": send(c, arg.uppercased() == "ON" ? "S,LOGIN INFO SAVED" : "S,LOGIN INFO NOT SAVED")
        case "SET AUTOCONNECT": send(c, arg.uppercased() == "ON" ? "S,AUTOCONNECT ON," : "S,AUTOCONNECT OFF")
        case "REQUEST STATS":
            counterLock.lock()
            let sent = portCounters.values.reduce(UInt64(0)) { $0 + $1.bytes }
            counterLock.unlock()
            send(c, statsLine(now: nowLocked(), kbSentPerSecond: 0, totalSent: sent))
        default: send(c, "E,!SYNTAX_ERROR!,")
        }
    }
}
