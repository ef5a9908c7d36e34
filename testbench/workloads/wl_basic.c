/* seq and stride: one address space of 4 KiB user pages walked in order (seq) or a page apart (stride). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "workload_impl.h"

#define REGION_VA 0x10000000ull
#define MAX_PAGES 256

struct basic {
    struct vm_config cfg;
    uint64_t seed;
    bool stride;
    unsigned npages;
    uint64_t region;            /* base address the accesses use (VA, or PA in bare mode) */
    struct vm_action boot[4];
    unsigned nboot, booted;
    uint64_t i;
    uint64_t root;
};

static void *create(const struct vm_config *cfg, uint64_t seed, bool stride)
{
    struct basic *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->cfg = *cfg;
    b->seed = seed;
    b->stride = stride;
    /* Half of memory at most, so page tables always fit. */
    uint64_t pages = cfg->mem_size / 4096 / 2;
    b->npages = pages < MAX_PAGES ? (unsigned)pages : MAX_PAGES;
    return b;
}

static void *create_seq(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    void *b = create(cfg, seed, false);
    if (!b)
        snprintf(err, errlen, "out of memory");
    return b;
}

static void *create_stride(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    void *b = create(cfg, seed, true);
    if (!b)
        snprintf(err, errlen, "out of memory");
    return b;
}

static void destroy(void *st) { free(st); }

static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    struct basic *b = st;
    bool bare = b->cfg.mode == VM_MODE_BARE;
    unsigned mode = bare ? VM_SATP_MODE_BARE : b->cfg.mode == VM_MODE_SV32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
    /* Software-managed A/D (vm.ad=fault): pages start accessed and dirty, as a kernel that maps eagerly
     * would set them. Hardware A/D: they start clear and the walker sets them on first touch. */
    unsigned ad = b->cfg.ad == VM_AD_FAULT ? (1u << VM_PTE_A) | (1u << VM_PTE_D) : 0;
    unsigned flags = (1u << VM_PTE_R) | (1u << VM_PTE_W) | (1u << VM_PTE_U) | ad;
    uint64_t first_frame = 0;
    if (!bare && !(b->root = vm_image_alloc_page(img)))
        goto full;
    for (unsigned p = 0; p < b->npages; p++) {
        uint64_t frame = vm_image_alloc_page(img);
        if (!frame)
            goto full;
        if (!p)
            first_frame = frame;
        /* Recognisable initial data: each word holds its own physical address. */
        for (unsigned w = 0; w < 512; w++)
            img->words[(frame << 9) + w] = (frame << 12) + 8 * w;
        if (!bare && vm_image_map(img, b->root, REGION_VA + 4096ull * p, 0, frame, flags))
            goto full;
    }
    b->region = bare ? first_frame << 12 : REGION_VA;
    b->nboot = vm_boot_actions(&b->cfg, b->seed, 0, vm_satp(mode, 1, b->root), b->boot);
    return 0;
full:
    snprintf(err, errlen, "mem.size=%llu is too small for this workload", (unsigned long long)b->cfg.mem_size);
    return -1;
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    (void)core;
    struct basic *b = st;
    if (b->booted < b->nboot) {
        *a = b->boot[b->booted++];
        return;
    }
    uint64_t bytes = 4096ull * b->npages;
    uint64_t off = b->stride ? (b->i * (4096 + 64)) % bytes : (b->i * 8) % bytes;
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_REQ;
    a->op = (b->i % 4 == 3) ? VM_OP_STORE : VM_OP_LOAD;
    a->size = 3;
    a->addr = b->region + off;
    a->wdata = b->i * 0x9E3779B97F4A7C15ull;
    b->i++;
}

const struct vm_workload_ops vm_wl_seq = {
    .name = "seq", .description = "8-byte loads (every 4th a store) through up to 256 pages in address order, wrapping",
    .create = create_seq, .destroy = destroy, .build = build, .next = next,
};

const struct vm_workload_ops vm_wl_stride = {
    .name = "stride", .description = "8-byte accesses one page + 64 bytes apart over up to 256 pages: a TLB miss per access once "
              "the pages outnumber the TLB",
    .create = create_stride, .destroy = destroy, .build = build, .next = next,
};
