/* SPDX-License-Identifier: MIT */
/* Run statistics: the human summary, the JSON and the CSV (README: "Statistics"). */
#ifndef VM_CLI_STATS_H
#define VM_CLI_STATS_H

#include <stdint.h>
#include <stdio.h>

#include <vmcosim/config.h>
#include <vmcosim/run.h>
#include <vmcosim/workload.h>

struct vm_run_stats {
    const struct vm_run_result *run;
    const struct vm_workload *wl;
    uint64_t max_cycles;          /* the budget the run had (UINT64_MAX: none) */
    int signal;                   /* the signal that interrupted it (VM_RUN_INTERRUPTED), else 0 */
    uint64_t reset_seed;          /* the RTL's initial-state seed (RTL engines) */
};

/* Writes s as a JSON string (quotes included), escaping what JSON requires; bytes that are not valid UTF-8
 * become \u00XX of their value, so the document stays valid for any input. */
void vm_json_string(FILE *f, const char *s);

/* One line saying how the run ended and what was left undone ("budget: 102096 of 961180 trace accesses
 * replayed"), without a newline. */
void vm_stats_describe_end(char *buf, size_t len, const struct vm_run_stats *s);

void vm_stats_print_summary(FILE *f, const struct vm_config *cfg, const char *workload, const char *engine,
                            uint64_t seed, const struct vm_run_stats *s);
/* Writes the JSON to path through a temporary file renamed into place (nothing half-written).
 * Returns 0, or -1 with a message. */
int vm_stats_write_json(const char *path, const struct vm_config *cfg, const char *workload, const char *engine,
                        uint64_t seed, const struct vm_run_stats *s, char *err, size_t errlen);
/* The per-core figures as CSV (a header line, one row per core), written the same way. */
int vm_stats_write_csv(const char *path, const struct vm_config *cfg, const char *workload, const char *engine,
                       uint64_t seed, const struct vm_run_stats *s, char *err, size_t errlen);

#endif
