import Foundation
import GRDB
import Ledger
import NFTArt
import PurrCrypto
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

    /// Near a point of interest of a seeded region when the region has one (40–200 m away, on
    /// reachable ground in the same region), else the region's centre; the same draws
    /// `NFTLoreRequest(seed:world:catalog:)` makes.
    func plan(index: Int64) throws -> Plan {
        let seed = seed(index: index)
        guard !world.regions.isEmpty else { throw NFTSpawnError.noRegions }
        let region = world.regions[Int(seed.draw(domain: "nft-place", label: "region") % UInt64(world.regions.count))]
        let pois = world.pointsOfInterest(inRegion: region.id)
        var place = region.centre
        var poi: PointOfInterest?
        if !pois.isEmpty {
            let p = pois[Int(seed.draw(domain: "nft-place", label: "poi") % UInt64(pois.count))]
            poi = p
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
        return Plan(index: index, seed: seed, region: region, poi: poi, place: place, parts: catalog.parts(for: seed))
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
