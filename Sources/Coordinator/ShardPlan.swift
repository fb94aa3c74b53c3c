import PurrCrypto

/// Which corpus samples a runner trains on in a round: a pure function of the round's seed,
/// the runner and the round, so the coordinator (and any auditor) can recompute it, and a
/// runner cannot choose its data (Templar does the same per window).
///
/// Sample `k` of the shard is `u64be(SHA-256("purr-shard|<seed>|<runner>|<round>|<k>")[0..<8]) mod corpusSize`.
/// Draws with replacement: shards of different runners overlap only by chance.
public enum ShardPlan {
    public static func samples(seed: UInt64, runner: String, round: UInt64, count: Int, corpusSize: Int) -> [Int] {
        guard count > 0, corpusSize > 0 else { return [] }
        return (0..<count).map { k in
            let digest = SHA256.hash("purr-shard|\(seed)|\(runner)|\(round)|\(k)")
            let value = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            return Int(value % UInt64(corpusSize))
        }
    }

    /// Samples for the "random data" side of the contribution test: the same rule with another
    /// domain, so they are independent of every runner's shard.
    public static func control(seed: UInt64, round: UInt64, count: Int, corpusSize: Int) -> [Int] {
        samples(seed: seed, runner: "control", round: round, count: count, corpusSize: corpusSize)
    }
}
