import Foundation
import KernelLog
import Testing

/// satyr's kernel-oops samples: first/last frame, frame count, taint and module counts, and the
/// special stack of the first/last frame, as satyr counts them (the RIP/EIP frame first).
@Suite struct SatyrCorpusTests {
    static let dir = Paths.satyr.appendingPathComponent("kerneloopses")

    /// Frames as satyr lists them: on x86 the `RIP: 0010:[<addr>]`/`EIP:` frame (the forms with
    /// addresses, before 4.x), then the call trace.
    static func satyrFrames(_ r: CrashRecord) -> [Frame] {
        let x86 = r.text.contains { line in
            let t = line.drop(while: { $0 == " " })
            return (t.hasPrefix("RIP:") && t.contains("[<")) || t.hasPrefix("EIP:")
        }
        return (x86 ? (r.rip.map { [$0] } ?? []) : []) + r.frames
    }

    static func contextName(_ f: Frame?) -> String {
        switch f?.context {
        case .irq?, .softirq?: return "IRQ"
        case .nmi?: return "NMI"
        default: return "(none)"
        }
    }

    @Test(.enabled(if: Paths.exists(Paths.satyr), "shared satyr corpus not present"))
    func expectations() throws {
        let tsv = try String(contentsOf: Paths.satyr.appendingPathComponent("expected.tsv"), encoding: .utf8)
        var checks = 0
        var met = 0
        var detected = 0
        var files = 0
        for row in tsv.split(separator: "\n").dropFirst() {
            let cols = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard cols.count >= 8,
                let data = FileManager.default.contents(atPath: Self.dir.appendingPathComponent(cols[0]).path)
            else { continue }
            files += 1
            let records = FrontDoor.records([UInt8](data), source: .dmesg)
            if !records.isEmpty { detected += 1 }
            guard !cols[1].isEmpty, let r = records.first else {
                if !cols[1].isEmpty {
                    checks += 6
                    print("satyr \(cols[0]): no record")
                }
                continue
            }
            let frames = Self.satyrFrames(r)
            let got = [
                frames.first?.function ?? "-", frames.last?.function ?? "-", String(frames.count),
                String(r.taint?.flags.count ?? 0), String(r.modules.count),
                Self.contextName(frames.first), Self.contextName(frames.last),
            ]
            let want = Array(cols[1...7])
            var misses: [String] = []
            for (i, name) in ["first", "last", "count", "taint", "modules", "first_stack", "last_stack"].enumerated() {
                checks += 1
                if got[i] == want[i] { met += 1 } else { misses.append("\(name) \(got[i]) want \(want[i])") }
            }
            if !misses.isEmpty { print("satyr \(cols[0]): \(misses.joined(separator: "; "))") }
        }
        print("satyr corpus: \(detected)/\(files) files with a report; \(met)/\(checks) expectations met")
        #expect(detected == files)
        #expect(Double(met) >= 0.95 * Double(checks))  // reaches 149/154
    }
}
