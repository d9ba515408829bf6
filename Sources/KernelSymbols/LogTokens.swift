import KernelFacts
import KtriageBytes

/// The address-bearing pieces of one log line, found with byte comparisons (no regular
/// expressions: symbolizing must keep up with log scanning).
///
/// Recognised: `[<ffffffff8154d4f0>]` printed addresses; `name+0x270/0x280` frames with an optional
/// ` [module]` (KernelFacts' ``FrameToken`` rules); register values `RAX: ffffffffc0355620`, `RSP: 0018:ffffcdf640423a78`.
/// Positions are UTF-8 offsets into the line.
struct LogTokens {
    /// A `[<hex>]` address.
    struct PrintedAddress {
        var range: Range<Int>
        var value: UInt64
    }

    /// A `name+0xoff/0xsize [module]` frame.
    struct Frame {
        /// From the name's first byte to the end of ` [module]` (or of the size).
        var range: Range<Int>
        var name: String
        var offset: UInt64
        var size: UInt64
        var module: String?
        /// Start of a `? ` marker right before the name (unreliable frame), if any.
        var markerStart: Int?
        /// The `[<hex>]` printed just before this frame on the same line, if any.
        var printedAddress: UInt64?
    }

    /// A register value: `NAME: hex` (16 or 8 digits), after an optional `NNNN:` segment.
    struct RegisterValue {
        var register: String
        /// Where the hex digits end (annotations go there).
        var end: Int
        var value: UInt64
    }

    var addresses: [PrintedAddress] = []
    var frames: [Frame] = []
    var registers: [RegisterValue] = []

    init(_ bytes: [UInt8]) {
        scanAddresses(bytes)
        scanFrames(bytes)
        scanRegisters(bytes)
    }

    /// `[<hex>]` addresses of 8 to 16 digits (shorter bracketed hex is a console's own tag).
    private mutating func scanAddresses(_ bytes: [UInt8]) {
        var index = 0
        while index + 3 < bytes.count {
            if bytes[index] == UInt8(ascii: "["), let printed = FrameToken.printedAddress(bytes, at: index),
                printed.angled, printed.digits >= 8
            {
                addresses.append(PrintedAddress(range: index..<printed.end, value: printed.value))
                index = printed.end
                continue
            }
            index += 1
        }
    }

    private mutating func scanFrames(_ bytes: [UInt8]) {
        var index = 1
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "+"), FrameToken.isSymbolByte(bytes[index - 1]),
                let (offset, size, sizeEnd) = FrameToken.offsetAndSize(bytes, at: index), let size
            else {
                index += 1
                continue
            }
            // `name+0x1/0x2abc_x`: the numbers run into a name, so this is not a frame.
            if sizeEnd < bytes.count, FrameToken.isSymbolByte(bytes[sizeEnd]) {
                index = sizeEnd
                continue
            }
            var nameStart = index - 1
            while nameStart > 0, FrameToken.isSymbolByte(bytes[nameStart - 1]) { nameStart -= 1 }
            // A name does not start with a digit (that would be `0x1234+0x5/0x6` or similar).
            guard !ByteScanning.isDigit(bytes[nameStart]) else {
                index = sizeEnd
                continue
            }
            var end = sizeEnd
            var module: String?
            if let found = FrameToken.module(bytes, at: sizeEnd) {
                module = String(decoding: bytes[found.name], as: UTF8.self)
                end = found.end
            }
            let marker: Int? = FrameToken.isUnreliableMarker(bytes, at: nameStart - 2) ? nameStart - 2 : nil
            let leadIn = marker ?? nameStart
            let printed = addresses.last { address in
                guard address.range.upperBound <= leadIn else { return false }
                return bytes[address.range.upperBound..<leadIn].allSatisfy {
                    $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "?")
                }
            }
            frames.append(
                Frame(
                    range: nameStart..<end, name: String(decoding: bytes[nameStart..<index], as: UTF8.self),
                    offset: offset, size: size, module: module, markerStart: marker,
                    printedAddress: printed?.value))
            index = end
        }
    }

    private mutating func scanRegisters(_ bytes: [UInt8]) {
        var index = 1
        while index + 2 < bytes.count {
            guard bytes[index] == UInt8(ascii: ":") else {
                index += 1
                continue
            }
            // Register name: 1–4 letters/digits before ':' (optionally one space: arm64 `pc : `).
            var nameEnd = index
            if bytes[nameEnd - 1] == UInt8(ascii: " "), nameEnd >= 2 { nameEnd -= 1 }
            var nameStart = nameEnd
            while nameStart > 0, nameEnd - nameStart < 5,
                FrameToken.isSymbolByte(bytes[nameStart - 1]), bytes[nameStart - 1] != UInt8(ascii: ".")
            {
                nameStart -= 1
            }
            let nameLength = nameEnd - nameStart
            guard nameLength >= 1, nameLength <= 4, nameStart == 0 || bytes[nameStart - 1] == UInt8(ascii: " ") else {
                index += 1
                continue
            }
            var cursor = index + 1
            while cursor < bytes.count, bytes[cursor] == UInt8(ascii: " ") { cursor += 1 }
            // Optional `0018:` segment selector.
            var probe = cursor
            while probe < bytes.count, ByteScanning.hexValue(bytes[probe]) != nil { probe += 1 }
            if probe - cursor == 4, probe < bytes.count, bytes[probe] == UInt8(ascii: ":") {
                cursor = probe + 1
            }
            let number = bytes.withUnsafeBytes { ByteScanning.hexDigits($0, at: cursor) }
            if let (value, end, digits) = number, digits == 16 || digits == 8,
                end == bytes.count || bytes[end] == UInt8(ascii: " ")
            {
                registers.append(
                    RegisterValue(
                        register: String(decoding: bytes[nameStart..<nameEnd], as: UTF8.self), end: end,
                        value: value))
                index = end
            } else {
                index += 1
            }
        }
    }
}
