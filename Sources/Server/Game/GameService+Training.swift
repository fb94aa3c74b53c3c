import Foundation
import Ledger
import ModelTraining
import RPC
import WebSocketTransport
import WireFormat

/// The `train.*` methods and the runners' binary update frames, handed to the
/// ``TrainingCoordinator`` once the caller's session is checked here.
extension GameService {
    func trainingCoordinator() throws -> TrainingCoordinator {
        guard let training else {
            throw RPCErrorObject(.unavailable, "training is not enabled on this server (config training.enabled)")
        }
        return training
    }

    func trainInfo(_ params: JSONValue?) async throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        guard let training else { return ["enabled": false] }
        return await training.info()
    }

    func trainJoin(_ conn: ConnectionID, _ params: JSONValue?) async throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["protocol"])
        let account = try requireAccount(conn)
        return try await trainingCoordinator().join(account, protocol: try p.optionalInt("protocol", in: 0...1_000_000))
    }

    /// `train.commit`: the runner's checkpoint hashes for the open round (protocol 2).
    func trainCommit(_ conn: ConnectionID, _ params: JSONValue?) async throws -> JSONValue {
        let p = try RPCParams(params, allowed: ["round", "segmentSteps", "checkpoints"])
        let account = try requireAccount(conn)
        let round = UInt64(try p.int("round", in: 0...Int64.max))
        let segmentSteps = Int(try p.int("segmentSteps", in: 1...10_000))
        guard case .array(let list)? = p.members["checkpoints"], (1...10_001).contains(list.count) else {
            throw RPCErrorObject.invalidParams("checkpoints", "an array of 1…10001 checkpoints")
        }
        var checkpoints: [InnerCheckpoint.Hashes] = []
        for (k, item) in list.enumerated() {
            let c = try RPCParams(item, allowed: ["step", "adamStep", "params", "m", "v"])
            do {
                checkpoints.append(InnerCheckpoint.Hashes(
                    step: Int(try c.int("step", in: 0...10_000)), adamStep: Int(try c.int("adamStep", in: 0...(1 << 40))),
                    params: try c.hex("params", bytes: 32), m: try c.hex("m", bytes: 32), v: try c.hex("v", bytes: 32)))
            } catch {
                throw RPCErrorObject.invalidParams("checkpoints[\(k)]", error.message)
            }
        }
        return try await trainingCoordinator().commit(account, round: round, segmentSteps: segmentSteps, checkpoints: checkpoints)
    }

    func trainLeave(_ conn: ConnectionID, _ params: JSONValue?) async throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let account = try requireAccount(conn)
        return try await trainingCoordinator().leave(account)
    }

    func trainStatus(_ conn: ConnectionID, _ params: JSONValue?) async throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let account = try requireAccount(conn)
        return try await trainingCoordinator().status(account)
    }

    func trainAssignment(_ conn: ConnectionID, _ params: JSONValue?) async throws -> JSONValue {
        _ = try RPCParams(params, allowed: [])
        let account = try requireAccount(conn)
        return try await trainingCoordinator().assignment(account)
    }

    /// Sends the model (or the diffs since `have`) as binary frames stamped with this call's id,
    /// then answers; the frames arrive before the answer.
    func trainModel(_ conn: ConnectionID, _ request: RPCRequest) async throws -> JSONValue {
        let p = try RPCParams(request.params, allowed: ["have"])
        _ = try requireAccount(conn)
        let have = try p.optionalInt("have", in: 0...Int64.max).map { UInt64($0) }
        guard let id = request.id?.intValue, id >= 0 else {
            throw RPCErrorObject(.invalidRequest, "train.model needs a non-negative integer id: its frames carry it as their requestID",
                                 field: "id")
        }
        let (frames, result) = try await trainingCoordinator().model(have: have, requestID: UInt64(id))
        for frame in frames { outbound.send(conn, binary: frame) }
        return result
    }

    /// One binary message: a runner's update frame. Answered with a JSON-RPC response whose id
    /// is the frame's requestID (null when the header cannot be read).
    public func handle(_ conn: ConnectionID, binary bytes: [UInt8], rateLimited: Bool) async -> String? {
        requestsServed += 1
        let header = Self.frameRequestID(bytes)
        if header == nil {
            // Refused before anything runs, as a JSON id that cannot be echoed exactly is.
            return RPCCodec.error(id: .null, RPCErrorObject(.invalidRequest, "invalid request: the frame's requestID is 2^63 or more; it could not be echoed as a JSON integer", field: "requestID")).serialized()
        }
        let id = header ?? .null
        do {
            try admit(rateLimited: rateLimited)
            let account = try requireAccount(conn)
            let training = try trainingCoordinator()
            let frame: TensorFrame
            do { frame = try TensorFrame.decode(bytes, limits: WireLimits(maxFrameBytes: max(1, config.transport.maxBinaryMessageBytes))) } catch {
                throw RPCErrorObject(.trainingRefused, "the binary message is not a valid tensor frame: \(error.message)",
                                     extra: ["reason": .string(error.code.rawValue)])
            }
            return RPCCodec.result(id: id, try await training.submit(account, frame: frame, bytes: bytes)).serialized()
        } catch {
            return RPCCodec.error(id: id, errorObject(error, request: "binary frame")).serialized()
        }
    }

    /// The header's requestID (bytes 16..<24, little-endian) when the frame starts with the
    /// magic; `.null` when the header cannot be read; nil when the id is 2^63 or more, which no
    /// JSON integer the answer could carry would equal.
    static func frameRequestID(_ bytes: [UInt8]) -> JSONValue? {
        guard bytes.count >= 32, bytes[0..<4].elementsEqual("PQTF".utf8) else { return .null }
        let value = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[16 + $1]) << (8 * UInt64($1)) }
        return value <= UInt64(Int64.max) ? .int(Int64(value)) : nil
    }
}
