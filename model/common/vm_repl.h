/* SPDX-License-Identifier: MIT */
/* Replacement state of a set-associative array (TLB, L1): twin of rtl/common/vm_repl.sv.
 * Policies (VM_REPL_*): lru (per-way age counters, 0 = most recent), plru (binary tree, node n at bit n,
 * a node's bit points at the half that holds the victim), fifo (per-set pointer advanced by policy
 * victims), random (the shared Galois LFSR, stepped on every fill). A fill takes the lowest invalid way,
 * else the policy's victim. Hits and fills touch the way. */
#ifndef VM_REPL_MODEL_H
#define VM_REPL_MODEL_H

#include <stdbool.h>
#include <stdint.h>

struct vm_repl {
    unsigned sets, ways, log_ways, policy;
    uint8_t *age;    /* sets * ways */
    uint64_t *tree;  /* per set */
    uint8_t *fifo;   /* per set */
    uint32_t lfsr;
};

/* ways: power of two, 1..64; sets: power of two. Returns 0, or -1 when memory is short. */
int vm_repl_init(struct vm_repl *r, unsigned sets, unsigned ways, unsigned policy);
void vm_repl_free(struct vm_repl *r);

/* The way a fill into `set` takes, given which of its ways are valid (bit w = way w);
 * *from_policy is set when no way was invalid. */
unsigned vm_repl_victim(const struct vm_repl *r, unsigned set, uint64_t valid_ways, bool *from_policy);
/* A hit on (set, way). */
void vm_repl_touch(struct vm_repl *r, unsigned set, unsigned way);
/* A fill of (set, way) chosen by vm_repl_victim: touch, advance fifo (policy victims), step the LFSR. */
void vm_repl_fill(struct vm_repl *r, unsigned set, unsigned way, bool from_policy);
/* Seeds the LFSR (zero means the reset value). Applied after a fill in the same cycle. */
void vm_repl_seed(struct vm_repl *r, uint32_t seed);

#endif
