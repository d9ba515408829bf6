import KtriageBytes

/// One ELF note of a vmcore: name, type and where its descriptor is.
public struct ELFNote: Sendable, Equatable {
    /// Note name without the NUL (`CORE`, `VMCOREINFO`, `QEMU`, `LINUX`).
    public var name: String
    /// `n_type` (`NT_PRSTATUS` is 1).
    public var type: UInt32
    /// The descriptor bytes.
    public var descriptor: [UInt8]
    /// Offset of the descriptor in the dump file (logical offset for flattened streams).
    public var descriptorOffset: UInt64

    /// `NT_PRSTATUS`.
    public static let prstatus: UInt32 = 1
}

/// Walks notes stored as a raw blob (kdump-compressed `offset_note`/`size_note`), in Swift
/// rather than through libelf, because the blob is not inside an ELF file.
///
/// Format notes: each note is `n_namesz`, `n_descsz`, `n_type` (32-bit, the dump's byte order),
/// the name padded to 4 bytes, the descriptor padded to 4 bytes. Kernel-written notes are 4-aligned
/// on every architecture (drgn's note on `p_align`: cores say 0/1 yet are 4-aligned); 8-byte
/// alignment is used only when the container says `p_align == 8`.
enum NoteWalker {
    static func notes(
        in blob: [UInt8], fileOffset: UInt64, alignment: Int = 4, endianness: ByteCursor.Endianness = .little,
        path: String
    ) throws -> [ELFNote] {
        let align = alignment == 8 ? 8 : 4
        func padded(_ value: Int) -> Int { (value + align - 1) / align * align }
        return try blob.withUnsafeBytes { raw in
            let cursor = ByteCursor(raw, baseOffset: Int(clamping: fileOffset), endianness: endianness)
            var notes: [ELFNote] = []
            var position = 0
            while position + 12 <= raw.count {
                guard let nameSize: UInt32 = cursor.peekInteger(at: position),
                    let descSize: UInt32 = cursor.peekInteger(at: position + 4),
                    let type: UInt32 = cursor.peekInteger(at: position + 8)
                else { break }
                if nameSize == 0 && descSize == 0 && type == 0 { break }  // zero padding after the last note
                guard notes.count < VmcoreLimits.maxNotes else {
                    throw VmcoreError(
                        path: path, offset: fileOffset + UInt64(position), field: "ELF note",
                        message: "more than \(VmcoreLimits.maxNotes) notes")
                }
                let nameStart = position + 12
                guard nameSize <= UInt32(raw.count), descSize <= UInt32(raw.count) else {
                    throw VmcoreError(
                        path: path, offset: fileOffset + UInt64(position),
                        field: "ELF note 'n_namesz'/'n_descsz'",
                        message: "sizes \(nameSize)/\(descSize) exceed the \(raw.count)-byte note area")
                }
                let descStart = nameStart + padded(Int(nameSize))
                let next = descStart + padded(Int(descSize))
                guard descStart + Int(descSize) <= raw.count else {
                    throw VmcoreError(
                        path: path, offset: fileOffset + UInt64(position), field: "ELF note 'n_descsz'",
                        message: "descriptor of \(descSize) bytes runs past the end of the note area")
                }
                let nameBytes =
                    cursor.peekBytes(at: nameStart, count: Int(nameSize))
                    ?? UnsafeRawBufferPointer(start: nil, count: 0)
                let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
                let descriptor = Array(
                    cursor.peekBytes(at: descStart, count: Int(descSize))
                        ?? UnsafeRawBufferPointer(start: nil, count: 0))
                notes.append(
                    ELFNote(
                        name: name, type: type, descriptor: descriptor,
                        descriptorOffset: fileOffset + UInt64(descStart)))
                position = next
            }
            return notes
        }
    }
}
