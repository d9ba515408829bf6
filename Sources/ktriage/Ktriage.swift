import ArgumentParser

@main
struct Ktriage: ParsableCommand {
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
                exit(withError: error)
            }
            return
        }
        main(nil)
    }
}
