/* vmcosim: the command line of GUIDE §6 (run, list). Exit status: 0 success, 1 lockstep mismatch,
 * 2 bad usage or input. */
#include <vmcosim/config.h>
#include <vmcosim/contract.h>
#include <vmcosim/rtl.h>
#include <vmcosim/run.h>
#include <vmcosim/sim.h>
#include <vmcosim/workload.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "stats.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 2

static const char kUsage[] =
    "usage: vmcosim run [--engine lockstep|rtl|model] (--workload NAME | --trace FILE...) [--set key=value]...\n"
    "                   [--config FILE] [--seed N] [--max-cycles N] [--stats-json FILE] [--stats-csv FILE]\n"
    "                   [--waves FILE.fst [--waves-from C] [--waves-to C]]\n"
    "       vmcosim list\n"
    "       vmcosim --help\n"
    "Runs a workload or real programs' traces on the RTL and the C model in lockstep (default), or on either\n"
    "alone; prints a summary. 'vmcosim list' shows the workloads and the config keys with their values.\n"
    "Exit status: 0 success, 1 lockstep mismatch or failed check, 2 bad usage or input.\n";

struct run_opts {
    enum vm_engine engine;
    const char *workload;
    const char *trace;                    /* the first --trace */
    const char *traces[VM_MAX_TRACES];    /* every --trace: trace i on core i mod cores */
    unsigned ntraces;
    uint64_t seed;
    uint64_t max_cycles;
    const char *stats_json, *stats_csv;
    const char *waves;
    uint64_t waves_from, waves_to;
    struct vm_config cfg;
};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vmcosim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(vmcosim --help for usage)\n");
    return EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

static const char *engine_name(enum vm_engine e)
{
    return e == VM_ENGINE_RTL ? "rtl" : e == VM_ENGINE_MODEL ? "model" : "lockstep";
}

/* An output file the run will write at its end (statistics) or start (waves): refused before the run when
 * it cannot be, so that a long run does not end in an error. Returns 0 or -1 with a message. */
static int check_output(const char *opt, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s %s: is a directory", opt, path);
        return -1;
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    if (access(dir, W_OK)) {
        snprintf(err, errlen, "%s %s: cannot write in %s: %s", opt, path, dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* Parses run's options; --config files apply first, --set after them in order (the command line wins). */
static int parse_run(int argc, char **argv, struct run_opts *o)
{
    char err[512];
    memset(o, 0, sizeof *o);
    o->engine = VM_ENGINE_LOCKSTEP;
    o->seed = 1;
    o->max_cycles = 1000000;
    o->waves_to = UINT64_MAX;
    vm_config_defaults(&o->cfg);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 2; i < argc; i++) {
            const char *a = argv[i];
            const char *v = i + 1 < argc ? argv[i + 1] : NULL;
            int takes = !strcmp(a, "--engine") || !strcmp(a, "--workload") || !strcmp(a, "--set") ||
                        !strcmp(a, "--config") || !strcmp(a, "--seed") || !strcmp(a, "--max-cycles") ||
                        !strcmp(a, "--stats-json") || !strcmp(a, "--stats-csv") || !strcmp(a, "--waves") || !strcmp(a, "--waves-from") ||
                        !strcmp(a, "--waves-to") || !strcmp(a, "--trace");
            if (!takes)
                return usage_error("unknown option '%s'", a);
            if (!v || (v[0] == '-' && v[1] == '-'))   /* no value, or the next option */
                return usage_error("option %s needs a value", a);
            i++;
            if (pass == 0) {
                if (!strcmp(a, "--config") && vm_config_load(&o->cfg, v, err, sizeof err))
                    return usage_error("%s", err);
                continue;
            }
            if (!strcmp(a, "--engine")) {
                if (!strcmp(v, "lockstep")) o->engine = VM_ENGINE_LOCKSTEP;
                else if (!strcmp(v, "rtl")) o->engine = VM_ENGINE_RTL;
                else if (!strcmp(v, "model")) o->engine = VM_ENGINE_MODEL;
                else return usage_error("unknown engine '%s' (allowed: lockstep, rtl, model)", v);
            } else if (!strcmp(a, "--workload")) {
                o->workload = v;
            } else if (!strcmp(a, "--trace")) {
                if (o->ntraces == VM_MAX_TRACES)
                    return usage_error("at most %s traces", "64");
                o->traces[o->ntraces++] = v;
                o->trace = o->traces[0];
            } else if (!strcmp(a, "--set")) {
                if (vm_config_set_pair(&o->cfg, v, err, sizeof err))
                    return usage_error("%s", err);
            } else if (!strcmp(a, "--seed")) {
                if (parse_u64(v, &o->seed)) return usage_error("--seed needs an unsigned number, got '%s'", v);
            } else if (!strcmp(a, "--max-cycles")) {
                if (parse_u64(v, &o->max_cycles) || !o->max_cycles)
                    return usage_error("--max-cycles needs a positive number, got '%s'", v);
            } else if (!strcmp(a, "--stats-json")) {
                o->stats_json = v;
            } else if (!strcmp(a, "--stats-csv")) {
                o->stats_csv = v;
            } else if (!strcmp(a, "--waves")) {
                o->waves = v;
            } else if (!strcmp(a, "--waves-from")) {
                if (parse_u64(v, &o->waves_from)) return usage_error("--waves-from needs a cycle number, got '%s'", v);
            } else if (!strcmp(a, "--waves-to")) {
                if (parse_u64(v, &o->waves_to)) return usage_error("--waves-to needs a cycle number, got '%s'", v);
            }
        }
    }
    if (!o->workload == !o->trace)
        return usage_error("%s", "run needs --workload NAME or --trace FILE ('vmcosim list' shows the workloads)");
    if (vm_config_check(&o->cfg, err, sizeof err))
        return usage_error("%s", err);
    if ((o->stats_json && check_output("--stats-json", o->stats_json, err, sizeof err)) ||
        (o->stats_csv && check_output("--stats-csv", o->stats_csv, err, sizeof err)) ||
        (o->waves && check_output("--waves", o->waves, err, sizeof err)))
        return usage_error("%s", err);
    if (o->waves && (strlen(o->waves) < 4 || strcmp(o->waves + strlen(o->waves) - 4, ".fst")))
        return usage_error("--waves writes an FST file: its name must end in .fst, got '%s'", o->waves);
    if (o->waves && o->engine == VM_ENGINE_MODEL)
        return usage_error("%s", "--waves needs an RTL engine (lockstep or rtl)");
    if (o->waves_from > o->waves_to)
        return usage_error("%s", "--waves-from is after --waves-to");
    return 0;
}

/* The command that reproduces this run (for mismatch reports), without wave options. */
static char *replay_command(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 3;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--waves") || !strcmp(argv[i], "--waves-from") || !strcmp(argv[i], "--waves-to")) {
            i++;
            continue;
        }
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
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
    } else {
        fprintf(stderr, "\r  cycles %" PRIu64 " / %" PRIu64 " (%.1f %%)  %.2f M cycles/s  %.1f k accesses/s  ETA %.0f s\033[K",
                cycles, max_cycles, 100.0 * (double)cycles / (double)max_cycles, rate / 1e6,
                t > 0 ? (double)requests / t / 1e3 : 0.0, eta);
    }
    fflush(stderr);
}

static int cmd_run(int argc, char **argv)
{
    struct run_opts o;
    int rc = parse_run(argc, argv, &o);
    if (rc)
        return rc;
    char err[512];
    struct vm_workload *wl = NULL;
    struct vm_sim *sim = NULL;
    struct vm_image img = {0};
    char *replay = NULL;
    rc = EXIT_USAGE;

    wl = o.trace ? vm_workload_new_traces(o.traces, o.ntraces, &o.cfg, o.seed, err, sizeof err)
                 : vm_workload_new(o.workload, &o.cfg, o.seed, err, sizeof err);
    if (!wl) {
        fprintf(stderr, "vmcosim: %s\n", err);
        goto out;
    }
    if (vm_image_init(&img, o.cfg.mem_size, o.cfg.mode == VM_MODE_SV32, 1)) {
        fprintf(stderr, "vmcosim: out of memory for the initial image\n");
        goto out;
    }
    if (vm_workload_build(wl, &img, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);
        goto out;
    }
    replay = replay_command(argc, argv);
    struct vm_sim_opts so = {.engine = o.engine, .seed = o.seed, .waves_path = o.waves,
                             .waves_from = o.waves_from, .waves_to = o.waves_to, .replay_cmd = replay};
    vm_config_hw(&o.cfg, &so.hw);
    if (!(sim = vm_sim_new(&so, err, sizeof err))) {
        fprintf(stderr, "vmcosim: %s\n", err);
        goto out;
    }
    vm_sim_load_image(sim, &img);

    struct vm_run_result res;
    struct progress prog = {.shown = false, .wl = wl};
    clock_gettime(CLOCK_MONOTONIC, &prog.t0);
    bool tty = isatty(STDERR_FILENO);
    int mismatch = vm_run_progress(sim, wl, o.max_cycles, &res, tty ? show_progress : NULL, &prog);
    if (prog.shown)
        fprintf(stderr, "\r\033[K");   /* the summary replaces the progress line */
    struct vm_run_stats st = {.run = &res, .wl = wl};
    if (mismatch) {
        fprintf(stderr, "%s", vm_sim_report(sim));
        rc = EXIT_MISMATCH;
    } else if (vm_workload_check(wl, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);   /* the workload's own verdict, e.g. a forbidden litmus outcome */
        rc = EXIT_MISMATCH;
    } else {
        rc = 0;
    }
    char what[256];   /* the workload's name, or the traces' file names */
    if (!o.trace)
        snprintf(what, sizeof what, "%s", o.workload);
    for (unsigned i = 0, n = 0; o.trace && i < o.ntraces && n < sizeof what; i++) {
        const char *base = strrchr(o.traces[i], '/');
        n += (unsigned)snprintf(what + n, sizeof what - n, "%s%s", i ? ", " : o.ntraces > 1 ? "traces " : "trace ",
                                base ? base + 1 : o.traces[i]);
    }
    vm_stats_print_summary(stdout, &o.cfg, what, engine_name(o.engine), o.seed, &st);
    vm_workload_report(wl, stdout);
    if (o.stats_json && vm_stats_write_json(o.stats_json, &o.cfg, what, engine_name(o.engine), o.seed,
                                            &st, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);
        rc = EXIT_USAGE;
    }
    if (o.stats_csv && vm_stats_write_csv(o.stats_csv, &o.cfg, what, engine_name(o.engine), o.seed,
                                            &st, err, sizeof err)) {
        fprintf(stderr, "vmcosim: %s\n", err);
        rc = EXIT_USAGE;
    }
    if (o.waves && !mismatch)
        printf("waves: %s\n", o.waves);
out:
    vm_sim_free(sim);
    vm_image_free(&img);
    vm_workload_free(wl);
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
