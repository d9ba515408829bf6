#ifndef CKTRIAGE_SNAPPY_SHIM_H
#define CKTRIAGE_SNAPPY_SHIM_H
/* snappy's C API (the library itself is C++). */
#include <snappy-c.h>
#endif
