import KernelLog

/// A stable id for a crash record, the same whichever file or run it is read from.
///
/// Ingesting the same log twice, a log that grew since the last run, or the same crash seen in
/// both a syslog file and a journald export must count the crash once. The id therefore hashes
/// what the crash *is* — host, boot, the kernel's own timestamp, signature — and falls back to the
/// wall clock and then to file and line only when the kernel printed no timestamp.
///
/// With the kernel's microsecond stamp the signature is left out: a report cut short by the end
/// of a log that was still being written (hence titled differently) and the complete report
/// read the next night are the same crash, and the store keeps the longer one.
public enum RecordIdentity {
    /// 16 hex digits of FNV-1a-64 over `host|boot|when[|signature]`.
    public static func id(of record: CrashRecord, host: String) -> String {
        if let mono = record.time.monotonicMicros {
            // The same bytes as "\(host)|\(boot)|m\(mono)", hashed without building the string.
            var hash = FNV1a64()
            hash.feed(host)
            hash.feed("|")
            hash.feed(record.boot ?? "")
            hash.feed("|m")
            hash.feed(String(mono))
            return hash.hex
        }
        let when: String
        if let wall = record.time.wallMicros {
            when = "w\(wall)"
        } else {
            when = "l\(record.file ?? ""):\(record.line)"
        }
        return fnv1a64Hex("\(host)|\(record.boot ?? "")|\(when)|\(record.signature)")
    }

    /// FNV-1a-64 as 16 lowercase hex digits (stable across processes, unlike `Hasher`).
    public static func fnv1a64Hex(_ text: String) -> String {
        var hash = FNV1a64()
        hash.feed(text)
        return hash.hex
    }
}

/// Incremental FNV-1a-64.
struct FNV1a64 {
    var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func feed(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
    }

    mutating func feed(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }

    /// The four bytes of `word`, low first.
    mutating func feed(word: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { feed(byte: UInt8(truncatingIfNeeded: word >> UInt32(shift))) }
    }

    var hex: String { RecordIdentity.hex(value) }
}

extension RecordIdentity {
    /// The value of an id of `id(of:host:)`'s form (16 lowercase hex digits), or `nil`.
    public static func number(_ id: String) -> UInt64? {
        var id = id
        return id.withUTF8 { number(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `number(_:)` of an id given as its UTF-8 bytes.
    static func number(bytes: UnsafeRawBufferPointer) -> UInt64? {
        guard bytes.count == 16 else { return nil }
        var value: UInt64 = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = value << 4 | UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = value << 4 | UInt64(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
        }
        return value
    }

    /// The id spelled from its value: 16 lowercase hex digits.
    public static func hex(_ value: UInt64) -> String {
        String(unsafeUninitializedCapacity: 16) { buffer in
            let digits: StaticString = "0123456789abcdef"
            for index in 0..<16 {
                let nibble = Int(value >> UInt64(60 - 4 * index) & 0xF)
                buffer[index] = digits.utf8Start[nibble]
            }
            return 16
        }
    }
}
