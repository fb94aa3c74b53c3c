import Foundation
import Testing
@testable import World

@Suite struct WorldGeometryTests {
    @Test func regionLookupFindsTheRegionHoldingAPoint() throws {
        let world = try shippedWorld()
        #expect(world.region(at: Point(x: 9800, y: 9400))?.id == "purrington")
        #expect(world.region(at: Point(x: 19000, y: 14000))?.id == "frostwhisker-tundra")
        #expect(world.region(at: Point(x: 13000, y: 19000))?.id == "nine-lives-peaks")
        #expect(world.region(at: Point(x: -1, y: 10)) == nil)
    }

    @Test func aSharedEdgeBelongsToTheFirstListedRegion() throws {
        let world = try shippedWorld()
        #expect(world.region(at: Point(x: 5000, y: 100))?.id == "catnip-meadows")
    }

    @Test func pointsOutsideTheBoundsAreNeitherContainedNorReachable() throws {
        let world = try shippedWorld()
        #expect(!world.contains(Point(x: 20001, y: 0)))
        #expect(!world.isReachable(Point(x: 20001, y: 0)))
        #expect(!world.isReachable(Point(x: .nan, y: 0)))
        #expect(world.isReachable(Point(x: 0, y: 0)))
    }

    @Test func polygonContainmentCountsEdgesAndExcludesOutside() {
        let triangle = RegionArea.polygon([Point(x: 0, y: 0), Point(x: 10, y: 0), Point(x: 0, y: 10)])
        #expect(triangle.contains(Point(x: 1, y: 1)))
        #expect(triangle.contains(Point(x: 5, y: 5)))
        #expect(!triangle.contains(Point(x: 6, y: 6)))
        #expect(triangle.contains(Point(x: 0, y: 0)))
    }

    @Test func lookupsByIdFindShippedEntries() throws {
        let world = try shippedWorld()
        #expect(world.pointOfInterest(id: "gleaming-eye-lighthouse")?.kind == "lighthouse")
        #expect(world.item(id: "sphinx-whisker")?.rarity == .legendary)
        #expect(world.region(id: "purrington")?.terrain == .city)
        #expect(world.region(id: "nowhere") == nil)
    }

    @Test func pointEncodesAsXAndY() throws {
        let data = try JSONEncoder().encode(Point(x: 1.5, y: 2))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Double]
        #expect(object == ["x": 1.5, "y": 2])
    }
}
