import KernelFacts
import KtriageBytes

/// Turns framed lines of one input into `LogLine`s: detects the container, removes wrappers,
/// interns host names, joins pstore parts and keeps the summary.
struct LogLineStripper {
    enum Mode { case undecided, text, json, pstore, journalVerbose, journalExport, apport }

    private let path: String
    private let options: LogReaderOptions
    var prefixParser: LinePrefixParser
    var mode: Mode = .undecided
    private var fileSource: LogSource
    var sawSyslog = false
    var journalMode = false
    private var hostCache: [(bytes: [UInt8], hash: UInt64, name: String, number: Int)] = []
    /// Numbers handed out to distinct host names so far (`LineMetadata.hostNumber`).
    private var hostNumbers: [String: Int] = [:]
    /// The names of `hostNumbers`, by number.
    private(set) var hostNames: [String] = []
    /// Open-addressing index into `hostCache` by `quickHash` (slot holds index + 1; 0 is empty).
    private var hostSlots = [Int32](repeating: 0, count: LogLineStripper.hostSlotCount)
    private static let hostSlotCount = 8192
    private var lastHostIndex = -1
    /// ``hostHashSeed``, kept here so the hot path reads a field, not a global.
    private let hostSeed = LogLineStripper.hostHashSeed
    private var bootID: String?
    /// The boot IDs of `summary.bootIDs`, so that a new one is told in constant time: searching
    /// the list for every line made a journal with a new boot ID on each line quadratic.
    var knownBootIDs: Set<String> = []
    private var pstore = PstoreJoiner()
    /// The wrappers of the last declined kernel lines with a kernel stamp and with a wall clock,
    /// if no line with that time was delivered after them: the summary's last times are taken
    /// from them at the end (one small copy per declined line instead of a conversion).
    private var lastDeclinedStamp = SavedPrefix()
    private var lastDeclinedWall = SavedPrefix()
    var summary: LogReadSummary
    /// The journal entry being gathered (`-o verbose`, `-o export`) and where it started.
    private var entry: JournalEntryGatherer?
    /// The input is another crash tool's saved output: only lines with a kernel stamp are kernel
    /// text, the rest is the tool's own (counted with other programs' lines).
    var peerOutput: PeerToolOutput?
    /// The last line had a syslog or journal wrapper (what a continuation line would inherit);
    /// `nil` otherwise.
    var wrappedLine: ContinuationLine.Previous?
    /// The longest line with a syslog or journal wrapper so far: a mail client's hard wrap keeps
    /// every line within its width.
    var longestWrappedLine = 0
    /// A bare line after a wrapped one was judged as a continuation or not. The judgement
    /// depends on every wrapped line before it, so a chunked reading (`ChunkedLogReader`) that
    /// met one is read in one pass instead.
    var judgedContinuation = false
    /// In an apport report: the current field holds kernel text.
    private var apportKernelField = false
    /// The framer saw a CR line break: a serial console capture.
    var sawCarriageReturns = false {
        didSet { if sawCarriageReturns && fileSource == .dmesg { fileSource = .console } }
    }

    init(path: String, options: LogReaderOptions) {
        self.path = path
        self.options = options
        let year = options.referenceYear ?? LogLineStripper.currentYear()
        prefixParser = LinePrefixParser(referenceYear: year, zone: options.timeZone)
        fileSource = options.source ?? LogLineStripper.sourceFromName(path)
        summary = LogReadSummary(path: path, source: fileSource)
    }

    /// kdump and console names; everything else is judged by content.
    static func sourceFromName(_ path: String) -> LogSource {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("vmcore-dmesg") || name.containsBytes("kdump") { return .kdump }
        if name.hasPrefix("dmesg."), name.dropFirst(6).prefix(12).allSatisfy(\.isNumber),
            name.dropFirst(6).prefix(12).count == 12
        {
            return .kdump
        }
        if name.containsBytes("console") || name.containsBytes("ttyS") || name.containsBytes("serial") {
            return .console
        }
        return .dmesg
    }

    static func currentYear() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return TimeText.civil(days: Int(now.tv_sec) / 86_400).year
    }

    mutating func process(
        _ line: FramedLine, wants: (LineSketch) -> Bool = { _ in true }, _ body: (LogLine) throws -> Void
    ) throws {
        summary.lines += 1
        // The common case first, so it stays one inlined call.
        if mode == .text {
            try processText(line, wants: wants, body)
            return
        }
        if mode == .undecided {
            if line.bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == ASCII.tab }) { return }
            // journalctl's `-- Journal begins at … --` may come before any format's first line.
            if ByteScanning.hasLiteral(line.bytes, at: 0, "-- ") {
                try processText(line, wants: wants, body)
                return
            }
            decideMode(line.bytes)
        }
        switch mode {
        case .json: try processJSON(line, body)
        case .pstore: pstore.add(line)
        case .journalVerbose, .journalExport: try processJournalText(line, body)
        case .apport: try processApport(line, wants: wants, body)
        case .text, .undecided: try processText(line, wants: wants, body)
        }
    }

    /// One line of an apport report (`/var/crash/*.crash`): `Field: value` lines, a value of
    /// several lines continued on lines that start with one space. Only the kernel's own fields
    /// (``ApportReport/kernelFields``) are kernel text; the rest is apport's.
    private mutating func processApport(
        _ line: FramedLine, wants: (LineSketch) -> Bool, _ body: (LogLine) throws -> Void
    ) throws {
        guard line.bytes.first == UInt8(ascii: " ") else {
            apportKernelField = ApportReport.isKernelField(line.bytes)
            summary.otherProgramLines += 1
            return
        }
        guard apportKernelField else {
            summary.otherProgramLines += 1
            return
        }
        var continued = line
        continued.bytes = UnsafeRawBufferPointer(rebasing: line.bytes[1...])
        try processText(continued, wants: wants, body)
    }

    mutating func finish(_ body: (LogLine) throws -> Void) throws {
        if var gathered = entry {
            entry = nil
            gathered.finish()
            try deliverEntry(gathered, body)
        }
        settleLastDeclined()
        if mode == .pstore {
            if pstore.overflowed {
                summary.note(
                    LogDiagnostic(
                        path: path,
                        message: "pstore input larger than \(PstoreJoiner.maxBufferedBytes) bytes: the rest is skipped")
                )
            }
            let joiner = pstore
            try joiner.joined { bytes, number, offset, wall in
                var metadata = LineMetadata(source: .pstore, host: options.host, wallClockMicros: wall)
                let prefix = prefixParser.parse(bytes)
                let text = UnsafeRawBufferPointer(rebasing: bytes[min(prefix.textStart, bytes.count)...])
                metadata.monotonicMicros = prefix.monotonicMicros
                metadata.caller = prefix.caller
                metadata.level = prefix.level
                try deliver(LogLine(text: text, number: number, offset: offset, metadata: metadata), body)
            }
        }
        summary.source = finalSource()
        switch mode {
        case .json: summary.format = .journalJSON
        case .pstore: summary.format = .pstore
        case .journalVerbose: summary.format = .journalVerbose
        case .journalExport: summary.format = .journalExport
        case .apport: summary.format = .apport
        default: break
        }
        switch peerOutput {
        case .crashSession: summary.format = .crashSession
        case .makedumpfileMessages: summary.format = .makedumpfileMessages
        case nil: break
        }
        noteUnexpectedContent()
    }

    /// A share of other programs' lines at or above which an input is said to be mostly not kernel text.
    static let otherProgramWarningShare = 0.9

    /// Says so when an input gave no kernel lines, or mostly other programs' lines: a wrong
    /// guess of the format, or the wrong file, must not read as "no crashes".
    private mutating func noteUnexpectedContent() {
        let looked = summary.format.map { "looked like \($0.rawValue)" } ?? "no known wrapper"
        if summary.kernelLines == 0, summary.lines > 0 {
            var message = "no kernel lines in \(summary.lines) lines (\(looked)"
            if summary.otherProgramLines > 0 { message += "; \(summary.otherProgramLines) lines of other programs" }
            summary.warnings.append(LogDiagnostic(path: path, message: message + ")"))
        } else if summary.otherProgramLines > 0,
            Double(summary.otherProgramLines)
                >= Self.otherProgramWarningShare * Double(summary.otherProgramLines + summary.kernelLines)
        {
            summary.warnings.append(
                LogDiagnostic(
                    path: path,
                    message:
                        "mostly other programs' lines: \(summary.otherProgramLines) of them, \(summary.kernelLines) "
                        + "kernel lines (\(looked))"))
        }
    }

    private func finalSource() -> LogSource {
        if let forced = options.source { return forced }
        switch mode {
        case .json, .journalVerbose, .journalExport: return .journald
        case .pstore: return .pstore
        default: break
        }
        if journalMode { return .journal }
        if sawSyslog { return .syslog }
        return fileSource
    }

    mutating func decideMode(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == ASCII.tab { index += 1 }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[index...])
        if options.source == .journald || (options.source == nil && JournalEntryGatherer.isJSON(rest)) {
            mode = .json
        } else if options.source == nil, ByteScanning.hasLiteral(rest, at: 0, "__CURSOR=") {
            mode = .journalExport
        } else if options.source == nil, JournalEntryGatherer.isVerboseHeader(rest) {
            mode = .journalVerbose
        } else if options.source == nil, ByteScanning.hasLiteral(rest, at: 0, "ProblemType: ") {
            mode = .apport
        } else if options.source == .pstore
            || (options.source == nil
                && (PstoreJoiner.header(bytes) != nil || PstoreJoiner.ramoopsHeader(bytes) != nil))
        {
            mode = .pstore
        } else {
            mode = .text
        }
    }

    private mutating func processText(
        _ line: FramedLine, wants: (LineSketch) -> Bool, _ body: (LogLine) throws -> Void
    ) throws {
        var bytes = line.bytes
        if let quoted = MailQuote.textStart(bytes) { bytes = UnsafeRawBufferPointer(rebasing: bytes[quoted...]) }
        var prefix = prefixParser.parse(bytes, values: false)
        // A bare line may be a kernel line behind console glue: parse what follows the glue.
        if prefix.kind == .kernel, !prefix.hasMonotonicStamp, !prefix.hadSyslogWrapper, prefix.textStart == 0,
            let glue = ConsoleGlue.strip(bytes)
        {
            if let dropped = glue.droppedMessages { addDroppedMessages(Int(clamping: dropped)) }
            bytes = UnsafeRawBufferPointer(rebasing: bytes[glue.start...])
            prefix = prefixParser.parse(bytes, values: false)
        }
        if PasteRepair.mayNeed(bytes, textStart: prefix.textStart) {
            if var plain = PasteRepair.withPlainSpaces(bytes) {
                var repaired = line
                try plain.withUnsafeMutableBytes { buffer in
                    repaired.bytes = UnsafeRawBufferPointer(buffer)
                    try processText(repaired, wants: wants, body)
                }
                return
            }
            // An indented paste: the wrapper after the indent, if there is one.
            if !prefix.hadSyslogWrapper, !prefix.hasMonotonicStamp, prefix.format == .bare,
                let indent = PasteRepair.indentEnd(bytes)
            {
                let unindented = UnsafeRawBufferPointer(rebasing: bytes[indent...])
                let retried = prefixParser.parse(unindented, values: false)
                if retried.hadSyslogWrapper || retried.hasMonotonicStamp || retried.format != .bare {
                    bytes = unindented
                    prefix = retried
                }
            }
        }
        // A line without any wrapper in a syslog or journal input may continue the line before it
        // (see `ContinuationLine`).
        if prefix.kind == .kernel, prefix.format == .bare, !prefix.hadSyslogWrapper, !prefix.hasMonotonicStamp,
            prefix.textStart == 0, let previous = wrappedLine, peerOutput == nil
        {
            judgedContinuation = true
            if ContinuationLine.continues(previous, with: bytes, longestWrapped: longestWrappedLine) {
                try processContinuation(line, bytes, of: previous, wants: wants, body)
                return
            }
        }
        if prefix.hadSyslogWrapper, prefix.kind != .journalMarker {
            wrappedLine = ContinuationLine.Previous(
                kernel: prefix.kind == .kernel, hasHost: prefix.host != nil, length: bytes.count)
            longestWrappedLine = max(longestWrappedLine, bytes.count)
        } else {
            wrappedLine = nil
        }
        if summary.format == nil, prefix.format != .bare { summary.format = prefix.format }
        if peerOutput != nil, prefix.format == .bare {
            summary.otherProgramLines += 1
            return
        }
        if prefix.kind == .otherProgram, !options.includeOtherPrograms {
            summary.otherProgramLines += 1
            sawSyslog = true
            return
        }
        // The shape pass is enough to let the consumer decline a kernel line, unless the line may
        // hold the summary's first times.
        let mayHoldFirstTimes =
            (summary.firstMonotonicMicros == nil && prefix.hasMonotonicStamp)
            || (summary.firstWallClockMicros == nil && (prefix.hadSyslogWrapper || prefix.wallClockMicros != nil))
        if prefix.kind == .kernel, !mayHoldFirstTimes {
            let hostNumber = prefix.host.map {
                hostCache[hostIndex(UnsafeRawBufferPointer(rebasing: bytes[$0]))].number
            }
            let start = min(prefix.textStart, bytes.count)
            let text = UnsafeRawBufferPointer(rebasing: bytes[start...])
            let sketch = LineSketch(
                text: text, number: line.number, hostNumber: hostNumber,
                hasMonotonicStamp: prefix.hasMonotonicStamp)
            if !wants(sketch) {
                if prefix.hadSyslogWrapper { sawSyslog = true }
                // A wall clock comes with a syslog wrapper or a stamp that is not a kernel stamp
                // (`dmesg -T`, ISO); a kernel stamp alone carries none.
                countDeclined(
                    text, prefix: UnsafeRawBufferPointer(rebasing: bytes[..<start]),
                    stamped: prefix.hasMonotonicStamp,
                    mayHaveWall: prefix.hadSyslogWrapper || prefix.wallClockMicros != nil || !prefix.hasMonotonicStamp)
                return
            }
        }
        prefix = prefixParser.parse(bytes, probing: false)
        switch prefix.kind {
        case .journalMarker:
            journalMode = true
            if let range = prefix.bootID {
                let boot = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
                bootID = boot
                noteBootID(boot)
            }
            return
        case .otherProgram:
            summary.otherProgramLines += 1
            sawSyslog = true
            guard options.includeOtherPrograms else { return }
        case .kernel:
            if prefix.hadSyslogWrapper { sawSyslog = true }
        }
        let host = prefix.host.map { internHost(UnsafeRawBufferPointer(rebasing: bytes[$0])) }
        var metadata = LineMetadata(
            source: prefix.hadSyslogWrapper ? (journalMode ? .journal : .syslog) : fileSource,
            host: host?.name ?? options.host,
            bootID: bootID, wallClockMicros: prefix.wallClockMicros, monotonicMicros: prefix.monotonicMicros,
            caller: prefix.caller, level: prefix.level, isKernel: prefix.kind == .kernel)
        metadata.hostNumber = host?.number
        let start = min(prefix.textStart, bytes.count)
        let text = UnsafeRawBufferPointer(rebasing: bytes[start...])
        try deliver(
            LogLine(
                text: text, number: line.number, offset: line.offset, metadata: metadata, truncated: line.truncated),
            body)
    }

    /// A continuation line (see `processText`): part of the wrapped line's message, with its host
    /// and time; another program's when that line was.
    private mutating func processContinuation(
        _ line: FramedLine, _ bytes: UnsafeRawBufferPointer, of previous: ContinuationLine.Previous,
        wants: (LineSketch) -> Bool, _ body: (LogLine) throws -> Void
    ) throws {
        guard previous.kernel else {
            summary.otherProgramLines += 1
            return
        }
        let host = previous.hasHost && lastHostIndex >= 0 ? hostCache[lastHostIndex] : nil
        let sketch = LineSketch(text: bytes, number: line.number, hostNumber: host?.number, hasMonotonicStamp: false)
        if !wants(sketch) {
            countDeclined(
                bytes, prefix: UnsafeRawBufferPointer(rebasing: bytes[0..<0]), stamped: false, mayHaveWall: false)
            return
        }
        var metadata = LineMetadata(
            source: journalMode ? .journal : .syslog, host: host?.name ?? options.host, bootID: bootID,
            wallClockMicros: summary.lastWallClockMicros, isKernel: true)
        metadata.hostNumber = host?.number
        metadata.continuesPrevious = true
        try deliver(
            LogLine(
                text: bytes, number: line.number, offset: line.offset, metadata: metadata, truncated: line.truncated),
            body)
    }

    private mutating func processJSON(_ line: FramedLine, _ body: (LogLine) throws -> Void) throws {
        let entry: JournalJSONEntry
        // `-o json-seq` puts RS before each object, `-o json-sse` `data: ` and an empty line after.
        guard let object = JournalEntryGatherer.jsonObject(line.bytes) else { return }
        do { entry = try JournalJSONEntry.parse(object) } catch {
            summary.malformedLines += 1
            summary.note(
                LogDiagnostic(
                    path: path, line: line.number, offset: line.offset + Int64(error.offset),
                    message: "not a journald JSON object: \(error.reason)"))
            return
        }
        try deliver(entry, number: line.number, offset: line.offset, truncated: line.truncated, body)
    }

    /// One line of `journalctl -o verbose` or `-o export`: a field of the entry being gathered,
    /// or the start or end of an entry.
    private mutating func processJournalText(_ line: FramedLine, _ body: (LogLine) throws -> Void) throws {
        if entry == nil {
            entry = JournalEntryGatherer(verbose: mode == .journalVerbose, number: line.number, offset: line.offset)
        }
        guard let done = entry?.add(line) else { return }
        entry = done.next
        try deliverEntry(done.finished, body)
    }

    private mutating func deliverEntry(_ gathered: JournalEntryGatherer, _ body: (LogLine) throws -> Void) throws {
        if let problem = gathered.problem {
            summary.malformedLines += 1
            summary.note(LogDiagnostic(path: path, line: gathered.number, offset: gathered.offset, message: problem))
        }
        guard gathered.hasFields else { return }
        try deliver(gathered.entry, number: gathered.number, offset: gathered.offset, truncated: false, body)
    }

    /// Hands out a journal entry's message, one line per line of it, if it is kernel text.
    private mutating func deliver(
        _ entry: JournalJSONEntry, number: Int, offset: Int64, truncated: Bool, _ body: (LogLine) throws -> Void
    ) throws {
        guard entry.isKernel, entry.hasMessage else {
            summary.otherProgramLines += 1
            return
        }
        if let boot = entry.bootID { noteBootID(boot) }
        let host = entry.hostname.map { name in internHostString(name) }
        var metadata = LineMetadata(
            source: .journald, host: host?.name ?? options.host, bootID: entry.bootID,
            wallClockMicros: entry.realtimeMicros, monotonicMicros: entry.monotonicMicros, level: entry.priority,
            isKernel: true)
        metadata.hostNumber = host?.number
        try entry.message.withUnsafeBytes { message in
            // A multi-line record becomes several lines with the same metadata.
            var start = 0
            var index = 0
            repeat {
                if index == message.count || message[index] == ASCII.lineFeed {
                    if !(index == message.count && start == index && start > 0) {
                        let text = UnsafeRawBufferPointer(rebasing: message[start..<index])
                        try deliver(
                            LogLine(
                                text: text, number: number, offset: offset, metadata: metadata, truncated: truncated),
                            body)
                    }
                    start = index + 1
                }
                index += 1
            } while index <= message.count
        }
    }

    /// A declined kernel line still counts; its wrapper is kept (one small copy) in case it is
    /// the input's last with a kernel stamp or a wall clock, whose times the summary reports.
    private mutating func countDeclined(
        _ text: UnsafeRawBufferPointer, prefix: UnsafeRawBufferPointer, stamped: Bool, mayHaveWall: Bool
    ) {
        summary.kernelLines += 1
        countDroppedMessages(text)
        // A line without a wrapper has no times: an earlier declined line's stay the last.
        guard prefix.count > 0 else { return }
        guard prefix.count <= SavedPrefix.capacity else {
            // A wrapper this long is rare: take its times now.
            settleLastDeclined()
            var parser = prefixParser
            let times = parser.parse(prefix, probing: false)
            if stamped, let mono = times.monotonicMicros { summary.lastMonotonicMicros = mono }
            if mayHaveWall, let wall = times.wallClockMicros { summary.lastWallClockMicros = wall }
            return
        }
        if stamped { lastDeclinedStamp.save(prefix) }
        if mayHaveWall { lastDeclinedWall.save(prefix) }
    }

    /// The summary's last times, from the last declined lines that had them. Read with a copy
    /// of the parser: reading an earlier line again must not move its month or probes.
    mutating func settleLastDeclined() {
        var parser = prefixParser
        if let mono = lastDeclinedStamp.take({ parser.parse($0, probing: false).monotonicMicros }) {
            summary.lastMonotonicMicros = mono
        }
        if let wall = lastDeclinedWall.take({ parser.parse($0, probing: false).wallClockMicros }) {
            summary.lastWallClockMicros = wall
        }
    }

    private mutating func deliver(_ line: LogLine, _ body: (LogLine) throws -> Void) throws {
        if line.metadata.isKernel {
            // A declined line's times count unless this line has its own: the last times are
            // those of the last line that had any, whether it was declined or not.
            settleLastDeclined()
            summary.kernelLines += 1
            if let wall = line.metadata.wallClockMicros {
                if summary.firstWallClockMicros == nil { summary.firstWallClockMicros = wall }
                summary.lastWallClockMicros = wall
            }
            if let mono = line.metadata.monotonicMicros {
                if summary.firstMonotonicMicros == nil { summary.firstMonotonicMicros = mono }
                summary.lastMonotonicMicros = mono
            }
            countDroppedMessages(line.text)
        }
        try body(line)
    }

    /// Adds a `** N printk messages dropped **` marker's count to the summary, saturating: a
    /// damaged marker may claim up to 10^18 messages, and many such lines.
    private mutating func countDroppedMessages(_ text: UnsafeRawBufferPointer) {
        guard text.count > 20, text[0] == UInt8(ascii: "*"), text[1] == UInt8(ascii: "*"),
            let count = LogLineStripper.droppedCount(text)
        else {
            return
        }
        addDroppedMessages(count)
    }

    private mutating func addDroppedMessages(_ count: Int) {
        let (sum, overflow) = summary.droppedMessages.addingReportingOverflow(count)
        summary.droppedMessages = overflow ? .max : sum
    }

    /// `** 12 printk messages dropped **` → 12.
    static func droppedCount(_ text: UnsafeRawBufferPointer) -> Int? {
        guard ByteScanning.hasLiteral(text, at: 0, "** "), let (count, end) = ByteScanning.decimal(text, at: 3),
            ByteScanning.hasLiteral(text, at: end, " printk messages dropped **")
        else { return nil }
        return Int(count)
    }

    /// Lists a boot ID the first time it is seen, up to `LogReadSummary.maxBootIDs`.
    mutating func noteBootID(_ boot: String) {
        guard summary.bootIDs.count < LogReadSummary.maxBootIDs, knownBootIDs.insert(boot).inserted else { return }
        summary.bootIDs.append(boot)
    }

    /// The host's name and number, from a small cache: consecutive lines often share a host, and
    /// a syslog of many hosts finds each through an open-addressing table, without hashing the
    /// name as a `String`.
    private mutating func internHost(_ bytes: UnsafeRawBufferPointer) -> (name: String, number: Int) {
        let index = hostIndex(bytes)
        return (hostCache[index].name, hostCache[index].number)
    }

    /// The host's entry in `hostCache`, added on first sight; `known` is its name when the
    /// caller has it already (a journal field), else it is made from the bytes.
    private mutating func hostIndex(_ bytes: UnsafeRawBufferPointer, known: String? = nil) -> Int {
        let hash = LogLineStripper.quickHash(bytes, seed: hostSeed)
        if lastHostIndex >= 0, hostCache[lastHostIndex].hash == hash,
            LogLineStripper.equal(hostCache[lastHostIndex].bytes, bytes)
        {
            return lastHostIndex
        }
        let mask = LogLineStripper.hostSlotCount - 1
        var slot = LogLineStripper.hostSlot(hash)
        while hostSlots[slot] != 0 {
            let index = Int(hostSlots[slot]) - 1
            if hostCache[index].hash == hash, LogLineStripper.equal(hostCache[index].bytes, bytes) {
                lastHostIndex = index
                return index
            }
            slot = (slot + 1) & mask
        }
        let name = known ?? ByteEscaping.displayString(bytes)
        // Bounded: hostile input with a new host per line cannot grow the cache without limit;
        // at half the slots the cache starts over (numbers stay those of first sight).
        if hostCache.count >= LogLineStripper.hostSlotCount / 2 {
            hostCache.removeAll(keepingCapacity: true)
            for index in hostSlots.indices { hostSlots[index] = 0 }
            slot = LogLineStripper.hostSlot(hash)
        }
        let number = numberForHost(name)
        hostSlots[slot] = Int32(hostCache.count + 1)
        lastHostIndex = hostCache.count
        hostCache.append((Array(bytes), hash, name, number))
        return lastHostIndex
    }

    private static func equal(_ stored: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard stored.count == bytes.count else { return false }
        guard let other = bytes.baseAddress else { return true }
        return stored.withUnsafeBytes { mine in
            guard let base = mine.baseAddress else { return false }
            // Host names are short: words compared inline beat a call to memcmp.
            var index = 0
            while index + 8 <= bytes.count {
                if base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    != other.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                {
                    return false
                }
                index += 8
            }
            while index < bytes.count {
                if base.load(fromByteOffset: index, as: UInt8.self) != other.load(fromByteOffset: index, as: UInt8.self)
                {
                    return false
                }
                index += 1
            }
            return true
        }
    }

    /// Every byte, eight at a time (host names are short); equality is still checked on the full
    /// bytes. The first and last eight alone gave every name of a fleet's pattern one hash
    /// (`ip-10-0-1-23.ec2.internal`, `ip-10-0-7-23.ec2.internal`): each line then walked a
    /// probe chain as long as the fleet, and a syslog of 1000 such hosts read 16 times slower.
    /// The table takes the hash's low bits (`hostSlot`), so the finish mixes every input bit into
    /// them (splitmix64's): with a single multiply, the digits of `node0001`…`node0200` (the
    /// high bytes of one word) reached only three slots. `seed` (``hostHashSeed``) is mixed in
    /// at the start and again before the finish (a short name shifts the first out): host names
    /// come from the logs, and names made to share a slot under a known hash would walk a probe
    /// chain on every line.
    static func quickHash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        var hash = seed ^ (UInt64(bytes.count) &* 0x9E37_79B9_7F4A_7C15)
        if bytes.count >= 8 {
            var index = 0
            while index + 8 < bytes.count {
                hash ^= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                hash = (hash ^ (hash >> 29)) &* 0xBF58_476D_1CE4_E5B9
                index += 8
            }
            // The last eight, which may overlap the word before.
            hash ^= bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self)
        } else {
            for byte in bytes { hash = (hash << 8) | UInt64(byte) }
        }
        hash ^= seed
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    /// The host hash's seed, drawn once per process: slots differ between runs, host numbers
    /// and everything shown do not (numbers are given in order of first sight).
    static let hostHashSeed = UInt64.random(in: .min ... .max)

    /// The first slot of `hostSlots` a host name's hash is looked for in.
    static func hostSlot(_ hash: UInt64) -> Int { Int(truncatingIfNeeded: hash) & (hostSlotCount - 1) }

    /// A journal field's host name, found like a syslog line's (a search of the cache list for
    /// every line made a journal of many hosts read several times slower).
    private mutating func internHostString(_ name: String) -> (name: String, number: Int) {
        var contiguous = name
        let index = contiguous.withUTF8 { hostIndex(UnsafeRawBufferPointer($0), known: name) }
        return (hostCache[index].name, hostCache[index].number)
    }

    /// The number of a host name: the same name always gets the same number in one input.
    mutating func numberForHost(_ name: String) -> Int {
        if let number = hostNumbers[name] { return number }
        let number = hostNumbers.count
        // Bounded like the host list: past it, new names share one overflow number.
        if number < 100_000 {
            hostNumbers[name] = number
            hostNames.append(name)
        }
        noteHost(name)
        return min(number, 100_000)
    }

    private mutating func noteHost(_ name: String) {
        if summary.hosts.count < 10_000, !summary.hosts.contains(name) { summary.hosts.append(name) }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
