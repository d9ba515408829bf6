// KernelSymbols
