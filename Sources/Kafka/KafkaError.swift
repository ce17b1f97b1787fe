internal import CRdKafka

/// Everything the Kafka module throws. `description` is one line an operator can act on.
public enum KafkaError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A configuration property was unknown or had a bad value.
    case invalidProperty(name: String, reason: String)
    /// No broker in the bootstrap list answered within the timeout.
    case brokersUnreachable(brokers: String, seconds: Double)
    /// The broker never answered an admin request (librdkafka's mock cluster ignores CreateTopics/DeleteTopics).
    case adminUnsupported(operation: String, brokers: String, seconds: Double)
    /// The broker answered that it does not implement this request (e.g. ListGroups on the mock cluster).
    case unsupported(operation: String, brokers: String)
    /// An admin request failed for one topic.
    case adminFailed(operation: String, topic: String, reason: String)
    /// Producing a message failed before it was queued.
    case produceFailed(topic: String, reason: String)
    /// `flush` returned with messages still undelivered.
    case flushTimedOut(pending: Int, seconds: Double)
    /// A consumer or metadata operation failed.
    case operationFailed(operation: String, brokers: String, code: Int32, reason: String)
    /// The topic does not exist (and was not auto-created).
    case unknownTopic(topic: String, brokers: String)
    /// The client could not be created.
    case clientCreationFailed(reason: String)
    /// The mock cluster or its control channel failed.
    case mock(reason: String)

    public var description: String {
        switch self {
        case .invalidProperty(let name, let reason):
            return "kafka property '\(name)': \(reason)"
        case .brokersUnreachable(let brokers, let seconds):
            return "kafka: no broker reachable at \(brokers) within \(formatSeconds(seconds))"
        case .adminUnsupported(let operation, let brokers, let seconds):
            return "kafka: broker at \(brokers) does not support \(operation) (timed out after \(formatSeconds(seconds)))"
        case .unsupported(let operation, let brokers):
            return "kafka: broker at \(brokers) does not support \(operation)"
        case .adminFailed(let operation, let topic, let reason):
            return "kafka: \(operation) '\(topic)' failed: \(reason)"
        case .produceFailed(let topic, let reason):
            return "kafka: produce to '\(topic)' failed: \(reason)"
        case .flushTimedOut(let pending, let seconds):
            return "kafka: \(pending) message(s) still undelivered after flushing for \(formatSeconds(seconds))"
        case .operationFailed(let operation, let brokers, _, let reason):
            return "kafka: \(operation) at \(brokers) failed: \(reason)"
        case .unknownTopic(let topic, let brokers):
            return "kafka: topic '\(topic)' does not exist at \(brokers)"
        case .clientCreationFailed(let reason):
            return "kafka: cannot create client: \(reason)"
        case .mock(let reason):
            return "kafka mock: \(reason)"
        }
    }

    /// The librdkafka error code, where there is one.
    public var code: Int32? {
        if case .operationFailed(_, _, let code, _) = self { return code }
        return nil
    }
}

func formatSeconds(_ s: Double) -> String {
    if s == s.rounded() { return "\(Int(s))s" }
    return "\(s)s"
}

/// librdkafka's text for an error code.
func errorString(_ err: rd_kafka_resp_err_t) -> String {
    String(cString: rd_kafka_err2str(err))
}

/// Whether `err` means the brokers could not be reached in time.
func isUnreachable(_ err: rd_kafka_resp_err_t) -> Bool {
    err == RD_KAFKA_RESP_ERR__TRANSPORT || err == RD_KAFKA_RESP_ERR__TIMED_OUT
        || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__RESOLVE
}
