#if canImport(Glibc)
import Glibc
#endif
import MarketData

extension IQFeedServer {
    /// Once per `tickInterval`: `T` on L1/L2 (unless TIMESTAMPSOFF), `S,STATS` on admin, and
    /// `S,CLIENTSTATS` lines to admin clients that asked for them.
    func clockLoop() {
        let interval = max(0.01, configuration.tickInterval)
        var next = IQFeedServer.monotonic() + interval
        var lastBytes: UInt64 = 0
        while true {
            while IQFeedServer.monotonic() < next {
                if !isRunning { return }
                usleep(UInt32(min(20_000, max(1000, (next - IQFeedServer.monotonic()) * 1e6))))
            }
            next += interval
            let sent = IQFeedPort.allCases.reduce(UInt64(0)) { $0 + counters($1).bytes }
            let rate = Double(sent &- lastBytes) / 1024 / interval
            lastBytes = sent
            lock.lock()
            if !running { lock.unlock(); return }
            let t = nowLocked()
            let stats = statsLine(now: t, kbSentPerSecond: rate, totalSent: sent)
            let all = clients.values.filter { !$0.closed }.sorted { $0.id < $1.id }
            for c in all {
                switch c.port {
                case .level1, .level2:
                    if c.timestampsOn { send(c, timestampLine(t)) }
                case .admin:
                    var lines = [stats]
                    if c.clientStats { for other in all { lines.append(clientStatsLine(other)) } }
                    var out: [UInt8] = []
                    var n: UInt64 = 0
                    for l in lines { line(&out, &n, c, l) }
                    write(c, out, lines: n)
                case .lookup: break
                }
            }
            lock.unlock()
        }
    }

    /// `T,YYYYMMDD HH:MM:SS` (Eastern).
    func timestampLine(_ t: Nanos) -> String {
        var f = EasternFields()
        f.set(t)
        var out: [UInt8] = Array("T,".utf8)
        out.putCompactDate(f); out.append(32); out.putTime(f)
        return String(decoding: out, as: UTF8.self)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `MMM dd h:mmAM` (start time, hour not padded) or `MMM dd hh:mmPM` (market time, padded).
    func statsTime(_ t: Nanos, padHour: Bool) -> String {
        let l = Eastern.local(t)
        let h24 = l.secondOfDay / 3600, mi = (l.secondOfDay / 60) % 60
        let h12 = h24 % 12 == 0 ? 12 : h24 % 12
        let hour = padHour && h12 < 10 ? "0\(h12)" : "\(h12)"
        let day = l.day < 10 ? "0\(l.day)" : "\(l.day)"
        let minute = mi < 10 ? "0\(mi)" : "\(mi)"
        return "\(IQFeedServer.months[l.month - 1]) \(day) \(hour):\(minute)\(h24 < 12 ? "AM" : "PM")"
    }

    static func kb(_ v: Double) -> String {
        let cents = Int((v * 100).rounded())
        let frac = cents % 100
        return "\(cents / 100).\(frac < 10 ? "0" : "")\(frac)"
    }

    /// The admin `S,STATS,...,` line (lock held).
    func statsLine(now t: Nanos, kbSentPerSecond: Double, totalSent: UInt64) -> String {
        let nClients = clients.values.filter { !$0.closed }.count
        counterLock.lock()
        let recv = Double(clients.values.reduce(UInt64(0)) { $0 + $1.bytesReceived }) / 1024
        counterLock.unlock()
        let sentKB = Double(totalSent) / 1024
        let secs = max(1, Double(t - startedAt) / 1e9)
        let ver = configuration.iqconnectVersion, login = configuration.loginID
        if connected {
            return "S,STATS,127.0.0.1,60003,\(configuration.maxSymbols),\(watched.count),\(nClients),0,0,0,"
                + "\(statsTime(startedAt, padHour: false)),\(statsTime(t, padHour: true)),Connected,\(ver),\(login),"
                + "\(IQFeedServer.kb(recv)),0.00,\(IQFeedServer.kb(recv / secs)),\(IQFeedServer.kb(sentKB)),"
                + "\(IQFeedServer.kb(kbSentPerSecond)),\(IQFeedServer.kb(sentKB / secs)),"
        }
        return "S,STATS,,,\(configuration.maxSymbols),\(watched.count),\(nClients),0,0,0,,,Not Connected,\(ver),\(login),"
            + "\(IQFeedServer.kb(recv)),0,,\(IQFeedServer.kb(sentKB)),\(IQFeedServer.kb(kbSentPerSecond)),,"
    }

    /// `S,CLIENTSTATS,Type,ID,Name,YYYYMMDD HHMMSS,Symbols,RegionalSymbols,KBRecv,KBSent,KBQueued,` (lock held).
    func clientStatsLine(_ c: Client) -> String {
        var f = EasternFields()
        f.set(c.connectedAt)
        var start: [UInt8] = []
        start.putCompactDate(f); start.append(32); start.put2(f.hour); start.put2(f.minute); start.put2(f.second)
        let symbols: String
        switch c.port {
        case .level1: symbols = "\(c.l1Order.count),0"
        case .level2: symbols = "\(c.l2Order.count),0"
        default: symbols = ","
        }
        counterLock.lock(); let sent = c.bytesSent, received = c.bytesReceived; counterLock.unlock()
        return "S,CLIENTSTATS,\(c.clientType),\(c.id),\(c.name),\(String(decoding: start, as: UTF8.self)),\(symbols),"
            + "\(IQFeedServer.kb(Double(received) / 1024)),\(IQFeedServer.kb(Double(sent) / 1024)),0.00,"
    }
}
