// The kernel facts (banner, taint, caller ids, VMCOREINFO text, frame tokens…) are part of this
// module's public types, so users of this module see them without a second import.
@_exported import KernelFacts
