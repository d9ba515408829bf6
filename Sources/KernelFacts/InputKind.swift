/// What an input is, judged from its first bytes.
public enum InputKind: String, Sendable, Equatable {
    /// Text: a log.
    case text
    /// gzip-compressed (`1f 8b`); its content is judged after inflation.
    case gzip
    /// An ELF file (`7f 45 4c 46`): an ELF vmcore, or vmlinux.
    case elf
    /// A kdump-compressed dump (`KDUMP   `, or the older `DISKDUMP`).
    case kdumpCompressed
    /// makedumpfile's flattened stream (`makedumpfile` signature).
    case flattened
    /// xz, bzip2, zstd or lz4 data: not read (decompress it first).
    case otherCompression
    /// Mostly control bytes or NULs: not a log.
    case binary
    /// No bytes at all.
    case empty

    /// Whether this is a crash dump rather than a log.
    public var isDump: Bool { self == .elf || self == .kdumpCompressed || self == .flattened }

    /// Judges `head` (the first few KiB are enough).
    public static func sniff(_ head: UnsafeRawBufferPointer) -> InputKind {
        guard head.count > 0 else { return .empty }
        switch DumpMagic.container(head) {
        case .elf32, .elf64: return .elf
        case .kdumpCompressed: return .kdumpCompressed
        case .flattened: return .flattened
        case nil: break
        }
        if let compression = DumpMagic.compression(head) { return compression == "gzip" ? .gzip : .otherCompression }
        return looksBinary(head) ? .binary : .text
    }

    /// The name of a compression format other than gzip, from its magic bytes.
    public static func compressionName(_ head: UnsafeRawBufferPointer) -> String? {
        DumpMagic.compression(head).flatMap { $0 == "gzip" ? nil : $0 }
    }

    /// More than one byte in ten of the first 4 KiB is NUL or a control byte that text does not
    /// use. Console captures with a few NULs still pass.
    static func looksBinary(_ head: UnsafeRawBufferPointer) -> Bool {
        let sample = min(head.count, sniffBytes)
        var odd = 0
        for index in 0..<sample where isForeignControl(head[index]) { odd += 1 }
        return odd * 10 > sample
    }

    /// Offset of the first byte that makes `head` look binary, for the error message.
    public static func firstControlByte(_ head: UnsafeRawBufferPointer) -> Int? {
        (0..<min(head.count, sniffBytes)).first { isForeignControl(head[$0]) }
    }

    /// How much of the head is judged.
    static let sniffBytes = 4096
    /// Control bytes that logs do hold: tab, line feed, carriage return, form feed, and ESC
    /// (colour sequences in console captures).
    static let textControls: Set<UInt8> = [
        UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0x0C, 0x1B,
    ]

    @inline(__always) static func isForeignControl(_ byte: UInt8) -> Bool {
        byte < UInt8(ascii: " ") && !textControls.contains(byte)
    }
}
