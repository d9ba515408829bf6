import ArgumentParser

struct VmcoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmcore",
        abstract: "Read metadata, registers and the kernel log from a vmcore (not available yet).",
        discussion: """
            Not available yet in this version: running it prints a message and exits with status 1.
            """)

    @Argument(help: "Inputs.") var inputs: [String] = []

    func run() throws { throw NotAvailableYet(command: "vmcore") }
}
