/* Data-value invariant monitor (include/vmcosim/shadow.h). One request is in flight at a time per core
 * (the MMU blocks), so a store takes effect at its response and the next request sees it. */
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
    struct pending req;
    unsigned line_words;
    bool bus_dma_read;           /* the bus transaction in flight is a DMA read */
    uint64_t bus_addr, bus_cycle;
    uint64_t dma_line[8];        /* what that read must return: memory as of its grant */
    uint64_t loads_checked;
    bool failed;
    char report[512];
};

struct vm_shadow *vm_shadow_new(const uint64_t *image, uint64_t nwords, unsigned line_words)
{
    struct vm_shadow *s = calloc(1, sizeof *s);
    if (!s || !(s->words = malloc(nwords * sizeof *s->words))) {
        free(s);
        return NULL;
    }
    memcpy(s->words, image, nwords * sizeof *s->words);
    s->nwords = nwords;
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

static int violation(struct vm_shadow *s, uint64_t cycle, const char *what, uint64_t got, uint64_t want)
{
    s->failed = true;
    snprintf(s->report, sizeof s->report,
             "DATA-VALUE VIOLATION at cycle %" PRIu64 ": %s of physical address %#" PRIx64
             " (requested at cycle %" PRIu64 ") returned %#" PRIx64 ", the last store left %#" PRIx64 "\n",
             cycle, what, s->req.addr, s->req.cycle, got, want);
    return -1;
}

int vm_shadow_step(struct vm_shadow *s, uint64_t cycle, const struct vm_obs *o)
{
    if (s->failed)
        return -1;
    if (o->mem_resp_valid && s->req.valid) {
        uint64_t *w = &s->words[(s->req.addr >> 3) % s->nwords];
        uint64_t m = strb_bits(s->req.strb);
        s->req.valid = false;
        switch (s->req.op) {
        case VM_MEMOP_READ:
            s->loads_checked++;
            if (o->mem_resp_rdata != *w)
                return violation(s, cycle, "load", o->mem_resp_rdata, *w);
            break;
        case VM_MEMOP_WRITE:
            *w = (*w & ~m) | (s->req.wdata & m);
            break;
        case VM_MEMOP_CAS:
            s->loads_checked++;
            if (o->mem_resp_rdata != *w)
                return violation(s, cycle, "compare-and-swap", o->mem_resp_rdata, *w);
            if (((*w ^ s->req.cmp) & m) == 0)
                *w = (*w & ~m) | (s->req.wdata & m);
            break;
        default:
            break;
        }
    }
    /* The DMA engine on the bus: its reads must see the latest values, its writes (WLI) change them. */
    if (o->bus_done_valid && s->bus_dma_read) {
        s->bus_dma_read = false;
        for (unsigned k = 0; k < s->line_words; k++) {
            uint64_t w = s->dma_line[k];
            if (o->bus_done_line[k] != w) {
                s->req.addr = s->bus_addr + 8 * k;
                s->req.cycle = s->bus_cycle;
                return violation(s, cycle, "DMA read", o->bus_done_line[k], w);
            }
        }
    }
    if (o->bus_grant_valid && o->bus_grant_master) {
        s->bus_addr = o->bus_grant_addr;
        s->bus_cycle = cycle;
        s->bus_dma_read = o->bus_grant_type == VM_BUS_RDNA;
        /* The read takes the line as it is at its grant (the snoop and the memory read happen then). */
        for (unsigned k = 0; s->bus_dma_read && k < s->line_words; k++)
            s->dma_line[k] = s->words[((o->bus_grant_addr >> 3) + k) % s->nwords];
        if (o->bus_grant_type == VM_BUS_WLI)
            for (unsigned k = 0; k < s->line_words; k++)
                s->words[((o->bus_grant_addr >> 3) + k) % s->nwords] = o->bus_grant_line[k];
    }
    if (o->mem_req_valid && o->mem_req_ready)
        s->req = (struct pending){true, o->mem_req_op, o->mem_req_strb, o->mem_req_addr, o->mem_req_wdata,
                                  o->mem_req_cmp, cycle};
    return 0;
}

uint64_t vm_shadow_loads_checked(const struct vm_shadow *s) { return s->loads_checked; }
const char *vm_shadow_report(const struct vm_shadow *s) { return s->report; }
