/// Named ASCII control bytes and the byte classes parsers test again and again.
///
/// Printable characters read best as `UInt8(ascii: "[")` where they are used; the names here are
/// for bytes that have no visible spelling and for character classes. Everything is inlinable,
/// so a test compiles to the same comparisons as a literal would.
public enum ASCII {
    @inlinable public static var tab: UInt8 { UInt8(ascii: "\t") }
    @inlinable public static var lineFeed: UInt8 { UInt8(ascii: "\n") }
    @inlinable public static var carriageReturn: UInt8 { UInt8(ascii: "\r") }
    @inlinable public static var backspace: UInt8 { UInt8(ascii: "\u{08}") }
    @inlinable public static var formFeed: UInt8 { UInt8(ascii: "\u{0C}") }
    @inlinable public static var space: UInt8 { UInt8(ascii: " ") }
    /// DEL, the first byte after the printable range.
    @inlinable public static var delete: UInt8 { UInt8(ascii: "\u{7F}") }
    /// The bit that tells a lower-case letter from its upper-case one (`A` | bit == `a`);
    /// OR-ing it in folds letters to lower case.
    @inlinable public static var lowercaseBit: UInt8 { UInt8(ascii: "a") - UInt8(ascii: "A") }

    /// `a`–`z`.
    @inlinable @inline(__always)
    public static func isLowercaseLetter(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "a") < 26 }

    /// `A`–`Z`.
    @inlinable @inline(__always)
    public static func isUppercaseLetter(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }

    @inlinable @inline(__always)
    public static func isLetter(_ byte: UInt8) -> Bool { isLowercaseLetter(byte) || isUppercaseLetter(byte) }

    @inlinable @inline(__always)
    public static func isLetterOrDigit(_ byte: UInt8) -> Bool { isLetter(byte) || ByteScanning.isDigit(byte) }

    /// A byte of a C identifier: letter, digit or `_`.
    @inlinable @inline(__always)
    public static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isLetterOrDigit(byte) || byte == UInt8(ascii: "_")
    }

    /// `0`–`9` and `a`–`f`: the digits the kernel prints addresses with.
    @inlinable @inline(__always)
    public static func isLowercaseHexDigit(_ byte: UInt8) -> Bool {
        ByteScanning.isDigit(byte) || byte &- UInt8(ascii: "a") < 6
    }

    /// `0`–`9`, `a`–`f` and `A`–`F`.
    @inlinable @inline(__always)
    public static func isHexDigit(_ byte: UInt8) -> Bool {
        isLowercaseHexDigit(byte) || byte &- UInt8(ascii: "A") < 6
    }

    /// Space to `~`: neither a control byte nor DEL nor part of a multi-byte UTF-8 sequence.
    @inlinable @inline(__always)
    public static func isPrintable(_ byte: UInt8) -> Bool { byte >= space && byte < delete }
}
