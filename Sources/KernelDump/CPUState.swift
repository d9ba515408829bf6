/// The registers and pid of one CPU at crash time, from its `NT_PRSTATUS` note.
///
/// Format notes: `struct elf_prstatus` (`include/linux/elfcore.h`): `elf_siginfo` (3 × int),
/// `short pr_cursig`, `unsigned long pr_sigpend`, `pr_sighold`, `pid_t pr_pid, pr_ppid, pr_pgrp,
/// pr_sid`, four `timeval`s, then `pr_reg` (x86-64: the 27 `user_regs_struct` words r15 … gs),
/// then `int pr_fpvalid`. 336 bytes on x86-64. The kernel writes one per online CPU at crash time
/// (`crash_save_cpu`); QEMU writes one per vCPU. The crashing CPU holds the panic-time registers,
/// the others the registers of the NMI or IPI that stopped them.
public struct CPUState: Sendable, Equatable {
    /// CPU number (order of the `NT_PRSTATUS` notes).
    public var cpu: Int
    /// `pr_pid`: the task running on the CPU (0 for idle). QEMU writes the vCPU's index + 1 here.
    public var pid: Int32
    /// Register name → value, in `user_regs_struct` order (see `registerNames`).
    public var registers: [(name: String, value: UInt64)]

    public static func == (lhs: CPUState, rhs: CPUState) -> Bool {
        lhs.cpu == rhs.cpu && lhs.pid == rhs.pid
            && lhs.registers.elementsEqual(rhs.registers, by: { $0 == $1 })
    }

    /// x86-64 `user_regs_struct` order.
    public static let x86_64RegisterNames = [
        "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
        "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
    ]

    /// The value of one register by name.
    public func register(_ name: String) -> UInt64? { registers.first { $0.name == name }?.value }
    /// `rip` (or i386 `eip`).
    public var instructionPointer: UInt64? { register("rip") ?? register("eip") }
    /// `rsp` (or i386 `esp`).
    public var stackPointer: UInt64? { register("rsp") ?? register("esp") }

    /// i386 `user_regs_struct` order (ELF32 x86 dumps).
    public static let i386RegisterNames = [
        "ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs", "orig_eax", "eip", "cs",
        "eflags", "esp", "ss",
    ]

    /// Decodes an x86-64 (`is64Bit`) or i386 prstatus; `nil` when the descriptor is too short.
    static func decode(_ bytes: [UInt8], cpu: Int, is64Bit: Bool, littleEndian: Bool = true) -> CPUState? {
        func load<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
            let size = MemoryLayout<T>.size
            guard offset >= 0, offset + size <= bytes.count else { return nil }
            var value: T = 0
            for index in 0..<size {
                let byte = T(bytes[offset + (littleEndian ? size - 1 - index : index)])
                value = (value << 8) | byte
            }
            return value
        }
        // 64-bit: siginfo 12, cursig 2 (+2 pad), sigpend 8, sighold 8 → pid at 32; pr_reg at 112.
        // 32-bit: siginfo 12, cursig 2 (+2), sigpend 4, sighold 4 → pid at 24; pr_reg at 72.
        let pidOffset = is64Bit ? 32 : 24
        let regOffset = is64Bit ? 112 : 72
        let names = is64Bit ? x86_64RegisterNames : i386RegisterNames
        guard let pid = load(pidOffset, UInt32.self) else { return nil }
        var registers: [(name: String, value: UInt64)] = []
        for (index, name) in names.enumerated() {
            if is64Bit {
                guard let value = load(regOffset + index * 8, UInt64.self) else { return nil }
                registers.append((name, value))
            } else {
                guard let value = load(regOffset + index * 4, UInt32.self) else { return nil }
                registers.append((name, UInt64(value)))
            }
        }
        return CPUState(cpu: cpu, pid: Int32(bitPattern: pid), registers: registers)
    }
}
