import ArgumentParser

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Add crashes to a SQLite crash database, idempotently (not available yet).",
        discussion: """
            Not available yet in this version: running it prints a message and exits with status 1.
            """)

    @Argument(help: "Inputs.") var inputs: [String] = []

    func run() throws { throw NotAvailableYet(command: "ingest") }
}
