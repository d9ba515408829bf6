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
}
