import ArgumentParser

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find crash reports in logs (not available yet).",
        discussion: """
            Not available yet in this version: running it prints a message and exits with status 1.
            """)

    @Argument(help: "Inputs.") var inputs: [String] = []

    func run() throws { throw NotAvailableYet(command: "scan") }
}
