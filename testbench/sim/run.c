/* SPDX-License-Identifier: MIT */
/* The run loop shared by the CLI, the benchmark and the tests (include/vmcosim/run.h). */
#define _POSIX_C_SOURCE 200809L
#include <vmcosim/contract.h>
#include <vmcosim/run.h>

#include <stddef.h>
#include <string.h>
#include <time.h>

#define DRAIN_LIMIT 100000  /* cycles allowed for the request in flight to finish */

/* Reads the perf counters through every core's CSR port, one counter per cycle. Returns 0, or 1 on a
 * mismatch. */
static int read_counters(struct vm_sim *sim, struct vm_run_result *r)
{
#define CTR(csr, field) {csr, offsetof(struct vm_core_counters, field)}
    static const struct { unsigned csr; size_t offset; } kCounters[] = {
        CTR(VM_CSR_PERF_LOADS, loads), CTR(VM_CSR_PERF_STORES, stores),
        CTR(VM_CSR_PERF_TLB_LOOKUPS, tlb_lookups), CTR(VM_CSR_PERF_TLB_MISSES, tlb_misses),
        CTR(VM_CSR_PERF_PTW_WALKS, ptw_walks), CTR(VM_CSR_PERF_PTW_WALK_CYCLES, ptw_walk_cycles),
        CTR(VM_CSR_PERF_PTW_PTE_READS, ptw_pte_reads), CTR(VM_CSR_PERF_L1_ACCESSES, l1_accesses),
        CTR(VM_CSR_PERF_L1_MISSES, l1_misses), CTR(VM_CSR_PERF_L1_WRITEBACKS, l1_writebacks),
        CTR(VM_CSR_PERF_L1_HITS_S, l1_hits[0]), CTR(VM_CSR_PERF_L1_HITS_E, l1_hits[1]),
        CTR(VM_CSR_PERF_L1_HITS_M, l1_hits[2]), CTR(VM_CSR_PERF_L1_SNOOP_HITS, l1_snoop_hits),
    };
#undef CTR
    for (unsigned i = 0; i < sizeof kCounters / sizeof kCounters[0]; i++) {
        struct vm_in in;
        struct vm_obs obs = {0};
        memset(&in, 0, sizeof in);
        for (unsigned c = 0; c < r->cores; c++)
            in.core[c].csr_addr = (uint8_t)kCounters[i].csr;
        if (vm_sim_step(sim, &in, &obs))
            return 1;
        uint64_t *total = (uint64_t *)((char *)&r->total + kCounters[i].offset);
        for (unsigned c = 0; c < r->cores; c++) {
            *(uint64_t *)((char *)&r->core[c] + kCounters[i].offset) = obs.core[c].csr_rdata;
            *total += obs.core[c].csr_rdata;
        }
    }
    return 0;
}

/* Bus statistics from the observation (the same on every engine). */
static void count_bus(struct vm_run_result *r, const struct vm_obs *o)
{
    if (!o->bus_grant_valid)
        return;
    r->bus[o->bus_grant_type % 7]++;
    r->mem_row_hits += o->bus_mem_row_hit;   /* the controller accepts at the grant */
    r->mem_row_misses += o->bus_mem_row_miss;
    /* memory written by a grant that is not the requester's own line: a snooped dirty line supplied */
    r->bus_supplied += o->bus_mem_write && o->bus_grant_type != VM_BUS_WB && o->bus_grant_type != VM_BUS_WLI;
    if (o->bus_grant_master == r->cores) {   /* the DMA engine */
        r->dma_lines_read += o->bus_grant_type == VM_BUS_RDNA;
        r->dma_lines_written += o->bus_grant_type == VM_BUS_WLI;
    } else {
        r->walker_bus_reads += o->bus_grant_type == VM_BUS_RDNA;
    }
}

const char *vm_run_end_name(enum vm_run_end e)
{
    switch (e) {
    case VM_RUN_COMPLETE: return "complete";
    case VM_RUN_BUDGET: return "budget";
    case VM_RUN_INTERRUPTED: return "interrupted";
    case VM_RUN_MISMATCH: return "mismatch";
    }
    return "?";
}

int vm_run(struct vm_sim *sim, struct vm_workload *wl, uint64_t max_cycles, struct vm_run_result *r)
{
    return vm_run_ctl(sim, wl, max_cycles, r, NULL);
}

int vm_run_ctl(struct vm_sim *sim, struct vm_workload *wl, uint64_t max_cycles, struct vm_run_result *r,
               const struct vm_run_ctl *ctl)
{
    static const volatile int kNoStop = 0;
    vm_progress_fn progress = ctl ? ctl->progress : NULL;
    void *ctx = ctl ? ctl->ctx : NULL;
    const volatile int *stop = ctl && ctl->stop ? ctl->stop : &kNoStop;
    uint32_t turns = 0;
    struct timespec t0, t1;
    struct vm_in in;
    struct vm_obs obs = {0};
    const struct vm_obs *prev = NULL;
    int mismatch = 0;
    memset(r, 0, sizeof *r);
    r->cores = vm_sim_cores(sim);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    while (!mismatch && vm_sim_cycles(sim) < max_cycles && !vm_workload_done(wl) && !*stop) {
        vm_workload_next(wl, prev, &in);
        /* Model engine: while the driver holds a request and writes no CSR, jump over the cycles in which
         * only countdowns run (the same result, cycle for cycle), keeping this cycle's step in budget. */
        if (vm_workload_holding(wl))
            vm_workload_skip(wl, vm_sim_skip_quiet(sim, &in, max_cycles - vm_sim_cycles(sim) - 1));
        mismatch = vm_sim_step(sim, &in, &obs);
        prev = &obs;
        count_bus(r, &obs);
        if (progress && !(++turns & 0xFFFF))
            progress(ctx, vm_sim_cycles(sim), max_cycles, vm_workload_stats(wl)->requests);
    }
    if (mismatch)
        r->end = VM_RUN_MISMATCH;
    else if (vm_workload_done(wl))
        r->end = VM_RUN_COMPLETE;
    else
        r->end = *stop ? VM_RUN_INTERRUPTED : VM_RUN_BUDGET;
    /* Issue nothing new; let the request in flight finish. */
    vm_workload_drain(wl);
    for (unsigned i = 0; !mismatch && !vm_workload_idle(wl) && i < DRAIN_LIMIT; i++) {
        vm_workload_next(wl, prev, &in);
        mismatch = vm_sim_step(sim, &in, &obs);
        prev = &obs;
        count_bus(r, &obs);
    }
    if (!mismatch) {
        vm_workload_next(wl, prev, &in); /* takes in the last response */
        mismatch = read_counters(sim, r);
        r->counters_read = !mismatch;
    }
    if (!mismatch)
        mismatch = vm_sim_finish(sim);
    if (mismatch)
        r->end = VM_RUN_MISMATCH;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    r->seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    r->mismatch = mismatch;
    r->cycles = vm_sim_cycles(sim);
    r->cycles_checked = vm_sim_cycles_checked(sim);
    r->mismatches = vm_sim_mismatches(sim);
    return mismatch;
}
