/* SPDX-License-Identifier: MIT */
/* Inside the litmus workload: the tests' programs, shared by the SC oracle (litmus_sc.c) and the
 * workload that runs them on the cores (wl_litmus.c). */
#ifndef VM_LITMUS_SC_H
#define VM_LITMUS_SC_H

#include <stdint.h>

#include <vmcosim/litmus.h>

#define VM_LITMUS_MAX_OPS 3   /* per thread */
#define VM_LITMUS_MAX_LOCS 2  /* x, y */

enum vm_litmus_kind { VM_LI_LD, VM_LI_ST };

/* One instruction: LD reg <- [loc], or ST [loc] <- val. */
struct vm_litmus_ins {
    uint8_t kind, loc, reg, val;
};

struct vm_litmus_test {
    const char *name;
    unsigned threads, locs, regs;
    unsigned nfinal;                          /* final values in the outcome: locations final[0..nfinal) */
    uint8_t final[VM_LITMUS_MAX_LOCS];
    unsigned nops[VM_LITMUS_MAX_THREADS];
    struct vm_litmus_ins op[VM_LITMUS_MAX_THREADS][VM_LITMUS_MAX_OPS];
};

/* The test named `name`, or NULL. */
const struct vm_litmus_test *vm_litmus_find(const char *name);
/* Slots of an outcome: registers, then final values. */
static inline unsigned vm_litmus_slots(const struct vm_litmus_test *t) { return t->regs + t->nfinal; }

/* The histogram of a litmus workload's state (wl_litmus.c; for vm_workload_litmus in workload.c). */
const struct vm_litmus_hist *vm_wl_litmus_hist(const void *st);

#endif
