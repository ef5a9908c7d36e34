/* SPDX-License-Identifier: MIT */
/* Built-in workloads: an initial memory image (page tables, data) and a driver that turns a stream of
 * actions (port requests, CSR writes) into per-cycle inputs, following valid/ready. */
#ifndef VMCOSIM_WORKLOAD_H
#define VMCOSIM_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "image.h"
#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vm_workload;

struct vm_workload_stats {
    uint64_t requests;       /* accepted by the port */
    uint64_t by_op[3];       /* accepted, by VM_OP_* */
    uint64_t responses;
    uint64_t faults;
    uint64_t by_cause[16];   /* faults by VM_CAUSE_* */
    uint64_t csr_writes;
    uint64_t sfences;
    uint64_t satp_writes;
    uint64_t dma_commands;
};

/* Creates the workload `name` for *cfg. Returns NULL with a message in err for an unknown name or a
 * configuration the workload cannot run on. */
struct vm_workload *vm_workload_new(const char *name, const struct vm_config *cfg, uint64_t seed, char *err,
                                    size_t errlen);
/* A real program's trace (Lackey or din, .gz too) as one process. Returns NULL with a message (file:line
 * for malformed input or addresses outside the scheme's range). */
struct vm_workload *vm_workload_new_trace(const char *path, const struct vm_config *cfg, uint64_t seed, char *err,
                                          size_t errlen);
/* n traces (1..VM_MAX_TRACES), one process each with its own page table and ASID: trace i runs on core
 * i mod cores, and the traces of a core share it round-robin. */
#define VM_MAX_TRACES 64
struct vm_workload *vm_workload_new_traces(const char *const *paths, unsigned n, const struct vm_config *cfg,
                                           uint64_t seed, char *err, size_t errlen);
void vm_workload_free(struct vm_workload *w);

/* Writes the workload's initial image (page tables and data) into img. Returns 0, or -1 with a message. */
int vm_workload_build(struct vm_workload *w, struct vm_image *img, char *err, size_t errlen);

/* Inputs for the next cycle (every core's port, the DMA and buffer ports), given the observation of the
 * previous cycle (NULL before the first). */
void vm_workload_next(struct vm_workload *w, const struct vm_obs *prev, struct vm_in *in);

/* True once the workload has nothing more to issue and its last request has been answered
 * (open-ended workloads never finish by themselves). */
int vm_workload_done(const struct vm_workload *w);
/* Stops issuing new actions (the one in flight completes). */
void vm_workload_drain(struct vm_workload *w);
/* True while the driver's inputs are steady: no core would take a new action (each has a request offered
 * and waiting for acceptance, or waits for the DMA port, or has ended) and the DMA port would take no new
 * command. Until an observation shows an acceptance, a response, DMA readiness or completion, the driver
 * then changes nothing but the read selects (the perf counter on the CSR ports, the swap-buffer word). */
int vm_workload_holding(const struct vm_workload *w);
/* Accounts for n cycles skipped while holding (vm_sim_skip_quiet). */
void vm_workload_skip(struct vm_workload *w, uint64_t n);
/* True when no request is waiting for acceptance or a response. */
int vm_workload_idle(const struct vm_workload *w);

/* The firmware kernel's statistics (the "vm" statistics; all zero, has_kernel false, for workloads that run
 * without the kernel). */
struct vm_vm_stats {
    uint64_t page_faults, zero_fills, major_faults, cow_faults, ad_faults;
    uint64_t swap_outs, swap_ins, evictions, oom_kills, segfaults, shootdowns;
    uint64_t free_frames, swap_used, forks;
    uint64_t pff_windows, thrashing_windows, pff_max, ws_max;   /* thrashing detection (firmware/kernel.h) */
    uint64_t cow_copies, cow_reuses, file_reads, file_writebacks, fault_around_maps, asid_wraps;
    /* the buddy allocator at the end: free blocks per order 0..10, Linux's unusable-free-space and extfrag
     * indices per order (x1000, mm/vmstat.c) */
    uint64_t buddy_free_blocks[11];
    int buddy_unusable[11], buddy_extfrag[11];
    /* slab caches (processes, shared segments): name, active and total objects, object size, slabs */
    struct { char name[32]; uint64_t active_objs, num_objs, objsize, num_slabs; } slab[2];
    bool has_kernel;
};
void vm_workload_vm_stats(const struct vm_workload *w, struct vm_vm_stats *out);

/* Driver statistics summed over the cores, and of one core. */
const struct vm_workload_stats *vm_workload_stats(const struct vm_workload *w);
const struct vm_workload_stats *vm_workload_core_stats(const struct vm_workload *w, unsigned core);

/* The workload's own end-of-run verdict (e.g. a litmus test's forbidden outcome): 0, or -1 with a
 * message in err. */
int vm_workload_check(const struct vm_workload *w, char *err, size_t errlen);
/* The workload's own report (e.g. a litmus outcome histogram), if it has one. */
void vm_workload_report(const struct vm_workload *w, FILE *f);

/* For workloads of known length (traces): accesses issued so far and in all; returns 0, or -1 when the
 * workload is open-ended or does not know. */
int vm_workload_progress(const struct vm_workload *w, uint64_t *done, uint64_t *total);

/* True when the workload ends by itself (traces, litmus, refs:, fork-cow, lazy, NAME:ROUNDS); false for the
 * open-ended ones, which repeat until the cycle budget. */
int vm_workload_finite(const struct vm_workload *w);

/* A real program's trace replayed as a process. */
struct vm_workload_trace {
    const char *path;
    uint64_t accesses_replayed;   /* data accesses issued so far (each one answered once the run drained) */
    uint64_t accesses_total;      /* data accesses in the file */
    uint64_t pages;               /* distinct pages it touches */
};
/* The workload's traces (none for the built-in workloads): fills out[0..max-1] and returns how many there
 * are. */
unsigned vm_workload_traces(const struct vm_workload *w, struct vm_workload_trace *out, unsigned max);

/* Prints "name  description" for every workload. */
void vm_workload_list(FILE *f);

#ifdef __cplusplus
}
#endif

#endif
