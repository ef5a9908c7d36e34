/* SPDX-License-Identifier: MIT */
/* Real programs' memory traces (Valgrind Lackey or Dinero din) as processes.
 *
 * The trace process (vm_trace_proc, also used by the kernel's demand-paged traces in wl_os.c): a first
 * pass checks every address against the scheme's range, counts the accesses and collects the touched pages
 * (and, for OPT, the page of every access); the replay then splits each access into naturally aligned
 * pieces of at most 8 bytes; the pieces after the first carry req_cont, so the statistics count one access
 * (and one L1 miss if any piece misses), as Cachegrind does. Lackey's M (modify) is a load then a store of
 * the same bytes, one access.
 *
 * trace.paging=premapped (this file's workload): one process per trace (its own page table and ASID i + 1),
 * spread over the cores: trace i runs on core i mod cores, and the traces of one core share it round-robin,
 * VM_TRACE_SLICE accesses at a time (a context switch is a satp write; the TLB keeps the other ASIDs' entries).
 * Each process's whole user virtual range is one anonymous region, so every page it touches is mapped (4 KiB
 * pages, user, read and write, A and D set) to its own frame before the run. */
#include <vmcosim/contract.h>
#include <vmcosim/trace.h>

#include <stdlib.h>
#include <string.h>

#include "workload_impl.h"

static uint64_t hash64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return x;
}

/* Adds a VPN to the set; returns -1 when memory is short. */
static int add_page(struct vm_trace_proc *w, uint64_t vpn)
{
    if ((w->npages + 1) * 2 > w->cap) {
        uint64_t ncap = w->cap ? w->cap * 2 : 4096, *old = w->pages, ocap = w->cap;
        uint64_t *np = calloc(ncap, sizeof *np);
        if (!np)
            return -1;
        w->pages = np;
        w->cap = ncap;
        w->npages = 0;
        for (uint64_t i = 0; i < ocap; i++)
            if (old[i] && add_page(w, old[i] - 1))
                return -1;
        free(old);
    }
    for (uint64_t i = hash64(vpn) & (w->cap - 1);; i = (i + 1) & (w->cap - 1)) {
        if (w->pages[i] == vpn + 1)
            return 0;
        if (!w->pages[i]) {
            w->pages[i] = vpn + 1;
            w->npages++;
            return 0;
        }
    }
}

uint64_t vm_trace_va_limit(const struct vm_config *cfg)
{
    return cfg->mode == VM_MODE_SV39 ? 1ull << 38 : cfg->mode == VM_MODE_SV32 ? 1ull << 32 : cfg->mem_size;
}

void vm_trace_proc_free(struct vm_trace_proc *w)
{
    if (!w)
        return;
    if (w->t)
        vm_trace_close(w->t);
    free(w->pages);
    free(w->future);
    free(w->path);
    free(w);
}

/* Appends the page of an access to the future (OPT's knowledge of the whole reference string). */
static int add_future(struct vm_trace_proc *w, uint64_t vpn)
{
    if (w->nfuture == w->future_cap) {
        size_t cap = w->future_cap ? 2 * w->future_cap : 4096;
        uint64_t *n = realloc(w->future, cap * sizeof *n);
        if (!n)
            return -1;
        w->future = n;
        w->future_cap = cap;
    }
    w->future[w->nfuture++] = vpn;
    return 0;
}

/* First pass: the addresses checked against the scheme's range, every touched page (and the future). */
static int first_pass(struct vm_trace_proc *w, const struct vm_config *cfg, bool want_future, char *err,
                      size_t errlen)
{
    struct vm_trace *t = vm_trace_open(w->path, VM_TRACE_AUTO, err, errlen);
    if (!t)
        return -1;
    struct vm_trace_access a;
    int rc;
    uint64_t limit = vm_trace_va_limit(cfg), n = 0;
    while ((rc = vm_trace_next(t, &a, err, errlen)) == 1) {
        n++;
        if (a.addr >= limit || a.addr + a.size > limit) {
            snprintf(err, errlen, "%s:%llu: address %#llx is outside the %s range (below %#llx)", w->path,
                     (unsigned long long)a.line, (unsigned long long)a.addr,
                     cfg->mode == VM_MODE_SV39 ? "Sv39 user" : cfg->mode == VM_MODE_SV32 ? "Sv32" : "physical memory",
                     (unsigned long long)limit);
            rc = -1;
            break;
        }
        for (uint64_t p = a.addr >> 12; p <= (a.addr + a.size - 1) >> 12; p++)
            if (add_page(w, p)) {
                snprintf(err, errlen, "out of host memory");
                rc = -1;
                break;
            }
        if (rc == 1 && want_future && add_future(w, a.addr >> 12)) {
            snprintf(err, errlen, "out of host memory");
            rc = -1;
        }
        if (rc < 0)
            break;
    }
    vm_trace_close(t);
    if (rc < 0)
        return -1;
    w->total = n;
    if (!n) {   /* nothing to replay: almost surely the wrong file or a trace made without data lines */
        snprintf(err, errlen, "%s: no data accesses in the trace (Lackey writes them with --trace-mem=yes; "
                 "instruction lines are not data accesses)", w->path);
        return -1;
    }
    return 0;
}

struct vm_trace_proc *vm_trace_proc_open(const char *path, const struct vm_config *cfg, bool want_future, char *err,
                                         size_t errlen)
{
    struct vm_trace_proc *w = calloc(1, sizeof *w);
    if (!w || !(w->path = malloc(strlen(path) + 1))) {
        free(w);
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    strcpy(w->path, path);
    if (first_pass(w, cfg, want_future, err, errlen) || !(w->t = vm_trace_open(path, VM_TRACE_AUTO, err, errlen))) {
        vm_trace_proc_free(w);
        return NULL;
    }
    return w;
}

/* Splits [addr, addr + size) into naturally aligned pieces of at most 8 bytes. */
static void split(struct vm_trace_proc *w, uint8_t op, uint64_t addr, uint32_t size, bool first)
{
    uint64_t end = addr + size;
    while (addr < end) {
        unsigned s = 3;
        while (s && ((addr & ((1u << s) - 1)) || addr + (1u << s) > end))
            s--;
        w->queue[w->nqueue++] = (struct vm_trace_piece){op, (uint8_t)s, (uint8_t)!first, addr};
        first = false;
        addr += 1u << s;
    }
}

bool vm_trace_proc_next(struct vm_trace_proc *w, struct vm_action *a)
{
    if (w->taken == w->nqueue) {
        struct vm_trace_access t;
        char err[256];
        w->taken = w->nqueue = 0;
        if (!w->t || vm_trace_next(w->t, &t, err, sizeof err) != 1) {
            if (w->t)
                vm_trace_close(w->t);
            w->t = NULL;
            return false;
        }
        w->accesses++;
        split(w, t.kind == VM_TRACE_STORE ? VM_OP_STORE : VM_OP_LOAD, t.addr, t.size, true);
        if (t.kind == VM_TRACE_MODIFY)
            split(w, VM_OP_STORE, t.addr, t.size, false);
    }
    const struct vm_trace_piece *p = &w->queue[w->taken++];
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_REQ;
    a->op = p->op;
    a->size = p->size;
    a->cont = p->cont;
    a->addr = p->addr;
    a->wdata = p->addr * 0x9E3779B97F4A7C15ull;
    return true;
}

/* ---------------------------------------------------------------- trace.paging=premapped */


/* A premapped trace process: its source and how it boots its core or is switched to. */
struct tr {
    struct vm_trace_proc *src;
    struct vm_action boot[4];
    unsigned nboot, booted;
    uint64_t satp;
};

static int build_one(const struct vm_config *cfg, uint64_t seed, struct tr *w, unsigned index, struct vm_image *img,
                     char *err, size_t errlen)
{
    bool bare = cfg->mode == VM_MODE_BARE;
    uint64_t root = 0;
    const struct vm_trace_proc *src = w->src;
    if (!bare && !(root = vm_image_alloc_page(img)))
        goto full;
    unsigned flags = (1u << VM_PTE_R) | (1u << VM_PTE_W) | (1u << VM_PTE_U) | (1u << VM_PTE_A) | (1u << VM_PTE_D);
    for (uint64_t i = 0; i < src->cap && !bare; i++) {
        if (!src->pages[i])
            continue;
        uint64_t frame = vm_image_alloc_page(img);
        if (!frame || vm_image_map(img, root, (src->pages[i] - 1) << 12, 0, frame, flags))
            goto full;
    }
    unsigned mode = bare ? VM_SATP_MODE_BARE : cfg->mode == VM_MODE_SV32 ? VM_SATP_MODE_SV32 : VM_SATP_MODE_SV39;
    w->satp = vm_satp(mode, index + 1, root);
    w->nboot = vm_boot_actions(cfg, seed + index, 0, w->satp, w->boot);
    return 0;
full:
    snprintf(err, errlen, "%s: the %llu pages it touches do not fit in mem.size=%llu", src->path,
             (unsigned long long)src->npages, (unsigned long long)cfg->mem_size);
    return -1;
}

/* The trace's next action (its core's boot sequence first); false once it has no more. */
static bool next_one(struct tr *w, struct vm_action *a)
{
    if (w->booted < w->nboot) {
        *a = w->boot[w->booted++];
        return true;
    }
    return vm_trace_proc_next(w->src, a);
}

/* The processes: trace i on core i mod cores; a core runs its traces round-robin. */
struct traces {
    struct vm_config cfg;
    uint64_t seed;
    unsigned n, cores;
    struct tr *p[VM_MAX_TRACES];
    struct {
        unsigned cur;        /* the running trace */
        uint64_t slice_end;  /* its access count at which the slice ends */
        bool ended;
    } core[VM_MAX_CORES];
    uint64_t switches;
};

static void destroy(void *st)
{
    struct traces *t = st;
    for (unsigned i = 0; t && i < t->n; i++) {
        vm_trace_proc_free(t->p[i]->src);
        free(t->p[i]);
    }
    free(t);
}

static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    struct traces *t = st;
    for (unsigned i = 0; i < t->n; i++)
        if (build_one(&t->cfg, t->seed, t->p[i], i, img, err, errlen))
            return -1;
    return 0;
}

/* The next trace of the core after `from` that has accesses left, or from itself (the only one left). */
static unsigned next_alive(const struct traces *t, unsigned from)
{
    for (unsigned i = from + t->cores;; i += t->cores) {
        if (i >= t->n)
            i %= t->cores;
        if (i == from || t->p[i]->src->t)
            return i;
    }
}

/* Gives the core to trace `to`: its boot sequence the first time it runs (the core's first trace), else a
 * satp write to its page table and ASID. */
static void switch_to(struct traces *t, unsigned core, unsigned to, struct vm_action *a)
{
    struct tr *w = t->p[to];
    t->core[core].cur = to;
    t->core[core].slice_end = w->src->accesses + VM_TRACE_SLICE;
    t->switches++;
    *a = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SATP, .value = w->satp};
    w->booted = w->nboot;   /* only the core's first trace boots it */
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    struct traces *t = st;
    if (core >= t->n || t->core[core].ended) {
        memset(a, 0, sizeof *a);
        a->kind = VM_ACT_END;   /* a core without a trace, or whose traces have all ended */
        return;
    }
    unsigned cur = t->core[core].cur;
    struct tr *w = t->p[cur];
    bool between = w->booted == w->nboot && vm_trace_proc_at_boundary(w->src);
    if (between && w->src->accesses >= t->core[core].slice_end) {
        unsigned to = next_alive(t, cur);
        t->core[core].slice_end = w->src->accesses + VM_TRACE_SLICE;
        if (to != cur) {
            switch_to(t, core, to, a);
            return;
        }
    }
    if (next_one(w, a))
        return;
    unsigned to = next_alive(t, cur);
    if (to == cur) {
        t->core[core].ended = true;
        memset(a, 0, sizeof *a);
        a->kind = VM_ACT_END;
        return;
    }
    switch_to(t, core, to, a);
}

static void report(void *st, FILE *f)
{
    struct traces *t = st;
    if (t->n < 2)
        return;
    fprintf(f, "traces: %u processes on %u cores, %llu context switches (slices of %d accesses)\n", t->n,
            t->n < t->cores ? t->n : t->cores, (unsigned long long)(t->switches), VM_TRACE_SLICE);
    for (unsigned i = 0; i < t->n; i++)
        fprintf(f, "  trace %u  core %u  ASID %u  %llu accesses, %llu pages  %s\n", i, i % t->cores, i + 1,
                (unsigned long long)t->p[i]->src->accesses, (unsigned long long)t->p[i]->src->npages,
                t->p[i]->src->path);
}

static void progress(void *st, uint64_t *done, uint64_t *total)
{
    const struct traces *t = st;
    *done = *total = 0;
    for (unsigned i = 0; i < t->n; i++) {
        *done += t->p[i]->src->accesses;
        *total += t->p[i]->src->total;
    }
}

static const struct vm_trace_proc *trace_at(void *st, unsigned i)
{
    const struct traces *t = st;
    return i < t->n ? t->p[i]->src : NULL;
}

static void *create_none(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    (void)cfg;
    (void)seed;
    snprintf(err, errlen, "the trace workload needs a trace file (--trace FILE)");
    return NULL;
}

const struct vm_workload_ops vm_wl_trace = {
    .name = "trace",
    .description = "real programs' traces, Valgrind Lackey (--trace-mem=yes) or Dinero din, .gz too; repeat "
                   "--trace for more (up to 64): a process each, every page it touches mapped before the run, "
                   "trace i on core i mod cores, a core's traces time-sliced every 10000 accesses",
    .create = create_none, .destroy = destroy, .build = build, .next = next, .report = report,
    .progress = progress, .finite = vm_wl_always_finite, .trace = trace_at,
};

void *vm_wl_trace_create(const struct vm_config *cfg, uint64_t seed, const char *const *paths, unsigned n, char *err,
                         size_t errlen)
{
    if (!n || n > VM_MAX_TRACES) {
        snprintf(err, errlen, "%u traces: between 1 and %d (--trace FILE, repeated)", n, VM_MAX_TRACES);
        return NULL;
    }
    struct traces *t = calloc(1, sizeof *t);
    if (!t) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    t->cfg = *cfg;
    t->seed = seed;
    t->cores = cfg->cores;
    for (unsigned i = 0; i < n; i++) {
        struct tr *w = calloc(1, sizeof *w);
        if (!w) {
            snprintf(err, errlen, "out of host memory");
            destroy(t);
            return NULL;
        }
        t->p[t->n++] = w;
        if (!(w->src = vm_trace_proc_open(paths[i], cfg, false, err, errlen))) {
            destroy(t);
            return NULL;
        }
    }
    for (unsigned c = 0; c < t->cores && c < n; c++) {
        t->core[c].cur = c;
        t->core[c].slice_end = VM_TRACE_SLICE;
    }
    return t;
}
