/// The fallback when a kernel's stacks can be unwound neither with ORC nor with frame records
/// (x86-64 built without `CONFIG_UNWINDER_ORC`, machines without an unwinder here): the words of
/// a task's stack that look like return addresses, from its stack pointer to the stack's end,
/// every frame marked unreliable — what the kernel's own `show_trace_log_lvl` prints with `?`.
///
/// A word is taken when it lies in kernel or module text and the instruction before it is a
/// call: x86-64 `call rel32` (`e8`, 5 bytes) or `call r/m` (`ff /2`, 2, 3, 6 or 7 bytes); arm64
/// `bl`, `blr` or the pointer-authenticated `blraa`/`blrab` (4 bytes, PAC bits stripped). On
/// other machines any text address is taken. The stack is `task_struct.stack` up to
/// `THREAD_SIZE`: 16 KiB on x86-64 and arm64 (`THREAD_SIZE_ORDER` 2, arm64 `MIN_THREAD_SHIFT`
/// 14), the page size when pages are larger (arm64 64K pages); KASAN kernels double it and are
/// scanned only in their first half.
final class StackScanner {
    static let maxFrames = 64
    static let minimumThreadSize: UInt64 = 16384

    let reader: KernelObjectReader
    let namer: FrameNamer
    let machine: String?
    let strip: (UInt64) -> UInt64
    let threadSize: UInt64

    init(
        reader: KernelObjectReader, namer: FrameNamer, machine: String?, pageSize: Int,
        strip: @escaping (UInt64) -> UInt64
    ) {
        self.reader = reader
        self.namer = namer
        self.machine = machine
        self.strip = strip
        threadSize = max(Self.minimumThreadSize, UInt64(max(0, pageSize)))
    }

    /// Scans `task`'s stack from `stackPointer` (or, when it is unknown or outside the stack,
    /// from the stack's base).
    func scan(task: UInt64, stackPointer: UInt64?) throws -> (frames: [DumpFrame], problem: String?) {
        let base = try reader.unsigned(task, "task_struct", "stack")
        let (end, overflow) = base.addingReportingOverflow(threadSize)
        guard base != 0, !overflow else {
            return ([], "task_struct.stack 0x\(String(base, radix: 16)) is no kernel stack")
        }
        var position = base
        if let stackPointer, stackPointer >= base, stackPointer < end { position = stackPointer & ~7 }
        let (bytes, firstError, _) = try reader.memory.readLenient(
            position, count: Int(end - position), what: "kernel stack")
        var frames: [DumpFrame] = []
        var offset = 0
        while offset + 8 <= bytes.count, frames.count < Self.maxFrames {
            let word = strip(KernelMemory.decode(bytes[offset..<(offset + 8)]))
            let address = position &+ UInt64(offset)
            offset += 8
            guard word & (1 << 63) != 0, namer.symbol(word &- 1).symbol != nil, followsCall(word) else { continue }
            var frame = namer.frame(word, stack: address, exception: false, returnAddress: true)
            frame.reliable = false
            frames.append(frame)
        }
        return (frames, firstError.map { "part of the stack is missing: \($0)" })
    }

    /// Whether the instruction before `returnAddress` is a call (see the type's notes).
    func followsCall(_ returnAddress: UInt64) -> Bool {
        guard returnAddress >= 8,
            let code = try? reader.memory.read(returnAddress &- 8, count: 8, what: "kernel text")
        else { return false }
        switch machine {
        case PrstatusLayout.x86_64.machine:
            if code[3] == 0xe8 { return true }
            // `ff /2` with 0, 1 or 4 bytes of displacement, with or without a SIB byte.
            return [6, 5, 2, 1].contains { start in code[start] == 0xff && (code[start + 1] >> 3) & 7 == 2 }
        case PrstatusLayout.aarch64.machine:
            let instruction = UInt32(KernelMemory.decode(code[4..<8]))
            return instruction & 0xfc00_0000 == 0x9400_0000  // bl
                || instruction & 0xffff_fc1f == 0xd63f_0000  // blr
                || instruction & 0xfeff_f800 == 0xd63f_0800  // blraa, blraaz, blrab, blrabz
        default:
            return true
        }
    }
}
