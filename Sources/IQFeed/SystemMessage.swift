import MarketData

/// `S,...` system lines (all ports) and their typed content.
public enum SystemMessage: Sendable, Equatable {
    case serverConnected
    case serverDisconnected
    case serverReconnectFailed
    /// Reply to `S,SET PROTOCOL`: the version the server speaks (`6.2`).
    case currentProtocol(String)
    /// The `Q`/`P` layout now in force on this socket.
    case currentUpdateFieldNames([String])
    /// `S,UPDATE FIELDNAMES` (all selectable names).
    case updateFieldNames([String])
    case fundamentalFieldNames([String])
    /// `S,WATCHES,...` (L1: symbols; derivative: symbol,interval,id triplets flattened).
    case watches([String])
    case key(String)
    case keyOK
    case ip([String])
    indirect case customer(CustomerInfo)
    indirect case stats(AdminStats)
    indirect case clientStats(ClientStats)
    case symbolLimitReached(String)
    case replacedPreviousWatch(String)
    /// `S,CLEAR DEPTH,<sym>,<A|B>`: drop that side of the symbol's book.
    case clearDepth(Symbol, Side)
    /// Any other `S,` line: its name and fields (e.g. `CURRENT LOGINID`, `AUTOCONNECT ON`).
    case other(name: String, fields: [String])
}

/// `S,CUST` essentials.
public struct CustomerInfo: Sendable, Equatable {
    public var serviceType: String
    public var serverIP: String
    public var serverPort: Int?
    public var iqconnectVersion: String
    public var services: [String]
    public var maxSymbols: Int?
}

public enum FeedLinkStatus: Sendable, Equatable {
    case connected, notConnected
    case other(String)
}

/// Admin `S,STATS` (9300 every second; also on 5009 after `S,REQUEST STATS`).
public struct AdminStats: Sendable, Equatable {
    public var serverIP: String
    public var serverPort: Int?
    public var maxSymbols: Int?
    public var symbolsWatched: Int?
    public var clientsConnected: Int?
    public var secondsSinceLastUpdate: Int?
    public var reconnections: Int?
    public var attemptedReconnections: Int?
    /// As sent (`Jul 05 7:26AM`); the format has no year, so it is kept as text.
    public var startTime: String
    public var marketTime: String
    public var status: FeedLinkStatus
    public var iqconnectVersion: String
    /// Login id without the quotes 6.2.0.25 adds.
    public var loginID: String
    public var totalKBReceived: Double?
    public var kbPerSecondReceived: Double?
    public var avgKBPerSecondReceived: Double?
    public var totalKBSent: Double?
    public var kbPerSecondSent: Double?
    public var avgKBPerSecondSent: Double?

    public var isConnected: Bool { status == .connected }
}

public enum ClientKind: Sendable, Equatable {
    case admin, level1, level2, lookup
    case other(Int)
}

/// Admin `S,CLIENTSTATS` (after `S,CLIENTSTATS ON`). KB order is Received, Sent, Queued.
public struct ClientStats: Sendable, Equatable {
    public var kind: ClientKind
    public var clientID: Int
    public var name: String
    public var startTime: Nanos?
    public var symbols: Int?
    public var regionalSymbols: Int?
    public var kbReceived: Double?
    public var kbSent: Double?
    public var kbQueued: Double?
}

enum SystemParser {
    /// Parses a line starting with `S,`. Unknown names become `.other`, never an error.
    static func parse(_ line: UnsafeRawBufferPointer, clock: inout EasternClock) throws(IQFeedParseError) -> SystemMessage {
        var c = FieldCursor(line, messageType: "S")
        c.skip()
        guard let nameF = c.next() else { throw c.error("name", .missingField, index: 1) }
        let name = Scan.string(nameF)
        func restFields(_ c: inout FieldCursor) -> [String] {
            var out: [String] = []
            while let f = c.next() { out.append(Scan.string(f)) }
            return out
        }
        switch name {
        case "SERVER CONNECTED": return .serverConnected
        case "SERVER DISCONNECTED": return .serverDisconnected
        case "SERVER RECONNECT FAILED": return .serverReconnectFailed
        case "CURRENT PROTOCOL":
            let v = c.next().map(Scan.string) ?? ""
            return .currentProtocol(v)
        case "CURRENT UPDATE FIELDNAMES": return .currentUpdateFieldNames(restFields(&c))
        case "UPDATE FIELDNAMES": return .updateFieldNames(restFields(&c))
        case "FUNDAMENTAL FIELDNAMES": return .fundamentalFieldNames(restFields(&c))
        case "WATCHES": return .watches(restFields(&c))
        case "KEY": return .key(c.next().map(Scan.string) ?? "")
        case "KEYOK": return .keyOK
        case "IP": return .ip(restFields(&c))
        case "SYMBOL LIMIT REACHED": return .symbolLimitReached(c.next().map(Scan.string) ?? "")
        case "REPLACED PREVIOUS WATCH": return .replacedPreviousWatch(c.next().map(Scan.string) ?? "")
        case "CLEAR DEPTH":
            c.messageType = "S,CLEAR DEPTH"
            let sym = try c.symbol()
            let sideF = try c.field("Side")
            guard let side = L2Side.parse(sideF) else { throw c.error("Side", .badSide) }
            return .clearDepth(sym, side)
        case "CUST":
            c.messageType = "S,CUST"
            let type = c.next().map(Scan.string) ?? ""
            let ip = c.next().map(Scan.string) ?? ""
            let port = c.next().flatMap(Scan.int)
            c.skip() // token (not kept)
            let version = c.next().map(Scan.string) ?? ""
            c.skip()
            let services = (c.next().map(Scan.string) ?? "").split(separator: " ").map(String.init)
            c.skip()
            let maxSyms = c.next().flatMap(Scan.int)
            return .customer(CustomerInfo(serviceType: type, serverIP: ip, serverPort: port, iqconnectVersion: version,
                                          services: services, maxSymbols: maxSyms))
        case "STATS": return .stats(try parseStats(&c))
        case "CLIENTSTATS": return .clientStats(try parseClientStats(&c, clock: &clock))
        default: return .other(name: name, fields: restFields(&c))
        }
    }

    static func decimal(_ c: inout FieldCursor, _ name: String) throws(IQFeedParseError) -> Double? {
        guard let f = c.next() else { return nil }
        do { return try Price.parse(f)?.doubleValue } catch { throw c.error(name, .badPrice(error)) }
    }

    static func optInt(_ c: inout FieldCursor, _ name: String) throws(IQFeedParseError) -> Int? {
        guard let f = c.next(), !f.isEmpty else { return nil }
        guard let v = Scan.int(f) else { throw c.error(name, .notAnInteger) }
        return v
    }

    static func parseStats(_ c: inout FieldCursor) throws(IQFeedParseError) -> AdminStats {
        c.messageType = "S,STATS"
        let ip = c.next().map(Scan.string) ?? ""
        let port = try optInt(&c, "Server Port")
        let maxS = try optInt(&c, "Max Symbols")
        let watched = try optInt(&c, "Number of Symbols")
        let clients = try optInt(&c, "Clients Connected")
        let since = try optInt(&c, "Seconds Since Last Update")
        let rec = try optInt(&c, "Reconnections")
        let att = try optInt(&c, "Attempted Reconnections")
        let start = c.next().map(Scan.string) ?? ""
        let market = c.next().map(Scan.string) ?? ""
        let statusF = try c.field("Status")
        let status: FeedLinkStatus = Scan.equals(statusF, "Connected") ? .connected
            : Scan.equals(statusF, "Not Connected") ? .notConnected : .other(Scan.string(statusF))
        let version = c.next().map(Scan.string) ?? ""
        var login = c.next().map(Scan.string) ?? ""
        if login.hasPrefix("\"") && login.hasSuffix("\"") && login.count >= 2 { login = String(login.dropFirst().dropLast()) }
        return AdminStats(serverIP: ip, serverPort: port, maxSymbols: maxS, symbolsWatched: watched, clientsConnected: clients,
                          secondsSinceLastUpdate: since, reconnections: rec, attemptedReconnections: att,
                          startTime: start, marketTime: market, status: status, iqconnectVersion: version, loginID: login,
                          totalKBReceived: try decimal(&c, "Total KB Received"), kbPerSecondReceived: try decimal(&c, "KB/s Received"),
                          avgKBPerSecondReceived: try decimal(&c, "Avg KB/s Received"), totalKBSent: try decimal(&c, "Total KB Sent"),
                          kbPerSecondSent: try decimal(&c, "KB/s Sent"), avgKBPerSecondSent: try decimal(&c, "Avg KB/s Sent"))
    }

    static func parseClientStats(_ c: inout FieldCursor, clock: inout EasternClock) throws(IQFeedParseError) -> ClientStats {
        c.messageType = "S,CLIENTSTATS"
        guard let t = try optInt(&c, "Type") else { throw c.error("Type", .emptyField) }
        let kind: ClientKind = switch t { case 0: .admin; case 1: .level1; case 2: .level2; case 3: .lookup; default: .other(t) }
        guard let id = try optInt(&c, "Client ID") else { throw c.error("Client ID", .emptyField) }
        let name = c.next().map(Scan.string) ?? ""
        var start: Nanos?
        if let f = c.next(), !f.isEmpty {
            guard let v = clock.compactDateTime(f) else { throw c.error("Start Time", .badTime) }
            start = v
        }
        return ClientStats(kind: kind, clientID: id, name: name, startTime: start,
                           symbols: try optInt(&c, "Symbols"), regionalSymbols: try optInt(&c, "Regional Symbols"),
                           kbReceived: try decimal(&c, "KB Received"), kbSent: try decimal(&c, "KB Sent"),
                           kbQueued: try decimal(&c, "KB Queued"))
    }
}

@usableFromInline enum L2Side {
    @usableFromInline
    static func parse(_ f: UnsafeRawBufferPointer) -> Side? {
        guard f.count == 1 else { return nil }
        switch f[0] {
        case UInt8(ascii: "B"), UInt8(ascii: "b"): return .bid
        case UInt8(ascii: "A"), UInt8(ascii: "a"), UInt8(ascii: "S"), UInt8(ascii: "s"): return .ask
        default: return nil
        }
    }
}
