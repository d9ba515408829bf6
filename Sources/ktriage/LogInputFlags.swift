import ArgumentParser
import CrashFleet
import KernelLog

/// `--tz` and `--host-from`, for the commands that read logs.
struct LogInputFlags: ParsableArguments {
    @Option(
        help: """
            Zone of log times written without one (BSD syslog, journalctl -o short, dmesg -T): an IANA \
            name such as America/New_York, or an offset such as +05:30 (default: UTC).
            """)
    var tz: String?

    @Option(
        name: .customLong("host-from"),
        help: """
            A regular expression over each input's path that names its host (the first capture group, or \
            the match), for logs that name none outside a <host>/var/crash or <host>/var/log fleet folder.
            """)
    var hostFrom: String?

    func validate() throws {
        _ = try timeZone()
        if let hostFrom, (try? Regex(hostFrom)) == nil {
            throw ValidationError("--host-from: '\(hostFrom)' is not a regular expression")
        }
    }

    func timeZone() throws -> LocalTimeZone? { try Self.timeZone(tz) }

    var hostNaming: HostNaming { HostNaming(hostFrom: hostFrom) }

    /// The zone `--tz` names, or `nil` for UTC.
    static func timeZone(_ text: String?) throws -> LocalTimeZone? {
        guard let text else { return nil }
        do { return try LocalTimeZone.named(text) } catch { throw ValidationError("--tz: \(error.description)") }
    }
}
