import Foundation
import GRDB
import Ledger
import NFTArt
import PurrCrypto
import RPC
import WebSocketTransport
import World

/// Map NFTs: drops spawned on a schedule, claimed by paying the pick-up price into escrow and
/// then standing within the claim radius before the drop expires. One owner per drop, ever:
/// the first claimant there wins, every other pending claimant is refunded in the same
/// transaction. Ledger kinds: `nft.claim.escrow`, `nft.claim.pay`, `nft.claim.refund`, each with
/// the unique ref `nft:<id>:<account>`, so no claim is charged, paid or refunded twice.
extension GameService {
    enum NFTKind {
        static let escrow = "nft.claim.escrow"
        static let pay = "nft.claim.pay"
        static let refund = "nft.claim.refund"
    }

    static func nftEscrow(_ id: String) -> AccountID { .escrow("nft:" + id) }
    static func nftRef(_ id: String, _ account: AccountID) -> String { "nft:\(id):\(account.rawValue)" }

    func nftJSON(_ d: NFTDrop, from origin: Point? = nil) -> JSONValue {
        var o: [String: JSONValue] = [
            "nftId": .string(d.id), "name": .string(d.name), "x": .double(d.x), "y": .double(d.y), "region": .string(d.region),
            "spawnedAt": .int(d.spawnedAt), "expiresAt": .int(d.expiresAt), "price": .string(d.price.decimalString),
            "status": .string(d.status.rawValue), "metadataUrl": .string("/nft/\(d.id).json"), "imageUrl": .string("/nft/\(d.id).svg"),
        ]
        if let poi = d.poi { o["poi"] = .string(poi) }
        if let owner = d.owner { o["owner"] = .string(owner) }
        if let origin { o["distance"] = .double((origin.distance(to: d.point) * 10).rounded() / 10) }
        return .object(o)
    }

    // MARK: Loading and spawning

    /// Loads the available drops and pending claims (at start-up).
    public func loadNFTs() throws {
        let (drops, claims) = try db.read { db in
            (try String.fetchAll(db, sql: "SELECT body FROM nft_drops WHERE status = 'available'"),
             try Row.fetchAll(db, sql: "SELECT nft_id, account FROM nft_claims WHERE status = 'pending'"))
        }
        for text in drops {
            let d = try Self.decoder.decode(NFTDrop.self, from: Data(text.utf8))
            nftDrops[d.id] = d
        }
        for row in claims {
            nftPending[AccountID(rawValue: row["account"]), default: []].insert(row["nft_id"])
        }
    }

    /// Spawns drops while fewer than `nft.maxActive` are available; expires overdue ones first.
    /// The spawn timer calls it every `nft.spawnEverySeconds`. The lore is written off the actor
    /// (the model takes tens of milliseconds); one spawn runs at a time.
    public func spawnNFTs(count: Int = 1) async throws {
        try expireNFTs()
        guard let spawner = nftSpawner, config.nft.enabled, !spawning else { return }
        spawning = true
        defer { spawning = false }
        for _ in 0..<count where nftDrops.count < config.nft.maxActive {
            let index = try nextDropIndex()
            let plan = try spawner.plan(index: index)
            let source = nftLore
            let lore = try await Task.detached(priority: .utility) { try source.write(plan) }.value
            let at = now()
            let (drop, metadata) = try spawner.drop(plan, lore: lore, at: Self.millis(at), lifetime: Int64(config.nft.lifetimeSeconds * 1000),
                                                    price: config.nft.pickupPrice)
            try insertDrop(drop, metadata, at: at)
            nftDrops[drop.id] = drop
            nftArtwork.insert(id: drop.id, json: metadata.canonicalJSON, svg: Array(metadata.svg.utf8))
            broadcast("nft.spawned", ["nft": nftJSON(drop)])
        }
    }

    func nextDropIndex() throws -> Int64 {
        try db.read { db in (try Int64.fetchOne(db, sql: "SELECT MAX(idx) FROM nft_drops") ?? 0) + 1 }
    }

    func insertDrop(_ drop: NFTDrop, _ metadata: NFTMetadata, at: Date) throws {
        try db.write { db in
            try db.execute(sql: """
                INSERT INTO nft_drops (id, idx, status, owner, expires_at, body, metadata, svg) VALUES (?, ?, 'available', NULL, ?, ?, ?, ?)
                """, arguments: [drop.id, drop.index, drop.expiresAt, try Self.encodeText(drop),
                                 String(decoding: metadata.canonicalJSON, as: UTF8.self), metadata.svg])
            try LedgerStore.appendEvent(db, kind: "nft.spawned", payload: drop, at: at)
        }
    }

    /// Expires available drops past their time and refunds their pending claims.
    func expireNFTs() throws {
        let nowMs = nowMillis
        for var drop in nftDrops.values.filter({ $0.expiresAt <= nowMs }).sorted(by: { $0.index < $1.index }) {
            let at = now()
            drop.status = .expired
            let refunded = try db.write { db -> [AccountID] in
                let refunded = try refundClaims(db, drop, except: nil, reason: "the drop expired", at: at)
                try saveDrop(db, drop)
                try LedgerStore.appendEvent(db, kind: "nft.expired", payload: ["nftId": drop.id], at: at)
                return refunded
            }
            nftDrops[drop.id] = nil
            for account in refunded {
                nftPending[account]?.remove(drop.id)
                notify(account, "nft.claim.refunded", ["nftId": .string(drop.id), "reason": "the drop expired",
                                                        "code": .string(RPCErrorCode.nftExpired.name)])
            }
        }
    }

    func saveDrop(_ db: Database, _ drop: NFTDrop) throws {
        try db.execute(sql: "UPDATE nft_drops SET status = ?, owner = ?, body = ? WHERE id = ?",
                       arguments: [drop.status.rawValue, drop.owner, try Self.encodeText(drop), drop.id])
    }

    func loadDrop(_ db: Database, _ id: String) throws -> NFTDrop? {
        guard let body = try String.fetchOne(db, sql: "SELECT body FROM nft_drops WHERE id = ?", arguments: [id]) else { return nil }
        return try Self.decoder.decode(NFTDrop.self, from: Data(body.utf8))
    }

    /// Refunds every pending claim on `drop` but `winner`'s, inside the caller's transaction.
    func refundClaims(_ db: Database, _ drop: NFTDrop, except winner: AccountID?, reason: String, at: Date) throws -> [AccountID] {
        let rows = try Row.fetchAll(db, sql: "SELECT account, price FROM nft_claims WHERE nft_id = ? AND status = 'pending'",
                                    arguments: [drop.id])
        var refunded: [AccountID] = []
        for row in rows {
            let account = AccountID(rawValue: row["account"])
            if account == winner { continue }
            let price: Int64 = row["price"]
            if let amount = Amount(micro: price), amount > .zero {
                try LedgerStore.move(db, kind: NFTKind.refund, from: Self.nftEscrow(drop.id), to: account, amount: amount,
                                     ref: Self.nftRef(drop.id, account), uniqueRef: true, memo: "NFT claim refunded: \(reason)", at: at)
            }
            try db.execute(sql: "UPDATE nft_claims SET status = 'refunded', resolved_at = ? WHERE nft_id = ? AND account = ?",
                           arguments: [Self.millis(at), drop.id, account.rawValue])
            try LedgerStore.appendEvent(db, kind: "nft.claim.refunded", payload: ["nftId": drop.id, "account": account.rawValue,
                                                                                  "reason": reason], at: at)
            refunded.append(account)
        }
        return refunded
    }

    // MARK: Methods

    func nftNearby(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["x", "y", "radius"])
        _ = try requireAccount(conn)
        let origin = Point(x: try p.double("x"), y: try p.double("y"))
        guard origin.isFinite else { throw RPCErrorObject.invalidParams("x", "coordinates must be finite") }
        let radius = p.has("radius") ? try p.double("radius") : 500
        guard radius > 0, radius <= config.nft.maxNearbyRadius else {
            throw RPCErrorObject.invalidParams("radius", "must be in (0, \(config.nft.maxNearbyRadius)] metres")
        }
        let nowMs = nowMillis
        let near = nftDrops.values
            .filter { $0.expiresAt > nowMs && origin.distance(to: $0.point) <= radius }
            .sorted { (origin.distance(to: $0.point), $0.index) < (origin.distance(to: $1.point), $1.index) }
        return ["nfts": .array(near.prefix(100).map { nftJSON($0, from: origin) }), "claimRadius": .double(world.settings.claimRadius)]
    }

    func nftOwned(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let account = try requireAccount(conn)
        let bodies = try db.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM nft_drops WHERE owner = ? ORDER BY idx", arguments: [account.rawValue])
        }
        let drops = try bodies.map { try Self.decoder.decode(NFTDrop.self, from: Data($0.utf8)) }
        return ["nfts": .array(drops.map { nftJSON($0) })]
    }

    func nftClaim(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["nftId", "idempotencyKey"])
        let account = try requireAccount(conn)
        let id = try p.string("nftId", maxLength: 64)
        let key = try p.idempotencyKey()
        if let stored = try storedResponse(account: account, key: key, method: "nft.claim", params: params) { return stored }
        try checkNotRestricted(account, from: .claims)
        let at = now()
        let nowMs = Self.millis(at)
        let result = try db.write { db in
            try idempotent(db, account: account, key: key, method: "nft.claim", params: params) {
                guard let drop = try loadDrop(db, id) else {
                    throw RPCErrorObject(.notFound, "no NFT \"\(id)\"; nft.nearby lists the drops around you", field: "nftId")
                }
                switch drop.status {
                case .claimed: throw RPCErrorObject(.nftClaimed, "this NFT already has an owner; nothing was charged", field: "nftId")
                case .expired: throw RPCErrorObject(.nftExpired, "this drop expired; nothing was charged", field: "nftId")
                case .available: break
                }
                guard drop.expiresAt > nowMs else {
                    throw RPCErrorObject(.nftExpired, "this drop expired; nothing was charged", field: "nftId")
                }
                if try Row.fetchOne(db, sql: "SELECT 1 FROM nft_claims WHERE nft_id = ? AND account = ?",
                                    arguments: [id, account.rawValue]) != nil {
                    throw RPCErrorObject(.conflict, "you already claimed this NFT; walk within \(Int(world.settings.claimRadius)) m of it", field: "nftId")
                }
                let escrow = Self.nftEscrow(id)
                try LedgerStore.ensureAccount(db, escrow, kind: .escrow, at: at)
                if drop.price > .zero {
                    try LedgerStore.move(db, kind: NFTKind.escrow, from: account, to: escrow, amount: drop.price,
                                         ref: Self.nftRef(id, account), uniqueRef: true, memo: "NFT pick-up price (escrow)", at: at)
                }
                try db.execute(sql: "INSERT INTO nft_claims (nft_id, account, price, status, created_at) VALUES (?, ?, ?, 'pending', ?)",
                               arguments: [id, account.rawValue, drop.price.micro, nowMs])
                try LedgerStore.appendEvent(db, kind: "nft.claim.opened", payload: ["nftId": id, "account": account.rawValue,
                                                                                    "price": drop.price.decimalString], at: at)
                return ["nftId": .string(id), "status": "pending", "price": .string(drop.price.decimalString),
                        "balance": .string(try LedgerStore.balance(db, account).decimalString),
                        "claimRadius": .double(world.settings.claimRadius), "leafIndex": .int(try Self.lastLeafIndex(db))]
            }
        }
        guard result["status"]?.stringValue == "pending", nftDrops[id] != nil else { return result }
        nftPending[account, default: []].insert(id)
        // Already standing there: the claim resolves at once.
        if let here = positions[account]?.point, let won = try resolveClaims(account, at: here), won.contains(id) {
            var o = result.objectValue ?? [:]
            o["status"] = "won"
            return .object(o)
        }
        return result
    }

    /// Gives `account` every pending drop within the claim radius of `point`, first come first
    /// served; returns the ids won. Called for each accepted position.
    @discardableResult
    func resolveClaims(_ account: AccountID, at point: Point) throws -> [String]? {
        guard let pending = nftPending[account], !pending.isEmpty else { return nil }
        var won: [String] = []
        let nowMs = nowMillis
        for id in pending.sorted() {
            guard var drop = nftDrops[id], drop.status == .available, drop.expiresAt > nowMs,
                  point.distance(to: drop.point) <= world.settings.claimRadius else { continue }
            if restriction(account, from: .claims) != nil { continue }
            let at = now()
            drop.status = .claimed
            drop.owner = account.rawValue
            var leafIndex: Int64 = 0
            let refunded = try db.write { db -> [AccountID] in
                let price: Int64 = try Int64.fetchOne(db, sql: "SELECT price FROM nft_claims WHERE nft_id = ? AND account = ? AND status = 'pending'",
                                                      arguments: [id, account.rawValue]) ?? 0
                if let amount = Amount(micro: price), amount > .zero {
                    try LedgerStore.move(db, kind: NFTKind.pay, from: Self.nftEscrow(id), to: .treasury, amount: amount,
                                         ref: Self.nftRef(id, account), uniqueRef: true, memo: "NFT pick-up price", at: at)
                }
                try db.execute(sql: "UPDATE nft_claims SET status = 'won', resolved_at = ? WHERE nft_id = ? AND account = ?",
                               arguments: [Self.millis(at), id, account.rawValue])
                let refunded = try refundClaims(db, drop, except: account, reason: "claimed by another player", at: at)
                try saveDrop(db, drop)
                try LedgerStore.appendEvent(db, kind: "nft.claimed", payload: NFTClaimRecord(
                    nftId: id, account: account.rawValue, x: point.x, y: point.y, price: Amount(micro: price) ?? .zero), at: at)
                leafIndex = try Self.lastLeafIndex(db)
                return refunded
            }
            nftDrops[id] = nil
            nftPending[account]?.remove(id)
            won.append(id)
            notify(account, "nft.claimed", ["nft": nftJSON(drop), "leafIndex": .int(leafIndex)])
            for other in refunded {
                nftPending[other]?.remove(id)
                notify(other, "nft.claim.refunded", ["nftId": .string(id), "reason": "claimed by another player",
                                                      "code": .string(RPCErrorCode.nftClaimed.name)])
            }
        }
        return won
    }

    struct NFTClaimRecord: Encodable {
        var nftId: String
        var account: String
        var x: Double
        var y: Double
        var price: Amount
    }

    func nftTransfer(_ conn: ConnectionID, _ params: JSONValue?) throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["nftId", "to", "idempotencyKey"])
        let account = try requireAccount(conn)
        let id = try p.string("nftId", maxLength: 64)
        let toHex = try p.hex("to", bytes: 32)
        let key = try p.idempotencyKey()
        guard (try? Ed25519PublicKey(hex: toHex)) != nil else { throw RPCErrorObject.invalidParams("to", "not an Ed25519 public key") }
        let to = AccountID.player(toHex)
        guard to != account else { throw RPCErrorObject.invalidParams("to", "cannot transfer to yourself") }
        let at = now()
        return try db.write { db in
            try idempotent(db, account: account, key: key, method: "nft.transfer", params: params) {
                guard var drop = try loadDrop(db, id) else {
                    throw RPCErrorObject(.notFound, "no NFT \"\(id)\"", field: "nftId")
                }
                guard drop.status == .claimed, drop.owner == account.rawValue else {
                    throw RPCErrorObject(.forbidden, "you do not own this NFT", field: "nftId")
                }
                try LedgerStore.ensureAccount(db, to, kind: .player, at: at)
                drop.owner = to.rawValue
                try saveDrop(db, drop)
                try LedgerStore.appendEvent(db, kind: "nft.transferred", payload: ["nftId": id, "from": account.rawValue, "to": to.rawValue], at: at)
                return ["nftId": .string(id), "owner": .string(to.rawValue), "leafIndex": .int(try Self.lastLeafIndex(db))]
            }
        }
    }

    // MARK: Storage

    static func registerNFTMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("nft-v1") { db in
            try db.execute(sql: """
                CREATE TABLE nft_drops (
                    id TEXT PRIMARY KEY,
                    idx INTEGER NOT NULL UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('available', 'claimed', 'expired')),
                    owner TEXT,
                    expires_at INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    metadata TEXT NOT NULL,
                    svg TEXT NOT NULL
                );
                CREATE INDEX nft_drops_owner ON nft_drops(owner);
                CREATE TABLE nft_claims (
                    nft_id TEXT NOT NULL REFERENCES nft_drops(id),
                    account TEXT NOT NULL,
                    price INTEGER NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'won', 'refunded')),
                    created_at INTEGER NOT NULL,
                    resolved_at INTEGER,
                    PRIMARY KEY (nft_id, account)
                );
                CREATE UNIQUE INDEX nft_claims_one_winner ON nft_claims(nft_id) WHERE status = 'won';
                """)
        }
    }
}
