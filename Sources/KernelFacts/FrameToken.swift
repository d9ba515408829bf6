import KtriageBytes

/// The pieces of a call-trace frame as the kernel prints them: `[<ffffffff81234567>] ?
/// name+0x1a/0x2b [module]`. The log parser reads whole frame lines with them, the symbolizer
/// finds frames anywhere in a line; both use these rules.
///
/// Format notes: `%pS`/`%pB` (`lib/vsprintf.c`, `sprint_symbol()` in `kernel/kallsyms.c`) print
/// `name+0xoffset/0xsize`, then ` [module]` for module code; 5.15+ with
/// `CONFIG_STACKTRACE_BUILD_ID` prints ` [module buildid]`. Names may hold `.` (GCC clones
/// `.isra.0`, `.cold`; ppc64 ELFv1 `.schedule`) and `$` (Rust, some assembly). x86 before 4.x,
/// arm and s390 print the address first as `[<hex>]`; ppc64 prints `[hex]` without angle
/// brackets. `? ` marks a frame the unwinder found on the stack but could not prove
/// (`printk_stack_address()` in `arch/x86/kernel/dumpstack.c`).
public enum FrameToken {
    /// Bytes of a symbol name: letters, digits, `_`, `.` and `$`.
    @inline(__always)
    public static func isSymbolByte(_ byte: UInt8) -> Bool {
        isIdentifierByte(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "$")
    }

    /// Bytes of a C identifier: letters, digits and `_`.
    @inline(__always)
    public static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || ByteScanning.isDigit(byte) || byte == UInt8(ascii: "_")
    }

    /// Bytes of a module name (`nf_conntrack`, `i915`; `-` appears in a few out-of-tree names).
    @inline(__always)
    public static func isModuleByte(_ byte: UInt8) -> Bool {
        isSymbolByte(byte) || byte == UInt8(ascii: "-")
    }

    /// `? ` at `index`: the frame after it is unreliable.
    @inline(__always)
    public static func isUnreliableMarker(_ bytes: [UInt8], at index: Int) -> Bool {
        index >= 0 && index + 1 < bytes.count && bytes[index] == UInt8(ascii: "?")
            && bytes[index + 1] == UInt8(ascii: " ")
    }

    /// A printed address: `[<ffffffff81234567>]`, or ppc64's `[c000000000a3bd00]`.
    public struct PrintedAddress: Sendable, Equatable {
        public var value: UInt64
        /// The index after `]`.
        public var end: Int
        public var digits: Int
        /// Written with `<…>` (all but ppc64).
        public var angled: Bool
    }

    /// The printed address whose `[` is at `start`.
    public static func printedAddress(_ bytes: [UInt8], at start: Int) -> PrintedAddress? {
        guard start >= 0, start < bytes.count, bytes[start] == UInt8(ascii: "[") else { return nil }
        var cursor = start + 1
        let angled = cursor < bytes.count && bytes[cursor] == UInt8(ascii: "<")
        if angled { cursor += 1 }
        guard let (value, digitsEnd, digits) = hexDigits(bytes, at: cursor) else { return nil }
        cursor = digitsEnd
        if angled {
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ">") else { return nil }
            cursor += 1
        }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "]") else { return nil }
        return PrintedAddress(value: value, end: cursor + 1, digits: digits, angled: angled)
    }

    /// `+0x1a/0x2b` with its `+` at `plus` (the size may be missing: `pc : name+0x1c`); the end is
    /// the index after the last digit read.
    public static func offsetAndSize(_ bytes: [UInt8], at plus: Int) -> (offset: UInt64, size: UInt64?, end: Int)? {
        guard plus >= 0, plus < bytes.count, bytes[plus] == UInt8(ascii: "+"),
            let (offset, offsetEnd) = prefixedHex(bytes, at: plus + 1)
        else { return nil }
        guard offsetEnd < bytes.count, bytes[offsetEnd] == UInt8(ascii: "/"),
            let (size, sizeEnd) = prefixedHex(bytes, at: offsetEnd + 1)
        else { return (offset, nil, offsetEnd) }
        return (offset, size, sizeEnd)
    }

    /// ` [module]` or ` [module buildid]` from `start` (blanks before `[` skipped): the name's
    /// bytes and the index after `]`. `[inline]` (a symbolizer's inlined call) is no module.
    public static func module(_ bytes: [UInt8], at start: Int) -> (name: Range<Int>, end: Int)? {
        var open = start
        while open < bytes.count, bytes[open] == UInt8(ascii: " ") || bytes[open] == UInt8(ascii: "\t") { open += 1 }
        guard open < bytes.count, bytes[open] == UInt8(ascii: "[") else { return nil }
        var nameEnd = open + 1
        while nameEnd < bytes.count, isModuleByte(bytes[nameEnd]) { nameEnd += 1 }
        guard nameEnd > open + 1, nameEnd < bytes.count else { return nil }
        var close = nameEnd
        if bytes[close] == UInt8(ascii: " ") {
            // The build id: hex digits.
            close += 1
            while close < bytes.count, ByteScanning.hexValue(bytes[close]) != nil { close += 1 }
        }
        guard close < bytes.count, bytes[close] == UInt8(ascii: "]") else { return nil }
        if bytes[(open + 1)..<nameEnd].elementsEqual("inline".utf8) { return nil }
        return ((open + 1)..<nameEnd, close + 1)
    }

    /// `0x` and 1…16 hex digits at `index`.
    public static func prefixedHex(_ bytes: [UInt8], at index: Int) -> (value: UInt64, end: Int)? {
        bytes.withUnsafeBytes { ByteScanning.prefixedHex($0, at: index) }
    }

    static func hexDigits(_ bytes: [UInt8], at index: Int) -> (value: UInt64, end: Int, digits: Int)? {
        bytes.withUnsafeBytes { ByteScanning.hexDigits($0, at: index) }
    }
}
