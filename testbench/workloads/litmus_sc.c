/* SPDX-License-Identifier: MIT */
/* Litmus tests: the catalogue, the SC oracle (every interleaving of the threads' programs in program
 * order on one memory) and the outcome histogram with its verdict. */
#include <stdbool.h>
#include <string.h>

#include "litmus_sc.h"

#define LD(loc, reg) {VM_LI_LD, loc, reg, 0}
#define ST(loc, val) {VM_LI_ST, loc, 0, val}
enum { X, Y };

static const struct vm_litmus_test kTests[] = {
    /* name   thr locs regs final  final locs  ops per thread */
    {"MP",    2, 2, 2, 0, {0},    {2, 2},       {{ST(X, 1), ST(Y, 1)}, {LD(Y, 0), LD(X, 1)}}},
    {"SB",    2, 2, 2, 0, {0},    {2, 2},       {{ST(X, 1), LD(Y, 0)}, {ST(Y, 1), LD(X, 1)}}},
    {"LB",    2, 2, 2, 0, {0},    {2, 2},       {{LD(X, 0), ST(Y, 1)}, {LD(Y, 1), ST(X, 1)}}},
    {"CoRR",  2, 1, 2, 0, {0},    {1, 2},       {{ST(X, 1)}, {LD(X, 0), LD(X, 1)}}},
    {"CoWW",  1, 1, 0, 1, {X},    {2},          {{ST(X, 1), ST(X, 2)}}},
    {"IRIW",  4, 2, 4, 0, {0},    {1, 1, 2, 2}, {{ST(X, 1)}, {ST(Y, 1)}, {LD(X, 0), LD(Y, 1)}, {LD(Y, 2), LD(X, 3)}}},
    {"2+2W",  2, 2, 0, 2, {X, Y}, {2, 2},       {{ST(X, 1), ST(Y, 2)}, {ST(Y, 1), ST(X, 2)}}},
};
#define NTESTS (sizeof kTests / sizeof kTests[0])
static const char *const kLocName[VM_LITMUS_MAX_LOCS] = {"x", "y"};

unsigned vm_litmus_count(void) { return NTESTS; }

const char *vm_litmus_name(unsigned i) { return i < NTESTS ? kTests[i].name : NULL; }

const struct vm_litmus_test *vm_litmus_find(const char *name)
{
    for (unsigned i = 0; name && i < NTESTS; i++)
        if (!strcmp(kTests[i].name, name))
            return &kTests[i];
    return NULL;
}

int vm_litmus_threads(const char *name)
{
    const struct vm_litmus_test *t = vm_litmus_find(name);
    return t ? (int)t->threads : -1;
}

/* ---------------------------------------------------------------- the SC oracle */

struct sc_walk {
    const struct vm_litmus_test *t;
    unsigned pc[VM_LITMUS_MAX_THREADS];
    uint64_t mem[VM_LITMUS_MAX_LOCS];
    uint64_t reg[VM_LITMUS_MAX_SLOTS];
    struct vm_litmus_outcome set[VM_LITMUS_MAX_OUTCOMES];
    unsigned n;
};

static int outcome_cmp(const struct vm_litmus_outcome *a, const struct vm_litmus_outcome *b, unsigned nslots)
{
    for (unsigned s = 0; s < nslots; s++)
        if (a->v[s] != b->v[s])
            return a->v[s] < b->v[s] ? -1 : 1;
    return 0;
}

/* Adds the finished interleaving's outcome to the sorted set. */
static void sc_record(struct sc_walk *w)
{
    const struct vm_litmus_test *t = w->t;
    unsigned nslots = vm_litmus_slots(t);
    struct vm_litmus_outcome o;
    memset(&o, 0, sizeof o);
    for (unsigned r = 0; r < t->regs; r++)
        o.v[r] = w->reg[r];
    for (unsigned f = 0; f < t->nfinal; f++)
        o.v[t->regs + f] = w->mem[t->final[f]];
    unsigned i = 0;
    while (i < w->n && outcome_cmp(&w->set[i], &o, nslots) < 0)
        i++;
    if ((i < w->n && !outcome_cmp(&w->set[i], &o, nslots)) || w->n == VM_LITMUS_MAX_OUTCOMES)
        return;
    memmove(&w->set[i + 1], &w->set[i], (w->n - i) * sizeof o);
    w->set[i] = o;
    w->n++;
}

/* Every interleaving: at each step, any thread with instructions left may run its next one. */
static void sc_walk(struct sc_walk *w)
{
    const struct vm_litmus_test *t = w->t;
    bool any = false;
    for (unsigned th = 0; th < t->threads; th++) {
        if (w->pc[th] == t->nops[th])
            continue;
        any = true;
        const struct vm_litmus_ins *in = &t->op[th][w->pc[th]];
        uint64_t saved = in->kind == VM_LI_LD ? w->reg[in->reg] : w->mem[in->loc];
        if (in->kind == VM_LI_LD)
            w->reg[in->reg] = w->mem[in->loc];
        else
            w->mem[in->loc] = in->val;
        w->pc[th]++;
        sc_walk(w);
        w->pc[th]--;
        if (in->kind == VM_LI_LD)
            w->reg[in->reg] = saved;
        else
            w->mem[in->loc] = saved;
    }
    if (!any)
        sc_record(w);
}

int vm_litmus_sc_outcomes(const char *name, struct vm_litmus_outcome *out, unsigned max)
{
    const struct vm_litmus_test *t = vm_litmus_find(name);
    if (!t)
        return -1;
    struct sc_walk w;
    memset(&w, 0, sizeof w);
    w.t = t;
    sc_walk(&w);
    for (unsigned i = 0; i < w.n && i < max; i++)
        out[i] = w.set[i];
    return (int)w.n;
}

/* ---------------------------------------------------------------- histogram and verdict */

int vm_litmus_hist_init(struct vm_litmus_hist *h, const char *name)
{
    const struct vm_litmus_test *t = vm_litmus_find(name);
    memset(h, 0, sizeof *h);
    if (!t)
        return -1;
    snprintf(h->test, sizeof h->test, "%s", t->name);
    h->threads = t->threads;
    h->cores = t->threads;
    h->nslots = vm_litmus_slots(t);
    for (unsigned r = 0; r < t->regs && r < 10; r++) {
        h->slot[r][0] = 'r';
        h->slot[r][1] = (char)('0' + r);
    }
    for (unsigned f = 0; f < t->nfinal; f++)
        snprintf(h->slot[t->regs + f], sizeof h->slot[0], "%s", kLocName[t->final[f]]);
    return 0;
}

static int hist_find(const struct vm_litmus_hist *h, const struct vm_litmus_outcome *o)
{
    for (unsigned i = 0; i < h->n; i++)
        if (!outcome_cmp(&h->e[i].o, o, h->nslots))
            return (int)i;
    return -1;
}

void vm_litmus_hist_add(struct vm_litmus_hist *h, const struct vm_litmus_outcome *o, uint64_t iter,
                        const char *note)
{
    h->iterations++;
    int i = hist_find(h, o);
    if (i < 0) {
        if (h->n == VM_LITMUS_MAX_OUTCOMES) {
            h->dropped++;
            return;
        }
        i = (int)h->n++;
        struct vm_litmus_entry *e = &h->e[i];
        memset(e, 0, sizeof *e);
        for (unsigned s = 0; s < h->nslots; s++)
            e->o.v[s] = o->v[s];
        e->first_iter = iter;
        snprintf(e->note, sizeof e->note, "%s", note ? note : "");
    }
    h->e[i].count++;
}

uint64_t vm_litmus_hist_count(const struct vm_litmus_hist *h, const struct vm_litmus_outcome *o)
{
    int i = hist_find(h, o);
    return i < 0 ? 0 : h->e[i].count;
}

void vm_litmus_format(const struct vm_litmus_hist *h, const struct vm_litmus_outcome *o, char *buf, size_t len)
{
    size_t n = 0;
    if (len)
        buf[0] = 0;
    for (unsigned s = 0; s < h->nslots && n < len; s++) {
        int k = snprintf(buf + n, len - n, "%s%s=%llu", s ? " " : "", h->slot[s], (unsigned long long)o->v[s]);
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

static bool in_set(const struct vm_litmus_outcome *set, unsigned n, const struct vm_litmus_outcome *o,
                   unsigned nslots)
{
    for (unsigned i = 0; i < n; i++)
        if (!outcome_cmp(&set[i], o, nslots))
            return true;
    return false;
}

/* Observed outcomes outside SC (dropped ones included). */
static uint64_t non_sc(const struct vm_litmus_hist *h, const struct vm_litmus_outcome *sc, unsigned nsc)
{
    uint64_t bad = h->dropped;
    for (unsigned i = 0; i < h->n; i++)
        if (!in_set(sc, nsc, &h->e[i].o, h->nslots))
            bad += h->e[i].count;
    return bad;
}

int vm_litmus_verdict(const struct vm_litmus_hist *h, char *err, size_t errlen)
{
    struct vm_litmus_outcome sc[VM_LITMUS_MAX_OUTCOMES];
    int nsc = vm_litmus_sc_outcomes(h->test, sc, VM_LITMUS_MAX_OUTCOMES);
    if (nsc < 0) {
        snprintf(err, errlen, "litmus: unknown test '%s'", h->test);
        return -1;
    }
    for (unsigned i = 0; i < h->n; i++) {
        const struct vm_litmus_entry *e = &h->e[i];
        if (in_set(sc, (unsigned)nsc, &e->o, h->nslots))
            continue;
        char o[96];
        vm_litmus_format(h, &e->o, o, sizeof o);
        snprintf(err, errlen,
                 "litmus %s: outcome %s is not sequentially consistent: seen %llu times in %llu iterations, "
                 "first at iteration %llu%s%s (seed %llu)",
                 h->test, o, (unsigned long long)e->count, (unsigned long long)h->iterations,
                 (unsigned long long)e->first_iter, e->note[0] ? ": " : "", e->note, (unsigned long long)h->seed);
        return -1;
    }
    if (h->dropped) {
        snprintf(err, errlen, "litmus %s: %llu iterations produced outcomes beyond the %d distinct ones kept "
                 "(none of them SC)", h->test, (unsigned long long)h->dropped, VM_LITMUS_MAX_OUTCOMES);
        return -1;
    }
    if (h->faults) {
        snprintf(err, errlen, "litmus %s: %llu accesses answered with a fault (every access is bare physical "
                 "memory)", h->test, (unsigned long long)h->faults);
        return -1;
    }
    return 0;
}

void vm_litmus_print(const struct vm_litmus_hist *h, FILE *f)
{
    struct vm_litmus_outcome sc[VM_LITMUS_MAX_OUTCOMES];
    int nsc = vm_litmus_sc_outcomes(h->test, sc, VM_LITMUS_MAX_OUTCOMES);
    if (nsc < 0)
        nsc = 0;
    char o[96];
    fprintf(f, "litmus %s: %llu iterations on %u core%s (seed %llu)", h->test, (unsigned long long)h->iterations,
            h->cores, h->cores == 1 ? "" : "s", (unsigned long long)h->seed);
    if (h->iterations < h->target)
        fprintf(f, ", stopped before the %llu asked for (--max-cycles)", (unsigned long long)h->target);
    fprintf(f, "\n");
    unsigned seen = 0;
    for (int i = 0; i < nsc; i++) {
        uint64_t n = vm_litmus_hist_count(h, &sc[i]);
        seen += n > 0;
        vm_litmus_format(h, &sc[i], o, sizeof o);
        fprintf(f, "  %-24s %8llu\n", o, (unsigned long long)n);
    }
    for (unsigned i = 0; i < h->n; i++) {
        if (in_set(sc, (unsigned)nsc, &h->e[i].o, h->nslots))
            continue;
        vm_litmus_format(h, &h->e[i].o, o, sizeof o);
        fprintf(f, "  %-24s %8llu   NOT SC, first at iteration %llu: %s\n", o, (unsigned long long)h->e[i].count,
                (unsigned long long)h->e[i].first_iter, h->e[i].note);
    }
    uint64_t bad = non_sc(h, sc, (unsigned)nsc);
    fprintf(f, "  (%u of %d SC outcomes seen; %llu outcomes outside SC", seen, nsc, (unsigned long long)bad);
    if (h->faults)
        fprintf(f, "; %llu faults", (unsigned long long)h->faults);
    fprintf(f, ")\n");
}
