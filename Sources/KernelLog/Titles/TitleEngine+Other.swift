import Foundation

/// Recipes for the remaining headers: faults, panics, BUG_ON, UBSAN, arm faults, fleet kinds.
extension TitleEngine {
    func otherTitle() -> TitleResult {
        let detail = afterLiteral
        switch header.family {
        case .armUnable:
            for what in ["paging request", "NULL pointer dereference", "access to user memory"]
            where detail.hasBytePrefix(what) {
                return titled(
                    "BUG: unable to handle kernel \(what) in {F}", kind: .oops,
                    pick: guilty(GuiltyFrameRules.fault),
                    alts: ["bad-access in {F}"])
            }
            // s390: `Unable to handle kernel pointer dereference in virtual kernel address space`.
            if detail.hasBytePrefix("pointer dereference") {
                return titled(
                    "BUG: unable to handle kernel paging request in {F}", kind: .oops,
                    pick: guilty(GuiltyFrameRules.fault),
                    alts: ["bad-access in {F}"])
            }
            return TitleResult(rawTitle, kind: .oops, expectsStack: false)
        case .gpf:
            return titled(
                "general protection fault in {F}", kind: .gpf,
                pick: guilty(GuiltyFrameRules.fault),
                alts: ["bad-access in {F}"])
        case .stackSegment:
            return titled(
                "stack segment fault in {F}", kind: .gpf, pick: guilty(GuiltyFrameRules.fault))
        case .kernelPanic:
            return panicTitle()
        case .doubleFault:
            return titled(
                "PANIC: double fault in {F}", kind: .doubleFault, pick: guilty(GuiltyFrameRules.faultInstructionOnly),
                expectsStack: false)
        case .rustPanic:
            let message = lines.dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "rust panic"
            return titled(
                "\(message) in {F}", kind: .panic,
                pick: guilty(GuiltyFrameRules.rustPanic))
        case .kernelBUG:
            if detail.hasBytePrefix("at mm/usercopy.c") {
                return titled(
                    "BUG: bad usercopy in {F}", kind: .usercopy,
                    pick: guilty(GuiltyFrameRules.usercopy))
            }
            if detail.hasBytePrefix("at lib/list_debug.c") {
                return titled(
                    "BUG: corrupted list in {F}", kind: .listCorruption,
                    pick: guilty(GuiltyFrameRules.listCorruption),
                    alts: ["bad-access in {F}"])
            }
            return titled(
                "kernel BUG in {F}", kind: .bug,
                pick: guilty(GuiltyFrameRules.kernelBUG))
        case .kernelBUGPowerPC:
            return TitleResult("kernel BUG " + detail, kind: .bug)
        case .slabObject:
            // `BUG <cache> (Not tainted): <problem>`: the problem names the bug; the cache is an
            // allocation size class, so it stays out of the title.
            let line = lines.first ?? ""
            let problem = line.byteRange(of: "): ").map { line[$0.upperBound...].trimmingCharacters(in: .whitespaces) }
            var result = TitleResult("BUG: " + (problem ?? String(detail)), kind: .slabCorruption, expectsStack: false)
            if let open = line.byteRange(of: "BUG "), let cacheEnd = line[open.upperBound...].firstIndex(of: " ") {
                result.altTitles = ["BUG: \(problem ?? "") in \(line[open.upperBound..<cacheEnd])"]
            }
            return result
        case .divideError:
            return ipOnly("divide error in {F}", kind: .divideError)
        case .invalidOpcode:
            return ipOnly("invalid opcode in {F}", kind: .invalidOpcode)
        case .int3:
            return ipOnly("int3 in {F}", kind: .bug)
        case .ubsan:
            return ubsanTitle(detail)
        case .reboot:
            return TitleResult("unexpected kernel reboot", kind: .reboot, expectsStack: false)
        case .netdevUnregister:
            return TitleResult(
                "unregister_netdevice: waiting for DEV to become free", kind: .refcount, expectsStack: false)
        case .vfsClose:
            return TitleResult("VFS: Close: file count is zero (use-after-free)", kind: .bug, expectsStack: false)
        case .vfsBusy:
            return TitleResult("VFS: Busy inodes after unmount (use-after-free)", kind: .bug, expectsStack: false)
        case .armFault:
            let words = header.literal.dropLast()
            let alts = words == "Alignment trap" ? [] : ["bad-access in {F}"]
            return titled(
                "\(words) in {F}", kind: .oops, pick: guilty(GuiltyFrameRules.fault), alts: alts)
        case .trusty:
            if let assertRange = detail.byteRange(of: "ASSERT FAILED at ("),
                let close = detail[assertRange.upperBound...].byteRange(of: "): ")
            {
                return TitleResult(
                    "trusty: ASSERT FAILED: " + detail[close.upperBound...], kind: .panic, expectsStack: false)
            }
            if let close = detail.byteRange(of: "): ") {
                return TitleResult("trusty: panic: " + detail[close.upperBound...], kind: .panic, expectsStack: false)
            }
            return TitleResult("trusty: panic", kind: .panic, expectsStack: false)
        case .goFatal:
            return TitleResult("go runtime error", kind: .other, expectsStack: false)
        case .syzFail:
            if header.literal == "panic:", detail.hasBytePrefix("Sentry detected"), detail.containsBytes("stuck task") {
                return TitleResult("panic: Sentry detected stuck tasks", kind: .other, expectsStack: false)
            }
            var result = TitleResult(header.literal + " " + detail, kind: .other, expectsStack: false)
            if header.literal == "SYZFATAL:" { result.altTitles = ["SYZFATAL"] }
            return result
        case .oops:
            return titled("Oops in {F}", kind: .oops, pick: guilty(GuiltyFrameRules.fault))
        case .listCorruption:
            return titled(
                "BUG: corrupted list in {F}", kind: .listCorruption,
                pick: guilty(GuiltyFrameRules.listCorruption),
                alts: ["bad-access in {F}"])
        case .refcount:
            return titled(
                "WARNING: refcount bug in {F}", kind: .refcount,
                pick: guilty(GuiltyFrameRules.refcount))
        case .usercopy:
            return titled(
                "BUG: bad usercopy in {F}", kind: .usercopy,
                pick: guilty(GuiltyFrameRules.usercopy))
        case .fortify:
            return titled(
                "fortify: buffer overflow in {F}", kind: .fortify,
                pick: guilty(GuiltyFrameRules.fortify))
        case .netdevWatchdog, .edac, .memoryFailure, .filesystemError, .filesystemReadOnly, .blockIOError,
            .bufferIOError, .serverNotResponding, .oomInvoked, .oomKill:
            // A `NETDEV WATCHDOG` message that no `WARNING:` joined is an event (see TitleEngine+Event).
            return eventTitle()
        case .hardLockup:
            return titled(
                "watchdog: hard lockup in {F}", kind: .hardLockup, pick: guilty(GuiltyFrameRules.hardLockup),
                alts: ["stall in {F}"])
        case .allocFailure:
            return titled(
                "page allocation failure in {F}", kind: .allocationFailure,
                pick: guilty(GuiltyFrameRules.allocationFailure))
        case .mce:
            if lines.contains(where: { $0.containsBytes("Machine Check Exception") }) {
                return TitleResult("mce: Machine Check Exception", kind: .mce, expectsStack: false)
            }
            if lines.contains(where: { $0.containsBytes("Machine check events logged") }) {
                return TitleResult("mce: machine check events logged", kind: .mce, expectsStack: false)
            }
            return TitleResult(Self.apeiTitle(lines) ?? "mce: hardware error", kind: .mce, expectsStack: false)
        case .stackProtector, .bug, .warning, .info:
            return TitleResult(rawTitle, kind: .other, expectsStack: false)
        }
    }

    /// Faults whose function comes only from the instruction pointer.
    func ipOnly(_ template: String, kind: CrashKind) -> TitleResult {
        titled(template, kind: kind, pick: guilty(GuiltyFrameRules.faultInstructionOnly))
    }

    func panicTitle() -> TitleResult {
        // `Kernel panic - not syncing: <reason>`
        var reason = afterLiteral
        if let labelRange = reason.byteRange(of: "not syncing:") {
            reason = reason[labelRange.upperBound...].drop(while: { $0 == " " })
        }
        if reason.hasBytePrefix("stack-protector: Kernel stack is corrupted in:") {
            let fnText = reason.dropFirst("stack-protector: Kernel stack is corrupted in:".count).drop(while: {
                $0 == " "
            })
            if let fn = Self.identifier(fnText),
                !(fnText.hasBytePrefix("0x")
                    || fnText.first?.isHexDigit == true && fnText.allSatisfy({ $0.isHexDigit }))
            {
                var result = TitleResult(
                    "kernel panic: stack is corrupted in \(fn)", kind: .stackProtector, expectsStack: false)
                result.guiltyFunction = fn
                return result
            }
            return titled(
                "kernel panic: stack is corrupted in {F}", kind: .stackProtector,
                pick: guilty(GuiltyFrameRules.stackProtector))
        }
        if reason.hasBytePrefix("corrupted stack end detected inside scheduler") {
            return titled(
                "kernel panic: corrupted stack end in {F}", kind: .stackOverflow,
                pick: guilty(GuiltyFrameRules.stall), alts: ["stack-overflow in {F}"])
        }
        if reason.hasBytePrefix("kernel stack overflow") {
            return titled(
                "kernel stack overflow in {F}", kind: .stackOverflow,
                pick: guilty(GuiltyFrameRules.stall),
                alts: ["stack-overflow in {F}"])
        }
        if reason.hasBytePrefix("Attempted to kill init!") {
            return TitleResult("kernel panic: Attempted to kill init!", kind: .panic, expectsStack: false)
        }
        if reason.hasBytePrefix("Couldn't open N_TTY ldisc") {
            return TitleResult("kernel panic: Couldn't open N_TTY ldisc", kind: .panic, expectsStack: false)
        }
        for generic in ["Fatal exception", "panic_on_warn set", "hung_task: blocked tasks"]
        where reason.hasBytePrefix(generic) {
            return TitleResult(
                "kernel panic: \(generic)", kind: .panic, corrupted: "panic after a report whose header was lost")
        }
        if reason.hasBytePrefix("Fatal machine check") || reason.hasBytePrefix("Machine check") {
            return TitleResult("kernel panic: \(reason)", kind: .mce, expectsStack: false)
        }
        if reason.containsBytes("Watchdog detected hard LOCKUP") || reason.containsBytes("hard LOCKUP") {
            return titled(
                "watchdog: hard lockup in {F}", kind: .hardLockup,
                pick: guilty(GuiltyFrameRules.hardLockupPanic), alts: ["stall in {F}"], expectsStack: false)
        }
        if reason.hasBytePrefix("softlockup: hung tasks") {
            return TitleResult(
                "kernel panic: softlockup: hung tasks", kind: .softLockup,
                corrupted: "panic after a report whose header was lost")
        }
        return TitleResult("kernel panic: " + reason, kind: .panic, expectsStack: false)
    }

    func ubsanTitle(_ detail: Substring) -> TitleResult {
        if detail.hasBytePrefix("Undefined behaviour in") {
            return titled(
                "UBSAN: undefined-behaviour in {F}", kind: .ubsan,
                pick: guilty(GuiltyFrameRules.ubsan))
        }
        if let inRange = detail.byteRange(of: " in ") {
            let what = detail[..<inRange.lowerBound]
            let alts = what == "array-index-out-of-bounds" ? ["bad-access in {F}"] : []
            return titled(
                "UBSAN: \(what) in {F}", kind: .ubsan,
                pick: guilty(GuiltyFrameRules.ubsan), alts: alts)
        }
        return TitleResult("UBSAN: " + detail, kind: .ubsan)
    }
}
