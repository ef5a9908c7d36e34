/* SPDX-License-Identifier: MIT */
/* Flat physical memory model: twin of rtl/mem/vm_mem_flat.sv. */
#ifndef VM_MEM_FLAT_MODEL_H
#define VM_MEM_FLAT_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct vm_mem_flat {
    uint64_t *words;
    uint64_t nwords;     /* power of two */
    unsigned latency;
    unsigned count;      /* cycles left to the response, 0 = idle */
    uint64_t rdata;
    bool cas;
    uint64_t index, wdata, cmp;
    uint8_t strb;
};

struct vm_mem_req {
    bool valid;
    bool walk;        /* the walker's request (vm_mmu: mem_req_walk_o) */
    bool cont;        /* a data request continuing the previous access (vm_mmu: mem_req_cont_o) */
    unsigned op;
    uint8_t strb;
    uint64_t addr, wdata, cmp;
};

static inline bool vm_mem_flat_ready(const struct vm_mem_flat *m) { return m->count == 0; }
static inline bool vm_mem_flat_resp_valid(const struct vm_mem_flat *m) { return m->count == 1; }

/* Applies one cycle with request `r` (accepted when ready). */
void vm_mem_flat_step(struct vm_mem_flat *m, const struct vm_mem_req *r);

#endif
