import Foundation
import Testing
@testable import World

@Suite struct WorldLoadingTests {
    @Test func theShippedMapAndCatalogLoad() throws {
        let world = try shippedWorld()
        #expect(world.name == "MW0rld")
        #expect(world.regions.count >= 8)
        #expect(world.pointsOfInterest.count >= 60)
        #expect(world.items.count >= 30)
        for poi in world.pointsOfInterest {
            #expect(world.region(at: poi.position) != nil)
            #expect(world.region(id: poi.region)?.contains(poi.position) == true)
        }
    }

    @Test func everyShippedRegionHasACommonItemAndAPlace() throws {
        let world = try shippedWorld()
        for region in world.regions {
            #expect(world.items(foundIn: region.id).contains { $0.rarity == .common }, "\(region.id)")
            #expect(!world.pointsOfInterest(inRegion: region.id).isEmpty, "\(region.id)")
        }
    }

    @Test func aSmallValidMapLoads() throws {
        #expect(try loadError() == nil)
    }

    @Test func aPlaceOutsideItsRegionNamesFileEntryAndField() throws {
        let error = try #require(try loadError(map: { map in
            var pois = map["pointsOfInterest"] as? [[String: Any]] ?? []
            pois[1]["region"] = "west"
            map["pointsOfInterest"] = pois
        }))
        #expect(error.code == .outsideRegion)
        #expect(error.file.hasSuffix("map.json"))
        #expect(error.entry == "pointsOfInterest[1] \"old-mill\"")
        #expect(error.field == "x")
        #expect(error.description.contains("map.json: pointsOfInterest[1] \"old-mill\".x"))
    }

    @Test func aPlaceOutsideTheBoundsIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var pois = map["pointsOfInterest"] as? [[String: Any]] ?? []
            pois[0]["y"] = 5000
            map["pointsOfInterest"] = pois
        }))
        #expect(error.code == .outOfBounds)
        #expect(error.entry == "pointsOfInterest[0] \"well\"")
        #expect(error.field == "y")
    }

    @Test func aDuplicatePlaceIdIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var pois = map["pointsOfInterest"] as? [[String: Any]] ?? []
            pois[1]["id"] = "well"
            map["pointsOfInterest"] = pois
        }))
        #expect(error.code == .duplicateID)
        #expect(error.entry == "pointsOfInterest[1] \"well\"")
        #expect(error.field == "id")
    }

    @Test func aPlaceInAnUnknownRegionIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var pois = map["pointsOfInterest"] as? [[String: Any]] ?? []
            pois[0]["region"] = "atlantis"
            map["pointsOfInterest"] = pois
        }))
        #expect(error.code == .unknownRegion)
        #expect(error.field == "region")
    }

    @Test func aHazardOutsideOneToFiveIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var regions = map["regions"] as? [[String: Any]] ?? []
            regions[1]["hazard"] = 9
            map["regions"] = regions
        }))
        #expect(error.code == .invalidValue)
        #expect(error.entry == "regions[1] \"east\"")
        #expect(error.field == "hazard")
    }

    @Test func aRegionReachingOutsideTheBoundsIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var regions = map["regions"] as? [[String: Any]] ?? []
            regions[0]["area"] = ["rect": ["minX": -10, "minY": 0, "maxX": 500, "maxY": 1000]]
            map["regions"] = regions
        }))
        #expect(error.code == .outOfBounds)
        #expect(error.entry == "regions[0] \"west\"")
        #expect(error.field == "area")
    }

    @Test func aDuplicateRegionIdIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var regions = map["regions"] as? [[String: Any]] ?? []
            regions[1]["id"] = "west"
            map["regions"] = regions
        }))
        #expect(error.code == .duplicateID)
        #expect(error.field == "id")
    }

    @Test func aMapWithoutRegionsIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            map["regions"] = [[String: Any]]()
            map["pointsOfInterest"] = [[String: Any]]()
        }))
        #expect(error.code == .missingEntries)
        #expect(error.field == "regions")
    }

    @Test func aNonPositiveSettingIsRefused() throws {
        let error = try #require(try loadError(map: { map in
            var settings = map["settings"] as? [String: Any] ?? [:]
            settings["maxSpeed"] = 0
            map["settings"] = settings
        }))
        #expect(error.code == .invalidValue)
        #expect(error.entry == "settings")
        #expect(error.field == "maxSpeed")
    }

    @Test func anItemInAnUnknownRegionNamesTheItemsFile() throws {
        let error = try #require(try loadError(items: { items in
            items["items"] = [["id": "yarn", "name": "Yarn", "rarity": "common", "regions": ["west", "moon"]]]
        }))
        #expect(error.code == .unknownRegion)
        #expect(error.file.hasSuffix("items.json"))
        #expect(error.entry == "items[0] \"yarn\"")
        #expect(error.field == "regions[1]")
    }

    @Test func aDuplicateItemIdIsRefused() throws {
        let error = try #require(try loadError(items: { items in
            let yarn: [String: Any] = ["id": "yarn", "name": "Yarn", "rarity": "common", "regions": ["west"]]
            items["items"] = [yarn, yarn]
        }))
        #expect(error.code == .duplicateID)
        #expect(error.entry == "items[1] \"yarn\"")
    }

    @Test func anUnknownTerrainNamesTheCodingPath() throws {
        let error = try #require(try loadError(map: { map in
            var regions = map["regions"] as? [[String: Any]] ?? []
            regions[1]["terrain"] = "lava"
            map["regions"] = regions
        }))
        #expect(error.code == .invalidJSON)
        #expect(error.file.hasSuffix("map.json"))
        #expect(error.entry == "regions[1]")
        #expect(error.field == "terrain")
    }

    @Test func aMissingFieldNamesTheCodingPath() throws {
        let error = try #require(try loadError(map: { map in
            var pois = map["pointsOfInterest"] as? [[String: Any]] ?? []
            pois[1]["x"] = nil
            map["pointsOfInterest"] = pois
        }))
        #expect(error.code == .invalidJSON)
        #expect(error.entry == "pointsOfInterest[1]")
        #expect(error.field == "x")
    }

    @Test func malformedJSONNamesTheFile() throws {
        let mapURL = try writeTemporaryText("{ \"name\": ", name: "broken.json")
        let itemsURL = try writeTemporary(smallItems(), name: "items.json")
        #expect {
            try World.load(mapFile: mapURL, itemsFile: itemsURL)
        } throws: { error in
            guard let error = error as? WorldError else { return false }
            return error.code == .invalidJSON && error.file.hasSuffix("broken.json")
        }
    }

    @Test func aMissingFileIsUnreadable() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).json")
        #expect {
            try World.load(mapFile: missing, itemsFile: missing)
        } throws: { error in
            (error as? WorldError)?.code == .unreadableFile
        }
    }
}
