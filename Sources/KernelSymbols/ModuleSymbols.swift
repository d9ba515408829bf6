/// One kernel module: its symbols (from kallsyms or its `.ko`), its load address and size (from a
/// /proc/modules snapshot or `--module name=addr`), or both.
struct ModuleSymbols: Sendable {
    var name: String
    /// Load address of the module's core (the /proc/modules address).
    var base: UInt64?
    /// Core size from /proc/modules.
    var size: UInt64?
    var columns: SymbolColumns?
    /// `true` when `columns` holds offsets from `base` (a `.ko` laid out by us); `false` when
    /// it holds run-time addresses (kallsyms).
    var relative: Bool = false

    /// The run-time range this module is known to cover.
    var range: ClosedRange<UInt64>? {
        if let base, let size, size > 0 { return ModuleSymbols.range(base, size - 1) }
        guard let columns, let first = columns.addresses.first, let last = columns.addresses.last else {
            return nil
        }
        let offset = relative ? (base ?? 0) : 0
        guard !relative || base != nil else { return nil }
        let lastSpan = columns.sizes[columns.count - 1]
        let (start, wrapped) = first.addingReportingOverflow(offset)
        guard !wrapped else { return nil }
        return ModuleSymbols.range(start, (last - first) &+ (lastSpan > 0 ? lastSpan - 1 : 0))
    }

    /// `start...start+extra`, cut at the top of the address space instead of wrapping (input
    /// such as a /proc/modules line can put a module there).
    static func range(_ start: UInt64, _ extra: UInt64) -> ClosedRange<UInt64> {
        let (end, wrapped) = start.addingReportingOverflow(extra)
        return start...(wrapped ? UInt64.max : end)
    }

    func mayContain(_ address: UInt64) -> Bool { range?.contains(address) ?? false }

    /// The module symbol at `address`, `nil` when the module has no symbols there.
    func lookup(_ address: UInt64) -> SymbolMatch? {
        guard let columns else { return nil }
        let shift = relative ? (base ?? 0) : 0
        let key = address &- shift
        guard let index = columns.floorIndex(key) else { return nil }
        let symbolStart = columns.addresses[index]
        let offset = key - symbolStart
        var span = columns.sizes[index]
        if span == 0, let range {
            // The highest symbol runs to the end of the module, as the kernel computes it.
            span = range.upperBound &- (symbolStart &+ shift) &+ 1
        }
        guard offset < span || offset == 0 else { return nil }
        return SymbolMatch(
            nameBytes: columns.nameSlice(at: index), symbolAddress: symbolStart &+ shift, offset: offset,
            size: span,
            elfSize: nil, module: name, type: columns.types[index], nameIsShared: columns.sharedName[index])
    }

    /// Every symbol with this name, at run-time addresses.
    func symbols(named symbolName: String) -> [SymbolMatch] {
        guard let columns else { return [] }
        let shift = relative ? (base ?? 0) : 0
        if relative, base == nil { return [] }
        return columns.indices(named: symbolName).map { index in
            SymbolMatch(
                name: symbolName, symbolAddress: columns.addresses[index] &+ shift, offset: 0,
                size: columns.sizes[index], module: name,
                type: Character(Unicode.Scalar(columns.types[index])), nameIsShared: columns.sharedName[index]
            )
        }
    }
}
