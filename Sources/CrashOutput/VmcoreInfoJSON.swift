import KernelDump
import KernelLog

/// `vmcore info --format json`: the summary with snake_case keys, sorted, and the crash record
/// found in the dump's log written by `RecordJSON` (the record schema).
///
/// Schema 3: CPUs name their registers for every machine (`pc`, `sp`, `lr`, `pc_symbol`,
/// `lr_symbol`; schema 2 had x86's `rip`, `rsp`, `rip_symbol`), and `machine_source` says where
/// `machine` came from. Schema 2: schema 1 (no `schema` key) had camelCase keys (`buildID`, `panicMessage`) and only
/// kind, title and guilty frame of the crash record.
public enum VmcoreInfoJSON {
    public static let schemaVersion = 3

    /// The indented document, with a final line end.
    public static func render(_ summary: VmcoreSummary, crashRecord: CrashRecord?) -> String {
        var object = SortedJSONObject()
        object.string("build_id", summary.buildID)
        object.strings("compression", summary.compression)
        object.int("cpu_count", summary.cpuCount)
        object.raw("cpus", "[" + summary.cpus.map(cpu).joined(separator: ",") + "]")
        if let crashRecord { object.raw("crash_record", RecordJSON.encode(crashRecord)) }
        object.int64("crash_time", summary.crashTime)
        object.string("crash_time_source", summary.crashTimeSource)
        object.int("crashing_cpu", summary.crashingCPU)
        object.string("crashing_cpu_reason", summary.crashingCPUReason)
        object.int("dump_level", summary.dumpLevel)
        object.int("elf_load_segments", summary.elfLoadSegments)
        object.string("format", summary.format)
        object.bool("incomplete", summary.incomplete)
        object.int("kdump_header_version", summary.kdumpHeaderVersion)
        object.string("kernel_offset", summary.kernelOffset)
        object.string("log_layout", summary.logLayout)
        object.strings("log_problems", summary.logProblems)
        object.int("log_records", summary.logRecords)
        object.string("machine", summary.machine)
        object.string("machine_source", summary.machineSource)
        object.strings("missing", summary.missing)
        object.string("nodename", summary.nodename)
        object.strings("notes", summary.notes)
        if let pages = summary.pageCompression {
            var counts = SortedJSONObject()
            for (codec, count) in pages { counts.int(codec, count) }
            object.raw("page_compression", counts.finish())
        }
        object.int("page_size", summary.pageSize)
        object.int("paging_levels", summary.pagingLevels)
        object.string("panic_message", summary.panicMessage)
        object.string("path", summary.path)
        object.string("phys_base", summary.physBase)
        object.string("phys_base_source", summary.physBaseSource)
        object.bool("prstatus_pids_are_tasks", summary.prstatusPIDsAreTasks)
        object.string("release", summary.release)
        object.int("schema", schemaVersion)
        object.string("version", summary.version)
        object.raw("vmcoreinfo", "[" + summary.vmcoreinfo.map(entry).joined(separator: ",") + "]")
        if let facts = summary.facts { VmcoreFactsJSON.add(facts, to: &object) }
        return JSONPretty.format(object.finish()) + "\n"
    }

    static func cpu(_ cpu: VmcoreSummary.CPU) -> String {
        var object = SortedJSONObject()
        object.int("cpu", cpu.cpu)
        object.bool("crashed", cpu.crashed)
        object.int("log_pid", cpu.logPID)
        object.int("pid", Int(cpu.pid))
        object.raw("registers", "[" + cpu.registers.map(register).joined(separator: ",") + "]")
        object.string("lr", cpu.lr)
        object.string("lr_symbol", cpu.lrSymbol)
        object.string("pc", cpu.pc)
        object.string("pc_symbol", cpu.pcSymbol)
        object.string("sp", cpu.sp)
        return object.finish()
    }

    static func register(_ register: VmcoreSummary.Register) -> String {
        var object = SortedJSONObject()
        object.string("name", register.name)
        object.string("value", register.value)
        return object.finish()
    }

    static func entry(_ entry: VmcoreSummary.Entry) -> String {
        var object = SortedJSONObject()
        object.string("key", entry.key)
        object.string("value", entry.value)
        return object.finish()
    }
}
