import KtriageBytes

/// Output of other crash tools saved beside a dump, recognised from an input's first bytes so
/// that it is not read as kernel text: crash(8)'s session output holds the dump's `sys` header
/// (`PANIC: "kernel BUG at …"`), backtraces and register lines that read like a report of their
/// own; makedumpfile's messages hold no kernel text at all. A kernel log one of them printed
/// (`crash> log`, `makedumpfile --dump-dmesg`, `vmcore-dmesg`) has the kernel's stamps and stays
/// readable.
public enum PeerToolOutput: String, Sendable, Equatable {
    /// crash(8): `crash 8.0.2` banner, `crash> ` prompts, `crash: …` messages, the `sys` header.
    case crashSession = "crash(8) session output"
    /// makedumpfile's own messages (`The dumpfile is saved to …`, progress bars).
    case makedumpfileMessages = "makedumpfile's messages"

    /// Lines that only crash(8) prints, at the start of a line.
    static let crashMarkers: [StaticString] = [
        "crash> ",  // the prompt, echoed in saved sessions
        "crash: ",  // its errors: `crash: VMCOREINFO: no log buffer data`
        "WARNING: active task ",  // `… on cpu 0 not found in PID hash`, printed at start-up
        "please wait... (",  // `please wait... (gathering task table data)`
        "      KERNEL: ",  // the `sys` header, right-aligned keys
        "    DUMPFILE: ",
    ]

    /// Lines that only makedumpfile prints.
    static let makedumpfileMarkers: [StaticString] = [
        "The dumpfile is saved to ",
        "The dmesg log is saved to ",
        "makedumpfile Completed.",
        "Copying data ",
        "Checking for memory holes ",
        "The kernel version is not supported.",
    ]

    /// What `head` (the first KiB of an input) is, if it is one of these; looks at its first
    /// 40 lines.
    public static func recognise(_ head: UnsafeRawBufferPointer) -> PeerToolOutput? {
        var start = 0
        var lines = 0
        var sawStamp = false
        while start < head.count, lines < 40 {
            let end = ByteScanning.memchrIndex(ASCII.lineFeed, in: head, from: start) ?? head.count
            let line = UnsafeRawBufferPointer(rebasing: head[start..<end])
            if crashMarkers.contains(where: { ByteScanning.hasLiteral(line, at: 0, $0) }) || isCrashBanner(line) {
                return .crashSession
            }
            if line.first == UInt8(ascii: "[") { sawStamp = true }
            if !sawStamp, makedumpfileMarkers.contains(where: { ByteScanning.hasLiteral(line, at: 0, $0) }) {
                return .makedumpfileMessages
            }
            start = end + 1
            lines += 1
        }
        return nil
    }

    /// `crash 8.0.2` (the banner's first line).
    static func isCrashBanner(_ line: UnsafeRawBufferPointer) -> Bool {
        ByteScanning.hasLiteral(line, at: 0, "crash ") && line.count > 6 && ByteScanning.isDigit(line[6])
            && line.count < 40
    }
}
