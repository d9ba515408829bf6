import KernelDump
import KernelLog

/// What a dump's memory adds to the crash record read from its log: the kernel printed the
/// report, but a report may lack its module list (printed only with some oops kinds), its taint
/// (panics print none) or its trace (a log cut short). Only missing fields are filled, so the
/// record stays what the kernel printed wherever it printed it.
enum DumpRecordEnrichment {
    /// Fills the main record's missing modules, taint and frames from the dump's memory. The
    /// memory is read only when something is missing.
    static func enrich(_ records: inout [CrashRecord], from dump: Vmcore, crashingCPU: Int?) {
        guard let index = records.firstIndex(where: { $0.linkedTo == nil }) else { return }
        var record = records[index]
        guard record.modules.isEmpty || record.taint == nil || record.frames.isEmpty else { return }
        let facts = dump.facts()
        if record.modules.isEmpty, let modules = facts.modules {
            record.modules = modules.map { module in
                LoadedModule(name: module.name, taint: module.taint.isEmpty ? nil : module.taint)
            }
        }
        if record.taint == nil, let taint = facts.taint {
            record.taint = Taint(letters: taint.letters, flags: taint.flags)
        }
        if record.frames.isEmpty, let crashingCPU {
            // Only the task running on the crashing CPU is unwound, not every task.
            let panicking = dump.backtraces(including: { $0.active && $0.cpu == crashingCPU }).traces.first
            record.frames = (panicking?.frames ?? []).compactMap(frame)
        }
        records[index] = record
    }

    /// An unwound frame as a record frame; frames without a name (unknown text) and words found
    /// by scanning the stack (maybe stale) are left out.
    static func frame(_ unwound: DumpFrame) -> Frame? {
        guard let function = unwound.function, unwound.reliable else { return nil }
        return Frame(
            function: function, offset: unwound.offset, module: unwound.module, address: unwound.address,
            context: unwound.exception ? .exception : .task)
    }
}
