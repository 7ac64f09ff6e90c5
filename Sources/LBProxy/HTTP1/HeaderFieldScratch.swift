/// The list of header-field offsets a loop's parsers fill, kept from one head to the next.
///
/// A head's field list lives only while its head is handled (the parsed request keeps strings, not
/// offsets, and a response's offsets are used up when its head has been rewritten), so one list per
/// loop serves every head parsed there, and parsing allocates no list of its own. When a head's list is
/// still held as the next head is scanned, that scan takes a fresh list, and nothing else changes.
final class HeaderFieldScratch {
    var fields: [HeaderFieldRange] = []

    init() {
        fields.reserveCapacity(32)
    }
}
