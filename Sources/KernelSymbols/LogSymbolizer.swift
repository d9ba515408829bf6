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
        // Insertions as byte strings, built without going through `String`.
        var insertions: [(position: Int, bytes: [UInt8])] = []
        for frame in tokens.frames where frame.printedAddress == nil {
            guard frame.size < 0x8000_0000_0000_0000 || frame.module != nil,
                let address = address(of: frame)
            else { continue }
            var text: [UInt8] = [UInt8(ascii: "["), UInt8(ascii: "<")]
            LogSymbolizer.appendHex(address, width: address > 0xffff_ffff ? 16 : 8, to: &text)
            text += [UInt8(ascii: ">"), UInt8(ascii: "]"), UInt8(ascii: " ")]
            insertions.append((frame.markerStart ?? frame.range.lowerBound, text))
        }
        for printed in tokens.addresses {
            let followedByFrame = tokens.frames.contains {
                $0.printedAddress == printed.value && $0.range.lowerBound >= printed.range.upperBound
            }
            guard !followedByFrame, let match = name(of: printed.value) else { continue }
            var text: [UInt8] = [UInt8(ascii: " ")]
            LogSymbolizer.appendDescription(of: match, to: &text)
            insertions.append((printed.range.upperBound, text))
        }
        for register in tokens.registers {
            guard let match = name(of: register.value), match.isText else { continue }
            var text: [UInt8] = [UInt8(ascii: " "), UInt8(ascii: "(")]
            LogSymbolizer.appendDescription(of: match, to: &text)
            text.append(UInt8(ascii: ")"))
            insertions.append((register.end, text))
        }
        guard !insertions.isEmpty else { return line }
        insertions.sort { $0.position < $1.position }
        var output: [UInt8] = []
        output.reserveCapacity(line.count + insertions.reduce(0) { $0 + $1.bytes.count })
        var copied = 0
        for insertion in insertions {
            output += line[copied..<insertion.position]
            output += insertion.bytes
            copied = insertion.position
        }
        output += line[copied...]
        return output
    }

    /// `name+0xoff/0xsize [module]` as bytes (what `SymbolMatch.description` says).
    static func appendDescription(of match: SymbolMatch, to text: inout [UInt8]) {
        text += match.nameBytes
        text += [UInt8(ascii: "+"), UInt8(ascii: "0"), UInt8(ascii: "x")]
        appendHex(match.offset, width: 1, to: &text)
        text += [UInt8(ascii: "/"), UInt8(ascii: "0"), UInt8(ascii: "x")]
        appendHex(match.size, width: 1, to: &text)
        if let module = match.module {
            text += [UInt8(ascii: " "), UInt8(ascii: "[")]
            text += module.utf8
            text.append(UInt8(ascii: "]"))
        }
    }

    /// Lower-case hex digits of `value`, zero-padded to `width`.
    static func appendHex(_ value: UInt64, width: Int, to text: inout [UInt8]) {
        let digits = max(width, (64 - value.leadingZeroBitCount + 3) / 4)
        var shift = (digits - 1) * 4
        while shift >= 0 {
            let nibble = UInt8(truncatingIfNeeded: (value >> UInt64(shift)) & 0xf)
            text.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble)
            shift -= 4
        }
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

}
