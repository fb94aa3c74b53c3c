import Foundation
import Testing

/// `purr serve` as an operator meets it: every start-up failure is one `purr serve: …` line on
/// stderr and exit 2, whatever failed (a process manager tells a bad start-up from a crash by it).
@Suite(.enabled(if: BuiltPurr.url != nil, "no built purr beside the test bundle or in .build/debug (swift build --build-tests builds it)"))
struct ServeExitTests {

    struct Outcome {
        var status: Int32
        var stderr: String
    }

    /// Runs `purr serve ARGUMENTS` in a fresh directory (so a server started by mistake writes
    /// nothing in the package) and waits for it to exit.
    static func serve(_ arguments: [String], in directory: URL) async throws -> Outcome {
        let purr = try #require(BuiltPurr.url)
        let process = Process()
        process.executableURL = purr
        process.arguments = ["serve", "--root", TestPaths.root.path, "--port", "0"] + arguments
        process.currentDirectoryURL = directory
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // A start-up failure exits within a second or two; a server that started anyway would
        // run until stopped.
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            Issue.record("purr serve \(arguments) was still running after 60 s")
        }
        process.waitUntilExit()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Outcome(status: process.terminationStatus, stderr: text)
    }

    /// A fresh directory for one test, removed by the caller.
    static func scratch() throws -> URL {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("purr-serve-exit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("A config file that is not JSON stops start-up with exit 2 and a purr serve: config: line")
    func configNotJSON() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = dir.appendingPathComponent("purr.json")
        try Data("network: { port: 8787 ".utf8).write(to: config)
        let outcome = try await Self.serve(["--config", config.path, "--db", dir.appendingPathComponent("purr.sqlite").path], in: dir)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("purr serve: config:"), "\(outcome.stderr)")
    }

    @Test("A missing database beside an existing log key stops start-up with exit 2, naming the key")
    func missingDatabaseBesideKey() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = dir.appendingPathComponent("log-key.json")
        try Data("{}".utf8).write(to: key)
        let config = dir.appendingPathComponent("purr.json")
        try Data(#"{"log": {"keyFile": "\#(key.path)"}}"#.utf8).write(to: config)
        let database = dir.appendingPathComponent("purr.sqlite")
        let outcome = try await Self.serve(["--config", config.path, "--db", database.path], in: dir)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("purr serve: "), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("is missing") && outcome.stderr.contains(key.path), "\(outcome.stderr)")
        #expect(!FileManager.default.fileExists(atPath: database.path), "no new genesis was written")
    }

    @Test("An unknown --log-level stops start-up like any other failure: exit 2, a purr serve: line naming the levels")
    func unknownLogLevel() async throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try await Self.serve(["--log-level", "loud", "--db", dir.appendingPathComponent("purr.sqlite").path], in: dir)
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.hasPrefix("purr serve: --log-level \"loud\""), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("trace, debug, info"), "\(outcome.stderr)")
    }
}

/// The `purr` executable that `swift build --build-tests` built beside this test bundle, else
/// `.build/debug/purr` under the package; nil when neither is there.
enum BuiltPurr {
    static let url: URL? = {
        var candidates: [URL] = []
        if let bundle = Bundle.main.executableURL {
            candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("purr"))
        }
        candidates.append(TestPaths.root.appendingPathComponent(".build/debug/purr"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}
