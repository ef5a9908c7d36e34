/* SPDX-License-Identifier: MIT */
/* TLB model: twin of rtl/mmu/vm_tlb.sv. Lookup is pure; vm_tlb_update applies one cycle's changes. */
#ifndef VM_TLB_MODEL_H
#define VM_TLB_MODEL_H

#include "../common/vm_repl.h"
#include "vm_mmu_rules.h"

/* A remembered lookup result: valid while gen equals the TLB's (lookups are pure in the TLB's contents). */
struct vm_tlb_memo {
    uint32_t vpn;
    uint16_t asid;
    bool sv32;
    int8_t hit;
    uint64_t gen;
};
#define VM_TLB_MEMO_SETS 8   /* power of two; two ways each, the most recent first */

struct vm_tlb {
    unsigned entries, ways, sets;
    unsigned ways_shift;   /* log2(ways): entry i is in set i >> ways_shift, way i & (ways - 1) */
    uint64_t valid;
    struct vm_tlb_entry e[64];
    struct vm_repl repl;
    uint64_t gen;          /* counts changes of valid and e[]: 0 never matches a memo (they start at 0) */
    struct vm_tlb_memo memo[VM_TLB_MEMO_SETS][2];
};

/* One cycle's requests to the TLB (all evaluated against the state before the edge). */
struct vm_tlb_cmd {
    bool touch_hit;        /* the lookup's hit was used */
    int hit_index;
    bool fill;
    struct vm_tlb_entry fill_entry;
    bool inval_one;
    int inval_one_index;
    bool fence, fence_use_vaddr, fence_use_asid;
    uint32_t fence_vpn;
    uint16_t fence_asid;
    bool seed_we;
    uint32_t seed;
};

/* Returns 0, or -1 when memory is short. */
int vm_tlb_init(struct vm_tlb *t, unsigned entries, unsigned ways, unsigned repl);
void vm_tlb_free(struct vm_tlb *t);
/* Returns the hit entry index or -1 (remembered until the contents change: only the memo is written). */
int vm_tlb_lookup(struct vm_tlb *t, uint32_t vpn, uint16_t asid, bool sv32);
/* Index the fill of `e` goes to. */
int vm_tlb_fill_index(const struct vm_tlb *t, const struct vm_tlb_entry *e, bool sv32);
/* The hit `index` used in a cycle without fence, fill, invalidation or seed (vm_tlb_update of just that). */
void vm_tlb_touch(struct vm_tlb *t, int index);
/* Applies the cycle; returns the mask of entries invalidated. *fill_index gets the fill's index. */
uint64_t vm_tlb_update(struct vm_tlb *t, const struct vm_tlb_cmd *c, bool sv32, int *fill_index);

#endif
