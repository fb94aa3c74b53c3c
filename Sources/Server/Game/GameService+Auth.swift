import Foundation
import GRDB
import Ledger
import PurrCrypto
import RPC
import WebSocketTransport

extension GameService {
    /// The prefix signed by auth.login, so a login signature can never be replayed as anything else.
    public static let loginPrefix = "purr-login:"

    func authChallenge(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let nonce = SecureRandom.hex(32)
        let expires = now().addingTimeInterval(config.auth.nonceTTLSeconds)
        connections[conn]?.nonce = nonce
        connections[conn]?.nonceExpiresAt = expires
        return ["nonce": .string(nonce), "expiresAt": .int(Self.millis(expires))]
    }

    func authLogin(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["publicKey", "signature"])
        let keyHex = try p.hex("publicKey", bytes: 32)
        let sigHex = try p.hex("signature", bytes: 64)
        guard var state = connections[conn] else { throw RPCErrorObject(.internalError, "unknown connection") }
        // A nonce is spent by any attempt, good or bad: one guess per challenge.
        let nonce = state.nonce
        let nonceExpiry = state.nonceExpiresAt
        state.nonce = nil
        state.nonceExpiresAt = nil
        connections[conn] = state
        guard let nonce, let nonceExpiry else {
            try failedLogin(conn)
            throw RPCErrorObject(.authFailed, "no pending challenge on this connection (nonces work once); call auth.challenge first", field: "signature")
        }
        guard nonceExpiry > now() else {
            try failedLogin(conn)
            throw RPCErrorObject(.authFailed, "the challenge nonce expired; call auth.challenge again", field: "signature")
        }
        guard let key = try? Ed25519PublicKey(hex: keyHex), let sig = Hex.decode(sigHex),
              key.isValidSignature(sig, for: Array((Self.loginPrefix + nonce).utf8))
        else {
            try failedLogin(conn)
            throw RPCErrorObject(.authFailed, "signature does not verify for this public key and nonce", field: "signature")
        }
        let account = AccountID.player(keyHex)
        let token = SecureRandom.hex(32)
        let tokenHash = SHA256.hex(token)
        let at = now()
        let expires = at.addingTimeInterval(config.auth.sessionTTLSeconds)
        try db.write { db in
            let isNew = try !LedgerStore.accountExists(db, account)
            try LedgerStore.ensureAccount(db, account, kind: .player, at: at)
            if isNew {
                try LedgerStore.appendEvent(db, kind: "account.created", payload: ["account": account.rawValue], at: at)
            }
            try db.execute(
                sql: "INSERT INTO game_sessions (token_hash, account, created_at, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [tokenHash, account.rawValue, Self.millis(at), Self.millis(expires)])
        }
        signIn(conn, account: account, sessionHash: tokenHash, expires: expires)
        return ["account": .string(account.rawValue), "sessionToken": .string(token), "expiresAt": .int(Self.millis(expires))]
    }

    func failedLogin(_ conn: ConnectionID) throws {
        connections[conn]?.failedLogins += 1
        if let n = connections[conn]?.failedLogins, n >= config.auth.maxFailedLogins {
            outbound.close(conn, code: 1008, reason: "too many failed logins")
        }
    }

    func authResume(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["sessionToken"])
        let token = try p.hex("sessionToken", bytes: 32)
        let hash = SHA256.hex(token)
        let row = try db.read { db in
            try Row.fetchOne(db, sql: "SELECT account, expires_at FROM game_sessions WHERE token_hash = ?", arguments: [hash])
        }
        guard let row, let accountRaw: String = row["account"], let expiresMs: Int64 = row["expires_at"] else {
            throw RPCErrorObject(.sessionExpired, "unknown session token; sign in with auth.login", field: "sessionToken")
        }
        let expires = Date(timeIntervalSince1970: Double(expiresMs) / 1000)
        guard expires > now() else {
            throw RPCErrorObject(.sessionExpired, "session expired; sign in with auth.login", field: "sessionToken")
        }
        let account = AccountID(rawValue: accountRaw)
        signIn(conn, account: account, sessionHash: hash, expires: expires)
        return ["account": .string(accountRaw), "expiresAt": .int(expiresMs)]
    }

    func authLogout(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        _ = try requireAccount(conn)
        if let hash = connections[conn]?.sessionHash {
            try db.write { db in try db.execute(sql: "DELETE FROM game_sessions WHERE token_hash = ?", arguments: [hash]) }
            // The token is dead everywhere: every connection that signed in or resumed with it is
            // signed out now and told why, so none of them can go on moving PUR.
            let text = RPCCodec.notification("auth.loggedOut", ["reason": "logout"]).serialized()
            for (other, state) in connections where other != conn && state.sessionHash == hash {
                signOut(other)
                outbound.send(other, text: text)
            }
        }
        signOut(conn)
        return ["revoked": true]
    }

    func signIn(_ conn: ConnectionID, account: AccountID, sessionHash: String, expires: Date) {
        if connections[conn]?.account != nil { signOut(conn) }
        connections[conn]?.account = account
        connections[conn]?.sessionHash = sessionHash
        connections[conn]?.sessionExpiresAt = expires
        connections[conn]?.failedLogins = 0
        accountConnections[account, default: []].insert(conn)
    }

    static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
}
