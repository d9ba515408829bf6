#include "line_scan.h"

#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

static inline int is_break(uint8_t byte) { return byte == '\n' || byte == '\r' || byte == 0; }

static size_t scalar_tail(const uint8_t *bytes, size_t index, size_t count) {
    while (index < count && !is_break(bytes[index])) index++;
    return index;
}

#ifdef HAVE_X86
static size_t first_break_sse2(const uint8_t *bytes, size_t count) {
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r'), nul = _mm_setzero_si128();
    size_t index = 0;
    for (; index + 16 <= count; index += 16) {
        __m128i block = _mm_loadu_si128((const __m128i *)(bytes + index));
        __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, lf), _mm_cmpeq_epi8(block, cr)),
                                    _mm_cmpeq_epi8(block, nul));
        unsigned mask = (unsigned)_mm_movemask_epi8(hits);
        if (mask) return index + (size_t)__builtin_ctz(mask);
    }
    return scalar_tail(bytes, index, count);
}

__attribute__((target("avx2"))) static size_t first_break_avx2(const uint8_t *bytes, size_t count) {
    const __m256i lf = _mm256_set1_epi8('\n'), cr = _mm256_set1_epi8('\r'), nul = _mm256_setzero_si256();
    size_t index = 0;
    for (; index + 32 <= count; index += 32) {
        __m256i block = _mm256_loadu_si256((const __m256i *)(bytes + index));
        __m256i hits = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(block, lf), _mm256_cmpeq_epi8(block, cr)), _mm256_cmpeq_epi8(block, nul));
        unsigned mask = (unsigned)_mm256_movemask_epi8(hits);
        if (mask) return index + (size_t)__builtin_ctz(mask);
    }
    return index + first_break_sse2(bytes + index, count - index);
}
#endif

// Eight bytes at a time: `(x - 0x0E…) & ~x & 0x80…` flags bytes below 0x0E (the breaks and a few
// rare controls such as tab); the flagged byte is then checked exactly.
static size_t first_break_portable(const uint8_t *bytes, size_t count) {
    const uint64_t below = 0x0E0E0E0E0E0E0E0EULL, highs = 0x8080808080808080ULL;
    size_t index = 0;
    while (index + 8 <= count) {
        uint64_t word;
        memcpy(&word, bytes + index, 8);
        if (((word - below) & ~word & highs) == 0) {
            index += 8;
            continue;
        }
        for (size_t end = index + 8; index < end; index++) {
            if (is_break(bytes[index])) return index;
        }
    }
    return scalar_tail(bytes, index, count);
}

typedef size_t (*first_break_function)(const uint8_t *, size_t);

static first_break_function choose(void) {
#ifdef HAVE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) return first_break_avx2;
    return first_break_sse2;
#else
    return first_break_portable;
#endif
}

size_t cktriage_first_line_break(const uint8_t *bytes, size_t count) {
    // Chosen once; a race between threads only chooses the same function twice.
    static first_break_function chosen;
    first_break_function function = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (!function) {
        function = choose();
        __atomic_store_n(&chosen, function, __ATOMIC_RELAXED);
    }
    return function(bytes, count);
}

size_t cktriage_first_line_break_by(const uint8_t *bytes, size_t count, int way) {
#ifdef HAVE_X86
    __builtin_cpu_init();
    if (way >= 2 && __builtin_cpu_supports("avx2")) return first_break_avx2(bytes, count);
    if (way >= 1) return first_break_sse2(bytes, count);
#endif
    return first_break_portable(bytes, count);
}
