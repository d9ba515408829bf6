import KernelFacts
import KernelLog
import KtriageBytes
import KtriageReader
import KtriageTestSupport
import Testing

/// Every log fixture, cut short at many offsets and with bytes flipped, must give a clean result
/// or a clean error: no trap, no hang, and what comes back stays well-formed.
@Suite("Damaged logs")
struct DamagedLogTests {
    /// Text fixtures under fixtures/ (logs, not dumps or scripts).
    static let fixtures: [String] = {
        var walker = InputWalker()
        walker.add(Fixtures.path("wrappers"))
        walker.add(Fixtures.path("mixed"))
        walker.add(Fixtures.path("logs"))
        return walker.items.map(\.path)
    }()

    static func check(_ bytes: [UInt8], name: String) {
        var parser = CrashReportParser()
        var lastNumber = 0
        let summary = try? bytes.withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: name) { line in
                // Joined pstore parts keep their file line numbers, which go back between parts.
                if line.metadata.source != .pstore {
                    #expect(line.number >= lastNumber, "\(name): line numbers go backwards")
                }
                lastNumber = line.number
                parser.consume(line)
            }
        }
        #expect(summary != nil, "\(name): in-memory reading never throws on its own")
        for record in parser.finish() {
            #expect(record.line >= 1)
            #expect(!record.title.isEmpty)
            #expect(!record.signature.isEmpty)
        }
    }

    @Test("truncated at many offsets", arguments: fixtures)
    func truncated(_ path: String) throws {
        guard let bytes = Fixtures.read(path), InputKind.sniff(bytes.withUnsafeBytes { $0 }) == .text else { return }
        let step = max(1, bytes.count / 64)
        for cut in stride(from: 0, through: bytes.count, by: step) {
            DamagedLogTests.check(Array(bytes.prefix(cut)), name: "\(path) cut at \(cut)")
        }
    }

    @Test("bytes flipped", arguments: fixtures)
    func flipped(_ path: String) throws {
        guard let bytes = Fixtures.read(path), InputKind.sniff(bytes.withUnsafeBytes { $0 }) == .text else { return }
        var generator = SplitMix(seed: UInt64(bytes.count))
        for _ in 0..<48 {
            var damaged = bytes
            for _ in 0..<4 {
                let index = Int(generator.next() % UInt64(max(1, damaged.count)))
                if index < damaged.count { damaged[index] ^= UInt8(truncatingIfNeeded: generator.next() | 1) }
            }
            DamagedLogTests.check(damaged, name: "\(path) flipped")
        }
    }

    @Test("a truncated or damaged gzip gives a clean error naming the file")
    func damagedGzip() throws {
        let bytes = try #require(Fixtures.read(Fixtures.path("wrappers/compressed/dmesg.log.gz")))
        let folder = Fixtures.temporaryFolder()
        for cut in stride(from: 0, to: bytes.count, by: 37) {
            let path = folder + "/cut-\(cut).gz"
            Fixtures.write(Array(bytes.prefix(cut)), to: path)
            do {
                _ = try KernelLogReader.read(path: path) { _ in }
                #expect(cut == 0, "a cut gzip must not read as complete (cut at \(cut))")
            } catch {
                #expect("\(error)".contains(path))
            }
        }
        var flipped = bytes
        flipped[bytes.count / 2] ^= 0xFF
        let path = folder + "/flipped.gz"
        Fixtures.write(flipped, to: path)
        #expect(throws: (any Error).self) { _ = try KernelLogReader.read(path: path) { _ in } }
    }
}
