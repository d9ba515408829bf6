import KernelFacts

/// Reader for the lockless `printk_ringbuffer` (Linux 5.10+).
///
/// Format notes (kernel `kernel/printk/printk_ringbuffer.h`, `.c`; VMCOREINFO from
/// `log_buf_vmcoreinfo_setup` in `kernel/printk/printk.c`):
/// - `SYMBOL(prb)` is the address of the pointer to the active ring (`printk_rb_static` or the
///   dynamic one allocated by `setup_log_buf`).
/// - descriptor ring: `count_bits`, `descs`, `infos`, `head_id`, `tail_id`; each `prb_desc` has
///   `state_var` (top 2 bits of an `unsigned long`: 0 reserved, 1 committed, 2 finalized (5.10+),
///   3 reusable; the rest is the id) and `text_blk_lpos {begin, next}`.
/// - text data ring: `size_bits`, `data`; a block starts with the owning id (one `unsigned long`
///   of the dumped machine), then text. Positions are taken modulo the ring size; `begin > next`
///   means the block wrapped and its data is at offset 0. `begin == next` (after the modulo,
///   including `FAILED_LPOS` 0x1 and `EMPTY_LINE_LPOS`/`NO_LPOS` 0x3) is a data-less record.
/// - `text_len` may exceed the block (truncated message): it is clamped.
/// - ids run from `tail_id` to `head_id` inclusive, incremented modulo the id bits; slot =
///   id mod 2^count_bits; a slot whose state id differs has been recycled and is skipped.
/// Every walk is bounded by the descriptor count (cycle guard) and `VmcoreLimits`.
struct PrintkRingBuffer {
    let memory: KernelMemory
    let info: VMCoreInfo
    let wordSize: Int

    func required(_ value: Int?, _ key: String) throws -> Int {
        try VmcoreError.required(value, key, path: memory.path, for: "the lockless printk ring")
    }

    func read() throws -> KernelLogExtract {
        guard let prbSymbol = info.symbol("prb") else {
            throw VmcoreError(
                path: memory.path, offset: nil, field: "VMCOREINFO SYMBOL(prb)", message: "missing")
        }
        let ringSize = try required(info.size("printk_ringbuffer"), "SIZE(printk_ringbuffer)")
        let descRingOffset = try required(
            info.offset("printk_ringbuffer.desc_ring"), "OFFSET(printk_ringbuffer.desc_ring)")
        let textRingOffset = try required(
            info.offset("printk_ringbuffer.text_data_ring"), "OFFSET(printk_ringbuffer.text_data_ring)")
        let countBitsOffset = try required(
            info.offset("prb_desc_ring.count_bits"), "OFFSET(prb_desc_ring.count_bits)")
        let descsOffset = try required(info.offset("prb_desc_ring.descs"), "OFFSET(prb_desc_ring.descs)")
        let infosOffset = try required(info.offset("prb_desc_ring.infos"), "OFFSET(prb_desc_ring.infos)")
        let headOffset = try required(info.offset("prb_desc_ring.head_id"), "OFFSET(prb_desc_ring.head_id)")
        let tailOffset = try required(info.offset("prb_desc_ring.tail_id"), "OFFSET(prb_desc_ring.tail_id)")
        let descSize = try required(info.size("prb_desc"), "SIZE(prb_desc)")
        let stateOffset = try required(info.offset("prb_desc.state_var"), "OFFSET(prb_desc.state_var)")
        let lposOffset = try required(info.offset("prb_desc.text_blk_lpos"), "OFFSET(prb_desc.text_blk_lpos)")
        let beginOffset = try required(
            info.offset("prb_data_blk_lpos.begin"), "OFFSET(prb_data_blk_lpos.begin)")
        let nextOffset = try required(info.offset("prb_data_blk_lpos.next"), "OFFSET(prb_data_blk_lpos.next)")
        let infoSize = try required(info.size("printk_info"), "SIZE(printk_info)")
        let seqOffset = try required(info.offset("printk_info.seq"), "OFFSET(printk_info.seq)")
        let tsOffset = try required(info.offset("printk_info.ts_nsec"), "OFFSET(printk_info.ts_nsec)")
        let lenOffset = try required(info.offset("printk_info.text_len"), "OFFSET(printk_info.text_len)")
        let callerOffset = info.offset("printk_info.caller_id")
        let sizeBitsOffset = try required(
            info.offset("prb_data_ring.size_bits"), "OFFSET(prb_data_ring.size_bits)")
        let dataOffset = try required(info.offset("prb_data_ring.data"), "OFFSET(prb_data_ring.data)")
        let counterOffset = info.offset("atomic_long_t.counter") ?? 0
        let word = wordSize

        for (name, value, size) in [
            ("SIZE(printk_ringbuffer)", ringSize, 1), ("SIZE(prb_desc)", descSize, 1),
            ("SIZE(printk_info)", infoSize, 1),
        ] where value < size || value > 4096 {
            throw VmcoreError(
                path: memory.path, offset: nil, field: "VMCOREINFO \(name)",
                message: "\(value) is out of range")
        }
        let ringAddress = try memory.readUnsigned(prbSymbol, size: word, what: "prb pointer")
        let ring = try memory.read(ringAddress, count: ringSize, what: "printk_ringbuffer")
        func field(_ offset: Int, _ size: Int, _ name: String) throws -> UInt64 {
            guard offset >= 0, offset + size <= ring.count else {
                throw VmcoreError(
                    path: memory.path, offset: nil, field: "printk_ringbuffer.\(name)",
                    message: "offset \(offset) lies outside SIZE(printk_ringbuffer) \(ring.count)")
            }
            return KernelMemory.decode(ring[offset..<(offset + size)])
        }
        let countBits = try field(descRingOffset + countBitsOffset, 4, "desc_ring.count_bits")
        let descs = try field(descRingOffset + descsOffset, word, "desc_ring.descs")
        let infos = try field(descRingOffset + infosOffset, word, "desc_ring.infos")
        let headID = try field(descRingOffset + headOffset + counterOffset, word, "desc_ring.head_id")
        let tailID = try field(descRingOffset + tailOffset + counterOffset, word, "desc_ring.tail_id")
        let sizeBits = try field(textRingOffset + sizeBitsOffset, 4, "text_data_ring.size_bits")
        let textData = try field(textRingOffset + dataOffset, word, "text_data_ring.data")
        guard countBits < 63, (1 << countBits) <= UInt64(VmcoreLimits.maxDescriptorCount) else {
            throw VmcoreError(
                path: memory.path, offset: nil, field: "printk_ringbuffer.desc_ring.count_bits",
                message: "\(countBits) exceeds the limit of \(VmcoreLimits.maxDescriptorCount) descriptors")
        }
        guard sizeBits < 63, (1 << sizeBits) <= UInt64(VmcoreLimits.maxLogBufferBytes) else {
            throw VmcoreError(
                path: memory.path, offset: nil, field: "printk_ringbuffer.text_data_ring.size_bits",
                message: "\(sizeBits) exceeds the limit of \(VmcoreLimits.maxLogBufferBytes) bytes")
        }
        let count = UInt64(1) << countBits
        let dataSize = UInt64(1) << sizeBits
        let stateShift = UInt64(word * 8 - 2)
        let idMask: UInt64 = word == 8 ? ~(UInt64(3) << 62) : (UInt64(1) << 30) - 1

        var problems: [String] = []
        var records: [PrintkRecord] = []
        var steps = (headID &- tailID) & idMask
        var id = tailID & idMask
        if steps >= count {
            problems.append(
                "tail id \(tailID) is \(steps) records behind head id \(headID), more than the \(count) descriptors: started at the oldest possible record"
            )
            id = (headID &- (count - 1)) & idMask
            steps = count - 1
        }
        var unreadable = 0
        var firstUnreadable: VmcoreError?
        /// One record, or nil when its descriptor is not (or no longer) a committed record with this id.
        func readRecord(id: UInt64, slot: UInt64, desc: [UInt8]) throws -> PrintkRecord? {
            func descField(_ offset: Int, _ name: String) throws -> UInt64 {
                guard offset >= 0, offset + word <= desc.count else {
                    throw VmcoreError(
                        path: memory.path, offset: nil, field: "prb_desc.\(name)",
                        message: "offset \(offset) outside SIZE(prb_desc)")
                }
                return KernelMemory.decode(desc[offset..<(offset + word)])
            }
            let state = try descField(stateOffset + counterOffset, "state_var")
            guard state & idMask == id else { return nil }  // recycled slot
            let stateValue = state >> stateShift
            guard stateValue == 1 || stateValue == 2 else { return nil }  // reserved or reusable
            let begin = try descField(lposOffset + beginOffset, "text_blk_lpos.begin")
            let next = try descField(lposOffset + nextOffset, "text_blk_lpos.next")
            let infoBytes = try memory.read(
                infos &+ slot &* UInt64(infoSize), count: infoSize, what: "printk_info[\(slot)]")
            func infoField(_ offset: Int, _ size: Int, _ name: String) throws -> UInt64 {
                guard offset >= 0, offset + size <= infoBytes.count else {
                    throw VmcoreError(
                        path: memory.path, offset: nil, field: "printk_info.\(name)",
                        message: "offset \(offset) outside SIZE(printk_info)")
                }
                return KernelMemory.decode(infoBytes[offset..<(offset + size)])
            }
            let seq = try infoField(seqOffset, 8, "seq")
            let ts = try infoField(tsOffset, 8, "ts_nsec")
            var textLength = try infoField(lenOffset, 2, "text_len")
            let caller = try callerOffset.map {
                UInt32(truncatingIfNeeded: try infoField($0, 4, "caller_id"))
            }
            var blockBegin = begin % dataSize
            let blockNext = next % dataSize
            if blockBegin == blockNext {
                return PrintkRecord(
                    sequence: seq, timestampNanoseconds: ts, text: [], callerID: caller, isDataless: true)
            }
            if blockBegin > blockNext { blockBegin = 0 }
            blockBegin += UInt64(word)
            let available = blockNext >= blockBegin ? blockNext - blockBegin : 0
            if textLength > available { textLength = available }
            let text = try memory.read(
                textData &+ blockBegin, count: Int(textLength), what: "printk text block of record \(seq)")
            return PrintkRecord(sequence: seq, timestampNanoseconds: ts, text: text, callerID: caller)
        }
        var walked: UInt64 = 0
        var textBytes: UInt64 = 0
        // A virtual page of descriptors that could not be read: every other descriptor wholly
        // inside it fails the same way, so it is counted without being read. A damaged ring may
        // put half a million descriptors in missing pages (the FuzzFlattened timeout input).
        let pageSize = UInt64(memory.pageSize)
        var missingDescriptorPage: UInt64?
        while walked <= steps {
            defer {
                id = (id &+ 1) & idMask
                walked += 1
            }
            let slot = id % count
            let descAddress = descs &+ slot &* UInt64(descSize)
            let descPage = descAddress / pageSize
            let descInOnePage = (descAddress &+ UInt64(descSize - 1)) / pageSize == descPage
            if descInOnePage, descPage == missingDescriptorPage {
                unreadable += 1
                continue
            }
            do {
                let desc: [UInt8]
                do {
                    desc = try memory.read(descAddress, count: descSize, what: "prb_desc[\(slot)]")
                } catch let error as VmcoreError {
                    if descInOnePage { missingDescriptorPage = descPage }
                    throw error
                }
                guard let record = try readRecord(id: id, slot: slot, desc: desc) else { continue }
                // Checked when one more record is there, so a log of exactly the limit is whole.
                guard records.count < VmcoreLimits.maxLogRecords else {
                    problems.append("stopped after \(records.count) records (limit)")
                    break
                }
                if !record.isDataless {
                    textBytes += UInt64(record.text.count)
                    guard textBytes <= dataSize else {
                        problems.append(
                            "records claim more text than the \(dataSize)-byte data ring (overlapping blocks): stopped at id \(id)"
                        )
                        break
                    }
                }
                records.append(record)
            } catch let error as VmcoreError {
                unreadable += 1
                if firstUnreadable == nil { firstUnreadable = error }
                continue
            }
        }
        if let firstUnreadable {
            problems.append(
                "\(unreadable) records skipped as unreadable, the first because \(firstUnreadable)")
        }
        return KernelLogExtract(layout: .ringBuffer, records: records, problems: problems)
    }
}
