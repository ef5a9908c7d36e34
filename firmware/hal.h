/* SPDX-License-Identifier: MIT */
/* The hardware abstraction layer: the kernel's only door to the hardware.
 *
 * Every call returns when the hardware has answered. In the simulated backends a call is real traffic:
 * physical loads and stores go through core `core`'s request port in bare mode (its L1, the bus; checked
 * in lockstep), DMA commands through the page DMA engine, CSR accesses through the core's CSR port, swap
 * buffer words through the engine's buffer port; each takes cycles. The host backend (hal_host.c) does
 * the same on a host array, for fast unit tests of the algorithms.
 *
 * Contract: pa must be naturally aligned for its size (size: log2 of the bytes, 0..3) and inside memory;
 * DMA page addresses are 4 KiB aligned. A backend that cannot serve a call (a port answered with a fault,
 * the run was stopped) returns 0 / does nothing and sets *failed; the kernel checks hal_failed() where a
 * wrong value would corrupt its state. */
#ifndef FW_HAL_H
#define FW_HAL_H

#include <stdbool.h>
#include <stdint.h>

struct fw_hal_ops {
    uint64_t (*load)(void *ctx, unsigned core, uint64_t pa, unsigned size);
    void (*store)(void *ctx, unsigned core, uint64_t pa, unsigned size, uint64_t value);
    uint64_t (*csr_read)(void *ctx, unsigned core, unsigned csr);
    void (*csr_write)(void *ctx, unsigned core, unsigned csr, uint64_t value);
    /* VM_DMA_* op; returns when the engine reports the command done. */
    void (*dma)(void *ctx, unsigned core, unsigned op, uint64_t src, uint64_t dst);
    uint64_t (*buf_read)(void *ctx, unsigned core, unsigned word);
    void (*buf_write)(void *ctx, unsigned core, unsigned word, uint64_t value);
};

struct fw_hal {
    const struct fw_hal_ops *ops;
    void *ctx;
    unsigned cores;   /* the cores the HAL can reach (shootdowns write every one's CSR port) */
    bool failed;      /* set by a backend that could not serve a call */
};

static inline uint64_t hal_load(struct fw_hal *h, unsigned core, uint64_t pa, unsigned size)
{
    return h->ops->load(h->ctx, core, pa, size);
}
static inline void hal_store(struct fw_hal *h, unsigned core, uint64_t pa, unsigned size, uint64_t value)
{
    h->ops->store(h->ctx, core, pa, size, value);
}
static inline uint64_t hal_csr_read(struct fw_hal *h, unsigned core, unsigned csr)
{
    return h->ops->csr_read(h->ctx, core, csr);
}
static inline void hal_csr_write(struct fw_hal *h, unsigned core, unsigned csr, uint64_t value)
{
    h->ops->csr_write(h->ctx, core, csr, value);
}
static inline void hal_dma(struct fw_hal *h, unsigned core, unsigned op, uint64_t src, uint64_t dst)
{
    h->ops->dma(h->ctx, core, op, src, dst);
}
static inline uint64_t hal_buf_read(struct fw_hal *h, unsigned core, unsigned word)
{
    return h->ops->buf_read(h->ctx, core, word);
}
static inline void hal_buf_write(struct fw_hal *h, unsigned core, unsigned word, uint64_t value)
{
    h->ops->buf_write(h->ctx, core, word, value);
}
static inline bool hal_failed(const struct fw_hal *h) { return h->failed; }

/* The host backend: memory is `nwords` 8-byte words at `words` (owned by the caller); CSR writes are kept
 * per core (csr_read returns the last value written), sfence is a no-op. */
struct fw_hal_host;
struct fw_hal_host *fw_hal_host_new(uint64_t *words, uint64_t nwords, unsigned cores, struct fw_hal *out);
void fw_hal_host_free(struct fw_hal_host *h);
/* Counts of the calls served, for tests. */
uint64_t fw_hal_host_calls(const struct fw_hal_host *h);

#endif
