// KernelDump
