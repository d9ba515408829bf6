import ArgumentParser
import CrashOutput
import KernelDump
import KernelLog
import KernelSymbols
import KtriageReader

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes all of `bytes` to a file descriptor (1 = standard output, 2 = standard error).
private func writeAll(_ bytes: some Collection<UInt8>, to descriptor: Int32) {
    writeAll(Array(bytes), to: descriptor)
}

/// Writes all of `array` with as few write(2) calls as the descriptor allows.
private func writeAll(_ array: [UInt8], to descriptor: Int32) {
    array.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            guard let base = raw.baseAddress else { return }
            let written = write(descriptor, base + offset, raw.count - offset)
            if written <= 0 {
                if written < 0 && errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}

/// `ktriage vmcore info|dmesg`: metadata, registers and the kernel log of a vmcore, without vmlinux.
struct VmcoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmcore",
        abstract: "Read metadata, registers and the kernel log from a vmcore, without vmlinux.",
        discussion: """
            Reads ELF vmcores (/proc/vmcore, makedumpfile -E, QEMU dump-guest-memory), kdump-compressed \
            dumps ("KDUMP   ", zlib pages) and makedumpfile's flattened stream in place. Only the pages \
            needed are read, so the dump's size does not matter.

            Examples:
              ktriage vmcore info /var/crash/vmcore
              ktriage vmcore info vmcore.kdump --format json --system-map System.map-6.1.0-56-amd64
              ktriage vmcore dmesg /var/crash/vmcore > vmcore-dmesg.txt
              ktriage vmcore ps /var/crash/vmcore --state UN
            """,
        subcommands: [VmcoreInfoCommand.self, VmcoreDmesgCommand.self, VmcorePsCommand.self, VmcoreBtCommand.self])
}

/// A partial result was printed; the reason went to standard error.
struct VmcoreIncomplete: Error, CustomStringConvertible {
    var path: String
    var problems: [String]
    var description: String { "\(path): incomplete: " + problems.joined(separator: "; ") }
}

struct VmcoreDmesgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmesg",
        abstract: "Print the crashed kernel's log as [seconds.micros] lines.",
        discussion: """
            Prints the printk buffer the way crash's `log` and vmcore-dmesg do: one \
            `[seconds.micros] text` line per record, continuation lines of multi-line records \
            indented, non-printable bytes as '.'. The buffer layout (lockless printk_ringbuffer of \
            5.10+, printk_log records of 3.5-5.9, the character ring before 3.5) is chosen from \
            VMCOREINFO. If the log can be read only partly, the readable records are printed, the \
            reason goes to standard error and the exit status is non-zero.

            Examples:
              ktriage vmcore dmesg /var/crash/127.0.0.1-2026-11-22/vmcore
              ktriage vmcore dmesg vmcore.flat --caller-id
              ktriage vmcore dmesg vmcore --wall-clock
            """)

    @Argument(help: "The vmcore (ELF, kdump-compressed or makedumpfile flattened).") var vmcore: String
    @Flag(help: "Add the printk caller column ([  T123] thread or [    C1] CPU).") var callerId = false
    @Flag(
        help: """
            Print wall-clock times (UTC) instead of seconds since boot, anchoring the last record at \
            VMCOREINFO's CRASHTIME (or the kdump header's timestamp). Approximate: the kernel's clock \
            and wall time drift apart.
            """)
    var wallClock = false

    func run() throws { try Self.printLog(vmcore: vmcore, callerID: callerId, wallClock: wallClock) }

    /// The command's work, callable without ArgumentParser (see `plainArguments`).
    static func printLog(vmcore: String, callerID: Bool, wallClock: Bool) throws {
        let dump = try Vmcore(path: vmcore)
        let log = try dump.kernelLog()
        var anchor: Int64?
        if wallClock {
            anchor = dump.vmcoreinfo?.crashTime ?? dump.headerTimestamp
            if anchor == nil {
                let warning =
                    "ktriage: \(vmcore): no CRASHTIME in VMCOREINFO and no kdump header timestamp: printing seconds since boot\n"
                writeAll(warning.utf8, to: 2)
            }
        }
        writeAll(DmesgFormatter(showCallerID: callerID, wallClockAnchor: anchor).formatBytes(log.records), to: 1)
        if let error = dump.cutShortError { throw error }
        if log.isIncomplete { throw VmcoreIncomplete(path: vmcore, problems: log.problems) }
    }

    /// The options of `vmcore dmesg ARGUMENTS` when they are only the two flags (each at most
    /// once) and one path that does not start with `-`, in any order; `nil` for anything else
    /// (help, `--`, a mistake), which is left to ArgumentParser.
    static func plainArguments(_ arguments: ArraySlice<String>) -> (vmcore: String, callerID: Bool, wallClock: Bool)? {
        guard arguments.count >= 3, arguments.count <= 5, arguments.prefix(2).elementsEqual(["vmcore", "dmesg"])
        else { return nil }
        var vmcore: String?
        var callerID = false
        var wallClock = false
        for argument in arguments.dropFirst(2) {
            switch argument {
            case "--caller-id" where !callerID: callerID = true
            case "--wall-clock" where !wallClock: wallClock = true
            case _ where vmcore == nil && !argument.hasPrefix("-"): vmcore = argument
            default: return nil
            }
        }
        return vmcore.map { ($0, callerID, wallClock) }
    }
}

struct VmcoreInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show a vmcore's format, kernel, CPUs, registers and panic message.",
        discussion: """
            Reports the container (format, compression, dump level, completeness), the kernel \
            (release, version, machine, build id, KASLR offset, phys_base, paging levels), crash \
            time, each CPU's pid and RIP/RSP with the crashing CPU marked, the panic message from \
            the log, and every VMCOREINFO key (JSON). With the kernel's own type information (BTF, \
            CONFIG_DEBUG_INFO_BTF) and symbols (kallsyms, 6.0+, or --system-map) it adds what \
            crash's sys and mod show: uptime, load average, tasks, memory, taint, the command line \
            and the loaded modules. Each RIP in the kernel image is symbolized from \
            the dump's own kallsyms table when VMCOREINFO locates it (6.0+ kernels), or from \
            --system-map when given (module addresses are not symbolized). When part of the dump is missing (truncated, \
            incomplete) or the log cannot be read, what is there is printed, the reason goes to \
            standard error as one line, and the exit status is non-zero.

            Examples:
              ktriage vmcore info /var/crash/vmcore
              ktriage vmcore info vmcore.kdump-zlib --format json | jq .cpus
              ktriage vmcore info vmcore --system-map /boot/System.map-$(uname -r)
            """)

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Argument(help: "The vmcore (ELF, kdump-compressed or makedumpfile flattened).") var vmcore: String
    @Option(help: "Output format: table or json.") var format: OutputFormat = .table
    @Option(
        help:
            "A System.map (nm format) of the crashed kernel, to symbolize each CPU's RIP (instead of kallsyms)."
    )
    var systemMap: String?

    func run() throws {
        let dump = try Vmcore(path: vmcore)
        var (summary, extract) = VmcoreSummary.make(dump)
        var crashRecord: CrashRecord?
        if let extract {
            let nodename = summary.nodename.flatMap { $0 == "(none)" ? nil : $0 }
            let parsed = VmcoreScanner.records(
                from: extract, path: vmcore, host: nodename, crashTime: summary.crashTime)
            if let main = VmcoreScanner.mainRecord(parsed.records) {
                crashRecord = main
                summary.crashRecord = .init(
                    kind: main.kind.rawValue, title: main.title, guiltyFrame: main.guilty?.function)
            }
        }
        var mapSymbols: [String: UInt64]?
        if let systemMap {
            var table = try SymbolTable.load(systemMap: systemMap)
            let fit = table.fit(vmcoreinfo: dump.vmcoreinfo, dumpRelease: summary.release)
            if let reason = fit.rejection {
                // Never print confident names from another build's map.
                summary.notes.append("System.map \(systemMap) does not fit this dump (\(reason)): not used")
            } else {
                mapSymbols = VmcorePsCommand.factSymbols(from: table)
                table.kernelOffset = fit.offset?.value ?? 0
                func textSymbol(_ hex: String?) -> String? {
                    guard let address = hex.flatMap({ UInt64($0.dropFirst(2), radix: 16) }),
                        let match = table.lookup(address), match.isText
                    else { return nil }
                    return match.description
                }
                for index in summary.cpus.indices {
                    if let symbol = textSymbol(summary.cpus[index].pc) { summary.cpus[index].pcSymbol = symbol }
                    if let symbol = textSymbol(summary.cpus[index].lr) { summary.cpus[index].lrSymbol = symbol }
                }
            }
        }
        summary.facts = dump.facts(systemMap: mapSymbols)
        switch format {
        case .json: writeAll(VmcoreInfoJSON.render(summary, crashRecord: crashRecord).utf8, to: 1)
        case .table: writeAll(VmcoreInfoText.render(summary).utf8, to: 1)
        }
        if let error = dump.cutShortError { throw error }
        // A partial result: printed above, and said once more on standard error with a non-zero exit.
        if !summary.missing.isEmpty || !summary.logProblems.isEmpty {
            throw VmcoreIncomplete(path: vmcore, problems: summary.missing + summary.logProblems)
        }
    }
}

struct VmcorePsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps",
        abstract: "List every task of a vmcore as crash's ps does, without vmlinux.",
        discussion: """
            Lists each CPU's idle task and every process and thread: pid, parent pid, CPU, \
            task_struct address, crash's two-letter state (RU running, IN interruptible, UN \
            uninterruptible = D, ID idle kernel thread, ZO zombie, ST stopped, TR traced, DE dead, \
            WA waking, PA parked, NE new) and command; '>' marks the task running on its CPU at \
            crash time, kernel threads are in brackets. Tasks in UN state are counted and listed \
            again at the end. Layouts come from the kernel's own BTF (CONFIG_DEBUG_INFO_BTF), symbols \
            from its kallsyms (6.0+) or --system-map. A task list that loops or a damaged pointer \
            ends the walk: what was read is printed, the reason goes to standard error and the exit \
            status is non-zero.

            Examples:
              ktriage vmcore ps /var/crash/vmcore
              ktriage vmcore ps vmcore.kdump --state UN
              ktriage vmcore ps vmcore --format json | jq '.tasks[] | select(.state == "UN")'
            """)

    @Argument(help: "The vmcore (ELF, kdump-compressed or makedumpfile flattened).") var vmcore: String
    @Option(help: "Output format: table or json.") var format: VmcoreInfoCommand.OutputFormat = .table
    @Option(help: "Only tasks in this state (RU, IN, UN, ID, ZO, ST, TR, DE, WA, PA, NE).") var state: String?
    @Option(help: "A System.map of the crashed kernel, for kernels before 6.0 (no kallsyms in VMCOREINFO).")
    var systemMap: String?

    func run() throws {
        let dump = try Vmcore(path: vmcore)
        let mapSymbols = try Self.factSymbols(systemMap: systemMap, for: dump)
        var facts = dump.facts(systemMap: mapSymbols)
        guard facts.tasks != nil else {
            throw VmcoreIncomplete(path: vmcore, problems: facts.problems.isEmpty ? ["no task list"] : facts.problems)
        }
        if let state { facts.tasks = facts.tasks?.filter { $0.state == state.uppercased() } }
        switch format {
        case .json: writeAll(VmcoreFactsJSON.renderTasks(facts).utf8, to: 1)
        case .table: writeAll(VmcorePsText.render(facts).utf8, to: 1)
        }
        if let error = dump.cutShortError { throw error }
        if facts.partial { throw VmcoreIncomplete(path: vmcore, problems: facts.problems) }
    }

    /// The fact symbols of `systemMap` (nil without one), refusing a map of another build:
    /// `ps` and `bt` would show confident nonsense from it.
    static func factSymbols(systemMap: String?, for dump: Vmcore) throws -> [String: UInt64]? {
        guard let systemMap else { return nil }
        let table = try SymbolTable.load(systemMap: systemMap)
        let fit = table.fit(vmcoreinfo: dump.vmcoreinfo, dumpRelease: dump.vmcoreinfo?.osRelease)
        if let reason = fit.rejection {
            throw ValidationError("System.map \(systemMap) does not fit this dump (\(reason))")
        }
        return factSymbols(from: table)
    }

    /// The link-time addresses of the symbols `Vmcore.facts` needs, from a System.map.
    static func factSymbols(from table: SymbolTable) -> [String: UInt64] {
        var symbols: [String: UInt64] = [:]
        for name in Vmcore.factSymbolNames {
            if let address = table.linkAddress(of: name) { symbols[name] = address }
        }
        return symbols
    }
}

struct VmcoreBtCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bt",
        abstract: "Unwind kernel stacks of a vmcore (ORC on x86-64, frame records on arm64), without vmlinux.",
        discussion: """
            Unwinds with the ORC tables the kernel carries (x86-64, CONFIG_UNWINDER_ORC, 4.14+; the \
            entry layout, changed in 6.3, is taken from the dump's BTF, else its .orc_header or release) \
            or by its frame records (arm64, x29/x30): tasks running at crash time from their CPU's \
            saved registers (NT_PRSTATUS), sleeping tasks from their saved context; exception frames \
            are shown as [exception RIP: …] ([exception PC: …] on arm64). Without an unwinder the \
            stack is scanned for return addresses, shown as '? function' (unreliable). Names come \
            from the dump's kallsyms (6.0+); module frames show the module and the address. By \
            default the tasks running on a CPU are shown. arm64 dumps whose kallsyms lacks data \
            symbols need --system-map for the task list; without it each CPU is unwound from its \
            registers alone.

            Examples:
              ktriage vmcore bt /var/crash/vmcore
              ktriage vmcore bt vmcore 1 107 --format json
              ktriage vmcore bt vmcore --all
              ktriage vmcore bt vmcore.arm64 --all --system-map System.map-6.1.0-56-arm64
            """)

    @Argument(help: "The vmcore (ELF, kdump-compressed or makedumpfile flattened).") var vmcore: String
    @Argument(help: "Only these pids.") var pids: [Int32] = []
    @Option(help: "Only the task running on this CPU.") var cpu: Int?
    @Flag(help: "Every task.") var all = false
    @Option(help: "Output format: table or json.") var format: VmcoreInfoCommand.OutputFormat = .table
    @Option(
        help:
            "A System.map of the crashed kernel, for kernels before 6.0 or whose kallsyms lacks data symbols (CONFIG_KALLSYMS_ALL unset)."
    )
    var systemMap: String?

    func run() throws {
        let dump = try Vmcore(path: vmcore)
        let mapSymbols = try VmcorePsCommand.factSymbols(systemMap: systemMap, for: dump)
        // Only the chosen tasks are unwound.
        let result = dump.backtraces(
            systemMap: mapSymbols,
            including: { task in
                if !pids.isEmpty { return pids.contains(task.pid) }
                if let cpu { return task.active && task.cpu == cpu }
                return all || task.active
            })
        let traces = result.traces
        switch format {
        case .json: writeAll(VmcoreBacktraceJSON.render(traces, problems: result.problems).utf8, to: 1)
        case .table:
            writeAll(
                VmcoreBacktraceText.render(
                    traces, problems: result.problems, programCounterName: result.programCounterName
                ).utf8, to: 1)
        }
        if let error = dump.cutShortError { throw error }
        // No task list or no unwinder (a selection that matches no task is not an error).
        if result.traces.isEmpty, !result.problems.isEmpty {
            throw VmcoreIncomplete(path: vmcore, problems: result.problems)
        }
    }
}
