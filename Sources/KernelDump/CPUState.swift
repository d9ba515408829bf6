/// The registers and pid of one CPU at crash time, from its `NT_PRSTATUS` note.
///
/// The note is decoded with the dumped machine's `PrstatusLayout` (chosen from the ELF header's
/// `e_machine`, the kdump header's machine, or VMCOREINFO: `Vmcore.machine`). The crashing CPU
/// holds the panic-time registers, the others the registers of the NMI or IPI that stopped them
/// (QEMU: whatever each vCPU was running when the dump was taken).
public struct CPUState: Sendable, Equatable {
    /// CPU number (order of the `NT_PRSTATUS` notes).
    public var cpu: Int
    /// `pr_pid`: the task running on the CPU (0 for idle). QEMU writes the vCPU's index + 1 here.
    public var pid: Int32
    /// Register name → value, in `pr_reg` order (`layout.registerNames`).
    public var registers: [(name: String, value: UInt64)]
    /// The layout the note was decoded with.
    public var layout: PrstatusLayout

    public static func == (lhs: CPUState, rhs: CPUState) -> Bool {
        lhs.cpu == rhs.cpu && lhs.pid == rhs.pid && lhs.layout == rhs.layout
            && lhs.registers.elementsEqual(rhs.registers, by: { $0 == $1 })
    }

    /// x86-64 `user_regs_struct` order.
    public static var x86_64RegisterNames: [String] { PrstatusLayout.x86_64.registerNames }
    /// i386 `user_regs_struct` order (ELF32 x86 dumps).
    public static var i386RegisterNames: [String] { PrstatusLayout.i386.registerNames }

    /// The value of one register by name.
    public func register(_ name: String) -> UInt64? { registers.first { $0.name == name }?.value }
    /// The program counter (`rip`, `eip`, `pc`, …).
    public var instructionPointer: UInt64? { register(layout.instructionPointer) }
    /// The stack pointer (`rsp`, `esp`, `sp`, …).
    public var stackPointer: UInt64? { register(layout.stackPointer) }
    /// The link register (arm64 `x30`), `nil` on machines that push return addresses.
    public var linkRegister: UInt64? { layout.linkRegister.flatMap { register($0) } }
    /// The frame pointer (`rbp`, arm64 `x29`).
    public var framePointer: UInt64? { layout.framePointer.flatMap { register($0) } }

    /// Decodes an x86-64 (`is64Bit`) or i386 prstatus; `nil` when the descriptor is too short.
    static func decode(_ bytes: [UInt8], cpu: Int, is64Bit: Bool, littleEndian: Bool = true) -> CPUState? {
        decode(bytes, cpu: cpu, layout: is64Bit ? .x86_64 : .i386, littleEndian: littleEndian)
    }

    /// Decodes a prstatus with `layout`; `nil` when the descriptor is too short.
    static func decode(_ bytes: [UInt8], cpu: Int, layout: PrstatusLayout, littleEndian: Bool = true) -> CPUState? {
        func load(_ offset: Int, size: Int) -> UInt64? {
            guard offset >= 0, offset + size <= bytes.count else { return nil }
            var value: UInt64 = 0
            for index in 0..<size {
                value = (value << 8) | UInt64(bytes[offset + (littleEndian ? size - 1 - index : index)])
            }
            return value
        }
        guard let pid = load(layout.pidOffset, size: 4) else { return nil }
        var registers: [(name: String, value: UInt64)] = []
        registers.reserveCapacity(layout.registerNames.count)
        for (index, name) in layout.registerNames.enumerated() {
            guard let value = load(layout.registerOffset + index * layout.wordSize, size: layout.wordSize) else {
                return nil
            }
            registers.append((name, value))
        }
        return CPUState(
            cpu: cpu, pid: Int32(bitPattern: UInt32(truncatingIfNeeded: pid)), registers: registers, layout: layout)
    }
}
