import FuzzSupport

#if canImport(Glibc)
    import Glibc
#endif

/// libFuzzer's hooks for a custom mutator and cross-over: every target that links
/// FuzzLineSupport mutates its input line by line.
@_cdecl("LLVMFuzzerCustomMutator")
public func lineFuzzerCustomMutator(
    _ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: UInt32
) -> Int {
    LineMutator.mutate(data, size: size, maxSize: maxSize, seed: seed)
}

@_cdecl("LLVMFuzzerCustomCrossOver")
public func lineFuzzerCustomCrossOver(
    _ first: UnsafePointer<UInt8>, _ firstSize: Int, _ second: UnsafePointer<UInt8>, _ secondSize: Int,
    _ out: UnsafeMutablePointer<UInt8>, _ maxOutSize: Int, _ seed: UInt32
) -> Int {
    LineMutator.crossOver(
        UnsafeBufferPointer(start: first, count: firstSize), UnsafeBufferPointer(start: second, count: secondSize),
        into: out, maxSize: maxOutSize, seed: seed)
}

/// What a line-based target's lines are, so the mutator knows which grammar to use.
public enum LineGrammar: Sendable {
    /// Whole logs (`FuzzLogReader`): wrappers of every format, report lines.
    case wrappedKernelLog
    /// Report lines without wrappers (`FuzzCrashParser`), a caller id byte on some lines.
    case strippedReport
    /// `journalctl -o json` lines (`FuzzJournalJSON`): string escapes, byte arrays, fields.
    case journalJSON
    /// System.map and kallsyms lines (`FuzzSymbols`): address, type, name, module.
    case symbolMap
    /// Records written by `scan --format ndjson` (`FuzzFleetRecords`): one JSON object a line.
    case ndjsonRecords
    /// One JSON document (`FuzzPartial`'s partial groupings): values, not lines
    /// (``JSONDocumentMutation``).
    case jsonDocument
}

/// Structure-aware mutation of line-based inputs. Byte mutation (libFuzzer's) keeps finding the
/// same few line shapes; this works on whole lines — a block duplicated (report floods, limits),
/// removed or moved, two lines swapped, split or joined (continuations), a number in a line set
/// to an edge value (stamps, sizes, offsets, PIDs), a line made longer than the reader's limit,
/// libFuzzer's byte mutator confined to one line — and on what the lines mean: a kernel line
/// or a whole short report inserted from ``KernelLineGrammar``, every line re-wrapped in another
/// logging tool's format (dmesg to multi-host syslog, `/dev/kmsg`, journalctl, ISO), a host
/// changed, a caller id added; JSON lines (journal entries, NDJSON records) given escapes, values
/// of other lines, byte arrays; symbol map lines added or retyped; a single JSON document (a
/// partial grouping) by its values instead of its lines (``JSONDocumentMutation``). The
/// cross-over splices a block of lines from one input into another at a line boundary (a
/// document: a member's value from the other's member of the same key). Every other mutation stays
/// libFuzzer's byte mutation (with the dictionary and the comparisons it traced), which finds what
/// no grammar lists.
///
/// `KTRIAGE_FUZZ_MUTATOR=bytes` turns it off (byte mutation only), to compare coverage.
public enum LineMutator {
    /// Set by the target's `main` before the fuzzer starts, never changed afterwards.
    nonisolated(unsafe) public static var grammar = LineGrammar.wrappedKernelLog
    static let byteMutationOnly = getenv("KTRIAGE_FUZZ_MUTATOR").map { String(cString: $0) == "bytes" } ?? false
    /// `LogReaderOptions.maxLineLength` in the harnesses: lines past it are cut.
    static let readerLineLimit = 4096

    public static func mutate(_ data: UnsafeMutablePointer<UInt8>, size: Int, maxSize: Int, seed: UInt32) -> Int {
        var random = MutationRandom(seed: seed)
        guard !byteMutationOnly, size > 0, !random.chance(1, in: 2) else { return libFuzzerMutate(data, size, maxSize) }
        if grammar == .jsonDocument {
            var document = Array(UnsafeBufferPointer(start: data, count: size))
            var changed = false
            for _ in 0..<4 where !changed {
                changed = JSONDocumentMutation.mutate(&document, &random, maxSize: maxSize)
            }
            guard changed, !document.isEmpty, document.count <= maxSize else {
                return libFuzzerMutate(data, size, maxSize)
            }
            document.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: $0.count) }
            return document.count
        }
        var input = LineInput(UnsafeBufferPointer(start: data, count: size), flagsByte: hasFlagsByte)
        var changed = false
        for _ in 0..<4 where !changed { changed = mutate(&input, &random, maxSize: maxSize) }
        let bytes = input.joined()
        guard changed, !bytes.isEmpty, bytes.count <= maxSize else { return libFuzzerMutate(data, size, maxSize) }
        bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: $0.count) }
        return bytes.count
    }

    public static func crossOver(
        _ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>,
        into out: UnsafeMutablePointer<UInt8>,
        maxSize: Int, seed: UInt32
    ) -> Int {
        var random = MutationRandom(seed: seed)
        if grammar == .jsonDocument {
            guard
                let document = JSONDocumentMutation.crossOver(Array(first), Array(second), &random, maxSize: maxSize),
                !document.isEmpty, document.count <= maxSize
            else { return 0 }
            document.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
            return document.count
        }
        var input = LineInput(first, flagsByte: hasFlagsByte)
        let donor = LineInput(second, flagsByte: hasFlagsByte)
        guard !donor.lines.isEmpty else { return 0 }
        let start = random.below(donor.lines.count)
        let block = donor.lines[start..<min(donor.lines.count, start + 1 + random.below(16))]
        let at = random.below(input.lines.count + 1)
        if random.chance(1, in: 3), at < input.lines.count {
            input.lines.replaceSubrange(at..<min(input.lines.count, at + block.count), with: block)
        } else {
            input.lines.insert(contentsOf: block, at: at)
        }
        var bytes = input.joined()
        if bytes.count > maxSize { bytes.removeLast(bytes.count - maxSize) }
        guard !bytes.isEmpty else { return 0 }
        bytes.withUnsafeBufferPointer { out.update(from: $0.baseAddress!, count: $0.count) }
        return bytes.count
    }

    /// The log and symbol targets' inputs start with a flags byte that picks what the harness
    /// does; JSON inputs have none.
    static var hasFlagsByte: Bool {
        grammar == .wrappedKernelLog || grammar == .strippedReport || grammar == .symbolMap
    }

    /// One mutation; false when the one drawn did not apply.
    static func mutate(_ input: inout LineInput, _ random: inout MutationRandom, maxSize: Int) -> Bool {
        if input.lines.isEmpty { input.lines = [[]] }
        let room = maxSize - input.byteCount
        switch random.below(14) {
        case 0: return duplicateBlock(&input, &random, room: room)
        case 1: return deleteBlock(&input, &random)
        case 2: return swapLines(&input, &random)
        case 3, 4: return mutateNumber(&input, &random)
        case 5: return splitOrJoin(&input, &random)
        case 6: return mutateInsideLine(&input, &random, room: room)
        case 7:
            guard let flags = input.flags else { return false }
            input.flags = flags ^ (1 << UInt8(random.below(8)))
            return true
        case 8: return lengthenLine(&input, &random, room: room)
        default: return mutateByGrammar(&input, &random, room: room)
        }
    }

    // MARK: Any lines

    static func duplicateBlock(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let start = random.below(input.lines.count)
        let block = Array(input.lines[start..<min(input.lines.count, start + 1 + random.below(8))])
        var copies = random.chance(1, in: 4) ? 2 + random.below(30) : 1
        let blockBytes = block.reduce(0) { $0 + $1.count + 1 }
        copies = min(copies, room / max(1, blockBytes))
        guard copies > 0 else { return false }
        let at = random.chance(1, in: 2) ? start : random.below(input.lines.count + 1)
        for _ in 0..<copies { input.lines.insert(contentsOf: block, at: at) }
        return true
    }

    static func deleteBlock(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        guard input.lines.count > 1 else { return false }
        let start = random.below(input.lines.count)
        input.lines.removeSubrange(start..<min(input.lines.count, start + 1 + random.below(4)))
        return true
    }

    static func swapLines(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        guard input.lines.count > 1 else { return false }
        let first = random.below(input.lines.count)
        let second = random.chance(1, in: 2) ? min(first + 1, input.lines.count - 1) : random.below(input.lines.count)
        guard first != second else { return false }
        input.lines.swapAt(first, second)
        return true
    }

    /// A decimal or hex number in a line set to an edge value, a small step away, or scaled.
    static func mutateNumber(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        for _ in 0..<4 {
            let index = random.below(input.lines.count)
            let line = input.lines[index]
            let runs = LineNumbers.runs(in: line)
            guard let run = random.pick(runs) else { continue }
            input.lines[index].replaceSubrange(run.range, with: LineNumbers.replacement(for: run, in: line, &random))
            return true
        }
        return false
    }

    static func splitOrJoin(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        let index = random.below(input.lines.count)
        if random.chance(1, in: 2), index + 1 < input.lines.count {
            let next = input.lines.remove(at: index + 1)
            let cut = random.chance(1, in: 2) ? KernelLineGrammar.wrapperLength(next) : 0
            input.lines[index] += (random.chance(1, in: 2) ? [UInt8(ascii: " ")] : []) + next[cut...]
            return true
        }
        let line = input.lines[index]
        guard line.count > 1 else { return false }
        let at = 1 + random.below(line.count - 1)
        input.lines[index] = Array(line[..<at])
        input.lines.insert(Array(line[at...]), at: index + 1)
        return true
    }

    /// libFuzzer's byte mutator on one line only, so the other lines stay as they are.
    static func mutateInsideLine(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let index = random.below(input.lines.count)
        let line = input.lines[index]
        var buffer = line + [UInt8](repeating: 0, count: max(0, min(64, room)))
        guard !buffer.isEmpty else { return false }
        let size = buffer.withUnsafeMutableBufferPointer { libFuzzerMutate($0.baseAddress!, line.count, $0.count) }
        input.lines[index] = Array(buffer[..<min(size, buffer.count)])
        return true
    }

    /// A line repeated past the reader's line limit (cut lines, `truncated` records).
    static func lengthenLine(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let index = random.below(input.lines.count)
        let line = input.lines[index]
        let target = readerLineLimit - 16 + random.below(64)
        guard !line.isEmpty, line.count < target, target - line.count <= room else { return false }
        var long = line
        while long.count < target { long += line.prefix(target - long.count) }
        input.lines[index] = long
        return true
    }

    // MARK: What the lines mean

    static func mutateByGrammar(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        switch grammar {
        case .wrappedKernelLog:
            switch random.below(6) {
            case 0, 1: return insertReportLines(&input, &random, room: room, wrapped: true)
            case 2: return rewrapAll(&input, &random, room: room)
            case 3: return rewrapOne(&input, &random, room: room)
            case 4: return changeHost(&input, &random)
            default: return unwrapBlock(&input, &random)
            }
        case .strippedReport:
            if random.chance(1, in: 4) { return toggleCaller(&input, &random) }
            return insertReportLines(&input, &random, room: room, wrapped: false)
        case .journalJSON: return JournalJSONMutation.mutate(&input, &random, room: room)
        case .symbolMap: return SymbolMapMutation.mutate(&input, &random, room: room)
        case .ndjsonRecords:
            if random.chance(1, in: 2) { return JSONLineMutation.copyValue(&input, &random, room: room) }
            return JSONLineMutation.insertEscape(&input, at: random.below(input.lines.count), &random, room: room)
        case .jsonDocument: return false
        }
    }

    /// One report line, or (one time in three) a short whole report, after a random line; wrapped
    /// as that line is.
    static func insertReportLines(
        _ input: inout LineInput, _ random: inout MutationRandom, room: Int, wrapped: Bool
    ) -> Bool {
        let functions = LineNumbers.functionNames(in: input.lines, limit: 200)
        var block =
            random.chance(1, in: 3)
            ? KernelLineGrammar.report(&random, functions: functions)
            : [KernelLineGrammar.reportLine(&random, functions: functions)]
        let at = random.below(input.lines.count + 1)
        if wrapped {
            let neighbour = input.lines[max(0, min(at, input.lines.count - 1))]
            let wrapper = Array(neighbour.prefix(KernelLineGrammar.wrapperLength(neighbour)))
            block = block.map { wrapper + $0 }
        }
        guard block.reduce(0, { $0 + $1.count + 1 }) <= room else { return false }
        input.lines.insert(contentsOf: block, at: at)
        return true
    }

    /// Every line in another format: dmesg to syslog of up to three hosts, `/dev/kmsg`,
    /// journalctl, ISO stamps; the time moving on by small steps with an occasional long silence.
    static func rewrapAll(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let style = random.below(KernelLineGrammar.wrapperStyles)
        let hosts = Array(KernelLineGrammar.hosts.prefix(1 + random.below(3)))
        var seconds = UInt64(random.pick([0, 1, 5, 86_399, 4_000_000]) ?? 0)
        var micros = UInt64(random.below(1_000_000))
        var lines: [[UInt8]] = []
        var size = input.flags == nil ? 0 : 1
        for line in input.lines {
            let text = line[KernelLineGrammar.wrapperLength(line)...]
            let wrapper = KernelLineGrammar.wrapper(
                style: style, seconds: seconds, micros: micros, host: random.pick(hosts) ?? "h")
            lines.append(wrapper + text)
            size += wrapper.count + text.count + 1
            micros += UInt64(random.below(2000))
            if micros >= 1_000_000 {
                micros -= 1_000_000
                seconds += 1
            }
            if random.chance(1, in: 64) { seconds += UInt64(random.pick([1, 121, 3600]) ?? 1) }
        }
        guard size - input.byteCount <= room else { return false }
        input.lines = lines
        return true
    }

    static func rewrapOne(_ input: inout LineInput, _ random: inout MutationRandom, room: Int) -> Bool {
        let index = random.below(input.lines.count)
        let line = input.lines[index]
        let wrapper = KernelLineGrammar.wrapper(
            style: random.below(KernelLineGrammar.wrapperStyles), seconds: UInt64(random.below(100_000)),
            micros: UInt64(random.below(1_000_000)), host: random.pick(KernelLineGrammar.hosts) ?? "h")
        let text = line[KernelLineGrammar.wrapperLength(line)...]
        guard wrapper.count + text.count - line.count <= room else { return false }
        input.lines[index] = wrapper + text
        return true
    }

    /// The host of a syslog line (the word before `kernel: ` or a program's tag) changed.
    static func changeHost(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        for _ in 0..<4 {
            let index = random.below(input.lines.count)
            let line = input.lines[index]
            let wrapperEnd = KernelLineGrammar.wrapperLength(line)
            guard wrapperEnd > 9,
                line[wrapperEnd - 2] == UInt8(ascii: ":") || line[wrapperEnd - 1] == UInt8(ascii: " "),
                let tagStart = line[..<(wrapperEnd - 1)].lastIndex(of: UInt8(ascii: " ")),
                let hostStart = line[..<tagStart].lastIndex(of: UInt8(ascii: " "))
            else { continue }
            let host = Array(
                (random.pick(
                    KernelLineGrammar.hosts + ["", "very-long-host-name-" + String(repeating: "x", count: 200)]) ?? "h")
                    .utf8)
            input.lines[index].replaceSubrange((hostStart + 1)..<tagStart, with: host)
            return true
        }
        return false
    }

    /// A block of lines without their wrappers (bare lines after wrapped ones may continue them).
    static func unwrapBlock(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        let start = random.below(input.lines.count)
        var changed = false
        for index in start..<min(input.lines.count, start + 1 + random.below(4)) {
            let cut = KernelLineGrammar.wrapperLength(input.lines[index])
            if cut > 0 {
                input.lines[index].removeFirst(cut)
                changed = true
            }
        }
        return changed
    }

    /// `FuzzCrashParser`: a line's first byte 0x01–0x0f is its caller id when flags bit 4 is set.
    static func toggleCaller(_ input: inout LineInput, _ random: inout MutationRandom) -> Bool {
        if let flags = input.flags, flags & 16 == 0, random.chance(1, in: 2) { input.flags = flags | 16 }
        let index = random.below(input.lines.count)
        if let first = input.lines[index].first, first > 0, first < 0x10 {
            input.lines[index].removeFirst()
        } else {
            input.lines[index].insert(UInt8(1 + random.below(15)), at: 0)
        }
        return true
    }
}
