import Testing
@testable import LBCore

/// An agent's answer (`agent-check`), read as HAProxy reads it.
struct AgentReplyTests {
    @Test func wordsOfEachKindInAnyOrder() {
        let reply = AgentReply("drain, 75% UP\n")
        #expect(reply.admin == .drain)
        #expect(reply.weight == "75%")
        #expect(reply.health == .up)
        #expect(reply.isUp == true)
        #expect(reply.firstUnknownWord == nil)
        #expect(reply.description == "")
    }

    @Test(arguments: [("down", AgentReply.Health.down), ("stopped", .stopped), ("FAIL", .fail)])
    func downWords(word: String, health: AgentReply.Health) {
        let reply = AgentReply(Substring(word))
        #expect(reply.health == health)
        #expect(reply.isUp == false)
    }

    @Test func descriptionAfterASharp() {
        let reply = AgentReply("down #  bad disk\r\n")
        #expect(reply.health == .down)
        #expect(reply.description == "bad disk")
        #expect(reply.report(warning: nil) == "via agent : down (bad disk)")
    }

    @Test func aSharpInsideAWordIsNoDescription() {
        let reply = AgentReply("down#bad disk")
        #expect(reply.health == nil)
        #expect(reply.firstUnknownWord == "down#bad")
    }

    @Test func theLastWordOfAKindWinsAndTheFirstUnknownIsKept() {
        let reply = AgentReply("maint ready 10% 20% bogus other up down")
        #expect(reply.admin == .ready)
        #expect(reply.weight == "20%")
        #expect(reply.firstUnknownWord == "bogus")
        #expect(reply.health == .down)
    }

    @Test func readsOnlyTheFirstLine() {
        let reply = AgentReply("up\ndown\n")
        #expect(reply.health == .up)
        #expect(AgentReply("50%\0down").health == nil)
    }

    @Test func maxconnAndNothing() {
        #expect(AgentReply("maxconn:30").maxConnections == "30")
        let empty = AgentReply("")
        #expect(empty.health == nil && empty.admin == nil && empty.weight == nil && empty.firstUnknownWord == nil)
        #expect(empty.report(warning: nil) == nil)
    }

    @Test func reportWithoutDescriptionCarriesTheWarning() {
        #expect(AgentReply("fail").report(warning: nil) == "via agent : fail")
        #expect(AgentReply("up").report(warning: "Trailing garbage in weight string") == "via agent : up (Trailing garbage in weight string)")
    }

    @Test(arguments: [
        ("50%", 10, 5), ("300%", 10, 30), ("300%", 100, 256), ("0%", 10, 0), ("1%", 1, 0), ("42", 10, 42),
    ])
    func weightsResolveAgainstTheConfiguredOne(text: String, initial: Int, weight: Int) {
        #expect(WeightRequest.resolve(Substring(text), initial: initial) == .success(weight))
    }

    @Test func badWeightsAreRefusedWithHAProxysWords() {
        #expect(WeightRequest.resolve("5%x", initial: 10) == .failure(.init(message: "Trailing garbage in weight string")))
        #expect(WeightRequest.resolve("300", initial: 10)
                == .failure(.init(message: "Absolute weight can only be between 0 and 256 inclusive.")))
        #expect(WeightRequest.resolve("x", initial: 10)
                == .failure(.init(message: "Empty weight string empty or preceded by garbage")))
    }
}
