/* SPDX-License-Identifier: MIT */
/* One core's MMU model: twin of rtl/mmu/vm_mmu.sv. */
#ifndef VM_MMU_MODEL_H
#define VM_MMU_MODEL_H

#include <vmcosim/port.h>

#include "../mem/vm_mem_flat.h"
#include "vm_ptw.h"
#include "vm_tlb.h"

enum vm_mmu_state { MMU_IDLE, MMU_WALK, MMU_DATA_REQ, MMU_DATA_WAIT, MMU_FAULT };

struct vm_mmu {
    enum vm_mmu_state state;
    unsigned op, size, cause;
    bool cont;
    uint64_t vaddr, paddr, wdata;
    bool stale;
    uint64_t satp, fence_vaddr;
    uint64_t status;
    uint64_t loads, stores, lookups, misses;
    uint64_t mem_bytes;
    struct vm_tlb tlb;
    struct vm_ptw ptw;
};

/* What the memory shows the MMU this cycle. */
struct vm_mem_view {
    bool req_ready, resp_valid;
    uint64_t resp_rdata;
};

/* Returns 0, or -1 when memory is short. */
int vm_mmu_init(struct vm_mmu *m, const struct vm_hwcfg *cfg);
void vm_mmu_free(struct vm_mmu *m);
/* One cycle: writes the request port and TLB fields of *obs (when obs is not NULL; the memory port, L1 and
 * CSR read port fields are the top's) and the memory request *mreq, then moves the MMU's state across the
 * clock edge. */
void vm_mmu_cycle(struct vm_mmu *m, const struct vm_core_in *in, const struct vm_mem_view *mv,
                  struct vm_mem_req *mreq, struct vm_core_obs *obs);

#endif
