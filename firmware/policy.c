/* SPDX-License-Identifier: MIT */
/* Page replacement policies behind one ops table. fifo, clock and aging are what a kernel can do with the
 * A bit (read from the PTE through the HAL; clearing it is followed by a shootdown so the TLB does not
 * hide the next access); lru, lfu and opt are exact simulation oracles fed with every access
 * (fw_proc_accessed), opt with the whole future of the process (fw_proc_set_future). */
#include <vmcosim/contract.h>

#include "kernel_impl.h"

const char *const fw_policy_names[6] = {"fifo", "clock", "aging", "lru", "lfu", "opt"};

typedef bool (*better_fn)(const struct fw_proc *p, const struct vpage *a, const struct vpage *b);

/* The resident page that `better` prefers over every other (NULL when none is resident). */
static struct vpage *pick(struct fw_proc *p, better_fn better)
{
    struct vpage *best = NULL;
    for (size_t i = 0; i < p->npages; i++) {
        struct vpage *v = &p->pages[i];
        if (v->state == VP_RESIDENT && !v->pins && (!best || better(p, v, best)))
            best = v;
    }
    return best;
}

static bool older(const struct fw_proc *p, const struct vpage *a, const struct vpage *b)
{
    (void)p;
    return a->map_time < b->map_time;
}

static bool less_recent(const struct fw_proc *p, const struct vpage *a, const struct vpage *b)
{
    (void)p;
    return a->last_use < b->last_use;
}

static bool less_used(const struct fw_proc *p, const struct vpage *a, const struct vpage *b)
{
    (void)p;
    return a->uses < b->uses || (a->uses == b->uses && a->last_use < b->last_use);
}

/* The next access to vpn at or after the current position (SIZE_MAX: never again). */
static size_t next_use(const struct fw_proc *p, uint64_t vpn)
{
    for (size_t i = p->accesses; i < p->nfuture; i++)
        if (p->future[i] == vpn)
            return i;
    return SIZE_MAX;
}

/* Belady: the page used farthest in the future; among pages never used again, the oldest. */
static bool farther(const struct fw_proc *p, const struct vpage *a, const struct vpage *b)
{
    size_t na = next_use(p, a->vpn), nb = next_use(p, b->vpn);
    return na > nb || (na == nb && a->map_time < b->map_time);
}

static struct vpage *victim_fifo(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    (void)k, (void)core;
    return pick(p, older);
}
static struct vpage *victim_lru(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    (void)k, (void)core;
    return pick(p, less_recent);
}
static struct vpage *victim_lfu(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    (void)k, (void)core;
    return pick(p, less_used);
}
static struct vpage *victim_opt(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    (void)k, (void)core;
    return pick(p, farther);
}

/* Reads and clears the A bit of a resident page (shooting its translation down when it was set). */
static bool test_and_clear_accessed(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v)
{
    uint64_t pa = pt_leaf(k, core, p, v->vpn << 12, false);
    if (!pa)
        return false;
    uint64_t pte = pt_read(k, core, pa);
    if (!(pte & (1u << VM_PTE_A)))
        return false;
    pt_write(k, core, pa, pte & ~(uint64_t)(1u << VM_PTE_A));
    pt_shootdown(k, p, v->vpn << 12);
    return true;
}

/* Second chance: sweep the resident pages in first-touch order from the hand; a page with A set loses it
 * and is passed over once. */
static struct vpage *victim_clock(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    if (!p->nresident)
        return NULL;   /* (pinned pages are passed over: the sweeps may then find nothing) */
    for (size_t step = 0; step < 2 * p->npages + 1; step++) {
        struct vpage *v = &p->pages[p->clock_hand % p->npages];
        p->clock_hand = (p->clock_hand + 1) % p->npages;
        if (v->state != VP_RESIDENT || v->pins)
            continue;
        if (!test_and_clear_accessed(k, core, p, v))
            return v;
    }
    return pick(p, older);   /* every resident page pinned: NULL */
}

/* Aging (an LRU approximation): at each replacement every resident page's counter shifts right and takes
 * its A bit as the top bit (A is then cleared); the page with the smallest counter goes. */
static struct vpage *victim_aging(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    struct vpage *best = NULL;
    for (size_t i = 0; i < p->npages; i++) {
        struct vpage *v = &p->pages[i];
        if (v->state != VP_RESIDENT || v->pins)
            continue;
        v->age = (uint8_t)((v->age >> 1) | (test_and_clear_accessed(k, core, p, v) ? 0x80 : 0));
        if (!best || v->age < best->age || (v->age == best->age && v->map_time < best->map_time))
            best = v;
    }
    return best;
}

static const struct fw_policy_ops kPolicies[6] = {
    {victim_fifo}, {victim_clock}, {victim_aging}, {victim_lru}, {victim_lfu}, {victim_opt},
};

const struct fw_policy_ops *policy_get(enum fw_policy p) { return &kPolicies[(unsigned)p % 6]; }
