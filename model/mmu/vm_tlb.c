/* SPDX-License-Identifier: MIT */
/* TLB model: twin of rtl/mmu/vm_tlb.sv (see there for the policies and the lookup order). */
#include "vm_tlb.h"

#include <string.h>

int vm_tlb_init(struct vm_tlb *t, unsigned entries, unsigned ways, unsigned repl)
{
    memset(t, 0, sizeof *t);
    t->entries = entries;
    t->ways = ways;
    t->sets = entries / ways;
    while ((1u << t->ways_shift) < ways)
        t->ways_shift++;
    t->gen = 1;
    return vm_repl_init(&t->repl, t->sets, ways, repl);
}

void vm_tlb_free(struct vm_tlb *t)
{
    vm_repl_free(&t->repl);
}

static unsigned set_of(const struct vm_tlb *t, uint32_t vpn, unsigned level, bool sv32)
{
    uint32_t shifted = vpn >> (sv32 ? 10 * level : 9 * level);
    return shifted & (t->sets - 1);
}

static bool entry_valid(const struct vm_tlb *t, unsigned i)
{
    return (t->valid >> i) & 1;
}

static int search(const struct vm_tlb *t, uint32_t vpn, uint16_t asid, bool sv32)
{
    /* Every valid entry whose own level selects its set; the lowest index wins a multi-hit. */
    for (uint64_t v = t->valid; v; v &= v - 1) {
        unsigned i = (unsigned)__builtin_ctzll(v);
        const struct vm_tlb_entry *e = &t->e[i];
        if (((e->vpn ^ vpn) & vm_vpn_match_mask(e->level, sv32)) == 0 &&
            (((e->perm >> VM_PTE_G) & 1) || e->asid == asid) &&
            (t->sets == 1 || set_of(t, vpn, e->level, sv32) == i >> t->ways_shift))
            return (int)i;
    }
    return -1;
}

static bool memo_holds(const struct vm_tlb *t, const struct vm_tlb_memo *m, uint32_t vpn, uint16_t asid, bool sv32)
{
    return m->gen == t->gen && m->vpn == vpn && m->asid == asid && m->sv32 == sv32;
}

int vm_tlb_lookup(struct vm_tlb *t, uint32_t vpn, uint16_t asid, bool sv32)
{
    /* Programs revisit a few pages (stack, heap, code data) in turn: remembering the last lookups by VPN
     * (two per set of VPNs, the most recent first) saves the search over every valid entry in most. */
    struct vm_tlb_memo *m = t->memo[vpn & (VM_TLB_MEMO_SETS - 1)];
    if (memo_holds(t, &m[0], vpn, asid, sv32))
        return m[0].hit;
    struct vm_tlb_memo found = m[1];
    if (!memo_holds(t, &found, vpn, asid, sv32))
        found = (struct vm_tlb_memo){vpn, asid, sv32, (int8_t)search(t, vpn, asid, sv32), t->gen};
    m[1] = m[0];
    m[0] = found;
    return found.hit;
}

/* The set's valid ways as a mask. */
static uint64_t valid_ways(const struct vm_tlb *t, unsigned set)
{
    uint64_t all = t->ways == 64 ? ~0ull : (1ull << t->ways) - 1;
    return (t->valid >> (set * t->ways)) & all;
}

int vm_tlb_fill_index(const struct vm_tlb *t, const struct vm_tlb_entry *e, bool sv32)
{
    bool from_policy;
    unsigned set = set_of(t, e->vpn, e->level, sv32);
    return (int)(set * t->ways + vm_repl_victim(&t->repl, set, valid_ways(t, set), &from_policy));
}

static bool fence_hits(const struct vm_tlb *t, unsigned i, const struct vm_tlb_cmd *c, bool sv32)
{
    const struct vm_tlb_entry *e = &t->e[i];
    if (!entry_valid(t, i))
        return false;
    if (c->fence_use_vaddr && ((e->vpn ^ c->fence_vpn) & vm_vpn_match_mask(e->level, sv32)) != 0)
        return false;
    if (c->fence_use_asid && (((e->perm >> VM_PTE_G) & 1) || e->asid != c->fence_asid))
        return false;
    return true;
}

void vm_tlb_touch(struct vm_tlb *t, int index)
{
    vm_repl_touch(&t->repl, (unsigned)index >> t->ways_shift, (unsigned)index & (t->ways - 1));
}

uint64_t vm_tlb_update(struct vm_tlb *t, const struct vm_tlb_cmd *c, bool sv32, int *fill_index)
{
    uint64_t inval = 0;
    if (c->fence) {
        for (unsigned i = 0; i < t->entries; i++)
            if (fence_hits(t, i, c, sv32))
                inval |= 1ull << i;
    }
    if (c->inval_one && entry_valid(t, (unsigned)c->inval_one_index))
        inval |= 1ull << c->inval_one_index;

    *fill_index = -1;
    if (c->fill || inval)
        t->gen++;   /* the remembered lookups are stale */
    if (c->fill) {
        bool from_policy;
        unsigned set = set_of(t, c->fill_entry.vpn, c->fill_entry.level, sv32);
        unsigned way = vm_repl_victim(&t->repl, set, valid_ways(t, set), &from_policy);
        unsigned idx = set * t->ways + way;
        *fill_index = (int)idx;
        vm_repl_fill(&t->repl, set, way, from_policy);
        t->e[idx] = c->fill_entry;
        t->valid = (t->valid & ~inval) | (1ull << idx);
    } else {
        if (c->touch_hit && c->hit_index >= 0)
            vm_repl_touch(&t->repl, (unsigned)c->hit_index >> t->ways_shift, (unsigned)c->hit_index & (t->ways - 1));
        t->valid &= ~inval;
    }
    if (c->seed_we)
        vm_repl_seed(&t->repl, c->seed);
    return inval;
}
