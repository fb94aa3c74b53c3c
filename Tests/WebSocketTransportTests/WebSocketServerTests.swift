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
        let (server, delegate) = try startEchoServer(limits: limits)
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
        let (server, delegate) = try startEchoServer(limits: limits)
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
        let (server, delegate) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let connection = try await PurrConnection.connect(to: server.url)
        connection.sendBinary([UInt8](repeating: 7, count: 1_001))
        #expect(try await connection.waitForClose(timeout: 5).code == 1009)
    }

    @Test func messagesPastTheBurstAreFlaggedRateLimited() async throws {
        var limits = TransportLimits()
        limits.burst = 2
        limits.requestsPerSecond = 0.001
        let (server, delegate) = try startEchoServer(limits: limits)
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
        let (server, delegate) = try startEchoServer(limits: limits)
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
        let (server, delegate) = try startEchoServer(limits: limits)
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
        let (server, delegate) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let socket = try RawSocket(port: server.boundPort)
        #expect(socket.upgrade())
        let started = Date()
        // The raw socket reads (and ignores) the ping, then sees the hang-up.
        #expect(socket.isClosedByPeer())
        let elapsed = Date().timeIntervalSince(started)
        #expect(elapsed > 1.5 && elapsed < 4.5)
    }

    @Test("Unmasked client frames close the connection with 1002 and never reach the delegate",
          arguments: [(UInt8(1), Array("unmasked text".utf8)), (UInt8(2), [UInt8](repeating: 7, count: 300)), (UInt8(9), Array("ping".utf8))])
    func unmaskedFramesAreRefused(opcode: UInt8, payload: [UInt8]) throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let socket = try RawSocket(port: server.boundPort)
        #expect(socket.upgrade())
        socket.sendFrame(opcode: 1, fin: true, payload: Array("masked".utf8))
        #expect(socket.readFrame().map { String(decoding: $0.payload, as: UTF8.self) } == "masked")
        socket.sendFrame(opcode: opcode, fin: true, payload: payload, masked: false)
        #expect(socket.readCloseCode() == 1002)
        #expect(socket.isClosedByPeer())
    }

    @Test("An unmasked frame behind masked ones in the same write is caught at its header")
    func unmaskedAfterMaskedInOneWrite() throws {
        var limits = TransportLimits()
        limits.maxBinaryMessageBytes = 100_000
        let (server, delegate) = try startEchoServer(limits: limits)
        defer { server.shutdown(drainTimeout: 1) }
        let socket = try RawSocket(port: server.boundPort)
        #expect(socket.upgrade())
        // A 70,000-byte masked frame (64-bit length) walks the guard past a payload bigger than a read.
        let big = [UInt8](repeating: 0x41, count: 70_000)
        var bytes: [UInt8] = [0x82, 0x80 | 127] + (0..<8).map { UInt8(truncatingIfNeeded: big.count >> (8 * (7 - $0))) } + [1, 2, 3, 4]
        bytes += big.enumerated().map { $0.element ^ [1, 2, 3, 4][$0.offset % 4] }
        bytes += RawSocket.frame(opcode: 1, fin: true, payload: Array("evil".utf8), masked: false)
        socket.write(bytes)
        let received = socket.read { Self.containsClose($0) }
        #expect(Self.closeCode(received) == 1002)
        // The big frame reached the delegate whole (its 64-bit length walked right); "evil" never did.
        #expect(delegate.binarySizes.withLock { $0 } == [70_000])
        #expect(!String(decoding: received, as: UTF8.self).contains("evil"))
    }

    @Test("An unmasked frame sent in the same packet as the upgrade request is refused")
    func unmaskedPipelinedWithUpgrade() throws {
        let (server, delegate) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let socket = try RawSocket(port: server.boundPort)
        let request = "GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        socket.write(Array(request.utf8) + RawSocket.frame(opcode: 1, fin: true, payload: Array("evil".utf8), masked: false))
        let received = socket.read { Self.containsClose($0) }
        #expect(String(decoding: received, as: UTF8.self).hasPrefix("HTTP/1.1 101"))
        #expect(!String(decoding: received, as: UTF8.self).contains("evil"))
        #expect(Self.closeCode(received) == 1002)
        _ = delegate
    }

    /// The status code of the first close frame (opcode 8) in `bytes` after the HTTP head, if any.
    static func closeCode(_ bytes: [UInt8]) -> UInt16? {
        var i = (RawSocket.headerEnd(bytes).map { $0 + 4 } ?? 0)
        if !String(decoding: bytes.prefix(4), as: UTF8.self).hasPrefix("HTTP") { i = 0 }
        while i + 2 <= bytes.count {
            let opcode = bytes[i] & 0x0f
            var length = Int(bytes[i + 1] & 0x7f)
            var start = i + 2
            if length == 126 {
                guard i + 4 <= bytes.count else { return nil }
                length = Int(bytes[i + 2]) << 8 | Int(bytes[i + 3])
                start = i + 4
            } else if length == 127 {
                guard i + 10 <= bytes.count else { return nil }
                length = (0..<8).reduce(0) { $0 << 8 | Int(bytes[i + 2 + $1]) }
                start = i + 10
            }
            if opcode == 8 {
                guard start + 2 <= bytes.count else { return nil }
                return UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
            }
            i = start + length
        }
        return nil
    }

    static func containsClose(_ bytes: [UInt8]) -> Bool { closeCode(bytes) != nil }

    @Test func startingOnAPortInUseThrowsPortInUse() throws {
        let (server, _) = try startEchoServer()
        defer { server.shutdown(drainTimeout: 1) }
        let second = WebSocketServer(host: "127.0.0.1", port: server.boundPort, limits: TransportLimits(), logger: Logger(label: "test"))
        #expect(throws: WebSocketServerError.portInUse(host: "127.0.0.1", port: server.boundPort)) {
            try second.start(delegate: EchoDelegate())
        }
    }
}
