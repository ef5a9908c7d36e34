/* SPDX-License-Identifier: MIT */
/* seq and stride: address spaces of 4 KiB user pages, one per core, walked in order (seq) or a page apart
 * (stride). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "workload_impl.h"

#define REGION_VA 0x10000000ull
#define MAX_PAGES 256

/* One process per core: its own pages, page table and ASID (core + 1), walked from its own start. */
struct proc {
    uint64_t region;            /* base address the accesses use (VA, or PA in bare mode) */
    struct vm_action boot[4];
    unsigned nboot, booted;
    uint64_t i;
};

struct basic {
    struct vm_config cfg;
    uint64_t seed;
    bool stride;
    unsigned npages;            /* per process */
    struct proc p[VM_MAX_CORES];
};

static void *create(const struct vm_config *cfg, uint64_t seed, bool stride)
{
    struct basic *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->cfg = *cfg;
    b->seed = seed;
    b->stride = stride;
    /* Half of memory at most, shared among the processes, so page tables always fit. */
    uint64_t pages = cfg->mem_size / 4096 / 2 / cfg->cores;
    b->npages = pages < MAX_PAGES ? (unsigned)pages : MAX_PAGES;
    return b;
}

static void *create_seq(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    void *b = create(cfg, seed, false);
    if (!b)
        snprintf(err, errlen, "out of host memory");
    return b;
}

static void *create_stride(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    void *b = create(cfg, seed, true);
    if (!b)
        snprintf(err, errlen, "out of host memory");
    return b;
}

static void destroy(void *st) { free(st); }

static int build_proc(struct basic *b, unsigned core, struct vm_image *img)
{
    struct proc *p = &b->p[core];
    bool bare = b->cfg.mode == VM_MODE_BARE;
    unsigned mode = bare ? VM_SATP_MODE_BARE : b->cfg.mode == VM_MODE_SV32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
    /* Software-managed A/D (vm.ad=fault): pages start accessed and dirty, as a kernel that maps eagerly
     * would set them. Hardware A/D: they start clear and the walker sets them on first touch. */
    unsigned ad = b->cfg.ad == VM_AD_FAULT ? (1u << VM_PTE_A) | (1u << VM_PTE_D) : 0;
    unsigned flags = (1u << VM_PTE_R) | (1u << VM_PTE_W) | (1u << VM_PTE_U) | ad;
    uint64_t first_frame = 0, root = 0;
    if (!bare && !(root = vm_image_alloc_page(img)))
        return -1;
    for (unsigned pg = 0; pg < b->npages; pg++) {
        uint64_t frame = vm_image_alloc_page(img);
        if (!frame)
            return -1;
        if (!pg)
            first_frame = frame;
        /* Recognisable initial data: each word holds its own physical address. */
        for (unsigned w = 0; w < 512; w++)
            img->words[(frame << 9) + w] = (frame << 12) + 8 * w;
        if (!bare && vm_image_map(img, root, REGION_VA + 4096ull * pg, 0, frame, flags))
            return -1;
    }
    p->region = bare ? first_frame << 12 : REGION_VA;
    p->nboot = vm_boot_actions(&b->cfg, b->seed + core, 0, vm_satp(mode, core + 1, root), p->boot);
    return 0;
}

static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    struct basic *b = st;
    for (unsigned c = 0; c < b->cfg.cores; c++)
        if (build_proc(b, c, img)) {
            snprintf(err, errlen, "mem.size=%llu is too small for this workload", (unsigned long long)b->cfg.mem_size);
            return -1;
        }
    return 0;
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    struct basic *b = st;
    struct proc *p = &b->p[core];
    if (p->booted < p->nboot) {
        *a = p->boot[p->booted++];
        return;
    }
    uint64_t bytes = 4096ull * b->npages;
    uint64_t off = b->stride ? (p->i * (4096 + 64)) % bytes : (p->i * 8) % bytes;
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_REQ;
    a->op = (p->i % 4 == 3) ? VM_OP_STORE : VM_OP_LOAD;
    a->size = 3;
    a->addr = p->region + off;
    a->wdata = p->i * 0x9E3779B97F4A7C15ull;
    p->i++;
}

const struct vm_workload_ops vm_wl_seq = {
    .name = "seq", .description = "8-byte loads (every 4th a store) through up to 256 pages in address order, "
                                  "wrapping: a process per core, each over its own pages",
    .create = create_seq, .destroy = destroy, .build = build, .next = next,
};

const struct vm_workload_ops vm_wl_stride = {
    .name = "stride", .description = "8-byte accesses one page + 64 bytes apart over up to 256 pages: a TLB miss "
                                     "per access once the pages outnumber the TLB; a process per core",
    .create = create_stride, .destroy = destroy, .build = build, .next = next,
};
