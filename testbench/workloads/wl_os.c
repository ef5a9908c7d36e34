/* SPDX-License-Identifier: MIT */
/* Workloads under the firmware kernel (firmware/kernel.h): user processes run scripts of accesses on the
 * cores' ports; a fault traps into the kernel, which runs as a coroutine on the faulting core (hal_sim.h)
 * and drives the hardware through the HAL; then the access is retried. A round-robin scheduler shares the
 * cores among the ready processes (a time slice of SLICE accesses; a context switch is a satp write).
 *
 * Every store writes a value unique to the run; every load is checked against what the process itself
 * last stored there (0 for a page it never wrote), and at exit every page the process wrote is read back
 * through the kernel (frame or swap slot): copy-on-write isolation and swap integrity, checked end to end.
 *
 * refs:LIST  one process (core 0) storing to the listed virtual page numbers in order: with vm.frames and
 *            vm.policy the textbook replacement experiment (vm.page_faults is the fault count).
 * fork-cow   a parent writes 16 pages and forks two children, one of which forks a grandchild; they then
 *            write some pages and read all of them (each must see its own writes and the fork-time values,
 *            never another's), on every core, time-sliced.
 * shared     a producer and a consumer process on a shared segment (counters).
 * traces     (trace.paging=demand) a process per real program's trace, its whole user range one anonymous
 *            region: every page comes by demand paging, and vm.frames, vm.policy and swap apply; values
 *            are checked by the lockstep shadow of memory, not here.
 *
 * Kernel entries are serialised (one core in the kernel at a time) and a core enters only when no other
 * core has a request in flight; while one waits to enter, the others issue nothing new (kernel.h). */
#include <vmcosim/contract.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/buddy.h"
#include "../../firmware/kernel.h"
#include "../../firmware/slab.h"
#include "../kernel/hal_sim.h"
#include "workload_impl.h"

#define MAX_REFS 100000
#define MAX_SCRIPTS 4
#define MAX_PROCS 16
#define SLICE 32                 /* accesses per time slice */
#define FORK_PAGES 16
#define FORK_BASE 0x40000000ull
#define SHM_VA 0x60000000ull
#define SHM_WORDS 16             /* shared counters: two lines of the segment's first page */
#define SHARED_STEPS 400       /* a round of shared */
#define LAZY_VA 0x100000000ull   /* Sv39: a 1 GiB region; Sv32: 16 MiB */
#define LAZY_FILE_VA 0x20000000ull
#define LAZY_PRIV_VA 0x28000000ull
#define LAZY_FILE_WORDS 1024     /* two pages */

/* ST_SSTORE/ST_SLOAD: a word of the shared segment (va), written with the next value of that word's counter
 * / read and checked to lie between the last value this process saw there and the last value issued. */
enum step_kind { ST_STORE, ST_CHECK, ST_FORK, ST_EXIT, ST_SSTORE, ST_SLOAD, ST_PIN, ST_UNPIN, ST_UNMAP };
struct step {
    enum step_kind kind;
    uint64_t va;        /* ST_STORE, ST_CHECK */
    unsigned script;    /* ST_FORK: the child's script */
};
struct script {
    struct step *steps;
    size_t n, cap;
    size_t loop_from;   /* open-ended workloads: where a process's next round starts */
    bool loops;
};

/* What a process stored where (its view of its memory). */
struct kv {
    uint64_t va, value;
};

struct uproc {
    struct fw_proc *kp;
    struct vm_trace_proc *src;   /* a trace process: its accesses (else its script's steps) */
    struct vm_action piece;      /* the trace's piece being issued (retried after a fault) */
    bool have_piece;
    unsigned script;
    size_t pc;
    uint64_t round;     /* rounds of its script's repeated part completed */
    struct kv *vals;
    size_t nvals, cap;
    unsigned slice;
    bool done;
};

enum core_mode { MODE_IDLE, MODE_USER, MODE_PENDING, MODE_KERNEL, MODE_DONE };
enum job_kind { JOB_BOOT, JOB_START, JOB_TRAP, JOB_FORK, JOB_EXIT, JOB_CALL /* pin, unpin, munmap */ };

struct os;
struct job {
    struct os *os;
    unsigned core;
    enum job_kind kind;
    unsigned proc, cause;
    uint64_t tval;
    int rc;
};

struct os {
    struct vm_config cfg;
    uint64_t seed;
    struct fw_hal hal;
    struct hal_sim *sim;
    struct fw_kernel *kernel;
    struct script scripts[MAX_SCRIPTS];
    unsigned nscripts;
    uint64_t region_va, region_len;
    unsigned initial;            /* scripts 0..initial-1 start as processes at boot */
    uint64_t shm_pages;          /* a shared segment every initial process attaches at SHM_VA */
    uint64_t issued[SHM_WORDS];  /* the last value issued to each shared word */
    uint64_t seen[MAX_PROCS][SHM_WORDS];
    bool opt_future;             /* give the root process its future (refs) */
    uint64_t rounds;             /* looping scripts: rounds each process runs (0: until --max-cycles) */
    unsigned run_cores;          /* cores that run processes */
    unsigned slice_len;          /* accesses per time slice */
    struct vm_trace_proc *traces[MAX_PROCS];   /* trace.paging=demand: process i replays traces[i] */
    unsigned ntraces;
    struct uproc procs[MAX_PROCS];
    unsigned nprocs;
    unsigned ready[MAX_PROCS], ready_head, ready_n;
    int running[VM_MAX_CORES];
    enum core_mode mode[VM_MAX_CORES];
    struct job job[VM_MAX_CORES];
    bool inflight[VM_MAX_CORES];
    uint64_t stored[VM_MAX_CORES];   /* the value of the store in flight */
    uint64_t store_seq, verified, checked_loads, fork_failures, switches;
    uint64_t boot_free;          /* free frames after boot: the census every run must return to */
    bool booted;
    /* lazy: a host file mapped shared (page 0 written, checked in the file at the end) and private (page 1) */
    char file_path[512];
    uint64_t file_want[LAZY_FILE_WORDS];
    size_t expect_kill_step;     /* the step whose access must be killed (SIZE_MAX: none) */
    bool killed_as_expected;
    bool killed_before;          /* the process was killed (e.g. out of memory) before that step */
    char kill_report[512];
    char error[256];
};

/* ---------------------------------------------------------------- scripts and process bookkeeping */

static int script_add(struct script *s, struct step st)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        struct step *n = realloc(s->steps, cap * sizeof *n);
        if (!n)
            return -1;
        s->steps = n;
        s->cap = cap;
    }
    s->steps[s->n++] = st;
    return 0;
}

static struct kv *kv_find(struct uproc *u, uint64_t va)
{
    for (size_t i = 0; i < u->nvals; i++)
        if (u->vals[i].va == va)
            return &u->vals[i];
    return NULL;
}

static int kv_set(struct uproc *u, uint64_t va, uint64_t value)
{
    struct kv *e = kv_find(u, va);
    if (e) {
        e->value = value;
        return 0;
    }
    if (u->nvals == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 32;
        struct kv *n = realloc(u->vals, cap * sizeof *n);
        if (!n)
            return -1;
        u->vals = n;
        u->cap = cap;
    }
    u->vals[u->nvals++] = (struct kv){va, value};
    return 0;
}

static void fail(struct os *o, const char *msg)
{
    if (!o->error[0])
        snprintf(o->error, sizeof o->error, "%s", msg);
}

static void ready_push(struct os *o, unsigned p)
{
    o->ready[(o->ready_head + o->ready_n++) % MAX_PROCS] = p;
}

static unsigned ready_pop(struct os *o)
{
    unsigned p = o->ready[o->ready_head];
    o->ready_head = (o->ready_head + 1) % MAX_PROCS;
    o->ready_n--;
    return p;
}

static bool all_done(const struct os *o)
{
    if (!o->booted)
        return false;
    for (unsigned i = 0; i < o->nprocs; i++)
        if (!o->procs[i].done)
            return false;
    return true;
}

/* A new process record running `script` (the kernel process comes later). Returns its index or -1. */
static int proc_new(struct os *o, unsigned script)
{
    if (o->nprocs == MAX_PROCS)
        return -1;
    struct uproc *u = &o->procs[o->nprocs];
    memset(u, 0, sizeof *u);
    u->script = script;
    return (int)o->nprocs++;
}

/* ---------------------------------------------------------------- the kernel's jobs (core activities) */

/* Before exit: every word the process stored holds its last value, wherever the kernel keeps the page. */
static void verify(struct os *o, unsigned core, struct uproc *u)
{
    for (size_t i = 0; i < u->nvals && !o->error[0]; i++) {
        uint64_t v;
        if (fw_proc_read(o->kernel, core, u->kp, u->vals[i].va, &v) || v != u->vals[i].value) {
            char msg[256];
            snprintf(msg, sizeof msg, "process %u: %#llx lost its data: %#llx, its last store wrote %#llx",
                     fw_proc_pid(u->kp), (unsigned long long)u->vals[i].va, (unsigned long long)v,
                     (unsigned long long)u->vals[i].value);
            fail(o, msg);
            return;
        }
        o->verified++;
    }
}

static int boot(struct os *o, unsigned core)
{
    for (unsigned c = 0; c < o->cfg.cores; c++)
        hal_csr_write(&o->hal, c, VM_CSR_LFSR_SEED, (uint32_t)((o->seed + c) * 2654435761u) | 1);
    if (fw_kernel_boot(o->kernel, core))
        return -1;
    o->boot_free = fw_kernel_free_frames(o->kernel);
    struct fw_shm *shm = o->shm_pages ? fw_shm_create(o->kernel, o->shm_pages) : NULL;
    if (o->shm_pages && !shm)
        return -1;
    for (unsigned i = 0; i < o->initial; i++) {
        int q = proc_new(o, o->ntraces ? 0 : i);
        if (q < 0 || !(o->procs[q].kp = fw_proc_create(o->kernel, core)) ||
            fw_proc_add_region(o->procs[q].kp, o->region_va, o->region_len, true) ||
            (shm && fw_shm_attach(o->kernel, o->procs[q].kp, shm, SHM_VA)))
            return -1;
        if (o->ntraces) {   /* a trace: OPT gets the page of its every access */
            struct vm_trace_proc *src = o->procs[q].src = o->traces[i];
            if (src->nfuture && fw_proc_set_future(o->procs[q].kp, src->future, src->nfuture))
                return -1;
        }
        ready_push(o, (unsigned)q);
    }
    if (shm)
        fw_shm_release(o->kernel, shm);   /* the processes hold it now */
    for (size_t i = 0; o->file_path[0] && i < LAZY_FILE_WORDS; i++) {   /* the process's view: the file */
        if (kv_set(&o->procs[0], LAZY_FILE_VA + 8 * i, o->file_want[i]) ||
            (i < 512 && kv_set(&o->procs[0], LAZY_PRIV_VA + 8 * i, o->file_want[512 + i])))
            return -1;
    }
    if (o->file_path[0] && (fw_mmap_file(o->kernel, o->procs[0].kp, LAZY_FILE_VA, 8192, o->file_path, 0, true, true) ||
                            fw_mmap_file(o->kernel, o->procs[0].kp, LAZY_PRIV_VA, 4096, o->file_path, 4096, false, true)))
        return -1;
    int p = 0;
    if (o->opt_future) {
        const struct script *s = &o->scripts[0];
        uint64_t *f = malloc(s->n * sizeof *f);
        size_t n = 0;
        for (size_t i = 0; f && i < s->n; i++)
            if (s->steps[i].kind == ST_STORE || s->steps[i].kind == ST_CHECK)
                f[n++] = s->steps[i].va >> 12;
        int rc = f ? fw_proc_set_future(o->procs[p].kp, f, n) : -1;
        free(f);
        if (rc)
            return -1;
    }
    return 0;
}

static void run_job(void *arg)
{
    struct job *j = arg;
    struct os *o = j->os;
    struct uproc *u = &o->procs[j->proc];
    j->rc = 0;
    switch (j->kind) {
    case JOB_BOOT:
        j->rc = boot(o, j->core);
        break;
    case JOB_START:
        fw_proc_switch_to(o->kernel, j->core, u->kp);
        break;
    case JOB_TRAP:
        j->rc = fw_trap(o->kernel, j->core, u->kp, j->cause, j->tval);
        break;
    case JOB_FORK: {
        int c = proc_new(o, o->scripts[u->script].steps[u->pc].script);
        struct fw_proc *kp = c < 0 ? NULL : fw_fork(o->kernel, j->core, u->kp);
        if (!kp) {
            if (c >= 0)
                o->nprocs--;
            o->fork_failures++;
            break;
        }
        struct uproc *child = &o->procs[c];
        child->kp = kp;
        for (size_t i = 0; i < u->nvals; i++)   /* the child's memory starts as the parent's */
            if (kv_set(child, u->vals[i].va, u->vals[i].value))
                fail(o, "out of host memory");
        ready_push(o, (unsigned)c);
        break;
    }
    case JOB_CALL: {
        const struct step *s = &o->scripts[u->script].steps[u->pc];
        if (s->kind == ST_PIN)
            j->rc = fw_proc_pin(o->kernel, j->core, u->kp, s->va);
        else if (s->kind == ST_UNPIN)
            j->rc = fw_proc_unpin(o->kernel, u->kp, s->va);
        else
            j->rc = fw_munmap(o->kernel, j->core, u->kp, s->va);
        break;
    }
    case JOB_EXIT:
        if (!fw_proc_killed(u->kp))
            verify(o, j->core, u);
        fw_proc_exit(o->kernel, j->core, u->kp);
        u->kp = NULL;
        break;
    }
}

/* ---------------------------------------------------------------- cores: entering and leaving the kernel */

static bool kernel_busy(const struct os *o)
{
    for (unsigned c = 0; c < o->cfg.cores; c++)
        if (o->mode[c] == MODE_KERNEL)
            return true;
    return false;
}

static bool other_pending(const struct os *o, unsigned core)
{
    for (unsigned c = 0; c < o->cfg.cores; c++)
        if (c != core && (o->mode[c] == MODE_PENDING || o->mode[c] == MODE_KERNEL))
            return true;
    return false;
}

static void request(struct os *o, unsigned core, enum job_kind kind, unsigned proc, unsigned cause, uint64_t tval)
{
    o->job[core] = (struct job){o, core, kind, proc, cause, tval, 0};
    o->mode[core] = MODE_PENDING;
}

/* Enters the kernel with the pending job when no other core is in it or has a request in flight. */
static bool enter(struct os *o, unsigned core)
{
    if (kernel_busy(o))
        return false;
    for (unsigned c = 0; c < o->cfg.cores; c++)
        if (c != core && o->inflight[c])
            return false;
    if (hal_sim_start(o->sim, core, run_job, &o->job[core]))
        return false;
    o->mode[core] = MODE_KERNEL;
    return true;
}

/* The activity on `core` finished: what the core does next. */
static void leave(struct os *o, unsigned core)
{
    struct job *j = &o->job[core];
    struct uproc *u = &o->procs[j->proc];
    switch (j->kind) {
    case JOB_BOOT:
        o->booted = true;
        o->mode[core] = MODE_IDLE;
        if (j->rc) {
            fail(o, "kernel boot failed (memory too small for the kernel?)");
            o->procs[0].done = true;
        }
        break;
    case JOB_START:
        o->running[core] = (int)j->proc;
        u->slice = 0;
        o->mode[core] = MODE_USER;
        o->switches++;
        break;
    case JOB_CALL:
        if (j->rc)
            fail(o, "a pin, unpin or munmap of the workload failed");
        u->pc++;
        o->mode[core] = MODE_USER;
        break;
    case JOB_TRAP:
        o->mode[core] = MODE_USER;
        if (j->rc && u->pc == o->expect_kill_step && strstr(fw_proc_report(u->kp), "segmentation fault"))
            o->killed_as_expected = true;
        else if (j->rc && o->expect_kill_step != SIZE_MAX && u->pc < o->expect_kill_step)
            o->killed_before = true;   /* the kernel's verdict stands (reported); the workload's check cannot run */
        if (j->rc) {   /* killed: report, then exit */
            size_t n = strlen(o->kill_report);
            snprintf(o->kill_report + n, sizeof o->kill_report - n, "%sprocess %u: %s", n ? "; " : "",
                     fw_proc_pid(u->kp), fw_proc_report(u->kp));
            request(o, core, JOB_EXIT, j->proc, 0, 0);
        }
        break;
    case JOB_FORK:
        u->pc++;
        o->mode[core] = MODE_USER;
        break;
    case JOB_EXIT:
        u->done = true;
        o->running[core] = -1;
        o->mode[core] = MODE_IDLE;
        break;
    }
}

/* ---------------------------------------------------------------- the driver's side */

static void next_user(struct os *o, unsigned core, struct vm_action *a)
{
    unsigned p = (unsigned)o->running[core];
    struct uproc *u = &o->procs[p];
    if (o->inflight[core] || other_pending(o, core))
        return;
    bool boundary = !u->src || (!u->have_piece && vm_trace_proc_at_boundary(u->src));
    if (u->slice >= o->slice_len && o->ready_n && boundary) {   /* slice over: the next ready process runs */
        ready_push(o, p);
        o->running[core] = -1;
        o->mode[core] = MODE_IDLE;
        return;
    }
    if (u->src) {
        if (!u->have_piece && !(u->have_piece = vm_trace_proc_next(u->src, &u->piece))) {
            request(o, core, JOB_EXIT, p, 0, 0);   /* the trace has ended */
            return;
        }
        *a = u->piece;
        o->inflight[core] = true;
        return;
    }
    const struct script *s = &o->scripts[u->script];
    if (u->pc == s->n && s->loops && (!o->rounds || ++u->round < o->rounds))
        u->pc = s->loop_from;   /* the next round */
    const struct step *st = u->pc < s->n ? &s->steps[u->pc] : &(struct step){.kind = ST_EXIT};
    switch (st->kind) {
    case ST_STORE:
        o->stored[core] = ((uint64_t)(p + 1) << 48) | ++o->store_seq;
        *a = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_STORE, .size = 3, .addr = st->va,
                                .wdata = o->stored[core]};
        o->inflight[core] = true;
        break;
    case ST_CHECK:
    case ST_SLOAD:
        *a = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_LOAD, .size = 3, .addr = st->va};
        o->inflight[core] = true;
        break;
    case ST_SSTORE:   /* issued before it is performed: a reader may see it before our response */
        o->stored[core] = ++o->issued[(st->va - SHM_VA) / 8 % SHM_WORDS];
        *a = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_STORE, .size = 3, .addr = st->va,
                                .wdata = o->stored[core]};
        o->inflight[core] = true;
        break;
    case ST_FORK:
        request(o, core, JOB_FORK, p, 0, 0);
        break;
    case ST_EXIT:
        request(o, core, JOB_EXIT, p, 0, 0);
        break;
    case ST_PIN:
    case ST_UNPIN:
    case ST_UNMAP:
        request(o, core, JOB_CALL, p, 0, 0);
        break;
    }
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    struct os *o = st;
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_NONE;
    if (core >= o->run_cores) {   /* a core without processes: it only takes the kernel's shootdowns */
        a->kind = VM_ACT_END;
        return;
    }
    switch (o->mode[core]) {
    case MODE_IDLE:
        if (!o->booted) {
            if (core == 0)
                request(o, core, JOB_BOOT, 0, 0, 0);
        } else if (all_done(o)) {
            o->mode[core] = MODE_DONE;
        } else if (o->ready_n && !other_pending(o, core)) {
            unsigned p = ready_pop(o);
            request(o, core, JOB_START, p, 0, 0);
        }
        if (o->mode[core] == MODE_PENDING || o->mode[core] == MODE_DONE)
            next(st, core, a);
        break;
    case MODE_PENDING:
        if (enter(o, core))
            next(st, core, a);
        break;
    case MODE_KERNEL:
        hal_sim_next(o->sim, core, a);
        if (!hal_sim_active(o->sim, core)) {   /* finished without a last action */
            leave(o, core);
            next(st, core, a);
        }
        break;
    case MODE_USER:
        next_user(o, core, a);
        break;
    case MODE_DONE:
        a->kind = VM_ACT_END;
        break;
    }
}

static void response(void *st, unsigned core, const struct vm_core_obs *r)
{
    struct os *o = st;
    if (o->mode[core] == MODE_KERNEL) {
        hal_sim_response(o->sim, core, r);
        return;
    }
    o->inflight[core] = false;
    if (o->mode[core] != MODE_USER || o->running[core] < 0)
        return;
    unsigned p = (unsigned)o->running[core];
    struct uproc *u = &o->procs[p];
    if (r->resp_fault) {   /* a trap: the kernel handles it on this core, then the access is retried */
        request(o, core, JOB_TRAP, p, r->resp_cause, r->resp_tval);
        return;
    }
    if (u->src) {   /* a trace's piece done; an access counts once, at its first piece */
        u->have_piece = false;
        if (!u->piece.cont) {
            fw_proc_accessed(o->kernel, u->kp, u->piece.addr);
            u->slice++;
        }
        return;
    }
    const struct step *s = &o->scripts[u->script].steps[u->pc];
    if (s->kind == ST_SSTORE || s->kind == ST_SLOAD) {
        unsigned w = (unsigned)((s->va - SHM_VA) / 8 % SHM_WORDS);
        uint64_t v = s->kind == ST_SLOAD ? r->resp_rdata : o->stored[core];
        if (v < o->seen[p][w] || v > o->issued[w]) {
            char msg[256];
            snprintf(msg, sizeof msg, "process %u read %llu from shared word %u, but it had seen %llu and only "
                     "%llu was ever written (coherence broken)", fw_proc_pid(u->kp), (unsigned long long)v, w,
                     (unsigned long long)o->seen[p][w], (unsigned long long)o->issued[w]);
            fail(o, msg);
        }
        o->seen[p][w] = v;
        o->checked_loads += s->kind == ST_SLOAD;
    } else if (s->kind == ST_STORE) {
        if (kv_set(u, s->va, o->stored[core]))
            fail(o, "out of host memory");
    } else {
        struct kv *e = kv_find(u, s->va);
        uint64_t want = e ? e->value : 0;
        o->checked_loads++;
        if (r->resp_rdata != want) {
            char msg[256];
            snprintf(msg, sizeof msg, "process %u read %#llx at %#llx, but its memory holds %#llx there "
                     "(isolation broken)", fw_proc_pid(u->kp), (unsigned long long)r->resp_rdata,
                     (unsigned long long)s->va, (unsigned long long)want);
            fail(o, msg);
        }
    }
    fw_proc_accessed(o->kernel, u->kp, s->va);
    u->pc++;
    u->slice++;
}

static void result(void *st, unsigned core, uint64_t value)
{
    struct os *o = st;
    if (o->mode[core] == MODE_KERNEL)
        hal_sim_result(o->sim, core, value);
}

/* ---------------------------------------------------------------- creation, verdict, report */

static void destroy(void *st)
{
    struct os *o = st;
    if (!o)
        return;
    hal_sim_free(o->sim);
    fw_kernel_free(o->kernel);   /* processes still alive are dropped with the kernel's host state */
    for (unsigned i = 0; i < MAX_SCRIPTS; i++)
        free(o->scripts[i].steps);
    for (unsigned i = 0; i < o->nprocs; i++)
        free(o->procs[i].vals);
    for (unsigned i = 0; i < o->ntraces; i++)
        vm_trace_proc_free(o->traces[i]);
    if (o->file_path[0])
        remove(o->file_path);
    free(o);
}

static struct os *os_new(const struct vm_config *cfg, uint64_t seed, const char *name, char *err, size_t errlen)
{
    if (cfg->mode == VM_MODE_BARE) {
        snprintf(err, errlen, "%s needs a translated scheme (vm.mode=sv39 or sv32), got vm.mode=bare", name);
        return NULL;
    }
    if (!cfg->l1_size) {
        snprintf(err, errlen, "%s runs under the kernel, which needs the system top (l1.size > 0)", name);
        return NULL;
    }
    struct os *o = calloc(1, sizeof *o);
    if (!o) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    o->cfg = *cfg;
    o->seed = seed;
    o->run_cores = cfg->cores;
    o->slice_len = SLICE;
    for (unsigned c = 0; c < VM_MAX_CORES; c++)
        o->running[c] = -1;
    o->expect_kill_step = SIZE_MAX;
    return o;
}

static int os_start_kernel(struct os *o, char *err, size_t errlen)
{
    if (!(o->sim = hal_sim_new(o->cfg.cores, &o->hal))) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    struct fw_config kc = {
        .cores = o->cfg.cores, .sv32 = o->cfg.mode == VM_MODE_SV32, .ad_hw = o->cfg.ad == VM_AD_HW,
        .frames = o->cfg.vm_frames, .policy = (enum fw_policy)o->cfg.vm_policy,
        .fault_around = o->cfg.vm_fault_around, .mem_bytes = o->cfg.mem_size,
        .swap_bytes = o->cfg.swap_size,
    };
    return (o->kernel = fw_kernel_new(&kc, &o->hal, err, errlen)) ? 0 : -1;
}

/* Finishes a workload whose scripts are built: starts its kernel. Returns o, or NULL (freed) on error. */
static struct os *os_finish(struct os *o, int bad, char *err, size_t errlen)
{
    if (bad || os_start_kernel(o, err, errlen)) {
        if (bad)
            snprintf(err, errlen, "out of host memory");
        destroy(o);
        return NULL;
    }
    return o;
}

static int parse_refs(struct os *o, const char *arg, char *err, size_t errlen)
{
    uint64_t limit = o->cfg.mode == VM_MODE_SV32 ? 1ull << 20 : 1ull << 26;   /* user pages of the scheme */
    uint64_t max = 0;
    const char *s = arg;
    while (*s) {
        if (!isdigit((unsigned char)*s)) {
            snprintf(err, errlen, "refs: '%s': expected a comma-separated list of page numbers (e.g. refs:1,2,3)",
                     arg);
            return -1;
        }
        errno = 0;
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (errno || v >= limit) {
            snprintf(err, errlen, "refs: page %.20s is outside the user range of %s (0..%llu)", s,
                     o->cfg.mode == VM_MODE_SV32 ? "sv32" : "sv39", (unsigned long long)limit - 1);
            return -1;
        }
        if (o->scripts[0].n == MAX_REFS) {
            snprintf(err, errlen, "refs: more than %d references", MAX_REFS);
            return -1;
        }
        if (script_add(&o->scripts[0], (struct step){ST_STORE, (uint64_t)v << 12, 0})) {
            snprintf(err, errlen, "out of host memory");
            return -1;
        }
        max = v > max ? v : max;
        s = end;
        if (*s == ',' && s[1])
            s++;
        else if (*s) {
            snprintf(err, errlen, "refs: '%s': expected a comma-separated list of page numbers", arg);
            return -1;
        }
    }
    if (!o->scripts[0].n) {
        snprintf(err, errlen, "refs: the list is empty");
        return -1;
    }
    o->region_va = 0;
    o->region_len = (max + 1) << 12;
    return 0;
}

static void *create_refs(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    struct os *o = os_new(cfg, seed, "refs", err, errlen);
    if (!o)
        return NULL;
    o->nscripts = 1;
    o->initial = 1;
    o->opt_future = true;
    o->run_cores = 1;   /* one process, on core 0 */
    if (parse_refs(o, arg, err, errlen) || os_start_kernel(o, err, errlen)) {
        destroy(o);
        return NULL;
    }
    return o;
}

/* Adds ST_kind steps for pages first, first + stride, ... below FORK_PAGES. */
static int add_pages(struct script *s, enum step_kind kind, unsigned first, unsigned stride)
{
    for (unsigned i = first; i < FORK_PAGES; i += stride)
        if (script_add(s, (struct step){kind, FORK_BASE + ((uint64_t)i << 12) + 8 * (i % 8), 0}))
            return -1;
    return 0;
}

static void *create_fork_cow(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    struct os *o = os_new(cfg, seed, "fork-cow", err, errlen);
    if (!o)
        return NULL;
    struct script *parent = &o->scripts[0], *a = &o->scripts[1], *b = &o->scripts[2], *c = &o->scripts[3];
    o->nscripts = 4;
    o->initial = 1;
    o->region_va = FORK_BASE;
    o->region_len = (uint64_t)FORK_PAGES << 12;
    /* parent: write every page, fork two children, write the even pages, read everything */
    int bad = add_pages(parent, ST_STORE, 0, 1) || script_add(parent, (struct step){ST_FORK, 0, 1}) ||
              script_add(parent, (struct step){ST_FORK, 0, 2}) || add_pages(parent, ST_STORE, 0, 2) ||
              add_pages(parent, ST_CHECK, 0, 1);
    /* child a: read everything (the fork-time values), write the odd pages, fork a grandchild, read everything */
    bad = bad || add_pages(a, ST_CHECK, 0, 1) || add_pages(a, ST_STORE, 1, 2) ||
          script_add(a, (struct step){ST_FORK, 0, 3}) || add_pages(a, ST_CHECK, 0, 1);
    /* grandchild c: read everything (a's view at the fork), write every fourth page, read everything */
    bad = bad || add_pages(c, ST_CHECK, 0, 1) || add_pages(c, ST_STORE, 0, 4) || add_pages(c, ST_CHECK, 0, 1);
    /* child b: write every third page, read everything */
    bad = bad || add_pages(b, ST_STORE, 0, 3) || add_pages(b, ST_CHECK, 0, 1);
    return os_finish(o, bad, err, errlen);
}

/* The optional ROUNDS of an open-ended workload ("name:ROUNDS"): how many times each process runs the
 * repeated part of its script; absent, the processes repeat until --max-cycles. Marks every script looping
 * from `loop_from` (0: the whole script). */
static int parse_rounds(struct os *o, const char *name, const char *arg, char *err, size_t errlen)
{
    if (arg) {
        char *end;
        errno = 0;
        unsigned long long v = isdigit((unsigned char)*arg) ? strtoull(arg, &end, 10) : 0;
        if (!v || errno || *end || v > 1000000000ull) {
            snprintf(err, errlen, "%s:ROUNDS: ROUNDS must be a number from 1 to 1000000000, got '%s'", name, arg);
            return -1;
        }
        o->rounds = v;
    }
    for (unsigned i = 0; i < o->nscripts; i++)
        o->scripts[i].loops = true;
    return 0;
}

static void *create_shared(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    struct os *o = os_new(cfg, seed, "shared", err, errlen);
    if (!o)
        return NULL;
    struct script *prod = &o->scripts[0], *cons = &o->scripts[1];
    o->nscripts = o->initial = 2;
    if (parse_rounds(o, "shared", arg, err, errlen)) {
        destroy(o);
        return NULL;
    }
    o->shm_pages = 2;
    o->region_va = FORK_BASE;
    o->region_len = 4096;
    int bad = 0;
    /* the producer counts every word up in turn; the consumer reads them in another order, and both touch a
     * private page too */
    for (unsigned i = 0; i < SHARED_STEPS && !bad; i++) {
        bad |= script_add(prod, (struct step){ST_SSTORE, SHM_VA + 8 * (i % SHM_WORDS), 0});
        bad |= script_add(cons, (struct step){ST_SLOAD, SHM_VA + 8 * ((i * 5 + 3) % SHM_WORDS), 0});
        if (i % 16 == 0) {
            bad |= script_add(prod, (struct step){ST_STORE, FORK_BASE + 8 * (i % 512), 0});
            bad |= script_add(cons, (struct step){ST_STORE, FORK_BASE + 8 * (i % 512), 0});
        }
    }
    return os_finish(o, bad, err, errlen);
}


/* One process per core (at least two), each over its own region: the scripts the caller fills. */
static struct os *os_per_core(const struct vm_config *cfg, uint64_t seed, const char *name, const char *arg,
                              unsigned min_procs, uint64_t region_len, char *err, size_t errlen)
{
    struct os *o = os_new(cfg, seed, name, err, errlen);
    if (!o)
        return NULL;
    unsigned n = cfg->cores > min_procs ? cfg->cores : min_procs;
    o->nscripts = o->initial = n > MAX_SCRIPTS ? MAX_SCRIPTS : n;
    o->region_va = FORK_BASE;
    o->region_len = region_len;
    if (parse_rounds(o, name, arg, err, errlen)) {
        destroy(o);
        return NULL;
    }
    return o;
}

/* thrash: two or more processes cycling over working sets that together are 1.5 times the memory's frames:
 * once memory is full every process evicts its own pages to make room, and swap traffic never stops. A
 * round is a reading pass (after the first, writing one). */
static void *create_thrash(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    uint64_t frames = cfg->mem_size / 4096;
    struct os *o = os_per_core(cfg, seed, "thrash", arg, 2, 0, err, errlen);
    if (!o)
        return NULL;
    uint64_t pages = frames * 3 / 2 / o->nscripts;
    o->region_len = pages << 12;
    int bad = 0;
    for (unsigned p = 0; p < o->nscripts; p++) {
        o->scripts[p].loop_from = pages;
        for (unsigned pass = 0; pass < 2; pass++)
            for (uint64_t i = 0; i < pages && !bad; i++)
                bad |= script_add(&o->scripts[p], (struct step){pass ? ST_CHECK : ST_STORE,
                                                                FORK_BASE + (i << 12) + 8 * (i % 512), 0});
    }
    return os_finish(o, bad, err, errlen);
}

/* hotcold: a process per core over 256 pages; nine accesses in ten go to the hottest 26 pages (seeded), a
 * third of them stores. A round is 4096 accesses. */
static void *create_hotcold(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    struct os *o = os_per_core(cfg, seed, "hotcold", arg, 1, 256 << 12, err, errlen);
    if (!o)
        return NULL;
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 1;
    int bad = 0;
    for (unsigned p = 0; p < o->nscripts; p++)
        for (unsigned i = 0; i < 4096 && !bad; i++) {
            uint64_t page = vm_rand_below(&rng, 10) < 9 ? vm_rand_below(&rng, 26) : 26 + vm_rand_below(&rng, 230);
            uint64_t va = FORK_BASE + (page << 12) + 8 * vm_rand_below(&rng, 512);
            bad |= script_add(&o->scripts[p], (struct step){vm_rand_below(&rng, 3) ? ST_CHECK : ST_STORE, va, 0});
        }
    return os_finish(o, bad, err, errlen);
}

/* matmul: a process per core computing C = A x B on 32 x 32 matrices of 8-byte words in its own memory
 * (A, B and C each two pages, row-major): A and B are written, then every C[i][j] reads row i of A and
 * column j of B (a page-strided walk through B) and stores the result. A round is one product. */
static void *create_matmul(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    enum { N = 32 };
    struct os *o = os_per_core(cfg, seed, "matmul", arg, 1, 6 << 12, err, errlen);
    if (!o)
        return NULL;
    const uint64_t a = FORK_BASE, b = a + 8 * N * N, c = b + 8 * N * N;
    int bad = 0;
    for (unsigned p = 0; p < o->nscripts; p++) {
        struct script *s = &o->scripts[p];
        for (uint64_t e = 0; e < 2 * N * N && !bad; e++)
            bad |= script_add(s, (struct step){ST_STORE, a + 8 * e, 0});
        s->loop_from = s->n;   /* a round is one product */
        for (uint64_t i = 0; i < N && !bad; i++)
            for (uint64_t j = 0; j < N && !bad; j++) {
                for (uint64_t k = 0; k < N && !bad; k++) {
                    bad |= script_add(s, (struct step){ST_CHECK, a + 8 * (i * N + k), 0});
                    bad |= script_add(s, (struct step){ST_CHECK, b + 8 * (k * N + j), 0});
                }
                bad |= script_add(s, (struct step){ST_STORE, c + 8 * (i * N + j), 0});
            }
    }
    return os_finish(o, bad, err, errlen);
}

static void *create_lazy(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    (void)arg;
    struct os *o = os_new(cfg, seed, "lazy", err, errlen);
    if (!o)
        return NULL;
    struct script *s = &o->scripts[0];
    o->nscripts = o->initial = 1;
    o->run_cores = 1;
    o->region_va = 0x40000000;
    o->region_len = cfg->mode == VM_MODE_SV32 ? 16u << 20 : 1u << 30;
    uint64_t pages = o->region_len >> 12;
    /* the mapped file: two pages of known words */
    const char *tmpdir = getenv("TMPDIR");   /* as users expect of a temporary file; /tmp otherwise */
    const char *dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
    int n = snprintf(o->file_path, sizeof o->file_path, "%s/vmcosim_lazy_XXXXXX", dir);
    int fd = n > 0 && (size_t)n < sizeof o->file_path ? mkstemp(o->file_path) : -1;
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    for (size_t i = 0; i < LAZY_FILE_WORDS; i++)
        o->file_want[i] = 0xF11E00000000ull + i;
    if (!f || fwrite(o->file_want, 8, LAZY_FILE_WORDS, f) != LAZY_FILE_WORDS || fclose(f)) {
        if (fd < 0)
            o->file_path[0] = 0;
        snprintf(err, errlen, "lazy: cannot create its file in %.200s: %s", dir, strerror(errno));
        destroy(o);
        return NULL;
    }
    int bad = 0;
    /* sparse touches over a large region (only the touched pages get frames), read back */
    for (int pass = 0; pass < 2; pass++)
        for (uint64_t i = 0; i < 24; i++)
            bad |= script_add(s, (struct step){pass ? ST_CHECK : ST_STORE,
                                               o->region_va + (((i * 4099) % pages) << 12) + 8 * i, 0});
    bad |= script_add(s, (struct step){ST_PIN, o->region_va, 0});
    bad |= script_add(s, (struct step){ST_CHECK, o->region_va, 0});
    bad |= script_add(s, (struct step){ST_UNPIN, o->region_va, 0});
    /* the shared file mapping: read the file's words, overwrite some (they must reach the file) */
    for (uint64_t i = 0; i < 8; i++)
        bad |= script_add(s, (struct step){ST_CHECK, LAZY_FILE_VA + 8 * i * 67, 0});
    for (uint64_t i = 0; i < 4; i++)
        bad |= script_add(s, (struct step){ST_STORE, LAZY_FILE_VA + 8 * i * 131, 0});
    bad |= script_add(s, (struct step){ST_CHECK, LAZY_FILE_VA + 8 * 131, 0});
    /* the sparse pages again (under a budget this evicts the file page: back to the file), then the file page
     * (read from the file again) */
    for (uint64_t i = 0; i < 24; i++)
        bad |= script_add(s, (struct step){ST_CHECK, o->region_va + (((i * 4099) % pages) << 12) + 8 * i, 0});
    bad |= script_add(s, (struct step){ST_CHECK, LAZY_FILE_VA + 8 * 131, 0});
    /* the private mapping of the file's second page: its write stays in the process */
    bad |= script_add(s, (struct step){ST_CHECK, LAZY_PRIV_VA + 16, 0});
    bad |= script_add(s, (struct step){ST_STORE, LAZY_PRIV_VA + 16, 0});
    bad |= script_add(s, (struct step){ST_CHECK, LAZY_PRIV_VA + 16, 0});
    /* unmap the large region; the next access there is a segmentation fault */
    bad |= script_add(s, (struct step){ST_UNMAP, o->region_va, 0});
    o->expect_kill_step = s->n;
    bad |= script_add(s, (struct step){ST_STORE, o->region_va + 8, 0});
    return os_finish(o, bad, err, errlen);
}

/* Nothing is preloaded: the kernel builds every table at run time through the hardware. */
static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    (void)st, (void)img, (void)err, (void)errlen;
    return 0;
}

/* The end-of-run verdict: no wrong value or kernel error; after every process exited, every frame and swap
 * slot is back. */
/* lazy: after the exit, the file holds the shared mapping's last stores and nothing of the private one. */
static int check_file(struct os *o, char *err, size_t errlen)
{
    for (size_t i = 0; i < o->procs[0].nvals; i++) {   /* the shared mapping's last stores reach the file */
        const struct kv *e = &o->procs[0].vals[i];
        if (e->va >= LAZY_FILE_VA && e->va < LAZY_FILE_VA + 8 * LAZY_FILE_WORDS)
            o->file_want[(e->va - LAZY_FILE_VA) / 8] = e->value;
    }
    FILE *f = fopen(o->file_path, "rb");
    uint64_t w[LAZY_FILE_WORDS];
    size_t n = f ? fread(w, 8, LAZY_FILE_WORDS, f) : 0;
    if (f)
        fclose(f);
    for (size_t i = 0; i < LAZY_FILE_WORDS; i++) {
        if (i >= n || w[i] != o->file_want[i]) {
            snprintf(err, errlen, "the mapped file's word %zu holds %#llx, expected %#llx", i,
                     (unsigned long long)(i < n ? w[i] : 0), (unsigned long long)o->file_want[i]);
            return -1;
        }
    }
    return 0;
}

static int check(void *st, char *err, size_t errlen)
{
    struct os *o = st;
    if (o->error[0]) {
        snprintf(err, errlen, "%s", o->error);
        return -1;
    }
    if (all_done(o) && o->expect_kill_step != SIZE_MAX && !o->killed_as_expected && !o->killed_before) {
        snprintf(err, errlen, "the access after munmap was not killed as a segmentation fault");
        return -1;
    }
    if (all_done(o) && o->file_path[0] && check_file(o, err, errlen))
        return -1;
    if (hal_failed(&o->hal)) {
        snprintf(err, errlen, "a kernel hardware access failed (a port answered with a fault)");
        return -1;
    }
    if (fw_kernel_check(o->kernel, err, errlen))
        return -1;
    if (all_done(o) && (fw_kernel_free_frames(o->kernel) != o->boot_free || fw_kernel_swap_used(o->kernel))) {
        snprintf(err, errlen, "leak: %llu free frames after every exit, %llu after boot; %llu swap slots in use",
                 (unsigned long long)fw_kernel_free_frames(o->kernel), (unsigned long long)o->boot_free,
                 (unsigned long long)fw_kernel_swap_used(o->kernel));
        return -1;
    }
    return 0;
}

static void report(void *st, FILE *f)
{
    struct os *o = st;
    if (o->kill_report[0])
        fprintf(f, "kernel: killed: %s\n", o->kill_report);
    if (all_done(o) && o->ntraces)   /* a trace's values: checked by the lockstep shadow of memory */
        fprintf(f, "kernel: %u process%s ran and exited (%llu context switches); every frame and swap slot "
                "returned\n", o->nprocs, o->nprocs == 1 ? "" : "es", (unsigned long long)o->switches);
    else if (all_done(o))
        fprintf(f, "kernel: %u process%s ran and exited (%llu context switches); %llu loads checked against the "
                "process's own stores, %llu stored words read back intact at exit; every frame and swap slot "
                "returned\n", o->nprocs, o->nprocs == 1 ? "" : "es", (unsigned long long)o->switches,
                (unsigned long long)o->checked_loads, (unsigned long long)o->verified);
    else if (o->scripts[0].loops && !o->rounds)
        fprintf(f, "kernel: open-ended: the run ended at --max-cycles with processes running (%u created, %llu "
                "context switches); %llu loads checked against the process's own stores (NAME:ROUNDS runs a fixed "
                "number of rounds, then the processes exit and are checked)\n", o->nprocs,
                (unsigned long long)o->switches, (unsigned long long)o->checked_loads);
    else
        fprintf(f, "kernel: the run ended with processes alive (%u created)\n", o->nprocs);
    if (o->fork_failures)
        fprintf(f, "kernel: %llu forks failed (out of memory)\n", (unsigned long long)o->fork_failures);
    if (o->ntraces)
        fprintf(f, "traces: %u processes under the kernel, demand-paged (slices of %d accesses)\n", o->ntraces,
                VM_TRACE_SLICE);
    for (unsigned i = 0; i < o->ntraces; i++) {
        const struct vm_trace_proc *t = o->traces[i];
        fprintf(f, "  trace %u  %llu of %llu accesses, %llu pages  %s\n", i, (unsigned long long)t->accesses,
                (unsigned long long)t->total, (unsigned long long)t->npages, t->path);
    }
}

static void trace_progress(void *st, uint64_t *done, uint64_t *total)
{
    const struct os *o = st;
    *done = *total = 0;
    for (unsigned i = 0; i < o->ntraces; i++) {
        *done += o->traces[i]->accesses;
        *total += o->traces[i]->total;
    }
}

/* Looping scripts without ROUNDS repeat until the budget; everything else ends when its processes exit. */
static bool os_finite(void *st)
{
    const struct os *o = st;
    return !(o->scripts[0].loops && !o->rounds);
}

static const struct vm_trace_proc *trace_at(void *st, unsigned i)
{
    const struct os *o = st;
    return i < o->ntraces ? o->traces[i] : NULL;
}

static void vm_stats(void *st, struct vm_vm_stats *out)
{
    struct os *o = st;
    struct fw_stats s;
    fw_kernel_stats(o->kernel, &s);
    *out = (struct vm_vm_stats){
        .page_faults = s.page_faults, .zero_fills = s.zero_fills, .major_faults = s.major_faults,
        .cow_faults = s.cow_faults, .ad_faults = s.ad_faults, .swap_outs = s.swap_outs, .swap_ins = s.swap_ins,
        .evictions = s.evictions, .oom_kills = s.oom_kills, .segfaults = s.segfaults, .shootdowns = s.shootdowns,
        .free_frames = fw_kernel_free_frames(o->kernel), .swap_used = fw_kernel_swap_used(o->kernel),
        .forks = s.forks, .pff_windows = s.pff_windows, .thrashing_windows = s.thrashing_windows,
        .pff_max = s.pff_max, .ws_max = s.ws_max, .cow_copies = s.cow_copies, .cow_reuses = s.cow_reuses,
        .file_reads = s.file_reads, .file_writebacks = s.file_writebacks, .fault_around_maps = s.fault_around_maps,
        .asid_wraps = s.asid_wraps, .has_kernel = true,
    };
    struct fw_buddy_stats b;
    fw_kernel_buddy_stats(o->kernel, &b);
    for (unsigned i = 0; i < 11; i++) {
        out->buddy_free_blocks[i] = b.free_blocks[i];
        out->buddy_unusable[i] = b.unusable_index[i];
        out->buddy_extfrag[i] = b.extfrag_index[i];
    }
    for (unsigned c = 0; c < FW_KERNEL_SLABS; c++) {
        struct fw_slab_info si;
        fw_kernel_slab_info(o->kernel, c, &si);
        snprintf(out->slab[c].name, sizeof out->slab[c].name, "%s", si.name);
        out->slab[c].active_objs = si.active_objs;
        out->slab[c].num_objs = si.num_objs;
        out->slab[c].objsize = si.objsize;
        out->slab[c].num_slabs = si.num_slabs;
    }
}

/* Every kernel workload drives the cores the same way; they differ in their scripts (create). */
#define OS_OPS                                                                                                  \
    .destroy = destroy, .build = build, .next = next, .response = response, .check = check, .report = report,     \
    .result = result, .vm_stats = vm_stats, .finite = os_finite, .trace = trace_at
#define OS_WORKLOAD(NAME, CREATE, TAKES_ARG, DESCRIPTION)                                                        \
    {.name = NAME, .description = DESCRIPTION, .create = CREATE, .takes_arg = TAKES_ARG, OS_OPS}
/* The open-ended ones: NAME repeats until --max-cycles, NAME:ROUNDS runs ROUNDS rounds and exits. */
#define OS_WORKLOAD_ROUNDS(NAME, CREATE, DESCRIPTION)                                                             \
    {.name = NAME, .description = DESCRIPTION, .create = CREATE, .takes_arg = true, .arg_optional = true, OS_OPS}

const struct vm_workload_ops vm_wl_refs = OS_WORKLOAD("refs", create_refs, true,
    "ARG = LIST of page numbers: one process under the kernel storing to the listed virtual page numbers in order "
    "(vm.frames, vm.policy: the textbook replacement experiment)");

const struct vm_workload_ops vm_wl_fork_cow = OS_WORKLOAD("fork-cow", create_fork_cow, false,
    "under the kernel: a parent writes 16 pages and forks two children, one of which forks a "
    "grandchild; all four write some pages and read all, on every core, time-sliced: COW faults, "
    "isolation checked on every load");

const struct vm_workload_ops vm_wl_shared = OS_WORKLOAD_ROUNDS("shared", create_shared,
    "under the kernel: a producer and a consumer process share a segment (on separate cores when "
    "there are two): counters written by one, read by the other, each read checked to be one "
    "that was written and never older than the last seen; ARG = ROUNDS of 400 accesses each (default: "
    "repeat until --max-cycles)");

const struct vm_workload_ops vm_wl_lazy = OS_WORKLOAD("lazy", create_lazy, false,
    "under the kernel: sparse touches of a large region, a pinned page, a host file mapped shared "
    "(its writes must reach the file) and private (they must not), then munmap and an access "
    "there, which must be killed as a segmentation fault");

const struct vm_workload_ops vm_wl_thrash = OS_WORKLOAD_ROUNDS("thrash", create_thrash,
    "under the kernel: a process per core (at least two) writing, then reading in rounds, working sets that "
    "together are 1.5x the memory's frames: swap traffic throughout (use a small mem.size); ARG = ROUNDS of "
    "reading (default: until --max-cycles)");

const struct vm_workload_ops vm_wl_hotcold = OS_WORKLOAD_ROUNDS("hotcold", create_hotcold,
    "under the kernel: a process per core over 256 pages, nine accesses in ten to the hottest 26 "
    "(seeded), a third of them stores; ARG = ROUNDS of 4096 accesses (default: until --max-cycles)");

const struct vm_workload_ops vm_wl_matmul = OS_WORKLOAD_ROUNDS("matmul", create_matmul,
    "under the kernel: a process per core computing C = A x B on 32 x 32 matrices of 8-byte words "
    "(row-major: B is walked down its columns); ARG = ROUNDS: products computed (default: until --max-cycles)");

/* trace.paging=demand: a process per trace under the kernel, its whole user range one anonymous region. */
void *vm_wl_os_traces_create(const struct vm_config *cfg, uint64_t seed, const char *const *paths, unsigned n,
                             char *err, size_t errlen)
{
    if (!n || n > MAX_PROCS) {
        snprintf(err, errlen, "%u traces: trace.paging=demand runs 1 to %d processes", n, MAX_PROCS);
        return NULL;
    }
    struct os *o = os_new(cfg, seed, "trace.paging=demand", err, errlen);
    if (!o)
        return NULL;
    o->nscripts = 1;   /* an empty script 0: trace processes take their accesses from their trace */
    o->initial = n;
    o->slice_len = VM_TRACE_SLICE;
    o->region_va = 0;
    o->region_len = vm_trace_va_limit(cfg);
    for (unsigned i = 0; i < n; i++) {
        if (!(o->traces[i] = vm_trace_proc_open(paths[i], cfg, cfg->vm_policy == FW_POLICY_OPT, err, errlen))) {
            destroy(o);
            return NULL;
        }
        o->ntraces = i + 1;
    }
    if (os_start_kernel(o, err, errlen)) {
        destroy(o);
        return NULL;
    }
    return o;
}

const struct vm_workload_ops vm_wl_os_trace = {
    .name = "trace", .description = "real programs' traces under the kernel (trace.paging=demand)",
    OS_OPS, .progress = trace_progress,
};
