/* SPDX-License-Identifier: MIT */
/* One complete run: a workload's image loaded into an engine, driven until the cycle budget is spent or
 * the workload ends, the request in flight finished, the perf counters read through the CSR port and, in
 * lockstep, the memory images compared. The CLI, the benchmark and the tests all run through here. */
#ifndef VMCOSIM_RUN_H
#define VMCOSIM_RUN_H

#include <stdint.h>

#include "sim.h"
#include "workload.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A core's perf counters as read through its CSR port at the end of a run. */
struct vm_core_counters {
    uint64_t loads, stores, tlb_lookups, tlb_misses, ptw_walks, ptw_walk_cycles, ptw_pte_reads;
    uint64_t l1_accesses, l1_misses, l1_writebacks;   /* demand accesses (an access split in pieces is one) */
    uint64_t l1_hits[3], l1_snoop_hits;                /* hits by state S, E, M; snoop hits */
};

/* How a run ended. */
enum vm_run_end {
    VM_RUN_COMPLETE,      /* the workload finished by itself (finite input replayed whole) */
    VM_RUN_BUDGET,        /* the cycle budget stopped it (then the request in flight was drained) */
    VM_RUN_INTERRUPTED,   /* the caller's stop flag stopped it at a cycle boundary */
    VM_RUN_MISMATCH,      /* the checker failed: lockstep mismatch or RTL assertion (vm_sim_report) */
};
/* "complete", "budget", "interrupted", "mismatch". */
const char *vm_run_end_name(enum vm_run_end e);

struct vm_run_result {
    int mismatch;                 /* 1 when the checker failed (report: vm_sim_report) */
    enum vm_run_end end;
    int counters_read;            /* 1 when core[] and total were read through the CSR ports at the end (a
                                     run stopped by a mismatch never reads them: they are unknown, not 0) */
    uint64_t cycles, cycles_checked, mismatches;
    unsigned cores;
    struct vm_core_counters core[VM_MAX_CORES];
    struct vm_core_counters total;   /* summed over the cores */
    uint64_t bus[7];              /* bus transactions granted, by VM_BUS_* (observed, every master) */
    uint64_t walker_bus_reads;    /* RdNA of the cores' walkers (PTE reads that missed their L1) */
    uint64_t bus_supplied;        /* transactions served by a dirty line another cache supplied */
    uint64_t dma_lines_read, dma_lines_written;
    uint64_t mem_row_hits, mem_row_misses;   /* mem.row=open: memory accesses that hit / missed the open row */
    double seconds;               /* wall time of the cycle loop */
};

/* Runs wl on sim until it finishes or max_cycles cycles have passed (then drains the request in flight);
 * r->end says which. Returns 0, or 1 on a lockstep mismatch. */
int vm_run(struct vm_sim *sim, struct vm_workload *wl, uint64_t max_cycles, struct vm_run_result *r);

/* Called now and then during a run (every 2^16 loop turns): cycles so far, the budget, requests accepted. */
typedef void (*vm_progress_fn)(void *ctx, uint64_t cycles, uint64_t max_cycles, uint64_t requests);

/* What the caller may add to a run; every field may be zero/NULL. */
struct vm_run_ctl {
    vm_progress_fn progress;      /* the progress callback and its context */
    void *ctx;
    const volatile int *stop;     /* read at every cycle boundary: nonzero stops the run (VM_RUN_INTERRUPTED;
                                     as at the budget, the request in flight is drained and the counters read) */
};
/* vm_run with the caller's controls (ctl may be NULL). max_cycles UINT64_MAX: no budget. */
int vm_run_ctl(struct vm_sim *sim, struct vm_workload *wl, uint64_t max_cycles, struct vm_run_result *r,
               const struct vm_run_ctl *ctl);

#ifdef __cplusplus
}
#endif

#endif
