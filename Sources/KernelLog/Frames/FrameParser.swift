import KernelFacts
import KtriageBytes

/// A call-trace line decoded: the frame, and whether it may serve as a title frame.
struct FrameLine {
    var frame: Frame
    /// The identifier before any `.isra`/`.cold` clone suffix, when the line is a frame that title
    /// rules may use (reliable, printed as `name+0xoff/0xsize` or `name.suffix+…`).
    var titleName: String?
    /// arm32 prints `(callee) from [<lr>] (caller+0x30/0x40)`: the caller's name.
    var callerName: String?

    /// Title names on this line, callee first.
    var titleNames: [String] { [titleName, callerName].compactMap { $0 } }
}

/// Parses one call-trace line.
///
/// Accepted shapes (prefix already removed):
/// - x86 ≤5.x `[<ffffffff81234567>] ? name+0x12/0x34 [mod]`, x86 5.x+ ` ? name+0x12/0x34 [mod buildid]`;
///   copied from a web page, `[] ? name+0x12/0x34` or `[]name+0x12/0x34` (the address taken for a tag)
/// - ppc64 `[c000000000a3bd00] [c00000000008ee3c] name+0x2c/0x60 (unreliable)` (stack, then LR)
/// - arm32 `[<c0101234>] (name+0x10/0x20) from [<c0105678>] (caller+0x30/0x40)` (first frame only)
/// - arm64/riscv/s390 ` name+0x1c/0x30 [mod]`, `[<ffff000008085f4c>] name+0x1c/0x30`,
///   s390 ≤4.x `([<0000000000112233>] name+0x2c/0x60)`
/// - symbolized syzbot output ` name+0x12/0x34 net/x.c:123` (inline lines `name file.c:12 [inline]`
///   carry no offset and are not frames)
/// - `scripts/decode_stacktrace.sh` output: `name (net/x.c:123) [mod]` (≤6.1, no offset) and
///   `name+0x12/0x34 (net/x.c:123)`; its `name (inlined)` lines are not frames, like `[inline]`.
enum FrameParser {
    /// Bytes of a line that are looked at: a frame line is far shorter.
    static let maxLineBytes = 512

    static func parse(_ line: Substring) -> FrameLine? {
        let bytes = Array(line.utf8.prefix(maxLineBytes))
        var index = 0
        func skipBlanks() {
            while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
                index += 1
            }
        }
        skipBlanks()
        var address: UInt64?
        var reliable = true
        if index < bytes.count, bytes[index] == UInt8(ascii: "(") { index += 1 }
        // ppc64 prints two: the stack pointer, then the return address.
        var printedAddresses = 0
        while printedAddresses < 2 {
            if let printed = FrameToken.printedAddress(bytes, at: index) {
                address = printed.value
                index = printed.end
            } else if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "["), bytes[index + 1] == UInt8(ascii: "]")
            {
                // `[]`: a web page took `<ffffffff81234567>` for an HTML tag and dropped it.
                index += 2
            } else {
                break
            }
            printedAddresses += 1
            skipBlanks()
        }
        if FrameToken.isUnreliableMarker(bytes, at: index) {
            reliable = false
            index += 2
            skipBlanks()
        }
        // A frame the kernel could not symbolize: ` 0xfdc88c28` or `[<000003ff8012abcd>] 0x3ff8012abcd`.
        if let bare = bareAddress(bytes, from: index) {
            return FrameLine(frame: Frame(function: "", address: address ?? bare, reliable: reliable), titleName: nil)
        }
        var parenthesised = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "(") {
            index += 1
            parenthesised = true
        }
        let nameStart = index
        while index < bytes.count, FrameToken.isSymbolByte(bytes[index]) { index += 1 }
        if parenthesised, index > nameStart, index < bytes.count, bytes[index] == UInt8(ascii: ")") {
            return armFrame(bytes, nameStart: nameStart, nameEnd: index, address: address, line: line)
        }
        let nameEnd = index
        guard nameEnd > nameStart else { return nil }
        var offset: UInt64?
        var size: UInt64?
        var module: String?
        if let (printedOffset, printedSize, numbersEnd) = FrameToken.offsetAndSize(bytes, at: nameEnd) {
            offset = printedOffset
            size = printedSize
            index = numbersEnd
            if index < bytes.count, bytes[index] == UInt8(ascii: ")") { index += 1 }
            module = FrameToken.module(bytes, at: index).map { String(decoding: bytes[$0.name], as: UTF8.self) }
        } else if let sourceEnd = Self.sourceLocation(bytes, at: nameEnd) {
            // `decode_stacktrace.sh` (≤6.1) replaces `name+0x1c/0x30 [mod]` by `name (file.c:123) mod`.
            module = Self.bareModule(bytes, from: sourceEnd)
        } else {
            return nil
        }
        if line.hasSuffix("(unreliable)") { reliable = false }
        // ppc64 ELFv1 prints function descriptors' entry points with a leading dot (`.schedule`).
        var symbolStart = nameStart
        while symbolStart < nameEnd - 1, bytes[symbolStart] == UInt8(ascii: ".") { symbolStart += 1 }
        let full = String(decoding: bytes[symbolStart..<nameEnd], as: UTF8.self)
        let first = bytes[symbolStart]
        var titleName: String?
        if reliable, FrameToken.isIdentifierByte(first), !ByteScanning.isDigit(first) {
            var identifierEnd = symbolStart
            while identifierEnd < nameEnd, FrameToken.isIdentifierByte(bytes[identifierEnd]) { identifierEnd += 1 }
            titleName = Demangler.demangle(String(decoding: bytes[symbolStart..<identifierEnd], as: UTF8.self))
        }
        let frame = Frame(
            function: full, offset: offset, size: size, module: module, address: address, reliable: reliable)
        return FrameLine(frame: frame, titleName: titleName)
    }

    /// ` (path/file.c:123)` or ` (a.h:12 b.c:34)` (inlined calls on one line) after a name, as
    /// `scripts/decode_stacktrace.sh` prints it: the index after `)`. Not ` (inlined)` (a call
    /// compiled into its caller, which the caller's line stands for).
    static func sourceLocation(_ bytes: [UInt8], at start: Int) -> Int? {
        guard start + 4 < bytes.count, bytes[start] == UInt8(ascii: " "), bytes[start + 1] == UInt8(ascii: "(")
        else { return nil }
        var index = start + 2
        var sawLine = false
        while index < bytes.count, bytes[index] != UInt8(ascii: ")") {
            if bytes[index] == UInt8(ascii: ":"), index + 1 < bytes.count, ByteScanning.isDigit(bytes[index + 1]) {
                sawLine = true
            }
            index += 1
        }
        guard sawLine, index < bytes.count else { return nil }
        return index + 1
    }

    /// The module `decode_stacktrace.sh` leaves as a bare word after the location (`… ) mlx5_core`).
    static func bareModule(_ bytes: [UInt8], from start: Int) -> String? {
        var index = start
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        let nameStart = index
        while index < bytes.count, FrameToken.isIdentifierByte(bytes[index]) { index += 1 }
        guard index > nameStart, index == bytes.count || bytes[index] == UInt8(ascii: " ") else { return nil }
        return String(decoding: bytes[nameStart..<index], as: UTF8.self)
    }

    /// `0x…` alone on the rest of the line (trailing spaces allowed).
    static func bareAddress(_ bytes: [UInt8], from start: Int) -> UInt64? {
        guard start + 2 < bytes.count, let (value, end) = FrameToken.prefixedHex(bytes, at: start) else { return nil }
        var index = end
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        return index == bytes.count ? value : nil
    }

    /// arm32 `[<pc>] (callee) from [<lr>] (caller+0x30/0x40)`.
    static func armFrame(_ bytes: [UInt8], nameStart: Int, nameEnd: Int, address: UInt64?, line: Substring)
        -> FrameLine?
    {
        let name = String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self)
        var result = FrameLine(frame: Frame(function: name, address: address), titleName: titleBase(name))
        if let from = line.byteRange(of: ") from ") {
            let rest = line[from.upperBound...]
            if let caller = parse(rest) { result.callerName = caller.titleName }
        }
        return result
    }

    /// The identifier part of a symbol (`foo.isra.0` → `foo`), if it can name a title frame.
    static func titleBase(_ name: String) -> String? {
        let base = name.prefix(while: { $0 != "." })
        guard let first = base.utf8.first, FrameToken.isIdentifierByte(first), !ByteScanning.isDigit(first) else {
            return nil
        }
        return String(base)
    }

    /// Decodes the instruction-pointer line (`RIP:`, `IP:`, `EIP:`, `pc :`, `PC is at`, `NIP [..]`,
    /// `epc :`) into its frame. Returns `nil` when the line is not one or names no function
    /// (user-space `RIP: 0033:0x7f…`, `NIP:  c000… LR: …`).
    static func parseInstructionPointer(_ line: Substring) -> FrameLine? {
        // s390: `Krnl PSW : 0704c00180000000 000000000012abcd (foo+0x24/0x80 [mod])`
        if line.hasBytePrefix("Krnl PSW"), let open = line.firstIndex(of: "(") {
            return parse(line[line.index(after: open)...])
        }
        // Only a marker at the start of the text (after spaces) counts.
        let text = line.drop(while: { $0 == " " || $0 == "\t" })
        for marker in ipMarkers where text.hasBytePrefix(marker) {
            var rest = text[text.utf8.index(text.startIndex, offsetBy: marker.utf8.count)...].drop(while: { $0 == " " })
            // `RIP: 0010:foo+0x..` and 2.6.32 `RIP: 0010:[<ffffffff8104f2a1>]  [<…>] foo+0x..`
            if rest.count > 5, let colon = rest.firstIndex(of: ":"),
                rest.distance(from: rest.startIndex, to: colon) == 4,
                rest[..<colon].allSatisfy({ $0.isHexDigit })
            {
                rest = rest[rest.index(after: colon)...]
            }
            if rest.hasBytePrefix("0x") { return nil }
            // mips `epc   : ffffffff8012abcd func+0x24/0x80`: the address, then the symbol.
            let word = rest.prefix(while: { $0 != " " })
            if word.count >= 8, word.allSatisfy(\.isHexDigit), rest.count > word.count {
                rest = rest[word.endIndex...].drop(while: { $0 == " " })
            }
            return parse(rest)
        }
        return nil
    }

    /// x86-64, x86 ≤4.x, i386, arm64, arm, ppc, riscv, mips (`epc   : %0*lx %pS`, padded to the
    /// register column), ia64/parisc.
    static let ipMarkers = [
        "RIP:", "IP:", "EIP:", "EIP is at", "pc :", "PC is at", "NIP ", "epc :", "epc   :", "ip:",
    ]

    /// A stack-context marker line (`<IRQ>`, `</IRQ>`, `<EOI>`, `<NMI>`, `<<EOE>>`, `<TASK>`, `<#DF>`),
    /// and the context that follows it.
    static func contextMarker(_ line: Substring) -> FrameContext? {
        let text = line.drop(while: { $0 == " " || $0 == "\t" })
        guard text.first == "<" else { return nil }
        let word = text.prefix(while: { $0 != " " })
        switch word {
        case "<IRQ>": return .irq
        case "<SOFTIRQ>": return .softirq
        case "<NMI>": return .nmi
        case "</IRQ>", "</SOFTIRQ>", "<EOI>", "</NMI>", "<<EOE>>", "<TASK>", "</TASK>": return .task
        default:
            if word.hasBytePrefix("<#") { return .exception }
            if word.hasBytePrefix("</#") { return .task }
            return nil
        }
    }
}
