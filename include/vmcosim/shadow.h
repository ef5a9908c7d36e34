/* SPDX-License-Identifier: MIT */
/* Data-value invariant monitor: a golden shadow of physical memory fed with the observations. Every
 * load (and every compare-and-swap's old value) the memory side returns to a core's MMU must equal what the
 * last store in completion order, of any core, wrote there (the initial image before any store); the page DMA engine's
 * line reads must see the same values and its line writes change them. Like the checker it
 * only reads observations, so it serves every engine. */
#ifndef VMCOSIM_SHADOW_H
#define VMCOSIM_SHADOW_H

#include <stdint.h>

#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vm_shadow;

/* Starts from a copy of the initial image (nwords 8-byte words); cores: the observed cores (the DMA engine
 * is bus master `cores`); line_words: the bus's line size in words (the DMA engine's reads and writes are
 * whole lines). Returns NULL when nwords is not a power of two (memory sizes are) or memory is short. */
struct vm_shadow *vm_shadow_new(const uint64_t *image, uint64_t nwords, unsigned cores, unsigned line_words);
void vm_shadow_free(struct vm_shadow *s);

/* Takes one cycle's observation. Returns 0, or -1 on the first violation (report ready; later calls
 * keep returning -1). */
int vm_shadow_step(struct vm_shadow *s, uint64_t cycle, const struct vm_obs *o);

uint64_t vm_shadow_loads_checked(const struct vm_shadow *s);
const char *vm_shadow_report(const struct vm_shadow *s);

#ifdef __cplusplus
}
#endif

#endif
