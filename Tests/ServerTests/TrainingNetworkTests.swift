import Aggregation
import Foundation
import GRDB
import Ledger
import Logging
import ModelTraining
import PurrClient
import PurrCrypto
import RPC
import Runner
import Swarm
import Testing
import WireFormat
@testable import Server

/// AI runners against a real server over real WebSockets, with a tiny model so a debug build
/// trains a round in well under a second.
@Suite(.serialized) struct TrainingNetworkTests {
    static func tiny(_ config: inout ServerConfig) {
        config.training.enabled = true
        config.training.dim = 32
        config.training.layers = 1
        config.training.seqLen = 32
        config.training.innerSteps = 4
        config.training.batch = 2
        config.training.samplesPerRunner = 8
        config.training.heldOutSamples = 8
        config.training.roundSeconds = 30
        config.training.minSecondsToJoinRound = 1
        config.training.threads = 1
        config.training.segmentSteps = 2
    }

    static func runner(_ server: IntegrationServer, rounds: Int, attack: RunnerAttack? = nil, key: Ed25519PrivateKey? = nil) throws -> TrainingRunner {
        var o = TrainingRunner.Options(server: server.url, key: try key ?? Ed25519PrivateKey())
        o.rounds = rounds
        o.attack = attack
        o.faucet = true
        o.threads = 1
        o.runtime = server.runtime
        o.maxReconnects = 3
        return TrainingRunner(options: o)
    }

    func events(_ server: IntegrationServer, _ kind: String) async throws -> [JSONValue] {
        try await server.app.db.read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM ledger_events WHERE kind = ? ORDER BY seq", arguments: [kind])
        }.compactMap { try? JSONValue.parse($0) }
    }

    @Test("Runners train over the network and are paid; a NaN attacker is refused, slashed, banned and paid nothing; the audit is clean")
    func honestAndNaN() async throws {
        try await withIntegrationServer({ Self.tiny(&$0); $0.training.banAfterOffences = 2 }) { server in
            let keys = try (0..<3).map { _ in try Ed25519PrivateKey() }
            async let a = Self.runner(server, rounds: 3, key: keys[0]).run()
            async let b = Self.runner(server, rounds: 3, key: keys[1]).run()
            async let c = Self.runner(server, rounds: 2, attack: .craft(.nan), key: keys[2]).run()
            let (ra, rb, rc) = try await (a, b, c)
            #expect(ra.delivered == 3 && rb.delivered == 3)
            #expect(rc.refused == 2, "both NaN updates refused on arrival")
            // Wait for the last rounds to be judged.
            for _ in 0..<200 where try await events(server, "train.round.closed").count < 3 {
                try await Task.sleep(for: .milliseconds(50))
            }
            let closed = try await events(server, "train.round.closed")
            #expect(closed.count >= 3)
            #expect((closed.last?["newVersion"]?.intValue ?? 0) >= 3)
            let first = closed.first?["heldOutLoss"]?.doubleValue ?? 0, last = closed.last?["heldOutLoss"]?.doubleValue ?? 0
            #expect(last < first, "held-out loss \(first) → \(last)")
            // The faucet gave each runner exactly its stake: what they hold now is what they earned.
            let honestEarned = try await server.balance(keys[0].publicKeyHex) + server.balance(keys[1].publicKeyHex)
            let attacker = keys[2].publicKeyHex
            let rewards = try await events(server, "ledger.tx").filter { $0["kind"]?.stringValue == "train.reward" }
            #expect(!rewards.isEmpty)
            #expect(honestEarned == rewards.reduce(0) { $0 + (Int64($1["amount"]?.stringValue ?? "") ?? 0) })
            #expect(honestEarned == Int64(closed.filter { !($0["accepted"]?.arrayValue ?? []).isEmpty }.count) * 10_000_000,
                    "every judged round pays its whole emission to the honest runners")
            #expect(try await server.balance(attacker) == 0)
            // New runners are re-executed every round; from round 2 on they keep their AdamW
            // state, send it when audited, and the replay from it matches.
            let honestIDs = Set([keys[0].publicKeyHex, keys[1].publicKeyHex])
            let later = closed.dropFirst()
            #expect(later.contains { round in Set((round["audited"]?.arrayValue ?? []).compactMap(\.stringValue)).isSuperset(of: honestIDs) })
            #expect(closed.allSatisfy { Set(($0["offences"]?.objectValue ?? [:]).keys).isDisjoint(with: honestIDs) })
            // Each audit's replay distances are in the log; the same arithmetic replays exactly.
            let audits = closed.compactMap { $0["audits"]?.objectValue }.flatMap { $0.filter { honestIDs.contains($0.key) }.map(\.value) }
            #expect(!audits.isEmpty)
            for a in audits {
                let distances = ["params", "m", "v"].flatMap { (a[$0]?.arrayValue ?? []).compactMap(\.doubleValue) }
                #expect(!distances.isEmpty && distances.allSatisfy { $0 == 0 }, "\(a)")
                #expect((a["upload"]?.doubleValue ?? 1) < 0.05, "\(a)")
            }
            #expect(rewards.allSatisfy { $0["to"]?.stringValue != attacker }, "the attacker is never paid")
            let slashes = try await events(server, "ledger.tx").filter { $0["kind"]?.stringValue == "train.slash" }
            #expect(slashes.count == 2 && slashes.allSatisfy { $0["from"]?.stringValue == "escrow:train:\(attacker)" })
            #expect(try await events(server, "train.banned").map { $0["runner"]?.stringValue } == [attacker])
            #expect(try await server.balance("escrow:train:\(attacker)") == 0, "5 PUR stake, 2.5 slashed twice")
            // The banned runner cannot come back.
            let back = try await server.connect()
            _ = try await back.signIn(with: keys[2])
            await #expect(throws: PurrClientError.self) { _ = try await back.call("train.join", ["protocol": 2]) }
            #expect(ra.downloadedBytes < 3 * 300_000, "after the first full state, runners fetch int8 diffs")
        }
    }

    @Test("Crafted updates (sign-flipped, free-riding, backdoored) fail their segment audit over the network: slashed, banned, never paid",
          arguments: ["signflip", "freeride", "backdoor"])
    func craftedUpdates(_ attack: String) async throws {
        try await withIntegrationServer({ Self.tiny(&$0); $0.training.banAfterOffences = 2 }) { server in
            let keys = try (0..<3).map { _ in try Ed25519PrivateKey() }
            async let a = Self.runner(server, rounds: 3, key: keys[0]).run()
            async let b = Self.runner(server, rounds: 3, key: keys[1]).run()
            async let c = Self.runner(server, rounds: 2, attack: try RunnerAttack(parsing: attack), key: keys[2]).run()
            _ = try await (a, b, c)
            for _ in 0..<200 where try await events(server, "train.banned").isEmpty {
                try await Task.sleep(for: .milliseconds(50))
            }
            let attacker = keys[2].publicKeyHex
            #expect(try await events(server, "train.banned").map { $0["runner"]?.stringValue } == [attacker])
            let txs = try await events(server, "ledger.tx")
            #expect(txs.filter { $0["kind"]?.stringValue == "train.slash" }.allSatisfy { $0["from"]?.stringValue == "escrow:train:\(attacker)" })
            #expect(!txs.contains { $0["kind"]?.stringValue == "train.reward" && $0["to"]?.stringValue == attacker })
            let offences = try await events(server, "train.round.closed").compactMap { $0["offences"]?[attacker]?.stringValue }
            #expect(offences.count == 2 && offences.allSatisfy { $0.hasPrefix("audit.") }, "\(offences)")
        }
    }

    @Test("LoRA mode: runners upload adapter factors, far smaller than full updates, and the model still moves")
    func lora() async throws {
        try await withIntegrationServer({ Self.tiny(&$0); $0.training.mode = "lora"; $0.training.loraRank = 2 }) { server in
            let count = Int(try await server.connect().call("train.info")["model"]?["parameters"]?.intValue ?? 0)
            async let a = Self.runner(server, rounds: 2).run()
            async let b = Self.runner(server, rounds: 2).run()
            let (ra, rb) = try await (a, b)
            #expect(ra.delivered == 2 && rb.delivered == 2)
            #expect(ra.uploadedBytes < 2 * count / 10, "two LoRA uploads of \(ra.uploadedBytes) bytes; one full int8 update is about \(count) bytes")
            for _ in 0..<200 where try await events(server, "train.round.closed").count < 2 {
                try await Task.sleep(for: .milliseconds(50))
            }
            let closed = try await events(server, "train.round.closed")
            #expect((closed.last?["newVersion"]?.intValue ?? 0) >= 2)
            #expect(closed.allSatisfy { ($0["offences"]?.objectValue ?? [:]).isEmpty }, "honest LoRA updates pass the re-execution audit")
        }
    }

    @Test("Bad training input gets stable codes and moves nothing")
    func badInput() async throws {
        try await withIntegrationServer({ Self.tiny(&$0) }) { server in
            func reason(_ body: () async throws -> JSONValue) async -> String? {
                do { _ = try await body(); return nil } catch PurrClientError.rpc(let e) {
                    return e.data?["reason"]?.stringValue ?? e.name
                } catch { return "\(error)" }
            }
            let anonymous = try await server.connect()
            #expect(await reason { try await anonymous.call("train.join") } == "unauthenticated")
            #expect(try await anonymous.call("train.info")["enabled"] == true)

            let poor = try await server.player(faucet: nil)
            #expect(await reason { try await poor.connection.call("train.join", ["protocol": 2]) } == "insufficient_funds")
            #expect(try await poor.balance() == 0)

            let p = try await server.player()
            #expect(await reason { try await p.connection.call("train.assignment") } == "train.not_member")
            #expect(await reason { try await p.connection.call("train.join", ["extra": 1]) } == "invalid_params")
            let update = { (round: UInt64, count: Int, id: Int64) throws -> [UInt8] in
                try ModelFrames.update(fp32: [Float](repeating: 0.001, count: count), round: round, requestID: UInt64(id)).encode()
            }
            #expect(await reason { try await p.connection.callBinary { try update(1, 10, $0) } } == "train.not_member")
            // A runner of the old rules (no protocol, or protocol 1) is told what this server speaks.
            #expect(await reason { try await p.connection.call("train.join") } == "train.protocol")
            #expect(await reason { try await p.connection.call("train.join", ["protocol": 1]) } == "train.protocol")
            #expect(try await p.balance() == 100_000_000, "a refused join stakes nothing")
            let joined = try await p.connection.call("train.join", ["protocol": 2])
            #expect(joined["member"] == true && joined["stakeHeld"]?.stringValue == "5000000")
            #expect(try await p.balance() == 95_000_000)
            #expect(try await p.connection.call("train.join", ["protocol": 2])["member"] == true, "joining twice stakes once")
            #expect(try await p.balance() == 95_000_000)
            let count = Int(try await p.connection.call("train.info")["model"]?["parameters"]?.intValue ?? 0)
            #expect(await reason { try await p.connection.callBinary { try update(1, 10, $0) } } == "train.bad_frame")
            #expect(await reason { try await p.connection.callBinary { try update(99, count, $0) } } == "train.wrong_round")
            #expect(await reason {
                try await p.connection.callBinary { id in
                    var bytes = try update(1, count, id)
                    bytes[100] ^= 0xFF
                    return bytes
                }
            } == "wire.checksum_mismatch")
            #expect(await reason {
                try await p.connection.callBinary { id in
                    try TensorFrame(messageType: .modelState, requestID: UInt64(id), round: 1, tensors: []).encode()
                }
            } == "train.bad_frame")
            // Not a tensor frame at all: answered with id null.
            p.connection.sendBinary(Array("hello, not a frame".utf8))
            let unmatched = try JSONValue.parse(try await p.connection.nextUnmatched(timeout: 20))
            #expect(unmatched["id"] == .null && unmatched["error"]?["data"]?["reason"]?.stringValue == "wire.bad_magic", "\(unmatched)")
            // train.model needs an integer id (its frames carry it).
            p.connection.sendRaw(#"{"jsonrpc":"2.0","id":"m","method":"train.model","params":{}}"#)
            let stringID = try JSONValue.parse(try await p.connection.nextUnmatched(timeout: 20))
            #expect(stringID["error"]?["code"]?.intValue == -32600)
            // No update without a commitment to the round's checkpoints.
            #expect(await reason { try await p.connection.callBinary { try update(1, count, $0) } } == "train.no_commitment")
            let assignment = try await p.connection.call("train.assignment")
            let sha = try #require(assignment["paramsSHA256"]?.stringValue)
            #expect(assignment["inner"]?["segmentSteps"] == 2)
            let zeros = InnerCheckpoint.zerosSHA256(count: count)
            func checkpoints(_ first: String, _ steps: [Int] = [0, 2, 4]) -> JSONValue {
                .array(steps.map { ["step": .int(Int64($0)), "adamStep": .int(Int64($0)), "params": .string($0 == 0 ? first : sha),
                                    "m": .string(zeros), "v": .string(zeros)] })
            }
            func commit(_ c: JSONValue, round: Int64 = 1) async -> String? {
                await reason { try await p.connection.call("train.commit", ["round": .int(round), "segmentSteps": 2, "checkpoints": c]) }
            }
            #expect(await commit(checkpoints(String(repeating: "a", count: 64))) == "train.bad_commitment", "checkpoint 0 must be the round's model")
            #expect(await commit(checkpoints(sha, [0, 2])) == "train.bad_commitment", "one checkpoint per segment end")
            #expect(await commit(checkpoints(sha), round: 7) == "train.wrong_round")
            #expect(await commit(.array([["step": 0]])) == "invalid_params")
            #expect(await commit(checkpoints("XYZ")) == "invalid_params")
            // A story of standing still, with a well-formed update that is not what training gives:
            // taken, then the audit catches it and half the stake is slashed.
            #expect(await commit(checkpoints(sha)) == nil)
            #expect(await commit(checkpoints(sha)) == "train.duplicate_commitment")
            #expect(try await p.connection.callBinary { try update(1, count, $0) }["accepted"] == true)
            // A new runner is always audited: it is asked for the checkpoints of a segment and the last.
            let audit = await p.inbox.first("train.audit")
            #expect(audit?["round"] == 1)
            let asked = (audit?["checkpoints"]?.arrayValue ?? []).compactMap { $0.intValue.map { Int($0) } }
            #expect(asked.last == 2 && asked.count >= 2, "\(asked)")
            let still = [Float](repeating: 0, count: count)
            func state(_ k: Int, round: UInt64 = 1) -> (Int64) throws -> [UInt8] {
                { id in try ModelFrames.auditState(InnerCheckpoint(index: k, step: 2 * k, adamStep: 2 * k, params: still, m: still, v: still),
                                                   round: round, requestID: UInt64(id)).encode() }
            }
            #expect(await reason { try await p.connection.callBinary(state(asked[0], round: 2)) } == "train.not_audited")
            #expect(await reason {
                try await p.connection.callBinary { try ModelFrames.optimizerState(nil, round: 1, requestID: UInt64($0)).encode() }
            } == "train.protocol", "protocol 1's optimizerState frame")
            for k in asked { #expect(try await p.connection.callBinary(state(k))["accepted"] == true) }
            // Leaving waits for the round's judgement, then returns what is left of the stake.
            for _ in 0..<200 {
                if await reason({ try await p.connection.call("train.leave") }) == nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await p.connection.call("train.status")["member"] == false)
            #expect(try await p.balance() == 97_500_000, "2.5 PUR slashed, 2.5 PUR returned, nothing paid")
            let closed = try await events(server, "train.round.closed")
            #expect(closed.first?["offences"]?[p.account]?.stringValue?.hasPrefix("audit.commitment_mismatch") == true, "\(closed)")
            try await server.expectStillServes()
        }
    }

    /// An update that is non-finite one way or another: an f32 NaN, or an int8 block whose
    /// scale is NaN or +Inf (every value of that block dequantises to NaN or ±Inf).
    static func nonFiniteUpdate(_ kind: String, count: Int, round: UInt64, requestID: Int64) throws -> [UInt8] {
        var values = [Float](repeating: 0.001, count: count)
        switch kind {
        case "f32-nan":
            values[count / 2] = .nan
            return try ModelFrames.update(fp32: values, round: round, requestID: UInt64(requestID)).encode()
        default:
            let block = BlockwiseInt8.defaultBlockSize
            var scales = [Float](repeating: 0.001, count: (count + block - 1) / block)
            scales[scales.count / 2] = kind == "i8-nan-scale" ? .nan : .infinity
            let tensor = try WireTensor.int8(name: ModelFrames.deltaName, shape: [count], values: [Int8](repeating: 1, count: count),
                                             scales: scales, blockSize: block)
            return try TensorFrame(messageType: .update, requestID: UInt64(requestID), round: round, tensors: [tensor]).encode()
        }
    }

    @Test("A NaN or +Inf int8 scale is the same offence as an f32 NaN: update.non_finite, recorded on arrival, half the stake slashed, nothing paid",
          arguments: ["f32-nan", "i8-nan-scale", "i8-inf-scale"])
    func nonFiniteUpdateIsAnOffence(_ kind: String) async throws {
        try await withIntegrationServer({ Self.tiny(&$0) }) { server in
            let p = try await server.player()
            _ = try await p.connection.call("train.join", ["protocol": 2])
            let count = Int(try await p.connection.call("train.info")["model"]?["parameters"]?.intValue ?? 0)
            #expect(count > 2 * BlockwiseInt8.defaultBlockSize)
            // Committed to a round of standing still (the round's model, a fresh optimizer).
            let sha = try #require(try await p.connection.call("train.assignment")["paramsSHA256"]?.stringValue)
            let zeros = InnerCheckpoint.zerosSHA256(count: count)
            _ = try await p.connection.call("train.commit", ["round": 1, "segmentSteps": 2, "checkpoints": .array([0, 2, 4].map {
                ["step": .int(Int64($0)), "adamStep": .int(Int64($0)), "params": .string(sha), "m": .string(zeros), "v": .string(zeros)]
            })])
            do {
                _ = try await p.connection.callBinary { try Self.nonFiniteUpdate(kind, count: count, round: 1, requestID: $0) }
                Issue.record("a \(kind) update was accepted")
            } catch PurrClientError.rpc(let e) {
                #expect(e.data?["reason"]?.stringValue == "update.non_finite", "\(e)")
            }
            let received = try await events(server, "train.update.received")
            #expect(received.count == 1)
            #expect(received.first?["offence"]?.stringValue?.hasPrefix("update.non_finite") == true, "\(received)")
            for _ in 0..<200 where try await events(server, "train.round.closed").isEmpty {
                try await Task.sleep(for: .milliseconds(50))
            }
            let closed = try await events(server, "train.round.closed")
            #expect(closed.first?["offences"]?[p.account]?.stringValue?.hasPrefix("update.non_finite") == true, "\(closed)")
            let txs = try await events(server, "ledger.tx")
            let slashes = txs.filter { $0["kind"]?.stringValue == "train.slash" }
            #expect(slashes.count == 1 && slashes.allSatisfy { $0["from"]?.stringValue == "escrow:train:\(p.account)" }, "\(slashes)")
            #expect(try await server.balance("escrow:train:\(p.account)") == 2_500_000, "5 PUR stake, half slashed")
            #expect(!txs.contains { $0["kind"]?.stringValue == "train.reward" && $0["to"]?.stringValue == p.account })
        }
    }

    @Test("Training off: train.info says so and train.join is unavailable")
    func disabled() async throws {
        try await withIntegrationServer { server in
            let p = try await server.player()
            #expect(try await p.connection.call("train.info")["enabled"] == false)
            do { _ = try await p.connection.call("train.join"); Issue.record("joined a server without training") } catch PurrClientError.rpc(let e) {
                #expect(e.name == "unavailable")
            }
            // Game servers take no binary frames at all (the transport closes with 1003).
            p.connection.sendBinary(try ModelFrames.update(fp32: [1], round: 1, requestID: 5).encode())
            #expect(try await p.connection.waitForClose(timeout: 20).code == 1003)
            try await server.expectStillServes()
        }
    }
}

extension TrainingNetworkTests {
    @Test("The coordinator resumes after a restart: an update received before it is judged after it, the runner reconnects, nothing is paid twice")
    func restart() async throws {
        let path = NSTemporaryDirectory() + "purr-training-\(UUID().uuidString).sqlite"
        let keyFile = NSTemporaryDirectory() + "purr-training-key-\(UUID().uuidString).json"
        defer { for f in [path, path + "-wal", path + "-shm", keyFile, EventLog.defaultHeadFile(forKey: keyFile)] { try? FileManager.default.removeItem(atPath: f) } }
        var config = ServerConfig()
        config.network.host = "127.0.0.1"
        config.network.port = 0
        config.storage.databasePath = path
        config.log.keyFile = keyFile
        config.world.root = TestPaths.root.path
        config.dev = true
        config.model.generator = "grammar"
        config.nft.enabled = false
        Self.tiny(&config)
        config.training.quorum = 2
        config.training.roundSeconds = 120
        let logger = Logger(label: "training") { _ in SwiftLogNoOpLogHandler() }
        let runtime = ClientRuntime()
        let first = try await ServerApp.start(config: config, logger: logger)
        config.network.port = first.port
        let url = "ws://127.0.0.1:\(first.port)/v1"
        let keyA = try Ed25519PrivateKey(), keyB = try Ed25519PrivateKey()
        // B joins first (so round 1 waits for it), then A trains and delivers round 1.
        let b = try await PurrConnection.connect(to: url, runtime: runtime)
        _ = try await b.signIn(with: keyB)
        _ = try await b.call("wallet.faucet", ["amount": "5000000"])
        _ = try await b.call("train.join", ["protocol": 2])
        var optionsA = TrainingRunner.Options(server: url, key: keyA)
        optionsA.rounds = 2
        optionsA.faucet = true
        optionsA.threads = 1
        optionsA.runtime = runtime
        optionsA.reconnectDelay = 0.1
        optionsA.maxReconnects = 200
        let runA = Task { try await TrainingRunner(options: optionsA).run() }
        func received(_ app: ServerApp) async throws -> Int {
            try await app.db.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM ledger_events WHERE kind = 'train.update.received'") ?? 0 }
        }
        for _ in 0..<400 where try await received(first) < 1 { try await Task.sleep(for: .milliseconds(25)) }
        #expect(try await received(first) == 1)
        b.close()
        await first.shutdown()

        let second = try await ServerApp.start(config: config, logger: logger)
        let status = await second.game.training?.status(AccountID(rawValue: keyA.publicKeyHex)) ?? .null
        #expect(status["round"] == 1 && status["delivered"] == true, "A's round-1 update survived the restart: \(status)")
        var optionsB = optionsA
        optionsB.key = keyB
        let runB = try await TrainingRunner(options: optionsB).run()
        let summaryA = try await runA.value
        #expect(summaryA.delivered == 2 && runB.delivered == 2)
        #expect(summaryA.reconnects >= 1, "A lived through the restart")
        func closed() async throws -> [JSONValue] {
            try await second.db.read { db in
                try String.fetchAll(db, sql: "SELECT payload FROM ledger_events WHERE kind = 'train.round.closed' ORDER BY seq")
            }.compactMap { try? JSONValue.parse($0) }
        }
        for _ in 0..<400 where try await closed().count < 2 { try await Task.sleep(for: .milliseconds(25)) }
        let rounds = try await closed()
        #expect(rounds.count == 2)
        let acceptedFirst = Set((rounds.first?["accepted"]?.arrayValue ?? []).compactMap(\.stringValue))
        #expect(acceptedFirst.contains(keyA.publicKeyHex), "round 1 judged A's update from before the restart")
        await second.shutdown()
        runtime.shutdown(drainTimeout: 1)
        var readonly = Configuration()
        readonly.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: readonly)
        defer { try? queue.close() }
        let world = second.world
        let (tables, log) = try await queue.read { db in
            try GameAudit.runWithLog(db, publicKey: second.game.eventLog.publicKey, claimRadius: world.settings.claimRadius, world: world)
        }
        #expect(tables.isClean, "\(tables.violations)")
        #expect(log.isClean, "\(log.findings)")
    }
}

extension TrainingNetworkTests {
    @Test("A wrong training setting stops start-up with the key named", arguments: [
        ("mode", "training.mode"), ("aggregator", "training.aggregator"), ("seqLen", "training.seqLen"), ("corpus", "training.corpus"),
    ])
    func badSettings(_ key: String, _ named: String) async throws {
        var config = ServerConfig()
        config.network.port = 0
        config.storage.databasePath = ""
        config.world.root = TestPaths.root.path
        config.model.generator = "grammar"
        Self.tiny(&config)
        switch key {
        case "mode": config.training.mode = "half"
        case "aggregator": config.training.aggregator = "average"
        case "seqLen": config.training.seqLen = 4
        default: config.training.corpus = "no-such-directory"
        }
        do {
            let app = try await ServerApp.start(config: config, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
            await app.shutdown()
            Issue.record("started with a bad \(key)")
        } catch let e as StartupError {
            #expect(e.message.contains(named), "\(e.message)")
        }
    }
}
