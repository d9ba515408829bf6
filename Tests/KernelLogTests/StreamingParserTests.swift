import KernelFacts
import KernelLog
import Testing

/// The streaming API as the input layer drives it: lines with metadata, one at a time.
@Suite struct StreamingParserTests {
    static func feed(_ lines: [(String, LineMetadata)]) -> [CrashRecord] {
        var parser = CrashReportParser()
        for (i, (text, meta)) in lines.enumerated() {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBytes { raw in
                parser.consume(LogLine(text: raw, number: i + 1, offset: Int64(i * 100), metadata: meta))
            }
        }
        return parser.finish()
    }

    static func meta(_ caller: CallerID?, _ t: Int64, kernel: Bool = true) -> LineMetadata {
        LineMetadata(
            source: .journald, host: "web7", bootID: "b00t", wallClockMicros: 1_700_000_000_000_000 + t,
            monotonicMicros: t, caller: caller, isKernel: kernel)
    }

    @Test func callerIdsSeparateConcurrentReports() {
        let a = CallerID.thread(100)
        let b = CallerID.thread(200)
        let records = Self.feed([
            ("WARNING: CPU: 0 PID: 100 at a/a.c:1 alpha_fn+0x1/0x2", Self.meta(a, 1)),
            ("BUG: kernel NULL pointer dereference, address: 0000000000000000", Self.meta(b, 2)),
            ("RIP: 0010:alpha_fn+0x1/0x2", Self.meta(a, 3)),
            ("RIP: 0010:beta_fn+0x1/0x2", Self.meta(b, 4)),
            ("Call Trace:", Self.meta(a, 5)),
            ("Call Trace:", Self.meta(b, 6)),
            (" alpha_caller+0x1/0x2", Self.meta(a, 7)),
            (" beta_caller+0x1/0x2", Self.meta(b, 8)),
        ])
        #expect(
            records.map(\.title) == [
                "WARNING in alpha_fn", "BUG: unable to handle kernel NULL pointer dereference in beta_fn",
            ])
        #expect(records.allSatisfy { $0.linkedTo == nil })
        #expect(records.first?.host == "web7")
        #expect(records.first?.boot == "b00t")
        #expect(records.first?.source == .journald)
        #expect(records.first?.time.wallMicros == 1_700_000_000_000_001)
    }

    @Test func nonKernelLinesAreIgnored() {
        let records = Self.feed([
            ("BUG: this is a program's message", Self.meta(nil, 1, kernel: false)),
            ("hello", Self.meta(nil, 2)),
        ])
        #expect(records.isEmpty)
    }

    @Test func goFatalErrorNeedsAGoroutineDump() {
        // A kernel line wrapped so that `fatal error:` begins a fragment is not Go's runtime.
        let wrapped = Self.feed([
            ("fatal error: cannot create timer (-22)", Self.meta(nil, 1)), ("", Self.meta(nil, 2)),
        ])
        #expect(wrapped.isEmpty)
        let goRuntime = Self.feed([
            ("fatal error: out of memory", Self.meta(nil, 1)), ("", Self.meta(nil, 2)),
            ("goroutine 1 [running]:", Self.meta(nil, 3)), ("runtime.throw({0x4772bc?, 0x20000?})", Self.meta(nil, 4)),
        ])
        #expect(goRuntime.map(\.title) == ["go runtime error"])
    }

    @Test func takeRecordsStreamsCompletedReports() {
        var parser = CrashReportParser()
        let lines =
            [
                "[ 1.0] WARNING: CPU: 0 PID: 1 at a.c:1 f+0x1/0x2", "[ 1.1] RIP: 0010:f+0x1/0x2",
                "[ 1.2] ---[ end trace 0 ]---",
            ] + (0..<50).map { "[ 2.\($0)] ordinary line \($0)" }
        for (i, l) in lines.enumerated() {
            Array(l.utf8).withUnsafeBytes { raw in
                // Strip the `[ t] ` prefix the way the input layer would.
                let cut = l.firstIndex(of: "]").map { l.utf8.distance(from: l.startIndex, to: $0) + 2 } ?? 0
                let text = UnsafeRawBufferPointer(rebasing: raw[min(cut, raw.count)...])
                parser.consume(
                    LogLine(
                        text: text, number: i + 1, offset: 0,
                        metadata: LineMetadata(source: .dmesg, monotonicMicros: 1_000_000)))
            }
        }
        let early = parser.takeRecords()
        #expect(early.map(\.title) == ["WARNING in f"])
        #expect(parser.finish().isEmpty)
    }
}
