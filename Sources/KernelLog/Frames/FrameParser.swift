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
/// - x86 ≤5.x `[<ffffffff81234567>] ? name+0x12/0x34 [mod]`, x86 5.x+ ` ? name+0x12/0x34 [mod buildid]`
/// - ppc64 `[c000000000a3bd00] [c00000000008ee3c] name+0x2c/0x60 (unreliable)` (stack, then LR)
/// - arm32 `[<c0101234>] (name+0x10/0x20) from [<c0105678>] (caller+0x30/0x40)` (first frame only)
/// - arm64/riscv/s390 ` name+0x1c/0x30 [mod]`, `[<ffff000008085f4c>] name+0x1c/0x30`,
///   s390 ≤4.x `([<0000000000112233>] name+0x2c/0x60)`
/// - symbolized syzbot output ` name+0x12/0x34 net/x.c:123` (inline lines `name file.c:12 [inline]`
///   carry no offset and are not frames).
enum FrameParser {
    static func parse(_ line: Substring) -> FrameLine? {
        let b = Array(line.utf8.prefix(512))
        var i = 0
        func skipSpaces() { while i < b.count, b[i] == 0x20 || b[i] == 0x09 { i += 1 } }
        skipSpaces()
        var address: UInt64?
        var reliable = true
        if i < b.count, b[i] == UInt8(ascii: "(") { i += 1 }
        var markers = 0
        while markers < 2, i < b.count, b[i] == UInt8(ascii: "[") {
            var j = i + 1
            if j < b.count, b[j] == UInt8(ascii: "<") { j += 1 }
            let start = j
            var value: UInt64 = 0
            while j < b.count, let d = hexValue(b[j]), j - start < 16 {
                value = value &* 16 &+ UInt64(d)
                j += 1
            }
            guard j > start else { break }
            if j < b.count, b[j] == UInt8(ascii: ">") { j += 1 }
            guard j < b.count, b[j] == UInt8(ascii: "]") else { break }
            address = value
            i = j + 1
            markers += 1
            skipSpaces()
        }
        if i + 1 < b.count, b[i] == UInt8(ascii: "?"), b[i + 1] == 0x20 {
            reliable = false
            i += 2
            skipSpaces()
        }
        // A frame the kernel could not symbolize: ` 0xfdc88c28` or `[<000003ff8012abcd>] 0x3ff8012abcd`.
        if let bare = bareAddress(b, from: i) {
            return FrameLine(frame: Frame(function: "", address: address ?? bare, reliable: reliable), titleName: nil)
        }
        var parenthesised = false
        if i < b.count, b[i] == UInt8(ascii: "(") {
            i += 1
            parenthesised = true
        }
        let nameStart = i
        while i < b.count, isIdent(b[i]) || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "$") { i += 1 }
        if parenthesised, i > nameStart, i < b.count, b[i] == UInt8(ascii: ")") {
            return armFrame(b, nameStart: nameStart, nameEnd: i, address: address, line: line)
        }
        guard i > nameStart, i < b.count, b[i] == UInt8(ascii: "+") else { return nil }
        let nameEnd = i
        i += 1
        guard let offset = parseHex(b, &i) else { return nil }
        var size: UInt64?
        if i < b.count, b[i] == UInt8(ascii: "/") {
            i += 1
            size = parseHex(b, &i)
        }
        if i < b.count, b[i] == UInt8(ascii: ")") { i += 1 }
        var module: String?
        skipSpaces()
        if i < b.count, b[i] == UInt8(ascii: "[") {
            var j = i + 1
            let start = j
            while j < b.count, b[j] != UInt8(ascii: "]"), b[j] != 0x20 { j += 1 }
            if j > start, j < b.count {
                let name = String(decoding: b[start..<j], as: UTF8.self)
                if name != "inline" { module = name }
            }
        }
        if line.hasSuffix("(unreliable)") { reliable = false }
        // ppc64 ELFv1 prints function descriptors' entry points with a leading dot (`.schedule`).
        var symbolStart = nameStart
        while symbolStart < nameEnd - 1, b[symbolStart] == UInt8(ascii: ".") { symbolStart += 1 }
        let full = String(decoding: b[symbolStart..<nameEnd], as: UTF8.self)
        let first = b[symbolStart]
        var titleName: String?
        if reliable, isIdent(first), !(first >= 0x30 && first <= 0x39) {
            var k = symbolStart
            while k < nameEnd, isIdent(b[k]) { k += 1 }
            titleName = Demangler.demangle(String(decoding: b[symbolStart..<k], as: UTF8.self))
        }
        let frame = Frame(
            function: full, offset: offset, size: size, module: module, address: address, reliable: reliable)
        return FrameLine(frame: frame, titleName: titleName)
    }

    /// `0x…` alone on the rest of the line (trailing spaces allowed).
    static func bareAddress(_ b: [UInt8], from start: Int) -> UInt64? {
        guard start + 2 < b.count, b[start] == 0x30, b[start + 1] == UInt8(ascii: "x") else { return nil }
        var i = start
        guard let value = parseHex(b, &i) else { return nil }
        while i < b.count, b[i] == 0x20 { i += 1 }
        return i == b.count ? value : nil
    }

    /// arm32 `[<pc>] (callee) from [<lr>] (caller+0x30/0x40)`.
    static func armFrame(_ b: [UInt8], nameStart: Int, nameEnd: Int, address: UInt64?, line: Substring) -> FrameLine? {
        let name = String(decoding: b[nameStart..<nameEnd], as: UTF8.self)
        var result = FrameLine(frame: Frame(function: name, address: address), titleName: titleBase(name))
        if let r = line.range(of: ") from ") {
            let rest = line[r.upperBound...]
            if let caller = parse(rest) { result.callerName = caller.titleName }
        }
        return result
    }

    /// The identifier part of a symbol (`foo.isra.0` → `foo`), if it can name a title frame.
    static func titleBase(_ name: String) -> String? {
        let base = name.prefix(while: { $0 != "." })
        guard let f = base.utf8.first, isIdent(f), !(f >= 0x30 && f <= 0x39) else { return nil }
        return String(base)
    }

    /// Decodes the instruction-pointer line (`RIP:`, `IP:`, `EIP:`, `pc :`, `PC is at`, `NIP [..]`,
    /// `epc :`) into its frame. Returns `nil` when the line is not one or names no function
    /// (user-space `RIP: 0033:0x7f…`, `NIP:  c000… LR: …`).
    static func parseInstructionPointer(_ line: Substring) -> FrameLine? {
        // s390: `Krnl PSW : 0704c00180000000 000000000012abcd (foo+0x24/0x80 [mod])`
        if line.hasPrefix("Krnl PSW"), let open = line.firstIndex(of: "(") {
            return parse(line[line.index(after: open)...])
        }
        for marker in ipMarkers {
            guard let r = line.range(of: marker) else { continue }
            // Only accept the marker at the start of the text (after spaces).
            if !line[..<r.lowerBound].allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
            var rest = line[r.upperBound...].drop(while: { $0 == " " })
            // `RIP: 0010:foo+0x..` and 2.6.32 `RIP: 0010:[<ffffffff8104f2a1>]  [<…>] foo+0x..`
            if rest.count > 5, let colon = rest.firstIndex(of: ":"),
                rest.distance(from: rest.startIndex, to: colon) == 4,
                rest[..<colon].allSatisfy({ $0.isHexDigit })
            {
                rest = rest[rest.index(after: colon)...]
            }
            if rest.hasPrefix("0x") { return nil }
            return parse(rest)
        }
        return nil
    }

    static let ipMarkers = ["RIP:", "IP:", "EIP:", "EIP is at", "pc :", "PC is at", "NIP ", "epc :", "ip:"]

    @inline(__always) static func isIdent(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c == 0x5f
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    static func parseHex(_ b: [UInt8], _ i: inout Int) -> UInt64? {
        if i + 1 < b.count, b[i] == 0x30, b[i + 1] == UInt8(ascii: "x") { i += 2 }
        let start = i
        var value: UInt64 = 0
        while i < b.count, let d = hexValue(b[i]), i - start < 16 {
            value = value &* 16 &+ UInt64(d)
            i += 1
        }
        return i > start ? value : nil
    }

    /// A stack-context marker line (`<IRQ>`, `</IRQ>`, `<EOI>`, `<NMI>`, `<<EOE>>`, `<TASK>`, `<#DF>`),
    /// and the context that follows it.
    static func contextMarker(_ line: Substring) -> FrameContext? {
        let t = line.drop(while: { $0 == " " || $0 == "\t" })
        guard t.first == "<" else { return nil }
        let word = t.prefix(while: { $0 != " " })
        switch word {
        case "<IRQ>": return .irq
        case "<SOFTIRQ>": return .softirq
        case "<NMI>": return .nmi
        case "</IRQ>", "</SOFTIRQ>", "<EOI>", "</NMI>", "<<EOE>>", "<TASK>", "</TASK>": return .task
        default:
            if word.hasPrefix("<#") { return .exception }
            if word.hasPrefix("</#") { return .task }
            return nil
        }
    }
}
