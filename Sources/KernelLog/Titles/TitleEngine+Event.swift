/// Titles of node-health events. They name the node problem and leave out what differs between
/// two occurrences of it — device names, sectors, pids, addresses, the OOM victim — so that the
/// same problem groups together across hosts and boots. The printk formats read here are listed
/// with the headers (`KernelFacts.EventHeaders`).
extension TitleEngine {
    func eventTitle() -> TitleResult {
        let line = lines.first ?? ""
        switch header.family {
        case .edac:
            return TitleResult(Self.edacTitle(line), kind: .memoryError, expectsStack: false)
        case .memoryFailure:
            // `Memory failure: 0x12345: recovery action for dirty LRU page: Recovered`: the page frame left out.
            let action = line.byteRange(of: "recovery action for ").map { line[$0.lowerBound...] } ?? ""
            return TitleResult(
                action.isEmpty ? "Memory failure" : "Memory failure: \(action)", kind: .memoryError,
                expectsStack: false)
        case .filesystemError:
            return TitleResult(Self.filesystemErrorTitle(line), kind: .filesystemError, expectsStack: false)
        case .filesystemReadOnly:
            return TitleResult(Self.readOnlyTitle(line), kind: .filesystemReadOnly, expectsStack: false)
        case .blockIOError:
            return TitleResult(Self.blockErrorTitle(line), kind: .ioError, expectsStack: false)
        case .bufferIOError:
            // `Buffer I/O error on dev sda1, logical block 0, async page read`: the last field says
            // which access failed (2.6 kernels print none).
            let last = Self.lastField(line)
            let what = last.flatMap { $0.contains(where: \.isNumber) ? nil : $0 }
            return TitleResult(
                "Buffer I/O error" + (what.map { " on " + $0 } ?? ""), kind: .ioError, expectsStack: false)
        case .serverNotResponding:
            // `nfs: server 10.0.0.1 not responding, still trying`: the program, not the server.
            let program = line.byteRange(of: ": server ").map { Self.lastWord(line[..<$0.lowerBound]) } ?? ""
            let outcome = line.containsBytes("timed out") ? "timed out" : "still trying"
            let prefix = program.isEmpty ? "" : program + ": "
            return TitleResult(
                "\(prefix)server not responding, \(outcome)", kind: .serverNotResponding, expectsStack: false)
        case .netdevWatchdog:
            return TitleResult(Self.netdevWatchdogTitle(line), kind: .netdevWatchdog, expectsStack: false)
        default:
            return oomTitle()
        }
    }

    /// OOM kills are titled by what ran out — the whole machine, a memory cgroup, a cpuset or a
    /// memory policy — not by the victim, which is whatever was biggest at the time.
    func oomTitle() -> TitleResult {
        var scope: String?
        var killed = false
        for line in lines {
            // 4.19+: `oom-kill:constraint=CONSTRAINT_MEMCG,…` (mm/oom_kill.c oom_constraint_text).
            if let range = line.byteRange(of: "oom-kill:constraint=CONSTRAINT_") {
                let name = line[range.upperBound...].prefix(while: { $0.isLetter || $0 == "_" })
                scope = Self.oomConstraints[String(name)] ?? scope
            }
            if line.containsBytes("Memory cgroup out of memory: ") {
                scope = scope ?? "memory cgroup"
                killed = true
            } else if line.containsBytes("Out of memory: K") || line.containsBytes("Out of memory: kill")
                || line.containsBytes("Out of memory (oom_kill_allocating_task): ")
            {
                killed = true
            } else if line.containsBytes("Task in ") && line.containsBytes(" killed as a result of limit of ") {
                // ≤4.18 memcg: `Task in /a killed as a result of limit of /b` before the kill line.
                scope = scope ?? "memory cgroup"
            }
        }
        if killed {
            return TitleResult("OOM kill in \(scope ?? "system memory")", kind: .oom, expectsStack: false)
        }
        // No victim: `Out of memory and no killable processes...` then the panic, or panic_on_oom.
        if lines.contains(where: { $0.containsBytes("no killable processes") }) {
            return TitleResult("out of memory: no killable processes", kind: .oom, expectsStack: false)
        }
        if lines.contains(where: { $0.containsBytes("panic_on_oom is enabled") }) {
            return TitleResult("out of memory: panic_on_oom is enabled", kind: .oom, expectsStack: false)
        }
        return TitleResult("out of memory", kind: .oom, expectsStack: false)
    }

    /// APEI GHES records (drivers/acpi/apei/ghes.c, drivers/firmware/efi/cper.c): `{1}[Hardware
    /// Error]: event severity: corrected` and `section_type: memory error` → `hardware error:
    /// corrected memory error`; the record number and addresses are left out.
    static func apeiTitle(_ lines: [String]) -> String? {
        func value(after label: String) -> String? {
            for line in lines {
                guard let range = line.byteRange(of: label) else { continue }
                let text = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
                if !text.isEmpty { return text }
            }
            return nil
        }
        guard let severity = value(after: "event severity: ") else { return nil }
        let section = value(after: "section_type: ") ?? "error"
        return "hardware error: \(severity) \(section)"
    }

    static let oomConstraints = [
        "NONE": "system memory", "CPUSET": "cpuset", "MEMORY_POLICY": "memory policy", "MEMCG": "memory cgroup",
    ]

    /// `EDAC MC0: 1 CE memory read error on DIMM_A1 (…)` → `EDAC: CE memory read error`; 2.6–3.4
    /// `EDAC MC0: CE page 0x…, offset …` → `EDAC: CE memory error`.
    static func edacTitle(_ line: String) -> String {
        guard let mc = line.byteRange(of: "EDAC MC"), let colon = line[mc.upperBound...].firstIndex(of: ":") else {
            return "EDAC: memory error"
        }
        var words = line[line.index(after: colon)...].split(separator: " ")
        if let first = words.first, first.allSatisfy(\.isNumber) { words.removeFirst() }
        guard let type = words.first, type == "CE" || type == "UE" else { return "EDAC: memory error" }
        let message = words.dropFirst().prefix(while: { $0 != "on" && $0 != "page" && !$0.contains(where: \.isNumber) })
        let text = message.joined(separator: " ").trimmingSuffix(",:")
        return "EDAC: \(type) " + (text.isEmpty ? "memory error" : text)
    }

    /// ext2/3/4 name the function that found the error; XFS the verifier or caller; BTRFS the
    /// function of `__btrfs_handle_fs_error`, or else the head of its message.
    static func filesystemErrorTitle(_ line: String) -> String {
        for fs in ["EXT4-fs", "EXT3-fs", "EXT2-fs"] {
            guard let start = line.byteRange(of: fs + " error (device") else { continue }
            // `(device sda1): ext4_lookup:1855: …` or `(device sda1) in ext4_reserve_inode_write:5741: …`
            let after = line[start.upperBound...]
            guard let close = after.firstIndex(of: ")") else { return fs + " error" }
            var rest = after[after.index(after: close)...]
            if rest.hasBytePrefix(": ") {
                rest = rest.dropFirst(2)
            } else if rest.hasBytePrefix(" in ") {
                rest = rest.dropFirst(4)
            }
            return identifier(rest).map { "\(fs) error in \($0)" } ?? fs + " error"
        }
        if line.containsBytes("XFS") {
            if let at = line.byteRange(of: " detected at ") ?? line.byteRange(of: "Caller "),
                let function = identifier(line[at.upperBound...])
            {
                if line.containsBytes("Internal error ") { return "XFS: internal error in \(function)" }
                let what = line.containsBytes("Metadata CRC error") ? "metadata CRC error" : "metadata corruption"
                return "XFS: \(what) in \(function)"
            }
            // 4.x+ `metadata I/O error in "xfs_trans_read_buf_map+0x…" at daddr …`; 3.x `("name")`.
            if line.containsBytes("metadata I/O error"), let quote = line.firstIndex(of: "\"") {
                let quoted = line[line.index(after: quote)...]
                return identifier(quoted).map { "XFS: metadata I/O error in \($0)" } ?? "XFS: metadata I/O error"
            }
            return "XFS: metadata error"
        }
        if line.containsBytes("BTRFS") {
            if let device = line.byteRange(of: "BTRFS: error (device"),
                let inRange = line[device.upperBound...].byteRange(of: ") in "),
                let function = identifier(line[inRange.upperBound...])
            {
                return "BTRFS: error in \(function)"
            }
            let level = line.containsBytes("BTRFS critical") ? "critical" : "error"
            guard let close = line.byteRange(of: "): ") else { return "BTRFS \(level)" }
            let head = stableHead(line[close.upperBound...])
            return head.isEmpty ? "BTRFS \(level)" : "BTRFS \(level): \(head)"
        }
        return "filesystem error"
    }

    /// `EXT4-fs (sda1): Remounting filesystem read-only`, `BTRFS info (device sda1): forced
    /// readonly`, XFS's shutdown with its reason (5.18+ `Metadata I/O Error (0x1) detected at …
    /// Shutting down filesystem.`; before, `Log I/O Error Detected.  Shutting down filesystem`).
    static func readOnlyTitle(_ line: String) -> String {
        let trimmed = line.drop(while: { $0 == " " })
        let fs = String(trimmed.prefix(while: { $0 != " " && $0 != "(" && $0 != ":" }))
        if line.containsBytes("forced readonly") { return "\(fs): forced readonly" }
        if line.containsBytes("Shutting down filesystem") {
            var reason = trimmed[...]
            if let close = reason.byteRange(of: "): ") { reason = reason[close.upperBound...] }
            let why =
                reason.byteRange(of: " (0x") ?? reason.byteRange(of: " Detected")
                ?? reason.byteRange(of: " detected")
            if let why, why.lowerBound > reason.startIndex {
                return "\(fs): \(reason[..<why.lowerBound]): shutting down filesystem"
            }
            return "\(fs): shutting down filesystem"
        }
        return "\(fs): remounting filesystem read-only"
    }

    /// `I/O error, dev sda, sector 2048 op 0x1:(WRITE) flags …` → `block: I/O error on WRITE`; the
    /// status words are block/blk-core.c's `blk_errors`; older kernels print no operation.
    static func blockErrorTitle(_ line: String) -> String {
        guard let range = line.byteRange(of: " error, dev ") else { return "block: I/O error" }
        var status = line[..<range.lowerBound].drop(while: { $0 == " " })
        // `blk_update_request: I/O error`, `end_request: I/O error`, `print_req_error: …`.
        if let colon = status.byteRange(of: ": ") { status = status[colon.upperBound...] }
        let title = "block: \(status.isEmpty ? "I/O" : String(status)) error"
        if let open = line.byteRange(of: ":("), let close = line[open.upperBound...].firstIndex(of: ")") {
            return title + " on " + line[open.upperBound..<close]
        }
        return title
    }

    /// ≤6.4 (and the first timeout only, `WARN_ONCE`) `NETDEV WATCHDOG: eth0 (ixgbe): transmit
    /// queue 0 timed out`; 6.x `ixgbe 0000:01:00.0 eth0: NETDEV WATCHDOG: CPU: 3: transmit queue 0
    /// timed out 5120 ms` (netdev_crit: driver, bus id, interface). Titled by driver.
    static func netdevWatchdogTitle(_ line: String) -> String {
        guard let literal = line.byteRange(of: "NETDEV WATCHDOG: ") else {
            return "NETDEV WATCHDOG: transmit queue timed out"
        }
        var driver: Substring?
        let after = line[literal.upperBound...]
        if !after.hasBytePrefix("CPU:"), let open = after.firstIndex(of: "("),
            let close = after[open...].firstIndex(of: ")")
        {
            driver = after[after.index(after: open)..<close]
        } else {
            // netdev_printk's prefix has three words (driver, device, interface) when the device has a parent.
            let prefix = line[..<literal.lowerBound].split(separator: " ")
            if prefix.count >= 3 { driver = prefix[prefix.count - 3] }
        }
        guard let driver, !driver.isEmpty else { return "NETDEV WATCHDOG: transmit queue timed out" }
        return "NETDEV WATCHDOG: \(driver): transmit queue timed out"
    }

    /// The words of a message up to the first that carries a number; paths and `key=value`
    /// tokens are left out (`csum failed root 5 ino 257 …` → `csum failed root`).
    static func stableHead(_ text: Substring) -> String {
        var kept: [Substring] = []
        for word in text.split(separator: " ") {
            if word.contains(where: \.isNumber) { break }
            if word.hasPrefix("/") || word.contains("=") { continue }
            kept.append(word)
        }
        return kept.joined(separator: " ").trimmingSuffix(",:")
    }

    static func lastField(_ line: String) -> String? {
        guard let comma = line.lastIndex(of: ",") else { return nil }
        let field = line[line.index(after: comma)...].drop(while: { $0 == " " })
        return field.isEmpty ? nil : String(field)
    }

    static func lastWord(_ text: Substring) -> String {
        String(text.split(separator: " ").last ?? "")
    }
}

extension String {
    /// The string without trailing characters of `set`.
    fileprivate func trimmingSuffix(_ set: String) -> String {
        var result = self[...]
        while let last = result.last, set.contains(last) { result = result.dropLast() }
        return String(result)
    }
}
