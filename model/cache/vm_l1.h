/* SPDX-License-Identifier: MIT */
/* L1 data cache model: twin of rtl/cache/vm_l1.sv (MESI, write-back, write-allocate, snoop port). */
#ifndef VM_L1_MODEL_H
#define VM_L1_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <vmcosim/contract.h>

#include "../common/vm_repl.h"
#include "../mem/vm_mem_flat.h"   /* struct vm_mem_req: the MMU's request (valid only in the cycle it is driven) */

enum vm_l1_state { L1_IDLE, L1_RESP, L1_WB_REQ, L1_WB_WAIT, L1_FILL_REQ, L1_UPG_REQ, L1_NA_REQ, L1_RMW_REQ };

struct vm_l1 {
    unsigned sets, ways, line_words, off_bits, log_sets;
    uint64_t *tag;    /* per line (set * ways + way) */
    uint8_t *mesi;    /* per line */
    uint64_t *data;   /* per line, line_words words */
    struct vm_repl repl;
    enum vm_l1_state state;
    unsigned op, way;
    bool policy;
    uint64_t addr, wdata, cmp, rdata;
    uint8_t strb;
    uint64_t accesses, misses, writebacks;
    bool missed;      /* the current demand access has missed (counted once) */
    uint64_t hits[3];      /* demand accesses whose first piece hit, by line state S, E, M */
    uint64_t snoop_hits;   /* other masters' transactions that found a copy here */
};

/* Outputs that depend on the state only (and the bus's answer in this cycle); the bus fields only with
 * bus_req. */
struct vm_l1_out {
    bool resp_valid;
    uint64_t resp_rdata;
    bool bus_req;
    unsigned bus_type;
    uint64_t bus_addr;
    const uint64_t *bus_line;   /* WB: the victim line */
    unsigned bus_word;
    uint64_t bus_cmp, bus_wdata;
    uint8_t bus_strb;
};

/* A snoop's answer and the state change it causes. */
struct vm_l1_snoop {
    bool hit, dirty;
    const uint64_t *line;
    bool change;
    unsigned index;
    uint8_t old_state, new_state;
    uint64_t addr;    /* the snooped line's address */
};

/* What the bus tells this cache in the cycle. */
struct vm_l1_bus_in {
    bool grant, done, shared;
    const uint64_t *line;
    uint64_t word;
    bool snoop_valid, snoop_self;
    unsigned snoop_type;
    uint64_t snoop_addr;
};

/* A line-state change for the observation; addr: the line-aligned address of the line that is in
 * new_state after the edge (a fill's, even when old_state was a victim's). */
struct vm_l1_change {
    bool valid;
    unsigned index;
    uint8_t old_state, new_state;
    uint64_t addr;
};

/* sets, ways, line_words: powers of two (line_words 1..8). Returns 0, or -1 when memory is short. */
int vm_l1_init(struct vm_l1 *c, unsigned sets, unsigned ways, unsigned line_words, unsigned repl);
void vm_l1_free(struct vm_l1 *c);

/* vm_l1_outputs of a cache that uses the bus (every state but IDLE, RESP and WB_WAIT). */
void vm_l1_outputs_bus(const struct vm_l1 *c, const struct vm_l1_bus_in *b, struct vm_l1_out *o);
static inline void vm_l1_outputs(const struct vm_l1 *c, const struct vm_l1_bus_in *b, struct vm_l1_out *o)
{
    /* Most cycles here, inline: no bus request (the bus fields are read only with bus_req). */
    if (c->state == L1_IDLE || c->state == L1_WB_WAIT || c->state == L1_RESP) {
        o->resp_valid = c->state == L1_RESP;
        o->resp_rdata = c->state == L1_RESP && c->op == VM_MEMOP_READ ? c->rdata : 0;
        o->bus_req = false;
        return;
    }
    vm_l1_outputs_bus(c, b, o);
}
void vm_l1_snoop(const struct vm_l1 *c, const struct vm_l1_bus_in *b, struct vm_l1_snoop *s);
static inline bool vm_l1_ready(const struct vm_l1 *c, bool snoop_valid)
{
    return c->state == L1_IDLE && !snoop_valid;
}
/* True when the cache does nothing until a bus grant or completion (a snoop aside): a miss, walker read or
 * RMW waiting for the bus, a write-back waiting for its completion, or a write-back (upgrade) request whose
 * victim is still M (line still S; otherwise the next edge turns it into a fill request). */
bool vm_l1_waits_for_bus(const struct vm_l1 *c);
/* vm_l1_next of every other cycle. */
void vm_l1_next_full(struct vm_l1 *c, const struct vm_mem_req *r, const struct vm_l1_bus_in *b,
                     const struct vm_l1_snoop *s, bool seed_we, uint32_t seed, struct vm_l1_change *chg);
/* Moves the cache across the clock edge; *chg gets this cycle's line-state change. */
static inline void vm_l1_next(struct vm_l1 *c, const struct vm_mem_req *r, const struct vm_l1_bus_in *b,
                              const struct vm_l1_snoop *s, bool seed_we, uint32_t seed, struct vm_l1_change *chg)
{
    /* Most cycles of an idle cache, inline: its answer shown, or no request, and nothing snooped or seeded. */
    if ((c->state == L1_RESP || (c->state == L1_IDLE && !r->valid)) && !seed_we && !s->hit && !s->change) {
        c->state = L1_IDLE;
        *chg = (struct vm_l1_change){0};
        return;
    }
    vm_l1_next_full(c, r, b, s, seed_we, seed, chg);
}

#endif
