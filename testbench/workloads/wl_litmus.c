/* SPDX-License-Identifier: MIT */
/* litmus:NAME[:ITERATIONS]: a litmus test (include/vmcosim/litmus.h) run over and over on the cores.
 *
 * Each iteration is a script per core, in phases separated by barriers (the testbench's own
 * synchronisation: a core waits at a barrier until every core has reached it with no request in flight,
 * and all cores leave it in the same cycle):
 *   reset   a random core stores 0 to each location;
 *   warm    every core, per location, does nothing, loads it (S or E), stores 0 to it (M, the other
 *           copies invalidated) or loads lines of the same set until it is evicted (I, a write-back if
 *           dirty), in random order;
 *   test    thread t runs on core map[t] after a random start delay (and, in the wider delay modes,
 *           random gaps between its instructions); cores without a thread load the locations and pool
 *           lines at random (snoops, downgrades) but never store to the locations;
 *   final   a random core reads the locations whose final values are part of the outcome;
 * then the outcome is recorded. The locations move through a pool of lines every iteration (a random
 * line each, never the same one for x and y, sometimes the same set; a random access size 1..8 bytes and
 * a random aligned offset in the line), so lines are cold, shared, exclusive, dirty elsewhere or just
 * evicted when the threads start. Every access is a bare physical one: no page tables.
 * Every random choice comes from the seed; the histogram notes how the first iteration of each outcome
 * ran (start delays, thread-to-core map, addresses), and check() compares every outcome with the SC
 * oracle (litmus_sc.c). */
#include <vmcosim/contract.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "litmus_sc.h"
#include "workload_impl.h"

#define DEFAULT_ITERATIONS 200
#define MAX_ITERATIONS 100000000ull
#define POOL_BYTES 8192u     /* the lines the locations move through */
#define MAX_EVICT_LOADS 8    /* loads of one set to push a line out (up to 8 ways) */
#define MAX_STEPS 64

enum step_kind { ST_REQ, ST_DELAY, ST_BARRIER, ST_CSR };

struct step {
    uint8_t kind;
    uint8_t op, size;
    int8_t slot;            /* ST_REQ loads: the outcome slot the value goes to, or -1 */
    uint32_t n;             /* ST_DELAY: idle cycles left */
    uint64_t addr, wdata;   /* ST_CSR: csr number in addr */
};

struct lcore {
    struct step s[MAX_STEPS];
    unsigned n, pos;
    bool outstanding;       /* a request accepted, its response not yet seen */
    int8_t out_slot;
    bool at_barrier;
};

struct litmus {
    struct vm_config cfg;
    const struct vm_litmus_test *t;
    uint64_t seed, rng;
    unsigned cores;
    bool built, done;
    uint64_t iter;          /* the iteration running */
    /* the data region: the pool, then the lines that evict pool lines (way stride) */
    uint64_t base;
    unsigned line;
    uint64_t way_bytes;
    unsigned evict_loads;   /* 0: no eviction (no L1, or the region does not fit) */
    /* the iteration running */
    uint64_t loc_addr[VM_LITMUS_MAX_LOCS];
    unsigned loc_size[VM_LITMUS_MAX_LOCS];   /* log2 bytes */
    unsigned map[VM_MAX_CORES];              /* thread -> core; map[threads..cores) run the noise */
    unsigned delay[VM_LITMUS_MAX_THREADS], max_delay;
    uint64_t val[VM_LITMUS_MAX_SLOTS];
    unsigned filled;                         /* slots whose value came back */
    struct lcore core[VM_MAX_CORES];
    struct vm_litmus_hist hist;
};

static uint64_t rnd(struct litmus *L, uint64_t n) { return vm_rand_below(&L->rng, n); }

static void push(struct litmus *L, unsigned c, struct step s)
{
    struct lcore *k = &L->core[c];
    if (k->n < MAX_STEPS)   /* the phases below stay far under MAX_STEPS; see new_iteration */
        k->s[k->n++] = s;
}

static void push_req(struct litmus *L, unsigned c, unsigned op, unsigned size, uint64_t addr, uint64_t wdata,
                     int slot)
{
    push(L, c, (struct step){.kind = ST_REQ, .op = (uint8_t)op, .size = (uint8_t)size, .slot = (int8_t)slot,
                             .addr = addr, .wdata = wdata});
}

static void push_delay(struct litmus *L, unsigned c, uint64_t n)
{
    if (n)
        push(L, c, (struct step){.kind = ST_DELAY, .n = (uint32_t)n});
}

static void push_barrier(struct litmus *L)
{
    for (unsigned c = 0; c < L->cores; c++)
        push(L, c, (struct step){.kind = ST_BARRIER});
}

/* Loads of lines in the same L1 set as addr (a way apart), enough to push it out under LRU. */
static void push_evict(struct litmus *L, unsigned c, uint64_t addr)
{
    uint64_t line = addr & ~(uint64_t)(L->line - 1);
    for (unsigned k = 1; k <= L->evict_loads; k++)
        push_req(L, c, VM_OP_LOAD, 3, line + k * L->way_bytes, 0, -1);
}

/* The scripts of iteration L->iter. Per core at most: 1 CSR + 2 resets + 2 * MAX_EVICT_LOADS warm
 * loads + 1 delay + 3 ops + 2 gaps + 1 delay + 4 noise loads + 2 final loads + 4 barriers = 36 steps. */
static void new_iteration(struct litmus *L)
{
    const struct vm_litmus_test *t = L->t;
    unsigned nloc = t->locs;
    for (unsigned c = 0; c < L->cores; c++) {
        L->core[c].n = L->core[c].pos = 0;
        L->core[c].at_barrier = false;
        if (!L->iter)   /* the replacement LFSR (l1.repl=random), a different seed per core */
            push(L, c, (struct step){.kind = ST_CSR, .addr = VM_CSR_LFSR_SEED,
                                     .wdata = (uint32_t)((L->seed + c) * 2654435761u) | 1u});
    }
    /* The locations: different lines of the pool, a random size and aligned offset each. */
    unsigned lines = POOL_BYTES / L->line;
    uint64_t line_of[VM_LITMUS_MAX_LOCS];
    for (unsigned l = 0; l < nloc; l++) {
        do
            line_of[l] = rnd(L, lines);
        while (l && line_of[l] == line_of[0]);
        L->loc_size[l] = (unsigned)rnd(L, 4);
        uint64_t bytes = 1ull << L->loc_size[l];
        L->loc_addr[l] = L->base + line_of[l] * L->line + rnd(L, L->line / bytes) * bytes;
    }
    /* Thread -> core: a random permutation. */
    for (unsigned c = 0; c < L->cores; c++)
        L->map[c] = c;
    for (unsigned c = L->cores; c > 1; c--) {
        unsigned j = (unsigned)rnd(L, c), tmp = L->map[c - 1];
        L->map[c - 1] = L->map[j];
        L->map[j] = tmp;
    }
    /* reset */
    for (unsigned l = 0; l < nloc; l++)
        push_req(L, (unsigned)rnd(L, L->cores), VM_OP_STORE, L->loc_size[l], L->loc_addr[l], 0, -1);
    push_barrier(L);
    /* warm: each core leaves each location in some state */
    for (unsigned c = 0; c < L->cores; c++) {
        unsigned first = (unsigned)rnd(L, nloc);
        for (unsigned i = 0; i < nloc; i++) {
            unsigned l = (first + i) % nloc, r = (unsigned)rnd(L, 100);
            if (r < 25)
                continue;
            if (r < 55 || (r >= 75 && !L->evict_loads))
                push_req(L, c, VM_OP_LOAD, L->loc_size[l], L->loc_addr[l], 0, -1);
            else if (r < 75)
                push_req(L, c, VM_OP_STORE, L->loc_size[l], L->loc_addr[l], 0, -1);
            else
                push_evict(L, c, L->loc_addr[l]);
        }
    }
    push_barrier(L);
    /* test: a start delay per thread; the delay mode sets how far apart the threads start */
    static const unsigned kMaxDelay[] = {0, 7, 31, 127};
    unsigned mode = (unsigned)rnd(L, 100);
    mode = mode < 15 ? 0 : mode < 50 ? 1 : mode < 80 ? 2 : 3;
    L->max_delay = kMaxDelay[mode];
    for (unsigned th = 0; th < t->threads; th++) {
        unsigned c = L->map[th];
        L->delay[th] = (unsigned)rnd(L, L->max_delay + 1);
        push_delay(L, c, L->delay[th]);
        for (unsigned i = 0; i < t->nops[th]; i++) {
            const struct vm_litmus_ins *in = &t->op[th][i];
            if (i && mode >= 2 && rnd(L, 2))
                push_delay(L, c, rnd(L, L->max_delay / 4 + 1));
            if (in->kind == VM_LI_LD)
                push_req(L, c, VM_OP_LOAD, L->loc_size[in->loc], L->loc_addr[in->loc], 0, in->reg);
            else
                push_req(L, c, VM_OP_STORE, L->loc_size[in->loc], L->loc_addr[in->loc], in->val, -1);
        }
    }
    for (unsigned i = t->threads; i < L->cores; i++) {   /* noise: loads only */
        unsigned c = L->map[i];
        push_delay(L, c, rnd(L, L->max_delay + 1));
        for (unsigned k = (unsigned)rnd(L, 5); k; k--) {
            if (rnd(L, 3)) {
                unsigned l = (unsigned)rnd(L, nloc);
                push_req(L, c, VM_OP_LOAD, L->loc_size[l], L->loc_addr[l], 0, -1);
            } else {
                push_req(L, c, VM_OP_LOAD, 3, L->base + rnd(L, lines) * L->line, 0, -1);
            }
        }
    }
    push_barrier(L);
    /* final values, read by a random core */
    if (t->nfinal) {
        unsigned c = (unsigned)rnd(L, L->cores);
        for (unsigned f = 0; f < t->nfinal; f++) {
            unsigned l = t->final[f];
            push_req(L, c, VM_OP_LOAD, L->loc_size[l], L->loc_addr[l], 0, (int)(t->regs + f));
        }
        push_barrier(L);
    }
    L->filled = 0;
    memset(L->val, 0, sizeof L->val);
}

/* The finished iteration's outcome into the histogram (a slot that never got its value: UINT64_MAX,
 * which no SC outcome has). */
static void record(struct litmus *L)
{
    struct vm_litmus_outcome o;
    memset(&o, 0, sizeof o);
    for (unsigned s = 0; s < L->hist.nslots; s++)
        o.v[s] = (L->filled >> s) & 1 ? L->val[s] : UINT64_MAX;
    char note[120];
    int n = snprintf(note, sizeof note, "delays");
    for (unsigned th = 0; th < L->t->threads && n > 0 && (size_t)n < sizeof note; th++)
        n += snprintf(note + n, sizeof note - (size_t)n, "%c%u", th ? ',' : ' ', L->delay[th]);
    if (n > 0 && (size_t)n < sizeof note)
        n += snprintf(note + n, sizeof note - (size_t)n, " (max %u) threads on cores", L->max_delay);
    for (unsigned th = 0; th < L->t->threads && n > 0 && (size_t)n < sizeof note; th++)
        n += snprintf(note + n, sizeof note - (size_t)n, "%c%u", th ? ',' : ' ', L->map[th]);
    for (unsigned l = 0; l < L->t->locs && n > 0 && (size_t)n < sizeof note; l++)
        n += snprintf(note + n, sizeof note - (size_t)n, " %s=0x%" PRIx64 "/%u", l ? "y" : "x", L->loc_addr[l],
                      1u << L->loc_size[l]);
    vm_litmus_hist_add(&L->hist, &o, L->iter, note);
}

/* At a cycle's first call (core 0's): when every core waits at the barrier, all leave it now; after
 * the last barrier of an iteration, the outcome is recorded and the next iteration begins. */
static void try_release(struct litmus *L)
{
    for (unsigned c = 0; c < L->cores; c++)
        if (!L->core[c].at_barrier)
            return;
    for (unsigned c = 0; c < L->cores; c++) {
        L->core[c].at_barrier = false;
        L->core[c].pos++;
    }
    if (L->core[0].pos < L->core[0].n)
        return;
    record(L);
    if (++L->iter >= L->hist.target)
        L->done = true;
    else
        new_iteration(L);
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    struct litmus *L = st;
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_NONE;
    if (core == 0 && L->built && !L->done)
        try_release(L);
    if (!L->built || L->done || core >= L->cores) {
        a->kind = VM_ACT_END;
        return;
    }
    struct lcore *k = &L->core[core];
    if (k->outstanding || k->at_barrier)
        return;
    while (k->pos < k->n) {
        struct step *s = &k->s[k->pos];
        switch (s->kind) {
        case ST_DELAY:
            if (s->n) {
                s->n--;
                return;
            }
            k->pos++;
            continue;
        case ST_REQ:
            a->kind = VM_ACT_REQ;
            a->op = s->op;
            a->size = s->size;
            a->bare = 1;
            a->addr = s->addr;
            a->wdata = s->wdata;
            k->outstanding = true;
            k->out_slot = s->slot;
            k->pos++;
            return;
        case ST_CSR:
            a->kind = VM_ACT_CSR;
            a->csr = (uint8_t)s->addr;
            a->value = s->wdata;
            k->pos++;
            return;
        case ST_BARRIER:
        default:
            k->at_barrier = true;
            return;
        }
    }
}

static void response(void *st, unsigned core, const struct vm_core_obs *o)
{
    struct litmus *L = st;
    if (core >= L->cores)
        return;
    struct lcore *k = &L->core[core];
    if (!k->outstanding)
        return;
    k->outstanding = false;
    if (o->resp_fault)
        L->hist.faults++;
    else if (k->out_slot >= 0 && (unsigned)k->out_slot < VM_LITMUS_MAX_SLOTS) {
        L->val[k->out_slot] = o->resp_rdata;
        L->filled |= 1u << k->out_slot;
    }
}

static void *create(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    char name[16];
    const char *colon = arg ? strchr(arg, ':') : NULL;
    size_t len = arg ? (colon ? (size_t)(colon - arg) : strlen(arg)) : 0;
    snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), arg ? arg : "");
    const struct vm_litmus_test *t = len < sizeof name ? vm_litmus_find(name) : NULL;
    if (!t) {
        int n = snprintf(err, errlen, "litmus: unknown test '%.*s'; tests:", (int)(len > 32 ? 32 : len),
                         arg ? arg : "");
        for (unsigned i = 0; i < vm_litmus_count() && n > 0 && (size_t)n < errlen; i++)
            n += snprintf(err + n, errlen - (size_t)n, " %s", vm_litmus_name(i));
        if (n > 0 && (size_t)n < errlen)
            snprintf(err + n, errlen - (size_t)n, " (litmus:NAME[:ITERATIONS])");
        return NULL;
    }
    uint64_t iters = DEFAULT_ITERATIONS;
    if (colon) {
        char *end;
        iters = strtoull(colon + 1, &end, 10);
        if (!colon[1] || *end || colon[1] == '-' || iters == 0 || iters > MAX_ITERATIONS) {
            snprintf(err, errlen, "litmus:%s: iterations '%s' must be a number from 1 to %llu", t->name, colon + 1,
                     MAX_ITERATIONS);
            return NULL;
        }
    }
    if (cfg->cores < t->threads) {
        snprintf(err, errlen, "litmus:%s has %u threads and needs a core for each: cores=%u is too few "
                 "(--set cores=%u)", t->name, t->threads, cfg->cores, t->threads);
        return NULL;
    }
    struct litmus *L = calloc(1, sizeof *L);
    if (!L) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    L->cfg = *cfg;
    L->t = t;
    L->seed = seed;
    L->rng = seed ^ 0x6C69746D75730000ull;   /* "litmus" */
    for (const char *p = t->name; *p; p++)
        L->rng = L->rng * 131 + (unsigned char)*p;
    L->cores = cfg->cores;
    vm_litmus_hist_init(&L->hist, t->name);
    L->hist.cores = cfg->cores;
    L->hist.seed = seed;
    L->hist.target = iters;
    return L;
}

static void destroy(void *st) { free(st); }

static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    struct litmus *L = st;
    L->line = L->cfg.l1_size ? L->cfg.l1_line : 64;
    L->way_bytes = L->cfg.l1_size ? L->cfg.l1_size / L->cfg.l1_ways : 0;
    L->evict_loads = L->cfg.l1_size ? (L->cfg.l1_ways < MAX_EVICT_LOADS ? L->cfg.l1_ways : MAX_EVICT_LOADS) : 0;
    uint64_t bytes = POOL_BYTES + L->evict_loads * L->way_bytes;
    if (bytes > L->cfg.mem_size / 2) {   /* a huge L1 on a small memory: no evictions */
        L->evict_loads = 0;
        bytes = POOL_BYTES;
    }
    uint64_t first = 0;
    for (uint64_t p = 0; p < (bytes + 4095) / 4096; p++) {
        uint64_t frame = vm_image_alloc_page(img);
        if (!frame || (p && frame != first + p)) {
            snprintf(err, errlen, "litmus: cannot allocate %llu contiguous bytes (mem.size=%llu)",
                     (unsigned long long)bytes, (unsigned long long)L->cfg.mem_size);
            return -1;
        }
        if (!p)
            first = frame;
    }
    L->base = first << 12;
    L->built = true;
    new_iteration(L);
    return 0;
}

static int check(void *st, char *err, size_t errlen) { return vm_litmus_verdict(&((struct litmus *)st)->hist, err, errlen); }

static void report(void *st, FILE *f) { vm_litmus_print(&((struct litmus *)st)->hist, f); }

const struct vm_litmus_hist *vm_wl_litmus_hist(const void *st) { return &((const struct litmus *)st)->hist; }

const struct vm_workload_ops vm_wl_litmus = {
    .name = "litmus",
    .description = "ARG = NAME[:ITERATIONS], NAME one of MP SB LB CoRR CoWW IRIW 2+2W (default 200 iterations; a core per thread): "
    "every outcome must be sequentially consistent (all interleavings enumerated); random start delays, "
    "thread-to-core maps and cache states; the outcome histogram follows the summary",
    .create = create, .destroy = destroy, .build = build, .next = next, .response = response, .check = check,
    .report = report, .takes_arg = true, .finite = vm_wl_always_finite,
};
