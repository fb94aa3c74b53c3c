import Foundation

/// The on-disk form of a player's or runner's key, written by `purr keygen`:
/// `{"publicKey": "<64 hex>", "privateKey": "<64 hex seed>"}`, mode 0600.
public enum KeyFile {
    public enum Error: Swift.Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case malformed(path: String, field: String)
        case exists(path: String)

        public var description: String {
            switch self {
            case .unreadable(let p, let r): return "cannot read key file \(p): \(r)"
            case .malformed(let p, let f): return "key file \(p): field \"\(f)\" is missing or invalid"
            case .exists(let p): return "key file \(p) already exists (use --force to overwrite)"
            }
        }
    }

    public static func write(_ key: Ed25519PrivateKey, to path: String, overwrite: Bool) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) && !overwrite { throw Error.exists(path: path) }
        let text = "{\"privateKey\":\"\(Hex.encode(key.seed))\",\"publicKey\":\"\(key.publicKeyHex)\"}\n"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw Error.unreadable(path: path, reason: "cannot create file")
        }
    }

    public static func read(from path: String) throws -> Ed25519PrivateKey {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw Error.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Error.malformed(path: path, field: "privateKey")
        }
        guard let seedHex = obj["privateKey"] as? String, let key = try? Ed25519PrivateKey(seedHex: seedHex) else {
            throw Error.malformed(path: path, field: "privateKey")
        }
        if let pub = obj["publicKey"] as? String, pub.lowercased() != key.publicKeyHex {
            throw Error.malformed(path: path, field: "publicKey")
        }
        return key
    }
}
