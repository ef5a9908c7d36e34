/* SPDX-License-Identifier: MIT */
/* L1 data cache model: twin of rtl/cache/vm_l1.sv. */
#include "vm_l1.h"

#include <stdlib.h>
#include <string.h>

#include "../common/vm_bits.h"

#include <vmcosim/contract.h>

static unsigned log2u(unsigned v)
{
    unsigned l = 0;
    while ((1u << l) < v)
        l++;
    return l;
}

int vm_l1_init(struct vm_l1 *c, unsigned sets, unsigned ways, unsigned line_words, unsigned repl)
{
    memset(c, 0, sizeof *c);
    c->sets = sets;
    c->ways = ways;
    c->line_words = line_words;
    c->off_bits = log2u(line_words * 8);
    c->log_sets = log2u(sets);
    size_t lines = (size_t)sets * ways;
    c->tag = calloc(lines, sizeof *c->tag);
    c->mesi = calloc(lines, 1);
    c->data = calloc(lines * line_words, sizeof *c->data);
    if (!c->tag || !c->mesi || !c->data || vm_repl_init(&c->repl, sets, ways, repl)) {
        vm_l1_free(c);
        return -1;
    }
    return 0;
}

void vm_l1_free(struct vm_l1 *c)
{
    free(c->tag);
    free(c->mesi);
    free(c->data);
    vm_repl_free(&c->repl);
    c->tag = NULL;
    c->mesi = NULL;
    c->data = NULL;
}

static unsigned set_of(const struct vm_l1 *c, uint64_t a) { return (unsigned)((a >> c->off_bits) & (c->sets - 1)); }
static uint64_t tag_of(const struct vm_l1 *c, uint64_t a)
{
    unsigned tag_bits = 56 - c->off_bits - c->log_sets;
    return (a >> (c->off_bits + c->log_sets)) & ((1ull << tag_bits) - 1);
}
static uint64_t line_addr(const struct vm_l1 *c, uint64_t a) { return a & ~((8ull * c->line_words) - 1); }
static unsigned word_of(const struct vm_l1 *c, uint64_t a) { return (unsigned)((a >> 3) & (c->line_words - 1)); }
static unsigned line_of(const struct vm_l1 *c, unsigned set, unsigned way) { return set * c->ways + way; }
static uint64_t *line_data(const struct vm_l1 *c, unsigned line) { return &c->data[(size_t)line * c->line_words]; }

static uint64_t merge(uint64_t old, uint64_t wdata, uint8_t strb)
{
    uint64_t m = vm_strb_bits(strb);
    return (old & ~m) | (wdata & m);
}

/* The way of a valid copy of `a`, or -1. */
static int lookup(const struct vm_l1 *c, uint64_t a)
{
    unsigned set = set_of(c, a);
    uint64_t tag = tag_of(c, a);
    for (unsigned w = 0; w < c->ways; w++) {
        unsigned l = line_of(c, set, w);
        if (c->mesi[l] != VM_MESI_I && c->tag[l] == tag)
            return (int)w;
    }
    return -1;
}

void vm_l1_outputs_bus(const struct vm_l1 *c, const struct vm_l1_bus_in *b, struct vm_l1_out *o)
{
    o->resp_valid = false;
    o->resp_rdata = 0;
    o->bus_req = false;
    unsigned set = set_of(c, c->addr);
    unsigned cur = line_of(c, set, c->way);
    o->bus_type = VM_BUS_RD;
    o->bus_addr = c->addr & ~((1ull << c->off_bits) - 1);
    o->bus_word = word_of(c, c->addr);
    o->bus_cmp = c->cmp;
    o->bus_wdata = c->wdata;
    o->bus_strb = c->strb;
    o->bus_line = NULL;
    switch (c->state) {
    case L1_WB_REQ:
        o->bus_req = c->mesi[cur] == VM_MESI_M;
        o->bus_type = VM_BUS_WB;
        o->bus_addr = (c->tag[cur] << (c->off_bits + c->log_sets)) | ((uint64_t)set << c->off_bits);
        o->bus_line = line_data(c, cur);
        break;
    case L1_FILL_REQ:
        o->bus_req = true;
        o->bus_type = c->op == VM_MEMOP_WRITE ? VM_BUS_RDX : VM_BUS_RD;
        o->resp_valid = b->done;
        o->resp_rdata = b->done && c->op == VM_MEMOP_READ ? b->line[word_of(c, c->addr)] : 0;
        break;
    case L1_UPG_REQ:
        o->bus_req = c->mesi[cur] == VM_MESI_S;
        o->bus_type = VM_BUS_UPGR;
        o->resp_valid = b->done;
        break;
    case L1_NA_REQ:
        o->bus_req = true;
        o->bus_type = VM_BUS_RDNA;
        o->resp_valid = b->done;
        o->resp_rdata = b->done ? b->line[word_of(c, c->addr)] : 0;
        break;
    case L1_RMW_REQ:
        o->bus_req = true;
        o->bus_type = VM_BUS_RMW;
        o->resp_valid = b->done;
        o->resp_rdata = b->done ? b->word : 0;
        break;
    default:
        break;
    }
}

bool vm_l1_waits_for_bus(const struct vm_l1 *c)
{
    uint8_t cur = c->mesi[line_of(c, set_of(c, c->addr), c->way)];
    switch (c->state) {
    case L1_FILL_REQ: case L1_NA_REQ: case L1_RMW_REQ: case L1_WB_WAIT: return true;
    case L1_WB_REQ: return cur == VM_MESI_M;
    case L1_UPG_REQ: return cur == VM_MESI_S;
    default: return false;
    }
}

void vm_l1_snoop(const struct vm_l1 *c, const struct vm_l1_bus_in *b, struct vm_l1_snoop *s)
{
    memset(s, 0, sizeof *s);
    if (!b->snoop_valid)
        return;
    int w = lookup(c, b->snoop_addr);
    if (w < 0)
        return;
    unsigned l = line_of(c, set_of(c, b->snoop_addr), (unsigned)w);
    uint8_t old = c->mesi[l], nw = old;
    s->hit = !b->snoop_self;
    if (!b->snoop_self || b->snoop_type == VM_BUS_RMW) {
        switch (b->snoop_type) {
        case VM_BUS_RD: nw = VM_MESI_S; break;
        case VM_BUS_RDX: case VM_BUS_UPGR: case VM_BUS_RMW: nw = VM_MESI_I; break;
        case VM_BUS_WLI: nw = VM_MESI_I; break;   /* the whole line is overwritten: a dirty copy is dropped */
        case VM_BUS_RDNA: nw = old == VM_MESI_M ? VM_MESI_E : old; break;
        default: break;
        }
        s->dirty = old == VM_MESI_M && b->snoop_type != VM_BUS_WB && b->snoop_type != VM_BUS_UPGR &&
                   b->snoop_type != VM_BUS_WLI;
        s->line = line_data(c, l);
    }
    s->change = nw != old;
    s->index = l;
    s->addr = line_addr(c, b->snoop_addr);
    s->old_state = old;
    s->new_state = nw;
}

void vm_l1_next_full(struct vm_l1 *c, const struct vm_mem_req *r, const struct vm_l1_bus_in *b,
                     const struct vm_l1_snoop *s, bool seed_we, uint32_t seed, struct vm_l1_change *chg)
{
    unsigned set = set_of(c, c->addr);
    unsigned cur = line_of(c, set, c->way);
    struct vm_l1_change own = {0};
    bool fill = false, write_cur = false;
    uint8_t fill_mesi = VM_MESI_I;

    switch (c->state) {
    case L1_IDLE: {
        if (!r->valid || b->snoop_valid)
            break;
        unsigned rset = set_of(c, r->addr);
        int hw = lookup(c, r->addr);
        bool from_policy = false;
        unsigned victim = 0;
        if (!r->walk && hw < 0) {
            uint64_t valid = 0;
            for (unsigned w = 0; w < c->ways; w++)
                if (c->mesi[line_of(c, rset, w)] != VM_MESI_I)
                    valid |= 1ull << w;
            victim = vm_repl_victim(&c->repl, rset, valid, &from_policy);
        }
        unsigned hl = line_of(c, rset, hw >= 0 ? (unsigned)hw : 0);
        c->op = r->op;
        c->addr = r->addr;
        c->wdata = r->wdata;
        c->cmp = r->cmp;
        c->strb = r->strb;
        c->way = hw >= 0 ? (unsigned)hw : victim;
        c->policy = from_policy;
        c->rdata = line_data(c, hl)[word_of(c, r->addr)];
        if (r->walk) {
            c->state = r->op == VM_MEMOP_READ ? (hw >= 0 ? L1_RESP : L1_NA_REQ) : L1_RMW_REQ;
            break;
        }
        /* One access, and one miss if any of its pieces misses (req_cont: the next piece). */
        if (!r->cont)
            c->accesses++;
        if (!r->cont && hw >= 0 && c->mesi[hl] != VM_MESI_I)
            c->hits[c->mesi[hl] - VM_MESI_S]++;
        if (hw < 0 && !(r->cont && c->missed))
            c->misses++;
        c->missed = (r->cont && c->missed) || hw < 0;
        if (hw >= 0) {
            vm_repl_touch(&c->repl, rset, (unsigned)hw);
            if (r->op == VM_MEMOP_WRITE && c->mesi[hl] == VM_MESI_S) {
                c->state = L1_UPG_REQ;
            } else {
                if (r->op == VM_MEMOP_WRITE) {
                    uint64_t *wd = &line_data(c, hl)[word_of(c, r->addr)];
                    *wd = merge(*wd, r->wdata, r->strb);
                    if (c->mesi[hl] == VM_MESI_E)
                        own = (struct vm_l1_change){true, hl, VM_MESI_E, VM_MESI_M, line_addr(c, r->addr)};
                }
                c->state = L1_RESP;
            }
        } else {
            c->state = c->mesi[line_of(c, rset, victim)] == VM_MESI_M ? L1_WB_REQ : L1_FILL_REQ;
        }
        break;
    }
    case L1_RESP:
        c->state = L1_IDLE;
        break;
    case L1_WB_REQ:
        if (c->mesi[cur] != VM_MESI_M) {
            c->state = L1_FILL_REQ;   /* a snoop took the dirty data before our grant */
        } else if (b->grant) {
            c->writebacks++;
            own = (struct vm_l1_change){true, cur, VM_MESI_M, VM_MESI_I,
                                        (c->tag[cur] << (c->off_bits + c->log_sets)) | ((uint64_t)set << c->off_bits)};
            c->state = L1_WB_WAIT;
        }
        break;
    case L1_WB_WAIT:
        if (b->done)
            c->state = L1_FILL_REQ;
        break;
    case L1_FILL_REQ:
        if (b->done) {
            fill = true;
            fill_mesi = c->op == VM_MEMOP_WRITE ? VM_MESI_M : (b->shared ? VM_MESI_S : VM_MESI_E);
            own = (struct vm_l1_change){true, cur, c->mesi[cur], fill_mesi, line_addr(c, c->addr)};
            vm_repl_fill(&c->repl, set, c->way, c->policy);
            c->state = L1_IDLE;
        }
        break;
    case L1_UPG_REQ:
        if (c->mesi[cur] != VM_MESI_S) {
            c->state = L1_FILL_REQ;
        } else if (b->done) {
            write_cur = true;
            own = (struct vm_l1_change){true, cur, VM_MESI_S, VM_MESI_M, line_addr(c, c->addr)};
            c->state = L1_IDLE;
        }
        break;
    case L1_NA_REQ:
    case L1_RMW_REQ:
        if (b->done)
            c->state = L1_IDLE;
        break;
    }

    if (fill) {
        uint64_t *d = line_data(c, cur);
        memcpy(d, b->line, c->line_words * sizeof *d);
        if (c->op == VM_MEMOP_WRITE)
            d[word_of(c, c->addr)] = merge(d[word_of(c, c->addr)], c->wdata, c->strb);
        c->tag[cur] = tag_of(c, c->addr);
    } else if (write_cur) {
        uint64_t *wd = &line_data(c, cur)[word_of(c, c->addr)];
        *wd = merge(*wd, c->wdata, c->strb);
    }
    if (seed_we)
        vm_repl_seed(&c->repl, seed);
    if (s->hit)
        c->snoop_hits++;

    if (s->change)
        *chg = (struct vm_l1_change){true, s->index, s->old_state, s->new_state, s->addr};
    else
        *chg = own;
    if (chg->valid)
        c->mesi[chg->index] = chg->new_state;
}
