// libFuzzer target: the JSON-RPC 2.0 codec (RPCCodec.decode, RPCClientInbound.decode).
// Built by scripts/fuzz, not by SwiftPM.
//
// Invariants: a request the server accepts, written back as JSON (RPCRequest.json) and decoded
// again, is accepted again with the same method, id and params (compared as serialized text);
// a batch never holds more than RPCCodec.maxBatchSize elements; responses built for any id
// that decoding echoes serialize to JSON that parses.
import RPC

private func check(_ result: Result<RPCRequest, RPCErrorResponse>) {
    switch result {
    case .success(let request):
        guard !request.method.isEmpty else { fatalError("accepted an empty method") }
        let text = request.json.serialized()
        guard case .single(.success(let back)) = RPCCodec.decode(text) else {
            fatalError("an accepted request does not decode again: \(text)")
        }
        guard back.method == request.method,
              back.id?.serialized() == request.id?.serialized(),
              back.params?.serialized() == request.params?.serialized() else {
            fatalError("request changed in a round trip: \(text) -> \(back.json.serialized())")
        }
        let reply = RPCCodec.result(id: request.id ?? .null, .object(["ok": true])).serialized()
        guard (try? JSONValue.parse(reply)) != nil else { fatalError("result response is not JSON: \(reply)") }
    case .failure(let response):
        switch response.id {
        case .string, .int, .null: break
        default: fatalError("error response echoes an id of a forbidden type: \(response.id)")
        }
        let reply = RPCCodec.error(id: response.id, response.error).serialized()
        guard (try? JSONValue.parse(reply)) != nil else { fatalError("error response is not JSON: \(reply)") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    switch RPCCodec.decode(text) {
    case .single(let result):
        check(result)
    case .batch(let results):
        guard !results.isEmpty, results.count <= RPCCodec.maxBatchSize else {
            fatalError("batch of \(results.count) accepted")
        }
        results.forEach(check)
    }
    _ = RPCClientInbound.decode(text)
    return 0
}
