// SPDX-License-Identifier: MIT
/* The command line of `vmcosim run`, parsed into options without running anything (so that it can be
 * tested and fuzzed on its own), and the shell-quoted command that replays a run. */
#ifndef VM_CLI_ARGS_H
#define VM_CLI_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vmcosim/config.h>
#include <vmcosim/sim.h>
#include <vmcosim/workload.h>

#define VM_EXIT_MISMATCH 1     /* lockstep mismatch, RTL assertion, a workload's or the kernel's own check */
#define VM_EXIT_USAGE 2        /* bad usage or input */
#define VM_EXIT_NOMEM 3        /* the host ran out of memory */
#define VM_EXIT_SIGINT 130     /* interrupted (128 + the signal), statistics written with "end": "interrupted" */
#define VM_EXIT_SIGTERM 143

/* The budget of an open-ended workload when --max-cycles is not given (finite input has none). */
#define VM_DEFAULT_OPEN_BUDGET 1000000ull

struct vm_cli_run_opts {
    enum vm_engine engine;
    const char *workload;
    const char *traces[VM_MAX_TRACES];    /* every --trace: trace i on core i mod cores */
    unsigned ntraces;
    uint64_t seed;
    uint64_t reset_seed;                  /* the RTL's undefined initial state (vm_sim_opts.reset_seed) */
    bool reset_seed_set;                  /* --reset-seed given (else it is the seed) */
    uint64_t max_cycles;                  /* 0: not given (finite input: none; open-ended: the default) */
    const char *stats_json, *stats_csv;
    const char *waves;
    uint64_t waves_from, waves_to;
    uint64_t inject_mismatch;             /* checker self-test: wrong model TLB fills from this cycle (0: off) */
    bool inject_set;
    struct vm_config cfg;
};

/* Parses `vmcosim run`'s options (argv[0] the program, argv[1] "run"): --config files apply first, --set
 * after them in order (the command line wins); output paths are checked for writability. Prints nothing.
 * Returns 0, or VM_EXIT_USAGE with the message in err. */
int vm_cli_parse_run(int argc, char **argv, struct vm_cli_run_opts *o, char *err, size_t errlen);

/* The command that replays a run, wave options left out, every word quoted for a POSIX shell where it
 * needs it. Returns a malloc'd string, or NULL when out of memory. */
char *vm_cli_replay_command(int argc, char **argv);

/* Appends s to out (capacity cap, NUL-terminated, truncated safely) quoted for a POSIX shell: unchanged
 * when it holds only safe characters, else in single quotes with each ' written as '\''. Returns the
 * length the quoted word needs (as snprintf does). */
size_t vm_cli_shell_quote(char *out, size_t cap, const char *s);

#endif
