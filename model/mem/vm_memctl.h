/* SPDX-License-Identifier: MIT */
/* Memory controller model: twin of rtl/mem/vm_memctl.sv (line-wide storage, fixed latency or open-row DRAM
 * timing, RMW). */
#ifndef VM_MEMCTL_MODEL_H
#define VM_MEMCTL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <vmcosim/contract.h>

struct vm_memctl {
    uint64_t *words;       /* the physical memory, word by word */
    uint64_t nwords;       /* power of two */
    unsigned line_words, latency, count;
    uint64_t line[8];      /* the line as accepted (after the write) */
    bool rmw;
    uint64_t index;        /* first word of the line */
    unsigned word;
    uint64_t cmp, wdata;
    uint8_t strb;
    /* Open-row timing (row_open; otherwise every access takes latency): bank = (a >> row_shift) mod
     * 2^bank_bits, row = a >> (row_shift + bank_bits) for the byte address a as memory uses it; each bank
     * holds one open row (bank_open, bank_row). */
    bool row_open;
    unsigned row_shift, bank_bits, row_hit, row_miss;
    bool bank_open[VM_MEMROW_MAX_BANKS];
    uint64_t bank_row[VM_MEMROW_MAX_BANKS];
};

struct vm_memctl_req {
    bool valid, write, rmw;
    uint64_t addr, cmp, wdata;
    unsigned word;
    uint8_t strb;
    const uint64_t *line;
};

/* What vm_memctl_step did with the open-row model (the observation's bus_mem_row_hit / _miss). */
enum vm_memctl_row { VM_MEMCTL_ROW_NONE, VM_MEMCTL_ROW_HIT, VM_MEMCTL_ROW_MISS };

static inline bool vm_memctl_ready(const struct vm_memctl *m) { return m->count == 0; }
static inline bool vm_memctl_resp_valid(const struct vm_memctl *m) { return m->count == 1; }
static inline uint64_t vm_memctl_resp_word(const struct vm_memctl *m) { return m->line[m->word]; }

/* Moves the controller across one edge with request r. Returns VM_MEMCTL_ROW_HIT or _MISS when it accepted
 * r with the open-row model on, else VM_MEMCTL_ROW_NONE. */
enum vm_memctl_row vm_memctl_step(struct vm_memctl *m, const struct vm_memctl_req *r);

#endif
