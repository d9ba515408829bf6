import KernelFacts
import KtriageBytes

/// What a whole log says about the map before any line is annotated: which boot each line
/// belongs to, the KASLR offset of each boot and how it was found, and whether the map belongs to
/// the build that wrote the log.
///
/// Why a separate pass: the `Kernel Offset:` line comes at the end of a report, after the frames
/// it explains, and one disagreeing frame anywhere means no name in that boot can be trusted.
public struct LogAnalysis: Sendable {
    /// The lines of one boot (a new boot starts at each `Linux version` banner).
    public struct Segment: Sendable {
        /// 0-based indices into the analysed lines.
        public var lines: Range<Int>
        /// The release printed by this boot (banner or oops header), if any.
        public var release: String?
        /// The KASLR offset, when the evidence agrees; `nil` when unknown or in conflict.
        public var offset: KASLROffset?
        /// Evidence that disagrees about the offset, as one line for the user.
        public var offsetConflict: String?
        /// Why the map does not belong to this boot's build, as one line for the user.
        public var mismatch: String?
        /// Frames whose name and size the map confirmed.
        public var confirmedFrames = 0
        /// Frames that could not be checked (module without symbols, shared names).
        public var uncheckedFrames = 0
        /// Frames and `[<address>]`s seen: whether this boot has anything to annotate at all.
        public var addressTokens = 0

        /// Names may be printed for this boot.
        public var isTrusted: Bool { mismatch == nil && offsetConflict == nil }
    }

    public let segments: [Segment]
    public let table: SymbolTable

    /// Analyses `lines` (without line terminators) against `table`.
    /// - Parameter given: an offset from VMCOREINFO or the command line; it must agree with the
    ///   log's own evidence.
    public init(lines: [[UInt8]], table: SymbolTable, given: KASLROffset? = nil) {
        self.table = table
        var bounds: [Int] = [0]
        for (index, line) in lines.enumerated() where index > 0 && LogAnalysis.startsBoot(line) {
            bounds.append(index)
        }
        bounds.append(lines.count)
        var segments: [Segment] = []
        for position in 0..<(bounds.count - 1) where bounds[position] < bounds[position + 1] || lines.isEmpty {
            segments.append(
                LogAnalysis.analyse(
                    lines, bounds[position]..<bounds[position + 1], table: table, given: given))
        }
        self.segments = segments
    }

    /// Convenience for `String` lines.
    public init(text lines: [String], table: SymbolTable, given: KASLROffset? = nil) {
        self.init(lines: lines.map { Array($0.utf8) }, table: table, given: given)
    }

    /// The segment holding line `index`.
    public func segment(containing index: Int) -> Segment? {
        segments.first { $0.lines.contains(index) }
    }

    /// A symbolizer for one boot: names only when the map is trusted, kernel-image addresses only
    /// when the offset is known.
    public func symbolizer(for segment: Segment) -> LogSymbolizer {
        var shifted = table
        let known: Bool
        if let offset = segment.offset {
            shifted.kernelOffset = offset.value
            known = true
        } else {
            known = table.source == .kallsyms
        }
        return LogSymbolizer(table: shifted, kernelOffsetKnown: known, trusted: segment.isTrusted)
    }

    /// A `Linux version` banner with a release that starts with a digit.
    static func startsBoot(_ line: [UInt8]) -> Bool {
        line.withUnsafeBytes { bytes in
            guard let location = KernelBanner.locate(in: bytes) else { return false }
            return ByteScanning.isDigit(bytes[location.release.lowerBound])
        }
    }

    static func contains(_ line: [UInt8], _ literal: StaticString) -> Bool {
        line.withUnsafeBytes { ByteScanning.firstIndex(of: literal, in: $0) != nil }
    }

    /// Whether `line` may hold a banner or an oops header: a byte check before any decoding.
    static func mayNameRelease(_ line: [UInt8]) -> Bool {
        line.withUnsafeBytes { bytes in
            KernelBanner.locate(in: bytes) != nil || ByteScanning.firstIndex(of: " Comm: ", in: bytes) != nil
        }
    }

    private static func analyse(
        _ lines: [[UInt8]], _ range: Range<Int>, table: SymbolTable, given: KASLROffset?
    )
        -> Segment
    {
        var segment = Segment(lines: range)
        var statements: [(UInt64, KASLROffset.Evidence)] = []
        if let given { statements += given.evidence.map { (given.value, $0) } }
        var frameOffsets: Set<UInt64>?
        var frameCount = 0
        var linkTable = table
        linkTable.kernelOffset = 0
        var problems: [String] = []
        for index in range {
            let line = lines[index]
            let number = index + 1
            // Byte checks first: only banner and oops-header lines are worth decoding.
            if segment.release == nil, line.count > 20, mayNameRelease(line) {
                let text = String(decoding: line, as: UTF8.self)
                if let mapBanner = table.banner, let banner = KernelBanner(text)?.text, banner != mapBanner {
                    problems.append(
                        "the map's linux_banner is '\(mapBanner)', the log prints '\(banner)' (line \(number))"
                    )
                }
                if let release = KernelRelease.fromLogLine(text) {
                    segment.release = release
                    if let mapRelease = table.release, mapRelease != release {
                        problems.append(
                            "the map is for kernel \(mapRelease) (\(table.releaseEvidence ?? "map")), the log "
                                + "is from \(release) (line \(number))")
                    }
                }
            }
            if contains(line, "Kernel Offset: "),
                let value = KASLROffset.fromPanicLine(String(decoding: line, as: UTF8.self))
            {
                statements.append((value, .panicLine(line: number)))
            }
            if contains(line, "Kernel command line:") {
                let words = String(decoding: line, as: UTF8.self).split(separator: " ")
                if words.contains("nokaslr") { statements.append((0, .noKASLRParameter(line: number))) }
            }
            let tokens = LogTokens(line)
            segment.addressTokens += tokens.frames.count + tokens.addresses.count
            for frame in tokens.frames {
                // Sizes ≥ 2^63 are the kernel's own artefact (a module data symbol measured
                // against the end of module text), not a property of the map.
                guard frame.size < 0x8000_0000_0000_0000 else { continue }
                let resolution = linkTable.address(
                    of: frame.name, offset: frame.offset, size: frame.size, module: frame.module)
                switch resolution {
                case .address(let linked, _):
                    segment.confirmedFrames += 1
                    if frame.module == nil, let printed = frame.printedAddress {
                        frameCount += 1
                        let candidate: Set<UInt64> = [printed &- linked]
                        frameOffsets = frameOffsets.map { $0.intersection(candidate) } ?? candidate
                    }
                case .ambiguous(let starts):
                    segment.uncheckedFrames += 1
                    if frame.module == nil, let printed = frame.printedAddress {
                        frameCount += 1
                        let candidates = Set(starts.map { printed &- ($0 &+ frame.offset) })
                        frameOffsets = frameOffsets.map { $0.intersection(candidates) } ?? candidates
                    }
                case .unknownModule:
                    segment.uncheckedFrames += 1
                case .unknown where isGeneratedAtRunTime(frame.name):
                    segment.uncheckedFrames += 1
                case .unknown:
                    problems.append(
                        "line \(number): \(describe(frame)): the map has no symbol '\(frame.name)'")
                case .sizeMismatch(let sizes):
                    let shown = sizes.map { "0x" + String($0, radix: 16) }.joined(separator: ", ")
                    problems.append(
                        "line \(number): \(describe(frame)): the map's \(frame.name) is \(shown) bytes long")
                case .offsetBeyondSymbol(let size):
                    problems.append(
                        "line \(number): \(describe(frame)): offset past the end of the map's \(frame.name) "
                            + "(0x\(String(size, radix: 16)) bytes)")
                }
            }
        }
        if let first = problems.first {
            let others = problems.count - 1
            let more = others > 0 ? " (and \(others) more disagreement\(others == 1 ? "" : "s"))" : ""
            segment.mismatch = "\(table.path) belongs to another build: \(first)\(more)"
        }
        if let offsets = frameOffsets {
            if offsets.count == 1, let value = offsets.first {
                statements.append((value, .frames(count: frameCount)))
            } else if offsets.isEmpty {
                segment.offsetConflict =
                    "the \(frameCount) frames printing both address and name give different offsets"
            }
        }
        let values = Set(statements.map(\.0))
        if values.count > 1 {
            let listed = statements.map { "\($0.1) says 0x\(String($0.0, radix: 16))" }.joined(
                separator: ", ")
            segment.offsetConflict = "KASLR offset evidence disagrees: \(listed)"
        } else if let value = values.first, segment.offsetConflict == nil {
            segment.offset = KASLROffset(value: value, evidence: statements.map(\.1))
        }
        return segment
    }

    /// Code the kernel names as it creates it (JIT-compiled BPF programs, BPF and ftrace
    /// trampolines): never in a map, so its absence says nothing about the build.
    static func isGeneratedAtRunTime(_ name: String) -> Bool {
        name.hasPrefix("bpf_prog_") || name.hasPrefix("bpf_trampoline_") || name == "ftrace_trampoline"
    }

    private static func describe(_ frame: LogTokens.Frame) -> String {
        var text = "\(frame.name)+0x\(String(frame.offset, radix: 16))/0x\(String(frame.size, radix: 16))"
        if let module = frame.module { text += " [\(module)]" }
        return text
    }
}
