import Foundation
import RPC
import Testing
@testable import Server

/// docs/protocol.md, the OpenRPC document and the dispatcher describe one API.
@Suite struct ProtocolDocTests {
    struct DocMethod {
        var name: String
        var blocks: [(label: String, json: String)]
        var text = ""
    }

    /// Splits docs/protocol.md into `### \`name\`` sections and their labelled ```json blocks.
    static func parseDoc() throws -> [DocMethod] {
        let text = try String(contentsOf: TestPaths.root.appendingPathComponent("docs/protocol.md"), encoding: .utf8)
        var methods: [DocMethod] = []
        var label = ""
        var inBlock = false
        var block = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if !methods.isEmpty { methods[methods.count - 1].text += line + "\n" }
            if inBlock {
                if line == "```" {
                    inBlock = false
                    if !methods.isEmpty { methods[methods.count - 1].blocks.append((label, block)) }
                } else {
                    block += line + "\n"
                }
                continue
            }
            if line.hasPrefix("### `"), line.hasSuffix("`") {
                methods.append(DocMethod(name: String(line.dropFirst(5).dropLast()), blocks: []))
            } else if line == "```json" {
                inBlock = true
                block = ""
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty {
                label = String(line)
            }
        }
        return methods
    }

    @Test("Every catalogued method and notification has a section in docs/protocol.md, and nothing else does")
    func docMatchesCatalog() throws {
        let documented = Set(try Self.parseDoc().map(\.name))
        #expect(documented == Set(MethodCatalog.methods.map(\.name)))
    }

    @Test("Each method's section documents every one of its params and errors")
    func paramsDocumented() throws {
        let doc = Dictionary(try Self.parseDoc().map { ($0.name, $0.text) }, uniquingKeysWith: { a, _ in a })
        for m in MethodCatalog.methods {
            let text = doc[m.name] ?? ""
            for p in m.params {
                #expect(text.contains("| `\(p.name)` |"), "\(m.name): param \(p.name) missing from docs/protocol.md")
            }
            for e in m.errors {
                #expect(text.contains("`\(e.name)` (\(e.rawValue))"), "\(m.name): error \(e.name) missing from docs/protocol.md")
            }
        }
    }

    @Test("The dispatcher answers exactly the catalogued methods")
    func dispatcherMatchesCatalog() {
        #expect(GameService.dispatchedMethods == Set(MethodCatalog.callable.map(\.name)))
    }

    @Test("Every example request in the docs decodes, names its own method, and passes the params check")
    func examplesDecode() throws {
        for method in try Self.parseDoc() {
            let requests = method.blocks.filter { $0.label.hasPrefix("Request") || $0.label.hasPrefix("Notification") }
            #expect(!requests.isEmpty, "\(method.name) has no example")
            for (_, json) in requests {
                guard case .single(.success(let request)) = RPCCodec.decode(json) else {
                    Issue.record("\(method.name): example does not decode: \(json)")
                    continue
                }
                #expect(request.method == method.name)
                guard let descriptor = MethodCatalog.methods.first(where: { $0.name == method.name }) else { continue }
                let params = try RPCParams(request.params, allowed: descriptor.paramNames)
                for p in descriptor.params where p.required {
                    #expect(params.has(p.name), "\(method.name) example lacks required \(p.name)")
                }
            }
            for (label, json) in method.blocks where label.hasPrefix("Response") || label.hasPrefix("A rejected") {
                #expect(throws: Never.self, "\(method.name): response example is not JSON") { try JSONValue.parse(json) }
            }
        }
    }

    @Test("rpc.discover returns an OpenRPC 1.2.6 document listing every method with its params and errors")
    func discover() async throws {
        var h = try await GameHarness()
        let c = await h.connect()
        let doc = try await h.call(c, "rpc.discover")
        #expect(doc["openrpc"] == "1.2.6")
        let methods = doc["methods"]?.arrayValue ?? []
        #expect(Set(methods.compactMap { $0["name"]?.stringValue }) == Set(MethodCatalog.methods.map(\.name)))
        let transfer = methods.first { $0["name"] == "wallet.transfer" }
        #expect(transfer?["params"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["to", "amount", "idempotencyKey"])
        #expect(transfer?["errors"]?.arrayValue?.contains { $0["code"] == .int(-32003) } == true)
    }
}
