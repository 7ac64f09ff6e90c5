/// The per-session caches of dictionary values (`server_key`): a value is sent in full once with a slot
/// number, then by its slot alone. Slots are reused in turn, as HAProxy's sender does.
public enum PeerDictionaryCache {
    public static let size = 128

    public struct Sender: Sendable {
        private var slots: [String?] = Array(repeating: nil, count: PeerDictionaryCache.size)
        private var slotOf: [String: Int] = [:]
        private var next = 0

        public init() {}

        /// The values by slot (`show peers dict`).
        public var values: [String?] { slots }

        /// The slot for `value`, and whether the receiver already has it there.
        public mutating func id(for value: String) -> (Int, known: Bool) {
            if let slot = slotOf[value] { return (slot, true) }
            let slot = next
            next = (next + 1) % PeerDictionaryCache.size
            if let old = slots[slot] { slotOf[old] = nil }
            slots[slot] = value
            slotOf[value] = slot
            return (slot, false)
        }
    }

    public struct Receiver: Sendable {
        private var slots: [String?] = Array(repeating: nil, count: PeerDictionaryCache.size)

        public init() {}

        /// The values by slot (`show peers dict`).
        public var values: [String?] { slots }

        func value(at slot: Int) -> String? { slots[slot] }
        mutating func store(_ value: String, at slot: Int) { slots[slot] = value }
    }
}
