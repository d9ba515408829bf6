/// Kernel and module symbols for one kernel build: address → `function+off/size [module]` and
/// back, with the KASLR offset applied to kernel-image addresses.
///
/// Load one with `SymbolTable.load(systemMap:)`, `load(kallsyms:)` or `load(elf:)`, add module
/// load addresses with `addModules(procModules:)` / `setModuleBase(_:at:)`, set
/// `kernelOffset`, then call `lookup(_:)` and `address(of:offset:size:module:)`.
/// A value type: copies share their (immutable) columns.
public struct SymbolTable: Sendable {
    /// Where kernel-image symbols came from; kallsyms addresses are already relocated.
    public enum Source: String, Sendable {
        case systemMap = "System.map"
        case kallsyms
        case elf = "ELF symbol table"
    }

    var kernel: SymbolColumns
    var kernelElfSizes: [UInt64]?
    /// First and last link-time address of the kernel image that lookups accept.
    var imageStart: UInt64
    var imageEnd: UInt64
    /// `A` (absolute) symbols: names with values, never matched by address.
    var absolute: [String: UInt64]
    var modules: [ModuleSymbols]

    /// The path the table was loaded from.
    public let path: String
    public let source: Source
    /// Run-time minus link-time address of the kernel image (KASLR). Module symbols are not
    /// shifted: their addresses come from a running system or a module base.
    public var kernelOffset: UInt64 = 0
    /// The kernel release this map belongs to, when known (ELF `linux_banner`, or the file name
    /// `System.map-<release>`), and how it was learned.
    public internal(set) var release: String?
    public internal(set) var releaseEvidence: String?
    /// The whole `linux_banner` text (`Linux version 6.1.0-56-amd64 (…) #1 SMP … (2026-11-16)`),
    /// when read from an ELF image: it also tells rebuilds of one release apart.
    public internal(set) var banner: String?
    /// Things worth telling the user that did not stop loading (sorted input, duplicates).
    public internal(set) var notes: [String] = []

    init(
        path: String, source: Source, kernel: SymbolColumns, kernelElfSizes: [UInt64]?,
        absolute: [String: UInt64], modules: [ModuleSymbols]
    ) {
        self.path = path
        self.source = source
        self.kernel = kernel
        self.kernelElfSizes = kernelElfSizes
        self.absolute = absolute
        self.modules = modules
        (imageStart, imageEnd) = SymbolTable.imageBounds(kernel, elfSizes: kernelElfSizes)
        self.kernel.buildBuckets(start: imageStart, end: imageEnd)
    }

    /// Number of kernel-image symbols (aliases included, absolute symbols excluded).
    public var kernelSymbolCount: Int { kernel.count }
    /// Module symbols known.
    public var moduleSymbolCount: Int { modules.reduce(0) { $0 + ($1.columns?.count ?? 0) } }
    /// Names of the modules known (with symbols, a load address, or both).
    public var moduleNames: [String] { modules.map(\.name) }

    /// Link-time address of a kernel symbol by exact name (the first when several share it).
    public func linkAddress(of name: String) -> UInt64? {
        if let index = kernel.indices(named: name).first { return kernel.addresses[index] }
        return absolute[name]
    }

    /// The kernel image lookups accept: from `_text`/`_stext` (or the first kernel-half symbol)
    /// to the last symbol's end. Per-cpu symbols (linked at 0) and absolute values lie outside
    /// it, so user-space addresses are never named after them.
    static func imageBounds(_ columns: SymbolColumns, elfSizes: [UInt64]?) -> (UInt64, UInt64) {
        guard let last = columns.addresses.last else { return (1, 0) }
        var start: UInt64?
        for name in ["_text", "_stext"] {
            if let index = columns.indices(named: name).first {
                start = columns.addresses[index]
                break
            }
        }
        if start == nil {
            let firstHigh = columns.addresses.first { $0 >= 0x8000_0000_0000_0000 }
            start = firstHigh ?? columns.addresses.first
        }
        let lastIndex = columns.count - 1
        var end = last
        if let elfSizes, elfSizes[lastIndex] > 0 { end = last &+ (elfSizes[lastIndex] - 1) }
        return (start ?? last, end)
    }

    /// The symbol containing `address` (a run-time address), or `nil` when the address is
    /// outside the kernel image and every known module, or past the end of the symbol it follows.
    public func lookup(_ address: UInt64) -> SymbolMatch? {
        for module in modules where module.mayContain(address) {
            return module.lookup(address)
        }
        let linked = address &- kernelOffset
        guard linked >= imageStart, linked <= imageEnd, let index = kernel.floorIndex(linked) else {
            return nil
        }
        let symbolStart = kernel.addresses[index]
        let offset = linked - symbolStart
        let span = kernel.sizes[index]
        var elfSize: UInt64?
        if let sizes = kernelElfSizes, sizes[index] != 0 { elfSize = sizes[index] }
        if span == 0 {
            guard offset == 0 || offset < (elfSize ?? 0) else { return nil }
        } else if offset >= span {
            return nil
        }
        return SymbolMatch(
            nameBytes: kernel.nameSlice(at: index), symbolAddress: symbolStart &+ kernelOffset,
            offset: offset,
            size: span, elfSize: elfSize, module: nil, type: kernel.types[index],
            nameIsShared: kernel.sharedName[index])
    }

    /// Just the position of the containing kernel symbol, for callers that count or group
    /// addresses in bulk and do not need the name as a `String` (no allocation).
    public func kernelSymbolIndex(containing address: UInt64) -> Int? {
        let linked = address &- kernelOffset
        guard linked >= imageStart, linked <= imageEnd, let index = kernel.floorIndex(linked) else {
            return nil
        }
        let span = kernel.sizes[index]
        let offset = linked &- kernel.addresses[index]
        return span == 0 ? (offset == 0 ? index : nil) : (offset < span ? index : nil)
    }

    /// The name of the kernel symbol at `index` (from `kernelSymbolIndex(containing:)`).
    public func kernelSymbolName(at index: Int) -> String? {
        guard index >= 0, index < kernel.count else { return nil }
        return kernel.name(at: index)
    }

    /// Run-time address of `name+offset`, checked against the size the log printed.
    /// - Parameters:
    ///   - size: the size printed after `/`; with it, one of several same-named symbols can be
    ///     chosen, and a disagreement reveals a map of another build.
    ///   - module: the `[module]` printed after the frame; `nil` for the kernel image.
    public func address(
        of name: String, offset: UInt64 = 0, size: UInt64? = nil, module: String? = nil
    ) -> NameResolution {
        var candidates: [SymbolMatch] = []
        if let module {
            // Without symbols, or a .ko without a load address, the module cannot say anything.
            guard let loaded = modules.first(where: { $0.name == module }), loaded.columns != nil,
                !loaded.relative || loaded.base != nil
            else { return .unknownModule }
            candidates = loaded.symbols(named: name)
            if candidates.isEmpty { return .unknown }
        } else {
            for index in kernel.indices(named: name) {
                candidates.append(
                    SymbolMatch(
                        name: name, symbolAddress: kernel.addresses[index] &+ kernelOffset, offset: 0,
                        size: kernel.sizes[index],
                        elfSize: kernelElfSizes.flatMap { $0[index] == 0 ? nil : $0[index] },
                        type: Character(Unicode.Scalar(kernel.types[index])),
                        nameIsShared: kernel.sharedName[index]))
            }
            if candidates.isEmpty {
                if let value = absolute[name] {
                    let match = SymbolMatch(
                        name: name, symbolAddress: value, offset: offset, size: 0, type: "A")
                    return .address(value &+ offset, match)
                }
                return .unknown
            }
        }
        var chosen = candidates
        if let size {
            chosen = candidates.filter { $0.size == size || $0.elfSize == size }
            if chosen.isEmpty { return .sizeMismatch(mapSizes: candidates.map(\.size)) }
        }
        guard chosen.count == 1, var match = chosen.first else {
            return .ambiguous(chosen.map(\.symbolAddress))
        }
        // `offset == size` is normal: the return address after a call that never returns.
        let bound = size ?? max(match.elfSize ?? 0, match.size)
        if bound > 0, offset > bound { return .offsetBeyondSymbol(size: bound) }
        match.offset = offset
        return .address(match.symbolAddress &+ offset, match)
    }
}

/// The answer to "where is `name+offset`?": an address, or why there is none.
public enum NameResolution: Sendable, Equatable {
    /// The run-time address and the symbol it was computed from.
    case address(UInt64, SymbolMatch)
    /// No symbol of that name.
    case unknown
    /// The frame names a module the table has no symbols or base for.
    case unknownModule
    /// Several symbols share the name and nothing (size) tells which one: their addresses.
    case ambiguous([UInt64])
    /// The symbol exists but with other sizes: the map belongs to another build.
    case sizeMismatch(mapSizes: [UInt64])
    /// The offset is past the symbol's end.
    case offsetBeyondSymbol(size: UInt64)

    /// The address when resolved.
    public var resolvedAddress: UInt64? {
        if case .address(let value, _) = self { return value }
        return nil
    }
}

extension SymbolTable {
    /// Bytes held by the table's columns, arena and name hash (kernel and modules): what a
    /// loaded map costs in memory, for the benchmark's ≤ 20 MB target.
    public var storageBytes: Int {
        func bytes(_ columns: SymbolColumns) -> Int {
            columns.addresses.capacity * 8 + columns.sizes.capacity * 8 + columns.types.capacity
                + columns.nameStarts.capacity * 4 + columns.nameLengths.capacity * 2 + columns.arena.capacity
                + columns.nameSlots.capacity * 4 + columns.sharedName.capacity + columns.buckets.capacity * 4
        }
        let elfSizes = (kernelElfSizes?.capacity ?? 0) * 8
        return bytes(kernel) + elfSizes + modules.reduce(0) { $0 + ($1.columns.map(bytes) ?? 0) }
    }
}
