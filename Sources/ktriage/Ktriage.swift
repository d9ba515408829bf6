import ArgumentParser
import CrashOutput
import Foundation
import KernelLog

@main
struct Ktriage: ParsableCommand {
    /// The release; `--version` prints it with the record schema version.
    static let release = "0.1.0-dev"

    static let configuration = CommandConfiguration(
        commandName: "ktriage",
        abstract: "Find, decode and group Linux kernel crashes in logs and vmcores.",
        discussion: """
            ktriage reads what a crashing kernel leaves behind — dmesg, syslog, journald exports, \
            serial console captures, pstore records, kdump dmesg files and vmcores — and turns each \
            oops, BUG, WARNING, panic, lockup, stall, hung task and sanitizer report into a record \
            with a syzbot-style title and a stable signature.

            Examples:
              ktriage scan /var/log/kern.log
              ktriage group fixtures/fleet --format html > fleet.html
              ktriage vmcore info /var/crash/vmcore
            """,
        version: "ktriage \(release) (record schema \(CrashRecord.schemaVersion))",
        subcommands: [
            ScanCommand.self, ShowCommand.self, VmcoreCommand.self, SymbolizeCommand.self,
            GroupCommand.self, ReportCommand.self, IngestCommand.self,
        ])

    /// ArgumentParser's first parse costs more than reading a vmcore's log (it builds every
    /// command's argument set through reflection and runtime conformance lookups), so the plain
    /// forms of `vmcore dmesg`, timed against vmcore-dmesg and makedumpfile, skip it. Errors are
    /// reported exactly as ArgumentParser would.
    static func main() {
        if let plain = VmcoreDmesgCommand.plainArguments(CommandLine.arguments.dropFirst()) {
            do {
                try VmcoreDmesgCommand.printLog(
                    vmcore: plain.vmcore, callerID: plain.callerID, wallClock: plain.wallClock)
            } catch {
                exitReporting(error)
            }
            return
        }
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch {
            exitReporting(error)
        }
    }

    /// Exits for `error` as ArgumentParser would, but every message on stderr starts with
    /// `ktriage: ` like the commands' own (ArgumentParser writes `Error: `); help and `--version`
    /// go to stdout unchanged.
    static func exitReporting(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        if let exit = error as? ExitCode { Foundation.exit(exit.rawValue) }
        var text = fullMessage(for: error)
        if text.hasPrefix("Error: ") { text = "ktriage: " + text.dropFirst("Error: ".count) }
        if !text.hasPrefix("ktriage: ") { text = "ktriage: " + text }
        // Line by line: ArgumentParser's usage text has several, and a path in a message may
        // hold escape sequences (see `Output.warn`).
        let clean = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            TerminalText.clean(String($0))
        }
        FileHandle.standardError.write(Data((clean.joined(separator: "\n") + "\n").utf8))
        Foundation.exit(code.rawValue)
    }
}
