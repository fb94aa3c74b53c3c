import Foundation
import World

/// The model behind a `QuestModelGenerator`: anything that turns a growing context of
/// token ids into next-token logits. The real transformer's inference session conforms
/// through an adapter; tests use fake sources (uniform noise, adversarial preferences).
///
/// One source serves one generation: the generator makes a fresh one per attempt.
public protocol LogitsSource {
    /// Appends `tokens` to the context and returns the logits for the token after them,
    /// one per vocabulary entry.
    mutating func logits(appending tokens: [Int]) throws -> [Float]
}

/// Picks a token from masked logits (disallowed entries are minus infinity).
public typealias TokenSampler = @Sendable (_ logits: [Float], _ random: inout SplitMix64) -> Int

/// Plain samplers, enough for tests and for a model without its own; a real model's
/// temperature/top-k/top-p sampler plugs in the same way.
public enum TokenSampling {
    /// The highest logit (lowest id on ties).
    public static let greedy: TokenSampler = { logits, _ in argmax(logits) }

    /// Softmax sampling at `temperature`, optionally from the `topK` best only; a
    /// temperature of 0 is greedy.
    public static func temperature(_ temperature: Float, topK: Int? = nil) -> TokenSampler {
        { logits, random in
            guard temperature > 0 else { return argmax(logits) }
            var candidates = logits.indices.filter { logits[$0] > -Float.infinity && !logits[$0].isNaN }
            guard !candidates.isEmpty else { return argmax(logits) }
            if let topK, topK > 0, candidates.count > topK {
                candidates.sort { logits[$0] != logits[$1] ? logits[$0] > logits[$1] : $0 < $1 }
                candidates = Array(candidates.prefix(topK))
            }
            let best = candidates.map { logits[$0] }.max() ?? 0
            let weights = candidates.map { exp(Double((logits[$0] - best) / temperature)) }
            let total = weights.reduce(0, +)
            var roll = random.nextUnit() * total
            for (candidate, weight) in zip(candidates, weights) {
                roll -= weight
                if roll < 0 { return candidate }
            }
            return candidates[candidates.count - 1]
        }
    }

    static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return best
    }
}
