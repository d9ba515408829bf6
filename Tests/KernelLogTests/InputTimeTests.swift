import KernelFacts
import KtriageTestSupport
import Testing

@testable import KernelLog

/// Times come from input (journald fields, VMCOREINFO `CRASHTIME`): formatting and comparing them
/// must work for every `Int64`.
@Suite("Times from input")
struct InputTimeTests {
    @Test("ISO 8601 and monotonic text for the extreme values")
    func extremes() {
        #expect(TimeText.iso8601(micros: 0) == "1970-01-01T00:00:00Z")
        #expect(TimeText.iso8601(micros: -1) == "1969-12-31T23:59:59.999999Z")
        #expect(TimeText.iso8601(micros: -1, fraction: false) == "1969-12-31T23:59:59Z")
        #expect(TimeText.iso8601(micros: Int64.max).hasSuffix("T04:00:54.775807Z"))
        #expect(TimeText.iso8601(micros: Int64.min).hasSuffix("T19:59:05.224192Z"))
        #expect(TimeText.seconds(micros: 12_345_678) == "12.345678")
        #expect(TimeText.seconds(micros: -1) == "-0.000001")
        #expect(TimeText.seconds(micros: Int64.min) == "-9223372036854.775808")
        #expect(TimeText.floorDivide(Int64.min, by: 1_000_000) == (-9_223_372_036_855, 224_192))
    }

    @Test("journald stamps at the ends of Int64 end reports by silence instead of trapping")
    func journaldExtremeStamps() {
        var text = ""
        for (index, stamp) in [Int64.min, Int64.max, Int64.min, 0].enumerated() {
            let message = index == 0 ? "BUG: unable to handle page fault for address: 0000000000000008" : "Call Trace:"
            text +=
                "{\"_TRANSPORT\":\"kernel\",\"MESSAGE\":\"\(message)\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"\(stamp)\",\"__REALTIME_TIMESTAMP\":\"\(stamp)\"}\n"
        }
        var parser = CrashReportParser()
        let bytes = Array(text.utf8)
        _ = try? bytes.withUnsafeBytes { raw in
            try KernelLogReader.read(bytes: raw, path: "j.json", options: LogReaderOptions(source: .journald)) {
                parser.consume($0)
            }
        }
        let records = parser.finish()
        #expect(records.count == 1)
        #expect(records.first?.time.monotonicMicros == Int64.min)
        #expect(CrashReportParser.elapsed(from: Int64.min, to: Int64.max) == Int64.max)
        #expect(CrashReportParser.elapsed(from: Int64.max, to: Int64.min) == Int64.min)
    }

    @Test("dropped-message counts saturate")
    func droppedSaturates() throws {
        let line = "** 999999999999999999 printk messages dropped **\n"
        let bytes = Array(String(repeating: line, count: 20).utf8)
        let summary = try bytes.withUnsafeBytes { try KernelLogReader.read(bytes: $0, path: "console.log") { _ in } }
        #expect(summary.droppedMessages == Int.max)
        // The same through the declined-line path (a crash scan declines these lines).
        let path = Fixtures.temporaryFolder("dropped-saturate") + "/console.log"
        #expect(Fixtures.write(bytes, to: path))
        let declined = try KernelLogReader.read(path: path, wants: { _ in false }) { _ in }
        #expect(declined.droppedMessages == Int.max)
        #expect(declined.kernelLines == 20)
    }
}
