import Foundation
import Testing
@testable import PurrCrypto

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1, TEST 1.
    let seedHex = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
    let pubHex = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    let sigHex = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"

    @Test("The RFC 8032 test vector derives the published public key and signature")
    func rfc8032Vector() throws {
        let key = try Ed25519PrivateKey(seedHex: seedHex)
        #expect(key.publicKeyHex == pubHex)
        #expect(Hex.encode(try key.signature(for: [])) == sigHex)
    }

    @Test("A signature verifies for its message and key only")
    func verifyOnlyMatching() throws {
        let key = try Ed25519PrivateKey()
        let other = try Ed25519PrivateKey()
        let sig = try key.signature(for: "purr-login:abc")
        #expect(key.publicKey.isValidSignature(sig, for: Array("purr-login:abc".utf8)))
        #expect(!key.publicKey.isValidSignature(sig, for: Array("purr-login:abd".utf8)))
        #expect(!other.publicKey.isValidSignature(sig, for: Array("purr-login:abc".utf8)))
        var flipped = sig
        flipped[10] ^= 1
        #expect(!key.publicKey.isValidSignature(flipped, for: Array("purr-login:abc".utf8)))
        #expect(!key.publicKey.isValidSignature(Array(sig.prefix(63)), for: Array("purr-login:abc".utf8)))
    }

    @Test("Keys of the wrong length or bad hex are refused")
    func badKeys() {
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, got: 31)) { try Ed25519PublicKey(bytes: [UInt8](repeating: 1, count: 31)) }
        #expect(throws: CryptoError.invalidHex("public key")) { try Ed25519PublicKey(hex: "zz") }
        #expect(throws: CryptoError.invalidKeyLength(expected: 32, got: 0)) { try Ed25519PrivateKey(seed: []) }
    }

    @Test("SHA-256 matches the FIPS 180-2 'abc' vector")
    func sha256Vector() {
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("Hex round-trips and rejects odd or non-hex input")
    func hexRoundTrip() {
        let bytes: [UInt8] = [0, 1, 0xab, 0xff]
        #expect(Hex.encode(bytes) == "0001abff")
        #expect(Hex.decode("0001ABff") == bytes)
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test("Constant-time comparison agrees with equality")
    func constantTime() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2], [1, 2, 3]))
    }

    @Test("A key file written by keygen reads back the same key, and a corrupt one names its field")
    func keyFileRoundTrip() throws {
        let path = "/tmp/purr-keyfile-test-\(Hex.encode(SecureRandom.bytes(6))).json"
        let key = try Ed25519PrivateKey()
        try KeyFile.write(key, to: path, overwrite: false)
        #expect(try KeyFile.read(from: path).publicKeyHex == key.publicKeyHex)
        #expect(throws: KeyFile.Error.self) { try KeyFile.write(key, to: path, overwrite: false) }
        try "{\"privateKey\":\"nothex\"}".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: KeyFile.Error.self) { try KeyFile.read(from: path) }
    }
}
