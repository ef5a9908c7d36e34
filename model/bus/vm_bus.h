/* SPDX-License-Identifier: MIT */
/* Snooping bus model: twin of rtl/bus/vm_bus.sv (atomic transactions, round-robin arbitration). */
#ifndef VM_BUS_MODEL_H
#define VM_BUS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define VM_BUS_MAX_MASTERS 8

struct vm_bus {
    unsigned masters;
    bool busy, upgr, shared;
    unsigned owner, last;
};

/* One master's request (held until done). */
struct vm_bus_req {
    bool valid;
    unsigned type, word;
    uint64_t addr, cmp, wdata;
    uint8_t strb;
    const uint64_t *line;
};

/* Arbitration result of the cycle (the snoop broadcast). */
struct vm_bus_grant {
    bool valid;
    unsigned master, type;
    uint64_t addr;
};

void vm_bus_init(struct vm_bus *b, unsigned masters);
/* The master granted this cycle, if any. */
void vm_bus_arbitrate(const struct vm_bus *b, const struct vm_bus_req *reqs, struct vm_bus_grant *g);
/* The master whose transaction completes this cycle, or -1 (mem_resp_valid: the controller answers). */
int vm_bus_done(const struct vm_bus *b, bool mem_resp_valid);
/* Moves the bus across the edge. snoop_hits: bit m = master m's cache holds the line. */
void vm_bus_next(struct vm_bus *b, const struct vm_bus_grant *g, uint32_t snoop_hits, bool mem_resp_valid);

#endif
