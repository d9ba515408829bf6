import KtriageBytes

/// Reads `nm`-format symbol lines — System.map and /proc/kallsyms share it:
/// `ADDRESS TYPE NAME` plus, in kallsyms, a tab and `[module]`.
///
/// Format notes: addresses are hex without `0x`, 8 or 16 digits; `nm` prints undefined symbols
/// with a blank address (skipped); lines end in LF or CRLF; `A` symbols are absolute values, not
/// addresses. Debian ships `/boot/System.map-*` as a one-line placeholder that points to the
/// `-dbg` package: recognised and named as such.
struct NMFormatParser {
    struct Result {
        var kernel = SymbolColumnsBuilder(expectedCount: 0)
        var absolute: [String: UInt64] = [:]
        var modules: [String: SymbolColumnsBuilder] = [:]
        var moduleOrder: [String] = []
        var lines = 0
        var zeroTextAddresses = 0
        var textSymbols = 0
    }

    let path: String

    func parse(_ bytes: UnsafeRawBufferPointer) throws(SymbolFileError) -> Result {
        var result = Result()
        // A System.map line averages ~40 bytes; reserving avoids regrowth on big maps.
        let estimate = bytes.count / 36 + 16
        result.kernel = SymbolColumnsBuilder(expectedCount: estimate, expectedNameBytes: bytes.count / 2)
        var position = 0
        var lineNumber = 0
        let end = bytes.count
        while position < end {
            lineNumber += 1
            if let next = fastLine(bytes, position, &result) {
                position = next
                continue
            }
            var lineEnd = position
            while lineEnd < end, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            var contentEnd = lineEnd
            while contentEnd > position,
                bytes[contentEnd - 1] == UInt8(ascii: "\r") || bytes[contentEnd - 1] == UInt8(ascii: " ")
                    || bytes[contentEnd - 1] == UInt8(ascii: "\t")
            {
                contentEnd -= 1
            }
            if contentEnd > position {
                try parseLine(bytes, position, contentEnd, lineNumber, &result)
            }
            position = lineEnd + 1
        }
        result.lines = lineNumber
        return result
    }

    /// The common line (`ADDRESS TYPE NAME` then LF or the end) read in one pass; `nil` sends the
    /// line to the careful path, which handles everything else and words the errors.
    @inline(__always)
    private func fastLine(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ result: inout Result) -> Int? {
        let end = bytes.count
        guard let (address, addressEnd, _) = ByteScanning.hexDigits(bytes, at: start) else { return nil }
        var cursor = addressEnd
        guard cursor + 3 < end, bytes[cursor] == UInt8(ascii: " "),
            NMFormatParser.isTypeLetter(bytes[cursor + 1]),
            bytes[cursor + 2] == UInt8(ascii: " ")
        else { return nil }
        let type = bytes[cursor + 1]
        cursor += 3
        let nameStart = cursor
        while cursor < end {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: " ")
                || byte == UInt8(ascii: "\r")
            {
                break
            }
            cursor += 1
        }
        guard cursor > nameStart, cursor - nameStart <= Int(UInt16.max),
            cursor == end || bytes[cursor] == UInt8(ascii: "\n")
        else { return nil }
        record(
            address, type, UnsafeRawBufferPointer(rebasing: bytes[nameStart..<cursor]), module: nil, &result)
        return cursor + 1
    }

    private func parseLine(
        _ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ lineNumber: Int, _ result: inout Result
    ) throws(SymbolFileError) {
        var cursor = start
        var address: UInt64 = 0
        var digits = 0
        while cursor < end, let value = ByteScanning.hexValue(bytes[cursor]) {
            guard digits < 16 else {
                throw failure(lineNumber, "address longer than 16 hex digits", bytes, start, end)
            }
            address = address << 4 | UInt64(value)
            digits += 1
            cursor += 1
        }
        if digits == 0 {
            // `nm` prints undefined symbols with spaces where the address would be.
            var probe = cursor
            while probe < end, bytes[probe] == UInt8(ascii: " ") { probe += 1 }
            if probe > cursor, probe + 1 < end,
                bytes[probe] == UInt8(ascii: "U") || bytes[probe] == UInt8(ascii: "w")
                    || bytes[probe] == UInt8(ascii: "v"), bytes[probe + 1] == UInt8(ascii: " ")
            {
                return
            }
            throw failure(lineNumber, "expected 'ADDRESS TYPE NAME'", bytes, start, end)
        }
        guard cursor + 2 < end, bytes[cursor] == UInt8(ascii: " "), NMFormatParser.isTypeLetter(bytes[cursor + 1]),
            bytes[cursor + 2] == UInt8(ascii: " ")
        else {
            throw failure(lineNumber, "expected 'ADDRESS TYPE NAME'", bytes, start, end)
        }
        let type = bytes[cursor + 1]
        cursor += 3
        let nameStart = cursor
        while cursor < end, bytes[cursor] != UInt8(ascii: "\t"), bytes[cursor] != UInt8(ascii: " ") { cursor += 1 }
        let nameEnd = cursor
        guard nameEnd > nameStart, nameEnd - nameStart <= Int(UInt16.max) else {
            throw failure(lineNumber, "expected 'ADDRESS TYPE NAME'", bytes, start, end)
        }
        while cursor < end, bytes[cursor] == UInt8(ascii: "\t") || bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
        var module: String?
        if cursor < end {
            guard bytes[cursor] == UInt8(ascii: "["), bytes[end - 1] == UInt8(ascii: "]"), end - cursor > 2
            else {
                throw failure(lineNumber, "unexpected text after the symbol name", bytes, start, end)
            }
            module = String(
                decoding: UnsafeRawBufferPointer(rebasing: bytes[(cursor + 1)..<(end - 1)]), as: UTF8.self)
        }
        record(
            address, type, UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd]), module: module,
            &result)
    }

    @inline(__always)
    private func record(
        _ address: UInt64, _ type: UInt8, _ name: UnsafeRawBufferPointer, module: String?,
        _ result: inout Result
    ) {
        let isText = type == UInt8(ascii: "T") || type == UInt8(ascii: "t")
        if isText {
            result.textSymbols += 1
            if address == 0 { result.zeroTextAddresses += 1 }
        }
        if let module {
            if result.modules[module] == nil {
                result.modules[module] = SymbolColumnsBuilder()
                result.moduleOrder.append(module)
            }
            result.modules[module]?.append(address: address, size: 0, type: type, name: name)
        } else if type == UInt8(ascii: "A") || type == UInt8(ascii: "a") {
            result.absolute[String(decoding: name, as: UTF8.self)] = address
        } else if type == UInt8(ascii: "U") {
            return
        } else {
            result.kernel.append(address: address, size: 0, type: type, name: name)
        }
    }

    private func failure(
        _ lineNumber: Int, _ message: String, _ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int
    ) -> SymbolFileError {
        let shown = min(end - start, 60)
        let text = String(
            decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + shown)]), as: UTF8.self)
        if text.contains("The real System.map is in") || text.contains("-dbg package") {
            return SymbolFileError(
                path: path, line: lineNumber,
                message:
                    "this is Debian's placeholder System.map; the real one is in the linux-image-<release>-dbg package"
            )
        }
        let printable = text.unicodeScalars.allSatisfy {
            $0.value >= UInt8(ascii: " ") && $0.value < 0x7F || $0 == "\t"
        }
        let sample = printable ? "'\(text)\(end - start > shown ? "…" : "")'" : "binary data"
        let what = lineNumber == 1 ? "not a System.map or kallsyms file: " : ""
        return SymbolFileError(path: path, line: lineNumber, message: "\(what)\(message), found \(sample)")
    }

    @inline(__always)
    static func isTypeLetter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "?")
            || byte == UInt8(ascii: "-")
    }
}
