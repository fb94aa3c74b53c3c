import Foundation
import Testing
import Tokenizer

/// Writes our ids for `scripts/reference/check_tokenizer.py` to compare with Python `tokenizers`.
///
/// Runs only when `PURR_TOKENIZER_CHECK_DIR` names a folder holding `texts.jsonl` (one JSON
/// string per line). It reads `tokenizer.json` from that folder, or trains one on the texts
/// (vocabulary `PURR_TOKENIZER_CHECK_VOCAB`, default 2048) and writes it there, then writes
/// `ids.jsonl`: for each text, the JSON array of its ids, and `pieces.jsonl`: for each text, the
/// JSON array of its pre-tokenizer pieces (ids alone cannot show a wrong split between two
/// bytes that no merge joins).
@Suite struct ReferenceFilesTests {
    static let folder = ProcessInfo.processInfo.environment["PURR_TOKENIZER_CHECK_DIR"]

    @Test(.enabled(if: folder != nil, "set PURR_TOKENIZER_CHECK_DIR to write reference files"))
    func writesIDsForThePythonCheck() throws {
        let folder = URL(fileURLWithPath: try #require(Self.folder))
        let lines = try String(contentsOf: folder.appendingPathComponent("texts.jsonl"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: true)
        let texts = try lines.map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8), options: .fragmentsAllowed) as? String)
        }
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        let tokenizer: BPETokenizer
        if FileManager.default.fileExists(atPath: tokenizerURL.path) {
            tokenizer = try BPETokenizer(contentsOf: tokenizerURL)
        } else {
            let vocab = Int(ProcessInfo.processInfo.environment["PURR_TOKENIZER_CHECK_VOCAB"] ?? "") ?? 2048
            tokenizer = try BPETokenizer.train(texts: texts, vocabSize: vocab)
            try tokenizer.write(to: tokenizerURL)
        }
        var ids = ""
        var pieces = Data()
        for text in texts {
            ids += "[" + tokenizer.encode(text).map(String.init).joined(separator: ",") + "]\n"
            pieces += try JSONSerialization.data(withJSONObject: ByteLevelPreTokenizer.split(text)) + Data("\n".utf8)
            #expect(tokenizer.decode(tokenizer.encode(text)) == text)
        }
        try ids.write(to: folder.appendingPathComponent("ids.jsonl"), atomically: true, encoding: .utf8)
        try pieces.write(to: folder.appendingPathComponent("pieces.jsonl"))
    }
}
