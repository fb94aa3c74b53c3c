import ArgumentParser
import Foundation
import PurrCrypto

/// `purr keygen`: a new Ed25519 key for a player or runner.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create an Ed25519 key file (mode 0600) and print its public key (the account id).")

    @Option(name: .shortAndLong, help: "Where to write the key file.")
    var out: String = "purr-key.json"

    @Flag(help: "Overwrite an existing key file.")
    var force = false

    func run() throws {
        let key = try Ed25519PrivateKey()
        do {
            try KeyFile.write(key, to: out, overwrite: force)
        } catch let e as KeyFile.Error {
            throw ValidationError(e.description)
        }
        print(key.publicKeyHex)
        FileHandle.standardError.write(Data("wrote \(out); your account id is the public key above\n".utf8))
    }
}
