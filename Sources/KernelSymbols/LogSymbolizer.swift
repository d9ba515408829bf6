/// Annotates one log line at a time: bare `[<address>]` frames get `function+0xoff/0xsize
/// [module]`, bare `function+0xoff/0xsize` frames get their `[<address>]`, and register values
/// that point into code get the function in parentheses. Nothing else changes: a line with
/// nothing to add comes back byte for byte.
///
/// A pure function of the line (no I/O, no state), so the crash parser and the vmcore reader can
/// call it on their own lines. Get one from `LogAnalysis.symbolizer(for:)`, which knows the KASLR
/// offset and whether the map can be trusted; an untrusted symbolizer returns every line as is.
public struct LogSymbolizer: Sendable {
    public let table: SymbolTable
    /// The kernel image's KASLR offset is known (else kernel-image addresses stay as they are).
    public let kernelOffsetKnown: Bool
    /// The map belongs to the log's build.
    public let trusted: Bool

    public init(table: SymbolTable, kernelOffsetKnown: Bool, trusted: Bool) {
        self.table = table
        self.kernelOffsetKnown = kernelOffsetKnown
        self.trusted = trusted
    }

    /// The annotated line (same bytes when nothing applies).
    public func symbolize(_ line: String) -> String {
        let bytes = Array(line.utf8)
        let result = symbolize(bytes)
        return result == bytes ? line : String(decoding: result, as: UTF8.self)
    }

    /// The annotated line, as bytes, without its line terminator.
    public func symbolize(_ line: [UInt8]) -> [UInt8] {
        guard trusted, !line.isEmpty else { return line }
        let tokens = LogTokens(line)
        guard !tokens.addresses.isEmpty || !tokens.frames.isEmpty || !tokens.registers.isEmpty else {
            return line
        }
        var insertions: [(Int, String)] = []
        for frame in tokens.frames where frame.printedAddress == nil {
            guard frame.size < 0x8000_0000_0000_0000 || frame.module != nil,
                let address = address(of: frame)
            else { continue }
            insertions.append((frame.markerStart ?? frame.range.lowerBound, "[<\(hex(address))>] "))
        }
        for printed in tokens.addresses {
            let followedByFrame = tokens.frames.contains {
                $0.printedAddress == printed.value && $0.range.lowerBound >= printed.range.upperBound
            }
            guard !followedByFrame, let match = name(of: printed.value) else { continue }
            insertions.append((printed.range.upperBound, " \(match)"))
        }
        for register in tokens.registers {
            guard let match = name(of: register.value), match.isText else { continue }
            insertions.append((register.end, " (\(match))"))
        }
        guard !insertions.isEmpty else { return line }
        var output = line
        for (position, text) in insertions.sorted(by: { $0.0 > $1.0 }) {
            output.insert(contentsOf: Array(text.utf8), at: position)
        }
        return output
    }

    /// The symbol at a run-time address, if one can be named with confidence.
    public func name(of address: UInt64) -> SymbolMatch? {
        guard trusted, let match = table.lookup(address) else { return nil }
        if match.module == nil, !kernelOffsetKnown { return nil }
        return match
    }

    /// The run-time address of a printed frame, if it can be computed with confidence.
    func address(of frame: LogTokens.Frame) -> UInt64? {
        if frame.module == nil, !kernelOffsetKnown { return nil }
        let size: UInt64? = frame.size < 0x8000_0000_0000_0000 ? frame.size : nil
        return table.address(of: frame.name, offset: frame.offset, size: size, module: frame.module)
            .resolvedAddress
    }

    private func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        let width = value > 0xffff_ffff ? 16 : 8
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
