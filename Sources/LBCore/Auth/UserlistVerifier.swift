import LBConfig
import Synchronization

/// Checks HTTP Basic credentials against a `userlist` section, for the `http_auth(LIST)` and
/// `http_auth_group(LIST)` fetches. A class compared by identity, so compiled fetches can hold it.
public final class UserlistVerifier: Sendable, Hashable {
    struct Account: Sendable {
        var password: Userlist.User.Password
        var groups: [String]
    }

    public let name: String
    private let accounts: [[UInt8]: Account]
    /// Credentials that verified against a crypt(3) hash. Hashing takes milliseconds by design, and a
    /// client sends the same credentials on every request; a changed password no longer matches the key.
    private let verifiedHashes = Mutex<Set<[UInt8]>>([])
    private static let verifiedLimit = 1024

    public init(_ list: Userlist) {
        name = list.name
        // Groups that list a user, gathered in one pass over the groups (in name order) rather than one
        // pass per user, which would be quadratic in the size of the userlist.
        var listedIn: [String: [String]] = [:]
        for (group, members) in list.groups.sorted(by: { $0.key < $1.key }) {
            for member in Set(members) { listedIn[member, default: []].append(group) }
        }
        var accounts: [[UInt8]: Account] = [:]
        for user in list.users {
            var groups = user.groups
            var known = Set(groups)
            for group in listedIn[user.name] ?? [] where known.insert(group).inserted { groups.append(group) }
            accounts[Array(user.name.utf8)] = Account(password: user.password, groups: groups)
        }
        self.accounts = accounts
    }

    /// The groups of the user the `Authorization` value authenticates, nil when it authenticates nobody.
    func authenticatedGroups(_ authorization: String?) -> [String]? {
        guard let (user, password) = BasicAuth.credentials(authorization), let account = accounts[user] else { return nil }
        switch account.password {
        case .insecure(let expected):
            return BasicAuth.constantTimeEquals(password, Array(expected.utf8)) ? account.groups : nil
        case .hashed(let hash):
            let key = user + [0] + password
            if verifiedHashes.withLock({ $0.contains(key) }) { return account.groups }
            guard CryptPassword.verify(password, against: hash) else { return nil }
            verifiedHashes.withLock { verified in
                if verified.count >= Self.verifiedLimit { verified.removeAll() }
                verified.insert(key)
            }
            return account.groups
        }
    }

    public static func == (lhs: UserlistVerifier, rhs: UserlistVerifier) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
