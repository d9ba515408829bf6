#ifndef CKTRIAGE_ELF_SHIM_H
#define CKTRIAGE_ELF_SHIM_H
#include <libelf.h>
#include <gelf.h>
#endif
