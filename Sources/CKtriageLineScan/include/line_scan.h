#ifndef CKTRIAGE_LINE_SCAN_H
#define CKTRIAGE_LINE_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// The index of the first LF, CR or NUL byte in `bytes[0..<count]`, or `count` when there is
/// none: the line framer's search for the end of each line. 32 bytes a step with AVX2 where
/// the CPU has it (chosen once, at the first call), else 16 with SSE2, else 8 bytes of
/// portable C.
size_t cktriage_first_line_break(const uint8_t *bytes, size_t count);

/// The same search by one chosen way, for tests: 0 portable C, 1 SSE2, 2 AVX2 (a way this CPU or
/// architecture lacks falls back to the next lower one).
size_t cktriage_first_line_break_by(const uint8_t *bytes, size_t count, int way);

#endif
