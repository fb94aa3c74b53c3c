import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Measures the cost of grammar masks by replaying quests token by token: for the
/// benchmarks document and `purr bench model`.
///
/// ```swift
/// let report = try MaskBenchmark.run(lexicon: lexicon, vocabulary: vocabulary, samples: heldOut) { tokenizer.encode($0).map(Int.init) }
/// print(report)   // mask per step: spec lines mean 54 µs …, prose mean 12 µs …
/// ```
public enum MaskBenchmark {
    /// Per-step mask times in microseconds of thread CPU time (the machines are shared, and
    /// wall time would count other processes).
    public struct Report: Sendable, CustomStringConvertible {
        /// Steps taken while writing the header and objective lines.
        public var specLines: [Double]
        /// Steps taken inside the title or the text.
        public var prose: [Double]

        public var all: [Double] { specLines + prose }

        public var description: String {
            "mask per step: spec lines \(Self.summary(specLines)); prose \(Self.summary(prose)); all \(Self.summary(all))"
        }

        /// "mean …, p50 …, p99 …, max … µs over n steps".
        public static func summary(_ values: [Double]) -> String {
            guard !values.isEmpty else { return "no steps" }
            let sorted = values.sorted()
            let mean = values.reduce(0, +) / Double(values.count)
            return String(
                format: "mean %.1f µs, p50 %.1f µs, p99 %.1f µs, max %.1f µs over %d steps", mean, sorted[sorted.count / 2],
                sorted[min(sorted.count - 1, sorted.count * 99 / 100)], sorted[sorted.count - 1], values.count)
        }
    }

    /// Replays each sample under the grammar of its own header, timing every mask.
    /// - Parameter encode: the tokenizer's encoder.
    /// - Throws: a parse error for a sample that is not a quest, or a decoding error when the
    ///   encoder's tokens do not spell the sample.
    public static func run(
        lexicon: QuestLexicon, vocabulary: TokenVocabulary, samples: [String], encode: (String) -> [Int]
    ) throws -> Report {
        var report = Report(specLines: [], prose: [])
        for text in samples {
            let document = try QuestDocument.parse(text, lexicon: lexicon)
            let grammar = try QuestGrammar(lexicon: lexicon, scope: document.scope, region: document.region, difficulty: document.difficulty)
            var decoder = ConstrainedDecoder(grammar: grammar, vocabulary: vocabulary)
            for token in encode(text) {
                let start = threadNanoseconds()
                let mask = decoder.allowedTokens()
                let elapsed = Double(threadNanoseconds() - start) / 1_000
                if decoder.state.isInProse { report.prose.append(elapsed) } else { report.specLines.append(elapsed) }
                guard mask.contains(token) else {
                    throw ConstrainedDecodingError(code: .tokenNotAllowed, token: token, reason: "the mask refuses a token of the sample")
                }
                try decoder.advance(token: token)
            }
        }
        return report
    }

    static func threadNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
