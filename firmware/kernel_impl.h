/* SPDX-License-Identifier: MIT */
/* Inside the kernel: the structures every kernel file shares (not part of the kernel's interface). */
#ifndef FW_KERNEL_IMPL_H
#define FW_KERNEL_IMPL_H

#include <stdio.h>

#include "buddy.h"
#include "slab.h"
#include "kernel.h"

#define FW_MAX_REGIONS 8
/* PTE bit 8 (RSW, left to software by the privileged spec): a copy-on-write page, read-only until written. */
#define FW_PTE_COW (1u << 8)

/* A user page the process has touched, wherever it is now. */
enum vpage_state { VP_ZERO, VP_RESIDENT, VP_SWAPPED, VP_SHARED /* a shared segment's frame */ };
struct vpage {
    uint64_t vpn;
    enum vpage_state state;
    uint64_t pfn;         /* VP_RESIDENT */
    uint64_t slot;        /* VP_SWAPPED */
    uint64_t map_time;    /* kernel tick at which it became resident (fifo) */
    uint64_t last_use;    /* the process's access count at its last access (lru) */
    uint64_t uses;        /* accesses while resident (lfu) */
    uint8_t age;          /* aging counter (aging) */
    unsigned pins;        /* pinned (never evicted) while > 0 */
    uint64_t ws_window;   /* the thrashing-detection window of its last access (+1; 0: never) */
    bool file_shared;     /* resident page of a shared file mapping: its backing store is the file */
};

struct region {
    uint64_t start, end;  /* [start, end) */
    bool writable;
    struct fw_shm *shm;   /* an attached shared segment, or NULL (anonymous) */
    struct fw_file *file; /* a mapped host file, or NULL */
};

struct fw_file {
    FILE *f;
    uint64_t size;        /* the file's bytes when mapped */
    uint64_t offset;      /* of the region's first page in the file */
    bool shared;
    unsigned refs;        /* regions mapping it (a fork adds the child's) */
};

struct fw_shm {
    uint64_t pages;
    uint64_t *pfn;        /* per page: its frame, 0 until first touched */
    unsigned refs;
    struct fw_shm *next;  /* the kernel's list */
};

struct fw_proc {
    struct fw_kernel *k;
    struct fw_proc *next_proc;   /* the kernel's list of live processes */
    unsigned pid, asid;
    uint64_t asid_gen;    /* the ASID generation `asid` belongs to */
    uint64_t root_pfn;
    struct region regions[FW_MAX_REGIONS];
    unsigned nregions;
    struct vpage *pages;  /* every page touched, in first-touch order */
    size_t npages, cap;
    size_t find_hint;     /* the index vpage_find found last (accesses cluster in a page) */
    size_t nresident;
    uint64_t *tables;     /* page-table frames (root first) */
    size_t ntables, tcap;
    uint64_t *future;     /* opt: the page numbers of every access, in order */
    size_t nfuture;
    uint64_t accesses;    /* accesses so far (the position in future) */
    size_t clock_hand;
    uint64_t window, window_accesses, window_faults, window_ws;   /* thrashing detection */
    uint64_t last_pff, last_ws;
    bool killed;
    char report[256];
};

/* A replacement policy: picks the resident page to evict (NULL when none). */
struct fw_policy_ops {
    struct vpage *(*victim)(struct fw_kernel *k, unsigned core, struct fw_proc *p);
};

struct swapdev {
    FILE *file;
    uint64_t slots, used;
    uint8_t *in_use;
};

struct fw_kernel {
    struct fw_config cfg;
    struct fw_hal *hal;
    struct fw_buddy *buddy;
    struct fw_slab_cache *proc_cache;   /* struct fw_proc objects (their frames come from the buddy) */
    struct fw_proc *procs;              /* live processes */
    struct fw_slab_cache *shm_cache;    /* struct fw_shm objects */
    struct fw_shm *shms;                /* live segments */
    uint16_t *frame_refs;               /* per frame: mappings of a user page (copy-on-write sharing) */
    uint64_t nframes;
    uint64_t zero_pfn;
    struct swapdev swap;
    struct fw_stats st;
    const struct fw_policy_ops *policy;
    unsigned next_pid, next_asid, asid_limit;
    uint64_t asid_gen;                  /* ASIDs of older generations are stale: a switch gives a new one */
    struct fw_proc *current[8];         /* the process whose satp each core has (NULL: none) */
    uint64_t tick;
};

/* pgtable.c */
uint64_t pt_read(struct fw_kernel *k, unsigned core, uint64_t pte_pa);
void pt_write(struct fw_kernel *k, unsigned core, uint64_t pte_pa, uint64_t pte);
uint64_t pt_leaf(struct fw_kernel *k, unsigned core, struct fw_proc *p, uint64_t va, bool create);
uint64_t pt_new_table(struct fw_kernel *k, unsigned core, struct fw_proc *p);
uint64_t pte_leaf(const struct fw_kernel *k, uint64_t pfn, unsigned flags);
uint64_t pte_pfn(const struct fw_kernel *k, uint64_t pte);
void pt_shootdown(struct fw_kernel *k, struct fw_proc *p, uint64_t va);
void pt_flush_all(struct fw_kernel *k);

/* Frames (kernel.c): a zeroed frame or any frame from the buddy allocator; 0 when none */
uint64_t frame_alloc(struct fw_kernel *k);
void frame_free(struct fw_kernel *k, uint64_t pfn);
/* User frames are shared by copy-on-write: a reference more, or one less (the last frees the frame). */
void frame_get(struct fw_kernel *k, uint64_t pfn);
void frame_put(struct fw_kernel *k, uint64_t pfn);
unsigned frame_refs(const struct fw_kernel *k, uint64_t pfn);

/* swap.c */
int swap_init(struct swapdev *s, uint64_t bytes, char *err, size_t errlen);
void swap_close(struct swapdev *s);
int swap_alloc(struct swapdev *s, uint64_t *slot);
void swap_free(struct swapdev *s, uint64_t slot);
int swap_out(struct fw_kernel *k, unsigned core, uint64_t pfn, uint64_t slot);
int swap_in(struct fw_kernel *k, unsigned core, uint64_t slot, uint64_t pfn);
int swap_peek(struct swapdev *s, uint64_t slot, unsigned word, uint64_t *value);
int swap_dup(struct swapdev *s, uint64_t slot, uint64_t *copy);

/* policy.c */
const struct fw_policy_ops *policy_get(enum fw_policy p);

/* fault.c */
struct vpage *vpage_find(struct fw_proc *p, uint64_t vpn);
struct vpage *vpage_add(struct fw_proc *p, uint64_t vpn);
uint64_t frame_for(struct fw_kernel *k, unsigned core, struct fw_proc *p);
/* Any frame, evicting p's pages while memory is full (page tables: outside the budget). 0 when none. */
uint64_t frame_reclaim(struct fw_kernel *k, unsigned core, struct fw_proc *p);
/* shm.c */
void shm_get(struct fw_shm *s);
void shm_put(struct fw_kernel *k, struct fw_shm *s);
int shm_fault(struct fw_kernel *k, unsigned core, struct fw_proc *p, const struct region *r, struct vpage *v,
              uint64_t pte_pa);
/* mmap.c */
void file_get(struct fw_file *f);
void file_put(struct fw_file *f);
int file_fault(struct fw_kernel *k, unsigned core, struct fw_proc *p, const struct region *r, struct vpage *v,
               uint64_t pte_pa, bool write);
int file_evict(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v);
/* cow.c: a write to a copy-on-write page (PTE at pte_pa). Returns 0, or -1 when no frame is left. */
int cow_fault(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v, uint64_t pte_pa, uint64_t pte,
              uint64_t (*frame_for)(struct fw_kernel *, unsigned, struct fw_proc *));
int evict_one(struct fw_kernel *k, unsigned core, struct fw_proc *p);
void proc_kill(struct fw_proc *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
