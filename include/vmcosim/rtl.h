/* SPDX-License-Identifier: MIT */
/* The verilated RTL (rtl/top/vm_top.sv, rtl/top/vm_soc.sv) behind a C API; C callers never include C++
 * headers.
 * The RTL is verilated once per design point (vm_top: TLB geometry; vm_soc: L1 geometry and core count) at
 * build time; vm_rtl_variants() lists them. */
#ifndef VMCOSIM_RTL_H
#define VMCOSIM_RTL_H

#include <stddef.h>
#include <stdint.h>

#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vm_rtl;

/* Optional FST waves: cycles [from, to] (to = UINT64_MAX: to the end) go to path. */
struct vm_rtl_waves {
    const char *path;
    uint64_t from, to;
};

/* Builds and resets the RTL for *cfg. Returns NULL with a reason in err when no verilated variant has
 * this TLB geometry (and L1 geometry and core count), the configuration is invalid, or the wave file
 * cannot be opened. */
struct vm_rtl *vm_rtl_new(const struct vm_hwcfg *cfg, const struct vm_rtl_waves *waves, char *err,
                          size_t errlen);
/* Finishes the simulation (final blocks, wave file closed) and frees it. */
void vm_rtl_free(struct vm_rtl *r);

/* Backdoor access to the physical memory array (initial image at cycle 0; end-of-run comparison). */
int vm_rtl_poke(struct vm_rtl *r, uint64_t word_index, uint64_t value);
uint64_t vm_rtl_peek(const struct vm_rtl *r, uint64_t word_index);
/* The physical memory array itself (read-only view, mem.size / 8 words valid). */
const uint64_t *vm_rtl_mem(const struct vm_rtl *r);

/* Runs one clock cycle with inputs *in; *obs gets the cycle's observation (may be NULL). */
void vm_rtl_step(struct vm_rtl *r, const struct vm_in *in, struct vm_obs *obs);
uint64_t vm_rtl_cycles(const struct vm_rtl *r);

/* Comma-separated TLB geometries verilated into this build, e.g. "16x16, 32x4, 8x2" (entries x ways). */
const char *vm_rtl_variants(void);

#ifdef __cplusplus
}
#endif

#endif
