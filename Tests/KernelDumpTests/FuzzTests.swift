import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// Longer randomised corruption of the dumped kernel memory itself (page tables, printk
/// structures, pointers), not only of container headers. Off by default; run with
/// `KTRIAGE_FUZZ=<rounds> swift test --filter FuzzTests`.
@Suite(
    "Fuzz: corrupted kernel memory",
    .enabled(
        if: ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"] != nil, "set KTRIAGE_FUZZ=<rounds> to run"))
struct FuzzTests {
    @Test("random corruption of the pages the log walk reads", arguments: ["ring", "structured", "chars"])
    func memory(_ layout: String) throws {
        let rounds = Int(ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"] ?? "") ?? 200
        var generator = SplitMix(seed: UInt64(layout.utf8.count))
        let base = SyntheticKernel(megabytes: 2)
        switch layout {
        case "ring":
            base.addPrintkRingBuffer(
                (0..<30).map { .init(UInt64($0), "ring record \($0)") }, countBits: 5, sizeBits: 10)
        case "structured":
            base.addStructuredLog(
                (0..<30).map { .init(UInt64($0), "log record \($0)") }, bufferSize: 2048, withCaller: true)
        default: base.addCharacterLog("<6>[    0.000000] a\n<6>[    1.000000] b\n", bufferSize: 64)
        }
        let pristine = base.memory
        var writer = ELFCoreWriter()
        writer.pagesPerSegment = 512
        for _ in 0..<rounds {
            base.memory = pristine
            // Corrupt 1–8 bytes in the first 1.2 MiB: page tables (1 MiB up) and printk structures.
            for _ in 0..<(1 + Int(generator.next() % 8)) {
                let at = 0x10_0000 + Int(generator.next() % 0x3_0000)
                base.memory[at] = UInt8(truncatingIfNeeded: generator.next())
            }
            let path = try TestPaths.write(writer.write(base), name: "fuzz-\(layout)")
            _ = exercise(path)
        }
    }
}
