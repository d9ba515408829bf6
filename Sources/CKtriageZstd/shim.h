#ifndef CKTRIAGE_ZSTD_SHIM_H
#define CKTRIAGE_ZSTD_SHIM_H
#include <zstd.h>
#include <zstd_errors.h> /* ZSTD_getErrorCode, ZSTD_ErrorCode */
#endif
