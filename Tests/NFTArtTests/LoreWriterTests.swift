import Foundation
import Testing
@testable import NFTArt

@Suite struct LoreWriterTests {
    let writer = NFTLoreWriter()

    func lore(_ value: UInt64, region: String = "Whiskerwood", poi: String? = nil) throws -> (NFTLore, NFTParts) {
        let parts = try shippedCatalog().parts(for: NFTSeed(value))
        return (writer.write(seed: NFTSeed(value), parts: parts, region: region, pointOfInterest: poi), parts)
    }

    @Test func theSameSeedWritesTheSameLore() throws {
        #expect(try lore(77, poi: "The Purring Mill").0 == lore(77, poi: "The Purring Mill").0)
    }

    @Test func aThousandSeedsGiveMostlyDifferentNames() throws {
        var names: Set<String> = []
        for value in UInt64(0)..<1000 { names.insert(try lore(value).0.name) }
        #expect(names.count >= 900)
    }

    @Test func everyLoreIsValidMetadataText() throws {
        for value in UInt64(0)..<300 {
            let (lore, _) = try lore(value, region: "Saltwhisker Coast", poi: value % 2 == 0 ? "Gleaming-Eye Lighthouse" : nil)
            #expect(throws: Never.self) { try NFTMetadata.validate(name: lore.name, description: lore.description) }
            let sentences = lore.description.split(separator: ".", omittingEmptySubsequences: true)
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect((1...3).contains(sentences.count), "\(lore.description)")
        }
    }

    @Test func theLoreNamesTheCoatThePlaceAndTheAccessory() throws {
        for value in UInt64(0)..<200 {
            let (lore, parts) = try lore(value, poi: "The Purring Mill")
            #expect(lore.description.contains(try #require(parts.coat.lore)), "\(lore.description)")
            #expect(lore.description.contains("Whiskerwood"))
            #expect(lore.description.contains("The Purring Mill") || lore.name.contains("The Purring Mill"))
            if let accessory = parts.accessory.lore { #expect(lore.description.contains(accessory)) }
            if let markings = parts.markings.lore { #expect(lore.description.contains(markings)) }
        }
    }

    @Test func everyNameTemplateIsUsed() throws {
        var names: [String] = []
        for value in UInt64(0)..<200 { names.append(try lore(value).0.name) }
        #expect(names.contains { $0.contains(" the ") && $0.hasSuffix(" of Whiskerwood") })
        #expect(names.contains { !$0.contains(" the ") && $0.hasSuffix(" of Whiskerwood") })
        #expect(names.contains { !$0.contains(" of ") && !$0.contains(" the ") })
        #expect(names.contains { $0.contains(" the ") && !$0.contains(" of ") })
    }

    @Test func aLongOrMessyPlaceNameIsCleanedAndCut() throws {
        let region = "The\tVery\n Long " + String(repeating: "Meadow", count: 40)
        for value in UInt64(0)..<100 {
            let (lore, _) = try lore(value, region: region)
            #expect(throws: Never.self) { try NFTMetadata.validate(name: lore.name, description: lore.description) }
            #expect(lore.name.unicodeScalars.count <= NFTMetadata.nameLimit)
            #expect(lore.description.contains("The Very Long Meadow"))
        }
    }

    @Test func anEmptyRegionBecomesTheWilds() throws {
        let (lore, _) = try lore(3, region: "  ")
        #expect(lore.description.contains("the wilds"))
    }

    @Test func theArticleFollowsTheColourWord() {
        #expect(NFTLoreWriter.article(for: "amber") == "an")
        #expect(NFTLoreWriter.article(for: "ginger") == "a")
    }
}
