/* SPDX-License-Identifier: MIT */
/* Snooping bus model: twin of rtl/bus/vm_bus.sv. */
#include "vm_bus.h"

#include <vmcosim/contract.h>

void vm_bus_init(struct vm_bus *b, unsigned masters)
{
    *b = (struct vm_bus){.masters = masters, .last = masters - 1};
}

void vm_bus_arbitrate(const struct vm_bus *b, const struct vm_bus_req *reqs, struct vm_bus_grant *g)
{
    g->valid = false;
    if (b->busy)
        return;
    for (unsigned k = 1; k <= b->masters; k++) {
        unsigned m = (b->last + k) % b->masters;
        if (reqs[m].valid) {
            *g = (struct vm_bus_grant){true, m, reqs[m].type, reqs[m].addr};
            return;
        }
    }
}

int vm_bus_done(const struct vm_bus *b, bool mem_resp_valid)
{
    return b->busy && (b->upgr || mem_resp_valid) ? (int)b->owner : -1;
}

void vm_bus_next(struct vm_bus *b, const struct vm_bus_grant *g, uint32_t snoop_hits, bool mem_resp_valid)
{
    if (g->valid) {
        b->busy = true;
        b->upgr = g->type == VM_BUS_UPGR;
        b->shared = (snoop_hits & ~(1u << g->master)) != 0;
        b->owner = g->master;
        b->last = g->master;
    } else if (vm_bus_done(b, mem_resp_valid) >= 0) {
        b->busy = false;
    }
}
