import Ledger
import RPC
import TransparencyLog

/// The bytes of one log leaf: a ledger event in the canonical form docs/contracts.md specifies.
///
/// `{"at":<ms>,"kind":<JSON string>,"payload":<payload>,"seq":<n>}`, UTF-8, keys in this
/// order, no whitespace; `payload` is the event's stored canonical JSON, inserted verbatim.
/// Leaf `i` is the event with `seq = i + 1`. Verifiers hash the bytes they receive and then
/// parse them; nobody needs to re-encode, so no JSON library's number formatting matters.
public enum EventLeaf {
    /// Names this encoding in `log.info`.
    public static let encoding = "purrquest-event-json-v1"

    public static func bytes(_ event: LedgerEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.payload.utf8.count + event.kind.utf8.count + 48)
        out += Array("{\"at\":\(event.at),\"kind\":".utf8)
        out += JSONValue.string(event.kind).serializedBytes()
        out += Array(",\"payload\":".utf8)
        out += Array(event.payload.utf8)
        out += Array(",\"seq\":\(event.seq)}".utf8)
        return out
    }

    public static func text(_ event: LedgerEvent) -> String { String(decoding: bytes(event), as: UTF8.self) }

    /// RFC 9162 leaf hash of the event.
    public static func hash(_ event: LedgerEvent) -> Hash { Hash.leaf(bytes(event)) }

    /// Reads a leaf back into an event, checking that it is in canonical form, so two
    /// different texts can never stand for one event.
    public static func parse(_ text: String, leafIndex: UInt64) throws(EventLeafError) -> LedgerEvent {
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch { throw .malformed(leafIndex: leafIndex, reason: error.description) }
        guard case .object(let fields) = value, fields.count == 4,
              case .int(let at)? = fields["at"], case .string(let kind)? = fields["kind"],
              case .int(let seq)? = fields["seq"], fields["payload"] != nil else {
            throw .malformed(leafIndex: leafIndex, reason: "expected an object with exactly at, kind, payload and seq")
        }
        guard seq == Int64(leafIndex) + 1 else {
            throw .malformed(leafIndex: leafIndex, reason: "leaf \(leafIndex) holds event seq \(seq), expected \(leafIndex + 1)")
        }
        // The payload is taken verbatim from between the fixed prefix and suffix, so the event
        // is exactly what was hashed; a text in any other form does not match them.
        let head = Array("{\"at\":\(at),\"kind\":".utf8) + JSONValue.string(kind).serializedBytes() + Array(",\"payload\":".utf8)
        let tail = Array(",\"seq\":\(seq)}".utf8)
        let all = Array(text.utf8)
        guard all.count > head.count + tail.count, all.starts(with: head), all.suffix(tail.count).elementsEqual(tail) else {
            throw .malformed(leafIndex: leafIndex, reason: "not in canonical form")
        }
        let event = LedgerEvent(seq: seq, kind: kind, payload: String(decoding: all[head.count..<(all.count - tail.count)], as: UTF8.self), at: at)
        return event
    }
}

/// A leaf that is not a canonical event.
public enum EventLeafError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(leafIndex: UInt64, reason: String)

    public var description: String {
        switch self {
        case .malformed(let i, let reason): "log leaf \(i) is not a canonical event: \(reason)"
        }
    }
}
