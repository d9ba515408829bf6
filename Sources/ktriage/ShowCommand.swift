import ArgumentParser
import CrashFleet
import CrashOutput
import KernelFacts
import KernelLog
import KtriageBytes
import KtriageReader

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one crash report decoded for a person.",
        discussion: """
            Finds the crash reports in FILE and prints one of them explained: kind, title, \
            kernel release and its parts, taint letters in words, the task and hardware, where it \
            crashed and the guilty frame, the call trace with its stack contexts (task, IRQ, NMI, \
            exception stacks; unreliable '?' frames marked), modules, registers and code bytes.

            By default the first report is shown; --index picks another (1-based, as listed by \
            'ktriage scan'), --line the report that starts at a given line. --all shows every one.

            Examples:
              ktriage show /var/log/kern.log
              ktriage show --index 2 console.log
              journalctl -k -o json | ktriage show -
            """)

    @Argument(help: "A log file, or - for stdin.")
    var file: String

    @Option(help: "Which report to show, 1-based.")
    var index: Int?

    @Option(help: "Show the report that starts at this line.")
    var line: Int?

    @Flag(help: "Show every report.")
    var all = false

    @Option(help: "Host name for logs that do not name one.")
    var host: String?

    @Option(help: "Year for syslog timestamps, which carry none (default: this year).")
    var year: Int?

    func run() throws {
        let scanner = CrashReader(options: LogReaderOptions(host: host, referenceYear: year))
        let kind = file == "-" ? InputKind.text : (InputWalker.sniff(path: file) ?? .text)
        let result = scanner.read(InputWalker.Item(path: file, kind: kind, root: nil))
        if let error = result.error {
            Output.warn(error)
            if result.records.isEmpty { throw ExitCode(1) }
        }
        guard !result.records.isEmpty else {
            Output.warn("\(file): no crash report found")
            throw ExitCode(1)
        }
        var chosen: [CrashRecord]
        if all {
            chosen = result.records
        } else if let line {
            guard let record = result.records.first(where: { $0.line == line }) else {
                Output.warn("\(file): no crash report starts at line \(line)")
                throw ExitCode(1)
            }
            chosen = [record]
        } else {
            let wanted = index ?? 1
            guard wanted >= 1, wanted <= result.records.count else {
                Output.warn("\(file): there are \(result.records.count) reports; --index \(wanted) is out of range")
                throw ExitCode(1)
            }
            chosen = [result.records[wanted - 1]]
        }
        let style: RecordText.Style = Terminal.colorAllowed ? .terminal : .plain
        let output = Output()
        for (position, record) in chosen.enumerated() {
            if position > 0 { output.line("\n" + String(repeating: "─", count: 60) + "\n") }
            output.line(RecordText.render(record, style: style))
        }
        output.flush()
    }
}
