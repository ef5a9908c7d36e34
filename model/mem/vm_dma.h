/* SPDX-License-Identifier: MIT */
/* Page DMA engine model: twin of rtl/mem/vm_dma.sv. */
#ifndef VM_DMA_MODEL_H
#define VM_DMA_MODEL_H

#include <stdbool.h>
#include <stdint.h>

enum vm_dma_state { DMA_IDLE, DMA_READ, DMA_WRITE };

struct vm_dma {
    unsigned line_words, page_lines;
    uint64_t mem_bytes;       /* page addresses wrap here */
    enum vm_dma_state state;
    unsigned op, line;
    uint64_t src, dst;        /* page addresses */
    uint64_t data[8];         /* a copied line between its read and its write */
    uint64_t buf[512];        /* the swap buffer */
    uint64_t zero_line[8];    /* what ZERO writes (never written) */
};

struct vm_dma_out {
    bool ready, bus_req;
    unsigned bus_type;
    uint64_t bus_addr;
    const uint64_t *bus_line; /* WLI: the line to write, inside the engine (valid until vm_dma_next) */
};

void vm_dma_init(struct vm_dma *d, unsigned line_words, uint64_t mem_bytes);
void vm_dma_outputs(const struct vm_dma *d, struct vm_dma_out *o);
/* Moves the engine across the edge; returns true in the cycle its command completes. */
bool vm_dma_next(struct vm_dma *d, bool cmd_valid, unsigned op, uint64_t src, uint64_t dst, bool bus_done,
                 const uint64_t *bus_line, bool buf_we, unsigned buf_addr, uint64_t buf_wdata);

#endif
