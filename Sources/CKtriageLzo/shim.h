#ifndef CKTRIAGE_LZO_SHIM_H
#define CKTRIAGE_LZO_SHIM_H
#include <lzo/lzo1x.h>

/* lzo_init() and LZO1X_1_MEM_COMPRESS are macros Swift cannot import. */
static inline int cktriage_lzo_init(void) { return lzo_init(); }
static inline unsigned long cktriage_lzo1x_1_mem_compress(void) { return LZO1X_1_MEM_COMPRESS; }
#endif
