/// The name of a ledger account.
///
/// System accounts have fixed names, escrows are `escrow:<ref>` and players are named by their
/// Ed25519 public key in lowercase hex, so an account can be found from what a request already
/// carries without a lookup table.
///
/// ```swift
/// let alice = AccountID.player("9f2c…")            // 64 hex characters
/// let stake = AccountID.escrow("quest:42")         // "escrow:quest:42"
/// ```
public struct AccountID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The stored name.
    public let rawValue: String

    /// Wraps a stored name as is; ``LedgerStore/ensureAccount(_:_:kind:at:)`` checks its form.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The source of all PUR: the only account allowed to go negative, its balance is -(total supply).
    public static let issuance = AccountID(rawValue: "issuance")

    /// Where minted PUR lands before it is spent on anything.
    public static let treasury = AccountID(rawValue: "treasury")

    /// The pool quest rewards are paid from, funded from the treasury at genesis.
    public static let rewardsPool = AccountID(rawValue: "rewards")

    /// Prefix of escrow account names.
    public static let escrowPrefix = "escrow:"

    /// The escrow holding the stake of one quest or claim, so that held PUR is visible in the ledger.
    public static func escrow(_ ref: String) -> AccountID {
        AccountID(rawValue: escrowPrefix + ref)
    }

    /// A player's account, named by the hex of their Ed25519 public key.
    ///
    /// The hex is lowercased so that one key can never name two accounts.
    public static func player(_ publicKeyHex: String) -> AccountID {
        AccountID(rawValue: publicKeyHex.lowercased())
    }

    /// Whether the name is 64 lowercase hex characters, the form of a player (or runner) key.
    public var isPublicKeyHex: Bool {
        let bytes = rawValue.utf8
        return bytes.count == 64 && bytes.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        }
    }

    /// The name itself.
    public var description: String { rawValue }
}
