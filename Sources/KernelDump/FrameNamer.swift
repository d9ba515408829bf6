/// Names the frames of an unwound stack: kernel text from the dump's kallsyms, module text from
/// the module's own symbol table (`ModuleKallsyms`, read once per module; needs BTF, so `reader`).
/// Shared by the x86-64 ORC unwinder, the arm64 frame-record unwinder and the stack scan.
final class FrameNamer {
    let reader: KernelObjectReader?
    let modules: [DumpFacts.Module]
    let symbolize: (UInt64) -> (name: String, offset: UInt64)?
    private var moduleSymbols: [String: ModuleKallsyms?] = [:]
    /// Module symbols all modules' tables may still hold together. A module's table may list a
    /// million symbols (`ModuleKallsyms.maxSymbols`), and a damaged module list may name
    /// thousands of modules whose tables all point at the same readable memory: each table was
    /// read and kept.
    private var moduleSymbolsLeft: Int
    /// The budget's starting value.
    let moduleSymbolBudget: Int
    /// Modules whose tables were past the budget: their frames are left unnamed.
    private(set) var modulesNotNamed: [String] = []

    /// Module symbols read for one dump at most (real kernels' modules list tens of thousands).
    static let defaultModuleSymbolBudget = 4_000_000
    /// The modules' core text ranges by start (`header`: the index in `modules`). The stack scan
    /// asks for every word of every stack, and a module list may hold 65,536 modules: a walk over
    /// the list per word could take hours.
    private let textIndex: ELFSegmentIndex

    init(
        reader: KernelObjectReader?, modules: [DumpFacts.Module],
        moduleSymbolBudget: Int = FrameNamer.defaultModuleSymbolBudget,
        symbolize: @escaping (UInt64) -> (name: String, offset: UInt64)?
    ) {
        self.reader = reader
        self.moduleSymbolBudget = moduleSymbolBudget
        moduleSymbolsLeft = moduleSymbolBudget
        self.modules = modules
        self.symbolize = symbolize
        textIndex = ELFSegmentIndex(
            modules.enumerated().map { ELFSegmentIndex.Entry(start: $0.element.base, header: UInt32($0.offset)) },
            end: { [modules] in Self.textEnd(modules[Int($0)]) })
    }

    /// One past a module's core text, at most the top of the address space.
    private static func textEnd(_ module: DumpFacts.Module) -> UInt64 {
        let (end, overflow) = module.base.addingReportingOverflow(module.textSize)
        return overflow ? .max : end
    }

    /// The function holding `address` and the module whose core text holds it (where the texts
    /// of a damaged list overlap, the one starting last below `address`).
    func symbol(_ address: UInt64) -> (symbol: (name: String, offset: UInt64)?, module: String?) {
        let modules = self.modules
        guard let found = textIndex.find(address, end: { Self.textEnd(modules[Int($0)]) }) else {
            return (symbolize(address), nil)
        }
        let module = modules[Int(found)]
        if moduleSymbols[module.name] == nil {
            moduleSymbols[module.name] = .some(readSymbols(module))
        }
        return (moduleSymbols[module.name].flatMap { $0?.symbol(containing: address) }, module.name)
    }

    /// A module's own symbol table, if it can be read within the budget.
    private func readSymbols(_ module: DumpFacts.Module) -> ModuleKallsyms? {
        guard let reader else { return nil }
        do {
            return try ModuleKallsyms(module: module.address, reader: reader, budget: &moduleSymbolsLeft)
        } catch is ModuleKallsyms.OverBudget {
            modulesNotNamed.append(module.name)
            return nil
        } catch {
            return nil
        }
    }

    /// Why some module frames have no name, if the budget left modules unread.
    var problem: String? {
        guard !modulesNotNamed.isEmpty else { return nil }
        let names = modulesNotNamed.prefix(5).joined(separator: ", ") + (modulesNotNamed.count > 5 ? ", …" : "")
        return "symbols of \(modulesNotNamed.count) modules not read (\(names)): module symbol tables are read up to "
            + "\(moduleSymbolBudget) symbols together; their frames are unnamed"
    }

    /// Names a frame. A return address is looked up one byte earlier, in the call instruction
    /// (as the kernel's `%pB` does): a call to a `noreturn` function may be the last instruction
    /// of its function, and the return address then names the next one.
    func frame(_ address: UInt64, stack: UInt64, exception: Bool, returnAddress: Bool) -> DumpFrame {
        let (symbol, module) = symbol(returnAddress ? address &- 1 : address)
        return DumpFrame(
            address: address, stackPointer: stack, function: symbol?.name,
            offset: symbol.map { $0.offset &+ (returnAddress ? 1 : 0) }, module: module, exception: exception)
    }
}
