/// libFuzzer's own byte-level mutator (with the dictionary): what the custom mutators fall back to.
@_silgen_name("LLVMFuzzerMutate")
private func LLVMFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// Mutates `size` bytes at `data` in place, growing them up to `maxSize`; returns the new size.
public func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int {
    LLVMFuzzerMutate(data, size, maxSize)
}
