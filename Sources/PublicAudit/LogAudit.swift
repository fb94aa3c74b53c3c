import Contracts
import Foundation
import Ledger
import PurrCrypto
import RPC
import TransparencyLog
import World


/// What an outsider checks with nothing but the log: signed heads, the leaves, and the rules.
///
/// 1. Every head's Ed25519 signature, with the log's published key.
/// 2. Every leaf is a canonical event with `seq = index + 1`; the Merkle root of the first
///    `treeSize` leaves equals each signed head's root. With several heads, the first that no
///    longer matches bounds where the log was changed.
/// 3. The events replayed in order: every transfer balanced and never overdrawn (only
///    `issuance` may go below zero), no unique reference paid twice; each quest's contract (in
///    its `quest.created` event, checked against its hash) re-run from the participant's logged
///    events, so a `quest.completed` stands only where the contract completes; its escrow funded
///    once, its rewards paid only to those completers, at most `maxWinners`, each once, and
///    what is left returned once; each NFT spawned once, claimed only by a pending claimant
///    standing within the claim radius before it expired, paid once, the losers refunded once,
///    transferred only by its owner.
///
/// The first discrepancy is reported with the leaf it was found at.
public struct LogAudit: Sendable {
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        public var leafIndex: UInt64?
        public var message: String
        public var description: String { (leafIndex.map { "leaf \($0): " } ?? "") + message }
    }

    public struct Report: Sendable {
        public var findings: [Finding]
        public var leaves: UInt64
        public var heads: Int
        public var balances: [String: Int64]
        public var quests: Int
        public var nfts: Int
        public var owners: [String: String]
        public var isClean: Bool { findings.isEmpty }
        public var summary: String {
            "verified \(heads) signed heads over \(leaves) leaves; replayed \(balances.count) accounts, \(quests) quests, \(nfts) NFTs"
        }
    }

    /// The log's published key; nil checks the roots but not the signatures (an offline audit
    /// without the key).
    public let publicKey: Ed25519PublicKey?
    /// The claim radius of the world the server runs (metres); NFT claims are checked against it.
    public let claimRadius: Double

    /// The map, when the auditor has it: the weather and game hour the server recorded at each
    /// quest position are then recomputed and compared.
    public let world: World?

    public init(publicKey: Ed25519PublicKey?, claimRadius: Double, world: World? = nil) {
        self.publicKey = publicKey
        self.claimRadius = claimRadius
        self.world = world
    }

    public func run(heads: [SignedTreeHead], leaves: [String]) -> Report {
        var findings: [Finding] = []
        var tree = MerkleTree()
        var events: [LedgerEvent] = []
        for (i, text) in leaves.enumerated() {
            tree.append(leafBytes: Array(text.utf8))
            do { events.append(try EventLeaf.parse(text, leafIndex: UInt64(i))) } catch {
                findings.append(Finding(leafIndex: UInt64(i), message: error.description))
            }
        }
        var matched: UInt64 = 0
        for head in heads.sorted(by: { $0.treeSize < $1.treeSize }) {
            if let publicKey {
                do { try head.verifySignature(publicKey: publicKey) } catch {
                    findings.append(Finding(leafIndex: nil, message: "tree head of size \(head.treeSize) (timestamp \(head.timestamp)): \(error.message)"))
                    continue
                }
            }
            guard head.treeSize <= tree.size else {
                findings.append(Finding(leafIndex: tree.size, message: "a signed head covers \(head.treeSize) leaves but only \(tree.size) were given: leaves were removed"))
                continue
            }
            let root = (try? tree.rootHash(size: head.treeSize)) ?? Hash.emptyTree
            if root != head.rootHash {
                findings.append(Finding(leafIndex: matched, message: "the leaves no longer match the signed head of size \(head.treeSize): "
                    + "a leaf in [\(matched), \(head.treeSize)) was changed, removed, inserted or reordered"))
            } else {
                matched = head.treeSize
            }
        }
        var replay = Replay(claimRadius: claimRadius, world: world)
        for event in events { replay.apply(event) }
        findings += replay.findings
        return Report(findings: findings, leaves: tree.size, heads: heads.count, balances: replay.balances,
                      quests: replay.quests.count, nfts: replay.nfts.count, owners: replay.nfts.compactMapValues(\.owner))
    }
}

/// The rules, replayed event by event.
struct Replay {
    struct QuestState {
        var reward: Int64
        var maxWinners: Int
        var escrowed: Int64 = 0
        var paid: Set<String> = []
        var completed: Set<String> = []
        var refunded = false
        var ended = false
    }

    struct NFTState {
        var x: Double
        var y: Double
        var expiresAt: Int64
        var price: Int64
        var owner: String?
        var ended = false
        /// Pending claims: account → price held.
        var pending: [String: Int64] = [:]
        var won: String?
    }

    var claimRadius: Double
    var world: World?
    var findings: [LogAudit.Finding] = []
    /// Each participant's contract, by "questId|account".
    var participants: [String: ContractProgress] = [:]
    var contracts: [String: QuestContract] = [:]
    var balances: [String: Int64] = [:]
    var uniqueRefs: Set<String> = []
    var quests: [String: QuestState] = [:]
    var nfts: [String: NFTState] = [:]
    /// Unmatched claim-money movements, by ref; each nft event consumes its own.
    var nftMoney: [String: Int64] = [:]
    /// Quest escrow moved ahead of its quest.created event.
    var questEscrow: [String: Int64] = [:]
    var leaf: UInt64 = 0
    var training = TrainingReplay()

    init(claimRadius: Double, world: World?) {
        self.claimRadius = claimRadius
        self.world = world
    }

    /// A `world.settings` leaf: what follows is judged under these settings (the map's regions
    /// and items stay the auditor's).
    mutating func worldSettings(_ payload: JSONValue) {
        guard let settings = payload["settings"],
              let decoded = try? JSONDecoder().decode(WorldSettings.self, from: Data(settings.serialized().utf8)) else {
            return fail("world.settings without readable settings")
        }
        claimRadius = decoded.claimRadius
        guard let world else { return }
        do { self.world = try world.with(settings: decoded) } catch {
            fail("world.settings: \(error)")
        }
    }

    mutating func fail(_ message: String) { findings.append(.init(leafIndex: leaf, message: message)) }

    mutating func apply(_ event: LedgerEvent) {
        leaf = UInt64(event.seq - 1)
        guard let payload = try? JSONValue.parse(event.payload) else {
            fail("\(event.kind): the payload is not JSON")
            return
        }
        switch event.kind {
        case LedgerTransfer.eventKind: transfer(payload)
        case WorldSettingsEvent.kind: worldSettings(payload)
        case "quest.created": questCreated(payload)
        case "quest.accepted":
            guard let id = payload["questId"]?.stringValue, let account = payload["account"]?.stringValue, let contract = contracts[id] else {
                return fail("quest.accepted for an unknown quest")
            }
            var progress = ContractProgress(contract: contract)
            _ = progress.apply(.accepted(at: event.at))
            participants[id + "|" + account] = progress
        case "quest.progress", "quest.completed":
            questPosition(payload, completes: event.kind == "quest.completed")
        case "quest.abandoned":
            if let id = payload["questId"]?.stringValue, let account = payload["account"]?.stringValue {
                _ = participants[id + "|" + account]?.apply(.abandoned(at: event.at))
            }
        case "quest.settled":
            // A paid completion: the participant's contract moves from completed to settled.
            guard let id = payload["questId"]?.stringValue, let account = payload["account"]?.stringValue else {
                return fail("quest.settled without questId/account")
            }
            let key = id + "|" + account
            guard var progress = participants[key] else { return fail("quest \(id) settled for \(account), who does not take part") }
            let outcomes = progress.apply(.settled(at: event.at))
            participants[key] = progress
            if !outcomes.contains(where: { if case .settled = $0 { true } else { false } }) {
                fail("quest \(id) settled for \(account), whose contract is not completed")
            }
        case "quest.expired":
            // Time passes for every participant: those not completed expire.
            if let id = payload["questId"]?.stringValue {
                for key in participants.keys where key.hasPrefix(id + "|") { _ = participants[key]?.apply(.clock(at: event.at)) }
            }
        case "nft.spawned": nftSpawned(payload)
        case "nft.claim.opened": nftClaimOpened(payload)
        case "nft.claimed": nftClaimed(payload, at: event.at)
        case "nft.claim.refunded": nftRefunded(payload)
        case "nft.expired":
            guard let id = payload["nftId"]?.stringValue, nfts[id] != nil else { return fail("nft.expired for an unknown NFT") }
            if nfts[id]?.owner != nil { fail("nft \(id) expired after it was claimed") }
            nfts[id]?.ended = true
            if !(nfts[id]?.pending.isEmpty ?? true) { fail("nft \(id) expired with claims not refunded") }
        case "nft.transferred":
            guard let id = payload["nftId"]?.stringValue, let from = payload["from"]?.stringValue, let to = payload["to"]?.stringValue else {
                return fail("nft.transferred without nftId/from/to")
            }
            guard nfts[id]?.owner == from else { return fail("nft \(id) transferred by \(from), who does not own it") }
            nfts[id]?.owner = to
        default:
            if event.kind.hasPrefix("train.") {
                var found: [String] = []
                training.event(event.kind, payload) { found.append($0) }
                for message in found { fail(message) }
            }
        }
    }

    mutating func transfer(_ p: JSONValue) {
        guard let kind = p["kind"]?.stringValue, let from = p["from"]?.stringValue, let to = p["to"]?.stringValue,
              let amountText = p["amount"]?.stringValue, let amount = Amount(decimalString: amountText), amount > .zero else {
            return fail("ledger.tx with a missing field or a non-positive amount")
        }
        let ref = p["ref"]?.stringValue
        if p["uniqueRef"] == .bool(true), let ref, !uniqueRefs.insert(kind + "\u{0}" + ref).inserted {
            fail("\(kind) \(ref) paid twice")
        }
        let a = amount.micro
        balances[from, default: 0] -= a
        balances[to, default: 0] += a
        if from != AccountID.issuance.rawValue, (balances[from] ?? 0) < 0 {
            fail("account \(from) went below zero (\(balances[from] ?? 0)) paying \(kind)")
        }
        switch kind {
        case "quest.escrow":
            guard let id = ref, quests[id] == nil else { return fail("quest \(ref ?? "-") escrowed again after it was created") }
            questEscrow[id, default: 0] += a
        case "quest.reward":
            let parts = (ref ?? "").split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let q = quests[parts[0]] else { return fail("quest.reward with ref \(ref ?? "-") names no quest") }
            let (id, account) = (parts[0], parts[1])
            if to != account { fail("quest \(id): reward for \(account) paid to \(to)") }
            if !q.completed.contains(account) { fail("quest \(id): reward paid to \(account), who has not completed it") }
            if a != q.reward { fail("quest \(id): reward of \(a), the quest's is \(q.reward)") }
            if !quests[id, default: q].paid.insert(account).inserted { fail("quest \(id): \(account) paid twice") }
            if (quests[id]?.paid.count ?? 0) > q.maxWinners { fail("quest \(id): more than \(q.maxWinners) winners paid") }
        case "quest.refund":
            guard let id = ref, let q = quests[id] else { return fail("quest.refund for unknown quest \(ref ?? "-")") }
            if q.refunded { fail("quest \(id): escrow refunded twice") }
            quests[id]?.refunded = true
            let left = q.escrowed - Int64(q.paid.count) * q.reward
            if a != left { fail("quest \(id): refunded \(a) but \(left) was left in escrow") }
        case "nft.claim.escrow", "nft.claim.pay", "nft.claim.refund":
            if let ref { nftMoney[kind + "|" + ref] = a }
        case let k where k.hasPrefix("train."):
            var found: [String] = []
            training.transfer(kind: k, from: from, to: to, amount: a, ref: ref) { found.append($0) }
            for message in found { fail(message) }
        default:
            break
        }
    }

    mutating func questCreated(_ p: JSONValue) {
        guard let id = p["id"]?.stringValue, let rewardText = p["reward"]?.stringValue, let reward = Amount(decimalString: rewardText),
              let maxWinners = p["maxWinners"]?.intValue else {
            return fail("quest.created without id, reward or maxWinners")
        }
        if quests[id] != nil { return fail("quest \(id) created twice") }
        contract(p, id: id)
        var q = QuestState(reward: reward.micro, maxWinners: Int(maxWinners))
        // The escrow move precedes this event in the same transaction.
        q.escrowed = questEscrow.removeValue(forKey: id) ?? 0
        if q.escrowed != q.reward * Int64(q.maxWinners) {
            fail("quest \(id): escrow \(q.escrowed) is not reward × maxWinners \(q.reward * Int64(q.maxWinners))")
        }
        quests[id] = q
    }

    /// Reads and checks the quest's contract; a personal quest's requester takes part from the start.
    mutating func contract(_ p: JSONValue, id: String) {
        guard let json = p["contract"], let hash = p["contractHash"]?.stringValue else { return fail("quest \(id) was created without a contract") }
        let contract: QuestContract
        do { contract = try QuestContract.decode(Data(json.serializedBytes())) } catch {
            return fail("quest \(id): its contract does not decode: \(error)")
        }
        if (try? contract.contractHash()) != hash { fail("quest \(id): its contract does not hash to contractHash \(hash)") }
        if contract.questID != id || contract.deadline != p["deadline"]?.intValue || Int64(contract.maxWinners) != p["maxWinners"]?.intValue {
            fail("quest \(id): its contract names another quest, deadline or winner count")
        }
        contracts[id] = contract
        if p["scope"] == "personal", let requester = p["requester"]?.stringValue {
            var progress = ContractProgress(contract: contract)
            _ = progress.apply(.accepted(at: p["createdAt"]?.intValue ?? contract.createdAt))
            participants[id + "|" + requester] = progress
        }
    }

    /// A logged quest position, fed to the participant's contract: `quest.completed` must be
    /// exactly where the contract completes, `quest.progress` must not complete it.
    mutating func questPosition(_ p: JSONValue, completes: Bool) {
        guard let id = p["questId"]?.stringValue, let account = p["account"]?.stringValue,
              let x = p["x"]?.doubleValue, let y = p["y"]?.doubleValue, let at = p["at"]?.intValue, let hour = p["gameHour"]?.intValue else {
            return fail("quest position without questId, account, x, y, at or gameHour")
        }
        let weatherName = p["weather"]?.stringValue
        let weather = weatherName.flatMap(Weather.init(rawValue:))
        if weatherName != nil && weather == nil { return fail("quest \(id): unknown weather \(weatherName ?? "")") }
        if let world {
            let date = Date(timeIntervalSince1970: Double(at) / 1000)
            let point = Point(x: x, y: y)
            if world.weather(at: point, date: date) != weather || world.clock.gameTime(at: date).hour != Int(hour) {
                fail("quest \(id): the weather or game hour recorded for \(account) is not the world's at that place and time")
            }
        }
        let key = id + "|" + account
        guard var progress = participants[key] else { return fail("quest \(id): a position of \(account), who does not take part") }
        let outcomes = progress.apply(.position(x: x, y: y, at: at, weather: weather, gameHour: Int(hour)))
        participants[key] = progress
        let done = outcomes.contains { if case .completed = $0 { true } else { false } }
        if completes {
            guard done else { return fail("quest \(id): completed by \(account) here, but its contract is not complete by the logged events") }
            guard quests[id] != nil else { return fail("quest.completed for unknown quest \(id)") }
            if !quests[id, default: QuestState(reward: 0, maxWinners: 0)].completed.insert(account).inserted {
                fail("quest \(id) completed twice by \(account)")
            }
        } else if done {
            fail("quest \(id): the contract completes here for \(account), but the log records only progress")
        }
    }

    mutating func nftSpawned(_ p: JSONValue) {
        guard let id = p["id"]?.stringValue, let x = p["x"]?.doubleValue, let y = p["y"]?.doubleValue,
              let expires = p["expiresAt"]?.intValue, let priceText = p["price"]?.stringValue, let price = Amount(decimalString: priceText) else {
            return fail("nft.spawned without id, place, expiry or price")
        }
        if nfts[id] != nil { return fail("nft \(id) spawned twice") }
        nfts[id] = NFTState(x: x, y: y, expiresAt: expires, price: price.micro)
    }

    mutating func nftClaimOpened(_ p: JSONValue) {
        guard let id = p["nftId"]?.stringValue, let account = p["account"]?.stringValue, let nft = nfts[id] else {
            return fail("nft.claim.opened for an unknown NFT")
        }
        if nft.ended || nft.owner != nil { fail("nft \(id): claim opened after the drop ended") }
        if nft.pending[account] != nil { fail("nft \(id): \(account) claimed twice") }
        let held = nftMoney.removeValue(forKey: "nft.claim.escrow|nft:\(id):\(account)") ?? 0
        if held != nft.price { fail("nft \(id): claim of \(account) escrowed \(held), the price is \(nft.price)") }
        nfts[id]?.pending[account] = held
    }

    mutating func nftClaimed(_ p: JSONValue, at: Int64) {
        guard let id = p["nftId"]?.stringValue, let account = p["account"]?.stringValue,
              let x = p["x"]?.doubleValue, let y = p["y"]?.doubleValue, let nft = nfts[id] else {
            return fail("nft.claimed for an unknown NFT or without account/position")
        }
        if nft.owner != nil || nft.won != nil { return fail("nft \(id) claimed a second time, by \(account)") }
        if nft.ended { fail("nft \(id) claimed after it expired") }
        guard let held = nft.pending[account] else { return fail("nft \(id) given to \(account), who had no pending claim") }
        if at >= nft.expiresAt { fail("nft \(id) claimed at \(at), after it expired at \(nft.expiresAt)") }
        let d = ((x - nft.x) * (x - nft.x) + (y - nft.y) * (y - nft.y)).squareRoot()
        if d > claimRadius { fail("nft \(id) claimed by \(account) from \(Int(d)) m away (claim radius \(Int(claimRadius)) m)") }
        let paid = nftMoney.removeValue(forKey: "nft.claim.pay|nft:\(id):\(account)") ?? 0
        if paid != held { fail("nft \(id): the winning claim paid \(paid), it held \(held)") }
        nfts[id]?.pending[account] = nil
        nfts[id]?.owner = account
        nfts[id]?.won = account
    }

    mutating func nftRefunded(_ p: JSONValue) {
        guard let id = p["nftId"]?.stringValue, let account = p["account"]?.stringValue, let nft = nfts[id] else {
            return fail("nft.claim.refunded for an unknown NFT")
        }
        guard let held = nft.pending[account] else { return fail("nft \(id): refund to \(account), who had no pending claim") }
        let back = nftMoney.removeValue(forKey: "nft.claim.refund|nft:\(id):\(account)") ?? 0
        if back != held { fail("nft \(id): refunded \(back) to \(account), who held \(held)") }
        nfts[id]?.pending[account] = nil
    }
}
