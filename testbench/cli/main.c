// SPDX-License-Identifier: MIT
/* vmcosim: the command line (run, list). Exit statuses: args.h. */
#define _POSIX_C_SOURCE 200809L
#include <vmcosim/config.h>
#include <vmcosim/contract.h>
#include <vmcosim/model.h>
#include <vmcosim/rtl.h>
#include <vmcosim/run.h>
#include <vmcosim/sim.h>
#include <vmcosim/workload.h>

#include <errno.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "args.h"
#include "stats.h"

static const char kUsage[] =
    "usage: vmcosim run [--engine lockstep|rtl|model] (--workload NAME | --trace FILE...) [--set key=value]...\n"
    "                   [--config FILE] [--seed N] [--reset-seed N] [--max-cycles N] [--stats-json FILE]\n"
    "                   [--stats-csv FILE] [--waves FILE.fst [--waves-from C] [--waves-to C]]\n"
    "       vmcosim run ... --inject-mismatch CYCLE   (lockstep checker self-test: the model's TLB fills from\n"
    "                   CYCLE on are wrong, so the run must stop with a mismatch report, exit 1)\n"
    "       vmcosim list\n"
    "       vmcosim --help\n"
    "Runs a workload or real programs' traces on the RTL and the C model in lockstep (default), or on either\n"
    "alone; prints a summary that says how the run ended. Finite input (traces, litmus, refs:, fork-cow, lazy,\n"
    "NAME:ROUNDS) runs to its end unless --max-cycles is given; open-ended workloads stop at 1000000 cycles by\n"
    "default. 'vmcosim list' shows the workloads and the config keys with their values.\n"
    "Exit status: 0 success, 1 lockstep mismatch, RTL assertion or failed check, 2 bad usage or input,\n"
    "3 out of host memory, 130/143 interrupted by SIGINT/SIGTERM (statistics still written).\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vmcosim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(vmcosim --help for usage)\n");
    return VM_EXIT_USAGE;
}

static const char *engine_name(enum vm_engine e)
{
    return e == VM_ENGINE_RTL ? "rtl" : e == VM_ENGINE_MODEL ? "model" : "lockstep";
}

/* An error before the run: out of host memory is its own exit status, anything else is bad input. */
static int setup_error(const char *err)
{
    fprintf(stderr, "vmcosim: %s\n", err);
    return strstr(err, "out of host memory") ? VM_EXIT_NOMEM : VM_EXIT_USAGE;
}

/* SIGINT and SIGTERM ask the run to stop at the next cycle boundary; a second one ends the process at once
 * (the default action is restored by the first). */
static volatile sig_atomic_t g_signal;
static volatile int g_stop;

static void on_signal(int sig)
{
    g_signal = sig;
    g_stop = 1;
    signal(sig, SIG_DFL);
}

static void catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* The one-line progress display on stderr (a terminal only): cycles, speed, accesses/s, ETA of the budget. */
struct progress {
    struct timespec t0, last;
    bool shown;
    const struct vm_workload *wl;
};

static double seconds_between(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + 1e-9 * (double)(b->tv_nsec - a->tv_nsec);
}

static void show_progress(void *ctx, uint64_t cycles, uint64_t max_cycles, uint64_t requests)
{
    struct progress *p = ctx;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (p->shown && seconds_between(&p->last, &now) < 0.25)
        return;
    p->last = now;
    p->shown = true;
    double t = seconds_between(&p->t0, &now), rate = t > 0 ? (double)cycles / t : 0;
    double eta = rate > 0 ? (double)(max_cycles - cycles) / rate : 0;
    uint64_t done, total;
    if (!vm_workload_progress(p->wl, &done, &total) && total) {
        /* a trace: its accesses are the measure (the cycle budget is only a bound) */
        double arate = t > 0 ? (double)done / t : 0;
        double aeta = arate > 0 ? (double)(total - done) / arate : 0;
        fprintf(stderr, "\r  accesses %" PRIu64 " / %" PRIu64 " (%.1f %%)  %.1f k accesses/s  %.2f M cycles/s  "
                "ETA %.0f s\033[K", done, total, 100.0 * (double)done / (double)total,
                arate / 1e3, rate / 1e6, aeta < eta ? aeta : eta);
    } else if (max_cycles == UINT64_MAX) {   /* finite input of unknown length: no budget, no ETA */
        fprintf(stderr, "\r  cycles %" PRIu64 " (runs to the end)  %.2f M cycles/s  %.1f k accesses/s\033[K", cycles,
                rate / 1e6, t > 0 ? (double)requests / t / 1e3 : 0.0);
    } else {
        fprintf(stderr, "\r  cycles %" PRIu64 " / %" PRIu64 " (%.1f %%)  %.2f M cycles/s  %.1f k accesses/s  ETA %.0f s\033[K",
                cycles, max_cycles, 100.0 * (double)cycles / (double)max_cycles, rate / 1e6,
                t > 0 ? (double)requests / t / 1e3 : 0.0, eta);
    }
    fflush(stderr);
}

/* "trace a.lackey" / "traces a, b": the name of a run of traces in the summary and the JSON. */
static void traces_name(char *what, size_t len, const struct vm_cli_run_opts *o)
{
    size_t n = 0;
    what[0] = 0;
    for (unsigned i = 0; i < o->ntraces && n < len; i++) {
        const char *base = strrchr(o->traces[i], '/');
        int k = snprintf(what + n, len - n, "%s%s", i ? ", " : o->ntraces > 1 ? "traces " : "trace ",
                         base ? base + 1 : o->traces[i]);
        if (k < 0)
            break;
        n += (size_t)k;
    }
}

/* The run's ending on stderr when it did not complete by itself (a mismatch has its own report). */
static void say_end(const struct vm_run_stats *st)
{
    if (st->run->end != VM_RUN_BUDGET && st->run->end != VM_RUN_INTERRUPTED)
        return;
    char end[256];
    vm_stats_describe_end(end, sizeof end, st);
    fprintf(stderr, "vmcosim: partial run: %s\n", end);
}

static int cmd_run(int argc, char **argv)
{
    struct vm_cli_run_opts o;
    char err[1024];
    if (vm_cli_parse_run(argc, argv, &o, err, sizeof err))
        return usage_error("%s", err);
    catch_signals();   /* from here on a signal ends the run cleanly (a signal during set-up: at cycle 0) */
    struct vm_workload *wl = NULL;
    struct vm_sim *sim = NULL;
    struct vm_image img = {0};
    char *replay = NULL;
    int rc = VM_EXIT_USAGE;

    wl = o.ntraces ? vm_workload_new_traces(o.traces, o.ntraces, &o.cfg, o.seed, err, sizeof err)
                   : vm_workload_new(o.workload, &o.cfg, o.seed, err, sizeof err);
    if (!wl) {
        rc = setup_error(err);
        goto out;
    }
    if (vm_image_init(&img, o.cfg.mem_size, o.cfg.mode == VM_MODE_SV32, 1)) {
        rc = setup_error("out of host memory for the initial image");
        goto out;
    }
    if (vm_workload_build(wl, &img, err, sizeof err)) {
        rc = setup_error(err);
        goto out;
    }
    if (!(replay = vm_cli_replay_command(argc, argv))) {
        rc = setup_error("out of host memory");
        goto out;
    }
    struct vm_sim_opts so = {.engine = o.engine, .seed = o.seed, .waves_path = o.waves, .waves_from = o.waves_from,
                             .waves_to = o.waves_to, .replay_cmd = replay, .reset_seed = o.reset_seed};
    vm_config_hw(&o.cfg, &so.hw);
    if (!(sim = vm_sim_new(&so, err, sizeof err))) {
        rc = setup_error(err);
        goto out;
    }
    vm_sim_load_image(sim, &img);
    if (o.inject_set)
        vm_model_inject_fill_ppn_flip(vm_sim_model(sim), o.inject_mismatch);

    /* Finite input runs to its end unless the user set a budget; open-ended workloads get the default one. */
    uint64_t budget = o.max_cycles ? o.max_cycles : vm_workload_finite(wl) ? UINT64_MAX : VM_DEFAULT_OPEN_BUDGET;
    struct vm_run_result res;
    struct progress prog = {.shown = false, .wl = wl};
    clock_gettime(CLOCK_MONOTONIC, &prog.t0);
    struct vm_run_ctl ctl = {.progress = isatty(STDERR_FILENO) ? show_progress : NULL, .ctx = &prog,
                             .stop = &g_stop};
    int mismatch = vm_run_ctl(sim, wl, budget, &res, &ctl);
    if (prog.shown)
        fprintf(stderr, "\r\033[K");   /* the summary replaces the progress line */
    struct vm_run_stats st = {.run = &res, .wl = wl, .max_cycles = budget, .signal = (int)g_signal,
                              .reset_seed = o.engine == VM_ENGINE_MODEL ? 0 : o.reset_seed};
    if (mismatch) {
        fprintf(stderr, "%s", vm_sim_report(sim));
        rc = VM_EXIT_MISMATCH;
    } else if (vm_workload_check(wl, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);   /* the workload's own verdict, e.g. a forbidden litmus outcome */
        rc = VM_EXIT_MISMATCH;
    } else {
        rc = 0;
    }
    say_end(&st);
    char what[256];   /* the workload's name, or the traces' file names */
    if (o.ntraces)
        traces_name(what, sizeof what, &o);
    else
        snprintf(what, sizeof what, "%s", o.workload);
    vm_stats_print_summary(stdout, &o.cfg, what, engine_name(o.engine), o.seed, &st);
    vm_workload_report(wl, stdout);
    if (o.stats_json && vm_stats_write_json(o.stats_json, &o.cfg, what, engine_name(o.engine), o.seed,
                                            &st, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);
        rc = VM_EXIT_USAGE;
    }
    if (o.stats_csv && vm_stats_write_csv(o.stats_csv, &o.cfg, what, engine_name(o.engine), o.seed,
                                            &st, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);
        rc = VM_EXIT_USAGE;
    }
    if (o.waves && !mismatch)
        printf("waves: %s\n", o.waves);
    if (res.end == VM_RUN_INTERRUPTED && !mismatch)
        rc = g_signal == SIGTERM ? VM_EXIT_SIGTERM : VM_EXIT_SIGINT;
out:
    vm_sim_free(sim);   /* closes the FST */
    vm_image_free(&img);
    vm_workload_free(wl);   /* removes the workload's temporary files */
    free(replay);
    return rc;
}

static int cmd_list(void)
{
    printf("workloads:\n");
    vm_workload_list(stdout);
    printf("\nconfig keys (--set key=value, or key = value lines in --config FILE):\n");
    vm_config_list(stdout);
    printf("\nRTL geometries verilated in this build (the model takes any):\n");
    for (const char *v = vm_rtl_variants(); *v;) {   /* "a, b, c": one a line */
        size_t n = strcspn(v, ",");
        printf("  %.*s\n", (int)n, v);
        v += n;
        v += strspn(v, ", ");
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "missing command (run or list)");
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        fputs(kUsage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc, argv);
    if (!strcmp(argv[1], "list")) {
        if (argc > 2)
            return usage_error("list takes no arguments, got '%s'", argv[2]);
        return cmd_list();
    }
    return usage_error("unknown command '%s' (run, list, --help)", argv[1]);
}
