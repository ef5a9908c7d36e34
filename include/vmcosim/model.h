/* SPDX-License-Identifier: MIT */
/* The cycle-exact C reference model of the vmcosim hardware (twin of rtl/top/vm_top.sv).
 * Everything hangs off an explicit handle; several models coexist in one process. */
#ifndef VMCOSIM_MODEL_H
#define VMCOSIM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vm_model;

/* Checks *cfg; returns 0, or -1 with a one-line reason in err (errlen bytes). */
int vm_hwcfg_check(const struct vm_hwcfg *cfg, char *err, size_t errlen);

/* Creates a model in its reset state with zeroed memory. Returns NULL with a reason in err when the
 * configuration is invalid or memory is short. */
struct vm_model *vm_model_new(const struct vm_hwcfg *cfg, char *err, size_t errlen);
void vm_model_free(struct vm_model *m);

/* Writes one 8-byte word of physical memory by backdoor (initial image at cycle 0 only). Returns -1 when
 * word_index is out of range. */
int vm_model_poke(struct vm_model *m, uint64_t word_index, uint64_t value);
/* Reads one 8-byte word of physical memory (end-of-run comparison, test oracles). */
uint64_t vm_model_peek(const struct vm_model *m, uint64_t word_index);
uint64_t vm_model_mem_words(const struct vm_model *m);
/* The physical memory as one array of vm_model_mem_words words (read-only view). */
const uint64_t *vm_model_mem(const struct vm_model *m);

/* Runs one clock cycle with inputs *in. Fills *obs with this cycle's observation (obs may be NULL when
 * nobody looks: the model then skips that work). */
void vm_model_step(struct vm_model *m, const struct vm_in *in, struct vm_obs *obs);

/* Event skipping, for model-only runs: the number of upcoming cycles in which nothing but countdowns can
 * happen (a request or walk waiting for memory) when every one of them has the inputs *in (0 when *in
 * writes a CSR or the swap buffer, or offers a DMA command the idle engine would take; the read-port
 * selects csr_addr and buf_addr do not count). vm_model_skip(m, n) with n <= that number advances exactly
 * as n vm_model_step calls with those inputs would, without producing observations. */
uint64_t vm_model_quiet_cycles(const struct vm_model *m, const struct vm_in *in);
void vm_model_skip(struct vm_model *m, uint64_t n);

/* Cycles run so far. */
uint64_t vm_model_cycles(const struct vm_model *m);

/* Fault injection for proving that the checker checks: from cycle `at_cycle` on, every TLB fill the
 * model reports has its PPN's lowest bit flipped. A debugging aid; never used by normal runs. */
void vm_model_inject_fill_ppn_flip(struct vm_model *m, uint64_t at_cycle);

#ifdef __cplusplus
}
#endif

#endif
