import Foundation
import GRDB
import Ledger
import NFTArt
import PurrCrypto
import QuestModel
import World

/// One NFT placed on the map: where, until when, for what pick-up price, and who owns it.
struct NFTDrop: Codable, Hashable, Sendable {
    enum Status: String, Codable, Sendable { case available, claimed, expired }

    var id: String
    /// Spawn number, 1, 2, 3…: with the world seed it determines the art and the place.
    var index: Int64
    var name: String
    var x: Double
    var y: Double
    var region: String
    var poi: String?
    var spawnedAt: Int64
    var expiresAt: Int64
    var price: Amount
    var status: Status
    var owner: String?

    var point: Point { Point(x: x, y: y) }
}

/// Creates drops: picks the place and the art from the world seed and the spawn number, so a
/// drop can be recomputed by anyone who knows both.
struct NFTSpawner: Sendable {
    /// Where spawn number `index` goes and what it looks like, before its lore is written.
    struct Plan: Sendable {
        var index: Int64
        var seed: NFTSeed
        var region: Region
        var poi: PointOfInterest?
        var place: Point
        var parts: NFTParts
    }

    let world: World
    let catalog: NFTPartsCatalog

    /// The seed of spawn `index`: SHA-256("nft-drop|<world seed>|<index>").
    func seed(index: Int64) -> NFTSeed {
        NFTSeed(bytes: SHA256.hash("nft-drop|\(world.seed)|\(index)")) ?? NFTSeed(UInt64(bitPattern: index))
    }

    /// The region, point of interest and parts are `NFTLoreRequest(seed:world:catalog:)`'s, the
    /// one definition of those draws; the drop then lies 40–200 m from the point of interest on
    /// reachable ground in the same region, or at the region's centre when it has none.
    func plan(index: Int64) throws -> Plan {
        let seed = seed(index: index)
        guard let request = NFTLoreRequest(seed: seed, world: world, catalog: catalog),
              let region = world.region(id: request.region) else { throw NFTSpawnError.noRegions }
        let poi = request.pointOfInterest.flatMap { world.pointOfInterest(id: $0) }
        var place = region.centre
        if let p = poi {
            place = Point(x: p.x, y: p.y)
            for attempt in 0..<8 {
                let angle = Double(seed.draw(domain: "nft-place", label: "angle-\(attempt)") % 3600) / 3600 * 2 * Double.pi
                let distance = 40 + Double(seed.draw(domain: "nft-place", label: "distance-\(attempt)") % 161)
                let candidate = Point(x: (p.x + distance * cos(angle)).rounded(), y: (p.y + distance * sin(angle)).rounded())
                if world.isReachable(candidate), world.region(at: candidate)?.id == region.id {
                    place = candidate
                    break
                }
            }
        }
        return Plan(index: index, seed: seed, region: region, poi: poi, place: place, parts: request.parts)
    }

    /// The drop and its metadata, once the lore is written.
    func drop(_ plan: Plan, lore: NFTLore, at now: Int64, lifetime: Int64, price: Amount) throws -> (NFTDrop, NFTMetadata) {
        let metadata = try NFTMetadata(seed: plan.seed, name: lore.name, description: lore.description, catalog: catalog)
        let drop = NFTDrop(id: metadata.id, index: plan.index, name: metadata.name, x: plan.place.x, y: plan.place.y,
                           region: plan.region.id, poi: plan.poi?.id, spawnedAt: now, expiresAt: now + lifetime, price: price,
                           status: .available, owner: nil)
        return (drop, metadata)
    }
}

enum NFTSpawnError: Error, CustomStringConvertible {
    case noRegions

    var description: String { "the world has no regions to place NFTs in" }
}
