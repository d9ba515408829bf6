import ArgumentParser

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a Markdown bug report for one crash or one group (not available yet).",
        discussion: """
            Not available yet in this version: running it prints a message and exits with status 1.
            """)

    @Argument(help: "Inputs.") var inputs: [String] = []

    func run() throws { throw NotAvailableYet(command: "report") }
}
