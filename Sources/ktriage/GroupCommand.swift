import ArgumentParser

struct GroupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Group crashes across a fleet by signature and kernel version (not available yet).",
        discussion: """
            Not available yet in this version: running it prints a message and exits with status 1.
            """)

    @Argument(help: "Inputs.") var inputs: [String] = []

    func run() throws { throw NotAvailableYet(command: "group") }
}
