/// Settings lb reads and keeps but does not act on yet, reported once each so that `lb -c` tells a
/// migrating user exactly what will not happen. Each entry goes away when its feature lands.
enum FeatureGaps {
    static func report(global: GlobalSettings, proxies: [Proxy], context: inout ParseContext) {
        for target in global.logTargets {
            context.warning("'log \(target.target)': access and event logging is not available yet; nothing is sent",
                            at: target.location)
        }
        for proxy in proxies {
            for target in proxy.logging.targets {
                context.warning("'log \(target.target)' in \(proxy.name): access logging is not available yet; nothing is sent",
                                at: target.location)
            }
        }
    }
}
