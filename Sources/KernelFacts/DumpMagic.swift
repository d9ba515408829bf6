/// The first bytes of crash dumps and of the compressed wrappers around them: one table for
/// telling inputs apart (``InputKind``) and for opening dumps (KernelDump's `Vmcore`).
///
/// Format notes: ELF (`e_ident`, `EI_CLASS` at byte 4: 1 = 32-bit, 2 = 64-bit); kdump-compressed
/// `struct disk_dump_header` signature `KDUMP   ` (makedumpfile, QEMU), `DISKDUMP` for the older
/// diskdump; makedumpfile's flattened stream starts with the 16-byte signature `makedumpfile`
/// padded with NULs (`makedumpfile.h`, `MAKEDUMPFILE_SIGNATURE`).
public enum DumpMagic {
    /// `\x7fELF`.
    public static let elf: [UInt8] = [0x7F, UInt8(ascii: "E"), UInt8(ascii: "L"), UInt8(ascii: "F")]
    /// `EI_CLASS` value of a 32-bit ELF file.
    public static let elfClass32: UInt8 = 1
    /// `KDUMP   ` (8 bytes).
    public static let kdump = Array("KDUMP   ".utf8)
    /// `DISKDUMP`, the older signature of the same header.
    public static let diskdump = Array("DISKDUMP".utf8)
    /// `makedumpfile`, followed by NULs up to 16 bytes.
    public static let flattened = Array("makedumpfile".utf8)
    /// Size of the flattened stream's signature field.
    public static let flattenedSignatureSize = 16

    /// A compressed wrapper: its name and magic. bzip2's `BZh` is followed by the block size
    /// digit `1`…`9`, checked in ``compression(_:)``.
    public static let compressions: [(name: String, magic: [UInt8])] = [
        ("gzip", [0x1F, 0x8B]),
        ("xz", [0xFD, UInt8(ascii: "7"), UInt8(ascii: "z"), UInt8(ascii: "X"), UInt8(ascii: "Z"), 0x00]),
        ("bzip2", Array("BZh".utf8)),
        ("zstd", [0x28, 0xB5, 0x2F, 0xFD]),
        ("lz4", [0x04, 0x22, 0x4D, 0x18]),
    ]

    /// The container a file starting with `head` is, by magic.
    public enum Container: Sendable, Equatable {
        case elf32, elf64, kdumpCompressed, flattened
    }

    /// Judges `head` (16 bytes are enough); `nil` when it is no dump container.
    public static func container(_ head: UnsafeRawBufferPointer) -> Container? {
        if head.starts(with: elf) { return head.count > 4 && head[4] == elfClass32 ? .elf32 : .elf64 }
        if head.starts(with: kdump) || head.starts(with: diskdump) { return .kdumpCompressed }
        if isFlattened(head) { return .flattened }
        return nil
    }

    /// makedumpfile's signature with its NUL padding.
    public static func isFlattened(_ head: UnsafeRawBufferPointer) -> Bool {
        head.count >= flattenedSignatureSize && head.starts(with: flattened) && head[flattened.count] == 0
    }

    /// The name of the compression `head` starts with (gzip included), or `nil`.
    public static func compression(_ head: UnsafeRawBufferPointer) -> String? {
        for (name, magic) in compressions where head.starts(with: magic) {
            if name == "bzip2" {
                guard head.count > magic.count, (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(head[magic.count])
                else { continue }
            }
            return name
        }
        return nil
    }
}
