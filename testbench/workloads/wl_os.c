/* Workloads under the firmware kernel (firmware/kernel.h): user processes issue their accesses on the
 * cores' ports; a fault traps into the kernel, which runs as a coroutine on the faulting core (hal_sim.h)
 * and drives the hardware through the HAL; then the access is retried.
 *
 * refs:LIST  one process on core 0 touching the listed virtual page numbers in order, each touch an 8-byte
 *            store of a value unique to the touch, in one anonymous region covering pages 0..max(LIST).
 *            With vm.frames and vm.policy this is the textbook replacement experiment: vm.page_faults is
 *            the fault count. The other cores stay idle (they only take the kernel's shootdowns).
 *
 * Kernel entries are serialised (one core in the kernel at a time) and a core enters only when no other
 * core has a request in flight (kernel.h). */
#include <vmcosim/contract.h>

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../firmware/kernel.h"
#include "../kernel/hal_sim.h"
#include "workload_impl.h"

#define MAX_REFS 100000

enum core_mode { MODE_IDLE, MODE_KERNEL, MODE_USER, MODE_DONE };
enum job_kind { JOB_BOOT, JOB_TRAP, JOB_EXIT };

struct os;
struct job {
    struct os *os;
    unsigned core;
    enum job_kind kind;
    unsigned cause;
    uint64_t tval;
    int rc;
};

struct os {
    struct vm_config cfg;
    uint64_t seed;
    struct fw_hal hal;
    struct hal_sim *sim;
    struct fw_kernel *kernel;
    struct fw_proc *proc;
    enum core_mode mode[VM_MAX_CORES];
    struct job job[VM_MAX_CORES];
    bool inflight[VM_MAX_CORES];
    uint64_t *refs;
    size_t nrefs, next;
    uint64_t boot_free;      /* free frames after boot: the census every run must return to */
    bool booted, exited;
    uint64_t verified;       /* pages whose final value was read back at exit */
    char kill_report[256];
    char error[256];
};

static int parse_refs(struct os *o, const char *arg, char *err, size_t errlen)
{
    uint64_t limit = o->cfg.mode == VM_MODE_SV32 ? 1ull << 20 : 1ull << 26;   /* user pages of the scheme */
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
        if (o->nrefs == MAX_REFS) {
            snprintf(err, errlen, "refs: more than %d references", MAX_REFS);
            return -1;
        }
        o->refs[o->nrefs++] = v;
        s = end;
        if (*s == ',' && s[1])
            s++;
        else if (*s) {
            snprintf(err, errlen, "refs: '%s': expected a comma-separated list of page numbers", arg);
            return -1;
        }
    }
    if (!o->nrefs) {
        snprintf(err, errlen, "refs: the list is empty");
        return -1;
    }
    return 0;
}

static void destroy(void *st)
{
    struct os *o = st;
    if (!o)
        return;
    hal_sim_free(o->sim);
    fw_kernel_free(o->kernel);   /* a process still alive is dropped with the kernel's host state */
    free(o->refs);
    free(o);
}

static void *create_refs(const struct vm_config *cfg, uint64_t seed, const char *arg, char *err, size_t errlen)
{
    if (cfg->mode == VM_MODE_BARE) {
        snprintf(err, errlen, "refs needs a translated scheme (vm.mode=sv39 or sv32), got vm.mode=bare");
        return NULL;
    }
    if (!cfg->l1_size) {
        snprintf(err, errlen, "refs runs under the kernel, which needs the system top (l1.size > 0)");
        return NULL;
    }
    struct os *o = calloc(1, sizeof *o);
    if (!o || !(o->refs = malloc(MAX_REFS * sizeof *o->refs))) {
        free(o);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    o->cfg = *cfg;
    o->seed = seed;
    if (parse_refs(o, arg, err, errlen))
        goto fail;
    if (!(o->sim = hal_sim_new(cfg->cores, &o->hal))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    struct fw_config kc = {
        .cores = cfg->cores, .sv32 = cfg->mode == VM_MODE_SV32, .ad_hw = cfg->ad == VM_AD_HW,
        .frames = cfg->vm_frames, .policy = (enum fw_policy)cfg->vm_policy, .mem_bytes = cfg->mem_size,
        .swap_bytes = cfg->swap_size,
    };
    if (!(o->kernel = fw_kernel_new(&kc, &o->hal, err, errlen)))
        goto fail;
    return o;
fail:
    destroy(o);
    return NULL;
}

/* Nothing is preloaded: the kernel builds every table at run time through the hardware. */
static int build(void *st, struct vm_image *img, char *err, size_t errlen)
{
    (void)st, (void)img, (void)err, (void)errlen;
    return 0;
}

/* Before exit: every page holds the value of its last store (wherever the kernel keeps it now). */
static void verify(struct os *o, unsigned core)
{
    if (fw_proc_killed(o->proc))
        return;
    for (size_t i = 0; i < o->nrefs; i++) {
        bool last = true;   /* i is the last touch of its page */
        for (size_t j = i + 1; j < o->nrefs && last; j++)
            last = o->refs[j] != o->refs[i];
        if (!last)
            continue;
        uint64_t v, want = (o->refs[i] << 32) | (i + 1);
        if (fw_proc_read(o->kernel, core, o->proc, o->refs[i] << 12, &v) || v != want) {
            snprintf(o->error, sizeof o->error, "page %llu lost its data: %#llx, the last store (touch %zu) wrote %#llx",
                     (unsigned long long)o->refs[i], (unsigned long long)v, i + 1, (unsigned long long)want);
            return;
        }
        o->verified++;
    }
}

/* The kernel's work for one job, run as core `core`'s activity. */
static void run_job(void *arg)
{
    struct job *j = arg;
    struct os *o = j->os;
    j->rc = 0;
    switch (j->kind) {
    case JOB_BOOT: {
        for (unsigned c = 0; c < o->cfg.cores; c++)
            hal_csr_write(&o->hal, c, VM_CSR_LFSR_SEED, (uint32_t)((o->seed + c) * 2654435761u) | 1);
        uint64_t max = 0;
        for (size_t i = 0; i < o->nrefs; i++)
            max = o->refs[i] > max ? o->refs[i] : max;
        if (fw_kernel_boot(o->kernel, j->core)) {
            j->rc = -1;
            break;
        }
        o->boot_free = fw_kernel_free_frames(o->kernel);
        if (!(o->proc = fw_proc_create(o->kernel, j->core)) ||
            fw_proc_add_region(o->proc, 0, (max + 1) << 12, true) ||
            fw_proc_set_future(o->proc, o->refs, o->nrefs)) {
            j->rc = -1;
            break;
        }
        fw_proc_switch_to(o->kernel, j->core, o->proc);
        break;
    }
    case JOB_TRAP:
        j->rc = fw_trap(o->kernel, j->core, o->proc, j->cause, j->tval);
        break;
    case JOB_EXIT:
        verify(o, j->core);
        fw_proc_exit(o->kernel, j->core, o->proc);
        o->proc = NULL;
        break;
    }
}

static bool kernel_busy(const struct os *o)
{
    for (unsigned c = 0; c < o->cfg.cores; c++)
        if (o->mode[c] == MODE_KERNEL)
            return true;
    return false;
}

/* Enters the kernel on `core` when no other core is in it or has a request in flight. */
static bool enter(struct os *o, unsigned core, enum job_kind kind, unsigned cause, uint64_t tval)
{
    if (kernel_busy(o))
        return false;
    for (unsigned c = 0; c < o->cfg.cores; c++)
        if (c != core && o->inflight[c])
            return false;
    o->job[core] = (struct job){o, core, kind, cause, tval, 0};
    if (hal_sim_start(o->sim, core, run_job, &o->job[core]))
        return false;
    o->mode[core] = MODE_KERNEL;
    return true;
}

/* The kernel's activity on `core` finished: what the core does next. */
static void leave(struct os *o, unsigned core)
{
    struct job *j = &o->job[core];
    o->mode[core] = MODE_USER;
    switch (j->kind) {
    case JOB_BOOT:
        o->booted = true;
        if (j->rc) {
            snprintf(o->error, sizeof o->error, "kernel boot failed (memory too small for the kernel?)");
            o->mode[core] = MODE_DONE;
        }
        break;
    case JOB_TRAP:
        if (j->rc) {   /* killed: report, then exit */
            snprintf(o->kill_report, sizeof o->kill_report, "process %u: %s", fw_proc_pid(o->proc),
                     fw_proc_report(o->proc));
            o->next = o->nrefs;
        }
        break;
    case JOB_EXIT:
        o->exited = true;
        o->mode[core] = MODE_DONE;
        break;
    }
}

static void next_user(struct os *o, unsigned core, struct vm_action *a)
{
    if (o->inflight[core])   /* one access at a time: a fault must be retried before the next */
        return;
    if (o->next == o->nrefs) {   /* the list is done (or the process was killed): exit */
        if (!enter(o, core, JOB_EXIT, 0, 0))
            a->kind = VM_ACT_NONE;
        else
            hal_sim_next(o->sim, core, a);
        return;
    }
    uint64_t vpn = o->refs[o->next];
    *a = (struct vm_action){.kind = VM_ACT_REQ, .op = VM_OP_STORE, .size = 3, .addr = vpn << 12,
                            .wdata = (vpn << 32) | (o->next + 1)};
    o->inflight[core] = true;
}

static void next(void *st, unsigned core, struct vm_action *a)
{
    struct os *o = st;
    memset(a, 0, sizeof *a);
    a->kind = VM_ACT_NONE;
    if (core != 0) {   /* refs runs one process on core 0; the other cores only take shootdowns */
        a->kind = VM_ACT_END;
        return;
    }
    switch (o->mode[core]) {
    case MODE_IDLE:
        if (!o->booted && enter(o, core, JOB_BOOT, 0, 0))
            hal_sim_next(o->sim, core, a);
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
    if (o->mode[core] != MODE_USER || !o->proc)
        return;
    uint64_t vpn = o->refs[o->next];
    if (!r->resp_fault) {
        fw_proc_accessed(o->kernel, o->proc, vpn << 12);
        o->next++;
        return;
    }
    /* A trap: the kernel handles it on this core; the access is then retried. */
    if (!enter(o, core, JOB_TRAP, r->resp_cause, r->resp_tval))
        snprintf(o->error, sizeof o->error, "trap on core %u while the kernel was busy", core);
}

static void result(void *st, unsigned core, uint64_t value)
{
    struct os *o = st;
    if (o->mode[core] == MODE_KERNEL)
        hal_sim_result(o->sim, core, value);
}

/* The end-of-run verdict: no kernel error, and after the process exited every frame and swap slot is back. */
static int check(void *st, char *err, size_t errlen)
{
    struct os *o = st;
    if (o->error[0]) {
        snprintf(err, errlen, "%s", o->error);
        return -1;
    }
    if (hal_failed(&o->hal)) {
        snprintf(err, errlen, "a kernel hardware access failed (a port answered with a fault)");
        return -1;
    }
    if (fw_kernel_check(o->kernel, err, errlen))
        return -1;
    if (o->exited && (fw_kernel_free_frames(o->kernel) != o->boot_free || fw_kernel_swap_used(o->kernel))) {
        snprintf(err, errlen, "leak: %llu free frames after exit, %llu after boot; %llu swap slots in use",
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
        fprintf(f, "kernel: %s\n", o->kill_report);
    if (o->exited && !o->kill_report[0])
        fprintf(f, "kernel: process exited; its %llu pages read back intact before exit, every frame and swap slot "
                "returned\n", (unsigned long long)o->verified);
    if (!o->exited)
        fprintf(f, "kernel: the run ended before the process exited (%zu of %zu references done)\n", o->next,
                o->nrefs);
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
        .has_kernel = true,
    };
}

const struct vm_workload_ops vm_wl_refs = {
    .name = "refs",
    .description = "refs:LIST - one process under the kernel storing to the listed virtual page numbers in order "
                   "(vm.frames, vm.policy: the textbook replacement experiment)",
    .create = create_refs, .destroy = destroy, .build = build, .next = next, .response = response,
    .check = check, .report = report, .multi_core = true, .takes_arg = true, .result = result,
    .vm_stats = vm_stats,
};
