/// printk buffers of the three layouts, written into a `SyntheticKernel`.
extension SyntheticKernel {
    /// One record to write.
    public struct LogEntry: Sendable {
        public var nanoseconds: UInt64
        public var text: String
        public var caller: UInt32
        /// Lockless ring: write as a data-less record (`FAILED_LPOS`) instead of text.
        public var dataless: Bool
        /// Lockless ring: leave the descriptor in the reserved state (not committed).
        public var reserved: Bool

        public init(
            _ nanoseconds: UInt64, _ text: String, caller: UInt32 = 1, dataless: Bool = false,
            reserved: Bool = false
        ) {
            self.nanoseconds = nanoseconds
            self.text = text
            self.caller = caller
            self.dataless = dataless
            self.reserved = reserved
        }
    }

    /// Writes a 5.10+ lockless `printk_ringbuffer` (6.1 layout) with the ring in the direct map.
    ///
    /// - Parameters:
    ///   - firstID: id of the first record (ids are masked to 62 bits; pass a value near the mask
    ///     to test id wrap-around).
    ///   - firstLpos: logical position of the first data block (choose one near a multiple of the
    ///     ring size to make a block wrap to offset 0).
    public func addPrintkRingBuffer(
        _ entries: [LogEntry], countBits: Int = 5, sizeBits: Int = 10, firstID: UInt64 = 0,
        firstLpos: UInt64 = 0
    ) {
        let count = 1 << countBits
        let size = UInt64(1) << sizeBits
        let w = UInt64(wordSize)
        precondition(entries.count <= count)
        // 6.1 layouts: x86-64 as in the real dumps' VMCOREINFO; i386 with 4-byte longs/pointers.
        let descRingSize: UInt64 = w == 8 ? 48 : 24
        let ringSize = descRingSize + 4 * w + w
        let descSize = 3 * w
        let ring = allocate(bytes: Int(ringSize))
        let descs = allocate(bytes: count * Int(descSize))
        let infos = allocate(bytes: count * 88)
        let data = allocate(bytes: Int(size))
        let pointer = allocate(bytes: 8)
        let idMask: UInt64 = w == 8 ? ~(UInt64(3) << 62) : (UInt64(1) << 30) - 1
        let stateShift: UInt64 = w * 8 - 2
        var id = firstID & idMask
        var lpos = firstLpos
        var lastID = id
        for (sequence, entry) in entries.enumerated() {
            let slot = id % UInt64(count)
            let desc = descs + slot * descSize
            let info = infos + slot * 88
            let state: UInt64 = entry.reserved ? 0 : 2  // finalized
            writePointer((state << stateShift) | id, at: desc)
            let text = Array(entry.text.utf8)
            if entry.dataless {
                writePointer(1, at: desc + w)
                writePointer(1, at: desc + 2 * w)
            } else {
                let blockSize = (w + UInt64(text.count) + w - 1) & ~(w - 1)
                let begin = lpos
                if begin % size + blockSize >= size {
                    // Wrap: the block's data goes to offset 0; begin stays before the wrap.
                    let next = (begin / size + 1) * size + blockSize
                    writePointer(id, at: data)
                    write(text, at: data + w)
                    writePointer(begin, at: desc + w)
                    writePointer(next, at: desc + 2 * w)
                    lpos = next
                } else {
                    writePointer(id, at: data + begin % size)
                    write(text, at: data + begin % size + w)
                    writePointer(begin, at: desc + w)
                    writePointer(begin + blockSize, at: desc + 2 * w)
                    lpos = begin + blockSize
                }
            }
            write(UInt64(sequence), at: info)
            write(entry.nanoseconds, at: info + 8)
            write(UInt16(text.count), at: info + 16)
            write(entry.caller, at: info + 20)
            lastID = id
            id = (id &+ 1) & idMask
        }
        write(UInt32(countBits), at: ring)
        writePointer(directAddress(descs), at: ring + w)
        writePointer(directAddress(infos), at: ring + 2 * w)
        writePointer(lastID, at: ring + 3 * w)
        writePointer(firstID & idMask, at: ring + 4 * w)
        let text = ring + descRingSize
        write(UInt32(sizeBits), at: text)
        writePointer(directAddress(data), at: text + w)
        writePointer(lpos, at: text + 2 * w)
        writePointer(firstLpos, at: text + 3 * w)
        writePointer(directAddress(ring), at: pointer)
        vmcoreinfo += [
            "SYMBOL(prb)=\(String(imageAddress(pointer), radix: 16))",
            "SIZE(printk_ringbuffer)=\(ringSize)", "OFFSET(printk_ringbuffer.desc_ring)=0",
            "OFFSET(printk_ringbuffer.text_data_ring)=\(descRingSize)",
            "OFFSET(printk_ringbuffer.fail)=\(descRingSize + 4 * w)",
            "SIZE(prb_desc_ring)=\(descRingSize)", "OFFSET(prb_desc_ring.count_bits)=0",
            "OFFSET(prb_desc_ring.descs)=\(w)",
            "OFFSET(prb_desc_ring.infos)=\(2 * w)", "OFFSET(prb_desc_ring.head_id)=\(3 * w)",
            "OFFSET(prb_desc_ring.tail_id)=\(4 * w)",
            "SIZE(prb_desc)=\(descSize)", "OFFSET(prb_desc.state_var)=0",
            "OFFSET(prb_desc.text_blk_lpos)=\(w)",
            "SIZE(prb_data_blk_lpos)=\(2 * w)", "OFFSET(prb_data_blk_lpos.begin)=0",
            "OFFSET(prb_data_blk_lpos.next)=\(w)",
            "SIZE(printk_info)=88", "OFFSET(printk_info.seq)=0", "OFFSET(printk_info.ts_nsec)=8",
            "OFFSET(printk_info.text_len)=16", "OFFSET(printk_info.caller_id)=20",
            "OFFSET(printk_info.dev_info)=24",
            "SIZE(prb_data_ring)=\(4 * w)", "OFFSET(prb_data_ring.size_bits)=0",
            "OFFSET(prb_data_ring.data)=\(w)",
            "OFFSET(prb_data_ring.head_lpos)=\(2 * w)", "OFFSET(prb_data_ring.tail_lpos)=\(3 * w)",
            "SIZE(atomic_long_t)=\(w)", "OFFSET(atomic_long_t.counter)=0",
        ]
    }

    /// Writes a 3.5–5.9 `printk_log` buffer: records from `firstIndex`, wrapping with a
    /// `len == 0` marker when the next record does not fit. `withCaller` adds the 5.1+
    /// `caller_id` (20-byte header), `legacyNames` uses the pre-3.11 `log.` VMCOREINFO names.
    public func addStructuredLog(
        _ entries: [LogEntry], bufferSize: Int = 1024, firstIndex: Int = 0, withCaller: Bool = false,
        legacyNames: Bool = false
    ) {
        let header = withCaller ? 20 : 16
        let buffer = allocate(bytes: bufferSize)
        var index = firstIndex
        for entry in entries {
            let text = Array(entry.text.utf8)
            let length = (header + text.count + 3) & ~3
            if index + length + header > bufferSize {
                write(UInt16(0), at: buffer + UInt64(index) + 8)  // end-of-buffer marker (len 0)
                index = 0
            }
            let at = buffer + UInt64(index)
            write(entry.nanoseconds, at: at)
            write(UInt16(length), at: at + 8)
            write(UInt16(text.count), at: at + 10)
            write(UInt16(0), at: at + 12)
            write(UInt8(0), at: at + 14)
            write(UInt8(6 << 5), at: at + 15)
            if withCaller { write(entry.caller, at: at + 16) }
            write(text, at: at + UInt64(header))
            index += length
        }
        let pointer = allocate(bytes: 8)
        let variables = allocate(bytes: 16)
        writePointer(directAddress(buffer), at: pointer)
        write(UInt32(bufferSize), at: variables)
        write(UInt32(firstIndex), at: variables + 4)
        write(UInt32(index), at: variables + 8)
        let name = legacyNames ? "log" : "printk_log"
        vmcoreinfo += [
            "SYMBOL(log_buf)=\(String(imageAddress(pointer), radix: 16))",
            "SYMBOL(log_buf_len)=\(String(imageAddress(variables), radix: 16))",
            "SYMBOL(log_first_idx)=\(String(imageAddress(variables + 4), radix: 16))",
            "SYMBOL(clear_idx)=\(String(imageAddress(variables + 12), radix: 16))",
            "SYMBOL(log_next_idx)=\(String(imageAddress(variables + 8), radix: 16))",
            "SIZE(\(name))=\(header)", "OFFSET(\(name).ts_nsec)=0", "OFFSET(\(name).len)=8",
            "OFFSET(\(name).text_len)=10", "OFFSET(\(name).dict_len)=12",
        ]
        if withCaller { vmcoreinfo.append("OFFSET(\(name).caller_id)=16") }
    }

    /// Writes a pre-3.5 character ring holding `text`, wrapped so that `log_end` exceeds the size.
    public func addCharacterLog(_ text: String, bufferSize: Int = 256) {
        let bytes = Array(text.utf8)
        let buffer = allocate(bytes: bufferSize)
        // Write as the kernel would, byte by byte at log_end & (size - 1), starting past one lap.
        let start = bufferSize + 17
        for (offset, byte) in bytes.enumerated() {
            write([byte], at: buffer + UInt64((start + offset) % bufferSize))
        }
        let end = start + bytes.count
        let pointer = allocate(bytes: 8)
        let variables = allocate(bytes: 16)
        writePointer(directAddress(buffer), at: pointer)
        write(UInt32(bufferSize), at: variables)
        write(UInt32(end), at: variables + 4)
        write(UInt32(min(bytes.count, bufferSize)), at: variables + 8)
        vmcoreinfo += [
            "SYMBOL(log_buf)=\(String(imageAddress(pointer), radix: 16))",
            "SYMBOL(log_buf_len)=\(String(imageAddress(variables), radix: 16))",
            "SYMBOL(log_end)=\(String(imageAddress(variables + 4), radix: 16))",
            "SYMBOL(logged_chars)=\(String(imageAddress(variables + 8), radix: 16))",
        ]
    }
}
