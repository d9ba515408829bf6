import ArgumentParser

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print one crash report decoded for a person (not available yet).",
        discussion: """
            Not available yet in this version: running it prints a message and exits with status 1.
            """)

    @Argument(help: "Inputs.") var inputs: [String] = []

    func run() throws { throw NotAvailableYet(command: "show") }
}
