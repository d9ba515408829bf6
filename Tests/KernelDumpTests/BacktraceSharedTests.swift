import Foundation
import KernelDump
import Testing

/// crash's `foreach bt` blocks: per task address, the function of each `#n [sp] function at
/// address` line, and whether crash doubted the block ("possibly bogus exception frame").
func crashBacktraces(_ text: String) -> [UInt64: (functions: [String], bogus: Bool)] {
    var result: [UInt64: (functions: [String], bogus: Bool)] = [:]
    var current: UInt64?
    for line in text.split(separator: "\n").map(String.init) {
        if line.hasPrefix("PID: "), let range = line.range(of: "TASK: ") {
            current = UInt64(line[range.upperBound...].prefix { $0.isHexDigit }, radix: 16)
            if let current { result[current] = ([], false) }
            continue
        }
        guard let current else { continue }
        if line.contains("possibly bogus exception frame") { result[current]?.bogus = true }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("#"), let close = trimmed.range(of: "] ") {
            let rest = trimmed[close.upperBound...]
            if let at = rest.range(of: " at ") { result[current]?.functions.append(String(rest[..<at.lowerBound])) }
        }
        if line.hasPrefix("saved_command_line") { break }
    }
    return result
}

/// Length of the longest common subsequence.
private func commonSubsequence(_ left: [String], _ right: [String]) -> Int {
    var previous = [Int](repeating: 0, count: right.count + 1)
    for item in left {
        var row = [0]
        for (index, other) in right.enumerated() {
            row.append(item == other ? previous[index] + 1 : max(previous[index + 1], row[index]))
        }
        previous = row
    }
    return previous.last ?? 0
}

@Suite(
    "ORC backtraces against crash 8.0.2 + vmlinux",
    .enabled(if: TestPaths.hasSharedVmcores, "../shared/vmcores is absent: skipped"))
struct BacktraceSharedTests {
    @Test(
        "every task crash unwound: our frames follow crash's order, cover half, end where crash ends",
        arguments: SharedDump.all)
    func framesMatchCrash(_ dump: SharedDump) throws {
        guard let transcript = dump.metaTranscript else { return }
        let expected = crashBacktraces(try String(contentsOf: transcript, encoding: .utf8))
        let result = try Vmcore(path: try dump.path()).backtraces()
        #expect(result.problems.isEmpty, "\(result.problems)")
        #expect(result.traces.count > 40)
        #expect(result.traces.allSatisfy { $0.problem == nil }, "\(result.traces.compactMap(\.problem))")
        var compared = 0
        for (task, crash) in expected where !crash.bogus {
            guard let ours = result.traces.first(where: { $0.task == task }) else {
                Issue.record("task \(String(task, radix: 16)) not unwound")
                continue
            }
            let functions = ours.frames.dropFirst().map { $0.function ?? "?" }
            // A kdump kernel saves the oops's own registers for the panic CPU: our unwind starts at
            // the faulting instruction, crash's shows the crash_kexec frames above it first.
            var crashFunctions = crash.functions
            if let start = ours.frames.first?.function, let index = crashFunctions.firstIndex(of: start), index > 0 {
                crashFunctions = Array(crashFunctions[(index + 1)...])
            }
            let common = commonSubsequence(functions, crashFunctions)
            #expect(common * 2 >= functions.count, "\(functions) vs \(crashFunctions)")
            #expect(common * 2 >= crashFunctions.count, "\(functions) vs \(crashFunctions)")
            #expect(functions.last == crashFunctions.last)
            compared += 1
        }
        #expect(compared >= 1)
    }

    @Test("the oops task's frames from the exception down equal the kernel's own trace")
    func oopsTraceMatchesConsole() throws {
        let path = TestPaths.sharedVmcores.appendingPathComponent("lkdtm-bug-smp2/vmcore.kdump-zlib").path
        let trace = try #require(try Vmcore(path: path).backtraces().traces.first { $0.pid == 107 })
        let exception = try #require(trace.frames.firstIndex { $0.exception })
        let below = trace.frames[exception...].map { frame in
            "\(frame.function ?? "?")+0x\(String(frame.offset ?? 0, radix: 16))"
                + (frame.module.map { " [\($0)]" } ?? "")
        }
        // console.log: "RIP: 0010:lkdtm_BUG+0x5/0x10 [lkdtm]", then the Call Trace without its "?" lines.
        #expect(
            below == [
                "lkdtm_BUG+0x5 [lkdtm]", "direct_entry.cold+0x18 [lkdtm]", "full_proxy_write+0x53", "vfs_write+0xc7",
                "ksys_write+0x6b", "do_syscall_64+0x5d", "entry_SYSCALL_64_after_hwframe+0x6e",
            ])
    }
}
