/// Unwinds arm64 kernel stacks by their frame records, as `arch/arm64/kernel/stacktrace.c` does
/// (arm64 kernels are built with frame pointers): `x29` points at a 16-byte record holding the
/// caller's `x29` and the return address (`x30`); the chain ends at a record of zeros (6.1: the
/// one in `task_pt_regs(task)->stackframe`, 5.15–6.x: every task's last record) or at `x29 == 0`.
///
/// - Exception frames: `kernel_entry` (`arch/arm64/kernel/entry.S`) stores `{x29, elr}` in
///   `pt_regs.stackframe` and points `x29` at it, so the chain crosses exceptions by itself; a
///   record is an exception frame when the `pt_regs` around it (`stackframe`'s offset from BTF)
///   holds the same `x29` and `pc`. Its return address is then the exact interrupted `pc`. An
///   exception from user mode (`pstate` M[3:0] = EL0t) ends the kernel stack.
/// - IRQ stacks: `call_on_irq_stack` leaves a record on the task stack and runs the handler on
///   the per-CPU IRQ stack, whose first record links back; the chain crosses it by itself.
/// - Return addresses may carry a pointer-authentication code (`CONFIG_ARM64_PTR_AUTH_KERNEL`,
///   5.7+): stripped with `KERNELPACMASK` before naming (`ptrauth_strip_insn_pac`).
/// - Starting points: a running task from its CPU's `NT_PRSTATUS` (`pc`, then `x30` when it is
///   not already the first record's return address — a leaf function or a prologue keeps its
///   caller only in `x30` — then the chain from `x29`); a sleeping one from
///   `thread.cpu_context` (`pc`, `fp`, `sp`, saved by `cpu_switch_to`). The same `x30` rule
///   applies to the `lr` saved in an exception frame.
///
/// Each frame's `stackPointer` is, as in crash's `bt`, the address of the named function's own
/// frame record (the first frame of a running task: its `sp`). Walks are bounded (`maxFrames`),
/// and a record address must be 8-byte aligned and not repeat. Without BTF (`reader` nil) only
/// running tasks can be unwound, and exception frames are not told from calls.
final class FrameRecordUnwinder: TaskUnwinder {
    static let maxFrames = 64
    /// `struct user_pt_regs` word indexes (`arch/arm64/include/uapi/asm/ptrace.h`).
    enum PtRegs {
        static let x29: UInt64 = 29 * 8, x30: UInt64 = 30 * 8, pc: UInt64 = 32 * 8, pstate: UInt64 = 33 * 8
    }
    /// `PSR_MODE_MASK` and `PSR_MODE32_BIT`: an exception from EL0 (AArch64 or AArch32).
    static let modeMask: UInt64 = 0xf
    static let mode32Bit: UInt64 = 0x10

    let memory: KernelMemory
    let reader: KernelObjectReader?
    let namer: FrameNamer
    let strip: (UInt64) -> UInt64
    /// `offsetof(struct pt_regs, stackframe)`, from BTF (`nil`: exception frames are not told).
    let stackframeOffset: UInt64?

    init(
        memory: KernelMemory, reader: KernelObjectReader?, namer: FrameNamer, strip: @escaping (UInt64) -> UInt64
    ) {
        self.memory = memory
        self.reader = reader
        self.namer = namer
        self.strip = strip
        stackframeOffset = try? reader?.offset("pt_regs", "stackframe")
    }

    private func word(_ address: UInt64) -> UInt64? { try? memory.readUnsigned(address, size: 8, what: "stack") }

    /// Unwinds a task running at crash time from its CPU's registers.
    func unwindRunning(_ cpu: CPUState) -> (frames: [DumpFrame], problem: String?) {
        guard let pc = cpu.instructionPointer, let sp = cpu.stackPointer, let fp = cpu.framePointer else {
            return ([], "NT_PRSTATUS of CPU \(cpu.cpu) lacks pc, sp or x29")
        }
        var frames = [namer.frame(strip(pc), stack: sp, exception: false, returnAddress: false)]
        appendLinkRegister(cpu.linkRegister ?? 0, after: strip(pc), nextRecord: fp, stack: fp, to: &frames)
        return walk(from: fp, frames: frames)
    }

    /// Unwinds a sleeping task from `thread.cpu_context`.
    func unwindSleeping(task: UInt64) throws -> (frames: [DumpFrame], problem: String?) {
        guard let reader else { return ([], "no BTF: a sleeping task's cpu_context cannot be read") }
        let pc = strip(try reader.unsigned(task, "task_struct", "thread.cpu_context.pc"))
        let fp = try reader.unsigned(task, "task_struct", "thread.cpu_context.fp")
        let sp = try reader.unsigned(task, "task_struct", "thread.cpu_context.sp")
        guard pc != 0 else { return ([], "thread.cpu_context.pc is 0: the task was never switched out") }
        // `pc` is `cpu_switch_to`'s return address into `__switch_to`.
        return walk(from: fp, frames: [namer.frame(pc, stack: sp, exception: false, returnAddress: true)])
    }

    /// Adds `x30` as the caller of `pc` unless the chain will name it anyway: it equals the next
    /// record's return address, or it lies in `pc`'s own function (a call that already returned).
    private func appendLinkRegister(
        _ rawLink: UInt64, after pc: UInt64, nextRecord: UInt64, stack: UInt64, to frames: inout [DumpFrame]
    ) {
        let link = strip(rawLink)
        // Kernel text only: a user-mode lr, or a register not holding an address, is no caller.
        guard link & (1 << 63) != 0 else { return }
        if nextRecord != 0, let next = word(nextRecord &+ 8), strip(next) == link { return }
        let linkFunction = namer.symbol(link &- 1).symbol?.name
        guard linkFunction != nil, linkFunction != namer.symbol(pc).symbol?.name else { return }
        frames.append(namer.frame(link, stack: stack, exception: false, returnAddress: true))
    }

    /// The `pt_regs` whose `stackframe` is the record at `record`, when it is one: its `x29` and
    /// `pc` equal the record's two words.
    private func exceptionRegisters(record: UInt64, next: UInt64, returnAddress: UInt64) -> (
        linkRegister: UInt64, fromUser: Bool
    )? {
        guard let offset = stackframeOffset, record >= offset else { return nil }
        let base = record &- offset
        guard word(base &+ PtRegs.x29) == next, word(base &+ PtRegs.pc) == returnAddress,
            let pstate = word(base &+ PtRegs.pstate), let link = word(base &+ PtRegs.x30)
        else { return nil }
        return (link, pstate & (Self.modeMask | Self.mode32Bit) == 0 || pstate & Self.mode32Bit != 0)
    }

    private func walk(from start: UInt64, frames initial: [DumpFrame]) -> (frames: [DumpFrame], problem: String?) {
        var frames = initial
        var record = start
        var seen: Set<UInt64> = []
        while frames.count < Self.maxFrames {
            if record == 0 { return (frames, nil) }
            guard record & 7 == 0 else { return (frames, "frame record 0x\(hex(record)) is misaligned") }
            guard seen.insert(record).inserted else { return (frames, "the unwind repeats at 0x\(hex(record))") }
            guard let next = word(record), let rawReturn = word(record &+ 8) else {
                return (frames, "frame record unreadable at 0x\(hex(record))")
            }
            // The final record of a task's stack is zeroed (`unwind_next` stops there).
            if rawReturn == 0 { return (frames, nil) }
            let address = strip(rawReturn)
            if let regs = exceptionRegisters(record: record, next: next, returnAddress: rawReturn) {
                if regs.fromUser { return (frames, nil) }
                frames.append(namer.frame(address, stack: next, exception: true, returnAddress: false))
                appendLinkRegister(regs.linkRegister, after: address, nextRecord: next, stack: next, to: &frames)
            } else {
                frames.append(namer.frame(address, stack: next, exception: false, returnAddress: true))
            }
            record = next
        }
        return (frames, "stopped after \(Self.maxFrames) frames")
    }

    private func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
