/* SPDX-License-Identifier: MIT */
/* The workload driver: actions in, per-cycle port and CSR inputs out (valid/ready on the port). */
#include <vmcosim/contract.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "litmus_sc.h"
#include "workload_impl.h"


#define SHOWN_CSRS (VM_CSR_COUNT - VM_CSR_PERF_LOADS)   /* the perf counters the CSR read ports rotate through */

static const struct vm_workload_ops *const kWorkloads[] = {&vm_wl_seq, &vm_wl_stride, &vm_wl_random, &vm_wl_coherence,
                                                           &vm_wl_litmus, &vm_wl_refs, &vm_wl_fork_cow, &vm_wl_shared, &vm_wl_lazy,
                                                           &vm_wl_thrash, &vm_wl_hotcold, &vm_wl_matmul};
#define NWORKLOADS (sizeof kWorkloads / sizeof kWorkloads[0])

/* One core's side of the driver. */
struct core_drv {
    struct vm_core_in held;     /* the request being offered (req_valid) */
    bool waiting_resp;          /* accepted, response not seen yet */
    struct vm_action dma;       /* a DMA command waiting for the engine's port (kind VM_ACT_DMA) */
    enum vm_action_kind reading;  /* VM_ACT_CSR_READ or VM_ACT_BUF_READ shown last cycle, else NONE */
    bool ended;
    struct vm_workload_stats stats;
};

struct vm_workload {
    const struct vm_workload_ops *ops;
    void *st;
    unsigned cores;
    struct core_drv core[VM_MAX_CORES];
    /* the DMA engine's command port, shared by the cores: the command being offered */
    bool dma_valid;
    unsigned dma_owner;
    uint8_t dma_op;
    uint64_t dma_src, dma_dst;
    bool dma_busy;              /* a command was accepted and has not completed */
    unsigned dma_waiting;       /* cores whose DMA command waits for the port (core_drv.dma) */
    bool draining;
    unsigned readers;           /* cores that show a CSR or buffer read this cycle (answered next cycle) */
    bool buf_reading;           /* one of them reads the swap buffer: the read port shows its word */
    uint64_t cycle;
    unsigned shown;             /* cycle % SHOWN_CSRS, kept as a count (no division per cycle) */
    struct vm_workload_stats total;
};

unsigned vm_boot_actions(const struct vm_config *cfg, uint64_t seed, unsigned status_extra, uint64_t satp,
                         struct vm_action *out)
{
    unsigned n = 0;
    unsigned status = status_extra | (cfg->ad == VM_AD_HW ? 1u << VM_STATUS_ADHW : 0);
    out[n++] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_LFSR_SEED, .value = (uint32_t)(seed * 2654435761u)};
    out[n++] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_STATUS, .value = status};
    out[n++] = (struct vm_action){.kind = VM_ACT_CSR, .csr = VM_CSR_SATP, .value = satp};
    return n;
}

/* How `vmcosim list` and the errors write a workload's argument: NAME:ARG (required) or NAME[:ARG]. */
static const char *arg_suffix(const struct vm_workload_ops *ops)
{
    return !ops->takes_arg ? "" : ops->arg_optional ? "[:ARG]" : ":ARG";
}

struct vm_workload *vm_workload_new(const char *name, const struct vm_config *cfg, uint64_t seed, char *err,
                                    size_t errlen)
{
    const char *colon = strchr(name, ':');
    size_t base_len = colon ? (size_t)(colon - name) : strlen(name);
    const char *arg = colon ? colon + 1 : NULL;
    for (size_t i = 0; i < NWORKLOADS; i++) {
        const struct vm_workload_ops *ops = kWorkloads[i];
        if (strlen(ops->name) != base_len || strncmp(ops->name, name, base_len))
            continue;
        if (ops->takes_arg && !ops->arg_optional && (!arg || !*arg)) {
            snprintf(err, errlen, "workload %s needs an argument: %s:ARG (vmcosim list)", ops->name, ops->name);
            return NULL;
        }
        if (!ops->takes_arg && arg) {
            snprintf(err, errlen, "workload %s takes no argument (got '%s')", ops->name, name);
            return NULL;
        }
        struct vm_workload *w = calloc(1, sizeof *w);
        if (!w) {
            snprintf(err, errlen, "out of host memory");
            return NULL;
        }
        w->ops = ops;
        w->cores = cfg->cores;
        if (!(w->st = ops->create(cfg, seed, arg, err, errlen))) {
            free(w);
            return NULL;
        }
        return w;
    }
    const char *near = NULL;
    unsigned best = 3;
    char base[64];
    snprintf(base, sizeof base, "%.*s", (int)(base_len < 63 ? base_len : 63), name);
    for (size_t i = 0; i < NWORKLOADS; i++) {
        unsigned d = vm_edit_distance(base, kWorkloads[i]->name);
        if (d < best)
            best = d, near = kWorkloads[i]->name;
    }
    int n = snprintf(err, errlen, "unknown workload '%s'", name);
    if (near && n > 0 && (size_t)n < errlen)
        n += snprintf(err + n, errlen - (size_t)n, " (did you mean '%s'?)", near);
    if (n > 0 && (size_t)n < errlen)
        n += snprintf(err + n, errlen - (size_t)n, "; built-in workloads:");
    for (size_t i = 0; i < NWORKLOADS && n > 0 && (size_t)n < errlen; i++)
        n += snprintf(err + n, errlen - (size_t)n, " %s%s", kWorkloads[i]->name, arg_suffix(kWorkloads[i]));
    return NULL;
}

struct vm_workload *vm_workload_new_traces(const char *const *paths, unsigned n, const struct vm_config *cfg,
                                           uint64_t seed, char *err, size_t errlen)
{
    struct vm_workload *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    w->ops = cfg->trace_demand ? &vm_wl_os_trace : &vm_wl_trace;
    w->cores = cfg->cores;
    w->st = cfg->trace_demand ? vm_wl_os_traces_create(cfg, seed, paths, n, err, errlen)
                              : vm_wl_trace_create(cfg, seed, paths, n, err, errlen);
    if (!w->st) {
        free(w);
        return NULL;
    }
    return w;
}

struct vm_workload *vm_workload_new_trace(const char *path, const struct vm_config *cfg, uint64_t seed, char *err,
                                          size_t errlen)
{
    return vm_workload_new_traces(&path, 1, cfg, seed, err, errlen);
}

void vm_workload_free(struct vm_workload *w)
{
    if (!w)
        return;
    w->ops->destroy(w->st);
    free(w);
}

int vm_workload_build(struct vm_workload *w, struct vm_image *img, char *err, size_t errlen)
{
    return w->ops->build(w->st, img, err, errlen);
}

/* Takes in what the previous cycle showed: acceptance and responses. */
static inline __attribute__((always_inline)) void observe(struct vm_workload *w, const struct vm_obs *prev,
                                                          const unsigned n)
{
    if (!prev)
        return;
    for (unsigned c = 0; c < n; c++) {
        struct core_drv *d = &w->core[c];
        const struct vm_core_obs *o = &prev->core[c];
        if (d->held.req_valid && o->req_ready) {
            d->held.req_valid = 0;
            d->waiting_resp = true;
            d->stats.requests++;
            d->stats.by_op[d->held.req_op % 3]++;
        }
        if (o->resp_valid) {
            d->waiting_resp = false;
            d->stats.responses++;
            if (o->resp_fault) {
                d->stats.faults++;
                d->stats.by_cause[o->resp_cause & 15]++;
            }
            if (w->ops->response)
                w->ops->response(w->st, c, o);
        }
    }
    for (unsigned c = 0; w->readers && c < n; c++) {
        struct core_drv *d = &w->core[c];
        if (d->reading == VM_ACT_NONE)
            continue;
        uint64_t v = d->reading == VM_ACT_CSR_READ ? prev->core[c].csr_rdata : prev->buf_rdata;
        d->reading = VM_ACT_NONE;
        if (w->ops->result)
            w->ops->result(w->st, c, v);
    }
    w->readers = 0;
    w->buf_reading = false;
    if (w->dma_valid && prev->dma_ready) {
        w->dma_valid = false;
        w->dma_busy = true;
    }
    if (prev->dma_done) {
        w->dma_busy = false;
        if (w->ops->result)
            w->ops->result(w->st, w->dma_owner, 0);
    }
}

/* Core c's next action into its port inputs (and the shared DMA and buffer ports). */
static void take_action(struct vm_workload *w, unsigned c, struct vm_in *in)
{
    struct core_drv *d = &w->core[c];
    struct vm_action a;
    w->ops->next(w->st, c, &a);
    switch (a.kind) {
    case VM_ACT_REQ:
        d->held = (struct vm_core_in){.req_valid = 1, .req_op = a.op, .req_size = a.size, .req_bare = a.bare,
                                      .req_cont = a.cont, .req_addr = a.addr, .req_wdata = a.wdata};
        break;
    case VM_ACT_CSR: {
        unsigned t = a.remote && a.target < w->cores ? a.target : c;
        in->core[t].csr_we = 1;
        in->core[t].csr_addr = a.csr;
        in->core[t].csr_wdata = a.value;
        d->stats.csr_writes++;
        d->stats.sfences += a.csr == VM_CSR_SFENCE;
        d->stats.satp_writes += a.csr == VM_CSR_SATP;
        break;
    }
    case VM_ACT_DMA:
        d->dma = a;
        w->dma_waiting++;
        d->stats.dma_commands++;
        break;
    case VM_ACT_BUF:
        if (!w->dma_busy && !w->dma_valid && !in->buf_we) {
            in->buf_we = 1;
            in->buf_addr = (uint16_t)a.addr;
            in->buf_wdata = a.value;
        }
        break;
    case VM_ACT_CSR_READ:
        in->core[c].csr_addr = a.csr;
        d->reading = a.kind;
        w->readers++;
        break;
    case VM_ACT_BUF_READ:
        if (!in->buf_we) {   /* the read port shows this word instead of the rotation */
            in->buf_addr = (uint16_t)a.addr;
            d->reading = a.kind;
            w->readers++;
            w->buf_reading = true;
        }
        break;
    case VM_ACT_END:
        d->ended = true;
        break;
    case VM_ACT_NONE:
        break;
    }
}

/* Whether vm_workload_next would ask a core's workload for an action. */
static bool wants_action(const struct vm_workload *w, const struct core_drv *d)
{
    return !d->held.req_valid && d->dma.kind != VM_ACT_DMA && !w->draining && !d->ended;
}

/* The DMA port takes one command at a time, round-robin among the cores that have one. */
static void offer_dma(struct vm_workload *w)
{
    for (unsigned k = 1; k <= w->cores; k++) {
        unsigned c = w->dma_owner + k;
        c -= c >= w->cores ? w->cores : 0;
        struct core_drv *d = &w->core[c];
        if (d->dma.kind != VM_ACT_DMA)
            continue;
        w->dma_valid = true;
        w->dma_owner = c;
        w->dma_op = d->dma.csr;
        w->dma_src = d->dma.addr;
        w->dma_dst = d->dma.value;
        d->dma.kind = VM_ACT_NONE;
        w->dma_waiting--;
        return;
    }
}

/* n: w->cores, a constant where vm_workload_next expands this for one core. */
static inline __attribute__((always_inline)) void next_cores(struct vm_workload *w, const struct vm_obs *prev,
                                                             struct vm_in *in, const unsigned n)
{
    observe(w, prev, n);
    /* Every field of the active cores is written below (the engines ignore the other cores); the system
     * ports start idle. */
    in->buf_we = 0;
    in->buf_wdata = 0;
    /* Keep a perf counter on every CSR read port so its value is compared every cycle. */
    uint8_t shown = (uint8_t)(VM_CSR_PERF_LOADS + w->shown);
    w->shown = w->shown + 1 == SHOWN_CSRS ? 0 : w->shown + 1;
    w->cycle++;
    for (unsigned c = 0; c < n; c++) {   /* first: an action may write another core's CSR port */
        struct vm_core_in *ci = &in->core[c];
        ci->csr_we = 0;
        ci->csr_addr = shown;
        ci->csr_wdata = 0;
    }
    for (unsigned c = 0; c < n; c++) {
        struct core_drv *d = &w->core[c];
        /* A new action once the request (and any DMA command) was taken. */
        if (wants_action(w, d))
            take_action(w, c, in);
        struct vm_core_in *ci = &in->core[c];
        ci->req_valid = d->held.req_valid;
        ci->req_op = d->held.req_op;
        ci->req_size = d->held.req_size;
        ci->req_bare = d->held.req_bare;
        ci->req_addr = d->held.req_addr;
        ci->req_wdata = d->held.req_wdata;
        ci->req_cont = d->held.req_cont;
    }
    if (w->dma_waiting && !w->dma_valid)
        offer_dma(w);
    in->dma_valid = w->dma_valid;
    in->dma_op = w->dma_op;
    in->dma_src = w->dma_src;
    in->dma_dst = w->dma_dst;
    if (!in->buf_we && !w->buf_reading)
        in->buf_addr = (uint16_t)(w->cycle % VM_DMA_BUF_WORDS);  /* show the buffer on the read port */
}

/* One core, the common case, gets its own copy: the per-core loops fold away. */
void vm_workload_next(struct vm_workload *w, const struct vm_obs *prev, struct vm_in *in)
{
    if (w->cores == 1)
        next_cores(w, prev, in, 1);
    else
        next_cores(w, prev, in, w->cores);
}

int vm_workload_holding(const struct vm_workload *w)
{
    for (unsigned c = 0; c < w->cores; c++)
        if (wants_action(w, &w->core[c]))
            return 0;
    return !w->dma_waiting || w->dma_valid;
}
void vm_workload_skip(struct vm_workload *w, uint64_t n)
{
    if (!n)
        return;   /* the usual answer: nothing to skip */
    w->cycle += n;
    w->shown = (unsigned)((w->shown + n % SHOWN_CSRS) % SHOWN_CSRS);
}
int vm_workload_idle(const struct vm_workload *w)
{
    for (unsigned c = 0; c < w->cores; c++) {
        const struct core_drv *d = &w->core[c];
        if (d->held.req_valid || d->waiting_resp || d->dma.kind == VM_ACT_DMA)
            return 0;
    }
    return !w->dma_valid && !w->dma_busy;
}
int vm_workload_done(const struct vm_workload *w)
{
    for (unsigned c = 0; c < w->cores; c++)
        if (!w->core[c].ended)
            return 0;
    return vm_workload_idle(w);
}
void vm_workload_drain(struct vm_workload *w) { w->draining = true; }

const struct vm_workload_stats *vm_workload_core_stats(const struct vm_workload *w, unsigned core)
{
    return &w->core[core < VM_MAX_CORES ? core : 0].stats;
}

const struct vm_workload_stats *vm_workload_stats(const struct vm_workload *w)
{
    struct vm_workload *m = (struct vm_workload *)w;   /* the total is a cache of the per-core sums */
    memset(&m->total, 0, sizeof m->total);
    const uint64_t *src;
    uint64_t *dst = (uint64_t *)&m->total;
    for (unsigned c = 0; c < w->cores; c++) {
        src = (const uint64_t *)&w->core[c].stats;
        for (size_t k = 0; k < sizeof m->total / sizeof(uint64_t); k++)
            dst[k] += src[k];
    }
    return &m->total;
}

int vm_workload_check(const struct vm_workload *w, char *err, size_t errlen)
{
    return w->ops->check ? w->ops->check(w->st, err, errlen) : 0;
}

void vm_workload_report(const struct vm_workload *w, FILE *f)
{
    if (w->ops->report)
        w->ops->report(w->st, f);
}

void vm_workload_vm_stats(const struct vm_workload *w, struct vm_vm_stats *out)
{
    memset(out, 0, sizeof *out);
    if (w->ops->vm_stats)
        w->ops->vm_stats(w->st, out);
}

const struct vm_litmus_hist *vm_workload_litmus(const struct vm_workload *w)
{
    return w && w->ops == &vm_wl_litmus ? vm_wl_litmus_hist(w->st) : NULL;
}

void vm_workload_list(FILE *f)
{
    for (size_t i = 0; i < NWORKLOADS; i++) {
        char name[32];
        snprintf(name, sizeof name, "%s%s", kWorkloads[i]->name, arg_suffix(kWorkloads[i]));
        fprintf(f, "  %-16s ", name);
        vm_print_wrapped(f, 19, 110, kWorkloads[i]->description);
    }
    fprintf(f, "  %-16s ", "--trace FILE");
    vm_print_wrapped(f, 19, 110, vm_wl_trace.description);
}

bool vm_wl_always_finite(void *st)
{
    (void)st;
    return true;
}

int vm_workload_finite(const struct vm_workload *w)
{
    return w->ops->finite && w->ops->finite(w->st);
}

unsigned vm_workload_traces(const struct vm_workload *w, struct vm_workload_trace *out, unsigned max)
{
    unsigned n = 0;
    for (const struct vm_trace_proc *p; w->ops->trace && (p = w->ops->trace(w->st, n)); n++)
        if (n < max)
            out[n] = (struct vm_workload_trace){.path = p->path, .accesses_replayed = p->accesses,
                                                .accesses_total = p->total, .pages = p->npages};
    return n;
}

int vm_workload_progress(const struct vm_workload *w, uint64_t *done, uint64_t *total)
{
    if (!w->ops->progress)
        return -1;
    w->ops->progress(w->st, done, total);
    return 0;
}
