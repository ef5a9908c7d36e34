/* SPDX-License-Identifier: MIT */
/* Coherence invariant monitor (include/vmcosim/coherence.h). A line of address A can live only in set
 * set(A) of each cache, so checking A looks at `ways` slots per cache. All changes of a cycle are applied
 * before the invariant is checked: a transaction's snoops change several caches in its grant cycle. */
#include <vmcosim/contract.h>
#include <vmcosim/coherence.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

struct slot {
    uint64_t addr;   /* line address, meaningful while state != I */
    uint8_t state;   /* VM_MESI_* */
};

struct vm_coherence {
    unsigned cores, sets, ways, line_bytes;
    unsigned line_shift, ways_shift;   /* log2 of line_bytes and ways (powers of two) */
    struct slot *slots;   /* [core][set * ways + way] */
    uint64_t changes;
    bool failed;
    char report[512];
};

static const char kState[] = "ISEM";

struct vm_coherence *vm_coherence_new(unsigned cores, unsigned sets, unsigned ways, unsigned line_bytes)
{
    if (!sets || (sets & (sets - 1)) || !ways || (ways & (ways - 1)) || !line_bytes || (line_bytes & (line_bytes - 1)))
        return NULL;
    struct vm_coherence *m = calloc(1, sizeof *m);
    if (!m || !(m->slots = calloc((size_t)cores * sets * ways, sizeof *m->slots))) {
        free(m);
        return NULL;
    }
    m->cores = cores;
    m->sets = sets;
    m->ways = ways;
    m->line_bytes = line_bytes;
    while ((1u << m->line_shift) < line_bytes)
        m->line_shift++;
    while ((1u << m->ways_shift) < ways)
        m->ways_shift++;
    return m;
}

void vm_coherence_free(struct vm_coherence *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m);
}

static struct slot *slot_at(struct vm_coherence *m, unsigned core, unsigned index)
{
    return &m->slots[(size_t)core * m->sets * m->ways + index];
}

static unsigned set_of(const struct vm_coherence *m, uint64_t addr)
{
    return (unsigned)((addr >> m->line_shift) & (m->sets - 1));
}

/* The state of line `addr` in cache `core` (I when absent). */
static uint8_t state_of(struct vm_coherence *m, unsigned core, uint64_t addr)
{
    unsigned base = set_of(m, addr) * m->ways;
    for (unsigned w = 0; w < m->ways; w++) {
        const struct slot *s = slot_at(m, core, base + w);
        if (s->state != VM_MESI_I && s->addr == addr)
            return s->state;
    }
    return VM_MESI_I;
}

static int violation(struct vm_coherence *m, uint64_t cycle, unsigned core, uint64_t addr, const char *what)
{
    m->failed = true;
    snprintf(m->report, sizeof m->report, "COHERENCE VIOLATION at cycle %" PRIu64 ": core %u, line %#" PRIx64
             ": %s\n", cycle, core, addr, what);
    return -1;
}

/* Applies one change; checks that it starts where the line was and that no dirty line vanishes. */
static int apply(struct vm_coherence *m, uint64_t cycle, unsigned core, const struct vm_core_obs *o)
{
    unsigned index = o->l1_chg_index;
    uint64_t addr = o->l1_chg_addr;
    char what[160];
    if (index >= m->sets * m->ways || index >> m->ways_shift != set_of(m, addr) || (addr & (m->line_bytes - 1))) {
        snprintf(what, sizeof what, "a change of slot %u does not fit the cache geometry (the line's set is %u)",
                 index, set_of(m, addr));
        return violation(m, cycle, core, addr, what);
    }
    struct slot *s = slot_at(m, core, index);
    if (s->state != o->l1_chg_old) {
        snprintf(what, sizeof what, "a change from %c, but slot %u holds %c", kState[o->l1_chg_old & 3], index,
                 kState[s->state & 3]);
        return violation(m, cycle, core, addr, what);
    }
    if (s->state == VM_MESI_M && s->addr != addr) {
        snprintf(what, sizeof what, "the dirty (M) line %#" PRIx64 " in slot %u is replaced without a write-back",
                 s->addr, index);
        return violation(m, cycle, core, addr, what);
    }
    s->addr = addr;
    s->state = o->l1_chg_new & 3;
    m->changes++;
    return 0;
}

/* Single writer, multiple readers: M or E in one cache means I in every other. */
static int check_line(struct vm_coherence *m, uint64_t cycle, uint64_t addr)
{
    unsigned owner = m->cores, holders = 0;
    for (unsigned c = 0; c < m->cores; c++) {
        uint8_t st = state_of(m, c, addr);
        if (st == VM_MESI_I)
            continue;
        holders++;
        if (st == VM_MESI_M || st == VM_MESI_E)
            owner = c;
    }
    if (owner == m->cores || holders < 2)
        return 0;
    for (unsigned c = 0; c < m->cores; c++) {
        if (c != owner && state_of(m, c, addr) != VM_MESI_I) {
            char what[160];
            snprintf(what, sizeof what, "held %c here while core %u holds it %c (single writer violated)",
                     kState[state_of(m, owner, addr)], c, kState[state_of(m, c, addr)]);
            return violation(m, cycle, owner, addr, what);
        }
    }
    return 0;
}

int vm_coherence_step(struct vm_coherence *m, uint64_t cycle, const struct vm_obs *o)
{
    if (m->failed)
        return -1;
    bool any = false;
    for (unsigned c = 0; c < m->cores; c++) {
        if (o->core[c].l1_chg_valid) {
            any = true;
            if (apply(m, cycle, c, &o->core[c]))
                return -1;
        }
    }
    if (!any)
        return 0;
    for (unsigned c = 0; c < m->cores; c++)
        if (o->core[c].l1_chg_valid && check_line(m, cycle, o->core[c].l1_chg_addr))
            return -1;
    return 0;
}

uint64_t vm_coherence_changes(const struct vm_coherence *m) { return m->changes; }
const char *vm_coherence_report(const struct vm_coherence *m) { return m->report; }
