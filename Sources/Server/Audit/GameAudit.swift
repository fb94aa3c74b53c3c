import Foundation
import GRDB
import Ledger
import PurrCrypto
import PublicAudit
import RPC
import World

/// What `purr audit` found.
public struct GameAuditReport: Sendable {
    public var violations: [String]
    public var ledger: LedgerAuditReport
    public var quests: Int
    public var isClean: Bool { violations.isEmpty }

    public var summary: String {
        "checked \(ledger.accounts) accounts, \(ledger.transactions) transactions, \(ledger.events) events, \(quests) quests"
    }
}

/// The checks behind `purr audit --db`: the ledger's own (balances, supply, append-only
/// events) and the quests' (each escrow funded once, paid at most to its winners, each
/// winner paid once, leftovers returned exactly once, and an ended quest's escrow empty).
public enum GameAudit {
    /// Transaction kinds the quest flow writes; the audit recognises money by these.
    public enum Kind {
        public static let priceFee = "quest.price.fee"
        public static let pricePool = "quest.price.pool"
        public static let escrow = "quest.escrow"
        public static let reward = "quest.reward"
        public static let refund = "quest.refund"
    }

    public static func run(databasePath: String) throws -> GameAuditReport {
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: databasePath, configuration: config)
        defer { try? queue.close() }
        return try queue.read { db in try run(db) }
    }

    /// The offline audit behind `purr audit --db`: the tables' checks, then the log's (stored
    /// heads against the events, and the replay of every rule), log findings first.
    public static func runWithLog(_ db: Database, publicKey: Ed25519PublicKey?, claimRadius: Double,
                                  world: World? = nil) throws -> (GameAuditReport, LogAudit.Report) {
        let tables = try run(db)
        let heads = try db.tableExists("log_heads") ? try EventLog.storedHeads(db) : []
        var leaves: [String] = []
        while true {
            let page = try LedgerStore.events(db, fromSeq: Int64(leaves.count) + 1, limit: LedgerStore.maxPageSize)
            if page.isEmpty { break }
            leaves += page.map(EventLeaf.text)
        }
        return (tables, LogAudit(publicKey: publicKey, claimRadius: claimRadius, world: world).run(heads: heads, leaves: leaves))
    }

    public static func run(_ db: Database) throws -> GameAuditReport {
        let ledger = try LedgerAudit.run(db)
        var violations = ledger.violations
        var questCount = 0
        let quests = try Row.fetchAll(db, sql: "SELECT id, status, max_winners, body FROM game_quests ORDER BY created_at, id")
        for row in quests {
            questCount += 1
            let id: String = row["id"]
            let status: String = row["status"]
            let maxWinners: Int64 = row["max_winners"]
            let bodyText: String = row["body"]
            guard let body = try? JSONValue.parse(bodyText),
                  let rewardText = body["reward"]?.stringValue, let reward = Amount(decimalString: rewardText) else {
                violations.append("quest \(id): stored body is not a valid quest")
                continue
            }
            let winners = Set((body["winners"]?.arrayValue ?? []).compactMap(\.stringValue))
            let escrow = AccountID.escrow(id).rawValue
            func txs(_ kind: String) throws -> [Row] {
                try Row.fetchAll(db, sql: """
                    SELECT t.id, t.ref, e.account_id, e.delta FROM ledger_transactions t
                    JOIN ledger_entries e ON e.tx_id = t.id
                    WHERE t.kind = ? AND (t.ref = ? OR t.ref LIKE ?) AND e.delta > 0
                    ORDER BY t.id
                    """, arguments: [kind, id, id + ":%"])
            }
            let funded = try txs(Kind.escrow)
            if funded.count != 1 {
                violations.append("quest \(id): escrow funded \(funded.count) times (expected once)")
                continue
            }
            let fundedAmount: Int64 = funded[0]["delta"]
            if fundedAmount != reward.micro * maxWinners {
                violations.append("quest \(id): escrow funded \(fundedAmount) but reward × maxWinners is \(reward.micro * maxWinners)")
            }
            let paid = try txs(Kind.reward)
            if paid.count > Int(maxWinners) {
                violations.append("quest \(id): \(paid.count) rewards paid, more than maxWinners \(maxWinners)")
            }
            var paidAccounts: Set<String> = []
            var paidTotal: Int64 = 0
            for p in paid {
                let account: String = p["account_id"]
                let delta: Int64 = p["delta"]
                let txId: Int64 = p["id"]
                paidTotal += delta
                if !paidAccounts.insert(account).inserted {
                    violations.append("quest \(id): account \(account) paid twice (tx \(txId))")
                }
                if delta != reward.micro {
                    violations.append("quest \(id): tx \(txId) paid \(delta), the quest's reward is \(reward.micro)")
                }
                if !winners.contains(account) {
                    violations.append("quest \(id): tx \(txId) paid \(account), who is not among its winners")
                }
            }
            if paidAccounts.count != winners.count {
                violations.append("quest \(id): \(winners.count) winners recorded but \(paidAccounts.count) paid")
            }
            let refunds = try txs(Kind.refund)
            if refunds.count > 1 { violations.append("quest \(id): escrow refunded \(refunds.count) times") }
            let refunded = refunds.reduce(Int64(0)) { $0 + ($1["delta"] as Int64) }
            let balance = try Int64.fetchOne(db, sql: "SELECT balance FROM ledger_accounts WHERE id = ?", arguments: [escrow]) ?? 0
            if balance != fundedAmount - paidTotal - refunded {
                violations.append("quest \(id): escrow balance \(balance) differs from funded \(fundedAmount) − paid \(paidTotal) − refunded \(refunded)")
            }
            switch status {
            case "active":
                if !refunds.isEmpty { violations.append("quest \(id): active but its escrow was refunded") }
            case "settled", "expired", "abandoned":
                if balance != 0 { violations.append("quest \(id): \(status) but \(balance) micro-PUR remain in escrow") }
            default:
                violations.append("quest \(id): unknown status \(status)")
            }
        }
        violations += try nftViolations(db)
        return GameAuditReport(violations: violations, ledger: ledger, quests: questCount)
    }

    /// NFT claims: each claim escrowed once at its price, then paid (the one winner) or
    /// refunded, never both; one winner per drop and it is the owner's first claim; a drop's
    /// escrow holds exactly its pending claims.
    static func nftViolations(_ db: Database) throws -> [String] {
        var violations: [String] = []
        let drops = try Row.fetchAll(db, sql: "SELECT id, status, owner FROM nft_drops ORDER BY idx")
        for drop in drops {
            let id: String = drop["id"]
            let status: String = drop["status"]
            let owner: String? = drop["owner"]
            let claims = try Row.fetchAll(db, sql: "SELECT account, price, status FROM nft_claims WHERE nft_id = ? ORDER BY created_at, account",
                                          arguments: [id])
            var pendingTotal: Int64 = 0
            var winners: [String] = []
            for claim in claims {
                let account: String = claim["account"]
                let price: Int64 = claim["price"]
                let claimStatus: String = claim["status"]
                let ref = "nft:\(id):\(account)"
                func moved(_ kind: String) throws -> [Int64] {
                    try Int64.fetchAll(db, sql: """
                        SELECT e.delta FROM ledger_transactions t JOIN ledger_entries e ON e.tx_id = t.id
                        WHERE t.kind = ? AND t.ref = ? AND e.delta > 0
                        """, arguments: [kind, ref])
                }
                let escrowed = try moved("nft.claim.escrow"), paid = try moved("nft.claim.pay"), refunded = try moved("nft.claim.refund")
                let expected: [Int64] = price > 0 ? [price] : []
                if escrowed != expected { violations.append("nft \(id): claim of \(account) escrowed \(escrowed), expected \(expected)") }
                switch claimStatus {
                case "pending":
                    pendingTotal += price
                    if !paid.isEmpty || !refunded.isEmpty { violations.append("nft \(id): pending claim of \(account) was already paid or refunded") }
                    if status != "available" { violations.append("nft \(id): claim of \(account) still pending on a \(status) drop") }
                case "won":
                    winners.append(account)
                    if paid != expected || !refunded.isEmpty { violations.append("nft \(id): winning claim of \(account) paid \(paid), refunded \(refunded)") }
                case "refunded":
                    if refunded != expected || !paid.isEmpty { violations.append("nft \(id): refunded claim of \(account) refunded \(refunded), paid \(paid)") }
                default:
                    violations.append("nft \(id): claim of \(account) has unknown status \(claimStatus)")
                }
            }
            if winners.count > 1 { violations.append("nft \(id): \(winners.count) winning claims") }
            if status == "claimed" && (winners.count != 1 || owner == nil) {
                violations.append("nft \(id): claimed but has \(winners.count) winning claims and owner \(owner ?? "none")")
            }
            if status != "claimed" && owner != nil { violations.append("nft \(id): \(status) but owned by \(owner ?? "")") }
            let escrow = try Int64.fetchOne(db, sql: "SELECT balance FROM ledger_accounts WHERE id = ?",
                                            arguments: [AccountID.escrow("nft:" + id).rawValue]) ?? 0
            if escrow != pendingTotal { violations.append("nft \(id): escrow holds \(escrow) but pending claims total \(pendingTotal)") }
        }
        return violations
    }
}
