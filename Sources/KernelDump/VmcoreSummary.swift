/// What `ktriage vmcore info` reports about a dump: container, kernel identity, CPUs, the panic
/// message, and every VMCOREINFO key (rendered by CrashOutput's VmcoreInfoText and VmcoreInfoJSON).
public struct VmcoreSummary: Sendable, Equatable {
    /// One CPU's state from its `NT_PRSTATUS` note.
    public struct CPU: Sendable, Equatable {
        /// CPU number (note order).
        public var cpu: Int
        /// `pr_pid` as stored (QEMU stores the vCPU number + 1 here).
        public var pid: Int32
        /// Program counter (`rip` on x86-64, `pc` on arm64), `0x…` hex.
        public var pc: String?
        /// Stack pointer (`rsp`, `sp`), `0x…` hex.
        public var sp: String?
        /// Link register (arm64 `x30`, pointer-authentication bits stripped), `0x…` hex; `nil` on
        /// machines that keep return addresses on the stack.
        public var lr: String?
        /// The machine's names of the three (`rip`, `rsp`; `pc`, `sp`, `x30`).
        public var registerNames: (pc: String, sp: String, lr: String?)
        /// All registers, `pr_reg` order (`PrstatusLayout`).
        public var registers: [Register]
        /// The crashing CPU.
        public var crashed: Bool
        /// The task pid from the log's `CPU: n PID: p` line, for the crashing CPU.
        public var logPID: Int?
        /// Symbolized `pc`: from the dump's kallsyms, or from a System.map when the CLI is given one.
        public var pcSymbol: String?
        /// Symbolized `lr`, as `pcSymbol`.
        public var lrSymbol: String?

        public static func == (lhs: CPU, rhs: CPU) -> Bool {
            lhs.cpu == rhs.cpu && lhs.pid == rhs.pid && lhs.pc == rhs.pc && lhs.sp == rhs.sp && lhs.lr == rhs.lr
                && lhs.registerNames == rhs.registerNames && lhs.registers == rhs.registers
                && lhs.crashed == rhs.crashed && lhs.logPID == rhs.logPID && lhs.pcSymbol == rhs.pcSymbol
                && lhs.lrSymbol == rhs.lrSymbol
        }
    }

    /// One register: `user_regs_struct` name and value.
    public struct Register: Sendable, Equatable {
        /// `rip`, `rsp`, `r15`, … (`eip`, … for i386).
        public var name: String
        /// `0x…` hex.
        public var value: String
    }

    /// `0x` and lowercase hex digits.
    public static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// One VMCOREINFO line, as written.
    public struct Entry: Sendable, Equatable {
        /// `OSRELEASE`, `SYMBOL(prb)`, `NUMBER(phys_base)`, …
        public var key: String
        /// The value text, unparsed (hex for SYMBOL, decimal or hex for NUMBER).
        public var value: String
    }

    /// The main crash of the extracted log (kind, title, guilty frame): a summary of the log
    /// parser's record, which KernelDump does not run (`KtriageReader.VmcoreScanner` fills it).
    public struct DumpCrashRecord: Sendable, Equatable {
        /// Crash kind (BUG, WARNING, PANIC, …).
        public var kind: String?
        /// syzbot-style title.
        public var title: String?
        /// The guilty frame's function.
        public var guiltyFrame: String?
        /// Creates a record.
        public init(kind: String? = nil, title: String? = nil, guiltyFrame: String? = nil) {
            self.kind = kind
            self.title = title
            self.guiltyFrame = guiltyFrame
        }
    }

    /// The dump's path as given.
    public var path: String
    /// Container format (`Vmcore.Format` raw value).
    public var format: String
    /// kdump-compressed header version (1–6).
    public var kdumpHeaderVersion: Int?
    /// Page compression flagged in the kdump header (`zlib`, `lzo`, `snappy`, `zstd`).
    public var compression: [String]
    /// kdump pages read for this summary, by how each was stored (`zlib`, `lzo`, `snappy`, `zstd`,
    /// `raw`): a dump mixes compressed and raw pages. `nil` for ELF dumps. Named in snake_case
    /// because the name is the JSON key.
    public var pageCompression: [String: Int]?
    /// makedumpfile dump level (kdump sub-header): 31 excludes zero, cache, user and free pages.
    public var dumpLevel: Int?
    /// ELF `PT_LOAD` count.
    public var elfLoadSegments: Int?
    /// Part of the dump is missing (incomplete flag, truncated file): see `missing`.
    public var incomplete: Bool
    /// What the dump lacks, in words (empty for a whole dump).
    public var missing: [String]
    /// Remarks: header values overridden, fields unreadable, producer quirks.
    public var notes: [String]

    /// Kernel release (`OSRELEASE`, else utsname).
    public var release: String?
    /// utsname version (`#1 SMP PREEMPT_DYNAMIC …`), from `init_uts_ns` or the kdump header.
    public var version: String?
    /// utsname machine (`x86_64`, `aarch64`): `init_uts_ns`, else the dump's headers
    /// (`Vmcore.machine`).
    public var machine: String?
    /// How the machine was told from the headers (`Vmcore.machine.source`).
    public var machineSource: String
    /// utsname nodename.
    public var nodename: String?
    /// `BUILD-ID` (5.9+).
    public var buildID: String?
    /// Page size in bytes.
    public var pageSize: Int
    /// `CRASHTIME` (seconds since the epoch), or the kdump header's timestamp when set.
    public var crashTime: Int64?
    /// Where `crashTime` came from.
    public var crashTimeSource: String?
    /// `KERNELOFFSET` (KASLR slide), `0x…` hex.
    public var kernelOffset: String?
    /// `phys_base` in use, `0x…` hex.
    public var physBase: String
    /// Where `physBase` came from (VMCOREINFO is preferred over QEMU's kdump header).
    public var physBaseSource: String
    /// Page-table levels walked (x86-64: 4 or 5; arm64: 2–4, from the granule and VA size).
    public var pagingLevels: Int

    /// CPUs with a `NT_PRSTATUS` note (else the kdump header's `nr_cpus`).
    public var cpuCount: Int
    /// The CPU that crashed, when it can be told.
    public var crashingCPU: Int?
    /// How `crashingCPU` was decided.
    public var crashingCPUReason: String?
    /// Every CPU's pid and registers.
    public var cpus: [CPU]
    /// `false` for QEMU dumps, whose `pr_pid` is the vCPU number + 1 rather than a task pid.
    public var prstatusPIDsAreTasks: Bool

    /// The panic message as crash's `sys` shows it (`PanicMessage`).
    public var panicMessage: String?
    /// printk buffer layout read (`KernelLogLayout` raw value).
    public var logLayout: String?
    /// Number of log records read.
    public var logRecords: Int?
    /// Why the log could not be read, or what was skipped.
    public var logProblems: [String]
    /// The main crash of the log, when the caller parsed it (``DumpCrashRecord``).
    public var crashRecord: DumpCrashRecord?
    /// System facts, modules and tasks read with the dump's BTF (`Vmcore.facts`): `nil` until
    /// the caller asks for them (reading the BTF costs more than the rest of the summary).
    public var facts: DumpFacts?

    /// Every VMCOREINFO key and value, in order.
    public var vmcoreinfo: [Entry]

    /// Builds the summary; reading the log is attempted and its failure recorded, not thrown.
    /// - Returns: the summary and the log (when it could be read), so callers can parse it further.
    public static func make(_ dump: Vmcore) -> (VmcoreSummary, KernelLogExtract?) {
        let info = dump.vmcoreinfo
        var notes = dump.remarks
        let memoryUts: [String]?
        do {
            memoryUts = try dump.memoryUtsname()
        } catch {
            memoryUts = nil
            notes.append("init_uts_ns unreadable: \(error)")
        }
        let header = dump.headerUtsname
        func pick(_ index: Int) -> String? {
            if let value = memoryUts?[index], !value.isEmpty { return value }
            if header.count > index, !header[index].isEmpty { return header[index] }
            return nil
        }
        var log: KernelLogExtract?
        var logProblems: [String] = []
        do {
            log = try dump.kernelLog()
            logProblems = log?.problems ?? []
        } catch {
            logProblems = ["\(error)"]
        }
        let lines = log.map { PanicMessage.lines(of: $0.records) } ?? []
        let panic = PanicMessage.find(in: lines)
        var crashing: Int?
        var reason: String?
        var logPID: Int?
        // QEMU numbers pr_pid by vCPU (index + 1). Its x86 dumps carry QEMU notes; its arm64
        // dumps carry none, but a dump without CRASHTIME did not come through the kernel's
        // crash_save_cpu (kexec appends CRASHTIME), so pids 1, 2, … there are QEMU's too.
        let qemuNotes =
            dump.notes.contains { $0.name == "QEMU" }
            || (info?.crashTime == nil && !dump.cpus.isEmpty
                && dump.cpus.allSatisfy { Int($0.pid) == $0.cpu + 1 })
        if let panic, let context = PanicMessage.contextCPU(in: lines, near: panic.line) {
            logPID = context.pid
            if !qemuNotes,
                let match = dump.cpus.first(where: { Int($0.pid) == context.pid && context.pid != 0 })
            {
                crashing = match.cpu
                reason =
                    "NT_PRSTATUS pid \(context.pid) matches the log's 'CPU: \(context.cpu) PID: \(context.pid)'"
            } else if dump.cpus.isEmpty || context.cpu < dump.cpus.count {
                crashing = context.cpu
                reason = "log context line 'CPU: \(context.cpu) PID: \(context.pid)' at the panic"
            }
        }
        if crashing == nil, dump.cpus.count == 1 {
            crashing = 0
            reason = "only CPU"
        }
        let cpus = dump.cpus.map { state in
            let linkRegister = state.linkRegister.map { dump.stripPointerAuthentication($0) }
            return CPU(
                cpu: state.cpu, pid: state.pid, pc: state.instructionPointer.map(hex),
                sp: state.stackPointer.map(hex), lr: linkRegister.map(hex),
                registerNames: (state.layout.instructionPointer, state.layout.stackPointer, state.layout.linkRegister),
                registers: state.registers.map { Register(name: $0.name, value: hex($0.value)) },
                crashed: state.cpu == crashing,
                logPID: state.cpu == crashing ? logPID : nil,
                pcSymbol: state.instructionPointer.flatMap { dump.symbolize($0) },
                lrSymbol: linkRegister.flatMap { dump.symbolize($0) })
        }
        var crashTime: Int64?
        var crashTimeSource: String?
        if let time = info?.crashTime {
            crashTime = time
            crashTimeSource = "VMCOREINFO CRASHTIME"
        } else if let time = dump.headerTimestamp {
            crashTime = time
            crashTimeSource = "kdump header timestamp"
        }
        var summary = VmcoreSummary(
            path: dump.path, format: dump.format.rawValue, kdumpHeaderVersion: dump.kdumpHeaderVersion,
            compression: dump.compression, dumpLevel: dump.dumpLevel, elfLoadSegments: dump.loadSegmentCount,
            incomplete: !dump.missing.isEmpty, missing: dump.missing, notes: notes,
            release: info?.osRelease ?? pick(2), version: pick(3),
            machine: memoryUts.flatMap { $0[4].isEmpty ? nil : $0[4] } ?? dump.machine.name,
            machineSource: memoryUts.map { $0[4].isEmpty ? dump.machine.source : "init_uts_ns" } ?? dump.machine.source,
            nodename: pick(1),
            buildID: info?.buildID, pageSize: dump.pageSize, crashTime: crashTime,
            crashTimeSource: crashTimeSource,
            kernelOffset: info?.kernelOffset.map(hex), physBase: hex(dump.physBase),
            physBaseSource: dump.physBaseSource,
            pagingLevels: dump.pagingLevels,
            cpuCount: dump.cpus.isEmpty ? (dump.headerCPUCount ?? 0) : dump.cpus.count,
            crashingCPU: crashing, crashingCPUReason: reason, cpus: cpus, prstatusPIDsAreTasks: !qemuNotes,
            panicMessage: panic?.message,
            logLayout: log?.layout.rawValue, logRecords: log?.records.count, logProblems: logProblems,
            crashRecord: nil,
            vmcoreinfo: info?.entries.map { Entry(key: $0.key, value: $0.value) } ?? [])
        // Last, so that it counts every page read above (log, utsname, kallsyms).
        summary.pageCompression = dump.pagesReadByCompression
        return (summary, log)
    }
}
