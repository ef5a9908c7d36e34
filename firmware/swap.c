/* SPDX-License-Identifier: MIT */
/* The swap device: a host temporary file of 4 KiB slots. A page moves between a frame and its slot
 * through the DMA engine's swap buffer: TO_BUF then the buffer read word by word (swap_out), or the buffer
 * written word by word then FROM_BUF (swap_in). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "kernel_impl.h"

int swap_init(struct swapdev *s, uint64_t bytes, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->slots = bytes / 4096;
    if (!s->slots)
        return 0;   /* no swap device: eviction is impossible, a full budget means OOM */
    if (!(s->in_use = calloc(s->slots, 1)) || !(s->file = tmpfile())) {
        snprintf(err, errlen, "cannot create the swap device (%llu bytes)", (unsigned long long)bytes);
        free(s->in_use);
        s->in_use = NULL;
        return -1;
    }
    return 0;
}

void swap_close(struct swapdev *s)
{
    if (s->file)
        fclose(s->file);
    free(s->in_use);
    memset(s, 0, sizeof *s);
}

/* A free slot (first fit). Returns 0, or -1 when the device is full. */
int swap_alloc(struct swapdev *s, uint64_t *slot)
{
    for (uint64_t i = 0; i < s->slots; i++) {
        if (!s->in_use[i]) {
            s->in_use[i] = 1;
            s->used++;
            *slot = i;
            return 0;
        }
    }
    return -1;
}

void swap_free(struct swapdev *s, uint64_t slot)
{
    if (slot < s->slots && s->in_use[slot]) {
        s->in_use[slot] = 0;
        s->used--;
    }
}

/* Frame pfn into slot. Returns 0, or -1 when the file or the HAL failed. */
int swap_out(struct fw_kernel *k, unsigned core, uint64_t pfn, uint64_t slot)
{
    uint64_t page[VM_DMA_BUF_WORDS];
    hal_dma(k->hal, core, VM_DMA_TO_BUF, pfn << 12, 0);
    for (unsigned w = 0; w < VM_DMA_BUF_WORDS; w++)
        page[w] = hal_buf_read(k->hal, core, w);
    if (hal_failed(k->hal) || fseek(k->swap.file, (long)(slot * 4096), SEEK_SET) ||
        fwrite(page, sizeof page, 1, k->swap.file) != 1)
        return -1;
    k->st.swap_outs++;
    return 0;
}

/* A second slot with the content of `slot` (a forked child's copy of a swapped page). Returns 0 or -1. */
int swap_dup(struct swapdev *s, uint64_t slot, uint64_t *copy)
{
    uint64_t page[512];
    if (fseek(s->file, (long)(slot * 4096), SEEK_SET) || fread(page, sizeof page, 1, s->file) != 1 ||
        swap_alloc(s, copy))
        return -1;
    if (fseek(s->file, (long)(*copy * 4096), SEEK_SET) || fwrite(page, sizeof page, 1, s->file) != 1) {
        swap_free(s, *copy);
        return -1;
    }
    return 0;
}

/* One word of a slot (host side: the device file). Returns 0 or -1. */
int swap_peek(struct swapdev *s, uint64_t slot, unsigned word, uint64_t *value)
{
    if (slot >= s->slots || !s->in_use[slot] || fseek(s->file, (long)(slot * 4096 + 8 * (word % 512)), SEEK_SET) ||
        fread(value, sizeof *value, 1, s->file) != 1)
        return -1;
    return 0;
}

/* Slot into frame pfn. Returns 0, or -1 when the file or the HAL failed. */
int swap_in(struct fw_kernel *k, unsigned core, uint64_t slot, uint64_t pfn)
{
    uint64_t page[VM_DMA_BUF_WORDS];
    if (fseek(k->swap.file, (long)(slot * 4096), SEEK_SET) || fread(page, sizeof page, 1, k->swap.file) != 1)
        return -1;
    for (unsigned w = 0; w < VM_DMA_BUF_WORDS; w++)
        hal_buf_write(k->hal, core, w, page[w]);
    hal_dma(k->hal, core, VM_DMA_FROM_BUF, 0, pfn << 12);
    if (hal_failed(k->hal))
        return -1;
    k->st.swap_ins++;
    return 0;
}
