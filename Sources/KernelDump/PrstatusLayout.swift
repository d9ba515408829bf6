/// Where one machine's `NT_PRSTATUS` note keeps the pid and the registers, and which register is
/// the program counter, stack pointer, link register and frame pointer.
///
/// Format notes: `struct elf_prstatus` (`include/linux/elfcore.h`) is the same on every machine up
/// to `pr_reg`: `elf_siginfo` (3 × int), `short pr_cursig`, `unsigned long pr_sigpend`,
/// `pr_sighold`, `pid_t pr_pid, pr_ppid, pr_pgrp, pr_sid`, four `timeval`s — so `pr_pid` is at 32 and
/// `pr_reg` at 112 on 64-bit machines (24 and 72 on 32-bit). `pr_reg` is the machine's
/// `elf_gregset_t` (`ELF_NGREG` words, from `asm/elf.h` and `asm/ptrace.h`), then `int pr_fpvalid`.
/// The kernel writes one note per online CPU (`crash_save_cpu`), QEMU one per vCPU.
public struct PrstatusLayout: Sendable, Equatable {
    /// The machine's `uname -m` spelling (`x86_64`, `aarch64`, …).
    public var machine: String
    /// ELF `e_machine` (`include/uapi/linux/elf-em.h`).
    public var elfMachine: UInt16
    /// Word size of the registers in bytes.
    public var wordSize: Int
    /// Byte offset of `pr_pid`.
    public var pidOffset: Int
    /// Byte offset of `pr_reg`.
    public var registerOffset: Int
    /// `pr_reg` in order.
    public var registerNames: [String]
    /// The program counter, stack pointer, link register (`nil`: the return address is on the
    /// stack) and frame pointer by name.
    public var instructionPointer: String
    public var stackPointer: String
    public var linkRegister: String?
    public var framePointer: String?
    /// Whether a real dump of this machine has checked the table (the others follow the
    /// headers named and are decoded the same way, but no dump has confirmed them).
    public var checked: Bool

    /// x86-64 `struct user_regs_struct` (`arch/x86/include/asm/user_64.h`): 27 words, 336-byte note.
    public static let x86_64 = PrstatusLayout(
        machine: "x86_64", elfMachine: 62, wordSize: 8, pidOffset: 32, registerOffset: 112,
        registerNames: [
            "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx", "rdx", "rsi", "rdi",
            "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base", "gs_base", "ds", "es", "fs", "gs",
        ], instructionPointer: "rip", stackPointer: "rsp", linkRegister: nil, framePointer: "rbp", checked: true)

    /// i386 `struct user_regs_struct` (`arch/x86/include/asm/user_32.h`): 17 words, 144-byte note.
    public static let i386 = PrstatusLayout(
        machine: "i686", elfMachine: 3, wordSize: 4, pidOffset: 24, registerOffset: 72,
        registerNames: [
            "ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs", "orig_eax", "eip", "cs",
            "eflags", "esp", "ss",
        ], instructionPointer: "eip", stackPointer: "esp", linkRegister: nil, framePointer: "ebp", checked: true)

    /// arm64 `struct user_pt_regs` (`arch/arm64/include/uapi/asm/ptrace.h`): `regs[31]`, `sp`,
    /// `pc`, `pstate` — 34 words, 392-byte note. `x30` is the link register, `x29` the frame
    /// pointer (AAPCS64 frame records).
    public static let aarch64 = PrstatusLayout(
        machine: "aarch64", elfMachine: 183, wordSize: 8, pidOffset: 32, registerOffset: 112,
        registerNames: (0...30).map { "x\($0)" } + ["sp", "pc", "pstate"], instructionPointer: "pc",
        stackPointer: "sp", linkRegister: "x30", framePointer: "x29", checked: true)

    /// ppc64 `struct pt_regs` as `ELF_NGREG` 48 words (`arch/powerpc/include/uapi/asm/ptrace.h`):
    /// `gpr[32]`, `nip`, `msr`, `orig_gpr3`, `ctr`, `link`, `xer`, `ccr`, `softe`, `trap`, `dar`,
    /// `dsisr`, `result`, padding. `r1` is the stack pointer.
    public static let ppc64 = PrstatusLayout(
        machine: "ppc64le", elfMachine: 21, wordSize: 8, pidOffset: 32, registerOffset: 112,
        registerNames: (0...31).map { "r\($0)" } + [
            "nip", "msr", "orig_gpr3", "ctr", "link", "xer", "ccr", "softe", "trap", "dar", "dsisr", "result",
        ], instructionPointer: "nip", stackPointer: "r1", linkRegister: "link", framePointer: nil, checked: false)

    /// s390x `s390_regs` (`arch/s390/include/asm/elf.h`): `psw.mask`, `psw.addr`, `gprs[16]`, then
    /// 32-bit access registers and `orig_gpr2` (not decoded). `r15` is the stack pointer, `r14`
    /// the return address. Big-endian.
    public static let s390x = PrstatusLayout(
        machine: "s390x", elfMachine: 22, wordSize: 8, pidOffset: 32, registerOffset: 112,
        registerNames: ["psw_mask", "psw_addr"] + (0...15).map { "r\($0)" }, instructionPointer: "psw_addr",
        stackPointer: "r15", linkRegister: "r14", framePointer: nil, checked: false)

    /// riscv64 `struct user_regs_struct` (`arch/riscv/include/uapi/asm/ptrace.h`): `pc`, `ra`, `sp`,
    /// `gp`, `tp`, `t0`–`t2`, `s0`–`s1`, `a0`–`a7`, `s2`–`s11`, `t3`–`t6`. `s0` is the frame pointer.
    public static let riscv64 = PrstatusLayout(
        machine: "riscv64", elfMachine: 243, wordSize: 8, pidOffset: 32, registerOffset: 112,
        registerNames: ["pc", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1"] + (0...7).map { "a\($0)" }
            + (2...11).map { "s\($0)" } + (3...6).map { "t\($0)" },
        instructionPointer: "pc", stackPointer: "sp", linkRegister: "ra", framePointer: "s0", checked: false)

    /// Every layout, looked up by `e_machine` or by machine name.
    public static let all: [PrstatusLayout] = [x86_64, i386, aarch64, ppc64, s390x, riscv64]

    /// `uname -m` spellings of each layout's machine (kdump headers carry `init_uts_ns.machine`).
    static let machineNames: [String: String] = [
        "x86_64": "x86_64", "amd64": "x86_64", "i386": "i686", "i486": "i686", "i586": "i686", "i686": "i686",
        "aarch64": "aarch64", "arm64": "aarch64", "ppc64le": "ppc64le", "ppc64": "ppc64le", "s390x": "s390x",
        "riscv64": "riscv64",
    ]

    /// The layout for an ELF `e_machine` (`EM_386` also for 32-bit x86-64 cores).
    public static func forELFMachine(_ machine: UInt16) -> PrstatusLayout? {
        all.first { $0.elfMachine == machine }
    }

    /// The layout for a `uname -m` machine name, or `nil` (QEMU's kdump header says `Unknown`).
    public static func forMachineName(_ name: String) -> PrstatusLayout? {
        guard let canonical = machineNames[name] else { return nil }
        return all.first { $0.machine == canonical }
    }

    /// Size of the note's descriptor when `pr_reg` is exactly `registerNames` (the checked
    /// layouts: x86-64 336, i386 144, arm64 392 bytes): `pr_reg`, then `int pr_fpvalid` padded to
    /// a word. The unchecked layouts decode a prefix of their `pr_reg`.
    public var noteSize: Int { registerOffset + registerNames.count * wordSize + wordSize }
}
