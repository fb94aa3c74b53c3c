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
            // Only tokens above the k-th best logit compete (all of them without top-k).
            var floor = -Float.infinity
            if let topK, topK > 0, topK < logits.count {
                let finite = logits.filter { $0 > -Float.infinity && !$0.isNaN }.sorted(by: >)
                if finite.count > topK { floor = finite[topK - 1] }
            }
            var best = -Float.infinity
            for value in logits where value >= floor && value > best { best = value }
            guard best > -Float.infinity else { return argmax(logits) }
            var total = 0.0
            for value in logits where value >= floor && value > -Float.infinity {
                total += exp(Double((value - best) / temperature))
            }
            var roll = random.nextUnit() * total
            var last = 0
            for (index, value) in logits.enumerated() where value >= floor && value > -Float.infinity {
                roll -= exp(Double((value - best) / temperature))
                last = index
                if roll < 0 { return index }
            }
            return last
        }
    }

    static func argmax(_ logits: [Float]) -> Int {
        var best = 0
        for index in logits.indices where logits[index] > logits[best] { best = index }
        return best
    }
}
