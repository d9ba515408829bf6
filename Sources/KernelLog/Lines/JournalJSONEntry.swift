import KtriageBytes

/// The fields of one `journalctl -o json` line that matter for kernel logs.
///
/// journald writes one JSON object per line. Values are strings, `null`, or — for fields that are
/// not valid UTF-8 or hold control bytes — arrays of byte values; a field present several times
/// becomes an array of such values (the first one is used). Only entries with
/// `_TRANSPORT` `kernel` are kernel text.
struct JournalJSONEntry {
    /// The message bytes, unescaped (may hold newlines for multi-line records).
    var message: [UInt8] = []
    var hasMessage = false
    var transport: String?
    var hostname: String?
    var bootID: String?
    var realtimeMicros: Int64?
    var monotonicMicros: Int64?
    var priority: UInt8?

    var isKernel: Bool { transport == "kernel" }

    /// Why a line could not be read as a journald JSON object.
    struct Malformed: Error {
        var offset: Int
        var reason: String
    }

    /// Parses one JSON line. The scanner walks the object once, decoding only the fields it needs
    /// and skipping the others without allocating.
    static func parse(_ line: UnsafeRawBufferPointer) throws(Malformed) -> JournalJSONEntry {
        var scanner = JSONScanner(bytes: line)
        var entry = JournalJSONEntry()
        try scanner.expect(0x7B)
        scanner.skipWhitespace()
        if scanner.peek() == 0x7D { return entry }
        var scratch: [UInt8] = []
        while true {
            scanner.skipWhitespace()
            scratch.removeAll(keepingCapacity: true)
            try scanner.readString(into: &scratch)
            let key = Key(scratch)
            scanner.skipWhitespace()
            try scanner.expect(0x3A)
            scanner.skipWhitespace()
            switch key {
            case .message:
                var bytes: [UInt8] = []
                if try scanner.readValueBytes(into: &bytes) {
                    entry.message = bytes
                    entry.hasMessage = true
                }
            case .other:
                try scanner.skipValue(depth: 0)
            default:
                var bytes: [UInt8] = []
                guard try scanner.readValueBytes(into: &bytes) else { break }
                let text = String(decoding: bytes, as: UTF8.self)
                switch key {
                case .transport: entry.transport = text
                case .hostname: entry.hostname = text
                case .bootID: entry.bootID = text
                case .realtime: entry.realtimeMicros = Int64(text)
                case .monotonic: entry.monotonicMicros = Int64(text)
                case .priority: entry.priority = UInt8(text).map { $0 & 7 }
                case .message, .other: break
                }
            }
            scanner.skipWhitespace()
            guard let next = scanner.next() else { throw Malformed(offset: scanner.index, reason: "object not closed") }
            if next == 0x7D { break }
            guard next == 0x2C else { throw Malformed(offset: scanner.index - 1, reason: "expected ',' or '}'") }
        }
        return entry
    }

    private enum Key {
        case message, transport, hostname, bootID, realtime, monotonic, priority, other

        init(_ name: [UInt8]) {
            switch String(decoding: name, as: UTF8.self) {
            case "MESSAGE": self = .message
            case "_TRANSPORT": self = .transport
            case "_HOSTNAME": self = .hostname
            case "_BOOT_ID": self = .bootID
            case "__REALTIME_TIMESTAMP": self = .realtime
            case "_SOURCE_MONOTONIC_TIMESTAMP": self = .monotonic
            case "PRIORITY": self = .priority
            default: self = .other
            }
        }
    }
}

/// A minimal JSON reader over bytes, enough for journald's flat objects.
private struct JSONScanner {
    let bytes: UnsafeRawBufferPointer
    var index = 0
    /// Nesting limit, so hostile input cannot recurse without bound.
    static let maxDepth = 32

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0D {
            index += 1
        }
    }

    mutating func expect(_ byte: UInt8) throws(JournalJSONEntry.Malformed) {
        guard next() == byte else {
            throw .init(offset: index - 1, reason: "expected '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    /// A value as bytes: a string (unescaped), an array of byte numbers, or the first element of
    /// an array of strings. `false` for `null` and other shapes (skipped).
    mutating func readValueBytes(into output: inout [UInt8]) throws(JournalJSONEntry.Malformed) -> Bool {
        switch peek() {
        case 0x22:
            try readString(into: &output)
            return true
        case 0x5B:
            index += 1
            skipWhitespace()
            if peek() == 0x22 {
                try readString(into: &output)
                skipWhitespace()
                while peek() == 0x2C {
                    index += 1
                    skipWhitespace()
                    try skipValue(depth: 1)
                    skipWhitespace()
                }
                try expect(0x5D)
                return true
            }
            while true {
                skipWhitespace()
                if peek() == 0x5D {
                    index += 1
                    return true
                }
                let start = index
                guard let (value, end) = ByteScanning.decimal(bytes, at: index), value <= 255 else {
                    // Arrays of arrays (a repeated binary field): keep none of it.
                    index = start
                    try skipValue(depth: 1)
                    skipWhitespace()
                    if peek() == 0x2C { index += 1 }
                    continue
                }
                output.append(UInt8(value))
                index = end
                skipWhitespace()
                if peek() == 0x2C { index += 1 }
            }
        default:
            try skipValue(depth: 0)
            return false
        }
    }

    mutating func readString(into output: inout [UInt8]) throws(JournalJSONEntry.Malformed) {
        try expect(0x22)
        while let byte = next() {
            if byte == 0x22 { return }
            if byte != 0x5C {
                output.append(byte)
                continue
            }
            guard let escape = next() else { break }
            switch escape {
            case 0x6E: output.append(0x0A)
            case 0x74: output.append(0x09)
            case 0x72: output.append(0x0D)
            case 0x62: output.append(0x08)
            case 0x66: output.append(0x0C)
            case 0x75:
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar), peek() == 0x5C, index + 1 < bytes.count,
                    bytes[index + 1] == 0x75
                {
                    index += 2
                    let low = try readHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                }
                let value = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                output.append(contentsOf: Array(String(value).utf8))
            default: output.append(escape)
            }
        }
        throw .init(offset: index, reason: "string not closed")
    }

    private mutating func readHex4() throws(JournalJSONEntry.Malformed) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = next(), let digit = ByteScanning.hexValue(byte) else {
                throw .init(offset: index, reason: "bad \\u escape")
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    mutating func skipValue(depth: Int) throws(JournalJSONEntry.Malformed) {
        guard depth < JSONScanner.maxDepth else { throw .init(offset: index, reason: "nested too deeply") }
        skipWhitespace()
        guard let byte = peek() else { throw .init(offset: index, reason: "value missing") }
        switch byte {
        case 0x22:
            var sink: [UInt8] = []
            try readString(into: &sink)
        case 0x5B, 0x7B:
            let close: UInt8 = byte == 0x5B ? 0x5D : 0x7D
            index += 1
            skipWhitespace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if byte == 0x7B {
                    var sink: [UInt8] = []
                    try readString(into: &sink)
                    skipWhitespace()
                    try expect(0x3A)
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let separator = next() else { throw .init(offset: index, reason: "container not closed") }
                if separator == close { return }
                guard separator == 0x2C else { throw .init(offset: index - 1, reason: "expected ','") }
            }
        default:
            // Number, true, false, null.
            let start = index
            while index < bytes.count {
                let value = bytes[index]
                if value == 0x2C || value == 0x7D || value == 0x5D || value == 0x20 { break }
                index += 1
            }
            if index == start { throw .init(offset: index, reason: "unexpected byte") }
        }
    }
}
