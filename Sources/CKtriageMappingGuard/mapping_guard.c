#include "mapping_guard.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// Mappings guarded at a time: every file a process has mapped at once (a test run reads
// hundreds in parallel); the handler scans them only when a SIGBUS arrives.
#define GUARD_SLOTS 1024

// Read by the handler without locks: a slot is claimed with a compare-and-swap on `claimed`,
// then `ends` is written and `starts` last (0: no range), so the handler, which only reads,
// never sees a start without its end.
static _Atomic int claimed[GUARD_SLOTS];
static _Atomic uintptr_t starts[GUARD_SLOTS];
static _Atomic uintptr_t ends[GUARD_SLOTS];
static _Atomic long faults[GUARD_SLOTS];
static struct sigaction previous_action;
static _Atomic int installed;
// Cached: sysconf is not async-signal-safe.
static uintptr_t page_size;

static void handle_bus_error(int signal_number, siginfo_t *info, void *context) {
    (void)signal_number;
    (void)context;
    uintptr_t address = (uintptr_t)info->si_addr;
    for (int slot = 0; slot < GUARD_SLOTS; slot++) {
        uintptr_t start = atomic_load(&starts[slot]);
        uintptr_t end = atomic_load(&ends[slot]);
        if (start == 0 || address < start || address >= end) continue;
        // Every page from here on is past the file's end (it ends before `address`).
        uintptr_t first = address & ~(page_size - 1);
        if (first < start) first = start;
        size_t length = ((end - first) + page_size - 1) & ~(page_size - 1);
        void *zeros = mmap((void *)first, length, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (zeros != MAP_FAILED) {
            atomic_fetch_add(&faults[slot], 1);
            return;
        }
        break;
    }
    // Not ours (or not mendable): the access faults again under the handler from before.
    sigaction(SIGBUS, &previous_action, NULL);
}

static void install_once(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handle_bus_error;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, &previous_action);
}

int cktriage_guard_mapping(const void *start, size_t length) {
    uintptr_t begin = (uintptr_t)start;
    if (begin == 0 || length == 0) return -1;
    install_once();
    for (int slot = 0; slot < GUARD_SLOTS; slot++) {
        int free_slot = 0;
        if (!atomic_compare_exchange_strong(&claimed[slot], &free_slot, 1)) continue;
        atomic_store(&faults[slot], 0);
        atomic_store(&ends[slot], begin + length);
        atomic_store(&starts[slot], begin);
        return slot;
    }
    return -1;
}

void cktriage_unguard_mapping(int slot) {
    if (slot < 0 || slot >= GUARD_SLOTS) return;
    atomic_store(&starts[slot], 0);
    atomic_store(&claimed[slot], 0);
}

long cktriage_guard_faults(int slot) {
    if (slot < 0 || slot >= GUARD_SLOTS) return 0;
    return atomic_load(&faults[slot]);
}
