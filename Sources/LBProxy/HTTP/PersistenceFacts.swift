import LBCore

/// What persistence decided for one request: the server a cookie or a stick table names, the cookie's
/// termination-state characters and dates, and the stick keys to store once a server took the request.
struct PersistenceFacts {
    /// The server the client's persistence cookie (or a stick table) names, used instead of the balancer.
    var server: Int?
    /// Termination-state characters 3 and 4: the client's cookie, and what lb did with the response's.
    var cookieFlags: (UInt8, UInt8) = (UInt8(ascii: "-"), UInt8(ascii: "-"))
    /// The request cookie's last-seen and first-seen dates (Unix seconds), for refreshing them.
    var cookieDates: (last: Int?, first: Int?) = (nil, nil)
    /// Keys `stick on` / `stick store-request` remember once a server took the request.
    var stickKeys: [StickKey] = []
}
