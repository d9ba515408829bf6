import KtriageBytes

extension SymbolTable {
    /// Loads a System.map (`nm -n` output of vmlinux).
    /// - Throws: `SymbolFileError` naming the file and line that is not a map line, or when the
    ///   file holds no kernel symbols.
    public static func load(systemMap path: String) throws(SymbolFileError) -> SymbolTable {
        let file = try map(path)
        let table = try parse(systemMap: file.bytes, path: path)
        withExtendedLifetime(file) {}
        return table
    }

    /// Parses System.map bytes already in memory; `path` is used in messages and to learn the
    /// release from a `System.map-<release>` name.
    public static func parse(systemMap bytes: UnsafeRawBufferPointer, path: String) throws(SymbolFileError)
        -> SymbolTable
    {
        var parsed = try NMFormatParser(path: path).parse(bytes)
        var table = try assemble(&parsed, path: path, source: .systemMap)
        if let release = releaseFromFileName(path, prefixes: ["System.map-"]) {
            table.release = release
            table.releaseEvidence = "file name"
        }
        return table
    }

    /// Loads a copy of /proc/kallsyms, kernel and `[module]` symbols. Its addresses are run-time
    /// addresses, so the KASLR offset is already in them (`kernelOffset` stays 0).
    /// - Throws: `SymbolFileError` also when the addresses are all zero: the file was read by a
    ///   user without the right to see addresses (`kptr_restrict`).
    public static func load(kallsyms path: String) throws(SymbolFileError) -> SymbolTable {
        let file = try map(path)
        let table = try parse(kallsyms: file.bytes, path: path)
        withExtendedLifetime(file) {}
        return table
    }

    /// Parses kallsyms bytes already in memory.
    public static func parse(kallsyms bytes: UnsafeRawBufferPointer, path: String) throws(SymbolFileError)
        -> SymbolTable
    {
        var parsed = try NMFormatParser(path: path).parse(bytes)
        if parsed.textSymbols > 0, parsed.zeroTextAddresses == parsed.textSymbols {
            throw SymbolFileError(
                path: path,
                message:
                    "every address is 0: this kallsyms was read without permission to see addresses "
                    + "(kernel.kptr_restrict); copy /proc/kallsyms as root")
        }
        return try assemble(&parsed, path: path, source: .kallsyms, kernelMayBeEmpty: true)
    }

    static func map(_ path: String) throws(SymbolFileError) -> MappedFile {
        do {
            return try MappedFile(path: path)
        } catch {
            return try failOpen(error, path)
        }
    }

    private static func failOpen(_ error: InputError, _ path: String) throws(SymbolFileError) -> MappedFile {
        throw SymbolFileError(path: path, message: error.message)
    }

    static func assemble(
        _ parsed: inout NMFormatParser.Result, path: String, source: Source, kernelMayBeEmpty: Bool = false
    ) throws(SymbolFileError) -> SymbolTable {
        guard parsed.kernel.count > 0 || (kernelMayBeEmpty && !parsed.modules.isEmpty) else {
            throw SymbolFileError(path: path, message: "no symbols found: not a System.map or kallsyms file")
        }
        let outOfOrder = parsed.kernel.outOfOrder
        let (columns, _) = parsed.kernel.build()
        var notes: [String] = []
        if source == .systemMap, outOfOrder > 0 {
            notes.append("\(outOfOrder) lines were out of address order (not 'nm -n' output); sorted them")
        }
        if parsed.kernel.droppedDuplicates > 0 {
            notes.append(
                "\(parsed.kernel.droppedDuplicates) lines repeat an earlier line exactly (same address, type and name); "
                    + "each kept once")
        }
        var modules: [ModuleSymbols] = []
        for name in parsed.moduleOrder {
            guard var builder = parsed.modules[name] else { continue }
            let (moduleColumns, _) = builder.build()
            modules.append(ModuleSymbols(name: name, columns: moduleColumns))
        }
        var table = SymbolTable(
            path: path, source: source, kernel: columns, kernelElfSizes: nil, absolute: parsed.absolute,
            modules: modules)
        table.notes = notes
        return table
    }

    static func releaseFromFileName(_ path: String, prefixes: [String]) -> String? {
        let fileName = path.split(separator: "/").last.map(String.init) ?? path
        for prefix in prefixes where fileName.hasPrefix(prefix) {
            let release = fileName.dropFirst(prefix.count)
            if !release.isEmpty, release.first?.isNumber == true { return String(release) }
        }
        return nil
    }
}
