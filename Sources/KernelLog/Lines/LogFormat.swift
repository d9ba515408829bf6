/// The text layout a line (or a whole input) was written in: finer than ``LogSource``, for the
/// summary and for messages that say what an input looked like.
public enum LogFormat: String, Sendable, Codable, CaseIterable {
    /// Kernel text with no wrapper (`dmesg --time-format notime`, `journalctl -o cat`).
    case bare
    /// `[    1.234567] text` (dmesg, console, kdump dmesg files), optionally `<6>` first (`dmesg -r`).
    case dmesg
    /// `[Sun Nov 12 15:06:31 2017] text` (`dmesg -T`, `--time-format ctime`), local time.
    case dmesgCtime = "dmesg-ctime"
    /// `2017-11-12T15:06:31,000000+00:00 text` (`dmesg --time-format iso`).
    case dmesgISO = "dmesg-iso"
    /// `[Nov12 15:06] text` then `[  +0.000101] text` (`dmesg -H`, `--time-format reltime`).
    case dmesgReltime = "dmesg-reltime"
    /// `[<    0.000101>] text` (`--time-format delta`) or `[    1.234567 <    0.000101>] text` (`dmesg -d`).
    case dmesgDelta = "dmesg-delta"
    /// `kern  :err   : [    1.234567] text` (`dmesg -x`).
    case dmesgDecoded = "dmesg-decoded"
    /// `Nov 12 15:06:31 host kernel: text` (BSD syslog, `journalctl -o short` and `short-precise`).
    case syslogBSD = "syslog-bsd"
    /// `2017-11-12T15:06:31.000000+00:00 host kernel: text` (RFC 3339 syslog, `short-iso`,
    /// `short-iso-precise`).
    case syslogISO = "syslog-iso"
    /// `<4>1 2017-11-12T15:06:31Z host kernel - - - text` (RFC 5424).
    case syslogRFC5424 = "syslog-rfc5424"
    /// `Sun 2017-11-12 15:06:31 UTC host kernel: text` (`journalctl -o short-full`).
    case journalShortFull = "journal-short-full"
    /// `[   12.345678] host kernel: text` (`journalctl -o short-monotonic`).
    case journalShortMonotonic = "journal-short-monotonic"
    /// `1510499191.000000 host kernel: text` (`journalctl -o short-unix`).
    case journalShortUnix = "journal-short-unix"
    /// `journalctl -o verbose`: a header line, then `    FIELD=value` lines.
    case journalVerbose = "journal-verbose"
    /// `journalctl -o export`: `FIELD=value` lines, entries split by an empty line.
    case journalExport = "journal-export"
    /// `journalctl -o json`, `json-seq` (RS before each object) or `json-sse` (`data: `).
    case journalJSON = "journal-json"
    /// A pstore record (`Panic#1 Part1` headers).
    case pstore
    /// An apport report (`/var/crash/*.crash`): the `VmCoreDmesg` and `OopsText` fields are read.
    case apport
    /// crash(8)'s saved session output: only its stamped kernel log lines are read.
    case crashSession = "crash-session"
    /// makedumpfile's messages: no kernel text.
    case makedumpfileMessages = "makedumpfile-messages"
}
