/// Checks a map against a vmcore's VMCOREINFO text: `OSRELEASE=` must equal the map's release,
/// and every `SYMBOL(name)=address` that names a kernel-image symbol must sit at the map's address
/// plus the KASLR offset. Gives the offset too (`KERNELOFFSET=`, else `SYMBOL(_stext)`).
///
/// Why: a vmcore carries a dozen exact symbol addresses of the build that wrote it, a far
/// stronger test of "same build" than a file name. The vmcore reader extracts the text; this
/// only reads `KEY=value` lines.
///
/// Format notes: some `SYMBOL()` values are pointer *values*, not symbol addresses
/// (`mem_section` with SPARSEMEM_EXTREME, `node_data` on some configurations); values outside the
/// kernel image are skipped for that reason.
public struct VmcoreinfoCheck: Sendable, Equatable {
    /// The offset VMCOREINFO gives (or implies through `_stext`).
    public var offset: KASLROffset?
    /// `OSRELEASE=`.
    public var release: String?
    /// Symbols whose address agreed with the map.
    public var confirmedSymbols: Int
    /// One line per disagreement; empty when the map fits.
    public var mismatches: [String]

    /// The map belongs to the build that wrote the vmcore, as far as VMCOREINFO can tell.
    public var isConsistent: Bool { mismatches.isEmpty }
}

extension SymbolTable {
    /// Compares this map with VMCOREINFO `text` (as in a vmcore's note or
    /// `/sys/kernel/vmcoreinfo`'s target).
    public func check(vmcoreinfo text: String) -> VmcoreinfoCheck {
        var release: String?
        var kernelOffset: UInt64?
        var symbols: [(String, UInt64)] = []
        for line in text.split(whereSeparator: \.isNewline) {
            if line.hasPrefix("OSRELEASE=") {
                release = String(line.dropFirst("OSRELEASE=".count))
            } else if line.hasPrefix("KERNELOFFSET=") {
                kernelOffset = KASLROffset.parseHex(String(line.dropFirst("KERNELOFFSET=".count)))
            } else if line.hasPrefix("SYMBOL("), let close = line.firstIndex(of: ")"),
                line[line.index(after: close)...].hasPrefix("=")
            {
                let name = String(line[line.index(line.startIndex, offsetBy: 7)..<close])
                let value = line[line.index(close, offsetBy: 2)...]
                if let address = KASLROffset.parseHex(String(value)) { symbols.append((name, address)) }
            }
        }
        var mismatches: [String] = []
        if let release, let mapRelease = self.release, release != mapRelease {
            mismatches.append(
                "VMCOREINFO OSRELEASE is \(release), the map is for \(mapRelease) (\(releaseEvidence ?? "map"))"
            )
        }
        var offset = kernelOffset.map { KASLROffset(value: $0, evidence: [.vmcoreinfo]) }
        if offset == nil, let stext = symbols.first(where: { $0.0 == "_stext" }),
            let linked = linkAddress(of: "_stext")
        {
            offset = KASLROffset(value: stext.1 &- linked, evidence: [.vmcoreinfo])
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
        return VmcoreinfoCheck(
            offset: offset, release: release, confirmedSymbols: confirmed, mismatches: mismatches)
    }

    private func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
}
