import KtriageBytes

/// The printk caller id: the thread or the CPU that printed a line.
///
/// Format notes (`kernel/printk/printk.c`): `printk_caller_id()` stores the task id, or
/// `0x80000000 + cpu` outside task context (5.1+, `CONFIG_PRINTK_CALLER`; the lockless ring of
/// 5.10+ records it always). With the option on, consoles and `dmesg` print it after the stamp
/// as `[%6s]` of `T<id>`/`C<id>`: `[  T123]`, `[    C1]`; some tools print it unpadded (`[T123]`).
public enum CallerID: Sendable, Hashable, Codable, CustomStringConvertible {
    case thread(Int32)
    case cpu(Int32)

    /// Bit 31 of the stored id: set for a CPU.
    public static let cpuFlag: UInt32 = 0x8000_0000
    /// The width `print_caller()` pads `T123` to.
    public static let columnWidth = 6

    /// Decodes the id a dump's printk record stores.
    public init(printkCallerID raw: UInt32) {
        self =
            raw & Self.cpuFlag != 0
            ? .cpu(Int32(truncatingIfNeeded: raw & ~Self.cpuFlag)) : .thread(Int32(truncatingIfNeeded: raw))
    }

    public var description: String {
        switch self {
        case .thread(let id): return "T\(id)"
        case .cpu(let id): return "C\(id)"
        }
    }

    /// Reads `[T123]`, `[ T3173]`, `[    C0]` starting at the `[` at `start`; returns the id and
    /// the index after `]`.
    public static func parse(_ line: UnsafeRawBufferPointer, at start: Int) -> (caller: CallerID, end: Int)? {
        guard start < line.count, line[start] == UInt8(ascii: "[") else { return nil }
        let index = ByteScanning.skipSpaces(line, from: start + 1)
        guard index < line.count else { return nil }
        let letter = line[index]
        guard letter == UInt8(ascii: "T") || letter == UInt8(ascii: "C"),
            let (value, end) = ByteScanning.decimal(line, at: index + 1),
            end < line.count, line[end] == UInt8(ascii: "]"), value <= Int64(Int32.max)
        else { return nil }
        let id = Int32(value)
        return (letter == UInt8(ascii: "T") ? .thread(id) : .cpu(id), end + 1)
    }

    /// Appends the column the kernel prints, `[  T123]`, to `out`.
    public func appendColumn(to out: inout [UInt8]) {
        let text = description.utf8
        out.append(UInt8(ascii: "["))
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: max(0, Self.columnWidth - text.count)))
        out.append(contentsOf: text)
        out.append(UInt8(ascii: "]"))
    }
}
