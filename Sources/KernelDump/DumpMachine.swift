import KernelFacts

/// The dumped machine and where the dump says so.
///
/// Sources, first that answers: the ELF header's `e_machine`; the kdump header's utsname
/// `machine` (QEMU 7.2 writes `Unknown` there); VMCOREINFO keys only one architecture's
/// `arch_crash_save_vmcoreinfo` writes; the `NT_PRSTATUS` descriptor size. When none answers
/// the machine is unknown and notes are decoded as x86-64 (the containers' historical default).
public struct DumpMachine: Sendable, Equatable {
    /// `uname -m` spelling (`x86_64`, `aarch64`, …), `nil` when nothing says.
    public var name: String?
    /// How `name` was decided, in words.
    public var source: String
    /// The `NT_PRSTATUS` layout used.
    public var layout: PrstatusLayout

    /// VMCOREINFO keys written by one architecture only: arm64 `arch_crash_save_vmcoreinfo`
    /// (`NUMBER(kimage_voffset)`, 4.12+; `NUMBER(TCR_EL1_T1SZ)`, 5.9+), x86-64
    /// (`SYMBOL(init_top_pgt)`, 4.13+; `init_level4_pgt` before).
    static let vmcoreinfoKeys: [(key: String, machine: PrstatusLayout)] = [
        ("NUMBER(kimage_voffset)", .aarch64), ("NUMBER(TCR_EL1_T1SZ)", .aarch64),
        ("SYMBOL(init_top_pgt)", .x86_64), ("SYMBOL(init_level4_pgt)", .x86_64),
    ]

    /// Decides the machine of a dump.
    /// - Parameters:
    ///   - elfMachine: `e_machine` of an ELF dump, and whether it is ELF64.
    ///   - headerMachine: the kdump header's utsname machine.
    ///   - prstatusSize: the first `NT_PRSTATUS` descriptor's size.
    static func decide(
        elfMachine: (machine: UInt16, is64Bit: Bool)?, headerMachine: String?, vmcoreinfo: VMCoreInfo?,
        prstatusSize: Int?
    ) -> DumpMachine {
        if let elfMachine {
            // EM_X86_64 cores written as ELF32 (and EM_386 ones) carry the i386 layout.
            let layout =
                elfMachine.machine == PrstatusLayout.x86_64.elfMachine && !elfMachine.is64Bit
                ? .i386 : PrstatusLayout.forELFMachine(elfMachine.machine)
            if let layout {
                return DumpMachine(
                    name: layout.machine, source: "ELF header e_machine \(elfMachine.machine)", layout: layout)
            }
        }
        if let headerMachine, let layout = PrstatusLayout.forMachineName(headerMachine) {
            return DumpMachine(name: headerMachine, source: "kdump header utsname machine", layout: layout)
        }
        let said = headerMachine.map { $0.isEmpty ? "kdump header machine empty" : "kdump header machine '\($0)'" }
        if let vmcoreinfo, let found = vmcoreinfoKeys.first(where: { vmcoreinfo[$0.key] != nil }) {
            return DumpMachine(
                name: found.machine.machine,
                source: [said, "VMCOREINFO has \(found.key)"].compactMap { $0 }.joined(separator: "; "),
                layout: found.machine)
        }
        if let prstatusSize,
            let layout = [PrstatusLayout.x86_64, .aarch64].first(where: { $0.noteSize == prstatusSize })
        {
            return DumpMachine(
                name: layout.machine,
                source: [said, "NT_PRSTATUS is \(prstatusSize) bytes"].compactMap { $0 }.joined(separator: "; "),
                layout: layout)
        }
        return DumpMachine(
            name: nil, source: (said ?? "nothing names it") + "; registers decoded as x86-64", layout: .x86_64)
    }
}
