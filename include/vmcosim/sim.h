/* SPDX-License-Identifier: MIT */
/* A simulation engine: the model alone, the RTL alone, or both in lockstep under the checker.
 * The driver sees one observation per cycle: the RTL's when the RTL runs, else the model's. */
#ifndef VMCOSIM_SIM_H
#define VMCOSIM_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"
#include "port.h"

#ifdef __cplusplus
extern "C" {
#endif

enum vm_engine { VM_ENGINE_LOCKSTEP, VM_ENGINE_RTL, VM_ENGINE_MODEL };

struct vm_sim_opts {
    enum vm_engine engine;
    struct vm_hwcfg hw;
    uint64_t seed;
    const char *waves_path;       /* FST (RTL engines only), NULL = none */
    uint64_t waves_from, waves_to;
    const char *replay_cmd;       /* for mismatch reports, may be NULL */
    uint64_t reset_seed;          /* RTL initial state of what reset leaves undefined: 0 = all zeros, otherwise
                                     Verilator's random reset seeded from this value */
};

struct vm_sim;

/* Returns NULL with a reason in err (bad configuration, no RTL variant, unwritable wave file). */
struct vm_sim *vm_sim_new(const struct vm_sim_opts *o, char *err, size_t errlen);
void vm_sim_free(struct vm_sim *s);

/* Loads the nonzero words of img into every engine's memory (cycle 0 only). Returns -1 after cycle 0. */
int vm_sim_load_image(struct vm_sim *s, const struct vm_image *img);

/* One cycle. Returns 0, or 1 on a lockstep mismatch (report in vm_sim_report). */
int vm_sim_step(struct vm_sim *s, const struct vm_in *in, struct vm_obs *obs);

/* Model engine only: skips up to max quiet cycles with inputs *in (see vm_model_quiet_cycles); returns how
 * many. Other engines return 0. The caller promises that it would have driven *in in each of them. */
uint64_t vm_sim_skip_quiet(struct vm_sim *s, const struct vm_in *in, uint64_t max);

/* End of run: compares the physical memory images (lockstep). Returns 0 or 1. */
int vm_sim_finish(struct vm_sim *s);

uint64_t vm_sim_cycles(const struct vm_sim *s);
uint64_t vm_sim_cycles_checked(const struct vm_sim *s);
uint64_t vm_sim_mismatches(const struct vm_sim *s);
const char *vm_sim_report(const struct vm_sim *s);
const char *vm_sim_mismatch_field(const struct vm_sim *s);
/* Reads a word of physical memory (the RTL's when it runs). */
uint64_t vm_sim_peek(const struct vm_sim *s, uint64_t word_index);
enum vm_engine vm_sim_engine(const struct vm_sim *s);
unsigned vm_sim_cores(const struct vm_sim *s);
/* The model, for fault-injection tests (NULL on the RTL engine). */
struct vm_model *vm_sim_model(struct vm_sim *s);

#ifdef __cplusplus
}
#endif

#endif
