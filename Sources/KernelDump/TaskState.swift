/// crash's two-letter task states (`ps` column `ST`), from `task_struct.__state` (5.14+;
/// `state` before) OR-ed with `exit_state`, as crash's `task_state()` does.
///
/// Bits (`include/linux/sched.h`, 4.14 through 6.x): `TASK_INTERRUPTIBLE` 0x1,
/// `TASK_UNINTERRUPTIBLE` 0x2, `__TASK_STOPPED` 0x4, `__TASK_TRACED` 0x8, `EXIT_DEAD` 0x10,
/// `EXIT_ZOMBIE` 0x20, `TASK_PARKED` 0x40, `TASK_DEAD` 0x80, `TASK_WAKEKILL` 0x100,
/// `TASK_WAKING` 0x200, `TASK_NOLOAD` 0x400, `TASK_NEW` 0x800. Older kernels numbered the
/// high bits differently; crash reads them from `task_state_array`, this table assumes 4.14+.
///
/// Rules, first match wins (crash `task.c` `task_state_string`): 0 → `RU`;
/// `TASK_IDLE` (UNINTERRUPTIBLE | NOLOAD, 4.14+) → `ID` before `UN`, since an idle kernel
/// thread is not blocked; then `IN`, `UN`, `ZO`, `ST`, `TR`, `DE` (EXIT_DEAD or TASK_DEAD),
/// `WA`, `PA`, `NE`; anything else `??`.
public enum TaskState {
    static let rules: [(code: String, mask: UInt64, all: Bool)] = [
        ("ID", 0x402, true),
        ("IN", 0x1, false),
        ("UN", 0x2, false),
        ("ZO", 0x20, false),
        ("ST", 0x4, false),
        ("TR", 0x8, false),
        ("DE", 0x90, false),
        ("WA", 0x200, false),
        ("PA", 0x40, false),
        ("NE", 0x800, false),
    ]

    /// The code for `state | exit_state`.
    public static func code(_ bits: UInt64) -> String {
        if bits == 0 { return "RU" }
        for rule in rules {
            let matched = rule.all ? bits & rule.mask == rule.mask : bits & rule.mask != 0
            if matched { return rule.code }
        }
        return "??"
    }
}
