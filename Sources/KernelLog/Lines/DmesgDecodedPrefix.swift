import KtriageBytes

/// `dmesg -x` (`--decode`) puts the record's facility and level before the stamp, each name
/// left-aligned in six columns and followed by a colon: `kern  :err   : [    1.234567] text`
/// (util-linux `dmesg.c`, `printf("%-6s:%-6s: ", …)`; a longer name such as `authpriv` simply
/// pushes the colon right).
enum DmesgDecodedPrefix {
    /// syslog(3) facility names as dmesg prints them (`facility_names[]`), in code order.
    static let facilities: [String] = [
        "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
        "res0", "res1", "res2", "res3", "local0", "local1", "local2", "local3", "local4", "local5", "local6",
        "local7",
    ]
    /// printk level names as dmesg prints them (`level_names[]`), index = level 0–7.
    static let levels: [String] = ["emerg", "alert", "crit", "err", "warn", "notice", "info", "debug"]

    /// The printk level and the index after `: `, or `nil` when `line` does not start so.
    static func parse(_ line: UnsafeRawBufferPointer, at start: Int) -> (level: UInt8, end: Int)? {
        guard let (facility, afterFacility) = name(line, at: start),
            facilities.contains(where: { $0.utf8.elementsEqual(facility) }),
            let (level, afterLevel) = name(line, at: afterFacility),
            let number = levels.firstIndex(where: { $0.utf8.elementsEqual(level) }),
            afterLevel < line.count, line[afterLevel] == UInt8(ascii: " ")
        else { return nil }
        return (UInt8(number), afterLevel + 1)
    }

    /// A lower-case name padded with spaces and ended by `:`; the name and the index after `:`.
    private static func name(_ line: UnsafeRawBufferPointer, at start: Int) -> (UnsafeRawBufferPointer, Int)? {
        var index = start
        while index < line.count, index - start < 8,
            line[index] >= UInt8(ascii: "a") && line[index] <= UInt8(ascii: "z")
                || ByteScanning.isDigit(line[index])
        {
            index += 1
        }
        guard index > start else { return nil }
        let name = UnsafeRawBufferPointer(rebasing: line[start..<index])
        while index < line.count, index - start < 8, line[index] == UInt8(ascii: " ") { index += 1 }
        guard index < line.count, line[index] == UInt8(ascii: ":") else { return nil }
        return (name, index + 1)
    }
}
