import ClickHouse
import Curl

/// Maps ClickHouse failures to mdt's exit codes (the message is the wrapper's one line):
/// a bad query (server exception) 65, server unreachable 69, wrong user/password 78 (configuration),
/// timeouts and load-related server errors 75.
enum QueryErrors {
    static func map(_ error: any Error) -> any Error {
        guard let e = error as? ClickHouseError else { return error }
        return CommandFailure(status(e), e.description)
    }

    static func status(_ e: ClickHouseError) -> MDTExit {
        switch e {
        case .server:
            return e.isRetriable ? .tempFailure : .dataError
        case .unreachable:
            return .unavailable
        case .timedOut(_, _, let connecting):
            return connecting ? .unavailable : .tempFailure
        case .authenticationFailed:
            return .config
        case .invalidURL:
            return .config
        case .http(_, let status, _):
            return status >= 500 ? .unavailable : .failure
        case .unexpectedResponse, .unsupported:
            return .failure
        case .transport(let t):
            switch t {
            case .cannotConnect, .cannotResolve: return .unavailable
            case .timedOut, .connectionLost: return .tempFailure
            default: return .failure
            }
        }
    }

    /// Runs `body`, turning ClickHouse errors into `CommandFailure`s with the right exit code.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw map(error) }
    }
}
