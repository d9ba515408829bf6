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
        try scanner.expect(UInt8(ascii: "{"))
        scanner.skipWhitespace()
        if scanner.peek() == UInt8(ascii: "}") { return entry }
        var scratch: [UInt8] = []
        while true {
            scanner.skipWhitespace()
            scratch.removeAll(keepingCapacity: true)
            try scanner.readString(into: &scratch)
            let key = Key(scratch)
            scanner.skipWhitespace()
            try scanner.expect(UInt8(ascii: ":"))
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
                entry.assign(key, text: String(decoding: bytes, as: UTF8.self))
            }
            scanner.skipWhitespace()
            guard let next = scanner.next() else { throw Malformed(offset: scanner.index, reason: "object not closed") }
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else {
                throw Malformed(offset: scanner.index - 1, reason: "expected ',' or '}'")
            }
        }
        return entry
    }

    /// Sets a field read from `journalctl -o export` or `-o verbose` (`NAME=value`).
    mutating func assign(field name: some Collection<UInt8>, value: [UInt8]) {
        let key = Key(Array(name))
        if key == .message {
            message = value
            hasMessage = true
            return
        }
        assign(key, text: String(decoding: value, as: UTF8.self))
    }

    private mutating func assign(_ key: Key, text: String) {
        switch key {
        case .transport: transport = text
        case .hostname: hostname = text
        case .bootID: bootID = text
        case .realtime: realtimeMicros = Int64(text)
        case .monotonic: monotonicMicros = Int64(text)
        case .priority: priority = UInt8(text).map { $0 & 7 }
        case .message, .other: break
        }
    }

    /// The times and boot of a journal cursor, `s=…;i=…;b=<boot>;m=<hex>;t=<hex>;x=…`, as
    /// `journalctl -o verbose` prints it after the entry's date: `t` is the wall clock in
    /// microseconds (hexadecimal), `b` the boot id.
    mutating func assign(cursor: some Collection<UInt8>) {
        for part in cursor.split(separator: UInt8(ascii: ";")) {
            guard part.count > 2, part[part.index(after: part.startIndex)] == UInt8(ascii: "=") else { continue }
            let value = String(decoding: part.dropFirst(2), as: UTF8.self)
            switch part.first {
            case UInt8(ascii: "b"): if bootID == nil { bootID = value }
            case UInt8(ascii: "t"): if realtimeMicros == nil { realtimeMicros = Int64(value, radix: 16) }
            default: break
            }
        }
    }

    private enum Key {
        case message, transport, hostname, bootID, realtime, monotonic, priority, other

        static let names: [(name: StaticString, key: Key)] = [
            ("MESSAGE", .message), ("_TRANSPORT", .transport), ("_HOSTNAME", .hostname), ("_BOOT_ID", .bootID),
            ("__REALTIME_TIMESTAMP", .realtime), ("_SOURCE_MONOTONIC_TIMESTAMP", .monotonic), ("PRIORITY", .priority),
        ]

        /// The key whose name is `bytes`, compared by length, then bytes (every key of every
        /// line passes here: a String made and compared seven times was a tenth of the journal
        /// reader in a debug build).
        init(_ bytes: [UInt8]) {
            self = bytes.withUnsafeBytes { raw in
                for entry in Self.names where entry.name.utf8CodeUnitCount == raw.count {
                    if ByteScanning.hasLiteral(raw, at: 0, entry.name) { return entry.key }
                }
                return .other
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
        while index < bytes.count,
            bytes[index] == UInt8(ascii: " ") || bytes[index] == ASCII.tab || bytes[index] == ASCII.carriageReturn
        {
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
        case UInt8(ascii: "\""):
            try readString(into: &output)
            return true
        case UInt8(ascii: "["):
            index += 1
            skipWhitespace()
            if peek() == UInt8(ascii: "\"") {
                try readString(into: &output)
                skipWhitespace()
                while peek() == UInt8(ascii: ",") {
                    index += 1
                    skipWhitespace()
                    try skipValue(depth: 1)
                    skipWhitespace()
                }
                try expect(UInt8(ascii: "]"))
                return true
            }
            while true {
                skipWhitespace()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                let start = index
                guard let (value, end) = ByteScanning.decimal(bytes, at: index), value <= 255 else {
                    // Arrays of arrays (a repeated binary field): keep none of it.
                    index = start
                    try skipValue(depth: 1)
                    skipWhitespace()
                    if peek() == UInt8(ascii: ",") { index += 1 }
                    continue
                }
                output.append(UInt8(value))
                index = end
                skipWhitespace()
                if peek() == UInt8(ascii: ",") { index += 1 }
            }
        default:
            try skipValue(depth: 0)
            return false
        }
    }

    mutating func readString(into output: inout [UInt8]) throws(JournalJSONEntry.Malformed) {
        try expect(UInt8(ascii: "\""))
        while index < bytes.count {
            // The run up to the next quote or backslash in one copy: appended byte by byte, a
            // MESSAGE cost a call per byte in a debug build (a quarter of the journal fuzzer).
            let quote = ByteScanning.memchrIndex(UInt8(ascii: "\""), in: bytes, from: index) ?? bytes.count
            let beforeQuote = UnsafeRawBufferPointer(rebasing: bytes[..<quote])
            let runEnd = ByteScanning.memchrIndex(UInt8(ascii: "\\"), in: beforeQuote, from: index) ?? quote
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[index..<runEnd]))
            index = runEnd
            guard let byte = next() else { break }
            if byte == UInt8(ascii: "\"") { return }
            guard let escape = next() else { break }
            switch escape {
            case UInt8(ascii: "n"): output.append(ASCII.lineFeed)
            case UInt8(ascii: "t"): output.append(ASCII.tab)
            case UInt8(ascii: "r"): output.append(ASCII.carriageReturn)
            case UInt8(ascii: "b"): output.append(ASCII.backspace)
            case UInt8(ascii: "f"): output.append(ASCII.formFeed)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                // JSON escapes a scalar above U+FFFF as a UTF-16 surrogate pair: `\uD83D\uDE00`.
                if (0xD800..<0xDC00).contains(scalar), peek() == UInt8(ascii: "\\"), index + 1 < bytes.count,
                    bytes[index + 1] == UInt8(ascii: "u")
                {
                    index += 2
                    let low = try readHex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        // No pair: the high half alone is U+FFFD, and the escape read after it
                        // is a character of its own, not dropped.
                        output.append(contentsOf: Array("\u{FFFD}".utf8))
                        scalar = low
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
        case UInt8(ascii: "\""):
            var sink: [UInt8] = []
            try readString(into: &sink)
        case UInt8(ascii: "["), UInt8(ascii: "{"):
            let close: UInt8 = byte == UInt8(ascii: "[") ? UInt8(ascii: "]") : UInt8(ascii: "}")
            index += 1
            skipWhitespace()
            if peek() == close {
                index += 1
                return
            }
            while true {
                skipWhitespace()
                if byte == UInt8(ascii: "{") {
                    var sink: [UInt8] = []
                    try readString(into: &sink)
                    skipWhitespace()
                    try expect(UInt8(ascii: ":"))
                }
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let separator = next() else { throw .init(offset: index, reason: "container not closed") }
                if separator == close { return }
                guard separator == UInt8(ascii: ",") else { throw .init(offset: index - 1, reason: "expected ','") }
            }
        default:
            // Number, true, false, null.
            let start = index
            while index < bytes.count {
                let value = bytes[index]
                if value == UInt8(ascii: ",") || value == UInt8(ascii: "}") || value == UInt8(ascii: "]")
                    || value == UInt8(ascii: " ")
                {
                    break
                }
                index += 1
            }
            if index == start { throw .init(offset: index, reason: "unexpected byte") }
        }
    }
}
