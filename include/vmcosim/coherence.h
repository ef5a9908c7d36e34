/* SPDX-License-Identifier: MIT */
/* Coherence invariant monitor: rebuilds every L1's line states from the observed line-state changes
 * (obs.core[].l1_chg_*) and checks, after every cycle, the single-writer / multiple-reader invariant of
 * MESI: a line that is M or E in one cache is I in every other. It also checks that the change stream
 * is self-consistent (each change starts from the state the line was in) and that no dirty line is
 * replaced without a write-back. Like the checker it only reads observations, so it serves every engine. */
#ifndef VMCOSIM_COHERENCE_H
#define VMCOSIM_COHERENCE_H

#include <stdint.h>

#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vm_coherence;

/* cores: caches observed; sets, ways, line_bytes: their geometry (powers of two). Returns NULL when one is
 * not, or memory is short. */
struct vm_coherence *vm_coherence_new(unsigned cores, unsigned sets, unsigned ways, unsigned line_bytes);
void vm_coherence_free(struct vm_coherence *m);

/* Takes one cycle's observation. Returns 0, or -1 on the first violation (report ready; later calls keep
 * returning -1). */
int vm_coherence_step(struct vm_coherence *m, uint64_t cycle, const struct vm_obs *o);

/* Line-state changes taken in so far, and the report of the first violation ("" when none). */
uint64_t vm_coherence_changes(const struct vm_coherence *m);
const char *vm_coherence_report(const struct vm_coherence *m);

#ifdef __cplusplus
}
#endif

#endif
