/* TLB model: twin of rtl/mmu/vm_tlb.sv (see there for the policies and the lookup order). */
#include "vm_tlb.h"

#include <string.h>

static unsigned log2u(unsigned v)
{
    unsigned l = 0;
    while ((1u << l) < v)
        l++;
    return l;
}

void vm_tlb_init(struct vm_tlb *t, unsigned entries, unsigned ways, unsigned repl)
{
    memset(t, 0, sizeof *t);
    t->entries = entries;
    t->ways = ways;
    t->sets = entries / ways;
    t->log_ways = log2u(ways);
    t->repl = repl;
    t->lfsr = VM_LFSR_RESET;
    for (unsigned i = 0; i < entries; i++)
        t->age[i] = (uint8_t)(i % ways);
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

int vm_tlb_lookup(const struct vm_tlb *t, uint32_t vpn, uint16_t asid, bool sv32)
{
    /* Every valid entry whose own level selects its set; the lowest index wins a multi-hit. */
    for (uint64_t v = t->valid; v; v &= v - 1) {
        unsigned i = (unsigned)__builtin_ctzll(v);
        const struct vm_tlb_entry *e = &t->e[i];
        if (((e->vpn ^ vpn) & vm_vpn_match_mask(e->level, sv32)) == 0 &&
            (((e->perm >> VM_PTE_G) & 1) || e->asid == asid) &&
            (t->sets == 1 || set_of(t, vpn, e->level, sv32) == i / t->ways))
            return (int)i;
    }
    return -1;
}

static unsigned policy_way(const struct vm_tlb *t, unsigned set)
{
    switch (t->repl) {
    case VM_REPL_LRU:
        for (unsigned w = 0; w < t->ways; w++)
            if (t->age[set * t->ways + w] == t->ways - 1)
                return w;
        return 0;
    case VM_REPL_PLRU: {
        unsigned node = 1;
        for (unsigned b = 0; b < t->log_ways; b++)
            node = 2 * node + ((t->tree[set] >> node) & 1);
        return node - t->ways;
    }
    case VM_REPL_FIFO:
        return t->fifo[set];
    default:
        return t->lfsr & (t->ways - 1);
    }
}

/* Way a fill into `set` takes; *had_invalid tells whether an invalid way was free. */
static unsigned victim_way(const struct vm_tlb *t, unsigned set, bool *had_invalid)
{
    for (unsigned w = 0; w < t->ways; w++) {
        if (!entry_valid(t, set * t->ways + w)) {
            *had_invalid = true;
            return w;
        }
    }
    *had_invalid = false;
    return policy_way(t, set);
}

int vm_tlb_fill_index(const struct vm_tlb *t, const struct vm_tlb_entry *e, bool sv32)
{
    bool inv;
    unsigned set = set_of(t, e->vpn, e->level, sv32);
    return (int)(set * t->ways + victim_way(t, set, &inv));
}

static void touch(struct vm_tlb *t, unsigned set, unsigned way, bool advance_fifo)
{
    uint8_t *age = &t->age[set * t->ways];
    uint8_t touched = age[way];
    for (unsigned w = 0; w < t->ways; w++) {
        if (w == way)
            age[w] = 0;
        else if (age[w] < touched)
            age[w]++;
    }
    unsigned node = 1;
    for (int b = (int)t->log_ways - 1; b >= 0; b--) {
        unsigned dir = (way >> b) & 1;
        if (dir)
            t->tree[set] &= ~(1ull << node);
        else
            t->tree[set] |= 1ull << node;
        node = 2 * node + dir;
    }
    if (advance_fifo)
        t->fifo[set] = (uint8_t)((t->fifo[set] + 1) & (t->ways - 1));
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

    uint32_t lfsr_next = t->lfsr;
    *fill_index = -1;
    if (c->fill) {
        bool had_invalid;
        unsigned set = set_of(t, c->fill_entry.vpn, c->fill_entry.level, sv32);
        unsigned way = victim_way(t, set, &had_invalid);
        unsigned idx = set * t->ways + way;
        *fill_index = (int)idx;
        touch(t, set, way, !had_invalid);
        t->e[idx] = c->fill_entry;
        lfsr_next = vm_lfsr_step(t->lfsr);
        t->valid = (t->valid & ~inval) | (1ull << idx);
    } else {
        if (c->touch_hit && c->hit_index >= 0)
            touch(t, (unsigned)c->hit_index / t->ways, (unsigned)c->hit_index % t->ways, false);
        t->valid &= ~inval;
    }
    if (c->seed_we)
        lfsr_next = c->seed ? c->seed : VM_LFSR_RESET;
    t->lfsr = lfsr_next;
    return inval;
}
