/* SPDX-License-Identifier: MIT */
/* Data-value invariant monitor (include/vmcosim/shadow.h). One request is in flight at a time per core
 * (the MMU blocks), so a store takes effect at its response and the next request sees it. Across cores
 * the order is the coherence order: a core can read another's store only through a bus transaction
 * granted after that store was performed, and a store answers at most one cycle after it is performed;
 * so responses in one cycle never depend on each other's stores, and loads are checked before the
 * cycle's stores apply. */
#include <vmcosim/contract.h>
#include <vmcosim/shadow.h>

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pending {
    bool valid;
    uint8_t op, strb;
    uint64_t addr, wdata, cmp, cycle;
};

struct vm_shadow {
    uint64_t *words;
    uint64_t nwords;
    struct pending req[VM_MAX_CORES];
    unsigned cores, line_words, dma_master;
    bool bus_dma_read;           /* the bus transaction in flight is a DMA read */
    uint64_t bus_addr, bus_cycle;
    uint64_t dma_line[8];        /* what that read must return: memory as of its grant */
    uint64_t loads_checked;
    bool failed;
    char report[512];
};

struct vm_shadow *vm_shadow_new(const uint64_t *image, uint64_t nwords, unsigned cores, unsigned line_words)
{
    if (!nwords || (nwords & (nwords - 1)))
        return NULL;   /* memory sizes are powers of two */
    struct vm_shadow *s = calloc(1, sizeof *s);
    if (!s || !(s->words = malloc(nwords * sizeof *s->words))) {
        free(s);
        return NULL;
    }
    memcpy(s->words, image, nwords * sizeof *s->words);
    s->nwords = nwords;
    s->cores = cores;
    s->dma_master = cores;
    s->line_words = line_words;
    return s;
}

void vm_shadow_free(struct vm_shadow *s)
{
    if (!s)
        return;
    free(s->words);
    free(s);
}

static uint64_t strb_bits(uint8_t strb)
{
    uint64_t m = 0;
    for (unsigned b = 0; b < 8; b++)
        if ((strb >> b) & 1)
            m |= 0xFFull << (8 * b);
    return m;
}

static int violation(struct vm_shadow *s, uint64_t cycle, const char *who, const char *what,
                     const struct pending *p, uint64_t got, uint64_t want)
{
    s->failed = true;
    snprintf(s->report, sizeof s->report,
             "DATA-VALUE VIOLATION at cycle %" PRIu64 ": %s: %s of physical address %#" PRIx64
             " (requested at cycle %" PRIu64 ") returned %#" PRIx64 ", the last store left %#" PRIx64 "\n",
             cycle, who, what, p->addr, p->cycle, got, want);
    return -1;
}

/* Memory wraps at its size, a power of two (as in both engines). */
static uint64_t *word_at(struct vm_shadow *s, uint64_t addr) { return &s->words[(addr >> 3) & (s->nwords - 1)]; }

/* A response's read side: loads and the old value of a compare-and-swap must equal the shadow. */
static int check_read(struct vm_shadow *s, uint64_t cycle, unsigned core, const struct vm_core_obs *o)
{
    struct pending *p = &s->req[core];
    if (p->op != VM_MEMOP_READ && p->op != VM_MEMOP_CAS)
        return 0;
    s->loads_checked++;
    uint64_t want = *word_at(s, p->addr);
    if (o->mem_resp_rdata == want)
        return 0;
    char who[16];
    snprintf(who, sizeof who, "core %u", core);
    return violation(s, cycle, who, p->op == VM_MEMOP_READ ? "load" : "compare-and-swap", p, o->mem_resp_rdata,
                     want);
}

/* A response's write side: stores, and a compare-and-swap whose compare succeeded. */
static void apply_write(struct vm_shadow *s, unsigned core)
{
    struct pending *p = &s->req[core];
    if (p->op == VM_MEMOP_READ)
        return;
    uint64_t *w = word_at(s, p->addr);
    uint64_t m = strb_bits(p->strb);
    if (p->op == VM_MEMOP_WRITE || (p->op == VM_MEMOP_CAS && ((*w ^ p->cmp) & m) == 0))
        *w = (*w & ~m) | (p->wdata & m);
}

int vm_shadow_step(struct vm_shadow *s, uint64_t cycle, const struct vm_obs *o)
{
    if (s->failed)
        return -1;
    bool resp[VM_MAX_CORES] = {0};
    for (unsigned c = 0; c < s->cores; c++) {
        resp[c] = o->core[c].mem_resp_valid && s->req[c].valid;
        if (resp[c] && check_read(s, cycle, c, &o->core[c]))
            return -1;
    }
    for (unsigned c = 0; c < s->cores; c++) {
        if (resp[c]) {
            apply_write(s, c);
            s->req[c].valid = false;
        }
    }
    /* The DMA engine on the bus: its reads must see the latest values, its writes (WLI) change them. */
    if (o->bus_done_valid && s->bus_dma_read) {
        s->bus_dma_read = false;
        for (unsigned k = 0; k < s->line_words; k++) {
            uint64_t w = s->dma_line[k];
            if (o->bus_done_line[k] != w) {
                struct pending p = {.addr = s->bus_addr + 8 * k, .cycle = s->bus_cycle};
                return violation(s, cycle, "DMA engine", "line read", &p, o->bus_done_line[k], w);
            }
        }
    }
    if (o->bus_grant_valid && o->bus_grant_master == s->dma_master) {
        s->bus_addr = o->bus_grant_addr;
        s->bus_cycle = cycle;
        s->bus_dma_read = o->bus_grant_type == VM_BUS_RDNA;
        /* The read takes the line as it is at its grant (the snoop and the memory read happen then). */
        for (unsigned k = 0; s->bus_dma_read && k < s->line_words; k++)
            s->dma_line[k] = *word_at(s, o->bus_grant_addr + 8 * k);
        if (o->bus_grant_type == VM_BUS_WLI)
            for (unsigned k = 0; k < s->line_words; k++)
                *word_at(s, o->bus_grant_addr + 8 * k) = o->bus_grant_line[k];
    }
    for (unsigned c = 0; c < s->cores; c++) {
        const struct vm_core_obs *k = &o->core[c];
        if (k->mem_req_valid && k->mem_req_ready)
            s->req[c] = (struct pending){true, k->mem_req_op, k->mem_req_strb, k->mem_req_addr, k->mem_req_wdata,
                                        k->mem_req_cmp, cycle};
    }
    return 0;
}

uint64_t vm_shadow_loads_checked(const struct vm_shadow *s) { return s->loads_checked; }
const char *vm_shadow_report(const struct vm_shadow *s) { return s->report; }
