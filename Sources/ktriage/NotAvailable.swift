import ArgumentParser

/// Thrown by subcommands whose capability is not built yet: they say so plainly.
struct NotAvailableYet: Error, CustomStringConvertible {
    var command: String
    var description: String {
        "ktriage \(command) is not available yet in this version: the capability it needs is still being built."
    }
}
