import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import NFTArt

/// Records what an SVG parses into.
final class SVGShape: NSObject, XMLParserDelegate {
    var root: String?
    var rootAttributes: [String: String] = [:]
    var elements: [String] = []
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil {
            root = name
            rootAttributes = attributes
        }
        elements.append(name)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// Nil when the document is not well-formed XML.
    static func parse(_ svg: String) -> SVGShape? {
        let shape = SVGShape()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = shape
        return parser.parse() ? shape : nil
    }
}

@Suite struct ArtworkTests {
    @Test func theSameSeedGivesByteIdenticalSVG() throws {
        let catalog = try shippedCatalog()
        let reloaded = try NFTPartsCatalog.load(from: shippedCatalogURL)
        for value in [UInt64(1), 42, 31_337] {
            let first = NFTArtwork(seed: NFTSeed(value), catalog: catalog).svg(title: "Pip")
            let second = NFTArtwork(seed: NFTSeed(value), catalog: reloaded).svg(title: "Pip")
            #expect(Array(first.utf8) == Array(second.utf8))
        }
    }

    @Test func aThousandSeedsGiveWellFormedSelfContainedSVG() throws {
        let catalog = try shippedCatalog()
        var largest = 0
        for value in UInt64(0)..<1000 {
            let svg = NFTArtwork(seed: NFTSeed(value), catalog: catalog).svg(title: "Cat \(value)")
            let shape = try #require(SVGShape.parse(svg), "seed \(value) is not well-formed XML")
            #expect(shape.root == "svg")
            #expect(shape.rootAttributes["xmlns"] == "http://www.w3.org/2000/svg")
            #expect(shape.rootAttributes["viewBox"] == "0 0 256 256")
            #expect(!shape.elements.contains("script"))
            #expect(!svg.contains("<script"))
            #expect(!svg.contains("href"))
            #expect(svg.components(separatedBy: "http").count == 2, "only the namespace may name a URL")
            largest = max(largest, svg.utf8.count)
        }
        #expect(largest < 8_192)
    }

    @Test func theTitleIsEscaped() throws {
        let svg = NFTArtwork(seed: NFTSeed(5), catalog: try shippedCatalog()).svg(title: #"<Tom & "Jerry's">"#)
        #expect(svg.contains("<title>&lt;Tom &amp; &quot;Jerry&apos;s&quot;&gt;</title>"))
        let shape = try #require(SVGShape.parse(svg))
        #expect(shape.text.contains(#"<Tom & "Jerry's">"#))
    }

    @Test func controlCharactersInTheTitleAreDropped() throws {
        let svg = NFTArtwork(seed: NFTSeed(5), catalog: try shippedCatalog()).svg(title: "Pip\u{1}\u{8}squeak")
        #expect(svg.contains("<title>Pipsqueak</title>"))
        #expect(SVGShape.parse(svg) != nil)
    }

    @Test func placeholdersInTheTitleAreNotPainted() throws {
        let svg = NFTArtwork(seed: NFTSeed(5), catalog: try shippedCatalog()).svg(title: "{{primary}}")
        #expect(svg.contains("<title>{{primary}}</title>"))
    }

    @Test func noPlaceholderSurvivesComposition() throws {
        let catalog = try shippedCatalog()
        for value in UInt64(0)..<200 {
            #expect(!NFTArtwork(seed: NFTSeed(value), catalog: catalog).svg().contains("{{"))
        }
    }

    @Test func theTinyCatalogueComposesToTheDocumentedLayout() throws {
        let svg = NFTArtwork(seed: NFTSeed(7), catalog: try tinyCatalog()).svg(title: "A & B")
        let outline = ##"<g fill="#000000" stroke="#000000" stroke-width="6" stroke-linejoin="round">"##
        let expected = [
            ##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256">"##,
            "<title>A &amp; B</title>",
            ##"<defs><clipPath id="nft-0000000000000007-body"><ellipse cx='128' cy='180' rx='60' ry='40'/></clipPath>"##
                + ##"<clipPath id="nft-0000000000000007-head"><circle r='30'/></clipPath></defs>"##,
            "<rect width='256' height='256' fill='#eeeeee'/>",
            "<ellipse cx='128' cy='222' rx='60' ry='6'/>",
            outline + "<ellipse cx='128' cy='180' rx='60' ry='40'/></g>"
                + ##"<g fill="#111111"><ellipse cx='128' cy='180' rx='60' ry='40'/></g>"##,
            ##"<g clip-path="url(#nft-0000000000000007-body)">"##
                + ##"<g transform="translate(100 215)"><circle r='5' fill='#eeeeee'/></g>"##
                + ##"<g transform="translate(150 215)"><circle r='5' fill='#eeeeee'/></g></g>"##,
            ##"<g transform="translate(128 110)">"## + outline + "<circle r='30'/></g>"
                + ##"<g fill="#111111"><circle r='30'/></g>"##
                + ##"<g clip-path="url(#nft-0000000000000007-head)"><rect x='-5' y='-5' width='10' height='10' fill='#222222'/></g>"##
                + "<path d='M0 0'/><circle cx='-10' r='3' fill='#00ff00'/></g>",
            ##"<g transform="translate(128 110)"><rect x='-10' y='-40' width='20' height='10' fill='#abcdef'/></g>"##,
            "</svg>",
        ].joined(separator: "\n") + "\n"
        #expect(svg == expected)
    }

    @Test func withoutATitleThereIsNoTitleElement() throws {
        let svg = NFTArtwork(seed: NFTSeed(7), catalog: try tinyCatalog()).svg()
        #expect(!svg.contains("<title>"))
        #expect(SVGShape.parse(svg) != nil)
    }

    @Test func layersAreDrawnBackgroundFirstAndAccessoryLast() throws {
        let catalog = try shippedCatalog()
        let value = try #require((UInt64(0)..<500).first { !catalog.parts(for: NFTSeed($0)).accessory.fragments.isEmpty })
        let artwork = NFTArtwork(seed: NFTSeed(value), catalog: catalog)
        let svg = artwork.svg()
        let palette = artwork.parts.coat.palette
        func position(_ text: String) throws -> String.Index {
            try #require(svg.range(of: text)?.lowerBound, "missing \(text)")
        }
        let background = try position(NFTArtwork.paint(artwork.parts.background.svg, palette))
        let body = try position("<g fill=\"\(palette.primary)\">\(artwork.parts.body.silhouette)</g>")
        let head = try position("<g transform=\"translate(\(artwork.parts.body.anchors.head.x) \(artwork.parts.body.anchors.head.y))\">")
        let face = try position(NFTArtwork.paint(artwork.parts.face.svg, palette))
        let accessoryFragment = try #require(artwork.parts.accessory.fragments.values.first)
        let accessory = try #require(svg.range(of: NFTArtwork.paint(accessoryFragment, palette), options: .backwards)?.lowerBound)
        #expect(background < body && body < head && head < face && face < accessory)
    }
}
