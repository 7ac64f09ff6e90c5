import Testing
@testable import LBCore

struct TerminationTests {
    @Test(arguments: [
        (Termination.normal, "--"),
        (.by(.clientAbort, .headers), "CH"),
        (.by(.clientAbort, .data), "CD"),
        (.by(.clientAbort, .queue), "CQ"),
        (.by(.clientTimeout, .request), "cR"),
        (.by(.serverAbort, .connect), "SC"),
        (.by(.serverTimeout, .connect), "sC"),
        (.by(.serverTimeout, .queue), "sQ"),
        (.by(.serverTimeout, .headers), "sH"),
        (.by(.proxy, .request), "PR"),
        (.by(.proxy, .headers), "PH"),
        (.by(.local, .request), "LR"),
        (.by(.resource, .connect), "RC"),
        (.by(.internalError, .lastData), "IL"),
        (.by(.serverDown, .data), "DD"),
        (.by(.serverUp, .data), "UD"),
        (.by(.killed, .headers), "KH"),
        (.by(.proxy, .tarpit), "PT"),
    ])
    func logsHAProxysTwoCharacters(termination: Termination, expected: String) {
        #expect(termination.description == expected)
        let (cause, phase) = termination.characters
        #expect(String(decoding: [cause, phase], as: UTF8.self) == expected)
    }
}
