import Foundation
import RPC
import WebSocketTransport
import World

extension GameService {
    func worldInfo(_ params: JSONValue?) throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let date = now()
        let gameTime = world.clock.gameTime(at: date)
        let s = world.settings
        return [
            "name": .string(world.name),
            "bounds": ["minX": .double(world.bounds.minX), "minY": .double(world.bounds.minY),
                       "maxX": .double(world.bounds.maxX), "maxY": .double(world.bounds.maxY)],
            "settings": [
                "maxSpeed": .double(s.maxSpeed), "reachRadius": .double(s.reachRadius), "claimRadius": .double(s.claimRadius),
                "gameTimeRatio": .double(s.gameTimeRatio), "minReportInterval": .double(s.minReportInterval),
                "weatherPeriod": .double(s.weatherPeriod),
                "terrainSpeedFactors": .object(Dictionary(uniqueKeysWithValues: s.terrainSpeedFactors.map { ($0.key.rawValue, JSONValue.double($0.value)) })),
            ],
            "gameTime": ["day": .int(Int64(gameTime.day)), "hour": .int(Int64(gameTime.hour)), "minute": .int(Int64(gameTime.minute))],
            "regions": .array(world.regions.map { r in
                let b = r.area.boundingBox
                return [
                    "id": .string(r.id), "name": .string(r.name), "terrain": .string(r.terrain.rawValue), "hazard": .int(Int64(r.hazard)),
                    "bounds": ["minX": .double(b.minX), "minY": .double(b.minY), "maxX": .double(b.maxX), "maxY": .double(b.maxY)],
                    "centre": ["x": .double(r.centre.x), "y": .double(r.centre.y)],
                    "weather": .string(world.weather(region: r, at: date).rawValue),
                ]
            }),
            "pointsOfInterest": .array(world.pointsOfInterest.map { p in
                ["id": .string(p.id), "name": .string(p.name), "kind": .string(p.kind), "region": .string(p.region),
                 "x": .double(p.x), "y": .double(p.y)]
            }),
            "items": .array(world.items.map { i in
                ["id": .string(i.id), "name": .string(i.name), "rarity": .string(i.rarity.rawValue), "regions": .array(i.regions.map { .string($0) })]
            }),
        ]
    }
}
