/* SPDX-License-Identifier: MIT */
/* Inside the workloads: one action source per workload behind an ops table; workload.c drives them. */
#ifndef VM_WORKLOAD_IMPL_H
#define VM_WORKLOAD_IMPL_H

#include <stdbool.h>
#include <vmcosim/trace.h>
#include <vmcosim/workload.h>

enum vm_action_kind {
    VM_ACT_NONE, VM_ACT_REQ, VM_ACT_CSR, VM_ACT_DMA, VM_ACT_BUF, VM_ACT_END,
    VM_ACT_CSR_READ,   /* csr: read through the core's CSR port for one cycle; the value comes to result() */
    VM_ACT_BUF_READ,   /* addr: a swap-buffer word, read for one cycle; the value comes to result() */
};

struct vm_action {
    enum vm_action_kind kind;
    /* VM_ACT_REQ */
    uint8_t op, size, bare, cont;
    uint64_t addr, wdata;
    /* VM_ACT_CSR (csr, value; remote: on core `target`'s port instead of the acting core's); VM_ACT_DMA (csr = op, addr = src, value = dst); VM_ACT_BUF (addr = word, value);
     * VM_ACT_CSR_READ (csr); VM_ACT_BUF_READ (addr = word) */
    uint8_t csr;
    uint8_t remote, target;
    uint64_t value;
};

struct vm_workload_ops {
    const char *name;
    const char *description;
    /* Private state: allocated by create, freed by destroy. Returns NULL with err on failure (e.g. a
     * core count the workload cannot use). arg: the text after "name:" (NULL when absent; only workloads
     * with takes_arg get one). */
    void *(*create)(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen);
    void (*destroy)(void *st);
    int (*build)(void *st, struct vm_image *img, char *err, size_t errlen);
    /* Core `core`'s next action, asked for in every cycle in which that core's previous request was
     * accepted (or it has none) and its DMA command, if any, was taken. VM_ACT_NONE: nothing this cycle. */
    void (*next)(void *st, unsigned core, struct vm_action *a);
    /* Optional: a response of core `core`'s port (in order; one per accepted request). */
    void (*response)(void *st, unsigned core, const struct vm_core_obs *o);
    /* Optional: the workload's own verdict at the end (0 or -1 with a message) and its report. */
    int (*check)(void *st, char *err, size_t errlen);
    void (*report)(void *st, FILE *f);
    /* Named "name:ARG" (e.g. litmus:MP); the argument is required unless arg_optional. */
    bool takes_arg;
    /* Optional: the value of core `core`'s VM_ACT_CSR_READ or VM_ACT_BUF_READ (the cycle after it), and 0
     * when its DMA command has completed. */
    void (*result)(void *st, unsigned core, uint64_t value);
    /* Optional: the kernel's statistics (workloads that run under the firmware kernel). */
    void (*vm_stats)(void *st, struct vm_vm_stats *out);
    /* With takes_arg: "name" alone is valid too (create gets NULL). */
    bool arg_optional;
    /* Optional, for workloads of known length (traces): accesses issued so far and in all. */
    void (*progress)(void *st, uint64_t *done, uint64_t *total);
    /* Optional: true when the workload ends by itself (absent: open-ended, it repeats until the budget). */
    bool (*finite)(void *st);
    /* Optional, for traces: the i-th trace process (NULL past the last). */
    const struct vm_trace_proc *(*trace)(void *st, unsigned i);
};

/* For the ops tables of workloads that always end by themselves. */
bool vm_wl_always_finite(void *st);

/* Small deterministic PRNG for workload choices (splitmix64). */
static inline uint64_t vm_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static inline uint64_t vm_rand_below(uint64_t *s, uint64_t n) { return n ? vm_rand(s) % n : 0; }

/* The startup sequence every translated workload begins with: LFSR seed, STATUS, then satp. */
unsigned vm_boot_actions(const struct vm_config *cfg, uint64_t seed, unsigned status_extra, uint64_t satp,
                         struct vm_action *out);

extern const struct vm_workload_ops vm_wl_seq, vm_wl_stride, vm_wl_random, vm_wl_trace, vm_wl_coherence, vm_wl_litmus,
    vm_wl_refs, vm_wl_fork_cow, vm_wl_shared, vm_wl_lazy, vm_wl_thrash, vm_wl_hotcold, vm_wl_matmul;
/* A real program's trace as one process's stream of port requests (wl_trace.c). Opening makes a first
 * pass: every address checked against the scheme's range (file:line otherwise), the accesses counted, the
 * touched pages collected (and with want_future the page of every access, for OPT). */
struct vm_trace_piece {
    uint8_t op, size, cont;
    uint64_t addr;
};
struct vm_trace_proc {
    char *path;
    struct vm_trace *t;              /* the replay reader; NULL once the trace has ended */
    uint64_t *pages;                 /* open-addressing set of touched VPNs (0 = empty; VPN + 1 stored) */
    uint64_t cap, npages;
    uint64_t *future;                /* want_future: the VPN of every access, in order */
    size_t nfuture, future_cap;
    struct vm_trace_piece queue[1100];   /* the pieces of the current access (a 4096-byte modify: 1024 + 1024) */
    unsigned nqueue, taken;
    uint64_t accesses, total;        /* accesses begun so far; in the file */
};
struct vm_trace_proc *vm_trace_proc_open(const char *path, const struct vm_config *cfg, bool want_future, char *err,
                                         size_t errlen);
void vm_trace_proc_free(struct vm_trace_proc *p);
/* The next piece as a VM_ACT_REQ (req_cont on the pieces after an access's first); false at the end. */
bool vm_trace_proc_next(struct vm_trace_proc *p, struct vm_action *a);
/* True when no piece of the current access is left (a context switch may come here). */
static inline bool vm_trace_proc_at_boundary(const struct vm_trace_proc *p) { return p->taken == p->nqueue; }
/* Accesses per time slice of a trace process sharing its core (both trace.paging modes). */
#define VM_TRACE_SLICE 10000
/* The end of the user virtual range of the configured scheme (bare: physical memory). */
uint64_t vm_trace_va_limit(const struct vm_config *cfg);

extern const struct vm_workload_ops vm_wl_os_trace;
void *vm_wl_os_traces_create(const struct vm_config *cfg, uint64_t seed, const char *const *paths, unsigned n,
                             char *err, size_t errlen);
void *vm_wl_trace_create(const struct vm_config *cfg, uint64_t seed, const char *const *paths, unsigned n, char *err,
                         size_t errlen);

#endif
