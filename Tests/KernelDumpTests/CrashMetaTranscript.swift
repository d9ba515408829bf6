import Foundation

/// What crash 8.0.2 with the debug vmlinux printed for `sys`, `sys -t`, `mod`, `ps`,
/// `foreach bt`, `p saved_command_line`, `p jiffies` (`peers/crash-vmlinux-meta.<dump>.out`).
struct CrashMetaTranscript {
    struct Module: Equatable {
        var name: String
        var base: UInt64
        var size: UInt64
    }

    struct Task: Equatable {
        var pid: Int32
        var ppid: Int32
        var cpu: Int
        var task: UInt64
        var state: String
        var comm: String
        var active: Bool
    }

    var uptime: Int?
    var loadAverage: [Double] = []
    var taskCount: Int?
    var nodename: String?
    var memoryMB: Double?
    var panic: String?
    var taintMask: UInt64?
    var taintLetters: String?
    var modules: [Module] = []
    var tasks: [Task] = []
    var commandLine: String?
    var jiffies: UInt64?

    init(text: String) {
        var section = ""
        for line in text.split(separator: "\n").map(String.init) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            func value(_ key: String) -> String? {
                trimmed.hasPrefix(key + ": ") ? String(trimmed.dropFirst(key.count + 2)) : nil
            }
            if let text = value("UPTIME") {
                let parts = text.split(separator: ":").compactMap { Int($0) }
                if parts.count == 3 { uptime = parts[0] * 3600 + parts[1] * 60 + parts[2] }
            }
            if let text = value("LOAD AVERAGE") {
                loadAverage = text.split(separator: ",").compactMap {
                    Double($0.trimmingCharacters(in: .whitespaces))
                }
            }
            if let text = value("TASKS") { taskCount = Int(text) }
            if let text = value("NODENAME") { nodename = text }
            if let text = value("MEMORY"), text.hasSuffix(" MB") { memoryMB = Double(text.dropLast(3)) }
            if let text = value("PANIC") { panic = text.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            if let text = value("TAINTED_MASK") {
                let parts = text.split(separator: " ")
                taintMask = parts.first.flatMap { UInt64($0, radix: 16) }
                taintLetters = parts.count > 1 ? String(parts[1]) : ""
            }
            if trimmed.hasPrefix("MODULE ") { section = "mod"; continue }
            if trimmed.hasPrefix("PID ") { section = "ps"; continue }
            if line.hasPrefix("PID: ") { section = "" }
            if line.hasPrefix("saved_command_line = "), let open = line.firstIndex(of: "\"") {
                commandLine = String(line[line.index(after: open)...].dropLast())
            }
            if line.hasPrefix("jiffies = "), let last = line.split(separator: " ").last { jiffies = UInt64(last) }
            let fields = trimmed.split(separator: " ").map(String.init)
            if section == "mod", fields.count >= 4, let base = UInt64(fields[2], radix: 16),
                let size = UInt64(fields[3])
            {
                modules.append(Module(name: fields[1], base: base, size: size))
            }
            if section == "ps" {
                let active = fields.first == ">"
                let columns = active ? Array(fields.dropFirst()) : fields
                if columns.count >= 9, let pid = Int32(columns[0]), let ppid = Int32(columns[1]),
                    let cpu = Int(columns[2]), let task = UInt64(columns[3], radix: 16)
                {
                    var comm = columns[8...].joined(separator: " ")
                    if comm.hasPrefix("["), comm.hasSuffix("]") { comm = String(comm.dropFirst().dropLast()) }
                    tasks.append(
                        Task(pid: pid, ppid: ppid, cpu: cpu, task: task, state: columns[4], comm: comm, active: active))
                }
            }
        }
    }
}
