/// What crash's `sys`, `sys -t`, `mod` and `ps` show about a dump, read from the dump's memory
/// with layouts from its own BTF (`DumpFactsReader`). Every fact is optional: a fact that could
/// not be read is `nil` and `problems` says why. `CrashOutput` owns the JSON keys.
public struct DumpFacts: Sendable, Equatable {
    /// One loaded module (crash `mod`).
    public struct Module: Sendable, Equatable {
        public var name: String
        /// Start of the core text: `mem[MOD_TEXT].base` (6.4+), `core_layout.base` (4.5–6.3).
        public var base: UInt64
        /// Core size in bytes, as crash's `mod` shows it (`core_layout.size`; 6.4+: the sum of
        /// the non-init `mem[]` sizes).
        public var size: UInt64
        /// Size of the core text from `base`: `mem[MOD_TEXT].size` (6.4+, where each type is a
        /// separate allocation, so `base + size` may reach another module's text),
        /// `core_layout.text_size` (4.5–6.3). Frames are named within it.
        public var textSize: UInt64
        /// `module.taints` as letters, in bit order (`OE`).
        public var taint: String
        /// `enum module_state` constant without its prefix, lower case (`live`, `coming`, …).
        public var state: String
        /// Address of `struct module`.
        public var address: UInt64
    }

    /// `tainted_mask` decoded.
    public struct Taint: Sendable, Equatable {
        public var mask: UInt64
        /// Letters of the set bits, in bit order, as crash's `TAINTED_MASK:` line (`DOE`).
        public var letters: String
        /// `TaintFlag.name` of each set bit (`unknown_bit_N` for bits no table entry names).
        public var flags: [String]
    }

    /// The BTF the layouts came from.
    public struct TypeSource: Sendable, Equatable {
        /// `__start_BTF` address.
        public var address: UInt64
        public var bytes: Int
        public var types: Int
    }

    /// Seconds since boot: `(jiffies_64 − INITIAL_JIFFIES) / HZ`, as crash's `UPTIME`.
    public var uptimeSeconds: Double?
    /// `HZ`, derived from `tick_nsec` (the kernel keeps no `HZ` variable).
    public var hz: Int?
    /// `avenrun[3]` as crash prints it (two decimals).
    public var loadAverage: [Double]?
    /// Number of tasks (threads), idle tasks included: what `ps` lists.
    public var taskCount: Int?
    /// `init_uts_ns.name.nodename`.
    public var nodename: String?
    /// Present pages of every memory node × page size (crash's `MEMORY`).
    public var memoryBytes: UInt64?
    public var taint: Taint?
    /// `saved_command_line`.
    public var commandLine: String?
    public var modules: [Module]?
    /// Every task (`ps`), sorted by pid then CPU.
    public var tasks: [DumpTask]?
    /// Where the types came from; `nil` when the kernel has no BTF.
    public var btf: TypeSource?
    /// A walk stopped early (loop, damaged pointer, limit): the lists are incomplete.
    public var partial: Bool
    /// Why facts are missing or partial, in words.
    public var problems: [String]

    public init() {
        partial = false
        problems = []
    }
}

/// One task as crash's `ps` lists it.
public struct DumpTask: Sendable, Equatable {
    public var pid: Int32
    /// `real_parent->pid`.
    public var ppid: Int32
    /// `task_struct.cpu` (5.16+ with THREAD_INFO_IN_TASK) or `thread_info.cpu`.
    public var cpu: Int
    /// Address of the `task_struct`.
    public var task: UInt64
    /// crash's two-letter state (`TaskState.code`).
    public var state: String
    /// `__state` (5.14+) or `state`, OR-ed with `exit_state`, as read.
    public var stateBits: UInt64
    public var comm: String
    /// Running on its CPU at crash time (`runqueues.curr`): crash's `>`.
    public var active: Bool
    /// No user address space (`mm == NULL`): crash shows the name in brackets.
    public var kernelThread: Bool

}
