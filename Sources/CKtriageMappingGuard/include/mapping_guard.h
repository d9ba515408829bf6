#ifndef CKTRIAGE_MAPPING_GUARD_H
#define CKTRIAGE_MAPPING_GUARD_H

#include <stddef.h>

/// Guards file mappings against a file cut short while it is read (a log truncated by
/// `logrotate`'s copytruncate, a dump removed and rewritten): the kernel then raises SIGBUS on
/// any access past the file's new end. A guarded range's faulting page and the rest of the range
/// after it are replaced with zero pages and the fault counted, so the reader sees zeros and is
/// told; a SIGBUS anywhere else goes to the handler that was there before.

/// Registers [start, start + length) and returns its slot, or -1 when every slot is taken (the
/// mapping is then read unguarded). Installs the handler on first use.
int cktriage_guard_mapping(const void *start, size_t length);

/// Forgets a slot (before the mapping is unmapped).
void cktriage_unguard_mapping(int slot);

/// Faults caught in a slot's range since it was registered.
long cktriage_guard_faults(int slot);

#endif
