// libFuzzer target: the quest contract language reader (QuestContract.decode).
// Built by scripts/fuzz, not by SwiftPM.
//
// Invariants on every contract that decodes (decode validates): it has a canonical form and
// a hash; the canonical JSON decodes to an equal contract whose canonical JSON is the same text.
import Contracts
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = Data(bytes: data, count: size)
    guard let contract = try? QuestContract.decode(input) else { return 0 }
    let canonical: String
    do {
        canonical = try contract.canonicalJSON()
        _ = try contract.contractHash()
    } catch {
        fatalError("a decoded (so validated) contract has no canonical form: \(error)")
    }
    let back: QuestContract
    do {
        back = try QuestContract.decode(Data(canonical.utf8))
    } catch {
        fatalError("canonical JSON does not decode: \(error)\n\(canonical)")
    }
    guard back == contract else { fatalError("contract changed through its canonical JSON:\n\(canonical)") }
    guard (try? back.canonicalJSON()) == canonical else { fatalError("canonical JSON is not a fixpoint:\n\(canonical)") }
    return 0
}
