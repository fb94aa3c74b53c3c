// libFuzzer target: the JSON parser of the RPC module (JSONValue.parse).
// Built by scripts/fuzz, not by SwiftPM (Tests/Fuzz is no target in Package.swift).
//
// Invariants checked on every input that parses:
// - parsing the String and parsing the raw bytes agree whenever the input is valid UTF-8;
// - the serialized form parses again, and serializing that gives the same text (a fixpoint:
//   doubles that are whole numbers below 1e15 come back as ints, so values may differ once).
import RPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let fromBytes = try? JSONValue.parse(bytes: bytes)
    if let text = String(validating: bytes, as: UTF8.self) {
        let fromText = try? JSONValue.parse(text)
        guard fromText == fromBytes else {
            fatalError("parse(String) and parse(bytes:) disagree: \(String(describing: fromText)) vs \(String(describing: fromBytes))")
        }
    } else {
        _ = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self))
    }
    guard let value = fromBytes else { return 0 }
    let once = value.serialized()
    guard once.utf8.elementsEqual(value.serializedBytes()) else { fatalError("serialized() and serializedBytes() differ") }
    let again: JSONValue
    do {
        again = try JSONValue.parse(once)
    } catch {
        fatalError("serialized form does not parse: \(error) in \(once)")
    }
    let twice = again.serialized()
    guard once == twice else { fatalError("serialization is not a fixpoint:\n  \(once)\n  \(twice)") }
    return 0
}
