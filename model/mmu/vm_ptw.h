/* SPDX-License-Identifier: MIT */
/* Page-table walker model: twin of rtl/mmu/vm_ptw.sv. */
#ifndef VM_PTW_MODEL_H
#define VM_PTW_MODEL_H

#include "vm_mmu_rules.h"

enum vm_ptw_state { PTW_IDLE, PTW_REQ, PTW_WAIT, PTW_CAS_REQ, PTW_CAS_WAIT };

struct vm_ptw {
    enum vm_ptw_state state;
    uint32_t vpn;
    uint16_t asid;
    uint64_t root, base;
    unsigned op, level;
    bool priv_s, sum, mxr, adhw, sv32, g;
    uint64_t pte, new_pte;
    uint64_t walks, walk_cycles, pte_reads;
};

struct vm_ptw_start {
    uint32_t vpn;
    uint16_t asid;
    uint64_t root_ppn;
    unsigned op;
    bool priv_s, sum, mxr, adhw, sv32;
};

/* The walker's combinational outputs for one cycle. */
struct vm_ptw_out {
    bool done, fault;
    unsigned cause;
    struct vm_tlb_entry entry;
    bool mem_req_valid;
    unsigned mem_req_op;
    uint8_t mem_req_strb;
    uint64_t mem_req_addr, mem_req_wdata, mem_req_cmp;
    /* internal decisions used by vm_ptw_next */
    bool descend, cas_start, cas_retry, need_d;
    uint64_t pte, pte_ppn;
};

void vm_ptw_outputs(const struct vm_ptw *p, uint64_t mem_bytes, bool mem_resp_valid, uint64_t mem_resp_rdata,
                    struct vm_ptw_out *o);
void vm_ptw_next(struct vm_ptw *p, const struct vm_ptw_out *o, bool start, const struct vm_ptw_start *s,
                 bool mem_req_ready, bool mem_resp_valid);

#endif
