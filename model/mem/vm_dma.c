/* SPDX-License-Identifier: MIT */
/* Page DMA engine model: twin of rtl/mem/vm_dma.sv. */
#include "vm_dma.h"

#include <string.h>

#include <vmcosim/contract.h>

void vm_dma_init(struct vm_dma *d, unsigned line_words, uint64_t mem_bytes)
{
    memset(d, 0, sizeof *d);
    d->line_words = line_words;
    d->mem_bytes = mem_bytes;
    d->page_lines = 4096 / (line_words * 8);
}

void vm_dma_outputs(const struct vm_dma *d, struct vm_dma_out *o)
{
    o->ready = d->state == DMA_IDLE;
    o->bus_req = d->state != DMA_IDLE;
    o->bus_line = NULL;
    if (o->ready)
        return;   /* nothing else is read of an idle engine */
    o->bus_type = d->state == DMA_READ ? VM_BUS_RDNA : VM_BUS_WLI;
    uint64_t page = d->state == DMA_READ ? d->src : d->dst;
    o->bus_addr = page | ((uint64_t)d->line * d->line_words * 8);
    if (d->state != DMA_WRITE)
        return;
    if (d->op == VM_DMA_COPY)
        o->bus_line = d->data;
    else if (d->op == VM_DMA_ZERO)
        o->bus_line = d->zero_line;
    else
        o->bus_line = &d->buf[d->line * d->line_words];
}

bool vm_dma_next(struct vm_dma *d, bool cmd_valid, unsigned op, uint64_t src, uint64_t dst, bool bus_done,
                 const uint64_t *bus_line, bool buf_we, unsigned buf_addr, uint64_t buf_wdata)
{
    bool done = false, last = d->line == d->page_lines - 1;
    bool buf_line_write = d->state == DMA_READ && bus_done && d->op == VM_DMA_TO_BUF;
    if (buf_line_write)
        memcpy(&d->buf[d->line * d->line_words], bus_line, d->line_words * sizeof(uint64_t));
    else if (buf_we)
        d->buf[buf_addr & 511] = buf_wdata;
    switch (d->state) {
    case DMA_IDLE:
        if (cmd_valid) {
            d->op = op;
            d->src = src & ~0xFFFull & (d->mem_bytes - 1);
            d->dst = dst & ~0xFFFull & (d->mem_bytes - 1);
            d->line = 0;
            d->state = op == VM_DMA_COPY || op == VM_DMA_TO_BUF ? DMA_READ : DMA_WRITE;
        }
        break;
    case DMA_READ:
        if (bus_done) {
            memcpy(d->data, bus_line, d->line_words * sizeof(uint64_t));
            if (d->op == VM_DMA_COPY) {
                d->state = DMA_WRITE;
            } else {
                d->line = (d->line + 1) % d->page_lines;
                if (last) {
                    done = true;
                    d->state = DMA_IDLE;
                }
            }
        }
        break;
    case DMA_WRITE:
        if (bus_done) {
            d->line = (d->line + 1) % d->page_lines;
            if (last) {
                done = true;
                d->state = DMA_IDLE;
            } else {
                d->state = d->op == VM_DMA_COPY ? DMA_READ : DMA_WRITE;
            }
        }
        break;
    }
    return done;
}
