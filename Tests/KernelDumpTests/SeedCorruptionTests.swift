import Foundation
import KernelDump
import KtriageTestSupport
import Testing

/// Random corruption of a `SeedKernel`'s own data — kallsyms, BTF, tasks, run queues, the module,
/// ORC tables, stacks, page tables — read back through the public API as `ktriage vmcore info`,
/// `ps` and `bt` do. Every read must end in an answer or a stated problem: no trap, no hang, no
/// unbounded walk. A few rounds per kernel by default; `KTRIAGE_FUZZ=<rounds>` runs more.
@Suite("Corrupted seed kernels: facts, tasks and stacks end in answers or problems")
struct SeedCorruptionTests {
    static let kernels = ["x86-6.1", "x86-6.8", "x86-scan", "arm64"]
    /// The bytes corrupted: from the page tables at 1 MiB into RAM through the data pages, the
    /// text and the stacks.
    static let span = 0x1_4000

    static func seed(_ name: String) -> SeedKernel {
        switch name {
        case "x86-6.8": SeedKernel(.x86_64, .v6_8(orcEntryInBTF: true), log: false)
        case "x86-scan": SeedKernel(.x86_64, orc: false, log: false)
        case "arm64": SeedKernel(.arm64, log: false)
        default: SeedKernel(.x86_64, log: false)
        }
    }

    @Test("random bytes and words in a seed kernel's data", arguments: kernels)
    func corrupted(_ name: String) throws {
        let rounds = Int(ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"] ?? "") ?? 8
        var generator = SplitMix(seed: UInt64(name.utf8.count) &* 0x9e37)
        let seed = Self.seed(name)
        let pristine = seed.kernel.memory
        var writer = ELFCoreWriter()
        writer.omitZeroPages = true
        for round in 0..<rounds {
            seed.kernel.memory = pristine
            for _ in 0...(generator.next() % 8) {
                let at = 0x10_0000 + Int(generator.next() % UInt64(Self.span))
                if generator.next() % 2 == 0 {
                    seed.kernel.memory[at] = UInt8(truncatingIfNeeded: generator.next())
                } else {
                    let word = SyntheticKernel.littleEndian(generator.next() >> (generator.next() % 64))
                    seed.kernel.memory.replaceSubrange(at..<(at + 8), with: word)
                }
            }
            let dump = try TestPaths.open(writer.write(seed.kernel), name: "\(name)-\(round)")
            let facts = dump.facts()
            // A fact that could not be read says why.
            if facts.tasks == nil || facts.btf == nil || facts.modules == nil {
                #expect(!facts.problems.isEmpty, "\(name) round \(round)")
            }
            let result = dump.backtraces()
            if let tasks = facts.tasks {
                #expect(result.traces.count == tasks.count, "\(name) round \(round)")
            } else if !dump.isARM64 {
                // arm64 still unwinds each CPU from its registers; x86-64 needs the tasks.
                #expect(result.traces.isEmpty && !result.problems.isEmpty, "\(name) round \(round)")
            }
            for trace in result.traces { #expect(trace.frames.count <= 64, "\(name) round \(round)") }
            _ = dump.symbolAddresses(Vmcore.factSymbolNames)
        }
    }
}
