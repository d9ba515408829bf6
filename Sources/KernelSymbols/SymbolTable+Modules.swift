import KtriageBytes

extension SymbolTable {
    /// Gives a module its load address (`--module name=addr`), keeping any symbols it has.
    public mutating func setModuleBase(_ name: String, at base: UInt64, size: UInt64? = nil) {
        if let index = modules.firstIndex(where: { $0.name == name }) {
            modules[index].base = base
            if let size { modules[index].size = size }
        } else {
            modules.append(ModuleSymbols(name: name, base: base, size: size))
        }
    }

    /// Adds load addresses and sizes from a /proc/modules snapshot
    /// (`name size refcount deps state address [taint]`).
    /// - Throws: `SymbolFileError` naming the line that is not a /proc/modules line, or when the
    ///   addresses are all zero (read without permission).
    public mutating func addModules(procModules path: String) throws(SymbolFileError) {
        let file = try SymbolTable.map(path)
        let text = String(decoding: file.bytes, as: UTF8.self)
        withExtendedLifetime(file) {}
        try addModules(procModulesText: text, path: path)
    }

    /// Same as `addModules(procModules:)` for text already in memory.
    public mutating func addModules(procModulesText text: String, path: String) throws(SymbolFileError) {
        var parsed: [(String, UInt64, UInt64)] = []
        // Lines end at the `\n` byte: `\r\n` is one Character, so a split on the Character `\n`
        // kept a CRLF copy as one line and refused it.
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (number, line) in lines.map(Substring.init).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            if fields.isEmpty { continue }
            guard fields.count >= 6, let size = UInt64(fields[1]), fields[5].hasPrefix("0x"),
                let base = UInt64(fields[5].dropFirst(2), radix: 16)
            else {
                throw SymbolFileError(
                    path: path, line: number + 1,
                    message: "expected a /proc/modules line 'NAME SIZE REFS DEPS STATE 0xADDRESS'")
            }
            parsed.append((String(fields[0]), base, size))
        }
        // An empty snapshot is valid: no modules were loaded.
        if !parsed.isEmpty, parsed.allSatisfy({ $0.1 == 0 }) {
            throw SymbolFileError(
                path: path,
                message:
                    "every module address is 0: read without permission to see addresses; copy it as root")
        }
        for (name, base, size) in parsed { setModuleBase(name, at: base, size: size) }
    }
}

extension SymbolTable {
    /// Takes the module symbols (and bases) of `other` — typically a kallsyms copy used next to a
    /// System.map, which has no module symbols of its own.
    public mutating func addModuleSymbols(from other: SymbolTable) {
        for module in other.modules {
            if let index = modules.firstIndex(where: { $0.name == module.name }) {
                let base = modules[index].base
                let size = modules[index].size
                modules[index] = module
                if module.base == nil { modules[index].base = base }
                if module.size == nil { modules[index].size = size }
            } else {
                modules.append(module)
            }
        }
    }
}

extension SymbolTable {
    /// A module's load address, when known.
    public func moduleBase(of name: String) -> UInt64? {
        modules.first { $0.name == name }?.base
    }
}
