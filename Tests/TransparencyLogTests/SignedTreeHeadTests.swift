import Foundation
import PurrCrypto
import Testing
@testable import TransparencyLog

@Suite struct SignedTreeHeadTests {
    /// RFC 8032 §7.1 TEST 1 seed, so the key is fixed across runs.
    let key: Ed25519PrivateKey
    let head = TreeHead(treeSize: 8, rootHash: RFC6962Vectors.roots[8], timestamp: 1_700_000_000_000)

    init() throws {
        key = try Ed25519PrivateKey(seedHex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    }

    @Test("The signed bytes follow the documented 71-byte layout")
    func canonicalEncoding() {
        #expect(Hex.encode(head.signingBytes) ==
            "507572725175657374207472656520686561642076310a" + "0000000000000008"
            + "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328" + "0000018bcfe56800")
        let negative = TreeHead(treeSize: UInt64.max, rootHash: .emptyTree, timestamp: -2)
        #expect(negative.signingBytes.count == 71)
        #expect(Hex.encode(negative.signingBytes.suffix(8)) == "fffffffffffffffe")
        #expect(Hex.encode(negative.signingBytes[23..<31]) == "ffffffffffffffff")
    }

    @Test("A signed head verifies with the log's key")
    func roundTrip() throws {
        let signed = try head.signed(with: key)
        #expect(signed.signature.count == 64)
        #expect(signed.head == head)
        try signed.verifySignature(publicKey: key.publicKey)
        #expect(key.publicKey.isValidSignature(signed.signature, for: head.signingBytes))
    }

    @Test("A head whose size, root or timestamp changed after signing is refused")
    func alteredFieldsFail() throws {
        let signature = try head.signed(with: key).signature
        let altered = [
            TreeHead(treeSize: 9, rootHash: head.rootHash, timestamp: head.timestamp),
            TreeHead(treeSize: 7, rootHash: head.rootHash, timestamp: head.timestamp),
            TreeHead(treeSize: head.treeSize, rootHash: RFC6962Vectors.roots[7], timestamp: head.timestamp),
            TreeHead(treeSize: head.treeSize, rootHash: head.rootHash, timestamp: head.timestamp + 1),
        ]
        for other in altered {
            let forged = try SignedTreeHead(head: other, signature: signature)
            #expect(throws: LogVerificationError.invalidSignature) { try forged.verifySignature(publicKey: key.publicKey) }
        }
    }

    @Test("A head signed by another key, or with a changed signature, is refused")
    func wrongKeyOrSignatureFails() throws {
        let other = try Ed25519PrivateKey()
        let signed = try head.signed(with: other)
        #expect(throws: LogVerificationError.invalidSignature) { try signed.verifySignature(publicKey: key.publicKey) }
        var bytes = try head.signed(with: key).signature
        bytes[17] ^= 0x01
        let flipped = try SignedTreeHead(head: head, signature: bytes)
        #expect(throws: LogVerificationError.invalidSignature) { try flipped.verifySignature(publicKey: key.publicKey) }
    }

    @Test("A signature of any message other than the canonical bytes is refused")
    func domainSeparation() throws {
        // The same fields signed without the prefix, as another protocol might, must not pass.
        let bare = try key.signature(for: Array(head.signingBytes.dropFirst(TreeHead.signingPrefix.utf8.count)))
        let signed = try SignedTreeHead(head: head, signature: bare)
        #expect(throws: LogVerificationError.invalidSignature) { try signed.verifySignature(publicKey: key.publicKey) }
    }

    @Test("JSON round-trips with hex hashes and signature")
    func jsonRoundTrip() throws {
        let signed = try head.signed(with: key)
        let data = try JSONEncoder().encode(signed)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["rootHash"] as? String == head.rootHash.hex)
        #expect(object["signature"] as? String == signed.signatureHex)
        #expect((object["treeSize"] as? NSNumber)?.uint64Value == 8)
        #expect((object["timestamp"] as? NSNumber)?.int64Value == 1_700_000_000_000)
        let decoded = try JSONDecoder().decode(SignedTreeHead.self, from: data)
        #expect(decoded == signed)
        try decoded.verifySignature(publicKey: key.publicKey)
    }

    @Test("Hex fields build the same head and report the field at fault")
    func hexInit() throws {
        let signed = try head.signed(with: key)
        let rebuilt = try SignedTreeHead(treeSize: 8, rootHashHex: head.rootHash.hex.uppercased(),
                                         timestamp: head.timestamp, signatureHex: signed.signatureHex)
        #expect(rebuilt == signed)
        #expect(throws: LogFormatError.invalidHex(field: "rootHash")) {
            try SignedTreeHead(treeSize: 8, rootHashHex: "zz", timestamp: 0, signatureHex: signed.signatureHex)
        }
        #expect(throws: LogFormatError.wrongLength(field: "rootHash", expected: 32, got: 31)) {
            try SignedTreeHead(treeSize: 8, rootHashHex: String(head.rootHash.hex.dropLast(2)), timestamp: 0,
                               signatureHex: signed.signatureHex)
        }
        #expect(throws: LogFormatError.invalidHex(field: "signature")) {
            try SignedTreeHead(treeSize: 8, rootHashHex: head.rootHash.hex, timestamp: 0, signatureHex: "abc")
        }
        #expect(throws: LogFormatError.wrongLength(field: "signature", expected: 64, got: 63)) {
            try SignedTreeHead(head: head, signature: Array(signed.signature.dropLast()))
        }
    }

    @Test("JSON with a malformed hash or signature is refused")
    func badJSON() {
        let goodRoot = head.rootHash.hex
        let signature = String(repeating: "ab", count: 64)
        let bodies = [
            #"{"treeSize": 8, "rootHash": "xyz", "timestamp": 0, "signature": "\#(signature)"}"#,
            #"{"treeSize": 8, "rootHash": "\#(goodRoot)", "timestamp": 0, "signature": "abab"}"#,
            #"{"treeSize": -1, "rootHash": "\#(goodRoot)", "timestamp": 0, "signature": "\#(signature)"}"#,
            #"{"treeSize": 8, "rootHash": "\#(goodRoot)", "timestamp": 0}"#,
        ]
        for body in bodies {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(SignedTreeHead.self, from: Data(body.utf8)) }
        }
    }

    @Test("A tree's head carries its current size and root")
    func treeHeadFromTree() {
        let tree = RFC6962Vectors.tree()
        #expect(tree.treeHead(timestamp: 5) == TreeHead(treeSize: 8, rootHash: RFC6962Vectors.roots[8], timestamp: 5))
    }
}
