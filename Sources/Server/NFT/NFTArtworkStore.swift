import GRDB
import Synchronization
import WebSocketTransport

/// Serves `GET /nft/{id}.json` and `GET /nft/{id}.svg` for wallets and marketplaces.
///
/// The transport calls ``response(path:)`` on its service thread, which must not wait on the
/// game actor; recent drops are answered from memory, older ones with one indexed read.
/// The JSON is the canonical metadata whose SHA-256 is the id, so a client can check it.
final class NFTArtworkStore: Sendable {
    private struct Entry: Sendable {
        var json: [UInt8]
        var svg: [UInt8]
    }

    private let cache = Mutex([String: Entry]())
    private let db: any DatabaseReader
    /// Drops kept in memory; past it the cache is emptied and refills from reads.
    let capacity = 4_096

    init(db: any DatabaseReader) { self.db = db }

    func insert(id: String, json: [UInt8], svg: [UInt8]) {
        cache.withLock { c in
            if c.count >= capacity { c.removeAll(keepingCapacity: true) }
            c[id] = Entry(json: json, svg: svg)
        }
    }

    func response(path: String) -> HTTPResponse? {
        guard path.hasPrefix("/nft/") else { return nil }
        let file = path.dropFirst(5)
        let (id, isJSON): (Substring, Bool)
        if file.hasSuffix(".json") { (id, isJSON) = (file.dropLast(5), true) } else if file.hasSuffix(".svg") {
            (id, isJSON) = (file.dropLast(4), false)
        } else { return nil }
        // Ids are 64 lower-case hex characters; anything else is not one of ours.
        guard id.count == 64, id.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        let key = String(id)
        var entry = cache.withLock { $0[key] }
        if entry == nil, let row = try? db.read({ db in
            try Row.fetchOne(db, sql: "SELECT metadata, svg FROM nft_drops WHERE id = ?", arguments: [key])
        }) {
            let e = Entry(json: Array((row["metadata"] as String).utf8), svg: Array((row["svg"] as String).utf8))
            insert(id: key, json: e.json, svg: e.svg)
            entry = e
        }
        guard let entry else { return nil }
        return isJSON ? HTTPResponse(contentType: "application/json", body: entry.json)
                      : HTTPResponse(contentType: "image/svg+xml", body: entry.svg)
    }
}
