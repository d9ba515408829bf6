import Foundation
import KernelLog
import KtriageReader
import KtriageTestSupport
import Testing

/// The same real crash (a console log of `../shared/vmcores`) rewritten in every log format gives
/// the raw log's title and kernel release, and the host where the format names one.
@Suite("A real crash in every log format")
struct RealCrashFormatsTests {
    static let consoleLog = Fixtures.sharedRoot + "/vmcores/lkdtm-access-null/console.log"
    static var hasConsoleLog: Bool { Fixtures.read(consoleLog) != nil }

    /// (monotonic micros, text) of each stamped console line.
    static func lines() -> [(micros: Int64, text: String)] {
        let text = String(decoding: Fixtures.read(consoleLog) ?? [], as: UTF8.self)
        return text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).compactMap { line in
            guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
            let stamp = line[line.index(after: line.startIndex)..<close].trimmingCharacters(in: .whitespaces)
            let parts = stamp.split(separator: ".")
            guard parts.count == 2, let seconds = Int64(parts[0]), let micros = Int64(parts[1]) else { return nil }
            var rest = line[line.index(after: close)...]
            if rest.first == " " { rest = rest.dropFirst() }
            return (seconds * 1_000_000 + micros, String(rest))
        }
    }

    static let boot: Int64 = 1_795_369_200  // 2026-11-22T17:00:00Z

    static func clock(_ micros: Int64, _ format: String) -> String {
        let seconds = boot + micros / 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, buffer.count, format, &parts)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func stamp(_ micros: Int64) -> String {
        let seconds = String(micros / 1_000_000)
        let fraction = String(micros % 1_000_000)
        return "[" + String(repeating: " ", count: max(0, 5 - seconds.count)) + seconds + "."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + "]"
    }

    static func json(_ micros: Int64, _ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\t", with: "\\t")
        return "{\"_TRANSPORT\":\"kernel\",\"_HOSTNAME\":\"web01\",\"MESSAGE\":\"\(escaped)\","
            + "\"__REALTIME_TIMESTAMP\":\"\((boot * 1_000_000) + micros)\",\"_SOURCE_MONOTONIC_TIMESTAMP\":\"\(micros)\"}"
    }

    /// Each format's text, and whether it names the host `web01`.
    static func variants() -> [(name: String, text: String, hasHost: Bool)] {
        let lines = lines()
        func each(_ make: ((micros: Int64, text: String)) -> String) -> String {
            lines.map(make).joined(separator: "\n") + "\n"
        }
        let usec = { (m: Int64) in String(format: "%06lld", m % 1_000_000) }
        var result: [(String, String, Bool)] = [
            ("dmesg", each { stamp($0.micros) + " " + $0.text }, false),
            ("dmesg -r", each { "<6>" + stamp($0.micros) + " " + $0.text }, false),
            ("dmesg -T", each { "[" + clock($0.micros, "%a %b %e %H:%M:%S %Y") + "] " + $0.text }, false),
            (
                "dmesg iso",
                each { clock($0.micros, "%Y-%m-%dT%H:%M:%S") + "," + usec($0.micros) + "+00:00 " + $0.text }, false
            ),
            ("dmesg -d", each { stamp($0.micros).dropLast() + " <    0.000101>] " + $0.text }, false),
            ("dmesg delta", each { "[<    0.000101>] " + $0.text }, false),
            ("dmesg -x", each { "kern  :info  : " + stamp($0.micros) + " " + $0.text }, false),
            ("dmesg notime", each { $0.text }, false),
            (
                "syslog",
                each { clock($0.micros, "%b %e %H:%M:%S") + " web01 kernel: " + stamp($0.micros) + " " + $0.text }, true
            ),
            (
                "short-iso-precise",
                each {
                    clock($0.micros, "%Y-%m-%dT%H:%M:%S") + "." + usec($0.micros) + "+00:00 web01 kernel: " + $0.text
                }, true
            ),
            ("short-full", each { clock($0.micros, "%a %Y-%m-%d %H:%M:%S UTC") + " web01 kernel: " + $0.text }, true),
            ("short-monotonic", each { stamp($0.micros) + " web01 kernel: " + $0.text }, true),
            (
                "short-unix",
                each { "\(boot + $0.micros / 1_000_000)." + usec($0.micros) + " web01 kernel: " + $0.text }, true
            ),
            ("json", each { json($0.micros, $0.text) }, true),
            ("json-seq", each { "\u{1E}" + json($0.micros, $0.text) }, true),
            (
                "verbose",
                each {
                    clock($0.micros, "%a %Y-%m-%d %H:%M:%S") + ".000000 UTC [s=0;i=1;b=00;m=0;t=0;x=0]\n"
                        + "    _TRANSPORT=kernel\n    _HOSTNAME=web01\n    _SOURCE_MONOTONIC_TIMESTAMP=\($0.micros)\n"
                        + "    MESSAGE=" + $0.text
                }, true
            ),
            (
                "export",
                each {
                    "__CURSOR=s=0;i=1;b=00;m=0;t=0;x=0\n__REALTIME_TIMESTAMP=\(boot * 1_000_000 + $0.micros)\n"
                        + "_TRANSPORT=kernel\n_HOSTNAME=web01\n_SOURCE_MONOTONIC_TIMESTAMP=\($0.micros)\nMESSAGE="
                        + $0.text + "\n"
                }, true
            ),
            (
                "apport", "ProblemType: KernelCrash\nVmCoreDmesg:\n" + each { " " + stamp($0.micros) + " " + $0.text },
                false
            ),
        ]
        // reltime: a minute line, then deltas.
        var minute = ""
        result.append(
            (
                "dmesg -H",
                each { line in
                    let now = clock(line.micros, "%b%d %H:%M")
                    defer { minute = now }
                    return (now == minute ? "[  +0.000101]" : "[" + now + "]") + " " + line.text
                }, false
            ))
        return result
    }

    @Test("title, kernel release and host as the raw console log", .enabled(if: hasConsoleLog))
    func everyFormat() throws {
        let raw = try #require(try CrashReader().records(path: Self.consoleLog).first)
        #expect(raw.title == "BUG: unable to handle kernel NULL pointer dereference in lkdtm_ACCESS_NULL")
        for variant in Self.variants() {
            let report = CrashReader().read(text: variant.text, name: variant.name)
            let record = report.records.first
            #expect(record?.title == raw.title, "\(variant.name)")
            #expect(record?.kernel?.release == raw.kernel?.release, "\(variant.name)")
            #expect(record?.host == (variant.hasHost ? "web01" : nil), "\(variant.name)")
            #expect(report.summary?.warnings.isEmpty == true, "\(variant.name)")
        }
    }
}
