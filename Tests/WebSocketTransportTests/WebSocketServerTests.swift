import Foundation
import Logging
import PurrClient
import Testing
@testable import WebSocketTransport

/// End-to-end behaviour of the lws server, driven by PurrClient and raw sockets.
@Suite struct WebSocketServerTests {
    @Test func aTextMessageIsEchoedBack() async throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendRaw("hello, cat")
        #expect(try await connection.nextUnmatched(timeout: 5) == "hello, cat")
        #expect(server.connectionCount == 1)
    }

    @Test func aMessageLargerThanTheRxBufferIsReassembled() async throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        let big = String(repeating: "purr", count: 15_000)
        connection.sendRaw(big)
        #expect(try await connection.nextUnmatched(timeout: 5) == big)
    }

    @Test func handMadeFragmentsAreReassembled() throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let socket = try RawSocket(port: server.boundPort)
        #expect(socket.upgrade())
        socket.sendFrame(opcode: 1, fin: false, payload: Array("frag".utf8))
        socket.sendFrame(opcode: 0, fin: false, payload: Array("ment".utf8))
        socket.sendFrame(opcode: 0, fin: true, payload: Array("ed".utf8))
        let frame = socket.readFrame()
        #expect(frame?.opcode == 1)
        #expect(frame.map { String(decoding: $0.payload, as: UTF8.self) } == "fragmented")
    }

    @Test func healthzAnswersJSONOverPlainHTTP() throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let response = try RawSocket.httpGet(port: server.boundPort, path: "/healthz")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.body == #"{"status":"ok"}"#)
    }

    @Test func otherHTTPPathsAre404() throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        #expect(try RawSocket.httpGet(port: server.boundPort, path: "/admin").status == 404)
    }

    @Test func anUpgradeOnAnotherPathIsRefused() async throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        await #expect(throws: PurrClientError.self) {
            _ = try await PurrConnection.connect(to: "ws://127.0.0.1:\(server.boundPort)/v2", timeout: 5)
        }
        #expect(server.connectionCount == 0)
    }

    @Test func anOversizeMessageCloses1009() async throws {
        var limits = TransportLimits()
        limits.maxMessageBytes = 1_000
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendRaw(String(repeating: "x", count: 1_001))
        #expect(try await connection.waitForClose(timeout: 5).code == 1009)
    }

    @Test func aBinaryFrameCloses1003() async throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendBinary([1, 2, 3])
        let close = try await connection.waitForClose(timeout: 5)
        #expect(close.code == 1003)
        #expect(close.reason == "binary frames not supported")
    }

    @Test func binaryFramesWhenAllowedReachTheDelegateAndGoBackBinary() async throws {
        var limits = TransportLimits()
        limits.maxBinaryMessageBytes = 4 << 20
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        // 3 MiB: many lws chunks and fragments, far over the text limit.
        let big = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        connection.sendBinary(big)
        var iterator = connection.binaryMessages.makeAsyncIterator()
        let echoed = await iterator.next()
        #expect(echoed == big.reversed())
        // Text still works beside it.
        connection.sendRaw("hello")
        #expect(try await connection.nextUnmatched(timeout: 5) == "hello")
    }

    @Test func anOversizeBinaryMessageCloses1009() async throws {
        var limits = TransportLimits()
        limits.maxBinaryMessageBytes = 1_000
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendBinary([UInt8](repeating: 7, count: 1_001))
        #expect(try await connection.waitForClose(timeout: 5).code == 1009)
    }

    @Test func messagesPastTheBurstAreFlaggedRateLimited() async throws {
        var limits = TransportLimits()
        limits.burst = 2
        limits.requestsPerSecond = 0.001
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        for text in ["a", "b", "c"] { connection.sendRaw(text) }
        var replies: [String] = []
        for _ in 0..<3 { replies.append(try await connection.nextUnmatched(timeout: 5)) }
        #expect(replies == ["a", "b", "limited:c"])
    }

    @Test func sustainedFloodingClosesWithRateLimitAbuse() async throws {
        var limits = TransportLimits()
        limits.burst = 1
        limits.requestsPerSecond = 0.001
        limits.abuseThreshold = 5
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        for n in 0..<10 { connection.sendRaw("m\(n)") }
        let close = try await connection.waitForClose(timeout: 5)
        #expect(close.code == 1008)
        #expect(close.reason == "rate limit abuse")
    }

    @Test func overflowingTheOutboundQueueCloses1008() async throws {
        var limits = TransportLimits()
        limits.maxOutboundQueue = 8
        let (server, _) = try startEchoServer(limits: limits, floodCount: 100)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendRaw("flood")
        let close = try await connection.waitForClose(timeout: 5)
        #expect(close.code == 1008)
        #expect(close.reason == "outbound queue overflow")
    }

    @Test func connectionsPastTheMaximumAreRefused() async throws {
        var limits = TransportLimits()
        limits.maxConnections = 2
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let first = try await PurrConnection.connect(to: server.url)
        let second = try await PurrConnection.connect(to: server.url)
        await #expect(throws: PurrClientError.self) {
            _ = try await PurrConnection.connect(to: server.url, timeout: 5)
        }
        #expect(server.connectionCount == 2)
        #expect(first.isOpen && second.isOpen)
    }

    @Test func twoHundredConcurrentConnectionsAllEcho() async throws {
        let (server, delegate) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 2) }
        let runtime = ClientRuntime()
        defer { runtime.shutdown() }
        let url = server.url
        let echoed = try await withThrowingTaskGroup(of: (PurrConnection, Bool).self) { group in
            for n in 0..<200 {
                group.addTask {
                    let connection = try await PurrConnection.connect(to: url, runtime: runtime)
                    connection.sendRaw("hi \(n)")
                    return (connection, try await connection.nextUnmatched(timeout: 10) == "hi \(n)")
                }
            }
            var results: [(PurrConnection, Bool)] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(echoed.count == 200)
        #expect(echoed.allSatisfy { $0.1 })
        #expect(server.connectionCount == 200)
        #expect(delegate.opened.withLock { Set($0).count } == 200)
    }

    @Test func shutdownClosesClientsWith1001AndReturns() async throws {
        let (server, delegate) = try startEchoServer()
        let connections = [
            try await PurrConnection.connect(to: server.url),
            try await PurrConnection.connect(to: server.url),
        ]
        let started = Date()
        server.shutdown(drainTimeout: 3)
        #expect(Date().timeIntervalSince(started) < 3)
        for connection in connections {
            let close = try await connection.waitForClose(timeout: 5)
            #expect(close.code == 1001)
        }
        #expect(server.connectionCount == 0)
        #expect(delegate.closed.withLock { $0.count } == 2)
    }

    @Test func sendAfterCloseIsDroppedQuietly() async throws {
        let (server, delegate) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.close()
        #expect(try await connection.waitForClose(timeout: 5).code == 1000)
        #expect(await eventually { delegate.closed.withLock { $0.count } == 1 })
        let id = try #require(delegate.opened.withLock { $0.first })
        server.send(id, text: "late")
        server.close(id, code: 1000, reason: "late")
        #expect(server.connectionCount == 0)
    }

    @Test func aServerSideCloseCarriesCodeAndReason() async throws {
        let (server, delegate) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        #expect(await eventually { !delegate.opened.withLock { $0.isEmpty } })
        let id = try #require(delegate.opened.withLock { $0.first })
        server.send(id, text: "last words")
        server.close(id, code: 4001, reason: "kicked")
        #expect(try await connection.nextUnmatched(timeout: 5) == "last words")
        let close = try await connection.waitForClose(timeout: 5)
        #expect(close.code == 4001)
        #expect(close.reason == "kicked")
    }

    @Test func aClientThatNeverAnswersPingsIsDroppedAfterTheIdleTimeout() throws {
        var limits = TransportLimits()
        limits.pingIntervalSeconds = 1
        limits.idleTimeoutSeconds = 2
        let (server, _) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let socket = try RawSocket(port: server.boundPort)
        #expect(socket.upgrade())
        let started = Date()
        // The raw socket reads (and ignores) the ping, then sees the hang-up.
        #expect(socket.isClosedByPeer())
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed > 1.5 && elapsed < 4.5)
    }

    @Test func startingOnAPortInUseThrowsPortInUse() throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let second = WebSocketServer(host: "127.0.0.1", port: server.boundPort, limits: TransportLimits(), logger: Logger(label: "test"))
        #expect(throws: WebSocketServerError.portInUse(host: "127.0.0.1", port: server.boundPort)) {
            try second.start(delegate: EchoDelegate())
        }
    }
}
