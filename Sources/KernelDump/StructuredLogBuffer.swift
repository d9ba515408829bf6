import KernelFacts

/// Reader for the `struct printk_log` record buffer of Linux 3.5–5.9 (`struct log` until 3.10).
///
/// Format notes (kernel `kernel/printk/printk.c` of those versions; VMCOREINFO from
/// `log_buf_vmcoreinfo_setup` / `log_buf_kexec_setup`): `SYMBOL(log_buf)` is the address of the
/// `char *log_buf` pointer; `SYMBOL(log_buf_len)`, `SYMBOL(log_first_idx)`, `SYMBOL(log_next_idx)`
/// are `u32` variables. Each record: header of `SIZE(printk_log)` bytes (`u64 ts_nsec`, `u16 len`
/// — whole record incl. padding —, `u16 text_len`, `u16 dict_len`, `u8 facility`, `u8 flags:5,
/// level:3`, and since 5.1 `u32 caller_id` with `CONFIG_PRINTK_CALLER`), then text, then dict. A
/// header with `len == 0` marks the end of the buffer: continue at offset 0. The walk runs from
/// `log_first_idx` to `log_next_idx`. Offsets come from `OFFSET(printk_log.*)` or, on kernels
/// before 3.11, `OFFSET(log.*)`.
/// Guards: at most one wrap, indexes inside `log_buf_len − SIZE`, a step count bounded by the
/// buffer size (cycle guard), `VmcoreLimits.maxLogBufferBytes`.
struct StructuredLogBuffer {
    let memory: KernelMemory
    let info: VMCoreInfo
    let wordSize: Int

    func read() throws -> KernelLogExtract {
        let path = memory.path
        func need<T>(_ value: T?, _ key: String) throws -> T {
            try VmcoreError.required(value, key, path: path, for: "the printk_log buffer")
        }
        let prefix = info.size("printk_log") != nil ? "printk_log" : "log"
        let headerSize = try need(info.size(prefix), "SIZE(printk_log)")
        let tsOffset = try need(info.offset("\(prefix).ts_nsec"), "OFFSET(\(prefix).ts_nsec)")
        let lenOffset = try need(info.offset("\(prefix).len"), "OFFSET(\(prefix).len)")
        let textLenOffset = try need(info.offset("\(prefix).text_len"), "OFFSET(\(prefix).text_len)")
        let callerOffset = info.offset("\(prefix).caller_id")
        let bufSymbol = try need(info.symbol("log_buf"), "SYMBOL(log_buf)")
        let lenSymbol = try need(info.symbol("log_buf_len"), "SYMBOL(log_buf_len)")
        let firstSymbol = try need(info.symbol("log_first_idx"), "SYMBOL(log_first_idx)")
        let nextSymbol = try need(info.symbol("log_next_idx"), "SYMBOL(log_next_idx)")
        guard headerSize >= 12, headerSize <= 256, tsOffset + 8 <= headerSize, lenOffset + 2 <= headerSize,
            textLenOffset + 2 <= headerSize, (callerOffset ?? 0) + 4 <= headerSize
        else {
            throw VmcoreError(
                path: path, offset: nil, field: "VMCOREINFO SIZE/OFFSET(\(prefix))",
                message: "inconsistent record layout")
        }
        let buffer = try memory.readUnsigned(bufSymbol, size: wordSize, what: "log_buf pointer")
        let length = Int(try memory.readUnsigned(lenSymbol, size: 4, what: "log_buf_len"))
        let first = Int(try memory.readUnsigned(firstSymbol, size: 4, what: "log_first_idx"))
        let next = Int(try memory.readUnsigned(nextSymbol, size: 4, what: "log_next_idx"))
        guard length >= headerSize, length <= VmcoreLimits.maxLogBufferBytes else {
            throw VmcoreError(
                path: path, offset: nil, field: "log_buf_len", message: "\(length) is out of range")
        }
        guard first <= length - headerSize, next <= length else {
            throw VmcoreError(
                path: path, offset: nil, field: "log_first_idx/log_next_idx",
                message: "\(first)/\(next) lie outside the \(length)-byte buffer")
        }
        let (data, unreadable, missingBytes) = try memory.readLenient(buffer, count: length, what: "log_buf")
        var problems: [String] = []
        if let unreadable {
            problems.append(
                "\(missingBytes) of \(length) log_buf bytes unreadable (read as zero), the first because \(unreadable)"
            )
        }
        func value(_ at: Int, _ size: Int) -> UInt64 { KernelMemory.decode(data[at..<(at + size)]) }
        var records: [PrintkRecord] = []
        var index = first
        var wrapped = false
        var steps = 0
        let maxSteps = length / max(headerSize, 1) + 2
        while index != next {
            steps += 1
            guard steps <= maxSteps else {
                problems.append("record chain does not reach log_next_idx \(next) (cycle): stopped")
                break
            }
            guard index <= length - headerSize else {
                problems.append(
                    "record index \(index) is too close to the end of the \(length)-byte buffer: stopped")
                break
            }
            let recordLength = Int(value(index + lenOffset, 2))
            if recordLength == 0 {
                if wrapped {
                    problems.append("buffer wrapped twice at index \(index): stopped")
                    break
                }
                wrapped = true
                index = 0
                continue
            }
            guard recordLength >= headerSize, index + recordLength <= length else {
                problems.append(
                    "record at index \(index) has length \(recordLength), outside the buffer: stopped")
                break
            }
            // Checked when one more record is there, so a log of exactly the limit is whole.
            guard records.count < VmcoreLimits.maxLogRecords else {
                problems.append("stopped after \(records.count) records (limit)")
                break
            }
            let textLength = min(Int(value(index + textLenOffset, 2)), recordLength - headerSize)
            let textStart = index + headerSize
            let caller = callerOffset.map { UInt32(truncatingIfNeeded: value(index + $0, 4)) }
            records.append(
                PrintkRecord(
                    timestampNanoseconds: value(index + tsOffset, 8),
                    text: Array(data[textStart..<(textStart + textLength)]),
                    callerID: caller))
            index += recordLength
            if index == length, next != length {
                // Exactly full: the next record starts at 0 without a marker.
                if wrapped { break }
                wrapped = true
                index = 0
            }
        }
        return KernelLogExtract(layout: .structured, records: records, problems: problems)
    }
}
