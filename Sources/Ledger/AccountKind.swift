/// What an account is for; stored with the account and fixed once it is created.
public enum AccountKind: String, Sendable, Codable, CaseIterable {
    /// The single account PUR is minted from.
    case issuance
    /// The game's own holdings.
    case treasury
    /// The pool that pays quest rewards.
    case rewards
    /// PUR held for one quest or claim until it settles.
    case escrow
    /// A player, named by public key.
    case player
    /// A compute runner that earns PUR for training work.
    case runner
}
