import LBConfig

extension ProxyPlan {
    /// Compiles a backend's `stick` rules: each pattern once, each `table NAME` resolved to the backend
    /// that declares the table.
    static func compileStickRules(_ proxy: Proxy, ownIndex: Int, tables: [Int: StickTableDeclaration],
                                  acls: [String: CompiledACL], environment: inout CompileEnvironment) -> [CompiledStickRule] {
        var compiled: [CompiledStickRule] = []
        for rule in proxy.stickRules {
            let what = "stick \(rule.kind.rawValue)"
            var table = ownIndex
            if let name = rule.table {
                guard let index = environment.backendIndexes[name] else {
                    environment.error("'\(what)': no backend named '\(name)' for its table", at: rule.location)
                    continue
                }
                table = index
            }
            guard let declaration = tables[table] else {
                let owner = rule.table ?? proxy.name
                environment.error("'\(what)': '\(owner)' has no stick-table", at: rule.location,
                                  hint: "declare one, for example: stick-table type ip size 100k expire 30m")
                continue
            }
            let expression: SampleExpression
            do {
                expression = try SampleExpression.compile(rule.pattern[...], environment: environment)
            } catch {
                environment.error("'\(what)': \(error.message)", at: rule.location)
                continue
            }
            if case .unimplemented(let name) = expression.fetch {
                environment.warning("'\(what)': fetch '\(name)' is not implemented by lb; the rule never applies", at: rule.location)
            }
            if declaration.type == .ip || declaration.type == .ipv6, expression.type != .address {
                environment.error("'\(what) \(rule.pattern)': table of type \(declaration.type.rawValue) needs an address (such as src)",
                                  at: rule.location)
                continue
            }
            var condition: CompiledCondition?
            if let written = rule.condition {
                guard let conditionCompiled = CompiledCondition.compile(written, acls: acls, environment: &environment) else { continue }
                condition = conditionCompiled
            }
            compiled.append(CompiledStickRule(kind: rule.kind, table: table, expression: expression, condition: condition))
        }
        return compiled
    }
}
