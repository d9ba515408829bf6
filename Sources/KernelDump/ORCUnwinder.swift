/// Unwinds kernel stacks in a dump with the kernel's own ORC tables (`CONFIG_UNWINDER_ORC`, x86-64
/// 4.14+), as `arch/x86/kernel/unwind_orc.c` `unwind_next_frame` does: for each return address
/// the entry of the call instruction gives where the caller's stack pointer is (from SP, BP, or
/// indirectly), whether a `pt_regs` exception frame or an IRET frame lies there, and where the
/// caller's BP was saved. Stacks are crossed (IRQ → task) by following the saved stack pointers.
///
/// Starting points: a sleeping task's `thread.sp` points at its `inactive_task_frame`
/// (`r15, r14, r13, r12, bx, bp, ret_addr`); a task running at crash time starts from its CPU's
/// `NT_PRSTATUS` registers. Module frames use the module's own table (`module.arch`). The
/// entry layout (changed in 6.3) comes from `ORCLayout`; walks are bounded (`maxFrames`).
final class ORCUnwinder: TaskUnwinder {
    static let maxFrames = 64
    /// `sizeof(struct inactive_task_frame)` on x86-64 and the places of `bp` and `ret_addr` in it.
    static let inactiveFrameSize: UInt64 = 56
    static let inactiveFrameBP: UInt64 = 40
    static let inactiveFrameReturn: UInt64 = 48
    /// `struct pt_regs` word indexes (x86-64, stable since 2.6.25).
    enum PtRegs {
        static let bp: UInt64 = 4 * 8, r13: UInt64 = 2 * 8, r10: UInt64 = 7 * 8, dx: UInt64 = 12 * 8
        static let di: UInt64 = 14 * 8, ip: UInt64 = 16 * 8, cs: UInt64 = 17 * 8, sp: UInt64 = 19 * 8
    }

    /// `null_orc_entry` (`unwind_orc.c`): a call through a NULL function pointer left the
    /// caller's return address on top of the stack.
    static let nullEntry = ORCTable.Entry(
        spOffset: 8, bpOffset: 0, spRegister: ORCTable.Register.sp, bpRegister: ORCTable.Register.undefined,
        kind: .call, signal: false)
    /// `orc_fp_entry`: code the tables do not cover (BPF programs, other generated code) is
    /// assumed to keep a frame pointer (`push %rbp; mov %rsp, %rbp`); the kernel then marks the
    /// unwind unreliable.
    static let framePointerEntry = ORCTable.Entry(
        spOffset: 16, bpOffset: -16, spRegister: ORCTable.Register.bp, bpRegister: ORCTable.Register.previousSP,
        kind: .call, signal: false)

    let reader: KernelObjectReader
    let tables: [ORCTable]
    let namer: FrameNamer
    let layout: ORCLayout
    /// Module tables left out, and why.
    let problems: [String]

    /// - Parameter moduleEntryBudget: the most entries read for all module tables together. Each
    ///   table is bounded alone (`ORCTable.maxEntries`, 40 MB read and kept), but a damaged module
    ///   list may name thousands of modules whose tables all point at the same readable memory.
    init(
        reader: KernelObjectReader, kernelSymbols: [String: UInt64], modules: [DumpFacts.Module], layout: ORCLayout,
        moduleEntryBudget: Int = ORCTable.maxEntries, symbolize: @escaping (UInt64) -> (name: String, offset: UInt64)?
    ) throws {
        self.reader = reader
        self.layout = layout
        namer = FrameNamer(reader: reader, modules: modules, symbolize: symbolize)
        guard let ipStart = kernelSymbols["__start_orc_unwind_ip"], let ipStop = kernelSymbols["__stop_orc_unwind_ip"],
            let entries = kernelSymbols["__start_orc_unwind"], ipStop > ipStart
        else {
            throw BTFError(
                offset: nil, field: "__start_orc_unwind_ip",
                message: "the kernel has no ORC tables (not x86-64, or built without CONFIG_UNWINDER_ORC)")
        }
        var tables = [
            try ORCTable(
                ipTable: ipStart, entries: entries, count: Int((ipStop - ipStart) / 4), module: nil,
                layout: layout, memory: reader.memory)
        ]
        var budget = moduleEntryBudget
        var leftOut: [String] = []
        for module in modules {
            guard let count = try? reader.unsigned(module.address, "module", "arch.num_orcs"), count > 0,
                let ips = try? reader.unsigned(module.address, "module", "arch.orc_unwind_ip"),
                let orcs = try? reader.unsigned(module.address, "module", "arch.orc_unwind")
            else { continue }
            guard count <= UInt64(budget) else {
                leftOut.append(module.name)
                continue
            }
            guard
                let table = try? ORCTable(
                    ipTable: ips, entries: orcs, count: Int(count), module: module.name, layout: layout,
                    memory: reader.memory)
            else { continue }
            budget -= Int(count)
            tables.append(table)
        }
        self.tables = tables
        problems =
            leftOut.isEmpty
            ? []
            : [
                "ORC tables of \(leftOut.count) modules not read (\(leftOut.prefix(3).joined(separator: ", "))\(leftOut.count > 3 ? ", …" : "")): module tables are read up to \(moduleEntryBudget) entries together; their frames are guessed from BP"
            ]
    }

    /// The ORC entry for a code address, and the table (module) it came from.
    func entry(for address: UInt64) -> (ORCTable.Entry, ORCTable)? {
        // Module tables first: their text lies above the kernel's, whose table would claim it.
        for table in tables.dropFirst() where table.range.contains(address) {
            if let entry = table.entry(for: address) { return (entry, table) }
        }
        guard let kernel = tables.first, kernel.range.contains(address) else { return nil }
        return kernel.entry(for: address).map { ($0, kernel) }
    }

    /// Unwinds a sleeping task from its `thread.sp`.
    func unwindSleeping(task: UInt64) throws -> (frames: [DumpFrame], problem: String?) {
        let threadSP = try reader.unsigned(task, "task_struct", "thread.sp")
        let bp = try reader.word(threadSP &+ Self.inactiveFrameBP, what: "inactive_task_frame.bp")
        let ip = try reader.word(threadSP &+ Self.inactiveFrameReturn, what: "inactive_task_frame.ret_addr")
        // A new task's first switch returns into the fork entry, which is no call site: 6.5+
        // `ret_from_fork_asm` (the C `ret_from_fork` is what it calls), `ret_from_fork` before.
        let fork = reader.symbols["ret_from_fork_asm"] ?? reader.symbols["ret_from_fork"]
        return unwind(ip: ip, sp: threadSP &+ Self.inactiveFrameSize, bp: bp, signal: ip == fork, first: ip)
    }

    /// Unwinds from saved registers (a CPU's `NT_PRSTATUS`).
    func unwindRunning(ip: UInt64, sp: UInt64, bp: UInt64) -> (frames: [DumpFrame], problem: String?) {
        unwind(ip: ip, sp: sp, bp: bp, signal: true, first: ip)
    }

    /// Unwinds from a CPU's saved registers (rip, rsp, rbp).
    func unwindRunning(_ cpu: CPUState) -> (frames: [DumpFrame], problem: String?) {
        guard let ip = cpu.instructionPointer, let sp = cpu.stackPointer else {
            return ([], "no NT_PRSTATUS registers for CPU \(cpu.cpu)")
        }
        return unwindRunning(ip: ip, sp: sp, bp: cpu.register("rbp") ?? 0)
    }

    private func frame(_ address: UInt64, stack: UInt64, exception: Bool, returnAddress: Bool) -> DumpFrame {
        namer.frame(address, stack: stack, exception: exception, returnAddress: returnAddress)
    }

    private func unwind(
        ip startIP: UInt64, sp startSP: UInt64, bp startBP: UInt64, signal startSignal: Bool, first: UInt64
    )
        -> (frames: [DumpFrame], problem: String?)
    {
        var ip = startIP
        var sp = startSP
        var bp = startBP
        var signal = startSignal
        var regs: UInt64?
        var fullRegs = false
        // Past code without ORC data, frames are guessed from BP and printed as unreliable.
        var guessing = false
        var frames = [frame(first, stack: sp, exception: false, returnAddress: !startSignal)]
        var seen: Set<[UInt64]> = []
        func word(_ address: UInt64) -> UInt64? { try? reader.word(address, what: "stack") }
        while frames.count < Self.maxFrames {
            guard seen.insert([ip, sp]).inserted else { return (frames, "the unwind repeats at sp 0x\(hex(sp))") }
            let lookup = signal ? ip : ip &- 1
            let orc: ORCTable.Entry
            if lookup == 0 {
                orc = Self.nullEntry
            } else if let (found, _) = entry(for: lookup) {
                orc = found
            } else {
                orc = Self.framePointerEntry
                guessing = true
            }
            switch orc.kind {
            case .endOfStack: return (frames, nil)
            case .undefined: return (frames, "ORC says the stack is undefined at 0x\(hex(ip))")
            case .unknown(let value): return (frames, "unknown ORC frame type \(value) at 0x\(hex(ip))")
            case .call, .regs, .regsPartial: break
            }
            var newSP: UInt64
            var indirect = false
            switch orc.spRegister {
            case ORCTable.Register.sp: newSP = sp &+ UInt64(bitPattern: Int64(orc.spOffset))
            case ORCTable.Register.bp: newSP = bp &+ UInt64(bitPattern: Int64(orc.spOffset))
            case ORCTable.Register.spIndirect:
                newSP = sp
                indirect = true
            case ORCTable.Register.bpIndirect:
                newSP = bp &+ UInt64(bitPattern: Int64(orc.spOffset))
                indirect = true
            case ORCTable.Register.r10, ORCTable.Register.r13, ORCTable.Register.di, ORCTable.Register.dx:
                let offsets: [UInt8: UInt64] = [
                    ORCTable.Register.r10: PtRegs.r10, ORCTable.Register.r13: PtRegs.r13,
                    ORCTable.Register.di: PtRegs.di, ORCTable.Register.dx: PtRegs.dx,
                ]
                guard let regs, fullRegs, let offset = offsets[orc.spRegister], let value = word(regs &+ offset) else {
                    return (frames, "ORC needs register \(orc.spRegister) at 0x\(hex(ip)), not saved")
                }
                newSP = value
            default:
                return (frames, "unknown ORC SP register \(orc.spRegister) at 0x\(hex(ip))")
            }
            if indirect {
                guard let value = word(newSP) else { return (frames, "stack unreadable at 0x\(hex(newSP))") }
                newSP = value
                if orc.spRegister == ORCTable.Register.spIndirect {
                    newSP &+= UInt64(bitPattern: Int64(orc.spOffset))
                }
            }
            var exception = false
            switch orc.kind {
            case .call:
                // As the kernel's "stack going in the wrong direction": a guess must move up.
                if guessing, newSP <= sp {
                    return (frames, "no ORC entry for 0x\(hex(ip)) and BP 0x\(hex(bp)) leads nowhere: stack ends here")
                }
                guard let returnAddress = word(newSP &- 8) else {
                    return (frames, "return address unreadable at 0x\(hex(newSP &- 8))")
                }
                ip = returnAddress
                sp = newSP
                regs = nil
            case .regs:
                guard let savedIP = word(newSP &+ PtRegs.ip), let savedSP = word(newSP &+ PtRegs.sp),
                    let cs = word(newSP &+ PtRegs.cs)
                else { return (frames, "pt_regs unreadable at 0x\(hex(newSP))") }
                if cs & 3 != 0 { return (frames, nil) }  // entered from user mode: the kernel stack ends
                ip = savedIP
                sp = savedSP
                regs = newSP
                fullRegs = true
                exception = true
            case .regsPartial:
                // An IRET frame: ip, cs, flags, sp, ss at newSP.
                guard let savedIP = word(newSP), let cs = word(newSP &+ 8), let savedSP = word(newSP &+ 24) else {
                    return (frames, "IRET frame unreadable at 0x\(hex(newSP))")
                }
                if cs & 3 != 0 { return (frames, nil) }
                ip = savedIP
                sp = savedSP
                regs = newSP &- PtRegs.ip
                fullRegs = false
                exception = true
            case .endOfStack, .undefined, .unknown: return (frames, nil)  // handled above
            }
            signal = orc.signal
            switch orc.bpRegister {
            case ORCTable.Register.undefined:
                if exception, fullRegs, let regs, let saved = word(regs &+ PtRegs.bp) { bp = saved }
            case ORCTable.Register.previousSP:
                guard let saved = word(newSP &+ UInt64(bitPattern: Int64(orc.bpOffset))) else {
                    return (frames, "saved BP unreadable")
                }
                bp = saved
            case ORCTable.Register.bp:
                guard let saved = word(bp &+ UInt64(bitPattern: Int64(orc.bpOffset))) else {
                    return (frames, "saved BP unreadable")
                }
                bp = saved
            default:
                return (frames, "unknown ORC BP register \(orc.bpRegister) at 0x\(hex(ip))")
            }
            guard ip != 0 else { return (frames, nil) }
            var next = frame(ip, stack: sp, exception: exception, returnAddress: !exception)
            next.reliable = !guessing
            frames.append(next)
        }
        return (frames, "stopped after \(Self.maxFrames) frames")
    }

    private func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}

/// One frame of an unwound kernel stack.
public struct DumpFrame: Sendable, Equatable {
    /// The return address (or, for the first frame and exception frames, the instruction pointer).
    public var address: UInt64
    /// The stack pointer in the caller after the return.
    public var stackPointer: UInt64
    /// Kernel function from kallsyms; `nil` in modules (module symbols are not read) or unknown.
    public var function: String?
    public var offset: UInt64?
    /// The module whose core text holds the address.
    public var module: String?
    /// The address was saved by an exception or interrupt (`pt_regs`/IRET): crash's `[exception RIP: …]`.
    public var exception: Bool
    /// `false` for a word found by scanning the stack (`StackScanner`), which may be a stale
    /// return address: the kernel prints such frames with `?`.
    public var reliable = true
}

/// One task's unwound stack.
public struct DumpBacktrace: Sendable, Equatable {
    public var pid: Int32
    public var comm: String
    public var cpu: Int
    public var task: UInt64
    public var active: Bool
    public var frames: [DumpFrame]
    /// Why the unwind stopped before the stack's end, when it did.
    public var problem: String?
}
