import Foundation
import GRDB
import Ledger
import RPC

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
        return GameAuditReport(violations: violations, ledger: ledger, quests: questCount)
    }
}
