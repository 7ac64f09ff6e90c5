import LBCore

/// The outcome of one health check, with HAProxy's status names.
typealias CheckResult = CheckVerdict

extension CheckVerdict {
    typealias Status = CheckStatus
}
