import Ledger
import RPC

extension GameService {
    /// What an anti-cheat restriction can bar an account from.
    enum RestrictedAction: String, Sendable {
        case claims, rewards
    }

    /// The account's restriction from `action`, with its reason; nil when it may act.
    func restriction(_ account: AccountID, from action: RestrictedAction) -> String? {
        nil
    }

    func checkNotRestricted(_ account: AccountID, from action: RestrictedAction) throws {
        if let reason = restriction(account, from: action) {
            throw RPCErrorObject(.accountRestricted, "your account is restricted from \(action.rawValue): \(reason)",
                                 extra: ["reason": .string(reason)])
        }
    }
}
