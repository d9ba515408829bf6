/// The input with a format's magic written over its first bytes, so that every input reaches the
/// reader the magic selects (the seeds already carry it). The copy lives in one buffer reused by
/// every execution.
public struct ForcedMagic {
    private let magic: [UInt8]
    private var buffer: [UInt8] = []

    public init(_ magic: [UInt8]) {
        self.magic = magic
    }

    /// Calls `body` with a copy of `bytes` whose first bytes are the magic (as many as fit).
    public mutating func with<Result>(
        _ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes)
        for (index, byte) in magic.enumerated() where index < buffer.count { buffer[index] = byte }
        return buffer.withUnsafeBytes(body)
    }
}
