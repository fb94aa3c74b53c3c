extension BPETokenizer {
    /// The ids of `text`. Added tokens written in the text (`<|eos|>`) become their ids; nothing
    /// is added that the text does not contain.
    ///
    /// ```swift
    /// tokenizer.encode("Hello world")   // e.g. [2064, 1790]
    /// ```
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        let encoded: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            encode(utf8: bytes, into: &ids)
        }
        if encoded == nil {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { encode(utf8: $0, into: &ids) }
        }
        return ids
    }

    /// Appends the ids of valid UTF-8 `bytes` to `ids`.
    func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        ids.reserveCapacity(ids.count + bytes.count / 3)
        var ends: [Int] = []
        var start = 0
        for match in matcher.matches(in: bytes, from: 0, to: bytes.count) {
            encodeOrdinaryText(bytes, from: start, to: match.range.lowerBound, ends: &ends, into: &ids)
            ids.append(match.id)
            start = match.range.upperBound
        }
        encodeOrdinaryText(bytes, from: start, to: bytes.count, ends: &ends, into: &ids)
    }

    /// Text without added tokens: pre-tokenise, then merge each piece.
    private func encodeOrdinaryText(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, ends: inout [Int], into ids: inout [Int32]
    ) {
        guard start < end else { return }
        ends.removeAll(keepingCapacity: true)
        ByteLevelPreTokenizer.pieceEnds(in: bytes, from: start, to: end, into: &ends)
        var pieceStart = start
        for pieceEnd in ends {
            encodePiece(UnsafeBufferPointer(rebasing: bytes[pieceStart..<pieceEnd]), into: &ids)
            pieceStart = pieceEnd
        }
    }

    /// One pre-tokenised piece: from the cache, or merged by rank and then cached.
    @inline(__always)
    private func encodePiece(_ piece: UnsafeBufferPointer<UInt8>, into ids: inout [Int32]) {
        if piece.count == 1 {
            ids.append(byteIDs[Int(piece[0])])
            return
        }
        if ignoreMerges, let whole = wholePieceIDs[Array(piece)] {
            ids.append(whole)
            return
        }
        let hash = PieceCache.hash(piece)
        if cache.appendIDs(of: piece, hash: hash, to: &ids) { return }
        var symbols = piece.map { byteIDs[Int($0)] }
        mergeTable.applyMerges(to: &symbols)
        cache.store(piece, hash: hash, ids: symbols)
        ids.append(contentsOf: symbols)
    }

    /// The text of `ids`, exactly what was encoded.
    ///
    /// Any id sequence decodes without trapping: bytes that do not form valid UTF-8 (a
    /// sequence cut inside a character, as when streaming) become U+FFFD, and so does an id
    /// outside `0..<vocabSize`.
    ///
    /// - Parameters:
    ///   - ids: token ids, e.g. from ``encode(_:)`` or the model.
    ///   - skipSpecialTokens: leave out special tokens, as `tokenizers`' `skip_special_tokens`.
    public func decode(_ ids: [Int32], skipSpecialTokens: Bool = false) -> String {
        String(decoding: decodeBytes(ids, skipSpecialTokens: skipSpecialTokens), as: UTF8.self)
    }

    /// The bytes of `ids` joined, before any UTF-8 validation: what a streaming decoder
    /// buffers until a character is complete. An id outside `0..<vocabSize` gives the three
    /// bytes of U+FFFD.
    public func decodeBytes(_ ids: [Int32], skipSpecialTokens: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ids.count * 4)
        for id in ids {
            guard id >= 0, Int(id) < allTokenBytes.count else {
                bytes.append(contentsOf: [0xEF, 0xBF, 0xBD])
                continue
            }
            if skipSpecialTokens, isSpecial[Int(id)] { continue }
            bytes.append(contentsOf: allTokenBytes[Int(id)])
        }
        return bytes
    }
}
