/* SPDX-License-Identifier: MIT */
/* The HAL on the simulated hardware: kernel activities as coroutines (hal_sim.h). */
#include "hal_sim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>

#include <vmcosim/contract.h>

#define MAX_CORES 4
#define STACK_BYTES (256u << 10)

/* One core's kernel activity. */
struct activity {
    struct hal_sim *sim;
    unsigned core;
    bool active, finished;
    bool has_action;      /* action holds what the activity asked for, not yet handed to the driver */
    bool waiting;         /* the driver has the action; the answer has not come */
    struct vm_action action;
    uint64_t value;       /* the answer */
    void (*fn)(void *);
    void *arg;
    ucontext_t self, driver;
    void *stack;
};

struct hal_sim {
    struct fw_hal *hal;
    unsigned cores;
    unsigned running;     /* the core whose activity runs (valid inside an activity) */
    struct activity act[MAX_CORES];
    uint64_t calls;
};

/* Runs inside the activity: hands `a` to the driver and sleeps until the answer (when `answered`). Every
 * call goes through the running core's ports but a CSR write, which may name another core (remote). */
static uint64_t call(void *ctx, unsigned core, struct vm_action a, bool answered)
{
    struct hal_sim *s = ctx;
    struct activity *t = &s->act[s->running];
    if (core != s->running && a.kind != VM_ACT_CSR)
        s->hal->failed = true;   /* the kernel uses its own core's ports */
    if (a.kind == VM_ACT_CSR && core != s->running) {
        a.remote = 1;
        a.target = (uint8_t)core;
    }
    s->calls++;
    t->action = a;
    t->has_action = true;
    t->waiting = answered;
    t->value = 0;
    swapcontext(&t->self, &t->driver);
    return t->value;
}

static uint64_t sim_load(void *ctx, unsigned core, uint64_t pa, unsigned size)
{
    struct vm_action a = {.kind = VM_ACT_REQ, .op = VM_OP_LOAD, .size = (uint8_t)size, .bare = 1, .addr = pa};
    return call(ctx, core, a, true);
}

static void sim_store(void *ctx, unsigned core, uint64_t pa, unsigned size, uint64_t value)
{
    struct vm_action a = {.kind = VM_ACT_REQ, .op = VM_OP_STORE, .size = (uint8_t)size, .bare = 1, .addr = pa,
                          .wdata = value};
    call(ctx, core, a, true);
}

static uint64_t sim_csr_read(void *ctx, unsigned core, unsigned csr)
{
    struct vm_action a = {.kind = VM_ACT_CSR_READ, .csr = (uint8_t)csr};
    return call(ctx, core, a, true);
}

/* A CSR write takes effect at the edge of the cycle that shows it: nothing to wait for. A write to another
 * core's port (a shootdown) is shown on that core's port in the same cycle (VM_ACT_CSR with remote). */
static void sim_csr_write(void *ctx, unsigned core, unsigned csr, uint64_t value)
{
    struct vm_action a = {.kind = VM_ACT_CSR, .csr = (uint8_t)csr, .value = value};
    call(ctx, core, a, false);
}

static void sim_dma(void *ctx, unsigned core, unsigned op, uint64_t src, uint64_t dst)
{
    struct vm_action a = {.kind = VM_ACT_DMA, .csr = (uint8_t)op, .addr = src, .value = dst};
    call(ctx, core, a, true);
}

static uint64_t sim_buf_read(void *ctx, unsigned core, unsigned word)
{
    struct vm_action a = {.kind = VM_ACT_BUF_READ, .addr = word};
    return call(ctx, core, a, true);
}

static void sim_buf_write(void *ctx, unsigned core, unsigned word, uint64_t value)
{
    struct vm_action a = {.kind = VM_ACT_BUF, .addr = word, .value = value};
    call(ctx, core, a, false);
}

static const struct fw_hal_ops kSimOps = {
    sim_load, sim_store, sim_csr_read, sim_csr_write, sim_dma, sim_buf_read, sim_buf_write,
};

struct hal_sim *hal_sim_new(unsigned cores, struct fw_hal *out)
{
    if (!cores || cores > MAX_CORES)
        return NULL;
    struct hal_sim *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->cores = cores;
    s->hal = out;
    for (unsigned c = 0; c < cores; c++) {
        s->act[c].sim = s;
        s->act[c].core = c;
        if (!(s->act[c].stack = malloc(STACK_BYTES))) {
            hal_sim_free(s);
            return NULL;
        }
    }
    *out = (struct fw_hal){&kSimOps, s, cores, false};
    return s;
}

void hal_sim_free(struct hal_sim *s)
{
    if (!s)
        return;
    for (unsigned c = 0; c < MAX_CORES; c++)
        free(s->act[c].stack);   /* an unfinished activity is abandoned with its stack */
    free(s);
}

/* The activity's first frame: makecontext passes ints, so the pointer comes in two halves. */
static void trampoline(unsigned lo, unsigned hi)
{
    struct activity *t = (struct activity *)(((uintptr_t)hi << 32) | (uintptr_t)lo);
    t->fn(t->arg);
    t->finished = true;
    /* uc_link returns to the driver context */
}

int hal_sim_start(struct hal_sim *s, unsigned core, void (*fn)(void *arg), void *arg)
{
    struct activity *t = &s->act[core % MAX_CORES];
    if (core >= s->cores || t->active)
        return -1;
    if (getcontext(&t->self))
        return -1;
    t->self.uc_stack.ss_sp = t->stack;
    t->self.uc_stack.ss_size = STACK_BYTES;
    t->self.uc_link = &t->driver;
    uintptr_t p = (uintptr_t)t;
    makecontext(&t->self, (void (*)(void))trampoline, 2, (unsigned)(p & 0xFFFFFFFFu), (unsigned)(p >> 32));
    t->fn = fn;
    t->arg = arg;
    t->active = true;
    t->finished = false;
    t->has_action = t->waiting = false;
    return 0;
}

bool hal_sim_active(const struct hal_sim *s, unsigned core) { return s->act[core % MAX_CORES].active; }

void hal_sim_next(struct hal_sim *s, unsigned core, struct vm_action *a)
{
    struct activity *t = &s->act[core % MAX_CORES];
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_NONE;
    if (!t->active || t->waiting)
        return;
    if (!t->has_action) {   /* runnable: run it to its next HAL call or its end */
        s->running = t->core;
        swapcontext(&t->driver, &t->self);
        if (t->finished) {
            t->active = false;
            return;
        }
    }
    *a = t->action;
    t->has_action = false;
}

void hal_sim_response(struct hal_sim *s, unsigned core, const struct vm_core_obs *o)
{
    struct activity *t = &s->act[core % MAX_CORES];
    if (!t->active || !t->waiting)
        return;
    if (o->resp_fault)
        s->hal->failed = true;   /* a kernel access the hardware refused: a kernel bug */
    t->value = o->resp_rdata;
    t->waiting = false;
}

void hal_sim_result(struct hal_sim *s, unsigned core, uint64_t value)
{
    struct activity *t = &s->act[core % MAX_CORES];
    if (!t->active || !t->waiting)
        return;
    t->value = value;
    t->waiting = false;
}

uint64_t hal_sim_calls(const struct hal_sim *s) { return s->calls; }
