// libFuzzer target: the tokenizer.json loader (BPETokenizer(tokenizerJSON:)).
// Built by scripts/fuzz, not by SwiftPM.
//
// Invariants on every file that loads: what the tokenizer writes (tokenizerJSON()) loads again
// and is written back byte for byte; vocabulary, merges and added tokens survive; a short
// text encodes to ids in range that decode back to its bytes.
import Foundation
import Tokenizer

private let sample = "Find the lost cat near the old mill! 42 <|eos|> ünïcödé 🐈"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Data(bytes: data, count: size)
    guard let tokenizer = try? BPETokenizer(tokenizerJSON: input) else { return 0 }
    let written = tokenizer.tokenizerJSON()
    let back: BPETokenizer
    do {
        back = try BPETokenizer(tokenizerJSON: written)
    } catch {
        fatalError("a loaded tokenizer's own tokenizer.json does not load: \(error)")
    }
    guard back.allTokenBytes == tokenizer.allTokenBytes, back.addedTokens == tokenizer.addedTokens,
          back.merges.elementsEqual(tokenizer.merges, by: { $0.left == $1.left && $0.right == $1.right }),
          back.ignoreMerges == tokenizer.ignoreMerges else {
        fatalError("tokenizer changed through tokenizerJSON()")
    }
    guard back.tokenizerJSON() == written else { fatalError("tokenizerJSON() is not a fixpoint") }
    let ids = tokenizer.encode(sample)
    guard ids.allSatisfy({ $0 >= 0 && Int($0) < tokenizer.vocabSize }) else { fatalError("encode gave an id out of range") }
    // Byte-level BPE: ids 0...255 are the bytes, so any text decodes back to itself.
    guard tokenizer.decodeBytes(ids) == Array(sample.utf8) else {
        fatalError("decode(encode(text)) != text: ids \(ids)")
    }
    return 0
}
