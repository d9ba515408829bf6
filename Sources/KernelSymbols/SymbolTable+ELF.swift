import KernelFacts
import KtriageBytes
import KtriageNative

extension SymbolTable {
    /// Loads the symbol table of a `vmlinux` (or any ELF executable), with `st_size` sizes and
    /// the release read from the `linux_banner` string when the image has one.
    /// - Throws: `SymbolFileError` when the file is not ELF, has no symbol table (stripped), or
    ///   is a relocatable `.ko` (use `addModule(elf:base:)` for those).
    public static func load(elf path: String) throws(SymbolFileError) -> SymbolTable {
        let file = try map(path)
        let table = try parse(elf: file.bytes, path: path)
        withExtendedLifetime(file) {}
        return table
    }

    /// Same as `load(elf:)` for bytes already in memory.
    public static func parse(elf bytes: UnsafeRawBufferPointer, path: String) throws(SymbolFileError)
        -> SymbolTable
    {
        let contents = try ELFContents(bytes: bytes, path: path)
        guard contents.image.header.type != 1 else {
            throw SymbolFileError(
                path: path,
                message: "is a relocatable object (.ko/.o); give it with its load address as a module")
        }
        var builder = SymbolColumnsBuilder(expectedCount: contents.symbols.count)
        var absolute: [String: UInt64] = [:]
        for symbol in contents.symbols {
            guard let letter = contents.letter(for: symbol) else { continue }
            if letter == UInt8(ascii: "A") || letter == UInt8(ascii: "a") {
                absolute[symbol.name] = symbol.value
                continue
            }
            builder.append(address: symbol.value, size: symbol.size, type: letter, name: symbol.name)
        }
        guard builder.count > 0 else {
            throw SymbolFileError(path: path, message: "no symbol table (stripped ELF?)")
        }
        let (columns, sizes) = builder.build()
        var table = SymbolTable(
            path: path, source: .elf, kernel: columns, kernelElfSizes: sizes, absolute: absolute, modules: [])
        if let bannerText = contents.string(atSymbol: "linux_banner"), let banner = KernelBanner(bannerText) {
            table.release = banner.release
            table.releaseEvidence = "linux_banner"
            table.banner = banner.text
        } else if let release = releaseFromFileName(path, prefixes: ["vmlinux-", "vmlinuz-"]) {
            table.release = release
            table.releaseEvidence = "file name"
        }
        return table
    }

    /// Adds a module's symbols from its `.ko`, placed at `base` (its /proc/modules address) the
    /// way the kernel lays out a module's core: executable sections, then read-only, then
    /// read-only-after-init, then writable, each group page-aligned; `.init*` sections are left
    /// out (freed after loading).
    /// - Parameter name: the module name; by default `name=` from `.modinfo`, else the file name.
    /// - Returns: the module name used.
    @discardableResult
    public mutating func addModule(elf path: String, base: UInt64?, name: String? = nil)
        throws(SymbolFileError)
        -> String
    {
        let file = try SymbolTable.map(path)
        let result = try addModule(elf: file.bytes, path: path, base: base, name: name)
        withExtendedLifetime(file) {}
        return result
    }

    /// Same as `addModule(elf:base:name:)` for bytes already in memory.
    @discardableResult
    public mutating func addModule(
        elf bytes: UnsafeRawBufferPointer, path: String, base: UInt64?, name: String? = nil
    ) throws(SymbolFileError) -> String {
        let contents = try ELFContents(bytes: bytes, path: path)
        guard contents.image.header.type == 1 else {
            throw SymbolFileError(path: path, message: "not a relocatable module object (.ko)")
        }
        let layout = ModuleLayout(sections: contents.sections)
        var builder = SymbolColumnsBuilder(expectedCount: contents.symbols.count)
        for symbol in contents.symbols {
            guard let letter = contents.letter(for: symbol), letter != UInt8(ascii: "A"),
                letter != UInt8(ascii: "a"),
                let sectionOffset = layout.offsets[Int(symbol.sectionIndex)]
            else { continue }
            builder.append(
                address: sectionOffset &+ symbol.value, size: symbol.size, type: letter, name: symbol.name)
        }
        let moduleName = name ?? contents.modinfoName() ?? ELFContents.moduleName(fromPath: path)
        let (columns, _) = builder.build(spanLimit: layout.textSize)
        var module = ModuleSymbols(name: moduleName, base: base, size: nil, columns: columns, relative: true)
        if let index = modules.firstIndex(where: { $0.name == moduleName }) {
            module.base = base ?? modules[index].base
            module.size = modules[index].size
            modules[index] = module
        } else {
            modules.append(module)
        }
        return moduleName
    }
}

/// An ELF file's sections and symbols read once, with `nm`'s type letters.
struct ELFContents {
    let image: ELFImage
    let sections: [ELFImage.Section]
    let symbols: [ELFImage.Symbol]
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer, path: String) throws(SymbolFileError) {
        self.bytes = bytes
        do {
            image = try ELFImage(bytes: bytes)
            sections = try image.sections()
            symbols = try image.symbols()
        } catch {
            throw SymbolFileError(path: path, message: "not a usable ELF file: \(error)")
        }
    }

    /// The `nm` letter for a symbol, `nil` for the ones no lookup should see (undefined, file and
    /// section symbols, unnamed, local labels, ARM mapping symbols, non-allocated sections).
    func letter(for symbol: ELFImage.Symbol) -> UInt8? {
        guard !symbol.name.isEmpty, symbol.type != 3, symbol.type != 4, !symbol.name.hasPrefix(".L"),
            !symbol.name.hasPrefix("$")
        else { return nil }
        let index = Int(symbol.sectionIndex)
        var letter: UInt8
        if symbol.sectionIndex == 0 {
            return nil
        } else if symbol.sectionIndex == 0xfff1 {
            letter = UInt8(ascii: "A")
        } else if symbol.sectionIndex >= 0xff00 {
            return nil
        } else {
            guard index < sections.count else { return nil }
            let section = sections[index]
            let flags = section.flags
            guard flags & ELFImage.Section.flagAlloc != 0 else { return nil }
            if flags & ELFImage.Section.flagExec != 0 {
                letter = UInt8(ascii: "T")
            } else if section.type == ELFImage.Section.typeNoBits {
                letter = UInt8(ascii: "B")
            } else if flags & ELFImage.Section.flagWrite != 0 {
                letter = UInt8(ascii: "D")
            } else {
                letter = UInt8(ascii: "R")
            }
        }
        if symbol.binding == 2 {
            return letter == UInt8(ascii: "T") ? UInt8(ascii: "W") : UInt8(ascii: "V")
        }
        return symbol.binding == 0 ? letter | 0x20 : letter
    }

    /// The NUL-terminated string a data symbol points at (e.g. `linux_banner`), read from its
    /// section's bytes in the file.
    func string(atSymbol name: String) -> String? {
        guard let symbol = symbols.first(where: { $0.name == name }),
            Int(symbol.sectionIndex) < sections.count
        else { return nil }
        let section = sections[Int(symbol.sectionIndex)]
        guard section.type != ELFImage.Section.typeNoBits, symbol.value >= section.address,
            symbol.value - section.address < section.size
        else { return nil }
        let fileOffset = section.offset &+ (symbol.value - section.address)
        guard fileOffset < UInt64(bytes.count) else { return nil }
        let start = Int(fileOffset)
        let end = min(bytes.count, start + 512)
        let raw = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        return String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// `lkdtm` from `/lib/modules/…/lkdtm.ko` (dashes become underscores, as the kernel does).
    static func moduleName(fromPath path: String) -> String {
        let fileName: Substring = path.split(separator: "/").last ?? Substring(path)
        let stem: Substring = fileName.split(separator: ".").first ?? fileName
        return String(stem.map { $0 == "-" ? "_" : $0 })
    }

    /// `name=` from `.modinfo`.
    func modinfoName() -> String? {
        guard let section = sections.first(where: { $0.name == ".modinfo" }),
            section.offset < UInt64(bytes.count),
            section.size <= UInt64(bytes.count) - section.offset
        else { return nil }
        let raw = UnsafeRawBufferPointer(
            rebasing: bytes[Int(section.offset)..<Int(section.offset + section.size)])
        for entry in raw.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            if text.hasPrefix("name=") { return String(text.dropFirst(5)) }
        }
        return nil
    }
}

/// Where each section of a `.ko` lands relative to the module's base, following the kernel's
/// `layout_sections` (kernel/module/main.c, 6.1): groups by flags, each section aligned to its
/// `sh_addralign`, groups page-aligned (`CONFIG_STRICT_MODULE_RWX`).
struct ModuleLayout {
    var offsets: [Int: UInt64] = [:]
    /// End of the executable group: the kernel's bound for the last function's size.
    var textSize: UInt64 = 0

    init(sections: [ELFImage.Section]) {
        let alloc = ELFImage.Section.flagAlloc
        let write = ELFImage.Section.flagWrite
        let exec = ELFImage.Section.flagExec
        let page: UInt64 = 4096
        func align(_ value: UInt64, _ alignment: UInt64) -> UInt64 {
            let step = max(alignment, 1)
            return (value &+ step &- 1) / step &* step
        }
        func isRoAfterInit(_ section: ELFImage.Section) -> Bool {
            section.name == ".data..ro_after_init" || section.name == "__jump_table"
        }
        // The loader clears SHF_ALLOC on these before layout (per-cpu data is allocated apart).
        func strippedOfAlloc(_ section: ELFImage.Section) -> Bool {
            section.name == ".modinfo" || section.name == "__versions" || section.name == ".data..percpu"
        }
        let groups: [(ELFImage.Section) -> Bool] = [
            { $0.flags & (alloc | exec) == (alloc | exec) },
            { $0.flags & alloc != 0 && $0.flags & write == 0 && !isRoAfterInit($0) },
            { $0.flags & alloc != 0 && isRoAfterInit($0) },
            { $0.flags & (alloc | write) == (alloc | write) },
            { $0.flags & alloc != 0 },
        ]
        var size: UInt64 = 0
        for (group, belongs) in groups.enumerated() {
            for section in sections where section.index != 0 && offsets[section.index] == nil {
                guard belongs(section), !section.name.hasPrefix(".init"), !strippedOfAlloc(section) else {
                    continue
                }
                let start = align(size, section.alignment)
                offsets[section.index] = start
                size = start &+ section.size
            }
            if group < 3 { size = align(size, page) }
            if group == 0 { textSize = size }
        }
    }
}
