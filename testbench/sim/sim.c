/* SPDX-License-Identifier: MIT */
/* Engines: model, RTL, or both in lockstep (the model is the expectation, the RTL the observation). */
#include <vmcosim/checker.h>
#include <vmcosim/coherence.h>
#include <vmcosim/model.h>
#include <vmcosim/rtl.h>
#include <vmcosim/shadow.h>
#include <vmcosim/sim.h>

#include <stdio.h>
#include <stdlib.h>

struct vm_sim {
    enum vm_engine engine;
    struct vm_model *model;
    struct vm_rtl *rtl;
    struct vm_checker *checker;
    struct vm_shadow *shadow;   /* data-value invariant, every engine */
    struct vm_coherence *coherence;   /* single-writer invariant of the L1s, every engine */
    struct vm_hwcfg hw;
    uint64_t cycles;
    unsigned line_words;
    int failed;
    struct vm_obs expected;   /* the model's record in lockstep: zeroed once, as vm_model_step wants it */
};

struct vm_sim *vm_sim_new(const struct vm_sim_opts *o, char *err, size_t errlen)
{
    struct vm_sim *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of host memory");
        return NULL;
    }
    s->engine = o->engine;
    s->hw = o->hw;
    s->line_words = o->hw.l1_size ? o->hw.l1_line / 8 : 1;
    if (o->engine != VM_ENGINE_RTL && !(s->model = vm_model_new(&o->hw, err, errlen)))
        goto fail;
    if (o->engine != VM_ENGINE_MODEL) {
        struct vm_rtl_waves w = {o->waves_path, o->waves_from, o->waves_to};
        if (!(s->rtl = vm_rtl_new(&o->hw, o->waves_path ? &w : NULL, err, errlen)))
            goto fail;
    }
    if (o->engine == VM_ENGINE_LOCKSTEP && !(s->checker = vm_checker_new(o->seed, o->replay_cmd))) {
        snprintf(err, errlen, "out of host memory");
        goto fail;
    }
    if (o->hw.l1_size) {
        unsigned sets = o->hw.l1_size / o->hw.l1_line / o->hw.l1_ways;
        if (!(s->coherence = vm_coherence_new(o->hw.cores, sets, o->hw.l1_ways, o->hw.l1_line))) {
            snprintf(err, errlen, "out of host memory");
            goto fail;
        }
    }
    return s;
fail:
    vm_sim_free(s);
    return NULL;
}

void vm_sim_free(struct vm_sim *s)
{
    if (!s)
        return;
    vm_model_free(s->model);
    vm_rtl_free(s->rtl);
    vm_checker_free(s->checker);
    vm_shadow_free(s->shadow);
    vm_coherence_free(s->coherence);
    free(s);
}

int vm_sim_load_image(struct vm_sim *s, const struct vm_image *img)
{
    if (s->cycles)
        return -1;
    vm_shadow_free(s->shadow);
    if (!(s->shadow = vm_shadow_new(img->words, img->nwords, s->hw.cores, s->line_words)))
        return -1;
    for (uint64_t i = 0; i < img->nwords; i++) {
        if (!img->words[i])
            continue;
        if (s->model && vm_model_poke(s->model, i, img->words[i]))
            return -1;
        if (s->rtl && vm_rtl_poke(s->rtl, i, img->words[i]))
            return -1;
    }
    return 0;
}

int vm_sim_step(struct vm_sim *s, const struct vm_in *in, struct vm_obs *obs)
{
    struct vm_obs *expected = &s->expected;
    switch (s->engine) {
    case VM_ENGINE_MODEL:
        vm_model_step(s->model, in, obs);
        break;
    case VM_ENGINE_RTL:
        vm_rtl_step(s->rtl, in, obs);
        break;
    case VM_ENGINE_LOCKSTEP:
        vm_rtl_step(s->rtl, in, obs);
        vm_model_step(s->model, in, expected);
        if (!s->failed && vm_checker_step(s->checker, s->cycles, expected, obs))
            s->failed = 1;
        break;
    }
    if (!s->failed && s->shadow && vm_shadow_step(s->shadow, s->cycles, obs))
        s->failed = 1;
    if (!s->failed && s->coherence && vm_coherence_step(s->coherence, s->cycles, obs))
        s->failed = 1;
    s->cycles++;
    return s->failed;
}

uint64_t vm_sim_skip_quiet(struct vm_sim *s, const struct vm_in *in, uint64_t max)
{
    if (s->engine != VM_ENGINE_MODEL)
        return 0;
    uint64_t n = vm_model_quiet_cycles(s->model, in);
    if (n > max)
        n = max;
    if (n) {
        vm_model_skip(s->model, n);
        s->cycles += n;
    }
    return n;
}


int vm_sim_finish(struct vm_sim *s)
{
    if (s->engine != VM_ENGINE_LOCKSTEP || s->failed)
        return s->failed;
    if (vm_checker_memory(s->checker, vm_model_mem_words(s->model), vm_model_mem(s->model), vm_rtl_mem(s->rtl)))
        s->failed = 1;
    return s->failed;
}

uint64_t vm_sim_cycles(const struct vm_sim *s) { return s->cycles; }
uint64_t vm_sim_cycles_checked(const struct vm_sim *s) { return s->checker ? vm_checker_cycles_checked(s->checker) : 0; }
uint64_t vm_sim_mismatches(const struct vm_sim *s) { return s->checker ? vm_checker_mismatches(s->checker) : 0; }
const char *vm_sim_report(const struct vm_sim *s)
{
    if (s->shadow && *vm_shadow_report(s->shadow))
        return vm_shadow_report(s->shadow);
    if (s->coherence && *vm_coherence_report(s->coherence))
        return vm_coherence_report(s->coherence);
    return s->checker ? vm_checker_report(s->checker) : "";
}
const char *vm_sim_mismatch_field(const struct vm_sim *s) { return s->checker ? vm_checker_field(s->checker) : ""; }
enum vm_engine vm_sim_engine(const struct vm_sim *s) { return s->engine; }
unsigned vm_sim_cores(const struct vm_sim *s) { return s->hw.cores; }
struct vm_model *vm_sim_model(struct vm_sim *s) { return s->model; }

uint64_t vm_sim_peek(const struct vm_sim *s, uint64_t i)
{
    return s->rtl ? vm_rtl_peek(s->rtl, i) : vm_model_peek(s->model, i);
}
