import KernelFacts

/// Options for a parser.
public struct ParserOptions: Sendable {
    /// Keep each record's report lines in `text`.
    public var keepText: Bool

    public init(keepText: Bool = true) {
        self.keepText = keepText
    }
}

/// Finds crash reports in one log stream (one host) and decodes them into records.
///
/// Feed every line in order with ``consume(_:)``, then call ``finish()``. The parser never throws:
/// damaged reports come back marked `corrupted` with a reason. Memory is bounded by the limits
/// below, whatever the input size.
///
/// A report that starts on the same stream before the previous one ended (no `---[ end trace`
/// yet) is a new record with `linked_to` pointing at it; so is a `Kernel panic` printed shortly
/// after a report's end. Count crashes as records whose `linked_to` is `nil`.
///
/// Format notes: reports are separated by printk caller id (`[T123]`/`[C0]`, kernels with
/// CONFIG_PRINTK_CALLER, 5.1+) when present; otherwise timestamped lines form one stream and
/// untimestamped lines (user-space output on a console) are left out of a timestamped report;
/// syslog and journal lines are one stream per host.
public struct CrashReportParser {
    /// Lines kept per report; a longer report (all-task dumps after a hung task) is cut there and
    /// marked corrupted, with the limit as the reason.
    public static let maxReportLines = 1000
    /// Frames kept per report; a longer trace keeps its first frames and the record is marked
    /// corrupted, with the limit as the reason.
    public static let maxFramesPerReport = 256
    /// Crash records held until ``takeRecords()`` or ``finish()``; later reports are counted in `droppedRecords` only.
    public static let maxRecords = 10_000
    /// Node events held until ``takeRecords()`` or ``finish()``, apart from crashes: a day of
    /// ratelimited filesystem errors (ext4 prints 10 per 5 s) must not push the crashes out.
    /// Later events are counted in `droppedEvents` only.
    public static let maxEventRecords = 10_000
    /// Reports collected at the same time (one per caller id).
    public static let maxConcurrentReports = 8
    /// Bytes of one line that are looked at (10 MB lines are cut, not copied).
    public static let maxLineBytes = 4096
    /// Lines after `---[ end trace` that may still belong to the report (panic tail).
    public static let trailingLines = 40
    /// A panic this soon after a report on the same stream ended belongs to it (microseconds).
    public static let panicFollowMicros: Int64 = 30_000_000
    /// A silence longer than this on a report's stream ends it.
    public static let maxGapMicros: Int64 = 120_000_000

    public let options: ParserOptions
    /// Where ended reports are assembled into records: on a thread of the pool's when set, else
    /// here as each report ends. The records, and everything this parser decides, are the same.
    public var assemblyPool: RecordAssemblyPool?
    private var active: [ReportBuilder] = []
    /// Reports kept since records were last taken, in the order they ended.
    private var kept: [KeptReport] = []
    private var lastStart: (number: Int, context: LineContext)?
    private var sawTimestamps = false
    /// The last record closed, and its stream, for linking a late `Kernel panic` to it.
    private var lastClosed: (index: Int, context: LineContext, monotonic: Int64?)?
    /// Records already handed out by ``takeRecords()``.
    private var taken = 0
    /// The kernel named by the last `Linux version` banner of this stream.
    private var bootKernel: KernelInfo?
    private let prefilter = HeaderPrefilter.shared
    /// Reports found beyond ``maxRecords``.
    public private(set) var droppedRecords = 0
    /// Node events found beyond ``maxEventRecords``.
    public private(set) var droppedEvents = 0
    /// Of `kept`, the node events.
    private var heldEvents = 0

    public init(options: ParserOptions = .init()) {
        self.options = options
    }

    /// Whether ``consume(_:)`` would look at this line, judged from its text alone: a report is
    /// in progress, the line may start one, or it may cancel the last header. The reader skips
    /// converting the wrappers of lines declined here.
    public mutating func wants(_ sketch: LineSketch) -> Bool {
        if sketch.hasMonotonicStamp { sawTimestamps = true }
        if !active.isEmpty { return true }
        if let last = lastStart, last.number == sketch.number - 1 { return true }
        return prefilter.mayContainHeader(UnsafeRawBufferPointer(rebasing: sketch.text.prefix(Self.maxLineBytes)))
    }

    /// Whether a line may start a report (or cancel the last header), judged from its text alone:
    /// what ``wants(_:)`` answers when no report is in progress.
    public static func mayStartReport(_ sketch: LineSketch) -> Bool {
        HeaderPrefilter.shared.mayContainHeader(UnsafeRawBufferPointer(rebasing: sketch.text.prefix(maxLineBytes)))
    }

    /// A report is in progress: every line of this stream may continue it.
    public var hasReportInProgress: Bool { !active.isEmpty }

    /// When the stream is quiet — ``wants(_:)`` would take a line only if ``mayStartReport(_:)``
    /// does —, as one number for a caller that asks of every line: `Int.max` while a report is in
    /// progress (never quiet), else the one line taken all the same (the line right after the
    /// last header, which may cancel it), or -1 (quiet for every line).
    public var busyLine: Int {
        guard active.isEmpty else { return .max }
        return lastStart.map { $0.number + 1 } ?? -1
    }

    /// An earlier line of this stream, not read by this parser, carried a kernel stamp.
    public mutating func noteTimestamps() {
        sawTimestamps = true
    }

    public mutating func consume(_ line: borrowing LogLine) {
        guard line.metadata.isKernel else { return }
        let text = line.text
        let bytes = UnsafeRawBufferPointer(rebasing: text.prefix(Self.maxLineBytes))
        if !sawTimestamps, line.metadata.monotonicMicros != nil { sawTimestamps = true }
        let mayStart = prefilter.mayContainHeader(bytes)
        // The hot path: no report in progress and no header literal in the line.
        let replayCheck = lastStart.map { $0.number == line.number - 1 } ?? false
        if active.isEmpty && !mayStart && !replayCheck { return }
        let metadata = line.metadata
        let context = LineContext(metadata)
        var target = active.firstIndex { $0.context == context }
        if target == nil, context.isCPU { target = active.firstIndex { $0.allCPUs } }
        // `** replaying previous printk message **` right after a header cancels that header.
        if target == nil && !mayStart && !replayCheck && !(context == .none && active.contains { $0.continuesModules })
        {
            return
        }
        var string = String(decoding: bytes, as: UTF8.self)
        // A web page's no-break spaces inside report text (`Tainted: G\u{A0}\u{A0} W`).
        if string.utf8.contains(PasteRepair.noBreakLead), let plain = PasteRepair.withPlainSpaces(bytes) {
            string = String(decoding: plain, as: UTF8.self)
        }
        handle(string, metadata: metadata, number: line.number, context: context, target: target, mayStart: mayStart)
    }

    private mutating func handle(
        _ string: String, metadata: LineMetadata, number: Int, context: LineContext, target: Int?, mayStart: Bool
    ) {
        var target = target
        // A report whose stream went quiet for minutes is over.
        if let index = target, let now = metadata.monotonicMicros, let last = active[index].lastMonotonic,
            Self.elapsed(from: last, to: now) > Self.maxGapMicros
        {
            close(index)
            target = nil
        }
        if string.hasBytes("** replaying previous printk message **"), let start = lastStart,
            start.number == number - 1,
            let cancelled = active.firstIndex(where: { $0.context == start.context && $0.lineNumber == start.number })
        {
            active.remove(at: cancelled)
            return
        }
        if metadata.monotonicMicros != nil { sawTimestamps = true }
        // On a timestamped console, a line without a timestamp is user-space output, not a report.
        let userSpace = sawTimestamps && context == .none && (metadata.source == .console || metadata.source == .dmesg)
        let header = mayStart && !userSpace ? CrashHeaders.match(string) : nil
        // A wrapped line's rest joins the report line it continues.
        if header == nil, metadata.continuesPrevious, let index = target, !active[index].ended {
            active[index].continueLast(string, number: number)
            return
        }
        if let (header, range) = header {
            startOrJoin(string, header: header, range: range, metadata: metadata, number: number, target: target)
            return
        }
        if mayStart, string.hasPrefix(KernelBanner.marker) {
            // A new boot: reports in progress are over, and later ones without a `CPU:` line
            // (OOM, MCE) still get the running kernel.
            while !active.isEmpty { close(0) }
            if let banner = KernelBanner(string), KernelRelease.isPlausible(banner.release) {
                bootKernel = KernelInfo(banner: banner)
            }
            return
        }
        // A long `Modules linked in:` list wraps onto lines of bare names that carry no timestamp
        // (printk continuation); keep them with the report whose module line they continue.
        if target == nil, context == .none, let continued = active.firstIndex(where: { $0.continuesModules }),
            FieldExtractor.isModuleContinuation(string.drop(while: { $0 == " " }))
        {
            active[continued].append(string, monotonic: nil, number: number)
            return
        }
        guard let index = target else { return }
        // An event ends at the first line that is not its own: on a one-stream dmesg it would
        // otherwise take the next thousand lines of whatever the node printed.
        if active[index].isEvent, !active[index].eventTakes(string, monotonic: metadata.monotonicMicros) {
            close(index)
            return
        }
        if active[index].ended {
            // After the end marker only the panic tail joins; anything else closes the report.
            if active[index].linesSinceEnd >= Self.trailingLines {
                close(index)
                return
            }
        }
        active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
        if (active[index].truncated && !active[index].awaitsOOMKill)
            || (active[index].ended && active[index].linesSinceEnd >= Self.trailingLines)
        {
            close(index)
        }
    }

    private mutating func startOrJoin(
        _ string: String, header: CrashHeader, range: Range<String.Index>, metadata: LineMetadata, number: Int,
        target: Int?
    ) {
        if header.role == .line {
            // EDAC decodes the machine check in progress: one hardware error, one record.
            if let index = target, active[index].isEvent, active[index].header.family == .mce,
                header.family == .edac || header.family == .memoryFailure
            {
                active[index].append(string, monotonic: metadata.monotonicMicros, number: number, force: true)
                return
            }
            var single = ReportBuilder(line: string, header: header, range: range, metadata: metadata, number: number)
            single.ended = true
            keep(single)
            return
        }
        if let index = target, active[index].isEvent {
            let current = active[index]
            let joins =
                header.family == .kernelPanic
                || (header.family == .mce && current.header.family == .mce)
                || (header.family == .oomKill && current.header.family == .oomInvoked && !current.ended)
            if joins {
                active[index].append(string, monotonic: metadata.monotonicMicros, number: number, force: true)
                if header.family == .oomKill { active[index].ended = true }
                return
            }
            // Anything else is a report of its own, not a follow-up of the event (nor is the next
            // OOM kill one of the last: every kill is a record).
            close(index)
            start(string, header: header, range: range, metadata: metadata, number: number, linkedTo: nil)
            return
        }
        if let index = target {
            let current = active[index]
            if header.family == .oomKill {
                // An OOM kill printed inside a crash report on the same stream is an event of its own.
                var single = ReportBuilder(
                    line: string, header: header, range: range, metadata: metadata, number: number)
                single.ended = true
                keep(single)
                return
            }
            switch header.role {
            case .continuation:
                active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
                return
            case .line:
                return
            case .start:
                if current.isLeadOnly && current.lines.count <= 8 {
                    // The message before a header (`list_add corruption.` before `kernel BUG at lib/list_debug.c`).
                    active[index].headerIndex = current.lines.count
                    active[index].header = header
                    active[index].headerRange = range
                    active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
                    return
                }
                // Rust's panic handler ends in BUG(): `kernel BUG at rust/helpers/bug.c` belongs to it.
                if current.header.family == .rustPanic, header.family == .kernelBUG, current.lines.count <= 8 {
                    active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
                    return
                }
                // SLUB debug reports continue with `INFO: Allocated in …`, `INFO: Freed in …`, `INFO: Slab …`.
                if current.header.family == .slabObject, header.family == .info {
                    active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
                    return
                }
                if header.family == .mce && current.header.family == .mce {
                    active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
                    return
                }
            case .lead:
                // A lead message inside a report in progress is part of it (3.10 prints
                // `NETDEV WATCHDOG:` after its `WARNING: at` line).
                if (current.isLeadOnly && current.lines.count <= 8) || !current.ended {
                    // Near the header it names the kind (3.x: `WARNING: at …` then `Watchdog detected hard LOCKUP`).
                    if current.lines.count <= 4, active[index].leadFamily == nil {
                        active[index].leadFamily = header.family
                    }
                    active[index].append(string, monotonic: metadata.monotonicMicros, number: number)
                    return
                }
            }
            // A report that starts inside another follows it, unless it is a node event (an OOM
            // during a crash is a signal of its own, grouped with the events).
            let within = !current.ended && !header.family.isEvent
            let closed = close(index)
            start(
                string, header: header, range: range, metadata: metadata, number: number,
                linkedTo: within ? closed : nil
            )
            return
        }
        // `Kernel panic - not syncing: Fatal exception` printed after the report's end marker and
        // register dump: the same crash, not a new one.
        var linked: Int?
        // An event (an OOM kill, an allocation failure) soon after a crash is not part of it.
        if header.role == .continuation, !header.family.isEvent, let last = lastClosed,
            last.context == context(of: metadata),
            let then = last.monotonic, let now = metadata.monotonicMicros, now >= then,
            Self.elapsed(from: then, to: now) <= Self.panicFollowMicros
        {
            linked = last.index
            if header.family == .kernelPanic, last.index >= taken, kept.indices.contains(last.index - taken) {
                kept[last.index - taken].panickedLater = true
            }
        }
        start(string, header: header, range: range, metadata: metadata, number: number, linkedTo: linked)
    }

    private func context(of metadata: LineMetadata) -> LineContext { LineContext(metadata) }

    /// `now - then` in microseconds, saturated: stamps come from input (a journald
    /// `_SOURCE_MONOTONIC_TIMESTAMP` may be any 64-bit number), and their difference may not fit.
    static func elapsed(from then: Int64, to now: Int64) -> Int64 {
        let (difference, overflow) = now.subtractingReportingOverflow(then)
        guard overflow else { return difference }
        return now > then ? .max : .min
    }

    private mutating func start(
        _ string: String, header: CrashHeader, range: Range<String.Index>, metadata: LineMetadata, number: Int,
        linkedTo: Int?
    ) {
        if active.count >= Self.maxConcurrentReports { close(0) }
        var builder = ReportBuilder(line: string, header: header, range: range, metadata: metadata, number: number)
        builder.linkedTo = linkedTo
        active.append(builder)
        lastStart = (number, builder.context)
    }

    /// Ends report `i`; returns the index its record got, if one was kept.
    @discardableResult
    private mutating func close(_ index: Int) -> Int? {
        guard active.indices.contains(index) else { return nil }
        return keep(active.remove(at: index))
    }

    /// Turns a finished report into a record; returns its index, if one was kept.
    @discardableResult
    private mutating func keep(_ builder: ReportBuilder) -> Int? {
        guard builder.isConfirmed else { return nil }
        // Before assembling (a flood of reports past the caps costs no assembly): what the record
        // can turn out to be, from its header and whether it panicked.
        let family = builder.header.family
        let mayBeEvent = family.isEvent || family.isEventWhenAlone
        let mayBeCrash = !family.isEvent || builder.panicked
        guard
            (mayBeEvent && heldEvents < Self.maxEventRecords)
                || (mayBeCrash && kept.count - heldEvents < Self.maxRecords)
        else {
            if mayBeCrash { droppedRecords += 1 } else { droppedEvents += 1 }
            return nil
        }
        // The assembled record's class (`RecordAssembler.assemble` sets the same), known now.
        let recordClass = RecordAssembler.classify(builder)
        if recordClass == .event {
            guard heldEvents < Self.maxEventRecords else {
                droppedEvents += 1
                return nil
            }
            heldEvents += 1
        } else if kept.count - heldEvents >= Self.maxRecords {
            droppedRecords += 1
            return nil
        }
        var report = KeptReport(bootKernel: bootKernel)
        if let linked = builder.linkedTo, linked >= taken + kept.count { report.dropsLink = true }
        if let assemblyPool {
            report.ticket = assemblyPool.submit(builder, keepText: options.keepText)
        } else {
            report.record = RecordAssembler.assemble(builder, keepText: options.keepText)
        }
        kept.append(report)
        let recordIndex = taken + kept.count - 1
        // A panic soon after an event is not its follow-up: linked records do not count as crashes.
        if recordClass == .crash { lastClosed = (recordIndex, builder.context, builder.lastMonotonic) }
        return recordIndex
    }

    /// A report kept at its end: its record, or the pool's ticket for it, and what was decided
    /// about it after the report ended.
    private struct KeptReport {
        var record: CrashRecord?
        var ticket: Int?
        /// The `Linux version` banner's kernel when the report ended, for a record without one.
        var bootKernel: KernelInfo?
        /// Its link points past the records kept.
        var dropsLink = false
        /// A `Kernel panic` that followed soon after linked itself to it.
        var panickedLater = false
    }

    /// The kept reports' records, each finished as its report's later lines decided.
    private func keptRecords() -> [CrashRecord] {
        kept.map { report in
            guard var record = report.record ?? report.ticket.flatMap({ assemblyPool?.take($0) }) else {
                preconditionFailure("a kept report has neither a record nor a ticket")
            }
            if record.kernel == nil { record.kernel = report.bootKernel }
            if report.dropsLink { record.linkedTo = nil }
            if report.panickedLater { record.panicked = true }
            return record
        }
    }

    /// Hands out the records completed so far (in the order their reports ended), so a long
    /// stream needs memory only for the reports in progress. `linked_to` counts every record this
    /// parser has returned.
    public mutating func takeRecords() -> [CrashRecord] {
        let out = keptRecords()
        taken += kept.count
        kept = []
        heldEvents = 0
        return out
    }

    /// Ends every report in progress and returns all records, in the order their reports ended.
    public mutating func finish() -> [CrashRecord] {
        while !active.isEmpty { close(0) }
        let records = keptRecords()
        // Reports end out of order when several streams interleave: return them by position.
        let order = records.indices.sorted { (records[$0].line, $0) < (records[$1].line, $1) }
        var newIndex = [Int](repeating: 0, count: records.count)
        for (new, old) in order.enumerated() { newIndex[old] = new }
        var out = order.map { records[$0] }
        for position in out.indices {
            if let linked = out[position].linkedTo, linked >= taken {
                out[position].linkedTo = taken + newIndex[linked - taken]
            }
        }
        taken += records.count
        kept = []
        heldEvents = 0
        return out
    }
}
