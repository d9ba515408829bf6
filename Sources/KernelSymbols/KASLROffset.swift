import KtriageBytes

/// The kernel image's run-time minus link-time address (KASLR), and how it was learned.
///
/// Sources, strongest first: VMCOREINFO `KERNELOFFSET=` (hex, as the vmcore reader passes it),
/// the `Kernel Offset: 0x… from 0xffffffff81000000` line printed at panic (or `Kernel Offset:
/// disabled`), `nokaslr` on the kernel command line, and frames that print both an address and
/// `function+offset/size` (every such frame must give the same offset).
public struct KASLROffset: Sendable, Equatable, CustomStringConvertible {
    /// One piece of evidence.
    public enum Evidence: Sendable, Equatable, CustomStringConvertible {
        /// VMCOREINFO `KERNELOFFSET`.
        case vmcoreinfo
        /// `--kaslr-offset` or another caller-given value.
        case given
        /// The `Kernel Offset:` line (1-based line number in the log).
        case panicLine(line: Int)
        /// `nokaslr` on the command line printed at boot.
        case noKASLRParameter(line: Int)
        /// Frames printed with both address and name that all agree.
        case frames(count: Int)
        /// A kallsyms copy's `_text` against the map's.
        case kallsyms

        public var description: String {
            switch self {
            case .vmcoreinfo: return "VMCOREINFO KERNELOFFSET"
            case .given: return "given on the command line"
            case .panicLine(let line): return "'Kernel Offset:' line \(line)"
            case .noKASLRParameter(let line): return "'nokaslr' on the command line (line \(line))"
            case .frames(let count): return "\(count) frame\(count == 1 ? "" : "s") printing address and name"
            case .kallsyms: return "kallsyms _text against the map's"
            }
        }
    }

    public var value: UInt64
    public var evidence: [Evidence]

    public init(value: UInt64, evidence: [Evidence]) {
        self.value = value
        self.evidence = evidence
    }

    /// `0x7800000 (from 'Kernel Offset:' line 430)`.
    public var description: String {
        "0x\(String(value, radix: 16)) (from \(evidence.map(\.description).joined(separator: ", ")))"
    }

    /// Parses VMCOREINFO's `KERNELOFFSET` value: plain hex, with or without `0x`.
    public static func fromVmcoreinfo(_ hex: String) -> KASLROffset? {
        parseHex(hex).map { KASLROffset(value: $0, evidence: [.vmcoreinfo]) }
    }

    /// The offset between a kallsyms copy (run-time addresses) and a map of the same build
    /// (link-time addresses), from `_text`, `_stext` or `startup_64`, whichever both have.
    public static func between(runTime kallsyms: SymbolTable, linkTime map: SymbolTable) -> KASLROffset? {
        for name in ["_text", "_stext", "startup_64"] {
            if let running = kallsyms.linkAddress(of: name), let linked = map.linkAddress(of: name) {
                return KASLROffset(value: running &- linked, evidence: [.kallsyms])
            }
        }
        return nil
    }

    /// One offset from several statements (command line, VMCOREINFO, kallsyms) with all their
    /// evidence, `nil` for none.
    /// - Throws: `KASLRConflict` when two statements give different values.
    public static func agreeing(_ statements: [KASLROffset]) throws(KASLRConflict) -> KASLROffset? {
        var combined: KASLROffset?
        for statement in statements {
            if let earlier = combined, earlier.value != statement.value {
                throw KASLRConflict(first: earlier, second: statement)
            }
            combined = KASLROffset(
                value: statement.value, evidence: (combined?.evidence ?? []) + statement.evidence)
        }
        return combined
    }

    /// Parses a user-given hex offset (`0x7800000` or `7800000`).
    public static func given(_ hex: String) -> KASLROffset? {
        parseHex(hex).map { KASLROffset(value: $0, evidence: [.given]) }
    }

    /// Hex with or without `0x`, spaces and a line end around it allowed (typed or pasted).
    static func parseHex(_ text: String) -> UInt64? {
        var digits = Substring(text)
        while digits.first == " " { digits = digits.dropFirst() }
        while digits.last == " " || digits.last == "\n" || digits.last == "\r" { digits = digits.dropLast() }
        return ByteScanning.hexNumber(digits)
    }

    /// The offset on a `Kernel Offset: 0x7800000 from 0xffffffff81000000 (…)` line; 0 for
    /// `Kernel Offset: disabled`; `nil` when the line is not one of these.
    public static func fromPanicLine(_ line: some StringProtocol) -> UInt64? {
        let text = String(line)
        guard let range = text.firstRange(of: "Kernel Offset: ") else { return nil }
        let rest = text[range.upperBound...]
        if rest.hasPrefix("disabled") { return 0 }
        guard rest.hasPrefix("0x") else { return nil }
        return ByteScanning.hexNumber(rest.dropFirst(2).prefix { $0.isHexDigit })
    }
}

/// Two sources that give different KASLR offsets: no address can be trusted until one is dropped.
public struct KASLRConflict: Error, Sendable, Equatable, CustomStringConvertible {
    public var first: KASLROffset
    public var second: KASLROffset

    public var description: String { "KASLR offsets disagree: \(first) and \(second)" }
}
