import Foundation

/// A blocking TCP client for what PurrClient cannot do on purpose: plain HTTP requests,
/// hand-made WebSocket fragments, and ignoring pings.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            Glibc.close(fd)
            throw RawSocketError.failed("connect")
        }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { Glibc.close(fd) }

    func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    /// Reads until `done` says the bytes are complete, the peer closes, or 5 s pass.
    func read(until done: ([UInt8]) -> Bool = { _ in false }) -> [UInt8] {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !done(received) {
            let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            received.append(contentsOf: chunk[0..<n])
        }
        return received
    }

    /// An HTTP/1.1 GET; returns status line, headers (lowercased names) and body.
    static func httpGet(port: Int, path: String) throws -> (status: Int, headers: [String: String], body: String) {
        let socket = try RawSocket(port: port)
        socket.write("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        let bytes = socket.read { bytes in
            guard let split = Self.headerEnd(bytes) else { return false }
            let head = String(decoding: bytes[..<split], as: UTF8.self).lowercased()
            guard let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
                  let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) else { return false }
            return bytes.count >= split + 4 + length
        }
        guard let split = headerEnd(bytes) else { throw RawSocketError.failed("no HTTP header in \(bytes.count) bytes") }
        let lines = String(decoding: bytes[..<split], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return (status, headers, String(decoding: bytes[(split + 4)...], as: UTF8.self))
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for i in 0...(bytes.count - 4) where bytes[i] == 13 && bytes[i + 1] == 10 && bytes[i + 2] == 13 && bytes[i + 3] == 10 {
            return i
        }
        return nil
    }

    // MARK: WebSocket by hand

    /// Performs the upgrade handshake on `path`; returns true on 101.
    func upgrade(path: String = "/v1") -> Bool {
        write("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
        let response = read { Self.headerEnd($0) != nil }
        return String(decoding: response, as: UTF8.self).hasPrefix("HTTP/1.1 101")
    }

    /// One client frame, masked as RFC 6455 requires unless `masked` is false.
    static func frame(opcode: UInt8, fin: Bool, payload: [UInt8], masked: Bool = true) -> [UInt8] {
        let bit: UInt8 = masked ? 0x80 : 0
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            frame.append(bit | UInt8(payload.count))
        } else {
            frame.append(bit | 126)
            frame.append(UInt8(payload.count >> 8))
            frame.append(UInt8(payload.count & 0xff))
        }
        guard masked else { return frame + payload }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return frame
    }

    /// Sends one client frame (masked unless told otherwise).
    func sendFrame(opcode: UInt8, fin: Bool, payload: [UInt8], masked: Bool = true) {
        write(Self.frame(opcode: opcode, fin: fin, payload: payload, masked: masked))
    }

    /// Reads server frames until a close frame; returns its status code (nil if none came).
    func readCloseCode() -> UInt16? {
        for _ in 0..<16 {
            guard let frame = readFrame() else { return nil }
            if frame.opcode == 8 {
                guard frame.payload.count >= 2 else { return 1005 }
                return UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1])
            }
        }
        return nil
    }

    /// Reads one unmasked server frame (payloads under 64 KiB): opcode and payload.
    func readFrame() -> (opcode: UInt8, payload: [UInt8])? {
        let bytes = read { bytes in
            guard bytes.count >= 2 else { return false }
            let short = Int(bytes[1] & 0x7f)
            if short == 126 {
                guard bytes.count >= 4 else { return false }
                return bytes.count >= 4 + (Int(bytes[2]) << 8 | Int(bytes[3]))
            }
            return bytes.count >= 2 + short
        }
        guard bytes.count >= 2 else { return nil }
        let short = Int(bytes[1] & 0x7f)
        let start = short == 126 ? 4 : 2
        return (bytes[0] & 0x0f, Array(bytes[start...]))
    }

    /// True when the peer has closed the TCP connection (recv returns 0).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        while true {
            let n = Glibc.recv(fd, &byte, 1, 0)
            if n == 0 { return true }
            if n < 0 { return false }
        }
    }
}

enum RawSocketError: Error { case failed(String) }
