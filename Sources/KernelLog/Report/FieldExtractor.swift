import Foundation
import KernelFacts

/// Reads the context lines of a report: `CPU: … PID: … Comm: …`, `Hardware name:`, `Workqueue:`,
/// `Modules linked in:`, registers, `Code:`, the instruction pointer and the call trace.
///
/// Format notes: 2.6.32 prints `Pid: 1, comm: swapper Not tainted 2.6.32-19.el6.x86_64 #1 <hw>`;
/// 3.x–6.x `CPU: 0 PID: 1 Comm: swapper/0 Tainted: G        W  5.15.0 #1`; 6.13+ inserts
/// `UID: 0` after the CPU. Registers are `NAME: value` pairs (x86 `RAX: …`, arm64 `x29: …` and
/// `x9 : …` with a space before the colon, `pc : …`, riscv ` ra : …`, ppc `GPR00:` rows kept by
/// row name), kept in the order printed; arm64's `ESR = 0x96000045` (in `Mem abort info:`) too.
///
/// Hung-task reports are printed by `khungtaskd` about another task: `INFO: task init:100 blocked
/// for more than 5 seconds.`, then (5.14+) `task:init state:D stack:0 pid:100 ppid:1 flags:…` or
/// (earlier) `init            D    0   100      1 0x00000000`. The blocked task is the report's
/// task; the `CPU: … Comm: khungtaskd` line names the reporter.
struct FieldExtractor {
    var kernel: KernelInfo?
    var taint: Taint?
    var cpu: Int?
    var pid: Int?
    var comm: String?
    var hardware: String?
    var bios: String?
    var workqueue: String?
    var modules: [LoadedModule] = []
    var lastUnloaded: String?
    var registers: [String: String] = [:]
    /// Register names in the order printed.
    var registerOrder: [String] = []
    /// A hung-task report's blocked task.
    var blockedTask: (comm: String, pid: Int?, state: String?)?
    var code: String?
    var rip: Frame?
    var frames: [Frame] = []
    /// The trace had more than `CrashReportParser.maxFramesPerReport` frames; the rest were left out.
    var framesCut = false

    /// The functions that print a trace (arm64 `dump_backtrace()` → `show_stack()` →
    /// `dump_stack_lvl()`, x86 `show_trace_log_lvl()`): kept in `frames` as printed, but never the
    /// faulting frame (a register dump taken inside them is of the reporter, not of the fault).
    static let reportingFrames: Set<String> = [
        "dump_backtrace", "show_stack", "dump_stack_lvl", "dump_stack", "show_trace_log_lvl", "show_regs",
    ]

    static let maxRegisters = 96
    static let maxModules = 1000

    static let registerNames: Set<String> = {
        var names: Set<String> = [
            "RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP", "R08", "R09", "R10", "R11", "R12", "R13", "R14",
            "R15",
            "EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP", "DS", "ES", "FS", "GS", "SS", "CS", "CR0", "CR2",
            "CR3",
            "CR4", "DR0", "DR1", "DR2", "DR3", "DR6", "DR7", "EFLAGS", "ORIG_RAX", "PKRU", "sp", "lr", "pc", "pstate",
            "fp",
            "ip", "MSR", "CTR", "LR", "XER", "CCR", "DAR", "DSISR", "SOFTE", "CFAR", "IRQMASK", "ra", "gp", "tp", "t0",
            "t1",
            "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8",
            "s9",
            "s10", "s11", "t3", "t4", "t5", "t6", "status", "badaddr", "cause",
            // riscv's program counter; ppc64's instruction pointer, register block and trap number.
            "epc", "NIP", "REGS", "TRAP",
        ]
        for number in 0...30 { names.insert("x\(number)") }
        return names
    }()
    /// The longest register name (`ORIG_RAX`), which bounds the byte gate in `registerLine`.
    static let maxRegisterName = registerNames.map(\.utf8.count).max() ?? 8

    mutating func scan(_ lines: [String]) {
        // Reports without a `Call Trace:` line (old lockdep, some arches) print frames bare.
        let isMarker = lines.map(StackWalker.isStackMarker)
        var stackStarted = !isMarker.contains(true)
        var inModules = false
        var stackDone = false
        var context = FrameContext.task
        var nonFrameRun = 0
        for (line, lineIsMarker) in zip(lines, isMarker) {
            let text = line.drop(while: { $0 == " " || $0 == "\t" })
            if cpu == nil || kernel == nil, text.hasBytePrefix("CPU: ") || text.hasBytePrefix("Pid: ") {
                taskLine(text)
            }
            if hardware == nil, let name = HardwareName.fromOopsLine(text) {
                hardware = name.hardware
                bios = name.bios
            }
            if text.hasBytePrefix("Workqueue: "), workqueue == nil {
                workqueue = String(text.dropFirst("Workqueue: ".count))
            }
            if text.hasBytePrefix("Modules linked in:"), modules.isEmpty {
                moduleLine(text.dropFirst("Modules linked in:".count))
                inModules = true
                continue
            }
            // A long module list wraps onto lines of bare names (printk continuation).
            if inModules, Self.isModuleContinuation(text) {
                moduleLine(text)
                continue
            }
            inModules = false
            // Lockdep's `3.6.0-rc1 #296 Tainted: G        W` / `5.2.0 #75 Not tainted`, and the
            // indented `      Not tainted 5.15.0-91-generic #101-Ubuntu` of hung-task reports (4.x+).
            if kernel == nil || taint == nil, !text.hasBytePrefix("CPU: "), !text.hasBytePrefix("Pid: "),
                text.hasBytePrefix("Not tainted") || text.hasBytePrefix("Tainted: ")
                    || ((text.first?.isNumber ?? false) && text.containsBytes("ainted"))
            {
                releaseLine(text)
            }
            if text.hasBytePrefix("Code: "), code == nil { code = String(text.dropFirst(6)) }
            if text.hasBytePrefix("INFO: task ") || blockedTask != nil && blockedTask?.state == nil {
                hungTaskLine(text)
            }
            if rip == nil, let ip = FrameParser.parseInstructionPointer(text),
                !Self.reportingFrames.contains(RecordAssembler.frameBase(ip.frame.function))
            {
                rip = ip.frame
            }
            registerLine(text)
            if lineIsMarker {
                if stackStarted { stackDone = true }
                stackStarted = true
                nonFrameRun = 0
                continue
            }
            guard stackStarted, !stackDone else { continue }
            // s390 follows the trace with the last branch source, which is not a caller.
            if text.hasBytePrefix("Last Breaking-Event-Address") {
                stackDone = true
                continue
            }
            // 3.x prints markers and the first frame on one line: ` <IRQ>  [<…>] dump_stack+0x19/0x1b`,
            // even two markers: ` <<EOE>> <IRQ>  [<…>] ip_local_deliver+0x47/0x80`.
            var frameText = text
            var markers = 0
            while markers < 4, let marker = FrameParser.contextMarker(frameText) {
                context = marker
                markers += 1
                frameText = frameText.drop(while: { $0 == " " }).drop(while: { $0 != ">" }).drop(while: { $0 == ">" })
            }
            if markers > 0, frameText.allSatisfy({ $0 == " " }) { continue }
            if let parsed = FrameParser.parse(frameText) {
                guard frames.count < CrashReportParser.maxFramesPerReport else {
                    framesCut = true
                    continue
                }
                var frame = parsed.frame
                frame.context = context
                frames.append(frame)
                nonFrameRun = 0
            } else if !frames.isEmpty {
                nonFrameRun += 1
                if text.hasBytePrefix("Code:") || text.hasBytePrefix("RIP:") || text.hasBytePrefix("---[")
                    || nonFrameRun > 3 && !text.containsBytes("[inline]") && !text.containsBytes(" (inlined)")
                {
                    stackDone = true
                }
            }
        }
        // arm64 prints no IRQ markers: the frames down to the exception entry (`el1h_64_irq`,
        // `el1_irq` before 5.13) ran on the IRQ stack, the frames below it are the interrupted task.
        if !frames.contains(where: { $0.context != .task }),
            let entry = frames.firstIndex(where: {
                $0.function.hasPrefix("el1h_64_irq") || $0.function.hasPrefix("el1_irq")
            })
        {
            for index in 0...entry { frames[index].context = .irq }
        }
    }

    /// A wrapped part of `Modules linked in:`: only `name` or `name(FLAGS)` words, optionally
    /// ending in `[last unloaded: name]`.
    static func isModuleContinuation(_ line: Substring) -> Bool {
        var text = line
        if let unloaded = text.byteRange(of: "[last unloaded:") { text = text[..<unloaded.lowerBound] }
        let words = text.split(separator: " ")
        guard !words.isEmpty else { return false }
        return words.allSatisfy { word in
            var name = word[...]
            if let open = word.firstIndex(of: "(") {
                guard word.hasSuffix(")") else { return false }
                let flags = word[word.index(after: open)..<word.index(before: word.endIndex)]
                guard flags.allSatisfy({ $0.isUppercase || $0 == "+" || $0 == "-" }) else { return false }
                name = word[..<open]
            }
            // Module names are ASCII identifiers (`iTCO_wdt`); a capitalised English word
            // (`Disabling lock debugging…`) means prose, not a module list.
            guard !name.isEmpty,
                name.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") && $0.isASCII })
            else { return false }
            let prose =
                name.count > 1 && (name.first?.isUppercase ?? false) && name.dropFirst().allSatisfy(\.isLowercase)
            // `CPU 1` (x86 ≤3.x prints it after the module list) has no lower-case name.
            return !prose && name.contains(where: \.isLowercase)
        }
    }

    mutating func taskLine(_ line: Substring) {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        var index = 0
        var tailStart: Int?
        while index < words.count {
            let word = words[index]
            switch word {
            case "CPU:": cpu = cpu ?? (index + 1 < words.count ? Int(words[index + 1]) : nil)
            case "PID:", "Pid:":
                if index + 1 < words.count { pid = pid ?? Int(words[index + 1].filter { $0 != "," }) }
            case "Comm:", "comm:":
                if index + 1 < words.count { comm = comm ?? String(words[index + 1]) }
            case "Not":
                if index + 1 < words.count, words[index + 1] == "tainted" {
                    taint = taint ?? Taint.untainted
                    tailStart = index + 2
                }
            case "Tainted:":
                // Letters (words without digits) up to the release. RHEL 7 appends its support
                // marker to the letters: `Tainted: GF          O--------------   3.10.0-54.0.1.el7.s390x`.
                var letterEnd = index + 1
                var letters = ""
                while letterEnd < words.count, !words[letterEnd].contains(where: { $0.isNumber }),
                    words[letterEnd].allSatisfy({ $0.isLetter || $0 == "-" })
                {
                    letters += words[letterEnd].filter { $0.isLetter }
                    letterEnd += 1
                }
                taint = taint ?? Taint.decode(letters[...])
                tailStart = letterEnd
            default: break
            }
            if tailStart != nil { break }
            index += 1
        }
        guard tailStart != nil, kernel == nil, let found = KernelRelease.fromTaintLine(line) else { return }
        var info = found.buildInfo
        // 2.6.32 puts the hardware name after the build: `#1 Dell Inc. PowerEdge R710/0MD99X`.
        if line.hasBytePrefix("Pid:"), let after = info, after.hasPrefix("#"), hardware == nil,
            let space = after.firstIndex(of: " ")
        {
            hardware = String(after[after.index(after: space)...])
            info = String(after[..<space])
        }
        kernel = KernelInfo(release: found.release, buildInfo: info)
    }

    /// A line that prints the taint and the release without the task (see `KernelRelease`).
    mutating func releaseLine(_ text: Substring) {
        guard let found = KernelRelease.fromTaintLine(text) else { return }
        if kernel == nil { kernel = KernelInfo(release: found.release, buildInfo: found.buildInfo) }
        guard taint == nil else { return }
        if let tainted = text.byteRange(of: "Tainted: ") {
            // The letters only: the release and build after them hold letters too.
            var letters = text[tainted.upperBound...]
            if let release = letters.byteRange(of: found.release) { letters = letters[..<release.lowerBound] }
            taint = Taint.decode(letters.filter { $0 != "-" }[...])
        } else {
            taint = .untainted
        }
    }

    mutating func moduleLine(_ list: Substring) {
        var text = list
        if let unloaded = text.byteRange(of: "[last unloaded:") {
            let name = text[unloaded.upperBound...].drop(while: { $0 == " " }).prefix(while: { $0 != "]" && $0 != " " })
            lastUnloaded = name.isEmpty ? nil : String(name)
            text = text[..<unloaded.lowerBound]
        }
        for word in text.split(separator: " ") where modules.count < Self.maxModules {
            var name = word
            var taint: String?
            if let open = word.firstIndex(of: "("), word.hasSuffix(")") {
                name = word[..<open]
                taint = String(word[word.index(after: open)..<word.index(before: word.endIndex)])
            }
            if name.isEmpty { continue }
            modules.append(LoadedModule(name: String(name), taint: taint))
        }
    }

    /// `INFO: task init:100 blocked for more than …`, `task:init state:D … pid:100 …`, or the
    /// pre-5.14 `init            D    0   100      1 0x00000000`.
    mutating func hungTaskLine(_ text: Substring) {
        if text.hasBytePrefix("INFO: task "), blockedTask == nil,
            let blocked = text.byteRange(of: " blocked for more than ")
        {
            // Byte offsets, as `byteRange` gives: `INFO: task blocked for more than` (no name)
            // finds the phrase on the space the prefix ends with.
            let nameStart = text.utf8.index(text.startIndex, offsetBy: "INFO: task ".utf8.count)
            guard nameStart <= blocked.lowerBound else { return }
            let task = text[nameStart..<blocked.lowerBound]
            guard let colon = task.lastIndex(of: ":") else { return }
            blockedTask = (String(task[..<colon]), Int(task[task.index(after: colon)...]), nil)
        } else if text.hasBytePrefix("task:"), blockedTask != nil, let stateRange = text.byteRange(of: " state:") {
            // Only after the `INFO: task` line: RCU stall reports print `task:` lines of their own.
            let commStart = text.utf8.index(text.startIndex, offsetBy: "task:".utf8.count)
            guard commStart <= stateRange.lowerBound else { return }
            let comm = text[commStart..<stateRange.lowerBound].trimmingCharacters(in: .whitespaces)
            let state = text[stateRange.upperBound...].prefix { $0 != " " }
            var pid: Int?
            if let pidRange = text.byteRange(of: " pid:") {
                pid = Int(text[pidRange.upperBound...].drop { $0 == " " }.prefix { $0.isNumber })
            }
            guard let known = blockedTask, known.comm == comm else { return }
            blockedTask = (comm, pid ?? known.pid, String(state))
        } else if let known = blockedTask, known.state == nil, text.hasBytePrefix(known.comm) {
            // `init            D    0   100      1 0x00000000`: comm padded to 15, then the state letter.
            let words = text.dropFirst(known.comm.count).split(separator: " ")
            if let state = words.first, state.count == 1, let letter = state.first, letter.isUppercase {
                blockedTask?.state = String(state)
            }
        }
    }

    mutating func registerLine(_ line: Substring) {
        // s390 names its rows `Krnl PSW : <mask> <address> (…)` and `Krnl GPRS: r0 r1 r2 r3`.
        if line.hasBytePrefix("Krnl ") {
            s390RegisterLine(line)
            return
        }
        // Called for every report line: the gate works on bytes (a register name is a few
        // letters before the first colon) before any String is made.
        let utf8 = line.utf8
        guard registers.count < Self.maxRegisters, let firstColon = utf8.firstIndex(of: UInt8(ascii: ":")) else {
            if line.hasBytePrefix("ESR = "), registers["ESR"] == nil {
                addRegister("ESR", String(line.dropFirst("ESR = ".count).prefix { $0 != " " }))
            }
            return
        }
        var start = utf8.startIndex
        while start < firstColon, utf8[start] == UInt8(ascii: " ") || utf8[start] == UInt8(ascii: "\t") {
            utf8.formIndex(after: &start)
        }
        var end = firstColon
        while end > start, utf8[utf8.index(before: end)] == UInt8(ascii: " ") { utf8.formIndex(before: &end) }
        let length = utf8.distance(from: start, to: end)
        guard length >= 2, length <= Self.maxRegisterName else { return }
        let firstName = String(line[start..<end])
        guard Self.registerNames.contains(firstName) || firstName.hasPrefix("GPR") else { return }
        // `NAME: value` pairs; arm64 and riscv pad short names before the colon (`x9 : 0…`, `pc : …`).
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        var index = 0
        while index < words.count, registers.count < Self.maxRegisters {
            var name = words[index]
            var value: Substring?
            if name.hasSuffix(":") {
                name = name.dropLast()
                if index + 1 < words.count { value = words[index + 1]; index += 1 }
            } else if let colon = name.firstIndex(of: ":"), colon != name.startIndex {
                value = name[name.index(after: colon)...]
                name = name[..<colon]
            } else if index + 2 < words.count, words[index + 1] == ":" {
                value = words[index + 2]
                index += 2
            }
            if let registerValue = value, Self.registerNames.contains(String(name)) || name.hasBytePrefix("GPR") {
                addRegister(String(name), String(registerValue))
            }
            index += 1
        }
    }

    /// `Krnl PSW : 0704c00180000000 000003ff8012abcd (…)` → `PSW`; `Krnl GPRS: …` → `r0`…`r3`
    /// (the rows after it carry no names and are left out).
    private mutating func s390RegisterLine(_ line: Substring) {
        if line.hasBytePrefix("Krnl PSW : ") {
            let words = line.dropFirst("Krnl PSW : ".count).split(separator: " ").prefix(2)
            if words.count == 2 { addRegister("PSW", words.joined(separator: " ")) }
        } else if line.hasBytePrefix("Krnl GPRS: ") {
            for (number, value) in line.dropFirst("Krnl GPRS: ".count).split(separator: " ").prefix(4).enumerated() {
                addRegister("r\(number)", String(value))
            }
        }
    }

    private mutating func addRegister(_ name: String, _ value: String) {
        if registers.updateValue(value, forKey: name) == nil { registerOrder.append(name) }
    }
}
