import Foundation

/// Title rules of the other formats with a structure of their own (panic reasons, UBSAN, slab
/// debug, arm faults, syzkaller messages); `TitleRecipes` says which header takes which.
extension TitleEngine {
    /// Rust's `panicked at …`: the next line is the message.
    func rustPanicTitle() -> TitleResult {
        let message = lines.dropFirst().first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "rust panic"
        return titled("\(message) in {F}", kind: .panic, pick: guilty(GuiltyFrameRules.rustPanic))
    }

    /// `BUG <cache> (Not tainted): <problem>`: the problem names the bug; the cache is an
    /// allocation size class, so it stays out of the title.
    func slabObjectTitle(_ detail: Substring) -> TitleResult {
        let line = lines.first ?? ""
        let problem = line.byteRange(of: "): ").map { line[$0.upperBound...].trimmingCharacters(in: .whitespaces) }
        var result = TitleResult("BUG: " + (problem ?? String(detail)), kind: .slabCorruption, expectsStack: false)
        if let open = line.byteRange(of: "BUG "), let cacheEnd = line[open.upperBound...].firstIndex(of: " ") {
            result.altTitles = ["BUG: \(problem ?? "") in \(line[open.upperBound..<cacheEnd])"]
        }
        return result
    }

    /// arm `Unhandled fault:`, `Alignment trap:`: the header words name the fault.
    func armFaultTitle() -> TitleResult {
        let words = header.literal.dropLast()
        let alts = words == "Alignment trap" ? [] : TitleRecipes.badAccess
        return titled("\(words) in {F}", kind: .oops, pick: guilty(GuiltyFrameRules.fault), alts: alts)
    }

    static func trustyTitle(_ detail: Substring) -> TitleResult {
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
    }

    func syzFailTitle(_ detail: Substring) -> TitleResult {
        if header.literal == "panic:", detail.hasBytePrefix("Sentry detected"), detail.containsBytes("stuck task") {
            return TitleResult("panic: Sentry detected stuck tasks", kind: .other, expectsStack: false)
        }
        var result = TitleResult(header.literal + " " + detail, kind: .other, expectsStack: false)
        if header.literal == "SYZFATAL:" { result.altTitles = ["SYZFATAL"] }
        return result
    }

    /// Machine checks: the 2.6 `Machine Check Exception`, the corrected-error notice, or APEI's record.
    func machineCheckTitle() -> TitleResult {
        if lines.contains(where: { $0.containsBytes("Machine Check Exception") }) {
            return TitleResult("mce: Machine Check Exception", kind: .mce, expectsStack: false)
        }
        if lines.contains(where: { $0.containsBytes("Machine check events logged") }) {
            return TitleResult("mce: machine check events logged", kind: .mce, expectsStack: false)
        }
        return TitleResult(Self.apeiTitle(lines) ?? "mce: hardware error", kind: .mce, expectsStack: false)
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
