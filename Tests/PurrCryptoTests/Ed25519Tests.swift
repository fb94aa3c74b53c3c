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

/// RFC 8032 leaves small-order and non-canonical encodings to the verifier; these pin the strict
/// rules (libsodium's) that keep anyone from signing in as a key nobody holds.
@Suite struct Ed25519StrictVerificationTests {
    /// Every small-order encoding: the seven y values with the sign bit clear and set.
    var smallOrderEncodings: [[UInt8]] {
        Ed25519Encoding.smallOrderY.flatMap { y -> [[UInt8]] in
            var signed = y
            signed[31] |= 0x80
            return [y, signed]
        }
    }

    let messages: [[UInt8]] = (0..<64).map { Array("purr-login:\($0)".utf8) }

    @Test("Each canonical small-order key forges the constant signature under the plain equation")
    func smallOrderKeysForgeWithoutStrictRules() throws {
        // R = the identity's encoding, S = 0: the equation [S]B = R + [k]A holds whenever [k]A is
        // the identity, for 1 in ord(A) messages. Shows the list holds real small-order points.
        let identityR = [0x01] + [UInt8](repeating: 0, count: 63)
        var forged = 0
        for encoding in smallOrderEncodings where Ed25519Encoding.isCanonicalPoint(encoding) {
            let key = try Ed25519PublicKey(bytes: encoding)
            let accepted = messages.filter { key.openSSLVerify(identityR, for: $0) }.count
            if accepted > 0 { forged += 1 }
            #expect(messages.allSatisfy { !key.isValidSignature(identityR, for: $0) }, "strict check accepted \(Hex.encode(encoding))")
        }
        // y = 0, 1, −1, ±y₈ with both signs (less the −0 encodings of x = 0) all forge.
        #expect(forged >= 8, "only \(forged) small-order keys forged under OpenSSL alone")
    }

    @Test("No small-order key or R passes, whatever the message")
    func strictRefusesEverySmallOrderPoint() throws {
        for key in smallOrderEncodings {
            let pub = try Ed25519PublicKey(bytes: key)
            for r in smallOrderEncodings {
                let sig = r + [UInt8](repeating: 0, count: 32)
                for m in messages.prefix(8) { #expect(!pub.isValidSignature(sig, for: m)) }
            }
        }
        // A real key with a small-order R and S = 0 is refused as well.
        let real = try Ed25519PrivateKey()
        for r in smallOrderEncodings {
            #expect(!real.publicKey.isValidSignature(r + [UInt8](repeating: 0, count: 32), for: messages[0]))
        }
    }

    @Test("S at or above the group order is refused; S just below is accepted as an encoding")
    func nonCanonicalScalar() throws {
        let key = try Ed25519PrivateKey()
        let sig = try key.signature(for: messages[0])
        #expect(key.publicKey.isValidSignature(sig, for: messages[0]))
        // S + L: the same residue, a different encoding (malleability).
        var s = Array(sig[32..<64])
        var carry = 0
        for i in 0..<32 {
            let v = Int(s[i]) + Int(Ed25519Encoding.groupOrder[i]) + carry
            s[i] = UInt8(v & 0xff)
            carry = v >> 8
        }
        #expect(carry == 0)
        #expect(!key.publicKey.isValidSignature(Array(sig[0..<32]) + s, for: messages[0]))
        #expect(!Ed25519Encoding.isCanonicalScalar(Ed25519Encoding.groupOrder))
        var below = Ed25519Encoding.groupOrder
        below[0] -= 1
        #expect(Ed25519Encoding.isCanonicalScalar(below))
        #expect(!Ed25519Encoding.isCanonicalScalar([UInt8](repeating: 0xff, count: 32)))
    }

    @Test("Point encodings with y ≥ p are non-canonical, y = p − 1 and below are canonical")
    func nonCanonicalPoints() {
        let pMinus1 = [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
        #expect(Ed25519Encoding.isCanonicalPoint(pMinus1))
        for low: UInt8 in 0xed...0xff {
            let y = [low] + [UInt8](repeating: 0xff, count: 30) + [0x7f]
            #expect(!Ed25519Encoding.isCanonicalPoint(y))
            var signed = y
            signed[31] = 0xff
            #expect(!Ed25519Encoding.isCanonicalPoint(signed))
        }
        #expect(Ed25519Encoding.isCanonicalPoint([UInt8](repeating: 0x11, count: 32)))
    }

    @Test("A thousand honest keys still sign and verify")
    func honestKeysUnaffected() throws {
        for i in 0..<1000 {
            let key = try Ed25519PrivateKey()
            let m = Array("m\(i)".utf8)
            #expect(key.publicKey.isValidSignature(try key.signature(for: m), for: m))
        }
    }
}
