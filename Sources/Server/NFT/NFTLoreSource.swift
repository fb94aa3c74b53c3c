import NFTArt
import QuestModel

/// Who writes a new NFT's name and lore: the trained quest model (the default, as it writes
/// quests), or the template writer when the server runs the rule-based generator.
enum NFTLoreSource: Sendable {
    case model(QuestModelService)
    case template(NFTLoreWriter)

    var name: String {
        switch self {
        case .model: "model"
        case .template: "template"
        }
    }

    /// The lore for a planned drop. The model may take tens of milliseconds: call it off the
    /// game actor.
    func write(_ plan: NFTSpawner.Plan) throws -> NFTLore {
        switch self {
        case .model(let service):
            let request = NFTLoreRequest(region: plan.region.id, pointOfInterest: plan.poi?.id, parts: plan.parts, seed: plan.seed)
            return try service.generateLore(request).lore
        case .template(let writer):
            return writer.write(seed: plan.seed, parts: plan.parts, region: plan.region.name, pointOfInterest: plan.poi?.name)
        }
    }
}
