import Foundation

/// Which title recipe family a header belongs to.
enum HeaderFamily: Sendable {
    case bug, warning, info, armUnable, gpf, stackSegment, kernelPanic, doubleFault, rustPanic
    case kernelBUG, kernelBUGPowerPC, slabObject, divideError, invalidOpcode, int3, ubsan, reboot
    case netdevUnregister, vfsClose, vfsBusy, armFault, trusty, goFatal, syzFail, oops
    // Messages that precede (or replace) one of the above on real fleets.
    case allocFailure, hardLockup, listCorruption, refcount, usercopy, fortify, netdevWatchdog, oomKill, oomInvoked,
        mce, stackProtector
}

/// How a header line relates to a report already being collected on the same context.
enum HeaderRole: Sendable {
    /// Starts a new report; a report in progress ends before it.
    case start
    /// Part of a report in progress (`Kernel panic - not syncing` after an oops, `Internal error:`
    /// after arm64's `Unable to handle`); starts a report only when none is in progress.
    case continuation
    /// A message that the kernel prints just before a header of its own (`list_add corruption.`
    /// before `kernel BUG at lib/list_debug.c`): opens a report that a following header joins.
    case lead
}

/// One crash header: a literal found anywhere in a line, and lines that contain it without
/// being a crash.
struct CrashHeader: Sendable {
    let literal: String
    let family: HeaderFamily
    var role: HeaderRole
    var excludes: [String] = []
    /// The literal must begin the message (after spaces), not appear inside it.
    var atStart = false
}

/// The header table, in matching order: a line holding two literals belongs to the first
/// (arm's `Internal error: Oops - BUG: 0 [#1]` is a `BUG:` report).
enum CrashHeaders {
    static let table: [CrashHeader] = [
        CrashHeader(
            literal: "BUG:", family: .bug, role: .start,
            excludes: ["ODEBUG:", "DEBUG:", "xlog_status:", "BUG: no syscalls can create resource", "_BUG:"]),
        CrashHeader(
            literal: "WARNING:", family: .warning, role: .start,
            excludes: [
                "WARNING: /etc/ssh", "sshd", "glibc", "EXT4-fs", "XFS (", "mand mount option", "hw-vuln",
                "Speculative Return Stack Overflow", "CPU_SRSO",
                "Unprivileged eBPF is enabled", "mitigation", "Mitigation", "WARNING: at least",
                "-WARNING:", "_WARNING:", "WARNING: Kernel version", "WARNING: Spectre", "WARNING: unpatched",
                "WARNING: TSC", "WARNING: tsc",
            ]),
        CrashHeader(
            literal: "INFO:", family: .info, role: .start,
            excludes: [
                "INFO: lockdep is turned off", "INFO: Stall ended before state dump start", "INFO: NMI handler",
                "_INFO:", "INFO: recovery required", "INFO: task blocked for", "INFO: Slab",
            ]),
        CrashHeader(literal: "Unable to handle kernel", family: .armUnable, role: .start),
        CrashHeader(
            literal: "general protection fault", family: .gpf, role: .start,
            excludes: [" error:", "traps: "]),
        CrashHeader(literal: "stack segment: ", family: .stackSegment, role: .start),
        CrashHeader(literal: "Kernel panic", family: .kernelPanic, role: .continuation),
        CrashHeader(literal: "PANIC: double fault", family: .doubleFault, role: .continuation),
        CrashHeader(literal: "rust_kernel: panicked", family: .rustPanic, role: .start),
        CrashHeader(literal: "kernel BUG", family: .kernelBUG, role: .start),
        CrashHeader(literal: "Kernel BUG", family: .kernelBUGPowerPC, role: .start),
        CrashHeader(literal: "BUG kmalloc-", family: .slabObject, role: .start),
        // SLUB debug checks on any cache: `BUG ext4_inode_cache (Tainted: G    B  ): Poison overwritten`.
        CrashHeader(literal: "): Poison overwritten", family: .slabObject, role: .start),
        CrashHeader(literal: "): Redzone overwritten", family: .slabObject, role: .start),
        CrashHeader(literal: "): Object padding overwritten", family: .slabObject, role: .start),
        CrashHeader(literal: "): Freepointer corrupt", family: .slabObject, role: .start),
        CrashHeader(literal: "): Object already free", family: .slabObject, role: .start),
        CrashHeader(literal: "): Invalid object pointer", family: .slabObject, role: .start),
        CrashHeader(literal: "divide error:", family: .divideError, role: .start, excludes: [" in "]),
        CrashHeader(literal: "divide_error:", family: .divideError, role: .start),
        CrashHeader(literal: "invalid opcode:", family: .invalidOpcode, role: .continuation, excludes: [" in "]),
        CrashHeader(literal: "int3:", family: .int3, role: .start),
        CrashHeader(literal: "UBSAN:", family: .ubsan, role: .start),
        CrashHeader(
            literal: "Booting the kernel.", family: .reboot, role: .start,
            excludes: ["Parsing ELF", "Decompressing Linux", "Unknown parameter '"], atStart: true),
        CrashHeader(literal: "unregister_netdevice: waiting for", family: .netdevUnregister, role: .continuation),
        CrashHeader(literal: "VFS: Close: file count is 0", family: .vfsClose, role: .start),
        CrashHeader(literal: "VFS: Busy inodes after unmount", family: .vfsBusy, role: .start),
        CrashHeader(literal: "Internal error:", family: .armFault, role: .continuation),
        CrashHeader(literal: "Unhandled fault:", family: .armFault, role: .start),
        CrashHeader(literal: "Alignment trap:", family: .armFault, role: .start),
        CrashHeader(literal: "trusty: panic", family: .trusty, role: .start),
        CrashHeader(
            literal: "fatal error:", family: .goFatal, role: .start, excludes: ["fatal error: runtime: out of memory"],
            atStart: true),
        CrashHeader(literal: "SYZFAIL:", family: .syzFail, role: .start),
        CrashHeader(literal: "SYZFATAL:", family: .syzFail, role: .start),
        CrashHeader(
            literal: "panic:", family: .syzFail, role: .start, excludes: ["_panic:", " panic: "], atStart: true),
        // Fleet kinds that syzbot rarely meets.
        CrashHeader(literal: "list_add corruption", family: .listCorruption, role: .lead),
        CrashHeader(literal: "list_del corruption", family: .listCorruption, role: .lead),
        CrashHeader(literal: "refcount_t: ", family: .refcount, role: .lead),
        CrashHeader(literal: "usercopy: Kernel memory ", family: .usercopy, role: .lead),
        // ≤6.7 `detected buffer overflow in memcpy`; 6.8+ `memcpy: detected buffer overflow: 9 byte read …`.
        CrashHeader(literal: "detected buffer overflow", family: .fortify, role: .lead),
        CrashHeader(literal: "detected field-spanning write", family: .fortify, role: .lead),
        CrashHeader(literal: "NETDEV WATCHDOG:", family: .netdevWatchdog, role: .lead),
        CrashHeader(literal: "Watchdog detected hard LOCKUP on cpu", family: .hardLockup, role: .lead),
        CrashHeader(literal: "page allocation failure: order:", family: .allocFailure, role: .continuation),
        CrashHeader(literal: "invoked oom-killer:", family: .oomInvoked, role: .start),
        CrashHeader(literal: "Out of memory: Kill", family: .oomKill, role: .continuation),
        CrashHeader(literal: "Out of memory (oom_kill_allocating_task): Kill", family: .oomKill, role: .continuation),
        CrashHeader(literal: "Memory cgroup out of memory: Kill", family: .oomKill, role: .continuation),
        CrashHeader(
            literal: "[Hardware Error]: ", family: .mce, role: .start,
            excludes: ["[Hardware Error]: Machine check events logged"]),
        CrashHeader(literal: "Machine check events logged", family: .mce, role: .start),
        CrashHeader(literal: "Oops: ", family: .oops, role: .continuation, excludes: ["Oops: 0000 [#"], atStart: true),
        CrashHeader(literal: "Oops: 0000 [#", family: .oops, role: .continuation, atStart: true),
    ]

    /// The first line of every boot (`init/version.c`): it names the running kernel and ends any
    /// report in progress.
    static let bootBanner = "Linux version "

    /// Finds the header a line starts, if any.
    static func match(_ text: String) -> (header: CrashHeader, range: Range<String.Index>)? {
        for h in table {
            guard let r = text.range(of: h.literal) else { continue }
            if h.atStart, !text[..<r.lowerBound].allSatisfy({ $0 == " " }) { continue }
            if h.excludes.contains(where: { text.contains($0) }) { continue }
            let after = text[r.upperBound...]
            // `BUG:`/`WARNING:`/`INFO:` are followed by a space or end the line (`INFO:check_…` is a
            // driver's own tag).
            let generic = h.family == .bug || h.family == .warning || h.family == .info
            if generic, let c = after.first, c != " " { continue }
            // Kernel reports always contain lower-case text (paths, functions); a line in capitals
            // is some program shouting, or an upper-cased console.
            if generic, !after.isEmpty,
                !after.contains(where: { $0.isLowercase })
            {
                continue
            }
            var found = h
            // arm64 `Internal error: Oops - BUG: …` continues the report that `kernel BUG at` began.
            if h.role == .start, text.contains("Internal error:") { found.role = .continuation }
            return (found, r)
        }
        return nil
    }
}

/// The per-line prefilter: finds whether any header literal occurs in a line, by bytes.
///
/// Literals of eight bytes or more: Wu–Manber over one 8-byte *anchor* per literal, the 8-gram
/// least made of common letter pairs (`"l BUG"`…, `"_error:"`), so ordinary text rarely matches
/// it. A table keyed by the byte pair ending the current 8-byte window gives a safe jump of 0–7
/// bytes; only where it is 0 is the window hashed against an 8 KB bitmap, and only then are
/// literals compared in full. Shorter literals (`BUG:`, `INFO:`, `int3:`, `panic:`, `Oops: `,
/// `UBSAN:`) all end in a colon: `memchr` finds colons and the few bytes before each are
/// compared. Storage is flat: ordinary lines cost no allocation and no reference counting.
final class HeaderPrefilter: Sendable {
    static let window = 8
    /// Safe jump for the byte pair ending the current window (keyed as a little-endian UInt16).
    private let shifts: [UInt8]
    private let bitmap: [UInt64]
    /// Anchor of each long literal, as loaded little-endian from memory, and its offset in it.
    private let anchors: [UInt64]
    private let anchorOffsets: [Int]
    /// Start of each long literal in `bytes`, and the end as the next start.
    private let starts: [Int]
    private let bytes: [UInt8]
    /// Short literals without their colon, flat, with starts; and whether a space must follow.
    private let shortStarts: [Int]
    private let shortBytes: [UInt8]
    private let shortNeedsSpace: [Bool]
    /// Bytes that end some short literal before its colon: a colon after any other byte is skipped.
    private let shortLastBytes: [Bool]

    @inline(__always) static func hash(_ word: UInt64) -> Int {
        Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 48)
    }

    /// Letter pairs frequent in English and kernel chatter; anchors avoid them.
    static let commonPairs: Set<String> = [
        "th", "he", "in", "er", "an", "re", "on", "at", "en", "nd", "ti", "es", "or", "te", "of", "ed", "is", "it",
        "al", "ar", "st", "to", "nt", "ng", "se", "ha", "as", "ou", "io", "le", "ve", "co", "me", "de", "hi", "ri",
        "ro", "ic", "ne", "ea", "ra", "ce", "li", "ch", "ll", "be", "ma", "si", "om", "ur", "ta", "ec", "ct", "ul",
        "ke", "rn", "el", "ge", "ac", "pa", "ni", "un", "us", "ag", "ca", "ai", "ad", "et", "em", "il", "tr",
        "ev", "vi", "ss", "ns", "ow", "fa", "au", "lt", "ol", "mo", "ry", "no", "so", "ut", "pe", "la", "ue",
    ]

    static func commonness(_ a: UInt8, _ b: UInt8) -> Int {
        func letter(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7a }
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        if a == 0x20 || b == 0x20 { return (letter(a) || letter(b) || digit(a) || digit(b)) ? 2 : 3 }
        if digit(a) || digit(b) { return 2 }
        guard letter(a), letter(b) else { return 0 }
        return commonPairs.contains(String(decoding: [a, b], as: UTF8.self)) ? 2 : 1
    }

    init(literals: [String]) {
        let m = Self.window
        let all = Set(literals).sorted().map { Array($0.utf8) }
        let long = all.filter { $0.count >= m }
        var anchorOffsets: [Int] = []
        for u in long {
            var best = 0
            var bestScore = Int.max
            for a in 0...(u.count - m) {
                let score = (1..<m).reduce(0) { $0 + Self.commonness(u[a + $1 - 1], u[a + $1]) }
                if score < bestScore {
                    best = a
                    bestScore = score
                }
            }
            anchorOffsets.append(best)
        }
        var shifts = [UInt8](repeating: UInt8(m - 1), count: 65536)
        var anchors: [UInt64] = []
        var bitmap = [UInt64](repeating: 0, count: 1024)
        for (u, a) in zip(long, anchorOffsets) {
            for q in 1..<m {
                let key = Int(u[a + q - 1]) | Int(u[a + q]) << 8
                shifts[key] = min(shifts[key], UInt8(m - 1 - q))
            }
            var word: UInt64 = 0
            for k in 0..<m { word |= UInt64(u[a + k]) << UInt64(8 * k) }
            anchors.append(word)
            let h = Self.hash(word)
            bitmap[h >> 6] |= 1 << UInt64(h & 63)
        }
        var starts: [Int] = []
        var flat: [UInt8] = []
        for u in long {
            starts.append(flat.count)
            flat.append(contentsOf: u)
        }
        starts.append(flat.count)
        var shortStarts: [Int] = []
        var shortBytes: [UInt8] = []
        var shortNeedsSpace: [Bool] = []
        for u in all where u.count < m {
            // Every short literal ends in `:` or `: ` (checked by the header table's tests).
            guard let colon = u.lastIndex(of: UInt8(ascii: ":")) else { continue }
            shortStarts.append(shortBytes.count)
            shortBytes.append(contentsOf: u[..<colon])
            shortNeedsSpace.append(colon + 1 < u.count)
        }
        shortStarts.append(shortBytes.count)
        var last = [Bool](repeating: false, count: 256)
        for s in 0..<(shortStarts.count - 1) where shortStarts[s + 1] > shortStarts[s] {
            last[Int(shortBytes[shortStarts[s + 1] - 1])] = true
        }
        self.shortLastBytes = last
        self.shifts = shifts
        self.bitmap = bitmap
        self.anchors = anchors
        self.anchorOffsets = anchorOffsets
        self.starts = starts
        self.bytes = flat
        self.shortStarts = shortStarts
        self.shortBytes = shortBytes
        self.shortNeedsSpace = shortNeedsSpace
    }

    static let shared = HeaderPrefilter(literals: CrashHeaders.table.map(\.literal) + [CrashHeaders.bootBanner])

    func mayContainHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        guard line.count >= 4, let base = line.baseAddress else { return false }
        return hasShortLiteral(base, line.count) || hasLongLiteral(base, line.count)
    }

    private func hasShortLiteral(_ base: UnsafeRawPointer, _ n: Int) -> Bool {
        var from = 0
        while from < n, let hit = memchr(base + from, 0x3a, n - from) {
            let colon = base.distance(to: UnsafeRawPointer(hit))
            from = colon + 1
            guard colon > 0,
                shortLastBytes.withUnsafeBufferPointer({ $0[Int(base.load(fromByteOffset: colon - 1, as: UInt8.self))] }
                )
            else { continue }
            for s in 0..<(shortStarts.count - 1) {
                let length = shortStarts[s + 1] - shortStarts[s]
                guard colon >= length else { continue }
                if shortNeedsSpace[s], colon + 1 >= n || base.load(fromByteOffset: colon + 1, as: UInt8.self) != 0x20 {
                    continue
                }
                var k = 0
                while k < length,
                    shortBytes[shortStarts[s] + k] == base.load(fromByteOffset: colon - length + k, as: UInt8.self)
                {
                    k += 1
                }
                if k == length { return true }
            }
        }
        return false
    }

    private func hasLongLiteral(_ base: UnsafeRawPointer, _ n: Int) -> Bool {
        let m = Self.window
        guard n >= m else { return false }
        return shifts.withUnsafeBufferPointer { shifts in
            bitmap.withUnsafeBufferPointer { bits in
                var end = m - 1  // last byte of the current window
                while end < n {
                    let pair = Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: end - 1, as: UInt16.self)))
                    let shift = Int(shifts[pair])
                    if shift != 0 {
                        end += shift
                        continue
                    }
                    let start = end - (m - 1)
                    let word = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: start, as: UInt64.self))
                    let h = Self.hash(word)
                    if bits[h >> 6] & (1 << UInt64(h & 63)) != 0, matches(base, n, window: start, word) { return true }
                    end += 1
                }
                return false
            }
        }
    }

    private func matches(_ base: UnsafeRawPointer, _ n: Int, window: Int, _ word: UInt64) -> Bool {
        for lit in anchors.indices where anchors[lit] == word {
            let start = window - anchorOffsets[lit]
            let length = starts[lit + 1] - starts[lit]
            guard start >= 0, start + length <= n else { continue }
            var k = 0
            let from = starts[lit]
            while k < length, bytes[from + k] == base.load(fromByteOffset: start + k, as: UInt8.self) { k += 1 }
            if k == length { return true }
        }
        return false
    }
}
