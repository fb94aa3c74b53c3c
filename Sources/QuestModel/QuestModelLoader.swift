import Foundation
import NeuralCore
import Quests
import Tokenizer
import World

/// Why the shipped model could not be loaded: the file and what is wrong with it.
public struct QuestModelLoadError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "quest model at \(path): \(reason)" }
}

extension QuestModelRuntime {
    /// The model directory the server and `purr generate` use unless told otherwise.
    public static let defaultDirectory = "assets/models/quest"

    /// Loads a model directory (`config.json`, `model.safetensors`, `tokenizer.json`) and
    /// builds an inference session and the grammar tables for `world`.
    ///
    /// - Parameters:
    ///   - streams: quests generated together in one batched pass.
    ///   - weights: int8 (default, faster) or fp32 projection weights.
    /// - Throws: ``QuestModelLoadError`` naming the file and the problem (missing, truncated,
    ///   a tensor of the wrong shape, a tokenizer of another size, …).
    public static func load(
        directory: String, world: World, streams: Int = 8, threads: Int = 2,
        weights: InferenceSession.WeightFormat = .int8,
        sampling: SamplingParameters = SamplingParameters(temperature: 0.8, topP: 0.95)
    ) throws(QuestModelLoadError) -> QuestModelRuntime {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw QuestModelLoadError(path: directory, reason: "no such directory (train one with `purr train`, or point model.path at it)")
        }
        let params: ParameterStore
        do { (_, params) = try ModelFiles.load(from: directory) } catch {
            throw QuestModelLoadError(path: directory, reason: "\(error)")
        }
        let tokenizerPath = (directory as NSString).appendingPathComponent("tokenizer.json")
        let tokenizer: BPETokenizer
        do { tokenizer = try BPETokenizer(contentsOf: URL(fileURLWithPath: tokenizerPath)) } catch {
            throw QuestModelLoadError(path: tokenizerPath, reason: "\(error)")
        }
        BLASRuntime.selectKernels()
        let session: InferenceSession
        do {
            session = try InferenceSession(parameters: params, options: .init(maxStreams: streams, threads: threads, weights: weights))
        } catch {
            throw QuestModelLoadError(path: directory, reason: "\(error)")
        }
        // The corpus's words, when the directory has them: prose is then held to them.
        let wordsPath = (directory as NSString).appendingPathComponent(QuestCorpus.wordsFile)
        var words: (all: ProseWords, personal: ProseWords)?
        if FileManager.default.fileExists(atPath: wordsPath) {
            do { words = try ProseWords.read(URL(fileURLWithPath: wordsPath)) } catch {
                throw QuestModelLoadError(path: wordsPath, reason: "cannot read the words: \(error.localizedDescription)")
            }
            if words?.personal.count == 0 { throw QuestModelLoadError(path: wordsPath, reason: "holds no words") }
        }
        let lexicon: QuestLexicon
        do { lexicon = try QuestLexicon(world: world, proseWords: words?.all, personalProseWords: words?.personal) } catch {
            throw QuestModelLoadError(path: directory, reason: "the world cannot carry the quest grammar: \(error)")
        }
        do {
            return try QuestModelRuntime(session: session, tokenizer: tokenizer, lexicon: lexicon, sampling: sampling)
        } catch {
            throw QuestModelLoadError(path: directory, reason: "\(error)")
        }
    }
}
