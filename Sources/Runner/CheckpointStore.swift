import Foundation
import ModelTraining

/// A round's checkpoints on disk until its audit (training protocol 2): three f32 vectors per
/// checkpoint (24 MB for the shipped model), so a round of H = 500 in segments of 10 keeps
/// 1.2 GB in a temporary folder instead of memory. Only the latest round is kept.
final class CheckpointStore: @unchecked Sendable {
    let directory: URL
    private(set) var hashes: [InnerCheckpoint.Hashes] = []

    init(round: UInt64) throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("purr-runner-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))-r\(round)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func save(_ c: InnerCheckpoint) throws {
        var data = Data(capacity: 12 * c.params.count)
        for v in [c.params, c.m, c.v] { v.withUnsafeBytes { data.append(contentsOf: $0) } }
        try data.write(to: file(c.index))
        hashes.append(c.hashes)
    }

    func load(_ k: Int) throws -> InnerCheckpoint {
        guard k >= 0, k < hashes.count else { throw RunnerError("the audit asks checkpoint \(k); this round has \(hashes.count)") }
        let data = try Data(contentsOf: file(k))
        let n = data.count / 12
        var floats = [Float](repeating: 0, count: 3 * n)
        _ = floats.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        let h = hashes[k]
        return InnerCheckpoint(index: k, step: h.step, adamStep: h.adamStep, params: Array(floats[0..<n]), m: Array(floats[n..<(2 * n)]),
                               v: Array(floats[(2 * n)...]))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }

    private func file(_ k: Int) -> URL { directory.appendingPathComponent("\(k).f32") }
}
