/* SPDX-License-Identifier: MIT */
/* The HAL on a host array (firmware/hal.h): the same semantics as the hardware, no cycles. */
#include "hal.h"

#include <stdlib.h>
#include <string.h>

#include <vmcosim/contract.h>

#define HOST_MAX_CORES 4

struct fw_hal_host {
    struct fw_hal *hal;
    uint64_t *words;
    uint64_t nwords;
    uint64_t csr[HOST_MAX_CORES][32];
    uint64_t buf[VM_DMA_BUF_WORDS];
    uint64_t calls;
};

/* The word holding pa, or NULL (and the HAL marked failed) when pa is outside memory. */
static uint64_t *word_at(struct fw_hal_host *h, uint64_t pa)
{
    h->calls++;
    if ((pa >> 3) >= h->nwords) {
        h->hal->failed = true;
        return NULL;
    }
    return &h->words[pa >> 3];
}

static uint64_t size_mask(unsigned size) { return size >= 3 ? ~0ull : (1ull << (8u << size)) - 1; }

static uint64_t host_load(void *ctx, unsigned core, uint64_t pa, unsigned size)
{
    (void)core;
    uint64_t *w = word_at(ctx, pa);
    return w ? (*w >> (8 * (pa & 7))) & size_mask(size) : 0;
}

static void host_store(void *ctx, unsigned core, uint64_t pa, unsigned size, uint64_t value)
{
    (void)core;
    uint64_t *w = word_at(ctx, pa);
    if (!w)
        return;
    unsigned shift = 8 * (unsigned)(pa & 7);
    uint64_t m = size_mask(size) << shift;
    *w = (*w & ~m) | ((value << shift) & m);
}

static uint64_t host_csr_read(void *ctx, unsigned core, unsigned csr)
{
    struct fw_hal_host *h = ctx;
    h->calls++;
    return h->csr[core % HOST_MAX_CORES][csr & 31];
}

static void host_csr_write(void *ctx, unsigned core, unsigned csr, uint64_t value)
{
    struct fw_hal_host *h = ctx;
    h->calls++;
    h->csr[core % HOST_MAX_CORES][csr & 31] = value;
}

static void host_dma(void *ctx, unsigned core, unsigned op, uint64_t src, uint64_t dst)
{
    (void)core;
    struct fw_hal_host *h = ctx;
    uint64_t *s = word_at(h, src & ~0xFFFull), *d = word_at(h, dst & ~0xFFFull);
    if ((op == VM_DMA_COPY || op == VM_DMA_TO_BUF) && (!s || (src >> 3) + VM_DMA_BUF_WORDS > h->nwords))
        return;
    if (op != VM_DMA_TO_BUF && (!d || (dst >> 3) + VM_DMA_BUF_WORDS > h->nwords))
        return;
    switch (op) {
    case VM_DMA_ZERO: memset(d, 0, 4096); break;
    case VM_DMA_COPY: memmove(d, s, 4096); break;
    case VM_DMA_TO_BUF: memcpy(h->buf, s, 4096); break;
    case VM_DMA_FROM_BUF: memcpy(d, h->buf, 4096); break;
    default: h->hal->failed = true; break;
    }
}

static uint64_t host_buf_read(void *ctx, unsigned core, unsigned word)
{
    (void)core;
    struct fw_hal_host *h = ctx;
    h->calls++;
    return h->buf[word % VM_DMA_BUF_WORDS];
}

static void host_buf_write(void *ctx, unsigned core, unsigned word, uint64_t value)
{
    (void)core;
    struct fw_hal_host *h = ctx;
    h->calls++;
    h->buf[word % VM_DMA_BUF_WORDS] = value;
}

static const struct fw_hal_ops kHostOps = {
    host_load, host_store, host_csr_read, host_csr_write, host_dma, host_buf_read, host_buf_write,
};

struct fw_hal_host *fw_hal_host_new(uint64_t *words, uint64_t nwords, unsigned cores, struct fw_hal *out)
{
    struct fw_hal_host *h = calloc(1, sizeof *h);
    if (!h || !cores || cores > HOST_MAX_CORES) {
        free(h);
        return NULL;
    }
    h->words = words;
    h->nwords = nwords;
    h->hal = out;
    *out = (struct fw_hal){&kHostOps, h, cores, false};
    return h;
}

void fw_hal_host_free(struct fw_hal_host *h) { free(h); }

uint64_t fw_hal_host_calls(const struct fw_hal_host *h) { return h->calls; }
