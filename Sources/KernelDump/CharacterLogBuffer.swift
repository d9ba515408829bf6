import KernelFacts
import KtriageBytes

/// Reader for the plain character ring of kernels before 3.5.
///
/// Format notes (kernel `kernel/printk.c` before 3.5; VMCOREINFO from `log_buf_kexec_setup`):
/// `SYMBOL(log_buf)` is the address of the `char *log_buf` pointer, `SYMBOL(log_buf_len)` an `int`,
/// `SYMBOL(log_end)` the monotonic write index (`unsigned long` before 2.6.25, `unsigned` after),
/// `SYMBOL(logged_chars)`. The text is `<level>[sec.usec] message\n` lines; the last
/// `min(log_end, logged_chars, log_buf_len)` bytes ending at `log_end mod log_buf_len` are the log
/// (kexec-tools `dump_dmesg_legacy`).
struct CharacterLogBuffer {
    let memory: KernelMemory
    let info: VMCoreInfo
    let wordSize: Int

    func read() throws -> KernelLogExtract {
        let path = memory.path
        func need<T>(_ value: T?, _ key: String) throws -> T {
            try VmcoreError.required(value, key, path: path, for: "the log_buf ring")
        }
        let bufSymbol = try need(info.symbol("log_buf"), "SYMBOL(log_buf)")
        let lenSymbol = try need(info.symbol("log_buf_len"), "SYMBOL(log_buf_len)")
        let endSymbol = try need(info.symbol("log_end"), "SYMBOL(log_end)")
        let endSize = Self.logEndIsLong(info.osRelease) ? wordSize : 4
        let buffer = try memory.readUnsigned(bufSymbol, size: wordSize, what: "log_buf pointer")
        let length = Int(try memory.readUnsigned(lenSymbol, size: 4, what: "log_buf_len"))
        let end = try memory.readUnsigned(endSymbol, size: endSize, what: "log_end")
        var available = end
        if let loggedSymbol = info.symbol("logged_chars") {
            let logged = try memory.readUnsigned(loggedSymbol, size: endSize, what: "logged_chars")
            if logged > 0 { available = min(available, logged) }
        }
        guard length > 0, length <= VmcoreLimits.maxLogBufferBytes else {
            throw VmcoreError(
                path: path, offset: nil, field: "log_buf_len", message: "\(length) is out of range")
        }
        let (data, unreadable, missingBytes) = try memory.readLenient(buffer, count: length, what: "log_buf")
        var problems: [String] = []
        if let unreadable {
            problems.append(
                "\(missingBytes) of \(length) log_buf bytes unreadable (read as zero), the first because \(unreadable)"
            )
        }
        let count = Int(min(available, UInt64(length)))
        let endIndex = Int(end % UInt64(length))
        var text: [UInt8] = []
        text.reserveCapacity(count)
        if count <= endIndex {
            text.append(contentsOf: data[(endIndex - count)..<endIndex])
        } else {
            text.append(contentsOf: data[(length - (count - endIndex))..<length])
            text.append(contentsOf: data[0..<endIndex])
        }
        let (records, cut) = Self.split(text)
        if cut { problems.append("stopped after \(records.count) records (limit)") }
        return KernelLogExtract(layout: .characters, records: records, problems: problems)
    }

    /// `log_end` is an `unsigned long` before 2.6.25.
    static func logEndIsLong(_ release: String?) -> Bool {
        guard let release else { return false }
        let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(3).compactMap { Int($0) }
        guard numbers.count >= 3 else { return false }
        return (numbers[0], numbers[1], numbers[2]) < (2, 6, 25)
    }

    /// Splits `<N>[sec.usec] text` lines into records, at most `VmcoreLimits.maxLogRecords`
    /// (lines are found one at a time with `memchr`: 32 MiB of newlines must not become 16 M
    /// slices first, nor a 32 MiB line be scanned byte by byte in Swift).
    /// - Returns: the records, and whether lines were left past the limit.
    static func split(_ text: [UInt8]) -> (records: [PrintkRecord], cut: Bool) {
        text.withUnsafeBytes { raw in
            var records: [PrintkRecord] = []
            var start = 0
            while start < raw.count {
                let end = ByteScanning.memchrIndex(UInt8(ascii: "\n"), in: raw, from: start) ?? raw.count
                defer { start = end + 1 }
                guard end > start else { continue }
                guard records.count < VmcoreLimits.maxLogRecords else { return (records, true) }
                records.append(record(text[start..<end]))
            }
            return (records, false)
        }
    }

    /// One `<N>[sec.usec] text` line.
    static func record(_ line: ArraySlice<UInt8>) -> PrintkRecord {
        var rest = line
        var level: UInt8?
        if rest.count >= 3, rest.first == UInt8(ascii: "<"),
            rest[rest.startIndex + 2] == UInt8(ascii: ">"),
            let digit = rest.dropFirst().first, digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "7")
        {
            level = digit - UInt8(ascii: "0")
            rest = rest.dropFirst(3)
        }
        var timestamp: UInt64?
        if rest.first == UInt8(ascii: "["), let close = rest.prefix(64).firstIndex(of: UInt8(ascii: "]")) {
            let stamp = String(decoding: rest[(rest.startIndex + 1)..<close], as: UTF8.self)
                .trimmingSpaces()
            let parts = stamp.split(separator: ".")
            if parts.count == 2, let seconds = UInt64(parts[0]), let micros = UInt64(parts[1]),
                parts[1].count == 6
            {
                timestamp = seconds &* 1_000_000_000 &+ micros &* 1000
                rest = rest[(close + 1)...]
                if rest.first == UInt8(ascii: " ") { rest = rest.dropFirst() }
            }
        }
        return PrintkRecord(timestampNanoseconds: timestamp, text: Array(rest), level: level)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while view.first == " " { view = view.dropFirst() }
        while view.last == " " { view = view.dropLast() }
        return String(view)
    }
}
