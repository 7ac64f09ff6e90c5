/// `userlist NAME` sections: `user NAME password HASH|insecure-password PASSWORD [groups G1,G2]` and
/// `group NAME [users U1,U2]`. Membership may be written on either side; the model gets the union.
struct UserlistBuilder {
    var list: Userlist
    var groupLocations: [String: SourceLocation] = [:]
    var userLocations: [String: SourceLocation] = [:]
    /// Groups named on `user` lines and users named on `group` lines, checked when the section is complete.
    var groupReferences: [(user: String, group: String, location: SourceLocation)] = []
    var userReferences: [(group: String, user: String, location: SourceLocation)] = []

    init(name: String, location: SourceLocation) {
        list = Userlist(name: name, location: location)
    }

    mutating func parse(_ directive: Directive, context: inout ParseContext) {
        switch directive.keyword {
        case "user":
            parseUser(directive, context: &context)
        case "group":
            guard let name = context.argument(directive, 1, "group", "a name") else { return }
            if let previous = groupLocations[name] {
                context.error("group '\(name)' is already declared at \(previous.fileAndLine)", at: directive.location)
                return
            }
            groupLocations[name] = directive.location
            list.groups[name] = list.groups[name] ?? []
            switch (directive.text(2), directive.text(3)) {
            case (nil, _): break
            case ("users", let users?):
                for user in users.split(separator: ",") {
                    userReferences.append((name, String(user), directive.location))
                }
                context.noExtraArguments(directive, after: 4, "group")
            default:
                context.error("'group' expects 'users U1,U2' after the name", at: directive.location(of: 2))
            }
        default:
            context.error("unknown keyword '\(directive.keyword)' in a userlist section", at: directive.location,
                          hint: Spelling.hint(for: directive.keyword, among: ["user", "group"]) ?? "expected user or group")
        }
    }

    private mutating func parseUser(_ directive: Directive, context: inout ParseContext) {
        guard let name = context.argument(directive, 1, "user", "a name") else { return }
        if let previous = userLocations[name] {
            context.error("user '\(name)' is already declared at \(previous.fileAndLine)", at: directive.location)
            return
        }
        var password: Userlist.User.Password?
        var groups: [String] = []
        var index = 2
        while let option = directive.text(index) {
            guard let value = directive.text(index + 1) else {
                context.error("'user \(name) \(option)' expects a value", at: directive.location(of: index))
                return
            }
            switch option {
            case "password": password = .hashed(value)
            case "insecure-password": password = .insecure(value)
            case "groups": groups = value.split(separator: ",").map(String.init)
            default:
                context.error("unknown 'user' option '\(option)'", at: directive.location(of: index),
                              hint: "expected password HASH, insecure-password PASSWORD or groups G1,G2")
                return
            }
            index += 2
        }
        guard let password else {
            context.error("user '\(name)' has no password", at: directive.location,
                          hint: "add 'password HASH' (a crypt(3) hash) or 'insecure-password PASSWORD'")
            return
        }
        userLocations[name] = directive.location
        list.users.append(Userlist.User(name: name, password: password, groups: groups))
        for group in groups { groupReferences.append((name, group, directive.location)) }
    }

    /// Checks references and completes membership on both sides.
    mutating func finish(context: inout ParseContext) -> Userlist {
        for reference in groupReferences where groupLocations[reference.group] == nil {
            context.error("user '\(reference.user)' belongs to undeclared group '\(reference.group)'", at: reference.location,
                          hint: "declare it with 'group \(reference.group)' in userlist '\(list.name)'")
        }
        var userIndexes: [String: Int] = [:]
        for (index, user) in list.users.enumerated() where userIndexes[user.name] == nil { userIndexes[user.name] = index }
        var memberships = list.users.map { Set($0.groups) }
        for reference in userReferences {
            guard let index = userIndexes[reference.user] else {
                context.error("group '\(reference.group)' names undeclared user '\(reference.user)'", at: reference.location)
                continue
            }
            if memberships[index].insert(reference.group).inserted { list.users[index].groups.append(reference.group) }
        }
        var groups: [String: [String]] = list.groups.mapValues { _ in [] }
        for user in list.users {
            for group in user.groups where groups[group] != nil { groups[group]?.append(user.name) }
        }
        list.groups = groups
        return list
    }
}
