import Foundation

/// Reads the context lines of a report: `CPU: … PID: … Comm: …`, `Hardware name:`, `Workqueue:`,
/// `Modules linked in:`, registers, `Code:`, the instruction pointer and the call trace.
///
/// Format notes: 2.6.32 prints `Pid: 1, comm: swapper Not tainted 2.6.32-19.el6.x86_64 #1 <hw>`;
/// 3.x–6.x `CPU: 0 PID: 1 Comm: swapper/0 Tainted: G        W  5.15.0 #1`; 6.13+ inserts
/// `UID: 0` after the CPU. Registers are `NAME: value` pairs (x86 `RAX: …`, arm64 `x29: …`,
/// ppc `GPR00:` rows are kept by row name).
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
    var code: String?
    var rip: Frame?
    var frames: [Frame] = []
    /// The trace had more than `CrashReportParser.maxFramesPerReport` frames; the rest were left out.
    var framesCut = false

    static let maxRegisters = 96
    static let maxModules = 1000

    static let registerNames: Set<String> = {
        var s: Set<String> = [
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
        ]
        for i in 0...30 { s.insert("x\(i)") }
        return s
    }()
    /// The longest register name (`ORIG_RAX`), which bounds the byte gate in `registerLine`.
    static let maxRegisterName = registerNames.map(\.utf8.count).max() ?? 8

    mutating func scan(_ lines: [String]) {
        // Reports without a `Call Trace:` line (old lockdep, some arches) print frames bare.
        let hasMarker = lines.contains(where: StackWalker.isStackMarker)
        var stackStarted = !hasMarker
        var inModules = false
        var stackDone = false
        var context = FrameContext.task
        var nonFrameRun = 0
        for line in lines {
            let t = line.drop(while: { $0 == " " || $0 == "\t" })
            if cpu == nil || kernel == nil, t.hasPrefix("CPU: ") || t.hasPrefix("Pid: ") { taskLine(t) }
            if hardware == nil, let name = HardwareName.fromOopsLine(t) {
                hardware = name.hardware
                bios = name.bios
            }
            if t.hasPrefix("Workqueue: "), workqueue == nil { workqueue = String(t.dropFirst("Workqueue: ".count)) }
            if t.hasPrefix("Modules linked in:"), modules.isEmpty {
                moduleLine(t.dropFirst("Modules linked in:".count))
                inModules = true
                continue
            }
            // A long module list wraps onto lines of bare names (printk continuation).
            if inModules, Self.isModuleContinuation(t) {
                moduleLine(t)
                continue
            }
            inModules = false
            if taint == nil, t.contains(" Tainted: ") || t.hasSuffix(" Not tainted"), let f = t.first, f.isNumber {
                // Lockdep banners: `3.6.0-rc1 #296 Tainted: G        W` / `5.2.0 #75 Not tainted`.
                let words = t.split(separator: " ")
                if let release = words.first, kernel == nil { kernel = KernelInfo(release: String(release)) }
                if let r = t.range(of: " Tainted: ") {
                    taint = Taint.decode(t[r.upperBound...])
                } else {
                    taint = .untainted
                }
            }
            if t.hasPrefix("Code: "), code == nil { code = String(t.dropFirst(6)) }
            if rip == nil, let ip = FrameParser.parseInstructionPointer(t) { rip = ip.frame }
            registerLine(t)
            if StackWalker.isStackMarker(line) {
                if stackStarted { stackDone = true }
                stackStarted = true
                nonFrameRun = 0
                continue
            }
            guard stackStarted, !stackDone else { continue }
            // s390 follows the trace with the last branch source, which is not a caller.
            if t.hasPrefix("Last Breaking-Event-Address") {
                stackDone = true
                continue
            }
            // 3.x prints markers and the first frame on one line: ` <IRQ>  [<…>] dump_stack+0x19/0x1b`,
            // even two markers: ` <<EOE>> <IRQ>  [<…>] ip_local_deliver+0x47/0x80`.
            var frameText = t
            var markers = 0
            while markers < 4, let c = FrameParser.contextMarker(frameText) {
                context = c
                markers += 1
                frameText = frameText.drop(while: { $0 == " " }).drop(while: { $0 != ">" }).drop(while: { $0 == ">" })
            }
            if markers > 0, frameText.allSatisfy({ $0 == " " }) { continue }
            if let f = FrameParser.parse(frameText) {
                guard frames.count < CrashReportParser.maxFramesPerReport else {
                    framesCut = true
                    continue
                }
                var frame = f.frame
                frame.context = context
                frames.append(frame)
                nonFrameRun = 0
            } else if !frames.isEmpty {
                nonFrameRun += 1
                if t.hasPrefix("Code:") || t.hasPrefix("RIP:") || t.hasPrefix("---[")
                    || nonFrameRun > 3 && !t.contains("[inline]")
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
            for k in 0...entry { frames[k].context = .irq }
        }
    }

    /// A wrapped part of `Modules linked in:`: only `name` or `name(FLAGS)` words, optionally
    /// ending in `[last unloaded: name]`.
    static func isModuleContinuation(_ t: Substring) -> Bool {
        var text = t
        if let r = text.range(of: "[last unloaded:") { text = text[..<r.lowerBound] }
        let words = text.split(separator: " ")
        guard !words.isEmpty else { return false }
        return words.allSatisfy { w in
            var name = w[...]
            if let open = w.firstIndex(of: "(") {
                guard w.hasSuffix(")") else { return false }
                let flags = w[w.index(after: open)..<w.index(before: w.endIndex)]
                guard flags.allSatisfy({ $0.isUppercase || $0 == "+" || $0 == "-" }) else { return false }
                name = w[..<open]
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

    mutating func taskLine(_ t: Substring) {
        let words = t.split(separator: " ", omittingEmptySubsequences: true)
        var i = 0
        var tailStart: Int?
        while i < words.count {
            let w = words[i]
            switch w {
            case "CPU:": cpu = cpu ?? (i + 1 < words.count ? Int(words[i + 1]) : nil)
            case "PID:", "Pid:":
                if i + 1 < words.count { pid = pid ?? Int(words[i + 1].filter { $0 != "," }) }
            case "Comm:", "comm:":
                if i + 1 < words.count { comm = comm ?? String(words[i + 1]) }
            case "Not":
                if i + 1 < words.count, words[i + 1] == "tainted" {
                    taint = taint ?? Taint.untainted
                    tailStart = i + 2
                }
            case "Tainted:":
                // Letters (words without digits) up to the release. RHEL 7 appends its support
                // marker to the letters: `Tainted: GF          O--------------   3.10.0-54.0.1.el7.s390x`.
                var j = i + 1
                var letters = ""
                while j < words.count, !words[j].contains(where: { $0.isNumber }),
                    words[j].allSatisfy({ $0.isLetter || $0 == "-" })
                {
                    letters += words[j].filter { $0.isLetter }
                    j += 1
                }
                taint = taint ?? Taint.decode(letters[...])
                tailStart = j
            default: break
            }
            if tailStart != nil { break }
            i += 1
        }
        guard let s = tailStart, s < words.count else { return }
        // 2.6.2x prints `Not tainted (2.6.27.9-159.fc10.i686 #1)`.
        let release = String(words[s].drop(while: { $0 == "(" }))
        var info: String?
        if s + 1 < words.count {
            let tail = words[(s + 1)...].joined(separator: " ")
            info = tail
            // 2.6.32 puts the hardware name after the build: `#1 Dell Inc. PowerEdge R710/0MD99X`.
            if t.hasPrefix("Pid:"), words[s + 1].hasPrefix("#"), s + 2 < words.count, hardware == nil {
                hardware = words[(s + 2)...].joined(separator: " ")
                info = String(words[s + 1])
            }
        }
        if kernel == nil { kernel = KernelInfo(release: release, buildInfo: info) }
    }

    mutating func moduleLine(_ s: Substring) {
        var text = s
        if let r = text.range(of: "[last unloaded:") {
            let name = text[r.upperBound...].drop(while: { $0 == " " }).prefix(while: { $0 != "]" && $0 != " " })
            lastUnloaded = name.isEmpty ? nil : String(name)
            text = text[..<r.lowerBound]
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

    mutating func registerLine(_ t: Substring) {
        // Called for every report line: the gate works on bytes (a register name is a few
        // letters before the first colon) before any String is made.
        let utf8 = t.utf8
        guard registers.count < Self.maxRegisters, let firstColon = utf8.firstIndex(of: UInt8(ascii: ":")) else {
            return
        }
        var start = utf8.startIndex
        while start < firstColon, utf8[start] == 0x20 || utf8[start] == 0x09 { utf8.formIndex(after: &start) }
        var end = firstColon
        while end > start, utf8[utf8.index(before: end)] == 0x20 { utf8.formIndex(before: &end) }
        let length = utf8.distance(from: start, to: end)
        guard length >= 2, length <= Self.maxRegisterName else { return }
        let firstName = String(t[start..<end])
        guard Self.registerNames.contains(firstName) || firstName.hasPrefix("GPR") else { return }
        let words = t.split(separator: " ", omittingEmptySubsequences: true)
        var i = 0
        while i < words.count, registers.count < Self.maxRegisters {
            var w = words[i]
            var value: Substring?
            if w.hasSuffix(":") {
                w = w.dropLast()
                if i + 1 < words.count { value = words[i + 1]; i += 1 }
            } else if let c = w.firstIndex(of: ":"), c != w.startIndex {
                value = w[w.index(after: c)...]
                w = w[..<c]
            }
            if let v = value, Self.registerNames.contains(String(w)) || w.hasPrefix("GPR") {
                registers[String(w)] = String(v)
            }
            i += 1
        }
    }
}
