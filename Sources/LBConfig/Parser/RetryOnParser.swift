extension ProxySectionParser {
    /// `retry-on KEYWORD...`: replaces the default (`conn-failure`) with the listed conditions.
    static func parseRetryOn(_ directive: Directive, into builder: inout ProxyBuilder, context: inout ParseContext) {
        guard directive.words.count > 1 else {
            context.error("'retry-on' expects at least one condition", at: directive.location,
                          hint: "for example: retry-on conn-failure empty-response response-timeout 503")
            return
        }
        var conditions = RetryConditions()
        conditions.connectionFailure = false
        for index in 1..<directive.words.count {
            let word = directive.words[index].text
            if word == "all" {
                // HAProxy's `all` means every condition it knows.
                for keyword in ["all-retryable-errors"] + RetryConditions.retryableStatuses.sorted().map(String.init) {
                    _ = conditions.add(keyword)
                }
                continue
            }
            guard conditions.add(word) else {
                context.error("unknown 'retry-on' condition '\(word)'", at: directive.location(of: index),
                              hint: "expected none, conn-failure, empty-response, junk-response, response-timeout, 0rtt-rejected, "
                                + "all-retryable-errors, all, or one of the statuses 401, 403, 404, 408, 425, 500, 501, 502, 503, 504")
                return
            }
        }
        builder.proxy.retryOn = conditions
    }
}
