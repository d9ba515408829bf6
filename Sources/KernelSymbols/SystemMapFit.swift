import KernelFacts

/// Whether a map fits a vmcore, judged from the dump's VMCOREINFO: `OSRELEASE` must equal the
/// map's release, and every `SYMBOL(name)=address` that names a kernel-image symbol must sit at
/// the map's address plus the KASLR offset. Gives the offset too (`KERNELOFFSET`, else
/// `SYMBOL(_stext)`).
///
/// Why: a vmcore carries a dozen exact symbol addresses of the build that wrote it, a far
/// stronger test of "same build" than a file name.
///
/// Format notes: some `SYMBOL()` values are pointer *values*, not symbol addresses
/// (`mem_section` with SPARSEMEM_EXTREME, `node_data` on some configurations); values outside the
/// kernel image are skipped for that reason.
public struct SystemMapFit: Sendable, Equatable {
    /// The offset VMCOREINFO gives (or implies through `_stext`).
    public var offset: KASLROffset?
    /// `OSRELEASE`.
    public var release: String?
    /// Symbols whose address agreed with the map.
    public var confirmedSymbols: Int
    /// One line per disagreement; empty when nothing disagrees.
    public var mismatches: [String]
    /// The dump's release (VMCOREINFO or the dump header) equals the map's own.
    public var releaseAgrees: Bool

    /// Nothing in VMCOREINFO disagrees with the map.
    public var isConsistent: Bool { mismatches.isEmpty }

    /// Names from the map may be printed for the dump: nothing disagrees, and either two symbols
    /// or the release agree. `_stext` alone proves nothing: it sits at the same link address in
    /// every x86-64 build.
    public var fits: Bool { isConsistent && (confirmedSymbols >= 2 || releaseAgrees) }

    /// Why the map does not fit, for the user; `nil` when it fits.
    public var rejection: String? {
        guard !fits else { return nil }
        return mismatches.first ?? "no VMCOREINFO symbol could be confirmed in the map"
    }
}

extension SymbolTable {
    /// Compares this map with a dump's VMCOREINFO (`nil` when the dump has none).
    /// - Parameter dumpRelease: the release the dump names elsewhere (its summary), if any.
    public func fit(vmcoreinfo: VMCoreInfo?, dumpRelease: String? = nil) -> SystemMapFit {
        let release = vmcoreinfo?.osRelease
        let symbols = vmcoreinfo?.symbols ?? []
        var mismatches: [String] = []
        if let release, let mapRelease = self.release, release != mapRelease {
            mismatches.append(
                "VMCOREINFO OSRELEASE is \(release), the map is for \(mapRelease) (\(releaseEvidence ?? "map"))"
            )
        }
        var offset = vmcoreinfo?.kernelOffset.map { KASLROffset(value: $0, evidence: [.vmcoreinfo]) }
        if offset == nil, let stext = symbols.first(where: { $0.name == "_stext" }),
            let linked = linkAddress(of: "_stext")
        {
            offset = KASLROffset(value: stext.address &- linked, evidence: [.vmcoreinfo])
        }
        var confirmed = 0
        if let value = offset?.value {
            for (name, address) in symbols {
                guard let linked = linkAddress(of: name), linked >= imageStart, linked <= imageEnd else {
                    continue
                }
                let linkedFromDump = address &- value
                // A value outside the image is a pointer's value, not the symbol's address.
                guard linkedFromDump >= imageStart, linkedFromDump <= imageEnd else { continue }
                if linkedFromDump == linked {
                    confirmed += 1
                } else {
                    mismatches.append(
                        "VMCOREINFO SYMBOL(\(name)) is \(hex(address)), the map puts it at \(hex(linked &+ value))"
                    )
                }
            }
        }
        return SystemMapFit(
            offset: offset, release: release, confirmedSymbols: confirmed, mismatches: mismatches,
            releaseAgrees: self.release != nil && self.release == dumpRelease)
    }

    private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
