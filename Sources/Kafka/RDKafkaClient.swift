internal import CRdKafka
import Foundation
import Logging

/// State shared with librdkafka's callbacks through the handle's opaque pointer:
/// the logger, the last error reported by `error_cb`, and (for producers) the delivery sink.
final class RDKafkaContext: @unchecked Sendable {
    let logger: Logger
    let brokers: String
    private let lock = NSLock()
    private var _lastError: (code: rd_kafka_resp_err_t, reason: String)?
    /// Set by the producer before the handle exists; called from `rd_kafka_poll` on the polling thread.
    var onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)?

    init(logger: Logger, brokers: String) {
        self.logger = logger
        self.brokers = brokers
    }

    var lastError: (code: rd_kafka_resp_err_t, reason: String)? {
        lock.lock(); defer { lock.unlock() }
        return _lastError
    }

    func recordError(_ code: rd_kafka_resp_err_t, _ reason: String) {
        lock.lock(); _lastError = (code, reason); lock.unlock()
    }
}

private func context(of rk: OpaquePointer?) -> RDKafkaContext? {
    guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
    return Unmanaged<RDKafkaContext>.fromOpaque(opaque).takeUnretainedValue()
}

private let logCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, fac, buf in
    guard let ctx = context(of: rk) else { return }
    let facility = fac.map { String(cString: $0) } ?? ""
    let text = buf.map { String(cString: $0) } ?? ""
    let swiftLevel: Logger.Level
    switch level {
    case 0...2: swiftLevel = .critical
    case 3: swiftLevel = .error
    case 4: swiftLevel = .warning
    case 5: swiftLevel = .notice
    case 6: swiftLevel = .info
    default: swiftLevel = .debug
    }
    ctx.logger.log(level: swiftLevel, "\(text)", metadata: ["rdkafka.facility": .string(facility), "kafka.brokers": .string(ctx.brokers)])
}

private let errorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, _ in
    guard let ctx = context(of: rk) else { return }
    let text = reason.map { String(cString: $0) } ?? ""
    ctx.recordError(rd_kafka_resp_err_t(err), text)
    ctx.logger.warning("\(text)", metadata: ["kafka.error": .string(errorString(rd_kafka_resp_err_t(err))), "kafka.brokers": .string(ctx.brokers)])
}

private let deliveryCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, message, opaque in
    guard let message, let opaque else { return }
    let ctx = Unmanaged<RDKafkaContext>.fromOpaque(opaque).takeUnretainedValue()
    ctx.onDelivery?(message)
}

/// Owns one `rd_kafka_t` and the context its callbacks use. Destroyed in deinit.
final class RDKafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let context: RDKafkaContext
    let kind: rd_kafka_type_t
    private let retainedContext: Unmanaged<RDKafkaContext>

    /// Creates the handle. librdkafka takes the conf only on success; on failure it is destroyed here.
    init(kind: rd_kafka_type_t, config: KafkaConfig, logger: Logger, onDelivery: ((UnsafePointer<rd_kafka_message_t>) -> Void)? = nil) throws {
        let ctx = RDKafkaContext(logger: logger, brokers: config.brokers)
        ctx.onDelivery = onDelivery
        let conf = try config.makeConf()
        let retained = Unmanaged.passRetained(ctx)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        rd_kafka_conf_set_log_cb(conf, logCallback)
        rd_kafka_conf_set_error_cb(conf, errorCallback)
        if kind == RD_KAFKA_PRODUCER {
            rd_kafka_conf_set_dr_msg_cb(conf, deliveryCallback)
        }
        var errbuf = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(kind, conf, &errbuf, errbuf.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            let reason = String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError.clientCreationFailed(reason: reason)
        }
        self.handle = rk
        self.context = ctx
        self.kind = kind
        self.retainedContext = retained
    }

    deinit {
        rd_kafka_destroy(handle)
        retainedContext.release()
    }

    var brokers: String { context.brokers }

    /// Serves queued callbacks (delivery reports, logs, errors) for up to `timeoutMs`.
    @discardableResult
    func poll(timeoutMs: Int32) -> Int32 {
        rd_kafka_poll(handle, timeoutMs)
    }

    /// An error for `err` from `operation`, mapping "cannot reach brokers" to a clear message.
    func error(_ operation: String, _ err: rd_kafka_resp_err_t, timeoutSeconds: Double) -> KafkaError {
        if isUnreachable(err) {
            return .brokersUnreachable(brokers: brokers, seconds: timeoutSeconds)
        }
        if err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART {
            return .operationFailed(operation: operation, brokers: brokers, code: Int32(err.rawValue), reason: "unknown topic or partition")
        }
        return .operationFailed(operation: operation, brokers: brokers, code: Int32(err.rawValue), reason: errorString(err))
    }
}

func cString(_ buf: [CChar]) -> String {
    String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func milliseconds(_ seconds: Double) -> Int32 {
    Int32(clamping: Int64((seconds * 1000).rounded()))
}
