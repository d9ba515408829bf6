import KtriageBytes

/// Physical memory held in one buffer from address 0, with no dump container around it.
///
/// Why: the printk layouts are read through `KernelMemory`, which needs a `PhysicalMemory`; this
/// lets them be driven directly (the `FuzzPrintkRing` target, limit tests) without writing an
/// ELF or kdump file first. A partial last page reads as zero-filled, like `p_memsz` past
/// `p_filesz`; pages past the end are holes.
final class MemoryImage: PhysicalMemory {
    let bytes: [UInt8]
    let pageSize: Int
    let path: String

    init(_ bytes: [UInt8], pageSize: Int = 4096, path: String) {
        self.bytes = bytes
        self.pageSize = pageSize
        self.path = path
    }

    var pageFrameLimit: UInt64 { UInt64((bytes.count + pageSize - 1) / pageSize) }

    func hasPage(_ pfn: UInt64) -> Bool { pfn < pageFrameLimit }

    func readMappedVirtual(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool { false }

    func readPage(_ pfn: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard hasPage(pfn) else {
            throw VmcoreError(
                path: path, offset: nil, field: "physical page 0x\(String(pfn &* UInt64(pageSize), radix: 16))",
                message: "past the end of the \(bytes.count)-byte memory image")
        }
        let start = Int(pfn) * pageSize
        let count = min(pageSize, bytes.count - start, buffer.count)
        ByteScanning.zeroFill(buffer)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<(start + count)]))
        }
    }
}
