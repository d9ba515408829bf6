import KernelFacts

/// Reading a record back (`group --from-ndjson`, the store): every key as the synthesized decoder
/// would, except `class`, which records of schema 1 do not have. They were all read as crashes.
extension CrashRecord {
    public init(from decoder: Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        schema = try values.decode(Int.self, forKey: .schema)
        file = try values.decodeIfPresent(String.self, forKey: .file)
        line = try values.decode(Int.self, forKey: .line)
        endLine = try values.decode(Int.self, forKey: .endLine)
        source = try values.decode(LogSource.self, forKey: .source)
        host = try values.decodeIfPresent(String.self, forKey: .host)
        boot = try values.decodeIfPresent(String.self, forKey: .boot)
        time = try values.decode(CrashTime.self, forKey: .time)
        kind = try values.decode(CrashKind.self, forKey: .kind)
        title = try values.decode(String.self, forKey: .title)
        altTitles = try values.decode([String].self, forKey: .altTitles)
        signature = try values.decode(String.self, forKey: .signature)
        signatureVersion = try values.decode(Int.self, forKey: .signatureVersion)
        corrupted = try values.decode(Bool.self, forKey: .corrupted)
        corruptedReason = try values.decodeIfPresent(String.self, forKey: .corruptedReason)
        panicked = try values.decode(Bool.self, forKey: .panicked)
        linkedTo = try values.decodeIfPresent(Int.self, forKey: .linkedTo)
        kernel = try values.decodeIfPresent(KernelInfo.self, forKey: .kernel)
        taint = try values.decodeIfPresent(Taint.self, forKey: .taint)
        cpu = try values.decodeIfPresent(Int.self, forKey: .cpu)
        pid = try values.decodeIfPresent(Int.self, forKey: .pid)
        comm = try values.decodeIfPresent(String.self, forKey: .comm)
        hardware = try values.decodeIfPresent(String.self, forKey: .hardware)
        bios = try values.decodeIfPresent(String.self, forKey: .bios)
        workqueue = try values.decodeIfPresent(String.self, forKey: .workqueue)
        guilty = try values.decodeIfPresent(GuiltyFrame.self, forKey: .guilty)
        rip = try values.decodeIfPresent(Frame.self, forKey: .rip)
        frames = try values.decode([Frame].self, forKey: .frames)
        modules = try values.decode([LoadedModule].self, forKey: .modules)
        lastUnloaded = try values.decodeIfPresent(String.self, forKey: .lastUnloaded)
        registers = try values.decode([String: String].self, forKey: .registers)
        code = try values.decodeIfPresent(String.self, forKey: .code)
        message = try values.decode(String.self, forKey: .message)
        text = try values.decode([String].self, forKey: .text)
        registerOrder = try values.decodeIfPresent([String].self, forKey: .registerOrder)
        taskState = try values.decodeIfPresent(String.self, forKey: .taskState)
        reporter = try values.decodeIfPresent(ReportingTask.self, forKey: .reporter)
        recordClass = try values.decodeIfPresent(RecordClass.self, forKey: .recordClass) ?? .crash
    }
}
