import Foundation
@testable import NeuralCore
import Testing

@Suite struct ModelFilesTests {
    @Test func saveThenLoadGivesIdenticalLogits() throws {
        let model = LlamaModel(config: .gradientCheck, seed: 21)
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try ModelFiles.save(params: model.params, config: model.config, to: dir, bosTokenId: 1, eosTokenId: 2)
        let (config, params) = try ModelFiles.load(from: dir)
        #expect(config == model.config)
        #expect(params.checksum() == model.params.checksum())
        let tokens: [Int32] = [0, 5, 12, 7, 7, 3]
        #expect(LlamaModel(params: params).logits(tokens: tokens) == model.logits(tokens: tokens))
    }

    @Test func configJSONHasTheHuggingFaceLlamaFields() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = LlamaModel(config: .gradientCheck, seed: 1)
        try ModelFiles.save(params: model.params, config: model.config, to: dir)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["architectures"] as? [String] == ["LlamaForCausalLM"])
        #expect(json["model_type"] as? String == "llama")
        #expect(json["hidden_size"] as? Int == 8)
        #expect(json["intermediate_size"] as? Int == 12)
        #expect(json["num_hidden_layers"] as? Int == 2)
        #expect(json["num_attention_heads"] as? Int == 2)
        #expect(json["num_key_value_heads"] as? Int == 1)
        #expect(json["vocab_size"] as? Int == 13)
        #expect(json["max_position_embeddings"] as? Int == 6)
        #expect(json["rms_norm_eps"] as? Double == 1e-5)
        #expect(json["rope_theta"] as? Double == 10_000)
        #expect(json["tie_word_embeddings"] as? Bool == true)
        #expect(json["hidden_act"] as? String == "silu")
        #expect(json["torch_dtype"] as? String == "float32")
    }

    @Test func safetensorsHeaderIsAlignedAndListsEveryTensor() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let model = LlamaModel(config: .gradientCheck, seed: 1)
        try ModelFiles.save(params: model.params, config: model.config, to: dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors"))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0)
        #expect(bytes.count == 8 + headerLength + model.params.count * 4)
        let file = try SafeTensors.read(path: dir + "/model.safetensors")
        #expect(Set(file.tensors.map(\.name)) == Set(model.layout.entries.map(\.name)))
        #expect(file.info("model.layers.1.self_attn.k_proj.weight")?.shape == [4, 8])
        #expect(file.float32("model.norm.weight") == Array(model.params.view("model.norm.weight")!))
    }

    // MARK: - Corrupt weights

    /// A model directory whose model.safetensors is replaced by `header` + `data`.
    func directory(withHeader header: String, data: [UInt8], config: LlamaConfig = .gradientCheck) throws -> String {
        let dir = temporaryDirectory()
        try HFLlamaConfig(config).write(path: dir + "/config.json")
        var bytes = Data()
        let h = Array(header.utf8)
        withUnsafeBytes(of: UInt64(h.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: h)
        bytes.append(contentsOf: data)
        try bytes.write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        return dir
    }

    /// A valid header for `.gradientCheck`, as name → (dtype, shape, offsets), to be edited by a test.
    func validEntries() -> [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] {
        ParameterLayout(config: .gradientCheck).entries.map { ($0.name, "F32", $0.shape, $0.offset * 4, ($0.offset + $0.count) * 4) }
    }

    func header(_ entries: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)]) -> String {
        "{" + entries.map { "\"\($0.name)\":{\"dtype\":\"\($0.dtype)\",\"shape\":\($0.shape),\"data_offsets\":[\($0.begin),\($0.end)]}" }
            .joined(separator: ",") + "}"
    }

    var dataBytes: [UInt8] { [UInt8](repeating: 0, count: ParameterLayout(config: .gradientCheck).totalCount * 4) }

    /// Loads `dir` and removes it; the error, or nil if it loaded.
    func loadError(_ dir: String) -> ModelFileError? {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        do {
            _ = try ModelFiles.load(from: dir)
            return nil
        } catch { return error }
    }

    @Test func handWrittenValidFileLoads() throws {
        let dir = try directory(withHeader: header(validEntries()), data: dataBytes)
        #expect(loadError(dir) == nil)
    }

    @Test func fileShorterThanTheLengthFieldIsTruncated() throws {
        let dir = try directory(withHeader: "", data: [])
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let error = loadError(dir)
        #expect(error?.code == "truncated")
        #expect(error?.description.contains("model.safetensors") == true)
    }

    @Test func headerLengthBeyondTheFileIsTruncated() throws {
        let dir = try directory(withHeader: header(validEntries()), data: dataBytes)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors"))
        bytes.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Array($0) })
        try bytes.write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let error = loadError(dir)
        #expect(error?.code == "truncated")
        #expect(error?.description.contains("header length 1099511627776 beyond file") == true)
    }

    @Test func fileCutInsideTheDataIsTruncatedAndNamesTheTensor() throws {
        let model = LlamaModel(config: .gradientCheck, seed: 1)
        let dir = temporaryDirectory()
        try ModelFiles.save(params: model.params, config: model.config, to: dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors"))
        try bytes.dropLast(10).write(to: URL(fileURLWithPath: dir + "/model.safetensors"))
        let error = loadError(dir)
        #expect(error?.code == "truncated")
        #expect(error?.description.contains("model.norm.weight") == true, "\(String(describing: error))")
    }

    @Test func headerThatIsNotJSONIsRejected() throws {
        let dir = try directory(withHeader: "{\"model.norm.weight\": {", data: dataBytes)
        #expect(loadError(dir)?.code == "bad_header")
        let dir2 = try directory(withHeader: "[1, 2]", data: dataBytes)
        #expect(loadError(dir2)?.description.contains("not a JSON object") == true)
    }

    @Test func missingTensorIsNamed() throws {
        let entries = validEntries().filter { $0.name != "model.layers.1.mlp.up_proj.weight" }
        let error = loadError(try directory(withHeader: header(entries), data: dataBytes))
        #expect(error == .missingTensor(file: error.map(path) ?? "", name: "model.layers.1.mlp.up_proj.weight"))
        #expect(error?.description.contains("missing tensor model.layers.1.mlp.up_proj.weight") == true)
    }

    @Test func extraTensorIsNamed() throws {
        var entries = validEntries()
        entries.append(("lm_head.weight", "F32", [0], 0, 0))
        let error = loadError(try directory(withHeader: header(entries), data: dataBytes))
        #expect(error?.code == "extra_tensor")
        #expect(error?.description.contains("extra tensor lm_head.weight") == true)
    }

    @Test func wrongShapeIsReportedWithBothShapes() throws {
        var entries = validEntries()
        let i = entries.firstIndex { $0.name == "model.layers.0.self_attn.q_proj.weight" }!
        entries[i].shape = [4, 16]  // same byte count, wrong shape
        let error = loadError(try directory(withHeader: header(entries), data: dataBytes))
        #expect(error?.description.hasSuffix("shape of model.layers.0.self_attn.q_proj.weight is [4, 16] expected [8, 8]") == true,
                "\(String(describing: error))")
    }

    @Test func wrongDtypeIsReported() throws {
        var entries = validEntries()
        let i = entries.firstIndex { $0.name == "model.norm.weight" }!
        entries[i].dtype = "F16"
        entries[i].end = entries[i].begin + 16
        let error = loadError(try directory(withHeader: header(entries), data: dataBytes))
        #expect(error?.code == "dtype_mismatch")
        #expect(error?.description.contains("dtype of model.norm.weight is F16 expected F32") == true)
    }

    @Test func dataOffsetsThatDisagreeWithTheShapeAreRejected() throws {
        var entries = validEntries()
        entries[1].end -= 4
        let error = loadError(try directory(withHeader: header(entries), data: dataBytes))
        #expect(error?.code == "data_offsets_out_of_range")
        #expect(error?.description.contains(entries[1].name) == true)
        var reversed = validEntries()
        (reversed[2].begin, reversed[2].end) = (reversed[2].end, reversed[2].begin)
        #expect(loadError(try directory(withHeader: header(reversed), data: dataBytes))?.code == "data_offsets_out_of_range")
    }

    @Test func overlappingDataOffsetsAreRejected() throws {
        var entries = validEntries()
        let norm = entries.firstIndex { $0.name == "model.norm.weight" }!
        // Point the final norm at the first 32 bytes, which the embeddings already use.
        entries[norm].begin = 0
        entries[norm].end = 32
        let error = loadError(try directory(withHeader: header(entries), data: dataBytes))
        #expect(error?.code == "data_offsets_overlap")
        #expect(error?.description.contains("model.norm.weight") == true)
    }

    @Test func metadataMustHoldStrings() throws {
        let entries = validEntries()
        let h = "{\"__metadata__\":{\"format\":3}," + header(entries).dropFirst()
        #expect(loadError(try directory(withHeader: h, data: dataBytes))?.code == "bad_header")
        let ok = "{\"__metadata__\":{\"format\":\"pt\"}," + header(entries).dropFirst()
        #expect(loadError(try directory(withHeader: ok, data: dataBytes)) == nil)
    }

    @Test func nonIntegerShapeIsRejected() throws {
        let h = header(validEntries()).replacingOccurrences(of: "\"shape\":[8]", with: "\"shape\":[8.5]")
        #expect(loadError(try directory(withHeader: h, data: dataBytes))?.code == "bad_header")
    }

    // MARK: - Corrupt config.json

    func configError(_ edit: (inout [String: Any]) -> Void) throws -> ModelFileError? {
        let model = LlamaModel(config: .gradientCheck, seed: 1)
        let dir = temporaryDirectory()
        try ModelFiles.save(params: model.params, config: model.config, to: dir)
        let url = URL(fileURLWithPath: dir + "/config.json")
        var json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return loadError(dir)
    }

    @Test func configMissingAFieldNamesIt() throws {
        let error = try configError { $0["rope_theta"] = nil }
        #expect(error == .badConfig(file: error.map(path) ?? "", field: "rope_theta", detail: "missing"))
    }

    @Test func configOfAnotherArchitectureIsRefused() throws {
        #expect(try configError { $0["model_type"] = "gpt2" }?.description.contains("model_type") == true)
        #expect(try configError { $0["tie_word_embeddings"] = false }?.description.contains("tie_word_embeddings") == true)
        #expect(try configError { $0["hidden_act"] = "gelu" }?.description.contains("hidden_act") == true)
        #expect(try configError { $0["rope_scaling"] = ["type": "linear", "factor": 2.0] }?.description.contains("rope_scaling") == true)
        #expect(try configError { $0["attention_bias"] = true }?.description.contains("attention_bias") == true)
    }

    @Test func configWithImpossibleShapeIsRefused() throws {
        #expect(try configError { $0["num_key_value_heads"] = 3 }?.code == "bad_config")
        #expect(try configError { $0["hidden_size"] = -8 }?.description.contains("hidden_size") == true)
        #expect(try configError { $0["vocab_size"] = 1 << 40 }?.description.contains("vocab_size") == true)
        #expect(try configError { $0["head_dim"] = 5 }?.description.contains("head_dim") == true)
        #expect(try configError { $0["num_hidden_layers"] = "two" }?.description.contains("num_hidden_layers") == true)
    }

    @Test func configThatDisagreesWithTheWeightsIsCaughtByShape() throws {
        let error = try configError { $0["intermediate_size"] = 16 }
        #expect(error?.code == "shape_mismatch")
    }

    @Test func missingDirectoryIsUnreadable() {
        #expect(loadError("/nonexistent/neuralcore-model")?.code == "unreadable")
    }

    func path(_ error: ModelFileError) -> String {
        switch error {
        case let .missingTensor(file, _), let .badConfig(file, _, _): file
        default: ""
        }
    }
}
