/// A mapped input shared by the workers, read only.
struct SendableBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
