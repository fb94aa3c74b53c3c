import Foundation
import PurrCrypto
import Testing
@testable import NFTArt

@Suite struct MetadataTests {
    static let goldenSeed = NFTSeed(1)

    static func golden() throws -> NFTMetadata {
        try NFTMetadata(
            name: #"Tom "Bell" Cat"#, description: #"Naps daily \ dreams of crème"#, svg: "<svg/>",
            attributes: [NFTAttribute(traitType: "Coat", value: "Ginger")], seed: goldenSeed)
    }

    @Test func canonicalBytesMatchAHandBuiltString() throws {
        // Built by hand from the documented rules: sorted keys, no whitespace, `"` and `\` escaped,
        // "è" as raw UTF-8, base64("<svg/>") == "PHN2Zy8+".
        let expected = #"{"attributes":[{"trait_type":"Coat","value":"Ginger"}],"#
            + #""description":"Naps daily \\ dreams of crème","#
            + #""image":"data:image/svg+xml;base64,PHN2Zy8+","#
            + #""name":"Tom \"Bell\" Cat","#
            + #""seed":"0000000000000000000000000000000000000000000000000000000000000001"}"#
        let metadata = try Self.golden()
        #expect(metadata.canonicalJSON == Array(expected.utf8))
        #expect(metadata.id == SHA256.hex(expected))
        // The same bytes hashed by a tool outside Swift.
        #expect(metadata.id == "ff69cc3c3fc40d6ef8c41da35361c8129ac10dffd84a40757b25ab365309bd5b")
    }

    @Test func theIDIsTheHashOfTheCanonicalBytes() throws {
        let metadata = try NFTMetadata(seed: NFTSeed(3), name: "Pip", description: "A cat.", catalog: try shippedCatalog())
        #expect(metadata.id == Hex.encode(SHA256.hash(metadata.canonicalJSON)))
        #expect(metadata.id.count == 64)
        #expect(metadata.id == metadata.id.lowercased())
    }

    @Test func theSameInputsGiveTheSameID() throws {
        let catalog = try shippedCatalog()
        let first = try NFTMetadata(seed: NFTSeed(11), name: "Pip", description: "A cat.", catalog: catalog)
        let second = try NFTMetadata(seed: NFTSeed(11), name: "Pip", description: "A cat.", catalog: catalog)
        #expect(first.id == second.id)
        #expect(first.canonicalJSON == second.canonicalJSON)
    }

    @Test func changingAnyInputChangesTheID() throws {
        let catalog = try shippedCatalog()
        let base = try NFTMetadata(seed: NFTSeed(11), name: "Pip", description: "A cat.", catalog: catalog)
        #expect(try NFTMetadata(seed: NFTSeed(12), name: "Pip", description: "A cat.", catalog: catalog).id != base.id)
        #expect(try NFTMetadata(seed: NFTSeed(11), name: "Pipp", description: "A cat.", catalog: catalog).id != base.id)
        #expect(try NFTMetadata(seed: NFTSeed(11), name: "Pip", description: "A cat!", catalog: catalog).id != base.id)
    }

    @Test func aThousandSeedsGiveAThousandIDsEvenWithOneName() throws {
        let catalog = try shippedCatalog()
        var ids: Set<String> = []
        for value in UInt64(0)..<1000 {
            ids.insert(try NFTMetadata(seed: NFTSeed(value), name: "Pip", description: "", catalog: catalog).id)
        }
        #expect(ids.count == 1000)
    }

    @Test func theImageEmbedsTheSVG() throws {
        let metadata = try NFTMetadata(seed: NFTSeed(9), name: "Pip", description: "", catalog: try shippedCatalog())
        #expect(metadata.image.hasPrefix("data:image/svg+xml;base64,"))
        let encoded = String(metadata.image.dropFirst(NFTMetadata.imagePrefix.count))
        let decoded = try #require(Data(base64Encoded: encoded))
        #expect(String(decoding: decoded, as: UTF8.self) == metadata.svg)
        #expect(metadata.svg.contains("<title>Pip</title>"))
    }

    @Test func prettyJSONHoldsTheSameValueAsTheCanonicalBytes() throws {
        let metadata = try NFTMetadata(seed: NFTSeed(9), name: "Mïsty 🐾", description: #"Says "mrrp" \o/"#,
                                       catalog: try shippedCatalog())
        let canonical = try JSONSerialization.jsonObject(with: Data(metadata.canonicalJSON)) as? NSDictionary
        let pretty = try JSONSerialization.jsonObject(with: Data(metadata.prettyJSON.utf8)) as? NSDictionary
        #expect(canonical != nil)
        #expect(canonical == pretty)
        #expect(metadata.prettyJSON.hasPrefix("{\n  \"attributes\": [\n    {\n      \"trait_type\": \"Background\","))
        #expect((canonical?["name"] as? String) == "Mïsty 🐾")
    }

    @Test func canonicalBytesHaveNoWhitespaceAndRawUnicode() throws {
        let metadata = try NFTMetadata(seed: NFTSeed(9), name: "Mïsty 🐾", description: "a/b", catalog: try shippedCatalog())
        let text = String(decoding: metadata.canonicalJSON, as: UTF8.self)
        #expect(text.hasPrefix(#"{"attributes":[{"trait_type":"Background","value":""#))
        #expect(text.contains(#""name":"Mïsty 🐾""#))
        #expect(text.contains(#""description":"a/b""#))
        #expect(!text.contains("\n"))
        #expect(!text.contains("\": "))
    }

    @Test func keysAreSortedByCodePointNotByLocale() {
        let object: [String: CanonicalJSON] = ["b": .string(""), "B": .string(""), "é": .string(""), "z": .string("")]
        #expect(CanonicalJSON.sortedKeys(object) == ["B", "b", "z", "é"])
    }

    @Test func controlCharactersAreEscapedIfEverEncoded() {
        #expect(CanonicalJSON.string("a\u{1}\n").canonicalBytes == Array(#""a\u0001\u000a""#.utf8))
    }

    @Test func anEmptyNameIsRefused() throws {
        let error = try #require(Self.validationError(name: "", description: ""))
        #expect(error.code == .empty)
        #expect(error.field == "name")
        #expect(error.description.hasPrefix("name: "))
        #expect(error.description.hasSuffix("[nft.metadata.empty]"))
    }

    @Test func aNameOfSixtyFourScalarsIsAcceptedAndSixtyFiveRefused() throws {
        #expect(Self.validationError(name: String(repeating: "a", count: 64), description: "") == nil)
        #expect(Self.validationError(name: String(repeating: "🐾", count: 64), description: "") == nil)
        let error = try #require(Self.validationError(name: String(repeating: "a", count: 65), description: ""))
        #expect(error.code == .tooLong)
        #expect(error.field == "name")
        #expect(error.reason.contains("65"))
    }

    @Test func controlCharactersInANameAreRefused() throws {
        for bad in ["Tom\nCat", "Tom\u{7}", "\u{7F}Tom", "Tom\u{85}Cat", "Tom\tCat"] {
            let error = try #require(Self.validationError(name: bad, description: ""), "\(bad.debugDescription)")
            #expect(error.code == .controlCharacter)
            #expect(error.field == "name")
        }
    }

    @Test func surroundingWhitespaceInANameIsRefused() throws {
        for bad in [" Pip", "Pip ", "   "] {
            let error = try #require(Self.validationError(name: bad, description: ""))
            #expect(error.code == .surroundingWhitespace)
        }
    }

    @Test func aDescriptionOfAThousandScalarsIsAcceptedAndMoreRefused() throws {
        #expect(Self.validationError(name: "Pip", description: String(repeating: "x", count: 1000)) == nil)
        let error = try #require(Self.validationError(name: "Pip", description: String(repeating: "x", count: 1001)))
        #expect(error.code == .tooLong)
        #expect(error.field == "description")
    }

    @Test func aDescriptionWithALineBreakIsRefused() throws {
        let error = try #require(Self.validationError(name: "Pip", description: "One.\nTwo."))
        #expect(error.code == .controlCharacter)
        #expect(error.field == "description")
    }

    @Test func anEmptyAttributeValueNamesItsIndex() throws {
        #expect(throws: NFTMetadataError.self) {
            try NFTMetadata(name: "Pip", description: "", svg: "<svg/>",
                            attributes: [NFTAttribute(traitType: "Coat", value: "Ginger"), NFTAttribute(traitType: "Hat", value: "")],
                            seed: NFTSeed(1))
        }
        do {
            _ = try NFTMetadata(name: "Pip", description: "", svg: "<svg/>",
                                attributes: [NFTAttribute(traitType: "Coat", value: "Ginger"), NFTAttribute(traitType: "Hat", value: "")],
                                seed: NFTSeed(1))
        } catch {
            #expect(error.field == "attributes[1].value")
            #expect(error.code == .empty)
        }
    }

    @Test func somethingThatIsNotAnSVGIsRefused() throws {
        do {
            _ = try NFTMetadata(name: "Pip", description: "", svg: "<html/>", attributes: [], seed: NFTSeed(1))
            Issue.record("an HTML image was accepted")
        } catch {
            #expect(error.code == .invalidImage)
            #expect(error.field == "image")
        }
    }

    static func validationError(name: String, description: String) -> NFTMetadataError? {
        do {
            try NFTMetadata.validate(name: name, description: description)
            return nil
        } catch {
            return error
        }
    }
}
