/// A tiny zlib (RFC 1950) encoder for test dumps: one fixed-Huffman deflate block (RFC 1951
/// §3.2.6) with literals and distance-1 runs, so zero-filled and repetitive pages shrink well
/// below the page size, as makedumpfile's zlib pages do. Not for production use.
public enum ZlibEncoder {
    /// Compresses `data` into a complete zlib stream.
    public static func compress(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.bytes = [0x78, 0x01]
        writer.write(1, count: 1)  // BFINAL
        writer.write(1, count: 2)  // BTYPE = fixed Huffman
        var index = 0
        while index < data.count {
            if index > 0 {
                var run = 0
                while run < 258, index + run < data.count, data[index + run] == data[index - 1] { run += 1 }
                if run >= 3 {
                    writeLength(run, into: &writer)
                    writer.writeHuffman(0, length: 5)  // distance code 0 = distance 1
                    index += run
                    continue
                }
            }
            writeLiteral(Int(data[index]), into: &writer)
            index += 1
        }
        writer.writeHuffman(0, length: 7)  // end of block (256)
        writer.flush()
        let checksum = adler32(data)
        writer.bytes += [
            UInt8(checksum >> 24), UInt8((checksum >> 16) & 0xff), UInt8((checksum >> 8) & 0xff),
            UInt8(checksum & 0xff),
        ]
        return writer.bytes
    }

    static func writeLiteral(_ symbol: Int, into writer: inout BitWriter) {
        switch symbol {
        case 0...143: writer.writeHuffman(0x30 + symbol, length: 8)
        case 144...255: writer.writeHuffman(0x190 + symbol - 144, length: 9)
        case 256...279: writer.writeHuffman(symbol - 256, length: 7)
        default: writer.writeHuffman(0xc0 + symbol - 280, length: 8)
        }
    }

    static let lengthBases = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163,
        195, 227, 258,
    ]
    static let lengthExtra = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]

    static func writeLength(_ length: Int, into writer: inout BitWriter) {
        var code = lengthBases.count - 1
        while lengthBases[code] > length { code -= 1 }
        writeLiteral(257 + code, into: &writer)
        if lengthExtra[code] > 0 {
            writer.write(UInt32(length - lengthBases[code]), count: lengthExtra[code])
        }
    }

    public static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }

    struct BitWriter {
        var bytes: [UInt8] = []
        var current: UInt32 = 0
        var used = 0

        /// Writes `count` bits of `value`, least significant first (deflate's bit order).
        mutating func write(_ value: UInt32, count: Int) {
            for bit in 0..<count { pushBit((value >> UInt32(bit)) & 1) }
        }

        /// Writes a Huffman code, most significant bit first.
        mutating func writeHuffman(_ code: Int, length: Int) {
            for bit in stride(from: length - 1, through: 0, by: -1) { pushBit(UInt32((code >> bit) & 1)) }
        }

        mutating func pushBit(_ bit: UInt32) {
            current |= bit << UInt32(used)
            used += 1
            if used == 8 {
                bytes.append(UInt8(current))
                current = 0
                used = 0
            }
        }

        mutating func flush() {
            if used > 0 {
                bytes.append(UInt8(current))
                current = 0
                used = 0
            }
        }
    }
}
