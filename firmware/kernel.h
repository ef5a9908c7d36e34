/* SPDX-License-Identifier: MIT */
/* The vmcosim firmware kernel: demand paging, swapping with replacement policies, process address spaces
 * (Sv39, Sv32), over the buddy allocator. It runs on the host as the trap handler of the simulated cores
 * and touches the hardware only through the HAL (hal.h).
 *
 * Calls that touch the hardware take `core`, the core the kernel executes on (its ports carry the
 * traffic). The caller serialises kernel entries (one at a time: a big kernel lock) and, before a call
 * that may take a valid translation away (fw_trap, fw_proc_exit), makes sure no other core has a request
 * in flight (the other cores are stopped at a request boundary, as an IPI would stop them); the kernel
 * then shoots the translation down on every core's TLB itself. */
#ifndef FW_KERNEL_H
#define FW_KERNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"

enum fw_policy { FW_POLICY_FIFO, FW_POLICY_CLOCK, FW_POLICY_AGING, FW_POLICY_LRU, FW_POLICY_LFU, FW_POLICY_OPT };

struct fw_config {
    unsigned cores;
    bool sv32;              /* Sv32 (else Sv39) */
    bool ad_hw;             /* the walker sets A/D (else A/D faults: the kernel sets them) */
    unsigned frames;        /* resident user pages per process; 0 = limited only by memory */
    enum fw_policy policy;
    unsigned fault_around;  /* a read fault of a fresh page also maps the untouched pages of its aligned window
                             * of this many pages (power of two up to 512; 0 or 1: off) to the zero page */
    uint64_t mem_bytes;     /* physical memory (frames 1.. go to the buddy allocator; frame 0 is reserved) */
    uint64_t swap_bytes;    /* swap device size (a host temporary file), multiple of 4 KiB */
};

/* Event counts (the statistics' "vm" group plus the kernel's own). */
struct fw_stats {
    uint64_t page_faults;    /* non-present page made present: first touch (zero page or zeroed frame), swap-in */
    uint64_t zero_fills;     /* frames zeroed for a process (DMA ZERO) */
    uint64_t major_faults;   /* page faults that read the swap device */
    uint64_t cow_faults;     /* write faults on present read-only shared pages (the zero page) */
    uint64_t ad_faults;      /* A/D faults: the kernel set A (and D) */
    uint64_t swap_outs, swap_ins, evictions, oom_kills, segfaults;
    uint64_t shootdowns;     /* sfence.vma sent to a core's port */
    uint64_t pt_pages;       /* page-table pages in use */
    uint64_t kernel_calls;   /* traps, process creations and exits served */
    uint64_t forks, cow_copies, cow_reuses;   /* cow_faults = copies + reuses (the last reference kept) */
    /* Thrashing detection: page-fault frequency per window of FW_PFF_WINDOW accesses of a process, and the
     * working set (distinct pages accessed in the window). */
    uint64_t pff_windows, thrashing_windows;   /* windows seen; of them with PFF above FW_PFF_THRASH */
    uint64_t pff_max;                          /* highest PFF in faults per 1000 accesses */
    uint64_t ws_max;                           /* largest working set of a window, in pages */
    uint64_t pins;                             /* pages pinned now */
    uint64_t shm_segments;                     /* shared segments alive */
    uint64_t file_reads, file_writebacks;      /* pages read from mapped files; written back to them */
    uint64_t file_errors;                      /* write-backs that failed at exit */
    uint64_t fault_around_maps;                /* neighbours mapped by fault-around */
    uint64_t asid_wraps;                       /* ASID generations started (each a full TLB flush) */
};

#define FW_PFF_WINDOW 64    /* accesses per thrashing-detection window */
#define FW_PFF_THRASH 250   /* faults per 1000 accesses above which a window counts as thrashing */

struct fw_kernel;
struct fw_proc;
struct fw_shm;

/* Host-side setup: the buddy allocator over memory, the swap device. Nothing touches the hardware until
 * fw_kernel_boot. Returns NULL with a reason in err. */
struct fw_kernel *fw_kernel_new(const struct fw_config *cfg, struct fw_hal *hal, char *err, size_t errlen);
/* Frees the kernel's host state (processes still alive are dropped without touching the hardware). */
void fw_kernel_free(struct fw_kernel *k);
/* Boots on `core`: the shared zero page (zeroed by DMA), the cores' STATUS (user mode, A/D mode). Returns 0,
 * or -1 when a frame or the HAL failed. */
int fw_kernel_boot(struct fw_kernel *k, unsigned core);

/* A process with an empty address space (a zeroed root table, a fresh ASID). NULL when out of frames. */
struct fw_proc *fw_proc_create(struct fw_kernel *k, unsigned core);
/* Adds an anonymous region [va, va + len) (page aligned, user range of the scheme); writable or read-only.
 * Returns 0, or -1 when it overlaps another region, leaves the user range, or the table is full. */
int fw_proc_add_region(struct fw_proc *p, uint64_t va, uint64_t len, bool writable);
/* The process's future references (page numbers, in order) for the opt policy; copied. Returns 0 or -1. */
int fw_proc_set_future(struct fw_proc *p, const uint64_t *vpns, size_t n);
/* Makes p current on `core` (satp with its root and ASID). */
void fw_proc_switch_to(struct fw_kernel *k, unsigned core, struct fw_proc *p);
/* A user access of p completed: feeds the exact policies (lru, lfu, opt). */
void fw_proc_accessed(struct fw_kernel *k, struct fw_proc *p, uint64_t va);
/* Reads the 8-byte word at va (8-byte aligned) of p wherever its page is: its frame (through the HAL), its
 * swap slot, or zero for a page never written. Returns 0, or -1 when va is outside p's regions or a read
 * failed (like reading /proc/PID/mem). */
int fw_proc_read(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va, uint64_t *value);
/* A shared memory segment of `pages` pages (frames come on first touch). The caller holds one reference
 * (fw_shm_release drops it); every attach holds another until its process exits. NULL when out of memory. */
struct fw_shm *fw_shm_create(struct fw_kernel *k, uint64_t pages);
void fw_shm_release(struct fw_kernel *k, struct fw_shm *s);
/* Maps segment s read-write into p at va (page aligned) as a region of its own. Returns 0, or -1 as
 * fw_proc_add_region. */
int fw_shm_attach(struct fw_kernel *k, struct fw_proc *p, struct fw_shm *s, uint64_t va);
/* Maps [va, va + len) of p to the host file `path` from `offset` (4 KiB aligned): shared (writes reach the
 * file on eviction, fw_msync, fw_munmap and exit) or private (writes stay in the process). Pages past the
 * end of the file read as zero and are never written back. Returns 0, or -1 when the file cannot be opened
 * or the region is invalid (as fw_proc_add_region). */
int fw_mmap_file(struct fw_kernel *k, struct fw_proc *p, uint64_t va, uint64_t len, const char *path,
                 uint64_t offset, bool shared, bool writable);
/* Removes p's region that starts at va: shared file pages written back, frames and swap slots freed, the
 * translations gone from every TLB; a later access there is a segmentation fault. Returns 0, or -1 when no
 * region starts at va. */
int fw_munmap(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va);
/* Writes every resident page of p's shared writable file mappings back to its file. Returns 0 or -1. */
int fw_msync(struct fw_kernel *k, unsigned core, struct fw_proc *p);
/* Pins the page of va (8-byte aligned, inside p's regions): faults it in as a write if it is not a private
 * resident page yet, then it is never evicted until unpinned (pins nest). Returns 0, or -1 when va is
 * outside the regions (or read-only) or no frame could be found (p is then killed, as by fw_trap). */
int fw_proc_pin(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va);
/* Drops one pin of va's page. Returns 0, or -1 when it was not pinned. */
int fw_proc_unpin(struct fw_kernel *k, struct fw_proc *p, uint64_t va);
/* The process's latest page-fault frequency (faults per 1000 accesses of its last complete window) and
 * working set (pages), 0 before its first window ends. */
void fw_proc_pff(const struct fw_proc *p, uint64_t *pff, uint64_t *ws);
/* A copy-on-write child of parent (same regions; resident pages shared read-only, swapped pages copied to
 * slots of its own; every TLB forgets the parent's writable translations). NULL when out of frames or swap. */
struct fw_proc *fw_fork(struct fw_kernel *k, unsigned core, struct fw_proc *parent);
/* Frees everything p holds (frames, tables, swap slots; TLBs shot down) and the process itself. */
void fw_proc_exit(struct fw_kernel *k, unsigned core, struct fw_proc *p);

/* A fault of p's access on `core` (cause: VM_CAUSE_*, tval: the address). Returns 0 when the access can
 * be retried, -1 when p was killed (fw_proc_report says why; the caller then calls fw_proc_exit). */
int fw_trap(struct fw_kernel *k, unsigned core, struct fw_proc *p, unsigned cause, uint64_t tval);
bool fw_proc_killed(const struct fw_proc *p);
const char *fw_proc_report(const struct fw_proc *p);
unsigned fw_proc_pid(const struct fw_proc *p);
/* Resident user pages of p. */
size_t fw_proc_resident(const struct fw_proc *p);

void fw_kernel_stats(const struct fw_kernel *k, struct fw_stats *out);
/* Free frames in the buddy allocator (the census: back to its post-boot value when every process ended). */
uint64_t fw_kernel_free_frames(const struct fw_kernel *k);
/* The buddy allocator's census and fragmentation indices, and /proc/slabinfo-like figures of the kernel's
 * slab caches (index 0: processes, 1: shared segments). */
struct fw_buddy_stats;
struct fw_slab_info;
void fw_kernel_buddy_stats(const struct fw_kernel *k, struct fw_buddy_stats *out);
#define FW_KERNEL_SLABS 2
void fw_kernel_slab_info(const struct fw_kernel *k, unsigned cache, struct fw_slab_info *out);
/* Swap slots in use. */
uint64_t fw_kernel_swap_used(const struct fw_kernel *k);
/* Checks the allocator's invariants; 0, or -1 with a reason. */
int fw_kernel_check(const struct fw_kernel *k, char *err, size_t errlen);

/* Policy names, in enum order ("fifo", "clock", "aging", "lru", "lfu", "opt"). */
extern const char *const fw_policy_names[6];

#endif
