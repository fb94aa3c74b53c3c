import Ledger
import RPC
import Testing
@testable import PublicAudit

/// The training rules of the log audit, event by event.
@Suite struct TrainingAuditTests {
    func replay(_ steps: [(kind: String, payload: JSONValue)]) -> [String] {
        var r = TrainingReplay()
        var found: [String] = []
        for step in steps {
            if step.kind == "ledger.tx" {
                let p = step.payload
                r.transfer(kind: p["kind"]?.stringValue ?? "", from: p["from"]?.stringValue ?? "", to: p["to"]?.stringValue ?? "",
                           amount: Int64(p["amount"]?.stringValue ?? "") ?? 0, ref: p["ref"]?.stringValue) { found.append($0) }
            } else {
                r.event(step.kind, step.payload) { found.append($0) }
            }
        }
        return found
    }

    static let alice = String(repeating: "a", count: 64)
    static let bob = String(repeating: "b", count: 64)

    func tx(_ kind: String, _ from: String, _ to: String, _ amount: Int64, ref: String) -> (String, JSONValue) {
        ("ledger.tx", ["kind": .string(kind), "from": .string(from), "to": .string(to), "amount": .string(String(amount)), "ref": .string(ref)])
    }

    var honestRound: [(kind: String, payload: JSONValue)] {
        [
            tx("train.stake", Self.alice, "escrow:train:\(Self.alice)", 100, ref: "train:\(Self.alice)"),
            tx("train.stake", Self.bob, "escrow:train:\(Self.bob)", 100, ref: "train:\(Self.bob)"),
            ("train.round.opened", ["round": 1]),
            ("train.round.closed", ["round": 1, "emission": "1000", "payments": [Self.alice: "1000"],
                                    "offences": [Self.bob: "audit.mismatch"]]),
            tx("train.reward", "issuance", Self.alice, 1000, ref: "round:1:\(Self.alice)"),
            tx("train.slash", "escrow:train:\(Self.bob)", "treasury", 50, ref: "round:1:\(Self.bob)"),
        ]
    }

    @Test("A round that pays what it decided and slashes its offender is clean")
    func clean() {
        #expect(replay(honestRound).isEmpty)
    }

    @Test("Payments other than the round's decision, past the emission, before the close, or to a banned runner are caught")
    func caught() {
        var inflated = honestRound
        inflated[4] = tx("train.reward", "issuance", Self.alice, 1001, ref: "round:1:\(Self.alice)")
        #expect(replay(inflated).contains { $0.contains("decided 1000") })

        var overEmission = honestRound
        overEmission[3] = ("train.round.closed", ["round": 1, "emission": "1000", "payments": [Self.alice: "900", Self.bob: "200"]])
        #expect(replay(overEmission).contains { $0.contains("more than its emission") })

        var early = honestRound
        early.swapAt(3, 4)
        #expect(replay(early).contains { $0.contains("has not closed") })

        var wrongSlash = honestRound
        wrongSlash[5] = tx("train.slash", "escrow:train:\(Self.alice)", "treasury", 50, ref: "round:1:\(Self.alice)")
        #expect(replay(wrongSlash).contains { $0.contains("without an offence") })

        var overSlash = honestRound
        overSlash[5] = tx("train.slash", "escrow:train:\(Self.bob)", "treasury", 150, ref: "round:1:\(Self.bob)")
        #expect(replay(overSlash).contains { $0.contains("more from") })

        let banned = honestRound + [
            ("train.banned", ["runner": .string(Self.alice), "reason": "x"]),
            ("train.round.opened", ["round": 2]),
            ("train.round.closed", ["round": 2, "emission": "1000", "payments": [Self.alice: "1000"]]),
        ]
        #expect(replay(banned).contains { $0.contains("banned") })

        var reopened = honestRound
        reopened.append(("train.round.opened", ["round": 1]))
        #expect(replay(reopened).contains { $0.contains("opened after") })
    }
}
