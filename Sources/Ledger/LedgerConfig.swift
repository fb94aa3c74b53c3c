/// The genesis parameters, applied once by ``LedgerStore/bootstrap(_:config:at:)``.
///
/// Changing them after the first bootstrap has no effect: supply only changes through
/// explicit, recorded transactions.
public struct LedgerConfig: Sendable, Codable, Equatable {
    /// PUR minted from issuance into the treasury at genesis.
    public var initialSupply: Amount
    /// PUR moved from the treasury into the rewards pool at genesis.
    public var initialRewardsPool: Amount

    /// The defaults: 1,000,000,000 PUR minted, 100,000,000 PUR of it in the rewards pool.
    public init(initialSupply: Amount = .pur(1_000_000_000), initialRewardsPool: Amount = .pur(100_000_000)) {
        self.initialSupply = initialSupply
        self.initialRewardsPool = initialRewardsPool
    }
}
