import Ledger
import Quests

/// The active quests and their participants' progress, held in memory so a position report
/// costs no database read; every change is written to the database first, then here.
struct QuestCache: Sendable {
    /// Active quests by id.
    var active: [String: Quest] = [:]
    /// Progress of each active participant, by quest id then account.
    var progress: [String: [AccountID: QuestProgress]] = [:]
    /// Active quest ids each account takes part in.
    var byAccount: [AccountID: Set<String>] = [:]

    mutating func add(_ quest: Quest) {
        active[quest.id] = quest
    }

    mutating func join(_ questID: String, _ account: AccountID, _ p: QuestProgress) {
        progress[questID, default: [:]][account] = p
        byAccount[account, default: []].insert(questID)
    }

    mutating func leave(_ questID: String, _ account: AccountID) {
        progress[questID]?[account] = nil
        byAccount[account]?.remove(questID)
        if byAccount[account]?.isEmpty == true { byAccount[account] = nil }
    }

    /// Removes an ended quest and every participation in it; returns who took part.
    @discardableResult
    mutating func remove(_ questID: String) -> [AccountID] {
        active[questID] = nil
        let accounts = Array((progress.removeValue(forKey: questID) ?? [:]).keys)
        for a in accounts {
            byAccount[a]?.remove(questID)
            if byAccount[a]?.isEmpty == true { byAccount[a] = nil }
        }
        return accounts
    }

    /// Active quests the account holds: those it takes part in and those it requested (a
    /// global quest's requester is no participant, but the quest is still its own).
    func activeCount(_ account: AccountID) -> Int {
        var ids = byAccount[account] ?? []
        for (id, quest) in active where quest.requester == account.rawValue { ids.insert(id) }
        return ids.count
    }
}
