/* SPDX-License-Identifier: MIT */
/* Replacement state: twin of rtl/common/vm_repl.sv (policies described in vm_repl.h). */
#include "vm_repl.h"

#include <stdlib.h>
#include <string.h>

#include <vmcosim/contract.h>

#include "../mmu/vm_mmu_rules.h"

int vm_repl_init(struct vm_repl *r, unsigned sets, unsigned ways, unsigned policy)
{
    memset(r, 0, sizeof *r);
    r->sets = sets;
    r->ways = ways;
    r->policy = policy;
    while ((1u << r->log_ways) < ways)
        r->log_ways++;
    r->lfsr = VM_LFSR_RESET;
    r->age = malloc((size_t)sets * ways);
    r->tree = calloc(sets, sizeof *r->tree);
    r->fifo = calloc(sets, 1);
    if (!r->age || !r->tree || !r->fifo) {
        vm_repl_free(r);
        return -1;
    }
    for (unsigned i = 0; i < sets * ways; i++)
        r->age[i] = (uint8_t)(i % ways);
    return 0;
}

void vm_repl_free(struct vm_repl *r)
{
    free(r->age);
    free(r->tree);
    free(r->fifo);
    r->age = NULL;
    r->tree = NULL;
    r->fifo = NULL;
}

static unsigned policy_way(const struct vm_repl *r, unsigned set)
{
    switch (r->policy) {
    case VM_REPL_LRU: {
        const uint8_t *age = &r->age[set * r->ways];
        for (unsigned w = 0; w < r->ways; w++)
            if (age[w] == r->ways - 1)
                return w;
        return 0;
    }
    case VM_REPL_PLRU: {
        unsigned node = 1;
        for (unsigned b = 0; b < r->log_ways; b++)
            node = 2 * node + ((r->tree[set] >> node) & 1);
        return node - r->ways;
    }
    case VM_REPL_FIFO:
        return r->fifo[set];
    default:
        return r->lfsr & (r->ways - 1);
    }
}

unsigned vm_repl_victim(const struct vm_repl *r, unsigned set, uint64_t valid_ways, bool *from_policy)
{
    uint64_t all = r->ways == 64 ? ~0ull : (1ull << r->ways) - 1;
    uint64_t invalid = ~valid_ways & all;
    *from_policy = invalid == 0;
    return invalid ? (unsigned)__builtin_ctzll(invalid) : policy_way(r, set);
}

/* LRU: the ways younger than the touched one age by one and it becomes 0. Ages stay below 64, so eight go
 * through one 64-bit word: byte x + (0x80 - t) has its top bit clear exactly when x < t (no carries). */
static void lru_touch(uint8_t *age, unsigned ways, unsigned way)
{
    uint8_t t = age[way];
    if (!t)
        return;   /* already the most recent: nothing is younger */
    if (ways % 8 == 0) {
        const uint64_t ones = 0x0101010101010101ull, bias = ones * (uint8_t)(0x80 - t);
        for (unsigned w = 0; w < ways; w += 8) {
            uint64_t x;
            memcpy(&x, age + w, 8);
            x += (~(x + bias) >> 7) & ones;
            memcpy(age + w, &x, 8);
        }
    } else {
        for (unsigned w = 0; w < ways; w++)
            age[w] += age[w] < t;
    }
    age[way] = 0;
}

/* PLRU: the nodes on the way's path point away from it. */
static void plru_touch(struct vm_repl *r, unsigned set, unsigned way)
{
    unsigned node = 1;
    for (int b = (int)r->log_ways - 1; b >= 0; b--) {
        unsigned dir = (way >> b) & 1;
        if (dir)
            r->tree[set] &= ~(1ull << node);
        else
            r->tree[set] |= 1ull << node;
        node = 2 * node + dir;
    }
}

void vm_repl_touch(struct vm_repl *r, unsigned set, unsigned way)
{
    /* Only the policy's own state: policy_way reads nothing else (fifo and random keep none per touch). */
    if (r->policy == VM_REPL_LRU)
        lru_touch(&r->age[set * r->ways], r->ways, way);
    else if (r->policy == VM_REPL_PLRU)
        plru_touch(r, set, way);
}

void vm_repl_fill(struct vm_repl *r, unsigned set, unsigned way, bool from_policy)
{
    vm_repl_touch(r, set, way);
    if (from_policy)
        r->fifo[set] = (uint8_t)((r->fifo[set] + 1) & (r->ways - 1));
    r->lfsr = vm_lfsr_step(r->lfsr);
}

void vm_repl_seed(struct vm_repl *r, uint32_t seed)
{
    r->lfsr = seed ? seed : VM_LFSR_RESET;
}
