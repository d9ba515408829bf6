import KernelFacts
import Testing

@Suite("Dump and wrapper magics")
struct DumpMagicTests {
    func container(_ bytes: [UInt8]) -> DumpMagic.Container? { bytes.withUnsafeBytes { DumpMagic.container($0) } }
    func compression(_ bytes: [UInt8]) -> String? { bytes.withUnsafeBytes { DumpMagic.compression($0) } }
    func kind(_ bytes: [UInt8]) -> InputKind { bytes.withUnsafeBytes { InputKind.sniff($0) } }

    @Test("ELF class, kdump, diskdump and the NUL-padded flattened signature")
    func containers() {
        #expect(container([0x7F, 0x45, 0x4C, 0x46, 2]) == .elf64)
        #expect(container([0x7F, 0x45, 0x4C, 0x46, 1]) == .elf32)
        #expect(container(Array("KDUMP   \u{1}\u{0}".utf8)) == .kdumpCompressed)
        #expect(container(Array("DISKDUMP".utf8)) == .kdumpCompressed)
        #expect(container(Array("makedumpfile".utf8) + [0, 0, 0, 0]) == .flattened)
        #expect(container(Array("makedumpfile is a tool".utf8)) == nil)
        #expect(kind(Array("makedumpfile".utf8) + [0, 0, 0, 0]) == .flattened)
        #expect(kind([0x7F, 0x45, 0x4C, 0x46, 2, 1]) == .elf)
    }

    @Test("compressed wrappers; bzip2 needs its block-size digit")
    func compressions() {
        #expect(compression([0x1F, 0x8B, 8]) == "gzip")
        #expect(compression([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) == "xz")
        #expect(compression(Array("BZh9".utf8)) == "bzip2")
        #expect(compression(Array("BZh is text".utf8)) == nil)
        #expect(compression([0x28, 0xB5, 0x2F, 0xFD]) == "zstd")
        #expect(compression([0x04, 0x22, 0x4D, 0x18]) == "lz4")
        #expect(kind([0x1F, 0x8B, 8]) == .gzip)
        #expect(kind([0x28, 0xB5, 0x2F, 0xFD]) == .otherCompression)
        #expect(([0x28, 0xB5, 0x2F, 0xFD] as [UInt8]).withUnsafeBytes { InputKind.compressionName($0) } == "zstd")
        #expect(([0x1F, 0x8B] as [UInt8]).withUnsafeBytes { InputKind.compressionName($0) } == nil)
    }
}
