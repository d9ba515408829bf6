/// Which stack a frame was printed on.
///
/// Format notes: x86 prints `<IRQ>`/`<EOI>` (up to ~5.16) or `<IRQ>`/`</IRQ>` and `<TASK>`/`</TASK>`
/// (5.17+); exception stacks appear as `<#DF>`, `<#MC>`, `<NMI>`/`<<EOE>>` (old NMI end);
/// arm64 marks exception entry with `el1h_64_irq` frames instead of markers.
public enum FrameContext: String, Sendable, Codable, CaseIterable {
    case task
    case irq
    case softirq
    case nmi
    case exception
}

/// One call-trace frame.
public struct Frame: Sendable, Codable, Equatable {
    public var function: String
    public var offset: UInt64?
    public var size: UInt64?
    public var module: String?
    public var address: UInt64?
    /// `false` for frames printed with `?` (x86) or `(unreliable)` (ppc).
    public var reliable: Bool
    public var context: FrameContext

    public init(
        function: String, offset: UInt64? = nil, size: UInt64? = nil, module: String? = nil,
        address: UInt64? = nil, reliable: Bool = true, context: FrameContext = .task
    ) {
        self.function = function
        self.offset = offset
        self.size = size
        self.module = module
        self.address = address
        self.reliable = reliable
        self.context = context
    }
}
