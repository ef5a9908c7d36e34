/* SPDX-License-Identifier: MIT */
/* Litmus tests (workload litmus:NAME): the catalogue, the sequential-consistency oracle and the outcome
 * histogram a run produces. The cores are in-order and blocking, so every outcome must be one that some
 * interleaving of the threads' programs (in program order, on one memory) produces: Lamport's sequential
 * consistency. The oracle enumerates those interleavings; it holds no list of outcomes.
 *
 * Tests (x, y start at 0; rN are registers, "x", "y" the final values read after the threads finish):
 *   MP    T0: x=1; y=1          || T1: r0=y; r1=x
 *   SB    T0: x=1; r0=y         || T1: y=1; r1=x
 *   LB    T0: r0=x; y=1         || T1: r1=y; x=1
 *   CoRR  T0: x=1               || T1: r0=x; r1=x
 *   CoWW  T0: x=1; x=2                                           (outcome: final x)
 *   IRIW  T0: x=1 || T1: y=1 || T2: r0=x; r1=y || T3: r2=y; r3=x
 *   2+2W  T0: x=1; y=2          || T1: y=1; x=2                  (outcome: final x, y)
 */
#ifndef VMCOSIM_LITMUS_H
#define VMCOSIM_LITMUS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "workload.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VM_LITMUS_MAX_THREADS 4
#define VM_LITMUS_MAX_SLOTS 6      /* registers, then final values */
#define VM_LITMUS_MAX_OUTCOMES 64  /* distinct outcomes a histogram keeps */

/* One outcome: slot values in the order of vm_litmus_hist.slot (registers r0.., then final x, y). */
struct vm_litmus_outcome {
    uint64_t v[VM_LITMUS_MAX_SLOTS];
};

struct vm_litmus_entry {
    struct vm_litmus_outcome o;
    uint64_t count;
    uint64_t first_iter;   /* the iteration that first produced it */
    char note[120];        /* how that iteration ran (start delays, thread->core map, addresses), or "" */
};

/* The outcomes of a run, by distinct outcome, in the order first seen. */
struct vm_litmus_hist {
    char test[8];
    unsigned threads, cores, nslots;
    char slot[VM_LITMUS_MAX_SLOTS][4];   /* "r0".., "x", "y" */
    uint64_t seed;
    uint64_t target;       /* iterations asked for */
    uint64_t iterations;   /* iterations completed and recorded (the sum of the counts plus dropped) */
    uint64_t faults;       /* fault responses: none is expected (every access is a bare physical one) */
    uint64_t dropped;      /* outcomes that did not fit the table (each distinct, none SC: counted as a failure) */
    unsigned n;
    struct vm_litmus_entry e[VM_LITMUS_MAX_OUTCOMES];
};

/* The catalogue: number of tests, and the name of test i (NULL past the end). */
unsigned vm_litmus_count(void);
const char *vm_litmus_name(unsigned i);
/* Threads of a test (the cores it needs), or -1 for an unknown name. */
int vm_litmus_threads(const char *name);

/* Empties h for test `name` (slot names, thread count). Returns 0, or -1 for an unknown name. */
int vm_litmus_hist_init(struct vm_litmus_hist *h, const char *name);
/* Counts one outcome of iteration `iter` (note may be NULL). */
void vm_litmus_hist_add(struct vm_litmus_hist *h, const struct vm_litmus_outcome *o, uint64_t iter,
                        const char *note);
/* Count of outcome o in h (0 when never seen). */
uint64_t vm_litmus_hist_count(const struct vm_litmus_hist *h, const struct vm_litmus_outcome *o);

/* The SC oracle: every outcome that some interleaving of test `name`'s threads produces, without
 * duplicates, in lexicographic order of the slots, up to max of them into out. Returns how many there are,
 * or -1 for an unknown name. */
int vm_litmus_sc_outcomes(const char *name, struct vm_litmus_outcome *out, unsigned max);

/* The verdict on a histogram: 0 when every observed outcome is SC, no fault was seen and nothing was
 * dropped; else -1 with a message naming the first offending outcome (and how its iteration ran). */
int vm_litmus_verdict(const struct vm_litmus_hist *h, char *err, size_t errlen);

/* "r0=1 r1=0" (or "x=2 y=1") for outcome o of h's test. */
void vm_litmus_format(const struct vm_litmus_hist *h, const struct vm_litmus_outcome *o, char *buf, size_t len);
/* The report: every SC outcome with its count (0 included), every other outcome seen, the verdict. */
void vm_litmus_print(const struct vm_litmus_hist *h, FILE *f);

/* The histogram of a litmus workload (so far), or NULL when w is not one. */
const struct vm_litmus_hist *vm_workload_litmus(const struct vm_workload *w);

#ifdef __cplusplus
}
#endif

#endif
