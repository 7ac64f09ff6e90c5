/// HAProxy's `avalanche` modifier (its `full_hash`): Bob Jenkins' six-shift integer hash, then a multiply by
/// 3221225473, a prime close to 3/4 of 2^32. It makes every input bit move about half the output bits, so
/// keys that differ only in their last byte (sdbm, djb2, a raw IPv4 address) land far apart: on a
/// consistent-hash ring unmixed neighbours would all fall into one server's arc.
enum Avalanche {
    static func mix(_ input: UInt32) -> UInt32 {
        var value = input
        value = (value &+ 0x7ed5_5d16) &+ (value << 12)
        value = (value ^ 0xc761_c23c) ^ (value >> 19)
        value = (value &+ 0x1656_67b1) &+ (value << 5)
        value = (value &+ 0xd3a2_646c) ^ (value << 9)
        value = (value &+ 0xfd70_46c5) &+ (value << 3)
        value = (value ^ 0xb55a_4f09) ^ (value >> 16)
        return value &* 3_221_225_473
    }
}
