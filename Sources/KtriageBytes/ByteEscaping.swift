/// Turns raw bytes into printable text for people and JSON: valid UTF-8 is kept, control bytes
/// and invalid UTF-8 are shown as `\xNN`, so nothing from a log can drive a terminal.
public enum ByteEscaping {
    /// Escapes `bytes` for display.
    public static func displayString(_ bytes: UnsafeRawBufferPointer) -> String {
        if isPlainPrintable(bytes) { return String(decoding: bytes, as: UTF8.self) }
        var result = ""
        result.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x20 && byte < 0x7F || byte == 0x09 {
                result.unicodeScalars.append(Unicode.Scalar(byte))
                index += 1
                continue
            }
            if byte >= 0xC2, let (scalar, length) = decodeScalar(bytes, at: index) {
                result.unicodeScalars.append(scalar)
                index += length
                continue
            }
            result += "\\x"
            result += hexDigits(byte)
            index += 1
        }
        return result
    }

    /// Escapes `bytes` for display.
    public static func displayString(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { displayString($0) }
    }

    static func isPlainPrintable(_ bytes: UnsafeRawBufferPointer) -> Bool {
        for byte in bytes where byte < 0x20 && byte != 0x09 || byte >= 0x7F { return false }
        return true
    }

    static func hexDigits(_ byte: UInt8) -> String {
        let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    /// Decodes one multi-byte UTF-8 scalar strictly (no overlongs, no surrogates), excluding C1
    /// controls.
    static func decodeScalar(_ bytes: UnsafeRawBufferPointer, at index: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return nil
        }
        guard index + length <= bytes.count else { return nil }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= minimum, value < 0xD800 || value > 0xDFFF, value <= 0x10FFFF, value >= 0xA0,
            let scalar = Unicode.Scalar(value)
        else { return nil }
        return (scalar, length)
    }
}
