import Foundation
import PurrCrypto
import Testing
@testable import NFTArt

@Suite struct PartSelectionTests {
    @Test func aSixtyFourBitSeedIsWidenedBigEndian() {
        #expect(NFTSeed(42).hex == String(repeating: "0", count: 62) + "2a")
        #expect(NFTSeed(0x0102_0304_0506_0708).bytes.suffix(8) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(NFTSeed(42).bytes.count == 32)
    }

    @Test func aSeedRoundTripsThroughHex() throws {
        let seed = try #require(NFTSeed(bytes: (0..<32).map { UInt8($0 * 7) }))
        #expect(NFTSeed(hex: seed.hex) == seed)
        #expect(NFTSeed(hex: seed.hex.uppercased()) == seed)
    }

    @Test func malformedSeedsAreRefused() {
        #expect(NFTSeed(hex: "2a") == nil)
        #expect(NFTSeed(hex: String(repeating: "g", count: 64)) == nil)
        #expect(NFTSeed(bytes: [1, 2, 3]) == nil)
    }

    @Test func theDrawMatchesAnIndependentSHA256() {
        // sha256("nft-parts|<62 zeros>2a|coat"), first 8 bytes big-endian, computed outside Swift.
        #expect(NFTSeed(42).draw(domain: "nft-parts", label: "coat") == 4_441_702_121_114_727_117)
    }

    @Test func theSameSeedPicksTheSamePartsFromSeparateLoads() throws {
        let first = try NFTPartsCatalog.load(from: shippedCatalogURL)
        let second = try NFTPartsCatalog.load(from: shippedCatalogURL)
        for value in [UInt64(0), 1, 42, 9_999, .max] {
            #expect(first.parts(for: NFTSeed(value)) == second.parts(for: NFTSeed(value)))
        }
    }

    @Test func thePicksFollowTheDocumentedProcedure() throws {
        let catalog = try shippedCatalog()
        let raw = try shippedCatalogObject()
        for value in UInt64(0)..<200 {
            let seed = NFTSeed(value)
            let parts = catalog.parts(for: seed)
            for layer in NFTLayer.allCases {
                let entries = try #require(raw[layer.catalogKey] as? [[String: Any]])
                let expected = Self.recomputedPick(seed: seed, layer: layer.rawValue, entries: entries)
                #expect(parts.id(of: layer) == expected, "seed \(value), layer \(layer)")
            }
        }
    }

    @Test func aThousandSeedsGiveAtLeastNineHundredCombinations() throws {
        let catalog = try shippedCatalog()
        let keys = Set((UInt64(0)..<1000).map { catalog.parts(for: NFTSeed($0)).combinationKey })
        #expect(keys.count >= 900)
    }

    @Test func everyPartIsReachedByTheFirstThousandSeeds() throws {
        let catalog = try shippedCatalog()
        var seen: [NFTLayer: Set<String>] = [:]
        for value in UInt64(0)..<1000 {
            let parts = catalog.parts(for: NFTSeed(value))
            for layer in NFTLayer.allCases { seen[layer, default: []].insert(parts.id(of: layer)) }
        }
        #expect(seen[.background]?.count == catalog.backgrounds.count)
        #expect(seen[.body]?.count == catalog.bodies.count)
        #expect(seen[.coat]?.count == catalog.coats.count)
        #expect(seen[.markings]?.count == catalog.markings.count)
        #expect(seen[.face]?.count == catalog.faces.count)
        #expect(seen[.accessory]?.count == catalog.accessories.count)
    }

    @Test func attributesComeInLayerOrder() throws {
        let parts = try shippedCatalog().parts(for: NFTSeed(7))
        #expect(parts.attributes.map(\.traitType) == ["Background", "Pose", "Coat", "Markings", "Expression", "Accessory"])
        #expect(parts.attributes[2].value == parts.coat.name)
    }

    /// The procedure of `NFTPartsCatalog`'s documentation, written again from the raw JSON.
    static func recomputedPick(seed: NFTSeed, layer: String, entries: [[String: Any]]) -> String? {
        let digest = SHA256.hash(Array("nft-parts|\(seed.hex)|\(layer)".utf8))
        var draw: UInt64 = 0
        for byte in digest[0..<8] { draw = draw << 8 | UInt64(byte) }
        let weights = entries.map { ($0["id"] as? String ?? "", $0["weight"] as? Int ?? 10) }
        var target = draw % UInt64(weights.reduce(0) { $0 + $1.1 })
        for (id, weight) in weights {
            if target < UInt64(weight) { return id }
            target -= UInt64(weight)
        }
        return nil
    }
}
