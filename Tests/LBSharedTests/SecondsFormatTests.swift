import LBShared
import Testing

struct SecondsFormatTests {
    @Test(arguments: [
        (0, "0"), (1, "0.000001"), (10, "0.00001"), (999_999, "0.999999"), (1_000, "0.001"), (2_500, "0.0025"),
        (250_000, "0.25"), (1_000_000, "1"), (1_500_000, "1.5"), (30_000_000, "30"), (123_456_789, "123.456789"),
        (-2_000, "-0.002"), (-1_000_000, "-1"), (-1_000_001, "-1.000001"),
    ] as [(Int, String)])
    func noTrailingZerosNoExponent(microseconds: Int, expected: String) {
        #expect(SecondsFormat.string(microseconds: microseconds) == expected)
    }
}
