/* SPDX-License-Identifier: MIT */
/* Lockstep checker: compares the model's observation (expected) with the DUT's (got) every cycle.
 * Independent of what drives it: the same checker serves RTL, gate-level netlists and SystemC. */
#ifndef VMCOSIM_CHECKER_H
#define VMCOSIM_CHECKER_H

#include <stddef.h>
#include <stdint.h>

#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vm_checker;

/* replay_cmd: the command line that reproduces the run (without wave options); the report appends an
 * FST window around the failing cycle to it. May be NULL. Returns NULL when out of memory. */
struct vm_checker *vm_checker_new(uint64_t seed, const char *replay_cmd);
void vm_checker_free(struct vm_checker *c);

/* Compares one cycle. Returns 0 when both agree, -1 on the first difference (the report is then ready;
 * later calls keep returning -1 without comparing). */
int vm_checker_step(struct vm_checker *c, uint64_t cycle, const struct vm_obs *expected,
                    const struct vm_obs *got);

/* End of run: compares two physical memory images of nwords words (hashes reported, then the first
 * differing word). Returns 0 or -1 (with a report). */
int vm_checker_memory(struct vm_checker *c, uint64_t nwords, const uint64_t *expected, const uint64_t *got);

uint64_t vm_checker_cycles_checked(const struct vm_checker *c);
uint64_t vm_checker_mismatches(const struct vm_checker *c);
/* First field that differed ("" when none), and the full multi-line report ("" when none). */
const char *vm_checker_field(const struct vm_checker *c);
const char *vm_checker_report(const struct vm_checker *c);

/* Formats one observation as a single event line (for logs and reports). */
void vm_obs_format(const struct vm_obs *o, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif
