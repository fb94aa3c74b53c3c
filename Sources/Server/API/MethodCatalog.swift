import RPC

/// The API as a table: every method the server answers and every notification it sends.
///
/// `rpc.discover` is built from it, the dispatcher is checked against it, and a test checks
/// docs/protocol.md against it, so the three cannot drift apart.
public enum MethodCatalog {
    static let point: JSONValue = Schema.object(["x": Schema.number, "y": Schema.number], required: ["x", "y"])
    static let target: JSONValue = Schema.object(["x": Schema.number, "y": Schema.number, "radius": Schema.number], required: ["x", "y", "radius"])
    static let objective: JSONValue = [
        "type": "object",
        "required": ["type"],
        "properties": [
            "type": Schema.enumeration(["reach", "collect"]),
            "target": target,
            "poi": Schema.string,
            "item": Schema.string,
            "count": Schema.integer,
            "sources": Schema.array(target),
            "weather": Schema.array(Schema.string),
            "gameTimeWindow": Schema.object(["fromHour": Schema.integer, "toHour": Schema.integer]),
        ],
    ]
    static let quest: JSONValue = Schema.object([
        "id": Schema.string, "scope": Schema.enumeration(["personal", "global"]), "requester": Schema.hex(bytes: 32),
        "title": Schema.string, "description": Schema.string, "region": Schema.string, "difficulty": Schema.integer(1, 5),
        "motivation": Schema.string, "objectives": Schema.array(objective), "reward": Schema.amount, "price": Schema.amount,
        "maxWinners": Schema.integer, "createdAt": Schema.integer, "deadline": Schema.integer,
        "status": Schema.enumeration(["active", "completed", "settled", "expired", "abandoned"]),
        "winners": Schema.array(Schema.hex(bytes: 32)),
    ], required: ["id", "scope", "requester", "title", "description", "region", "difficulty", "objectives", "reward", "price", "deadline", "status"])
    static let nft: JSONValue = Schema.object([
        "nftId": Schema.hex(bytes: 32), "name": Schema.string, "x": Schema.number, "y": Schema.number, "region": Schema.string,
        "poi": Schema.string, "spawnedAt": Schema.integer, "expiresAt": Schema.integer, "price": Schema.amount,
        "status": Schema.enumeration(["available", "claimed", "expired"]), "owner": Schema.hex(bytes: 32),
        "metadataUrl": Schema.string, "imageUrl": Schema.string, "distance": Schema.number,
    ], required: ["nftId", "name", "x", "y", "expiresAt", "price", "status", "metadataUrl", "imageUrl"])
    static let restriction: JSONValue = Schema.object([
        "level": Schema.enumeration(["unrestricted", "noClaims", "noClaimsOrRewards"]), "reason": Schema.string, "until": Schema.integer,
        "strikes": Schema.integer, "blocksClaims": Schema.boolean, "blocksQuestRewards": Schema.boolean,
    ], required: ["level"])
    static let treeHead: JSONValue = Schema.object([
        "treeSize": Schema.integer, "rootHash": Schema.hex(bytes: 32), "timestamp": Schema.integer, "signature": Schema.hex(bytes: 64),
    ], required: ["treeSize", "rootHash", "timestamp", "signature"])
    static let idempotencyKey = RPCMethodDescriptor.Param("idempotencyKey", "Client-chosen key, 1-128 printable ASCII characters; a retry with the same key and params returns the first result and moves nothing.", schema: Schema.string)

    public static let methods: [RPCMethodDescriptor] = [
        RPCMethodDescriptor(
            name: "rpc.discover", summary: "This API as an OpenRPC 1.2.6 document.",
            params: [], result: ["type": "object"], errors: [], requiresAuth: false),
        RPCMethodDescriptor(
            name: "auth.challenge", summary: "A one-time nonce to sign for auth.login; valid on this connection only, until expiresAt.",
            params: [], result: Schema.object(["nonce": Schema.hex(bytes: 32), "expiresAt": Schema.integer], required: ["nonce", "expiresAt"]),
            errors: [.rateLimited], requiresAuth: false),
        RPCMethodDescriptor(
            name: "auth.login", summary: "Signs in with an Ed25519 signature of the UTF-8 bytes of \"purr-login:\" + nonce; creates the account on first login.",
            params: [
                .init("publicKey", "Hex of the 32-byte Ed25519 public key.", schema: Schema.hex(bytes: 32)),
                .init("signature", "Hex of the 64-byte Ed25519 signature.", schema: Schema.hex(bytes: 64)),
            ],
            result: Schema.object(["account": Schema.hex(bytes: 32), "sessionToken": Schema.hex(bytes: 32), "expiresAt": Schema.integer], required: ["account", "sessionToken", "expiresAt"]),
            errors: [.authFailed, .invalidParams], requiresAuth: false),
        RPCMethodDescriptor(
            name: "auth.resume", summary: "Signs this connection in with a session token from auth.login, until it expires.",
            params: [.init("sessionToken", "The token from auth.login.", schema: Schema.hex(bytes: 32))],
            result: Schema.object(["account": Schema.hex(bytes: 32), "expiresAt": Schema.integer], required: ["account", "expiresAt"]),
            errors: [.sessionExpired, .invalidParams], requiresAuth: false),
        RPCMethodDescriptor(
            name: "auth.logout", summary: "Revokes this connection's session token everywhere: this connection and every other one that signed in or resumed with it are signed out (the others get auth.loggedOut).",
            params: [], result: Schema.object(["revoked": Schema.boolean]), errors: [.unauthenticated], requiresAuth: true),
        RPCMethodDescriptor(
            name: "wallet.balance", summary: "The signed-in account's balance in micro-PUR.",
            params: [], result: Schema.object(["account": Schema.hex(bytes: 32), "balance": Schema.amount], required: ["account", "balance"]),
            errors: [.unauthenticated], requiresAuth: true),
        RPCMethodDescriptor(
            name: "wallet.transfer", summary: "Moves PUR to another player's account (created if new), exactly once per idempotencyKey.",
            params: [
                .init("to", "Recipient account: hex of its Ed25519 public key.", schema: Schema.hex(bytes: 32)),
                .init("amount", "micro-PUR as a decimal string, > 0.", schema: Schema.amount),
                idempotencyKey,
            ],
            result: Schema.object(["transferId": Schema.integer, "balance": Schema.amount], required: ["transferId", "balance"]),
            errors: [.unauthenticated, .invalidParams, .insufficientFunds, .idempotencyConflict, .limitExceeded], requiresAuth: true),
        RPCMethodDescriptor(
            name: "wallet.history", summary: "The account's ledger entries, newest first; page with before = the last txId seen.",
            params: [
                .init("limit", required: false, "1-200, default 50.", schema: Schema.integer(1, 200)),
                .init("before", required: false, "Only entries with txId below this.", schema: Schema.integer),
            ],
            result: Schema.object(["entries": Schema.array(Schema.object([
                "txId": Schema.integer, "kind": Schema.string, "ref": Schema.string, "counterparty": Schema.string,
                "delta": ["type": "string", "description": "signed micro-PUR"], "balanceAfter": Schema.amount, "at": Schema.integer, "memo": Schema.string,
            ]))], required: ["entries"]),
            errors: [.unauthenticated, .invalidParams], requiresAuth: true),
        RPCMethodDescriptor(
            name: "wallet.faucet", summary: "Development only (server started with --dev): credits PUR from the treasury.",
            params: [
                .init("amount", "micro-PUR as a decimal string, > 0, at most game.faucetMaxPerCall.", schema: Schema.amount),
                .init("idempotencyKey", required: false, "Optional; as for wallet.transfer.", schema: Schema.string),
            ],
            result: Schema.object(["balance": Schema.amount], required: ["balance"]),
            errors: [.unauthenticated, .forbidden, .invalidParams, .insufficientFunds, .idempotencyConflict], requiresAuth: true),
        RPCMethodDescriptor(
            name: "world.info", summary: "The map: name, bounds, settings, regions, points of interest, game time and weather per region.",
            params: [], result: ["type": "object"], errors: [], requiresAuth: false),
        RPCMethodDescriptor(
            name: "quest.request", summary: "Pays the price to have a quest generated for you (personal) or for everyone (global); its reward is escrowed from the rewards pool.",
            params: [
                .init("scope", "personal or global.", schema: Schema.enumeration(["personal", "global"])),
                .init("region", required: false, "Region id; default: chosen by the generator.", schema: Schema.string),
                .init("difficulty", required: false, "1-5; default: chosen by the generator.", schema: Schema.integer(1, 5)),
                .init("maxWinners", required: false, "Global quests only: how many first completers are paid, 1-100; default economy.defaultGlobalMaxWinners (10).", schema: Schema.integer(1, 100)),
                idempotencyKey,
            ],
            result: Schema.object(["quest": quest, "price": Schema.amount, "balance": Schema.amount], required: ["quest", "price", "balance"]),
            errors: [.unauthenticated, .invalidParams, .insufficientFunds, .rewardsPoolExhausted, .idempotencyConflict, .limitExceeded, .notFound], requiresAuth: true),
        RPCMethodDescriptor(
            name: "quest.get", summary: "One quest you can see (your personal quests, every global quest), with your progress.",
            params: [.init("questId", "The quest id.", schema: Schema.string)],
            result: Schema.object(["quest": quest, "progress": ["type": "object"]], required: ["quest"]),
            errors: [.unauthenticated, .notFound], requiresAuth: true),
        RPCMethodDescriptor(
            name: "quest.list", summary: "Your personal quests and the global quests, newest first, optionally filtered.",
            params: [
                .init("status", required: false, "active, completed, settled, expired or abandoned.", schema: Schema.enumeration(["active", "completed", "settled", "expired", "abandoned"])),
                .init("scope", required: false, "personal or global.", schema: Schema.enumeration(["personal", "global"])),
            ],
            result: Schema.object(["quests": Schema.array(quest)], required: ["quests"]),
            errors: [.unauthenticated, .invalidParams], requiresAuth: true),
        RPCMethodDescriptor(
            name: "quest.accept", summary: "Joins an active global quest, so your positions count toward it.",
            params: [.init("questId", "A global quest's id.", schema: Schema.string)],
            result: Schema.object(["quest": quest], required: ["quest"]),
            errors: [.unauthenticated, .notFound, .forbidden, .questNotActive, .conflict, .limitExceeded], requiresAuth: true),
        RPCMethodDescriptor(
            name: "quest.abandon", summary: "Gives up a quest: a personal quest ends and its escrow returns to the rewards pool (the price is not refunded); for a global quest you leave it.",
            params: [.init("questId", "The quest id.", schema: Schema.string)],
            result: Schema.object(["quest": quest], required: ["quest"]),
            errors: [.unauthenticated, .notFound, .questNotActive], requiresAuth: true),
        RPCMethodDescriptor(
            name: "position.report", summary: "Reports your in-game position; the server checks it (speed, bounds, time), advances your quests and settles the ones it completes.",
            params: [
                .init("x", "Metres east in the map's frame.", schema: Schema.number),
                .init("y", "Metres north in the map's frame.", schema: Schema.number),
                .init("timestamp", "Client time in ms since the Unix epoch; must not go back nor run ahead of the server.", schema: Schema.integer),
            ],
            result: Schema.object(["accepted": Schema.boolean, "completed": Schema.array(Schema.string), "claimed": Schema.array(Schema.string),
                                   "flags": Schema.array(Schema.string)], required: ["accepted", "completed", "claimed", "flags"]),
            errors: [.unauthenticated, .invalidParams, .positionRejected], requiresAuth: true),
        RPCMethodDescriptor(
            name: "account.status", summary: "Your anti-cheat standing: any restriction (level, reason, until when), strikes in the window, and a running cool-down.",
            params: [],
            result: Schema.object(["account": Schema.hex(bytes: 32), "restriction": restriction, "strikes": Schema.integer,
                                   "coolingDownUntil": Schema.integer], required: ["account", "restriction", "strikes"]),
            errors: [.unauthenticated, .invalidParams], requiresAuth: true),
        // Map NFTs.
        RPCMethodDescriptor(
            name: "nft.nearby", summary: "Available NFT drops within radius metres of (x, y), nearest first (at most 100).",
            params: [
                .init("x", "Metres east.", schema: Schema.number),
                .init("y", "Metres north.", schema: Schema.number),
                .init("radius", required: false, "Metres, default 500, at most nft.maxNearbyRadius (5000).", schema: Schema.number),
            ],
            result: Schema.object(["nfts": Schema.array(nft), "claimRadius": Schema.number], required: ["nfts", "claimRadius"]),
            errors: [.unauthenticated, .invalidParams], requiresAuth: true),
        RPCMethodDescriptor(
            name: "nft.claim", summary: "Pays the drop's pick-up price into escrow; the NFT is yours when an accepted position puts you within the claim radius before it expires (at once if you already stand there).",
            params: [.init("nftId", "The drop's id.", schema: Schema.hex(bytes: 32)), idempotencyKey],
            result: Schema.object(["nftId": Schema.hex(bytes: 32), "status": Schema.enumeration(["pending", "won"]), "price": Schema.amount,
                                   "balance": Schema.amount, "claimRadius": Schema.number, "leafIndex": Schema.integer],
                                  required: ["nftId", "status", "price", "balance", "leafIndex"]),
            errors: [.unauthenticated, .invalidParams, .notFound, .nftClaimed, .nftExpired, .conflict, .insufficientFunds,
                     .idempotencyConflict, .accountRestricted], requiresAuth: true),
        RPCMethodDescriptor(
            name: "nft.transfer", summary: "Gives an NFT you own to another account.",
            params: [
                .init("nftId", "The NFT's id.", schema: Schema.hex(bytes: 32)),
                .init("to", "Recipient account: hex of its Ed25519 public key.", schema: Schema.hex(bytes: 32)),
                idempotencyKey,
            ],
            result: Schema.object(["nftId": Schema.hex(bytes: 32), "owner": Schema.hex(bytes: 32), "leafIndex": Schema.integer],
                                  required: ["nftId", "owner", "leafIndex"]),
            errors: [.unauthenticated, .invalidParams, .notFound, .forbidden, .idempotencyConflict], requiresAuth: true),
        RPCMethodDescriptor(
            name: "nft.owned", summary: "The NFTs your account owns.",
            params: [], result: Schema.object(["nfts": Schema.array(nft)], required: ["nfts"]),
            errors: [.unauthenticated, .invalidParams], requiresAuth: true),
        // AI-runner training (docs/distributed.md, docs/wire-format.md).
        RPCMethodDescriptor(
            name: "train.info", summary: "Whether this server trains the quest model, and how: model shape, round policy, current version and round. No sign-in.",
            params: [],
            result: Schema.object(["enabled": Schema.boolean, "version": Schema.integer, "paramsSHA256": Schema.hex(bytes: 32),
                                   "members": Schema.integer, "phase": Schema.enumeration(["idle", "open", "aggregating"]),
                                   "round": Schema.integer, "deadline": Schema.integer, "heldOutLoss": Schema.number,
                                   "model": Schema.object([:]), "policy": Schema.object([:])], required: ["enabled"]),
            errors: [.invalidParams], requiresAuth: false),
        RPCMethodDescriptor(
            name: "train.join", summary: "Take part in training: escrows the stake (training.stake) from your balance; joining again changes nothing. Returns your standing as train.status does.",
            params: [.init("protocol", required: false, "The training protocol your runner speaks; this server takes 2 only (train.protocol otherwise).", schema: Schema.integer)], result: trainStatus,
            errors: [.unauthenticated, .invalidParams, .insufficientFunds, .trainingRefused, .unavailable], requiresAuth: true),
        RPCMethodDescriptor(
            name: "train.leave", summary: "Stop taking part: what is left of your stake comes back. Refused while an update of yours awaits its round's judgement.",
            params: [],
            result: Schema.object(["left": Schema.boolean, "refunded": Schema.amount, "earned": Schema.amount], required: ["left", "refunded", "earned"]),
            errors: [.unauthenticated, .invalidParams, .trainingRefused, .unavailable], requiresAuth: true),
        RPCMethodDescriptor(
            name: "train.status", summary: "Your standing as a runner: reputation, trust, PUR earned, stake held, offences, ban, and your part in the current round.",
            params: [], result: trainStatus, errors: [.unauthenticated, .invalidParams, .unavailable], requiresAuth: true),
        RPCMethodDescriptor(
            name: "train.assignment", summary: "Your work in the open round: model version, seed, inner-loop settings and your shard's samples as token ids; or waiting with a reason.",
            params: [],
            result: Schema.object(["round": Schema.integer, "version": Schema.integer, "seed": Schema.string, "runnerSeed": Schema.string,
                                   "deadline": Schema.integer, "paramsSHA256": Schema.hex(bytes: 32), "inner": Schema.object([:]),
                                   "sampleIndices": Schema.array(Schema.integer), "samples": Schema.array(Schema.array(Schema.integer)),
                                   "waiting": Schema.boolean, "reason": Schema.string, "retryAfterMs": Schema.integer]),
            errors: [.unauthenticated, .invalidParams, .trainingRefused, .unavailable], requiresAuth: true),
        RPCMethodDescriptor(
            name: "train.model", summary: "Sends the current model as binary frames stamped with this call's id (the int8 diffs since `have` when the server still has them, else the full state), then answers.",
            params: [.init("have", required: false, "The model version you hold; omit for the full state.", schema: Schema.integer)],
            result: Schema.object(["version": Schema.integer, "paramsSHA256": Schema.hex(bytes: 32),
                                   "kind": Schema.enumeration(["state", "diff", "upToDate"]), "frames": Schema.integer, "bytes": Schema.integer],
                                  required: ["version", "paramsSHA256", "kind", "frames"]),
            errors: [.unauthenticated, .invalidParams, .invalidRequest, .unavailable], requiresAuth: true),
        RPCMethodDescriptor(
            name: "train.commit", summary: "Training protocol 2: before uploading your update, commit to the SHA-256 of every checkpoint of your round (parameters, AdamW moments, step counts every inner.segmentSteps steps); audits ask for a few of them and replay the segments between.",
            params: [.init("round", required: true, "The open round.", schema: Schema.integer),
                     .init("segmentSteps", required: true, "The assignment's inner.segmentSteps.", schema: Schema.integer),
                     .init("checkpoints", required: true, "One per checkpoint k = 0…K: step, adamStep, and the hex SHA-256 of params, m and v.",
                           schema: Schema.array(Schema.object(["step": Schema.integer, "adamStep": Schema.integer, "params": Schema.hex(bytes: 32),
                                                               "m": Schema.hex(bytes: 32), "v": Schema.hex(bytes: 32)],
                                                              required: ["step", "adamStep", "params", "m", "v"])))],
            result: Schema.object(["accepted": Schema.boolean, "round": Schema.integer, "checkpoints": Schema.integer],
                                  required: ["accepted", "round", "checkpoints"]),
            errors: [.unauthenticated, .invalidParams, .trainingRefused, .unavailable], requiresAuth: true),
        // The transparency log (docs/contracts.md): public, no sign-in.
        RPCMethodDescriptor(
            name: "log.info", summary: "The log's Ed25519 public key, hash functions and leaf encoding.",
            params: [], result: Schema.object(["publicKey": Schema.hex(bytes: 32), "leafEncoding": Schema.string, "hashAlgorithm": Schema.string],
                                              required: ["publicKey", "leafEncoding", "hashAlgorithm"]),
            errors: [], requiresAuth: false),
        RPCMethodDescriptor(
            name: "log.head", summary: "The newest signed tree head (a new one is signed first if the log has grown).",
            params: [], result: treeHead, errors: [], requiresAuth: false),
        RPCMethodDescriptor(
            name: "log.entries", summary: "Leaves [from, to) of the log, at most log.maxEntriesPerCall; each leaf is the canonical text of one event.",
            params: [
                .init("from", "First leaf index, ≥ 0.", schema: Schema.integer),
                .init("to", "One past the last leaf index, > from and at most the log's size.", schema: Schema.integer),
            ],
            result: Schema.object(["entries": Schema.array(Schema.object(["leafIndex": Schema.integer, "leaf": Schema.string])),
                                   "from": Schema.integer, "to": Schema.integer], required: ["entries", "from", "to"]),
            errors: [.invalidParams, .notFound], requiresAuth: false),
        RPCMethodDescriptor(
            name: "log.proof.inclusion", summary: "RFC 9162 inclusion proof of leaf leafIndex in the tree of treeSize leaves.",
            params: [
                .init("leafIndex", "The leaf, 0-based.", schema: Schema.integer),
                .init("treeSize", "A tree size, e.g. a signed head's, > leafIndex.", schema: Schema.integer),
            ],
            result: Schema.object(["leafIndex": Schema.integer, "treeSize": Schema.integer, "proof": Schema.array(Schema.hex(bytes: 32))],
                                  required: ["leafIndex", "treeSize", "proof"]),
            errors: [.invalidParams], requiresAuth: false),
        RPCMethodDescriptor(
            name: "log.proof.consistency", summary: "RFC 9162 consistency proof between the trees of first and second leaves.",
            params: [
                .init("first", "The older size, ≤ second.", schema: Schema.integer),
                .init("second", "The newer size, at most the log's size.", schema: Schema.integer),
            ],
            result: Schema.object(["first": Schema.integer, "second": Schema.integer, "proof": Schema.array(Schema.hex(bytes: 32))],
                                  required: ["first", "second", "proof"]),
            errors: [.invalidParams], requiresAuth: false),
        // Notifications (server to client).
        RPCMethodDescriptor(
            name: "quest.available", summary: "Notification: a new global quest, sent to every signed-in player.",
            params: [.init("quest", "The quest.", schema: quest)], result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "quest.completed", summary: "Notification: a quest was completed by account; reward is what was paid (\"0\" when the winners were already paid).",
            params: [
                .init("questId", "The quest id.", schema: Schema.string),
                .init("account", "Who completed it.", schema: Schema.hex(bytes: 32)),
                .init("reward", "micro-PUR paid to account.", schema: Schema.amount),
                .init("paid", "Whether this completion was paid.", schema: Schema.boolean),
                .init("txId", required: false, "Ledger transaction of the payment.", schema: Schema.integer),
                .init("status", "The quest's status after this completion.", schema: Schema.string),
                .init("leafIndex", "Log leaf of the settlement (or of the completion when unpaid), for log.proof.inclusion.", schema: Schema.integer),
            ],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "auth.loggedOut", summary: "Notification: the session this connection used was revoked (auth.logout on another connection); calls that need sign-in now answer unauthenticated.",
            params: [.init("reason", "Why: logout.", schema: Schema.string)],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "account.restricted", summary: "Notification: your restriction level changed (after a teleport strike); the reason says why and until when.",
            params: [.init("level", "unrestricted, noClaims or noClaimsOrRewards.", schema: Schema.string),
                     .init("reason", "A sentence naming the strikes and until when; null when lifted.", schema: Schema.string),
                     .init("until", "Unix ms when the current level lifts; null when unrestricted.", schema: Schema.integer),
                     .init("strikes", required: false, "Strikes in the window.", schema: Schema.integer),
                     .init("blocksClaims", required: false, "Whether NFT claims are barred.", schema: Schema.boolean),
                     .init("blocksQuestRewards", required: false, "Whether quest rewards are barred.", schema: Schema.boolean)],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "nft.spawned", summary: "Notification: a new NFT drop on the map, sent to every signed-in player.",
            params: [.init("nft", "The drop.", schema: nft)], result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "nft.claimed", summary: "Notification: your pending claim won; the NFT is yours.",
            params: [.init("nft", "The NFT, owner you.", schema: nft),
                     .init("leafIndex", "Log leaf of the nft.claimed event.", schema: Schema.integer)],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "nft.claim.refunded", summary: "Notification: your pending claim lost (someone else picked it up, or it expired); its price came back.",
            params: [.init("nftId", "The drop's id.", schema: Schema.hex(bytes: 32)),
                     .init("reason", "Why.", schema: Schema.string),
                     .init("code", "nft_claimed or nft_expired.", schema: Schema.string)],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "train.round", summary: "Notification: a round opened and you are assigned; fetch it with train.assignment.",
            params: [.init("round", "The round.", schema: Schema.integer),
                     .init("version", "The model version to start from.", schema: Schema.integer),
                     .init("deadline", "Unix ms after which updates are refused.", schema: Schema.integer)],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "train.round.closed", summary: "Notification: a round you delivered to was judged: the new version, what you were paid, any offence.",
            params: [.init("round", "The round.", schema: Schema.integer),
                     .init("version", "The model version after the round.", schema: Schema.integer),
                     .init("paramsSHA256", "SHA-256 of that version's parameters.", schema: Schema.hex(bytes: 32)),
                     .init("heldOutLoss", "The coordinator's held-out loss of that version (null if not measurable).", schema: Schema.number),
                     .init("paid", "micro-PUR paid to you for the round.", schema: Schema.amount),
                     .init("offence", required: false, "Why your update counted as cheating (part of your stake was slashed).", schema: Schema.string)],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "train.audit", summary: "Notification: your update for this round is being audited; send each listed checkpoint of your commitment as an auditState frame (message type 5) within training.auditStateSeconds.",
            params: [.init("round", "The round being judged.", schema: Schema.integer),
                     .init("checkpoints", "The checkpoint indices to send: both ends of each segment replayed, and the last.",
                           schema: Schema.array(Schema.integer))],
            result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "train.banned", summary: "Notification: you are banned from training after repeated proven offences.",
            params: [.init("reason", "The offences.", schema: Schema.string)], result: .null, errors: [], requiresAuth: true, isNotification: true),
        RPCMethodDescriptor(
            name: "quest.expired", summary: "Notification: a quest you hold reached its deadline; its escrow went back to the rewards pool.",
            params: [.init("questId", "The quest id.", schema: Schema.string)], result: .null, errors: [], requiresAuth: true, isNotification: true),
    ]

    static var trainStatus: JSONValue {
        Schema.object(["member": Schema.boolean, "banned": Schema.boolean, "reputation": Schema.number, "roundsScored": Schema.integer,
                       "trust": Schema.number, "earned": Schema.amount, "stakeHeld": Schema.amount, "offences": Schema.integer,
                       "version": Schema.integer, "phase": Schema.string, "round": Schema.integer, "assigned": Schema.boolean,
                       "delivered": Schema.boolean], required: ["member", "version", "phase"])
    }

    public static var callable: [RPCMethodDescriptor] { methods.filter { !$0.isNotification } }

    public static func descriptor(_ name: String) -> RPCMethodDescriptor? {
        methods.first { $0.name == name && !$0.isNotification }
    }
}
