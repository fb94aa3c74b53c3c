import Foundation
import Testing
@testable import NFTArt

@Suite struct CatalogLoadingTests {
    @Test func theShippedCatalogLoadsWithEveryLayerFilled() throws {
        let catalog = try shippedCatalog()
        #expect(catalog.backgrounds.count >= 6)
        #expect(catalog.bodies.count >= 4)
        #expect(catalog.coats.count >= 8)
        #expect(catalog.markings.count >= 6)
        #expect(catalog.faces.count >= 3)
        #expect(catalog.accessories.count >= 8)
        #expect(Set(catalog.bodies.map(\.silhouette)).count == catalog.bodies.count)
        #expect(catalog.combinationCount == catalog.backgrounds.count * catalog.bodies.count * catalog.coats.count
            * catalog.markings.count * catalog.faces.count * catalog.accessories.count)
    }

    @Test func theShippedCatalogHasPlainChoicesForMarkingsAndAccessories() throws {
        let catalog = try shippedCatalog()
        #expect(catalog.markings.contains { $0.fragments.isEmpty && $0.name == "None" })
        #expect(catalog.accessories.contains { $0.fragments.isEmpty && $0.name == "None" })
    }

    @Test func aDuplicateIDNamesTheEntryAndField() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "bodies", 1) { $0["id"] = "sitting" }
        })
        #expect(error.code == .duplicateID)
        #expect(error.file == "test-parts.json")
        #expect(error.entry == "bodies[1] \"sitting\"")
        #expect(error.field == "id")
        #expect(error.description.hasPrefix("test-parts.json: bodies[1] \"sitting\".id: "))
        #expect(error.description.hasSuffix("[nft.catalog.duplicate_id]"))
    }

    @Test func aMissingLayerIsNamed() throws {
        let error = try #require(try catalogError { $0["faces"] = nil })
        #expect(error.code == .missingLayer)
        #expect(error.entry == nil)
        #expect(error.field == "faces")
    }

    @Test func anEmptyLayerIsRefused() throws {
        let error = try #require(try catalogError { $0["accessories"] = [Any]() })
        #expect(error.code == .missingLayer)
        #expect(error.field == "accessories")
    }

    @Test func aMissingHeadIsRefused() throws {
        let error = try #require(try catalogError { $0["head"] = nil })
        #expect(error.code == .missingLayer)
        #expect(error.field == "head")
    }

    @Test func anUnknownTokenNamesTheEntryFieldAndToken() throws {
        let error = try #require(try catalogError { object in
            editNested(&object, "markings", 1, "svg") { $0["head"] = "<path d='M0 0' fill='{{primry}}'/>" }
        })
        #expect(error.code == .unknownToken)
        #expect(error.entry == "markings[1] \"tabby\"")
        #expect(error.field == "svg.head")
        #expect(error.reason.contains("primry"))
        #expect(error.reason.contains("{{primary}}"))
    }

    @Test func anUnclosedTokenIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 0) { $0["svg"] = "<circle r='3' fill='{{eye'/>" }
        })
        #expect(error.code == .unknownToken)
        #expect(error.field == "svg")
    }

    @Test func aZeroWeightIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "coats", 2) { $0["weight"] = 0 }
        })
        #expect(error.code == .invalidWeight)
        #expect(error.entry == "coats[2] \"silver\"")
        #expect(error.field == "weight")
    }

    @Test func aFractionalWeightIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 0) { $0["weight"] = 2.5 }
        })
        #expect(error.code == .invalidWeight)
        #expect(error.field == "weight")
    }

    @Test func anAbsentWeightCountsAsTheDefault() throws {
        let catalog = try tinyCatalog()
        #expect(catalog.faces[0].weight == NFTPartsCatalog.defaultWeight)
    }

    @Test func malformedJSONNamesTheFile() throws {
        let error = try #require(loadError(Data(#"{"format": 1, "head": "#.utf8)))
        #expect(error.code == .invalidJSON)
        #expect(error.file == "test-parts.json")
        #expect(error.entry == nil)
    }

    @Test func aSyntaxErrorSaysWhereItIs() throws {
        let error = try #require(loadError(Data(#"{"format": 1, "head": {,}}"#.utf8)))
        #expect(error.code == .invalidJSON)
        #expect(error.reason.contains("line") || error.reason.contains("character"), "the reason should say where: \(error.reason)")
    }

    @Test func aTopLevelListIsNotACatalogue() throws {
        let error = try #require(loadError(Data("[]".utf8)))
        #expect(error.code == .invalidJSON)
    }

    @Test func anUnsupportedFormatIsRefused() throws {
        let error = try #require(try catalogError { $0["format"] = 2 })
        #expect(error.code == .unsupportedFormat)
        #expect(error.field == "format")
    }

    @Test func aScriptElementIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "backgrounds", 0) { $0["svg"] = "<script>alert(1)</script>" }
        })
        #expect(error.code == .unsafeFragment)
        #expect(error.entry == "backgrounds[0] \"dawn-meadow\"")
        #expect(error.field == "svg")
        #expect(error.reason.contains("<script>"))
    }

    @Test func anExternalImageIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "backgrounds", 0) { $0["svg"] = "<image href='http://example.org/cat.png'/>" }
        })
        #expect(error.code == .unsafeFragment)
    }

    @Test func anExternalPaintReferenceIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 1) { $0["svg"] = "<circle r='3' fill='url(#x)'/>" }
        })
        #expect(error.code == .unsafeFragment)
        #expect(error.reason.contains("url("))
    }

    @Test func anEventHandlerAttributeIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 1) { $0["svg"] = "<circle r='3' onload='go()'/>" }
        })
        #expect(error.code == .unsafeFragment)
        #expect(error.reason.contains("onload"))
    }

    @Test func anUnclosedElementIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 2) { $0["svg"] = "<g><path d='M0 0'/>" }
        })
        #expect(error.code == .invalidFragment)
        #expect(error.entry == "faces[2] \"sleepy\"")
        #expect(error.field == "svg")
    }

    @Test func textOutsideElementsIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 2) { $0["svg"] = "meow" }
        })
        #expect(error.code == .invalidFragment)
    }

    @Test func anEmptyFragmentIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 0) { $0["svg"] = "  " }
        })
        #expect(error.code == .emptyFragment)
        #expect(error.field == "svg")
    }

    @Test func aPaintedSilhouetteIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "bodies", 0) { $0["silhouette"] = "<path d='M0 0H9V9Z' fill='#ff0000'/>" }
        })
        #expect(error.code == .invalidFragment)
        #expect(error.field == "silhouette")
        #expect(error.reason.contains("fill"))
    }

    @Test func anInvalidColourNamesTheColour() throws {
        let error = try #require(try catalogError { object in
            editNested(&object, "coats", 0, "colors") { $0["eye"] = "green" }
        })
        #expect(error.code == .invalidColor)
        #expect(error.entry == "coats[0] \"ginger\"")
        #expect(error.field == "colors.eye")
    }

    @Test func aMissingColourIsNamed() throws {
        let error = try #require(try catalogError { object in
            editNested(&object, "coats", 3, "colors") { $0["nose"] = nil }
        })
        #expect(error.code == .missingField)
        #expect(error.field == "colors.nose")
    }

    @Test func aMisspelledFieldIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "faces", 0) { $0["wieght"] = 3 }
        })
        #expect(error.code == .unknownField)
        #expect(error.field == "wieght")
    }

    @Test func anAnchorOutsideTheCanvasIsRefused() throws {
        let error = try #require(try catalogError { object in
            editNested(&object, "bodies", 2, "anchors") { $0["head"] = [300, 10] }
        })
        #expect(error.code == .invalidAnchor)
        #expect(error.entry == "bodies[2] \"stretching\"")
        #expect(error.field == "anchors.head")
    }

    @Test func aMissingAnchorIsNamed() throws {
        let error = try #require(try catalogError { object in
            editNested(&object, "bodies", 0, "anchors") { $0["chest"] = nil }
        })
        #expect(error.code == .missingField)
        #expect(error.field == "anchors.chest")
    }

    @Test func anUnknownAnchorInAnAccessoryIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "accessories", 1) { $0["svg"] = ["hat": "<circle r='3'/>"] }
        })
        #expect(error.code == .invalidAnchor)
        #expect(error.entry == "accessories[1] \"bow\"")
        #expect(error.field == "svg.hat")
    }

    @Test func anIDWithSpacesIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "accessories", 2) { $0["id"] = "Big Hat" }
        })
        #expect(error.code == .invalidID)
        #expect(error.entry == "accessories[2] \"Big Hat\"")
    }

    @Test func aDisplayNameWithALineBreakIsRefused() throws {
        let error = try #require(try catalogError { object in
            editEntry(&object, "coats", 1) { $0["name"] = "Midnight\nBlack" }
        })
        #expect(error.code == .invalidName)
        #expect(error.field == "name")
    }

    @Test func anUnreadableFileNamesThePath() throws {
        let url = URL(fileURLWithPath: "/nonexistent-nft-dir/parts.json")
        #expect(throws: NFTCatalogError.self) { try NFTPartsCatalog.load(from: url) }
        do {
            _ = try NFTPartsCatalog.load(from: url)
        } catch {
            #expect(error.code == .unreadableFile)
            #expect(error.file == "/nonexistent-nft-dir/parts.json")
        }
    }
}
