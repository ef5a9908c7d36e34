/* SPDX-License-Identifier: MIT */
/* The configuration vocabulary: one table of keys shared by the CLI (--set, --config),
 * sweeps, tests and the statistics. Keys not implemented yet are not accepted. */
#ifndef VMCOSIM_CONFIG_H
#define VMCOSIM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vm_mode { VM_MODE_SV39, VM_MODE_SV32, VM_MODE_BARE };
enum vm_ad { VM_AD_HW, VM_AD_FAULT };

struct vm_config {
    unsigned cores;
    enum vm_mode mode;
    enum vm_ad ad;
    unsigned tlb_entries, tlb_ways, tlb_repl;
    unsigned l1_size, l1_ways, l1_line, l1_repl;
    uint64_t mem_size;
    unsigned mem_latency;
    /* the firmware kernel (workloads that run under it: refs) */
    unsigned vm_frames;   /* resident user pages per process, 0 = limited only by memory */
    unsigned vm_policy;   /* page replacement: enum fw_policy order (fifo, clock, aging, lru, lfu, opt) */
    uint64_t swap_size;   /* swap device bytes (multiple of 4 KiB; 0 = none) */
    unsigned vm_fault_around;   /* pages mapped around a read fault (0 = off) */
    unsigned mem_row;   /* VM_MEMROW_OFF, VM_MEMROW_OPEN */
    unsigned mem_banks, mem_row_size, mem_row_hit, mem_row_miss;
    bool trace_demand;   /* trace.paging=demand: --trace processes run under the kernel */
};

/* Built-in defaults. */
void vm_config_defaults(struct vm_config *c);

/* Sets one key from text. Returns 0, or -1 with a message naming the key and the allowed values (and the
 * nearest known key for an unknown one) in err. */
int vm_config_set(struct vm_config *c, const char *key, const char *value, char *err, size_t errlen);
/* Same for "key=value". */
int vm_config_set_pair(struct vm_config *c, const char *pair, char *err, size_t errlen);
/* Reads "key = value" lines ('#' starts a comment). Errors name file:line. Returns 0 or -1. */
int vm_config_load(struct vm_config *c, const char *path, char *err, size_t errlen);
/* Cross-key checks (e.g. ways dividing entries). Returns 0 or -1 with a message. */
int vm_config_check(const struct vm_config *c, char *err, size_t errlen);

/* The hardware part of the configuration. */
void vm_config_hw(const struct vm_config *c, struct vm_hwcfg *hw);

/* Writes every key as a JSON object body ("key": value, ...) without braces. */
void vm_config_write_json(const struct vm_config *c, FILE *f);
/* Prints every key with its default and allowed values, one per line. */
void vm_config_list(FILE *f);
/* Text of a key's current value (static buffer per call site is not used: caller gives buf). */
void vm_config_get(const struct vm_config *c, const char *key, char *buf, size_t len);

/* Prints text from column `col` (the cursor is there), wrapped at word boundaries before `width`, each
 * further line indented to `col`, then a newline. */
void vm_print_wrapped(FILE *f, unsigned col, unsigned width, const char *text);

/* Levenshtein distance between two names (for "did you mean" suggestions; 99 for names of 64 or more). */
unsigned vm_edit_distance(const char *a, const char *b);

#ifdef __cplusplus
}
#endif

#endif
