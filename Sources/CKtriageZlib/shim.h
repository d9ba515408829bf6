#ifndef CKTRIAGE_ZLIB_SHIM_H
#define CKTRIAGE_ZLIB_SHIM_H
#include <zlib.h>
#endif
