import KtriageBytes

/// Finds candidate frames in a report's text and picks the guilty one.
struct StackWalker {
    let lines: [String]

    /// Result of a pick: the name (or `nil` when every candidate was generic) and whether a
    /// fault-injection frame was met on the way.
    struct Pick {
        var name: String?
        var faultInjection = false
        /// The frame as printed when a rule put a bucket name in its place
        /// (`synchronize_rcu_expedited` → `synchronize_rcu`); used for alternative titles.
        var raw: String?
    }

    /// Lines that start a stack trace. Asked of every line of a report several times (fields,
    /// titles, stack checks), so it compares bytes.
    static func isStackMarker(_ line: String) -> Bool {
        var text = line
        return text.withUTF8 { isStackMarker(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// Markers that start a line (after its indent).
    private static let markerPrefixes: [StaticString] = [
        "Allocated:", "Allocated by task", "Freed:", "Freed by task", "Backtrace:", "backtrace:", "backtrace (crc",
        "Uninit was stored to memory at",
    ]

    static func isStackMarker(bytes: UnsafeRawBufferPointer) -> Bool {
        if ByteScanning.firstIndex(of: "Call Trace", in: bytes) != nil
            || ByteScanning.firstIndex(of: "Call trace", in: bytes) != nil
        {
            return true
        }
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") || bytes[start] == ASCII.tab { start += 1 }
        let trimmed = UnsafeRawBufferPointer(rebasing: bytes[start...])
        if markerPrefixes.contains(where: { ByteScanning.hasLiteral(trimmed, at: 0, $0) }) { return true }
        if ByteScanning.firstIndex(of: " backtrace:", in: bytes) != nil,
            ByteScanning.firstIndex(of: "stack backtrace:", in: bytes) == nil
        {
            return true
        }
        // RISC-V ends its register dump with `status: … badaddr: … cause: …`.
        return ByteScanning.hasLiteral(trimmed, at: 0, "status: ")
            && ByteScanning.firstIndex(of: " badaddr: ", in: bytes) != nil
            && ByteScanning.firstIndex(of: " cause: ", in: bytes) != nil
    }

    /// Index of the first line at or after `start` satisfying `test`.
    func firstIndex(from start: Int, where test: (String) -> Bool) -> Int? {
        var index = max(0, start)
        while index < lines.count {
            if test(lines[index]) { return index }
            index += 1
        }
        return nil
    }

    /// Title-eligible frame names of the first stack trace that starts at or after `start`,
    /// up to the next stack marker.
    func stackFrames(from start: Int) -> [String] {
        guard let marker = firstIndex(from: start, where: Self.isStackMarker) else { return [] }
        return framesAfterMarker(marker)
    }

    /// Frames between marker line `marker` and the next marker.
    func framesAfterMarker(_ marker: Int) -> [String] {
        var names: [String] = []
        var index = marker + 1
        while index < lines.count, names.count < CrashReportParser.maxFramesPerReport {
            let line = lines[index]
            if Self.isStackMarker(line) { break }
            if let frame = FrameParser.parse(line[...]) { names.append(contentsOf: frame.titleNames) }
            index += 1
        }
        return names
    }

    /// Frames printed right after line `index` without a marker (KMSAN, `page last allocated`):
    /// up to the first line that is not a frame once frames have started.
    func framesFollowing(_ index: Int) -> [String] {
        var names: [String] = []
        for line in lines.dropFirst(index + 1) {
            if names.count >= CrashReportParser.maxFramesPerReport { break }
            if let frame = FrameParser.parse(line[...]) {
                names.append(contentsOf: frame.titleNames)
            } else if !names.isEmpty && !line.containsBytes("[inline]") && !line.containsBytes(" (inlined)") {
                break
            } else if Self.isStackMarker(line) {
                break
            }
        }
        return names
    }

    /// All title-eligible frames from `start` on (every stack), in order.
    func allFrames(from start: Int) -> [String] {
        var names: [String] = []
        var index = max(0, start)
        while index < lines.count, names.count < CrashReportParser.maxFramesPerReport {
            if let frame = FrameParser.parse(lines[index][...]) { names.append(contentsOf: frame.titleNames) }
            index += 1
        }
        return names
    }

    /// The function of the first instruction-pointer line at or after `start`.
    func ipFrame(from start: Int) -> String? {
        var index = max(0, start)
        while index < lines.count {
            if let frame = FrameParser.parseInstructionPointer(lines[index][...]) { return frame.titleName }
            index += 1
        }
        return nil
    }

    /// The first candidate not on the skip lists (nor, where `noticer` says so, in the kernel's
    /// machinery). The crash site — `crashSite`, the function a header blames (a WARN site), or
    /// else the first candidate — keeps its blame when it is plumbing.
    static func pick(
        _ candidates: [String], skip extra: [FramePattern] = [], noticer: MachinerySkip.Noticer = .other,
        crashSite: String? = nil
    ) -> Pick {
        var result = Pick()
        let machinery = MachinerySkip.scope(for: noticer)
        for (position, name) in candidates.enumerated() {
            if FrameSkipList.faultInjection.matchesAny(name) { result.faultInjection = true }
            if FrameSkipList.global.matchesAny(name) || extra.matchesAny(name) { continue }
            let atCrashSite = crashSite.map { name == $0 } ?? (position == 0)
            if MachinerySkip.skips(name, scope: machinery, atCrashSite: atCrashSite) { continue }
            result.name = name
            return result
        }
        return result
    }

    /// Stall rule: the frame just above the first dispatcher anchor (after skipping generic frames).
    static func pickStall(_ candidates: [String], skip extra: [FramePattern] = []) -> Pick {
        var result = Pick()
        var previous: String?
        for name in candidates {
            if FrameSkipList.faultInjection.matchesAny(name) { result.faultInjection = true }
            let isAnchor = StackAnchors.stall.matchesAny(name)
            if isAnchor {
                if name.containsBytes("smp_call_function") {
                    result.name = "smp_call_function"
                    result.raw = name
                } else {
                    result.name = previous ?? name
                }
                return result
            }
            if FrameSkipList.global.matchesAny(name) || extra.matchesAny(name) { continue }
            previous = name
        }
        return result
    }

    /// Hung-task rule: RTNL and RCU waits get their own buckets; otherwise the first frame that
    /// is not itself waiting.
    static func pickHung(_ candidates: [String]) -> Pick {
        var result = Pick()
        let kept = candidates.filter { !FrameSkipList.global.matchesAny($0) }
        for name in kept {
            if name.containsBytes("rtnl_lock") {
                result.name = name
                return result
            }
            if name.containsBytes("synchronize_rcu") || name.containsBytes("synchronize_srcu")
                || name.containsBytes("synchronize_net") || name.containsBytes("synchronize_sched")
            {
                result.name = "synchronize_rcu"
                result.raw = name
                return result
            }
        }
        for name in kept where !StackAnchors.hungTaskSkip.matchesAny(name) {
            result.name = name
            return result
        }
        return result
    }

    /// Removes one syscall wrapper prefix: the one giving the shortest result.
    static func stripSyscallPrefix(_ name: String) -> String {
        var best = name
        for prefix in StackAnchors.syscallPrefixes where name.hasPrefix(prefix) {
            let rest = String(name.dropFirst(prefix.count))
            if !rest.isEmpty, rest.count < best.count { best = rest }
        }
        return best
    }

    /// Names with each single syscall prefix removed (for alternative titles).
    static func syscallVariants(_ name: String) -> [String] {
        StackAnchors.syscallPrefixes.compactMap {
            name.hasPrefix($0) && name.count > $0.count ? String(name.dropFirst($0.count)) : nil
        }
    }
}
