/// Names the frames of an unwound stack: kernel text from the dump's kallsyms, module text from
/// the module's own symbol table (`ModuleKallsyms`, read once per module; needs BTF, so `reader`).
/// Shared by the x86-64 ORC unwinder, the arm64 frame-record unwinder and the stack scan.
final class FrameNamer {
    let reader: KernelObjectReader?
    let modules: [DumpFacts.Module]
    let symbolize: (UInt64) -> (name: String, offset: UInt64)?
    private var moduleSymbols: [String: ModuleKallsyms?] = [:]

    init(
        reader: KernelObjectReader?, modules: [DumpFacts.Module],
        symbolize: @escaping (UInt64) -> (name: String, offset: UInt64)?
    ) {
        self.reader = reader
        self.modules = modules
        self.symbolize = symbolize
    }

    /// The function holding `address` and the module whose core text holds it.
    func symbol(_ address: UInt64) -> (symbol: (name: String, offset: UInt64)?, module: String?) {
        guard let module = modules.first(where: { address >= $0.base && address &- $0.base < $0.textSize }) else {
            return (symbolize(address), nil)
        }
        if moduleSymbols[module.name] == nil {
            moduleSymbols[module.name] = .some(
                reader.flatMap { try? ModuleKallsyms(module: module.address, reader: $0) })
        }
        return (moduleSymbols[module.name].flatMap { $0?.symbol(containing: address) }, module.name)
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
