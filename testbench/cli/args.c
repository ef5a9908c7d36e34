// SPDX-License-Identifier: MIT
/* `vmcosim run`'s command line (args.h). */
#define _POSIX_C_SOURCE 200809L
#include "args.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int usage(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return VM_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *out)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* An output file the run will write at its end (statistics) or start (waves): refused before the run when
 * it cannot be, so that a long run does not end in an error. Returns 0 or -1 with a message. */
static int check_output(const char *opt, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!*path) {
        snprintf(err, errlen, "%s needs a file name", opt);
        return -1;
    }
    if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s %s: is a directory", opt, path);
        return -1;
    }
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) + 1 : 1;
    char *dir = malloc((size_t)dirlen + 1);
    if (!dir) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    snprintf(dir, (size_t)dirlen + 1, "%.*s", dirlen, slash ? path : ".");
    int rc = 0;
    if (access(dir, W_OK)) {
        snprintf(err, errlen, "%s %s: cannot write in %s: %s", opt, path, dir, strerror(errno));
        rc = -1;
    }
    free(dir);
    return rc;
}

static const char *const kValued[] = {"--engine", "--workload", "--set", "--config", "--seed", "--reset-seed",
                                      "--max-cycles", "--stats-json", "--stats-csv", "--waves", "--waves-from",
                                      "--waves-to", "--trace", "--inject-mismatch"};

static bool takes_value(const char *a)
{
    for (size_t i = 0; i < sizeof kValued / sizeof kValued[0]; i++)
        if (!strcmp(a, kValued[i]))
            return true;
    return false;
}

/* One option with its value (second pass: everything but --config). */
static int apply(struct vm_cli_run_opts *o, const char *a, const char *v, char *err, size_t errlen)
{
    char why[512];
    if (!strcmp(a, "--engine")) {
        if (!strcmp(v, "lockstep")) o->engine = VM_ENGINE_LOCKSTEP;
        else if (!strcmp(v, "rtl")) o->engine = VM_ENGINE_RTL;
        else if (!strcmp(v, "model")) o->engine = VM_ENGINE_MODEL;
        else return usage(err, errlen, "unknown engine '%.64s' (allowed: lockstep, rtl, model)", v);
    } else if (!strcmp(a, "--workload")) {
        o->workload = v;
    } else if (!strcmp(a, "--trace")) {
        if (o->ntraces == VM_MAX_TRACES)
            return usage(err, errlen, "at most %d traces", VM_MAX_TRACES);
        o->traces[o->ntraces++] = v;
    } else if (!strcmp(a, "--set")) {
        if (vm_config_set_pair(&o->cfg, v, why, sizeof why))
            return usage(err, errlen, "%s", why);
    } else if (!strcmp(a, "--seed")) {
        if (parse_u64(v, &o->seed))
            return usage(err, errlen, "--seed needs an unsigned number, got '%.64s'", v);
    } else if (!strcmp(a, "--reset-seed")) {
        if (parse_u64(v, &o->reset_seed))
            return usage(err, errlen, "--reset-seed needs an unsigned number (0: every register starts at zero), "
                         "got '%.64s'", v);
        o->reset_seed_set = true;
    } else if (!strcmp(a, "--max-cycles")) {
        if (parse_u64(v, &o->max_cycles) || !o->max_cycles)
            return usage(err, errlen, "--max-cycles needs a positive number, got '%.64s'", v);
    } else if (!strcmp(a, "--stats-json")) {
        o->stats_json = v;
    } else if (!strcmp(a, "--stats-csv")) {
        o->stats_csv = v;
    } else if (!strcmp(a, "--waves")) {
        o->waves = v;
    } else if (!strcmp(a, "--waves-from")) {
        if (parse_u64(v, &o->waves_from))
            return usage(err, errlen, "--waves-from needs a cycle number, got '%.64s'", v);
    } else if (!strcmp(a, "--inject-mismatch")) {
        if (parse_u64(v, &o->inject_mismatch))
            return usage(err, errlen, "--inject-mismatch needs a cycle number, got '%.64s'", v);
        o->inject_set = true;
    } else if (!strcmp(a, "--waves-to")) {
        if (parse_u64(v, &o->waves_to))
            return usage(err, errlen, "--waves-to needs a cycle number, got '%.64s'", v);
    }
    return 0;
}

/* Cross-option checks, after every option is in. */
static int check_opts(struct vm_cli_run_opts *o, char *err, size_t errlen)
{
    char why[512];
    if (!o->workload == !o->ntraces)
        return usage(err, errlen, "run needs --workload NAME or --trace FILE ('vmcosim list' shows the workloads)");
    if (vm_config_check(&o->cfg, why, sizeof why))
        return usage(err, errlen, "%s", why);
    if ((o->stats_json && check_output("--stats-json", o->stats_json, why, sizeof why)) ||
        (o->stats_csv && check_output("--stats-csv", o->stats_csv, why, sizeof why)) ||
        (o->waves && check_output("--waves", o->waves, why, sizeof why)))
        return usage(err, errlen, "%s", why);
    size_t n = o->waves ? strlen(o->waves) : 0;
    if (o->waves && (n < 4 || strcmp(o->waves + n - 4, ".fst")))
        return usage(err, errlen, "--waves writes an FST file: its name must end in .fst, got '%.200s'", o->waves);
    if (o->waves && o->engine == VM_ENGINE_MODEL)
        return usage(err, errlen, "--waves needs an RTL engine (lockstep or rtl)");
    if (o->inject_set && o->engine != VM_ENGINE_LOCKSTEP)
        return usage(err, errlen, "--inject-mismatch tests the lockstep checker: it needs --engine lockstep");
    if (o->waves_from > o->waves_to)
        return usage(err, errlen, "--waves-from is after --waves-to");
    if (!o->reset_seed_set)
        o->reset_seed = o->seed;
    return 0;
}

int vm_cli_parse_run(int argc, char **argv, struct vm_cli_run_opts *o, char *err, size_t errlen)
{
    char why[512];
    memset(o, 0, sizeof *o);
    o->engine = VM_ENGINE_LOCKSTEP;
    o->seed = 1;
    o->waves_to = UINT64_MAX;
    vm_config_defaults(&o->cfg);
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 2; i < argc; i++) {
            const char *a = argv[i];
            const char *v = i + 1 < argc ? argv[i + 1] : NULL;
            if (!takes_value(a))
                return usage(err, errlen, "unknown option '%.64s'", a);
            if (!v || (v[0] == '-' && v[1] == '-'))   /* no value, or the next option */
                return usage(err, errlen, "option %s needs a value", a);
            i++;
            if (pass == 0) {
                if (!strcmp(a, "--config") && vm_config_load(&o->cfg, v, why, sizeof why))
                    return usage(err, errlen, "%s", why);
            } else if (apply(o, a, v, err, errlen)) {
                return VM_EXIT_USAGE;
            }
        }
    }
    return check_opts(o, err, errlen);
}

size_t vm_cli_shell_quote(char *out, size_t cap, const char *s)
{
    static const char kSafe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+=./:,@%";
    size_t used = out && cap ? strlen(out) : 0;
    size_t need = 0;
    bool plain = *s && strspn(s, kSafe) == strlen(s);
    /* The quoted word, one character at a time, written while it fits. */
#define PUT(ch) do { if (out && used + need + 1 < cap) out[used + need] = (ch); need++; } while (0)
    if (plain) {
        for (const char *p = s; *p; p++)
            PUT(*p);
    } else {
        PUT('\'');
        for (const char *p = s; *p; p++) {
            if (*p == '\'') {
                PUT('\''); PUT('\\'); PUT('\''); PUT('\'');
            } else {
                PUT(*p);
            }
        }
        PUT('\'');
    }
#undef PUT
    if (out && cap)
        out[used + need < cap ? used + need : cap - 1] = 0;
    return need;
}

char *vm_cli_replay_command(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += vm_cli_shell_quote(NULL, 0, argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--waves") || !strcmp(argv[i], "--waves-from") || !strcmp(argv[i], "--waves-to")) {
            i++;
            continue;
        }
        if (s[0])
            strcat(s, " ");
        vm_cli_shell_quote(s, len, argv[i]);
    }
    return s;
}
