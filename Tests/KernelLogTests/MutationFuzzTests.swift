import Foundation
import KernelLog
import KtriageTestSupport
import Testing

/// Mutated real logs (byte flips, cuts, duplicated and dropped lines, glued lines) through the
/// parser. A short fixed-seed pass always runs; `KTRIAGE_FUZZ=<rounds>` runs longer.
@Suite struct MutationFuzzTests {
    static func inputs() -> [[UInt8]] {
        var out: [[UInt8]] = []
        for name in GoldenFixtureTests.cases() {
            if let d = FileManager.default.contents(atPath: Paths.fixtures.appendingPathComponent(name).path) {
                out.append(HeaderedCase(bytes: [UInt8](d)).log)
            }
        }
        // Longer runs also mutate the real syzkaller logs when they are present.
        if ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"] != nil,
            let names = try? FileManager.default.contentsOfDirectory(atPath: Paths.syzkallerReports.path)
        {
            for name in names.sorted() {
                if let d = FileManager.default.contents(
                    atPath: Paths.syzkallerReports.appendingPathComponent(name).path)
                {
                    out.append(HeaderedCase(bytes: [UInt8](d)).log)
                }
            }
        }
        return out
    }

    static func mutate(_ input: [UInt8], _ rng: inout SplitMix) -> [UInt8] {
        var b = input
        guard !b.isEmpty else { return b }
        for _ in 0..<Int.random(in: 1...8, using: &rng) {
            let i = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: b[i] = UInt8.random(in: 0...255, using: &rng)
            case 1: b.removeSubrange(i..<min(b.count, i + Int.random(in: 1...200, using: &rng)))
            case 2: b.insert(contentsOf: b[i..<min(b.count, i + 300)], at: Int.random(in: 0...b.count, using: &rng))
            case 3: if b[i] == 0x0a { b.remove(at: i) }
            case 4: b = Array(b.prefix(i))
            default: b.insert(0x0a, at: i)
            }
            if b.isEmpty { break }
        }
        return b
    }

    @Test func mutatedFixturesNeverTrap() {
        let rounds = Int(ProcessInfo.processInfo.environment["KTRIAGE_FUZZ"] ?? "") ?? 300
        let inputs = Self.inputs()
        guard !inputs.isEmpty else { return }
        var rng = SplitMix(seed: 0x6b74_7269_6167_65)
        var records = 0
        for round in 0..<rounds {
            let m = Self.mutate(inputs[round % inputs.count], &rng)
            for r in FrontDoor.records(m, source: round % 3 == 0 ? .syslog : .dmesg) {
                records += 1
                #expect(r.signature.count == 16)
                #expect(r.title.utf8.count <= TitleNormalizer.maxTitleBytes)
            }
        }
        #expect(records > 0)
    }
}
