import Foundation
import Testing
@testable import NFTArt

/// The repository root, found from this file's path so tests run from any directory.
let repositoryRoot = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let shippedCatalogURL = repositoryRoot.appendingPathComponent(NFTArt.catalogPath)

/// Loaded once for all tests; each test that needs it unwraps it with `try`.
let shippedCatalogResult = Result { () throws(NFTCatalogError) -> NFTPartsCatalog in
    try NFTPartsCatalog.loadDefault(root: repositoryRoot)
}

func shippedCatalog() throws -> NFTPartsCatalog {
    try shippedCatalogResult.get()
}

/// The shipped catalogue as a JSON object, read without the loader, for tests to break one field at a time.
func shippedCatalogObject() throws -> [String: Any] {
    let data = try Data(contentsOf: shippedCatalogURL)
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// Loads the shipped catalogue after `edit` has changed it, returning the error it throws (or nil).
func catalogError(_ edit: (inout [String: Any]) throws -> Void) throws -> NFTCatalogError? {
    var object = try shippedCatalogObject()
    try edit(&object)
    return loadError(try JSONSerialization.data(withJSONObject: object))
}

func loadError(_ data: Data) -> NFTCatalogError? {
    do {
        _ = try NFTPartsCatalog(data: data, file: "test-parts.json")
        return nil
    } catch {
        return error
    }
}

/// Changes entry `index` of the list under `key`.
func editEntry(_ object: inout [String: Any], _ key: String, _ index: Int, _ edit: (inout [String: Any]) -> Void) {
    var list = object[key] as? [[String: Any]] ?? []
    guard list.indices.contains(index) else { return }
    edit(&list[index])
    object[key] = list
}

/// Changes a nested object of entry `index`, e.g. its "anchors" or "svg".
func editNested(
    _ object: inout [String: Any], _ key: String, _ index: Int, _ field: String, _ edit: (inout [String: Any]) -> Void
) {
    editEntry(&object, key, index) { entry in
        var nested = entry[field] as? [String: Any] ?? [:]
        edit(&nested)
        entry[field] = nested
    }
}

/// A catalogue of one part per layer, small enough to write its SVG out by hand.
let tinyCatalogJSON = #"""
{"format": 1,
 "head": {"silhouette": "<circle r='30'/>", "details": "<path d='M0 0'/>"},
 "backgrounds": [{"id": "plain", "name": "Plain", "svg": "<rect width='256' height='256' fill='{{light}}'/>"}],
 "bodies": [{"id": "blob", "name": "Blob", "shadow": "<ellipse cx='128' cy='222' rx='60' ry='6'/>",
   "silhouette": "<ellipse cx='128' cy='180' rx='60' ry='40'/>",
   "anchors": {"head": [128, 110], "chest": [128, 170], "back": [140, 150], "tail": [190, 180], "paws": [[100, 215], [150, 215]]}}],
 "coats": [{"id": "ink", "name": "Ink",
   "colors": {"primary": "#111111", "secondary": "#222222", "light": "#eeeeee", "eye": "#00ff00", "nose": "#ff0000", "outline": "#000000"}}],
 "markings": [{"id": "socks", "name": "Socks",
   "svg": {"paws": "<circle r='5' fill='{{light}}'/>", "head": "<rect x='-5' y='-5' width='10' height='10' fill='{{secondary}}'/>"}}],
 "faces": [{"id": "dots", "name": "Dots", "svg": "<circle cx='-10' r='3' fill='{{eye}}'/>"}],
 "accessories": [{"id": "hat", "name": "Hat", "svg": {"head": "<rect x='-10' y='-40' width='20' height='10' fill='#abcdef'/>"}}]
}
"""#

func tinyCatalog() throws -> NFTPartsCatalog {
    try NFTPartsCatalog(data: Data(tinyCatalogJSON.utf8), file: "tiny.json")
}
