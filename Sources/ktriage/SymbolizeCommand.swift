import ArgumentParser
import Foundation
import KernelFacts
import KernelSymbols
import KtriageBytes

/// `ktriage symbolize`: the CLI face of `LogAnalysis` + `LogSymbolizer`; it only reads files,
/// prints and exits.
struct SymbolizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "symbolize",
        abstract: "Add function+offset/size to bare addresses and addresses to bare frames in a kernel log.",
        discussion: """
            Reads LOG (standard input when LOG is absent or '-') and prints it with:
              [<ffffffff8154d4f0>]   ->  [<ffffffff8154d4f0>] vfs_write+0xc7/0x3f0
              vfs_write+0xc7/0x3f0   ->  [<ffffffff8154d4f0>] vfs_write+0xc7/0x3f0
              RAX: ffffffffc0355620  ->  RAX: ffffffffc0355620 (lkdtm_BUG+0x0/0x10 [lkdtm])
            Every other byte passes through unchanged.

            The KASLR offset comes from --kaslr-offset (VMCOREINFO KERNELOFFSET), \
            --vmcoreinfo (which also checks the map's symbol addresses), --kallsyms next to a map, the log's 'Kernel Offset:' line, 'nokaslr', or \
            frames printing both address and name; all must agree. Standard error says \
            which offset was used and why. If the log's frame sizes or kernel release \
            disagree with the map, the map belongs to another build: ktriage says so, \
            prints nothing and exits with status 1.

            Examples:
              ktriage symbolize --system-map System.map-6.1.0-56-amd64 console.log
              dmesg | ktriage symbolize --kallsyms kallsyms.txt
              ktriage symbolize --system-map System.map --kallsyms kallsyms.txt log
              ktriage symbolize --system-map System.map --kaslr-offset 2f200000 \\
                  --modules modules.txt --ko lkdtm.ko log
            """)

    @Option(name: .customLong("system-map"), help: "System.map of the kernel build that wrote the log.")
    var systemMap: String?

    @Option(help: "A copy of /proc/kallsyms (kernel and [module] symbols, run-time addresses).")
    var kallsyms: String?

    @Option(name: [.customLong("vmlinux"), .customLong("elf")], help: "vmlinux (ELF with a symbol table).")
    var vmlinux: String?

    @Option(
        name: .customLong("ko"), help: "A module's .ko; its load address comes from --modules or --module.")
    var moduleObjects: [String] = []

    @Option(name: .customLong("module"), help: "A module's load address: NAME=0xADDRESS (repeatable).")
    var moduleBases: [String] = []

    @Option(name: .customLong("modules"), help: "A copy of /proc/modules (load addresses and sizes).")
    var procModules: String?

    @Option(name: .customLong("kaslr-offset"), help: "KASLR offset in hex (VMCOREINFO KERNELOFFSET).")
    var kaslrOffset: String?

    @Option(help: "VMCOREINFO text of the dump (KEY=value lines): checks the map, gives the offset.")
    var vmcoreinfo: String?

    @Argument(help: "The log to annotate; '-' or nothing for standard input.")
    var log: String?

    func run() throws {
        let (table, fromKallsyms) = try loadTable()
        var statements: [KASLROffset] = fromKallsyms.map { [$0] } ?? []
        if let kaslrOffset {
            guard let value = KASLROffset.given(kaslrOffset) else {
                throw SymbolizeFailure("--kaslr-offset: '\(kaslrOffset)' is not a hex number")
            }
            statements.append(value)
        }
        if let vmcoreinfo {
            let check = table.fit(vmcoreinfo: VMCoreInfo(text: Array(try readText(vmcoreinfo).utf8)))
            if let first = check.mismatches.first {
                throw SymbolizeFailure("\(table.path) belongs to another build than \(vmcoreinfo): \(first)")
            }
            if let offset = check.offset { statements.append(offset) }
        }
        let given = try KASLROffset.agreeing(statements)
        let (lines, endsWithNewline) = try readLog()
        let analysis = LogAnalysis(lines: lines, table: table, given: given)
        let logName = log.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        for segment in analysis.segments {
            let boot = "\(logName): boot at line \(segment.lines.lowerBound + 1)"
            // A boot with nothing to annotate (say, a kdump capture kernel of another release)
            // does not stop the others; it passes through unchanged.
            if segment.addressTokens == 0 {
                if let problem = segment.mismatch ?? segment.offsetConflict {
                    warn("\(boot): \(problem); nothing to annotate there, left unchanged")
                }
                continue
            }
            if let conflict = segment.offsetConflict { throw SymbolizeFailure("\(boot): \(conflict)") }
            if let mismatch = segment.mismatch { throw SymbolizeFailure("\(logName): \(mismatch)") }
        }
        // Exact repeats are normal in real maps (zero-size locals at one address): not worth a line.
        for note in table.notes where !note.contains("repeat an earlier line") {
            warn("\(table.path): \(note)")
        }
        var output: [UInt8] = []
        output.reserveCapacity(lines.reduce(0) { $0 + $1.count + 1 } + 4096)
        for original in analysis.segments {
            let segment = assumingNoOffset(original, lines: lines, table: table, logName: logName)
            report(segment, table: table, logName: logName)
            let symbolizer = analysis.symbolizer(for: segment)
            for index in segment.lines {
                var line = lines[index]
                let hadReturn = line.last == 0x0D
                if hadReturn { line.removeLast() }
                output += symbolizer.symbolize(line)
                if hadReturn { output.append(0x0D) }
                if index < lines.count - 1 || endsWithNewline { output.append(0x0A) }
            }
        }
        FileHandle.standardOutput.write(Data(output))
    }

    /// A boot with bare `[<address>]`s and no KASLR evidence (no `Kernel Offset:` line, no frame
    /// names the map can confirm) is said to be so; when every address falls inside the map with
    /// offset 0 the kernel is taken as not relocated, and that is said too.
    private func assumingNoOffset(
        _ segment: LogAnalysis.Segment, lines: [[UInt8]], table: SymbolTable, logName: String
    ) -> LogAnalysis.Segment {
        guard segment.offset == nil, segment.isTrusted, table.source != .kallsyms, segment.addressTokens > 0,
            segment.confirmedFrames == 0
        else { return segment }
        let boot = "\(logName): boot at line \(segment.lines.lowerBound + 1)"
        let addresses = segment.lines.flatMap { Self.bracketedAddresses(lines[$0]) }
        guard !addresses.isEmpty, addresses.allSatisfy({ table.lookup($0) != nil }) else {
            warn(
                "\(boot): KASLR offset unknown (no 'Kernel Offset:' line, no frame names to check against the "
                    + "map, and not every address falls inside it unrelocated): addresses left as printed; give "
                    + "--kaslr-offset (VMCOREINFO KERNELOFFSET)")
            return segment
        }
        warn(
            "\(boot): no KASLR evidence; all \(addresses.count) addresses fall inside the map with offset 0, "
                + "so the kernel is taken as not relocated (give --kaslr-offset if it was)")
        var assumed = segment
        assumed.offset = KASLROffset(value: 0, evidence: [.given])
        return assumed
    }

    /// The `[<ffffffff8154d4f0>]` addresses of a line (8 to 16 hex digits).
    static func bracketedAddresses(_ line: [UInt8]) -> [UInt64] {
        var found: [UInt64] = []
        var index = 0
        while index + 1 < line.count {
            guard line[index] == UInt8(ascii: "["), line[index + 1] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            var end = index + 2
            var value: UInt64 = 0
            while end < line.count, end - index - 2 < 16, let digit = ByteScanning.hexValue(line[end]) {
                value = value << 4 | UInt64(digit)
                end += 1
            }
            let digits = end - index - 2
            if digits >= 8, end + 1 < line.count, line[end] == UInt8(ascii: ">"), line[end + 1] == UInt8(ascii: "]") {
                found.append(value)
            }
            index = end
        }
        return found
    }

    private func report(_ segment: LogAnalysis.Segment, table: SymbolTable, logName: String) {
        let start = segment.lines.lowerBound + 1
        let release = segment.release.map { " (\($0))" } ?? ""
        guard segment.confirmedFrames > 0 else { return }
        if let offset = segment.offset {
            warn(
                "\(logName): boot at line \(start)\(release): KASLR offset \(offset); "
                    + "\(segment.confirmedFrames) frame\(segment.confirmedFrames == 1 ? "" : "s") confirmed by the map"
            )
        } else if table.source != .kallsyms {
            warn(
                "\(logName): boot at line \(start)\(release): KASLR offset unknown, kernel addresses left as "
                    + "printed; give --kaslr-offset (VMCOREINFO KERNELOFFSET)")
        }
    }

    /// The table, and the KASLR offset implied by a kallsyms copy given next to a map.
    private func loadTable() throws -> (SymbolTable, KASLROffset?) {
        var table: SymbolTable
        if let systemMap {
            table = try SymbolTable.load(systemMap: systemMap)
        } else if let vmlinux {
            table = try SymbolTable.load(elf: vmlinux)
        } else if let kallsyms {
            table = try SymbolTable.load(kallsyms: kallsyms)
        } else {
            throw SymbolizeFailure("give the symbols: --system-map FILE, --kallsyms FILE or --vmlinux FILE")
        }
        var offset: KASLROffset?
        if systemMap != nil || vmlinux != nil, let kallsyms {
            let running = try SymbolTable.load(kallsyms: kallsyms)
            table.addModuleSymbols(from: running)
            offset = KASLROffset.between(runTime: running, linkTime: table)
        }
        if let procModules { try table.addModules(procModules: procModules) }
        for entry in moduleBases {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let base = KASLROffset.given(String(parts[1]))?.value else {
                throw SymbolizeFailure("--module \(entry): expected NAME=0xADDRESS")
            }
            table.setModuleBase(String(parts[0]), at: base)
        }
        for path in moduleObjects {
            let name = try table.addModule(elf: path, base: nil)
            if !table.moduleNames.contains(name) || !hasBase(table, name) {
                warn(
                    "\(path): no load address for module \(name): give --modules or --module \(name)=0xADDRESS"
                )
            }
        }
        return (table, offset)
    }

    private func hasBase(_ table: SymbolTable, _ name: String) -> Bool {
        table.moduleBase(of: name) != nil
    }

    private func readLog() throws -> ([[UInt8]], Bool) {
        let bytes: [UInt8]
        if let log, log != "-" {
            do {
                let file = try MappedFile(path: log)
                bytes = Array(file.bytes)
            } catch {
                throw SymbolizeFailure(error.description)
            }
        } else {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        // A dump or binary data would be written back to the terminal unchanged: refuse it, as scan does.
        let kind = bytes.withUnsafeBytes { InputKind.sniff(UnsafeRawBufferPointer(rebasing: $0.prefix(4096))) }
        let name = log.flatMap { $0 == "-" ? nil : $0 } ?? "<stdin>"
        if kind.isDump {
            throw SymbolizeFailure(
                "\(name): is a vmcore (\(kind.rawValue)), not a log: use 'ktriage vmcore dmesg' first")
        }
        if kind != .text && kind != .empty {
            throw SymbolizeFailure(
                "\(name): \(kind == .binary ? "binary data" : kind.rawValue + " data"), not a kernel log")
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        let endsWithNewline = bytes.last == 0x0A
        if endsWithNewline { lines.removeLast() }
        return (lines, endsWithNewline)
    }

    private func readText(_ path: String) throws -> String {
        do {
            let file = try MappedFile(path: path)
            return String(decoding: file.bytes, as: UTF8.self)
        } catch {
            throw SymbolizeFailure(error.description)
        }
    }

    private func warn(_ message: String) { Output.warn(message) }
}

/// A user-caused failure of `symbolize`, printed as one line.
struct SymbolizeFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
