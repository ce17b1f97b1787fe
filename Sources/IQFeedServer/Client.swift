import MarketData

/// How a Level 2 client watches a symbol.
struct L2Watch: Sendable {
    var byOrder = false
    var byPrice = false
    var maxLevels = Int.max
}

/// One connected client socket and its session state. All `var`s are guarded by the server lock,
/// except `socket` (its own lock) and `bytesReceived` (reader thread only).
final class Client: @unchecked Sendable {
    let id: Int
    let port: IQFeedPort
    let socket: ClientSocket
    let terminator: [UInt8]
    let connectedAt: Nanos

    var name = ""
    var protocolSet = false
    var timestampsOn = true
    var fieldSet = L1FieldSet.default
    var l1Order: [Int32] = []
    var l1TradesOnly: [Int32: Bool] = [:]
    var l2Order: [Int32] = []
    var l2Watches: [Int32: L2Watch] = [:]
    var clientStats = false
    var closed = false

    /// Lines queued by the market thread for the next batched write.
    var pending: [UInt8] = []
    var spare: [UInt8] = []
    var pendingLines: UInt64 = 0
    var pendingData: UInt64 = 0

    var bytesReceived: UInt64 = 0
    var bytesSent: UInt64 = 0

    init(id: Int, port: IQFeedPort, fd: Int32, terminator: [UInt8], connectedAt: Nanos) {
        self.id = id; self.port = port; self.socket = ClientSocket(fd: fd)
        self.terminator = terminator; self.connectedAt = connectedAt
    }

    var clientType: Int {
        switch port { case .admin: 0; case .level1: 1; case .level2: 2; case .lookup: 3 }
    }
}
