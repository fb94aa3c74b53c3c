import Foundation
import PurrCrypto
import RPC
import Testing
@testable import PurrClient

@Suite struct PurrConnectionTests {
    @Test func concurrentCallsEachGetTheirOwnResponse() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        let results = try await withThrowingTaskGroup(of: (Int, JSONValue).self) { group in
            for n in 0..<50 {
                group.addTask {
                    // Later calls answer sooner, so responses arrive out of order.
                    let params: JSONValue = ["n": .int(Int64(n)), "ms": .int(Int64(50 - n))]
                    return (n, try await connection.call(n % 2 == 0 ? "slow" : "echo", params))
                }
            }
            var results: [Int: JSONValue] = [:]
            for try await (n, value) in group { results[n] = value }
            return results
        }
        #expect(results.count == 50)
        for (n, value) in results { #expect(value["n"]?.intValue == Int64(n)) }
    }

    @Test func anErrorResponseThrowsTheRPCError() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        do {
            _ = try await connection.call("fail")
            Issue.record("expected an error")
        } catch PurrClientError.rpc(let error) {
            #expect(error.code == -32004)
            #expect(error.name == "not_found")
        }
    }

    @Test func notificationsArriveOnTheStreamInOrder() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        #expect(try await connection.call("notifyMe") == "done")
        var iterator = connection.notifications.makeAsyncIterator()
        let first = await iterator.next()
        let second = await iterator.next()
        #expect(first?.method == "cat.moved")
        #expect(first?.params["n"]?.intValue == 0)
        #expect(second?.params["n"]?.intValue == 1)
    }

    @Test func aCallWithoutAnswerTimesOut() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        await #expect(throws: PurrClientError.timeout) {
            _ = try await connection.call("silent", timeout: 0.2)
        }
        // The connection is still usable afterwards.
        #expect(try await connection.call("echo", ["x": 1])["x"]?.intValue == 1)
    }

    @Test func aServerCloseFailsPendingCallsWithTheCloseCode() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        let pending = Task { try await connection.call("silent", timeout: 10) }
        try await Task.sleep(for: .milliseconds(50))
        connection.notify("kick", .object([:]))
        await #expect(throws: PurrClientError.closed(code: 4000, reason: "bye")) { _ = try await pending.value }
        let close = try await connection.waitForClose(timeout: 5)
        #expect(close.code == 4000 && close.reason == "bye")
        #expect(!connection.isOpen)
        await #expect(throws: PurrClientError.closed(code: 4000, reason: "bye")) {
            _ = try await connection.call("echo")
        }
    }

    @Test func aBatchReturnsResultsInRequestOrder() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        let results = try await connection.callBatch([("echo", ["a": 1]), ("fail", .object([:])), ("echo", ["b": 2])])
        #expect(results.count == 3)
        #expect((try? results[0].get())?["a"]?.intValue == 1)
        if case .failure(let error) = results[1] { #expect(error.code == -32004) } else { Issue.record("expected failure") }
        #expect((try? results[2].get())?["b"]?.intValue == 2)
    }

    @Test func rawTextGetsAnUnmatchedErrorWithNullID() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendRaw("{not json")
        let reply = try JSONValue.parse(try await connection.nextUnmatched(timeout: 5))
        #expect(reply["id"] == .null)
        #expect(reply["error"]?["code"]?.intValue == -32700)
    }

    @Test func closingFromTheClientEndsTheConnectionWith1000() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        #expect(connection.isOpen)
        connection.close()
        #expect(try await connection.waitForClose(timeout: 5).code == 1000)
        #expect(!connection.isOpen)
        let deadline = Date().addingTimeInterval(5)
        while server.closedCount.load(ordering: .relaxed) == 0 && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(server.closedCount.load(ordering: .relaxed) == 1)
    }

    @Test func connectingToAClosedPortFails() async throws {
        let server = try FakeRPCServer()
        let url = server.url
        server.stop()
        await #expect(throws: PurrClientError.self) {
            _ = try await PurrConnection.connect(to: url, timeout: 5)
        }
    }

    @Test func malformedURLsAreRejected() async {
        for url in ["http://127.0.0.1:1/v1", "ws://", "ws://host:notaport/v1", "wss://127.0.0.1:1/v1"] {
            await #expect(throws: PurrClientError.invalidURL(url)) { _ = try await PurrConnection.connect(to: url) }
        }
        #expect(throws: Never.self) { try WebSocketURL("ws://[::1]:7350/v1") }
    }

    @Test func signInSignsTheChallengeNonce() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let connection = try await PurrConnection.connect(to: server.url)
        let key = try Ed25519PrivateKey()
        let session = try await connection.signIn(with: key)
        #expect(session.account == "player:" + key.publicKeyHex)
        #expect(session.sessionToken == "t0k3n")
    }

    @Test func aShutDownRuntimeRefusesNewConnections() async throws {
        let server = try FakeRPCServer()
        defer { server.stop() }
        let runtime = ClientRuntime()
        let connection = try await PurrConnection.connect(to: server.url, runtime: runtime)
        runtime.shutdown()
        #expect(try await connection.waitForClose(timeout: 5).code == 1001)
        await #expect(throws: PurrClientError.runtimeStopped) {
            _ = try await PurrConnection.connect(to: server.url, runtime: runtime)
        }
    }
}
