/* The workload driver: actions in, per-cycle port and CSR inputs out (valid/ready on the port). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "workload_impl.h"

static const struct vm_workload_ops *const kWorkloads[] = {&vm_wl_seq, &vm_wl_stride, &vm_wl_random};
#define NWORKLOADS (sizeof kWorkloads / sizeof kWorkloads[0])

struct vm_workload {
    const struct vm_workload_ops *ops;
    void *st;
    struct vm_in held;          /* the request being offered (req_valid) */
    bool waiting_resp;          /* accepted, response not seen yet */
    struct vm_in dma;           /* the DMA command being offered (dma_valid) */
    bool dma_busy;              /* a command was accepted and has not completed */
    bool draining, ended;
    uint64_t cycle;
    struct vm_workload_stats stats;
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

struct vm_workload *vm_workload_new(const char *name, const struct vm_config *cfg, uint64_t seed, char *err,
                                    size_t errlen)
{
    for (size_t i = 0; i < NWORKLOADS; i++) {
        if (strcmp(kWorkloads[i]->name, name))
            continue;
        struct vm_workload *w = calloc(1, sizeof *w);
        if (!w) {
            snprintf(err, errlen, "out of memory");
            return NULL;
        }
        w->ops = kWorkloads[i];
        if (!(w->st = w->ops->create(cfg, seed, err, errlen))) {
            free(w);
            return NULL;
        }
        return w;
    }
    int n = snprintf(err, errlen, "unknown workload '%s'; built-in workloads:", name);
    for (size_t i = 0; i < NWORKLOADS && n > 0 && (size_t)n < errlen; i++)
        n += snprintf(err + n, errlen - (size_t)n, " %s", kWorkloads[i]->name);
    return NULL;
}

struct vm_workload *vm_workload_new_trace(const char *path, const struct vm_config *cfg, uint64_t seed, char *err,
                                          size_t errlen)
{
    struct vm_workload *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    w->ops = &vm_wl_trace;
    if (!(w->st = vm_wl_trace_create(cfg, seed, path, err, errlen))) {
        free(w);
        return NULL;
    }
    return w;
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
static void observe(struct vm_workload *w, const struct vm_obs *prev)
{
    if (!prev)
        return;
    if (w->held.req_valid && prev->req_ready) {
        w->held.req_valid = 0;
        w->waiting_resp = true;
        w->stats.requests++;
        w->stats.by_op[w->held.req_op % 3]++;
    }
    if (w->dma.dma_valid && prev->dma_ready) {
        w->dma.dma_valid = 0;
        w->dma_busy = true;
    }
    if (prev->dma_done)
        w->dma_busy = false;
    if (prev->resp_valid) {
        w->waiting_resp = false;
        w->stats.responses++;
        if (prev->resp_fault) {
            w->stats.faults++;
            w->stats.by_cause[prev->resp_cause & 15]++;
        }
    }
}

void vm_workload_next(struct vm_workload *w, const struct vm_obs *prev, struct vm_in *in)
{
    observe(w, prev);
    memset(in, 0, sizeof *in);
    /* Keep a perf counter on the CSR read port so its value is compared every cycle. */
    in->csr_addr = (uint8_t)(VM_CSR_PERF_LOADS + w->cycle % (VM_CSR_COUNT - VM_CSR_PERF_LOADS));
    w->cycle++;
    /* A new action once the request (and any DMA command) was taken; buffer writes wait for an idle
     * engine. */
    if (!w->held.req_valid && !w->dma.dma_valid && !w->draining && !w->ended) {
        struct vm_action a;
        w->ops->next(w->st, &a);
        switch (a.kind) {
        case VM_ACT_REQ:
            w->held.req_valid = 1;
            w->held.req_op = a.op;
            w->held.req_size = a.size;
            w->held.req_bare = a.bare;
            w->held.req_addr = a.addr;
            w->held.req_wdata = a.wdata;
            w->held.req_cont = a.cont;
            break;
        case VM_ACT_CSR:
            in->csr_we = 1;
            in->csr_addr = a.csr;
            in->csr_wdata = a.value;
            w->stats.csr_writes++;
            w->stats.sfences += a.csr == VM_CSR_SFENCE;
            w->stats.satp_writes += a.csr == VM_CSR_SATP;
            break;
        case VM_ACT_DMA:
            w->dma.dma_valid = 1;
            w->dma.dma_op = a.csr;
            w->dma.dma_src = a.addr;
            w->dma.dma_dst = a.value;
            w->stats.dma_commands++;
            break;
        case VM_ACT_BUF:
            if (!w->dma_busy) {
                in->buf_we = 1;
                in->buf_addr = (uint16_t)a.addr;
                in->buf_wdata = a.value;
            }
            break;
        case VM_ACT_END:
            w->ended = true;
            break;
        case VM_ACT_NONE:
            break;
        }
    }
    in->req_valid = w->held.req_valid;
    in->req_op = w->held.req_op;
    in->req_size = w->held.req_size;
    in->req_bare = w->held.req_bare;
    in->req_addr = w->held.req_addr;
    in->req_wdata = w->held.req_wdata;
    in->req_cont = w->held.req_cont;
    in->dma_valid = w->dma.dma_valid;
    in->dma_op = w->dma.dma_op;
    in->dma_src = w->dma.dma_src;
    in->dma_dst = w->dma.dma_dst;
    if (!in->buf_we)
        in->buf_addr = (uint16_t)(w->cycle % VM_DMA_BUF_WORDS);  /* show the buffer on the read port */
}

int vm_workload_holding(const struct vm_workload *w) { return w->held.req_valid; }
void vm_workload_skip(struct vm_workload *w, uint64_t n) { w->cycle += n; }
int vm_workload_idle(const struct vm_workload *w)
{
    return !w->held.req_valid && !w->waiting_resp && !w->dma.dma_valid && !w->dma_busy;
}
int vm_workload_done(const struct vm_workload *w) { return w->ended && vm_workload_idle(w); }
void vm_workload_drain(struct vm_workload *w) { w->draining = true; }
const struct vm_workload_stats *vm_workload_stats(const struct vm_workload *w) { return &w->stats; }

void vm_workload_list(FILE *f)
{
    for (size_t i = 0; i < NWORKLOADS; i++)
        fprintf(f, "  %-10s %s\n", kWorkloads[i]->name, kWorkloads[i]->description);
}
