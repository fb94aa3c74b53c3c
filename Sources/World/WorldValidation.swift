/// The checks a world must pass before anything uses it; each failure names file,
/// entry and field.
enum WorldValidation {
    static func validateMap(
        bounds: Bounds, settings: WorldSettings, regions: [Region], pointsOfInterest: [PointOfInterest],
        file: String
    ) throws(WorldError) {
        guard bounds.isValid else {
            throw WorldError(code: .invalidBounds, file: file, field: "bounds",
                             reason: "bounds \(bounds) must be finite with max > min")
        }
        try validateSettings(settings, file: file)
        guard !regions.isEmpty else {
            throw WorldError(code: .missingEntries, file: file, field: "regions", reason: "the map needs at least one region")
        }

        var regionIDs = Set<String>()
        for (index, region) in regions.enumerated() {
            let entry = "regions[\(index)] \"\(region.id)\""
            guard !region.id.isEmpty else {
                throw WorldError(code: .emptyID, file: file, entry: entry, field: "id", reason: "id must not be empty")
            }
            guard regionIDs.insert(region.id).inserted else {
                throw WorldError(code: .duplicateID, file: file, entry: entry, field: "id",
                                 reason: "region id \"\(region.id)\" is used twice")
            }
            guard (1...5).contains(region.hazard) else {
                throw WorldError(code: .invalidValue, file: file, entry: entry, field: "hazard",
                                 reason: "hazard \(region.hazard) must be in 1...5")
            }
            switch region.area {
            case .rect(let rect):
                guard rect.isValid else {
                    throw WorldError(code: .invalidBounds, file: file, entry: entry, field: "area.rect",
                                     reason: "rectangle \(rect) must be finite with max > min")
                }
            case .polygon(let vertices):
                guard vertices.count >= 3 else {
                    throw WorldError(code: .invalidValue, file: file, entry: entry, field: "area.polygon",
                                     reason: "a polygon needs at least 3 vertices, got \(vertices.count)")
                }
                if let bad = vertices.firstIndex(where: { !$0.isFinite }) {
                    throw WorldError(code: .invalidValue, file: file, entry: entry, field: "area.polygon[\(bad)]",
                                     reason: "vertex coordinates must be finite")
                }
            }
            guard bounds.contains(region.area.boundingBox) else {
                throw WorldError(code: .outOfBounds, file: file, entry: entry, field: "area",
                                 reason: "area \(region.area.boundingBox) reaches outside the map bounds \(bounds)")
            }
            guard region.contains(region.centre) else {
                throw WorldError(code: .invalidValue, file: file, entry: entry, field: "area",
                                 reason: "the area's centre \(region.centre) is not inside it; use a convex polygon")
            }
        }

        var poiIDs = Set<String>()
        for (index, poi) in pointsOfInterest.enumerated() {
            let entry = "pointsOfInterest[\(index)] \"\(poi.id)\""
            guard !poi.id.isEmpty else {
                throw WorldError(code: .emptyID, file: file, entry: entry, field: "id", reason: "id must not be empty")
            }
            guard poiIDs.insert(poi.id).inserted else {
                throw WorldError(code: .duplicateID, file: file, entry: entry, field: "id",
                                 reason: "point of interest id \"\(poi.id)\" is used twice")
            }
            guard let region = regions.first(where: { $0.id == poi.region }) else {
                throw WorldError(code: .unknownRegion, file: file, entry: entry, field: "region",
                                 reason: "no region has id \"\(poi.region)\"")
            }
            guard bounds.contains(poi.position) else {
                let field = poi.x.isFinite && poi.x >= bounds.minX && poi.x <= bounds.maxX ? "y" : "x"
                throw WorldError(code: .outOfBounds, file: file, entry: entry, field: field,
                                 reason: "position \(poi.position) lies outside the map bounds \(bounds)")
            }
            guard region.contains(poi.position) else {
                throw WorldError(code: .outsideRegion, file: file, entry: entry, field: "x",
                                 reason: "position \(poi.position) lies outside its region \"\(region.id)\"")
            }
        }
    }

    static func validateSettings(_ s: WorldSettings, file: String) throws(WorldError) {
        let positives: [(String, Double)] = [
            ("maxSpeed", s.maxSpeed), ("reachRadius", s.reachRadius), ("claimRadius", s.claimRadius),
            ("gameTimeRatio", s.gameTimeRatio), ("minReportInterval", s.minReportInterval),
            ("weatherPeriod", s.weatherPeriod),
        ]
        for (name, value) in positives where !(value.isFinite && value > 0) {
            throw WorldError(code: .invalidValue, file: file, entry: "settings", field: name,
                             reason: "\(name) must be a positive number, got \(value)")
        }
        for (terrain, factor) in s.terrainSpeedFactors.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where !(factor.isFinite && factor > 0 && factor <= 1) {
            throw WorldError(code: .invalidValue, file: file, entry: "settings",
                             field: "terrainSpeedFactors.\(terrain.rawValue)",
                             reason: "a speed factor must be in (0, 1], got \(factor)")
        }
    }

    static func validateItems(_ items: [Item], regionIDs: Set<String>, file: String) throws(WorldError) {
        var ids = Set<String>()
        for (index, item) in items.enumerated() {
            let entry = "items[\(index)] \"\(item.id)\""
            guard !item.id.isEmpty else {
                throw WorldError(code: .emptyID, file: file, entry: entry, field: "id", reason: "id must not be empty")
            }
            guard ids.insert(item.id).inserted else {
                throw WorldError(code: .duplicateID, file: file, entry: entry, field: "id",
                                 reason: "item id \"\(item.id)\" is used twice")
            }
            guard !item.regions.isEmpty else {
                throw WorldError(code: .missingEntries, file: file, entry: entry, field: "regions",
                                 reason: "an item must be found in at least one region")
            }
            for (position, regionID) in item.regions.enumerated() where !regionIDs.contains(regionID) {
                throw WorldError(code: .unknownRegion, file: file, entry: entry, field: "regions[\(position)]",
                                 reason: "no region has id \"\(regionID)\"")
            }
        }
    }
}
