import PurrCrypto
import RPC

/// What `auth.login` returns.
public struct PurrSession: Sendable, Equatable {
    public let account: String
    public let sessionToken: String
    public let expiresAt: Int64?
}

extension PurrConnection {
    /// The prefix the server expects before the nonce, so a login signature can never be
    /// replayed as a signature over anything else.
    public static let loginPrefix = "purr-login:"

    /// Signs in with an Ed25519 key: `auth.challenge`, then `auth.login` with the signature
    /// of `"purr-login:" + nonce`.
    /// - Throws: ``PurrClientError/rpc(_:)`` (e.g. auth_failed), connection errors, or a
    ///   `CryptoError` if signing fails.
    public func signIn(with key: Ed25519PrivateKey, timeout: Double = 30) async throws -> PurrSession {
        let challenge = try await call("auth.challenge", .object([:]), timeout: timeout)
        guard let nonce = challenge["nonce"]?.stringValue else {
            throw PurrClientError.rpc(RPCErrorObject(code: -32603, message: "auth.challenge returned no nonce: \(challenge.serialized())"))
        }
        let signature = try key.signature(for: Array((Self.loginPrefix + nonce).utf8))
        let login = try await call("auth.login", [
            "publicKey": .string(key.publicKeyHex),
            "signature": .string(Hex.encode(signature)),
        ], timeout: timeout)
        guard let account = login["account"]?.stringValue, let token = login["sessionToken"]?.stringValue else {
            throw PurrClientError.rpc(RPCErrorObject(code: -32603, message: "auth.login returned no session: \(login.serialized())"))
        }
        return PurrSession(account: account, sessionToken: token, expiresAt: login["expiresAt"]?.intValue)
    }
}
