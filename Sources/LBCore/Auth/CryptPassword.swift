import CCrypt

/// Verification of a password against a crypt(3) hash (`$6$salt$...` for SHA-512, `$5$` SHA-256, and
/// the other methods libxcrypt knows), as `userlist` sections write them with `password`.
enum CryptPassword {
    /// True when `password` hashes to `hash`. Uses the reentrant `crypt_r`, so checks on several event
    /// loops may run at once; the comparison of the results takes constant time.
    static func verify(_ password: [UInt8], against hash: String) -> Bool {
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<crypt_data>.size,
                                                       alignment: MemoryLayout<crypt_data>.alignment)
        defer { scratch.deallocate() }
        // crypt_r requires zeroed scratch space on first use.
        scratch.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<crypt_data>.size)
        let data = scratch.assumingMemoryBound(to: crypt_data.self)
        let phrase = password.contains(0) ? nil : String(decoding: password, as: UTF8.self)
        guard let phrase, let result = crypt_r(phrase, hash, data) else { return false }
        let computed = Array(String(cString: result).utf8)
        // Failure is reported as a string starting with '*', never equal to a valid hash.
        return BasicAuth.constantTimeEquals(computed, Array(hash.utf8))
    }
}
