/// The byte layout of a tensor frame, version 1: the constants an encoder and a decoder share.
///
/// A frame is one binary WebSocket message. Every integer is little-endian; offsets are in bytes.
///
/// ```
/// header, 32 bytes
///    0  magic          4 bytes  "PQTF" = 50 51 54 46
///    4  version        u16      1
///    6  messageType    u16      TensorFrame.MessageType (1 modelState, 2 modelDiff, 3 update)
///    8  flags          u32      0; v1 defines no flags and receivers refuse any set bit
///   12  tensorCount    u32      0...4096
///   16  requestID      u64      the JSON-RPC id (or round) this frame answers or belongs to
///   24  round          u64      the training round or model version of the tensors
/// tensor table, 32...: tensorCount entries back to back, each
///       nameLength     u16      1...256
///       name           nameLength bytes of UTF-8, unique within the frame
///       dtype          u8       1 f32, 2 i8 block-quantised, 3 f16 (reserved, refused in v1)
///       rank           u8       0...4
///       dims           u32 × rank   (rank 0 is a scalar: one element)
///       blockSize      u32      elements per scale for i8 (≥ 1); 0 for f32
///       offset         u64      where the tensor's region starts, from the payload start; a multiple of 8
///       length         u64      the region's length: 4·count (f32), 4·⌈count / blockSize⌉ + count (i8)
/// zero bytes up to the next multiple of 8 from the frame start: the payload start
/// payload: the tensors' regions, disjoint; every byte outside a region is zero
///       f32 region     count × f32
///       i8 region      ⌈count / blockSize⌉ × f32 scales, then count × i8 values;
///                      value j is values[j] · scales[j / blockSize]
/// checksum, 32 bytes: SHA-256 of every byte before it
/// ```
///
/// Scales come before the int8 values so that they, like every f32 in the frame, sit at an offset
/// that is a multiple of 4: a reader in another language can view them in place.
public enum WireLayout {
    /// "PQTF": tells a tensor frame from anything else sent on the socket.
    public static let magic: [UInt8] = [0x50, 0x51, 0x54, 0x46]
    /// The only layout version this module writes and reads; any other is refused, never guessed at.
    public static let version: UInt16 = 1
    /// The fixed header before the tensor table.
    public static let headerByteCount = 32
    /// The SHA-256 digest that ends every frame.
    public static let checksumByteCount = 32
    /// The payload start and every region offset are multiples of this, so f32 data can be viewed in place.
    public static let alignment = 8
    /// The smallest table entry (one-byte name, rank 0), used to refuse a tensor count the bytes cannot hold.
    static let minimumEntryByteCount = 2 + 1 + 1 + 1 + 4 + 8 + 8

    /// Rounds `value` up to the next multiple of ``alignment``.
    static func aligned(_ value: Int) -> Int { (value + alignment - 1) / alignment * alignment }
}
