import Foundation
import PurrClient
import PurrCrypto
import RPC
import TransparencyLog

/// Audits a running server from outside, over its public `log.*` and `world.info` methods:
/// the current signed head, every entry, a sample of inclusion proofs, consistency with the
/// head verified last time, then ``LogAudit`` over the entries. Trusts nothing the server says
/// that it cannot check.
public struct ServerAuditor: Sendable {
    public struct Result: Sendable {
        public var head: SignedTreeHead
        public var findings: [String]
        public var log: LogAudit.Report
        /// Set when a previous head was given and the new one was proved to extend it.
        public var consistentWithPrevious: Bool?
        public var isClean: Bool { findings.isEmpty }
    }

    /// Inclusion proofs to request and check: random leaves, plus the last.
    public var inclusionSamples = 16
    public var progress: (@Sendable (String) -> Void)?

    public init(inclusionSamples: Int = 16, progress: (@Sendable (String) -> Void)? = nil) {
        self.inclusionSamples = inclusionSamples
        self.progress = progress
    }

    /// - Parameter previous: the head this auditor verified before, if any.
    public func audit(_ c: PurrConnection, previous: SignedTreeHead? = nil) async throws -> Result {
        let info = try await c.call("log.info")
        let key = try Ed25519PublicKey(hex: info["publicKey"]?.stringValue ?? "")
        let world = try await c.call("world.info")
        let claimRadius = world["settings"]?["claimRadius"]?.doubleValue ?? .infinity
        let head = try Self.decodeHead(try await c.call("log.head"))
        var findings: [String] = []

        var leaves: [String] = []
        while UInt64(leaves.count) < head.treeSize {
            let page = try await c.call("log.entries", ["from": .int(Int64(leaves.count)), "to": .int(Int64(head.treeSize))])
            let entries = page["entries"]?.arrayValue ?? []
            if entries.isEmpty { break }
            for e in entries { leaves.append(e["leaf"]?.stringValue ?? "") }
            progress?("entries \(leaves.count)/\(head.treeSize)")
        }

        var consistent: Bool?
        var heads = [head]
        if let previous {
            heads.append(previous)
            if previous.treeSize <= head.treeSize {
                let proof = try await c.call("log.proof.consistency", ["first": .int(Int64(previous.treeSize)), "second": .int(Int64(head.treeSize))])
                do {
                    try MerkleVerifier.verifyConsistency(firstSize: previous.treeSize, secondSize: head.treeSize, firstRoot: previous.rootHash,
                                                         secondRoot: head.rootHash, proof: try Self.hashes(proof["proof"]))
                    consistent = true
                } catch {
                    consistent = false
                    findings.append("the log does not extend the head verified before (size \(previous.treeSize)): \(error)")
                }
            } else {
                consistent = false
                findings.append("the log shrank: it had \(previous.treeSize) leaves, now \(head.treeSize)")
            }
        }

        if head.treeSize > 0 {
            var indexes: Set<UInt64> = [head.treeSize - 1]
            var rng = SystemRandomNumberGenerator()
            let want = min(UInt64(max(0, inclusionSamples)) + 1, head.treeSize)
            while UInt64(indexes.count) < want { indexes.insert(UInt64.random(in: 0..<head.treeSize, using: &rng)) }
            for i in indexes.sorted() where Int(i) < leaves.count {
                let proof = try await c.call("log.proof.inclusion", ["leafIndex": .int(Int64(i)), "treeSize": .int(Int64(head.treeSize))])
                do {
                    try MerkleVerifier.verifyInclusion(leafHash: Hash.leaf(Array(leaves[Int(i)].utf8)), leafIndex: i, treeSize: head.treeSize,
                                                       proof: try Self.hashes(proof["proof"]), rootHash: head.rootHash)
                } catch {
                    findings.append("leaf \(i): its inclusion proof does not verify: \(error)")
                }
            }
        }

        let report = LogAudit(publicKey: key, claimRadius: claimRadius).run(heads: heads, leaves: leaves)
        return Result(head: head, findings: findings + report.findings.map(\.description), log: report, consistentWithPrevious: consistent)
    }

    public static func decodeHead(_ v: JSONValue) throws -> SignedTreeHead {
        try SignedTreeHead(treeSize: UInt64(max(0, v["treeSize"]?.intValue ?? 0)), rootHashHex: v["rootHash"]?.stringValue ?? "",
                           timestamp: v["timestamp"]?.intValue ?? 0, signatureHex: v["signature"]?.stringValue ?? "")
    }

    static func hashes(_ v: JSONValue?) throws -> [Hash] {
        try (v?.arrayValue ?? []).map { try Hash(hex: $0.stringValue ?? "") }
    }
}
