import Foundation
import GRDB
import Ledger
import PurrCrypto
import RPC
import WebSocketTransport

extension GameService {
    func walletBalance(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let account = try requireAccount(conn)
        let balance = try db.read { db in try LedgerStore.balance(db, account) }
        return ["account": .string(account.rawValue), "balance": .string(balance.decimalString)]
    }

    /// Parses an amount param: a decimal string of micro-PUR, > 0.
    static func amountParam(_ p: RPCParams, _ name: String) throws -> Amount {
        let text = try p.string(name, maxLength: 32)
        guard let amount = Amount(decimalString: text) else {
            throw RPCErrorObject.invalidParams(name, "expected micro-PUR as a decimal string of digits, e.g. \"2500000\"")
        }
        guard amount > .zero else { throw RPCErrorObject.invalidParams(name, "must be greater than 0") }
        return amount
    }

    /// Runs `body` once per (account, idempotencyKey): a retry with the same params returns the
    /// stored first result and moves nothing; other params are an idempotency conflict.
    /// Must be called inside the write transaction that `body`'s changes belong to.
    func idempotent(_ db: Database, account: AccountID, key: String, method: String, params: JSONValue?,
                    body: () throws -> JSONValue) throws -> JSONValue {
        if let stored = try storedResponse(db, account: account, key: key, method: method, params: params) {
            return stored
        }
        let result = try body()
        try LedgerStore.recordIdempotent(db, account: account, key: key, requestHash: Self.requestHash(method, params),
                                         response: result.serialized(), at: now())
        return result
    }

    /// The answer already given to this key, or nil; `idempotency_conflict` when the key was
    /// used for a different request.
    func storedResponse(_ db: Database, account: AccountID, key: String, method: String, params: JSONValue?) throws -> JSONValue? {
        try LedgerStore.idempotentResponse(db, account: account, key: key, requestHash: Self.requestHash(method, params))
            .map { (try? JSONValue.parse($0)) ?? .null }
    }

    /// ``storedResponse(_:account:key:method:params:)`` in a read transaction of its own.
    func storedResponse(account: AccountID, key: String, method: String, params: JSONValue?) throws -> JSONValue? {
        try db.read { db in try storedResponse(db, account: account, key: key, method: method, params: params) }
    }

    static func requestHash(_ method: String, _ params: JSONValue?) -> String {
        SHA256.hex(method + "\n" + (params ?? .null).serialized())
    }

    func walletTransfer(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["to", "amount", "idempotencyKey"])
        let account = try requireAccount(conn)
        let toHex = try p.hex("to", bytes: 32)
        let amount = try Self.amountParam(p, "amount")
        let key = try p.idempotencyKey()
        guard (try? Ed25519PublicKey(hex: toHex)) != nil else { throw RPCErrorObject.invalidParams("to", "not an Ed25519 public key") }
        let to = AccountID.player(toHex)
        guard to != account else { throw RPCErrorObject.invalidParams("to", "cannot transfer to yourself") }
        guard amount <= config.game.maxTransfer else {
            throw RPCErrorObject(.limitExceeded, "amount exceeds the per-transfer limit of \(config.game.maxTransfer.decimalString) micro-PUR", field: "amount")
        }
        let at = now()
        let result = try db.write { db in
            try idempotent(db, account: account, key: key, method: "wallet.transfer", params: params) {
                try LedgerStore.ensureAccount(db, to, kind: .player, at: at)
                let txId = try LedgerStore.move(db, kind: "wallet.transfer", from: account, to: to, amount: amount,
                                                ref: nil, uniqueRef: false, memo: nil, at: at)
                let balance = try LedgerStore.balance(db, account)
                return ["transferId": .int(txId), "balance": .string(balance.decimalString), "leafIndex": .int(try Self.lastLeafIndex(db))]
            }
        }
        return result
    }

    func walletHistory(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["limit", "before"])
        let account = try requireAccount(conn)
        let limit = try p.optionalInt("limit", in: 1...200) ?? 50
        let before = try p.optionalInt("before", in: 1...Int64.max)
        let entries = try db.read { db in try LedgerStore.history(db, account: account, limit: Int(limit), beforeTxId: before) }
        return ["entries": .array(entries.map { e in
            var o: [String: JSONValue] = [
                "txId": .int(e.txId), "kind": .string(e.kind), "delta": .string(String(e.delta)),
                "balanceAfter": .string(e.balanceAfter.decimalString), "at": .int(e.at),
            ]
            if let ref = e.ref { o["ref"] = .string(ref) }
            if let c = e.counterparty { o["counterparty"] = .string(c.rawValue) }
            if let m = e.memo { o["memo"] = .string(m) }
            return .object(o)
        })]
    }

    func walletFaucet(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["amount", "idempotencyKey"])
        let account = try requireAccount(conn)
        guard config.dev else {
            throw RPCErrorObject(.forbidden, "wallet.faucet is only available when the server runs with --dev")
        }
        let amount = try Self.amountParam(p, "amount")
        guard amount <= config.game.faucetMaxPerCall else {
            throw RPCErrorObject.invalidParams("amount", "at most \(config.game.faucetMaxPerCall.decimalString) micro-PUR per call")
        }
        let key = try p.has("idempotencyKey") ? p.idempotencyKey() : nil
        let at = now()
        return try db.write { db in
            let body = { () throws -> JSONValue in
                try LedgerStore.move(db, kind: "wallet.faucet", from: .treasury, to: account, amount: amount,
                                     ref: nil, uniqueRef: false, memo: "dev faucet", at: at)
                return ["balance": .string(try LedgerStore.balance(db, account).decimalString),
                        "leafIndex": .int(try Self.lastLeafIndex(db))]
            }
            if let key {
                return try idempotent(db, account: account, key: key, method: "wallet.faucet", params: params, body: body)
            }
            return try body()
        }
    }
}
