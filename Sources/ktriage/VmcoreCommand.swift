import ArgumentParser
import KernelDump

struct VmcoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmcore",
        abstract: "Read metadata, registers and the kernel log from a vmcore, without vmlinux.",
        subcommands: [VmcoreInfoCommand.self, VmcoreDmesgCommand.self])
}

struct VmcoreDmesgCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dmesg", abstract: "Print the kernel log.")
    @Argument(help: "The dump.") var vmcore: String
    @Flag var callerId = false
    @Flag var wallClock = false
    func run() throws {
        let dump = try Vmcore(path: vmcore)
        let log = try dump.kernelLog()
        print(DmesgFormatter(showCallerID: callerId).format(log.records), terminator: "")
    }
}

struct VmcoreInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Print metadata.")
    @Argument(help: "The dump.") var vmcore: String
    func run() throws {
        let dump = try Vmcore(path: vmcore)
        print(dump.format, dump.vmcoreinfo?.osRelease ?? "-", dump.cpus.map { "\($0.cpu) pid \($0.pid) rip \(String($0.instructionPointer ?? 0, radix: 16))" })
        print(try dump.memoryUtsname() ?? [])
        print(dump.missing, dump.headerCurrentCPU as Any, dump.headerCPUCount as Any)
    }
}
