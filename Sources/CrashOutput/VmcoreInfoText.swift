import KernelDump

/// `vmcore info`: the summary as labelled lines for a person.
public enum VmcoreInfoText {
    public static func render(_ summary: VmcoreSummary) -> String {
        var out = ""
        func row(_ label: String, _ value: String?) {
            // Values come from the dump's memory (host name, command line, log): escape bytes
            // in them must not reach the terminal.
            out += padded(label, 14) + TerminalText.clean(value ?? "unknown") + "\n"
        }
        var format = summary.format
        if let version = summary.kdumpHeaderVersion { format += ", header v\(version)" }
        if !summary.compression.isEmpty { format += ", " + summary.compression.joined(separator: "+") }
        if let level = summary.dumpLevel { format += ", dump level \(level)" }
        if let loads = summary.elfLoadSegments { format += ", \(loads) PT_LOAD" }
        if summary.incomplete { format += ", INCOMPLETE" }
        row("File:", summary.path)
        row("Format:", format)
        if let pages = summary.pageCompression { row("Pages read:", pagesRead(pages)) }
        row("Release:", summary.release)
        row("Version:", summary.version)
        row(
            "Machine:",
            summary.machine.map { summary.machineSource == "init_uts_ns" ? $0 : "\($0) (\(summary.machineSource))" })
        row("Node:", summary.nodename)
        row("Build ID:", summary.buildID)
        if let time = summary.crashTime {
            row("Crash time:", "\(DmesgFormatter.utcTime(seconds: time)) (\(summary.crashTimeSource ?? ""))")
        } else {
            row("Crash time:", "not recorded (no CRASHTIME: the dump did not come through kexec)")
        }
        row("KASLR:", summary.kernelOffset.map { $0 == "0x0" ? "off (KERNELOFFSET=0)" : "KERNELOFFSET=\($0)" })
        row("phys_base:", "\(summary.physBase) (\(summary.physBaseSource))")
        row("Paging:", "\(summary.pagingLevels)-level, page size \(summary.pageSize)")
        var cpuLine = "\(summary.cpuCount)"
        if let crashed = summary.crashingCPU {
            cpuLine += ", crashed on CPU \(crashed) (\(summary.crashingCPUReason ?? ""))"
        }
        row("CPUs:", cpuLine)
        for cpu in summary.cpus {
            let mark = cpu.crashed ? "*" : " "
            let pid = cpu.logPID.map { "pid \($0)" } ?? (summary.prstatusPIDsAreTasks ? "pid \(cpu.pid)" : "pid ?")
            var line = padded("  \(mark) CPU \(cpu.cpu)  \(pid)", 22)
            line +=
                "\(cpu.registerNames.pc.uppercased()) \(cpu.pc ?? "?")  \(cpu.registerNames.sp.uppercased()) \(cpu.sp ?? "?")"
            if let symbol = cpu.pcSymbol { line += "  " + TerminalText.clean(symbol) }
            if let lr = cpu.lr {
                line += "  LR \(lr)"
                if let symbol = cpu.lrSymbol { line += "  " + TerminalText.clean(symbol) }
            }
            out += line + "\n"
        }
        row("Panic:", summary.panicMessage ?? "not found in the log")
        if let facts = summary.facts { out += factRows(facts) }
        if let layout = summary.logLayout {
            row("Log:", "\(layout), \(summary.logRecords ?? 0) records")
        }
        for problem in summary.logProblems { row("Log problem:", problem) }
        if let record = summary.crashRecord {
            row(
                "Crash:",
                [record.kind, record.title, record.guiltyFrame].compactMap { $0 }.joined(separator: " | "))
        }
        for missing in summary.missing { row("Missing:", missing) }
        for note in summary.notes { row("Note:", note) }
        row("VMCOREINFO:", "\(summary.vmcoreinfo.count) keys (see --format json)")
        return out
    }

    /// What crash's `sys`, `sys -t` and `mod` add, read with the dump's BTF.
    static func factRows(_ facts: DumpFacts) -> String {
        var out = ""
        func row(_ label: String, _ value: String?) {
            guard let value else { return }
            out += padded(label, 14) + TerminalText.clean(value) + "\n"
        }
        row(
            "Uptime:",
            facts.uptimeSeconds.map { uptime($0) + " (\(VmcoreFactsJSON.format3($0)) s, HZ \(facts.hz ?? 0))" })
        row("Load average:", facts.loadAverage?.map { VmcoreFactsJSON.hundredths($0) }.joined(separator: ", "))
        row(
            "Tasks:",
            facts.taskCount.map { count in
                let blocked = facts.tasks?.filter { $0.state == "UN" }.count ?? 0
                return "\(count)" + (blocked > 0 ? " (\(blocked) in UN / D state: see vmcore ps)" : "")
            })
        row("Memory:", facts.memoryBytes.map { megabytes($0) })
        row(
            "Taint:",
            facts.taint.map { taint in
                taint.mask == 0
                    ? "none"
                    : "\(taint.letters) (0x\(String(taint.mask, radix: 16)): \(taint.flags.joined(separator: ", ")))"
            })
        row("Command line:", facts.commandLine)
        if let modules = facts.modules {
            row("Modules:", "\(modules.count)")
            for module in modules {
                var line = "  " + padded(TerminalText.clean(module.name), 20) + "0x" + String(module.base, radix: 16)
                line += "  \(module.size)  " + TerminalText.clean(module.state)
                if !module.taint.isEmpty { line += "  " + TerminalText.clean(module.taint) }
                out += line + "\n"
            }
        }
        if let btf = facts.btf {
            row("BTF:", "\(btf.types) types, \(btf.bytes) bytes at 0x\(String(btf.address, radix: 16))")
        }
        for problem in facts.problems { row("Facts:", problem) }
        return out
    }

    /// `00:00:06` (whole seconds, as crash's `UPTIME`), with days when there are any.
    static func uptime(_ seconds: Double) -> String {
        // Only a damaged dump gives more than a century; print it as a number rather than trap.
        guard seconds.isFinite, seconds >= 0, seconds < 1e15 else { return "\(seconds) s" }
        let total = Int(seconds)
        let days = total / 86_400
        let clock = [total % 86_400 / 3600, total % 3600 / 60, total % 60].map { $0 < 10 ? "0\($0)" : "\($0)" }
        return (days > 0 ? "\(days) days, " : "") + clock.joined(separator: ":")
    }

    /// `127.5 MB`, one decimal, as crash's `MEMORY`.
    static func megabytes(_ bytes: UInt64) -> String {
        let tenths = Int((Double(bytes) / 1_048_576 * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) MB"
    }

    /// Pads `text` with spaces to `width` characters.
    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// `812 lzo, 3 raw`: codecs in the order of their kdump flag bits, then raw pages.
    static func pagesRead(_ pages: [String: Int]) -> String {
        let order = ["zlib", "lzo", "snappy", "zstd", "raw"]
        let known = order.compactMap { name in pages[name].map { "\($0) \(name)" } }
        let others = pages.keys.filter { !order.contains($0) }.sorted().map { "\(pages[$0] ?? 0) \($0)" }
        let parts = known + others
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}
