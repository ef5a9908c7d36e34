// SPDX-License-Identifier: MIT
// The C API of include/vmcosim/rtl.h over the verilated variants (one per TLB geometry).
#include <cstdio>
#include <new>
#include <cstring>

#include "rtl_impl.hpp"
#include "rtl_variants.h"  // generated: VM_RTL_VARIANT_LIST and the factory declarations

extern "C" {
#include <vmcosim/model.h>
}

struct vm_rtl {
    vm_rtl_impl *impl;
};

namespace {
// One entry per verilated design: TLB geometry and, for vm_soc, the L1 geometry and the core count (l1_size 0:
// vm_top, one core).
struct variant {
    unsigned entries, ways, l1_size, l1_ways, l1_line, cores;
    vm_rtl_impl *(*make)(const vm_hwcfg *, const vm_rtl_waves *, char *, size_t);
};
const variant kVariants[] = {
#define VM_RTL_VARIANT(name, entries, ways, l1_size, l1_ways, l1_line, cores) \
    {entries, ways, l1_size, l1_ways, l1_line, cores, vm_rtl_make_##name},
    VM_RTL_VARIANT_LIST
#undef VM_RTL_VARIANT
};
}  // namespace

extern "C" const char *vm_rtl_variants(void)
{
    return VM_RTL_VARIANT_NAMES;
}

extern "C" struct vm_rtl *vm_rtl_new(const struct vm_hwcfg *cfg, const struct vm_rtl_waves *waves, char *err,
                                     size_t errlen)
{
    if (vm_hwcfg_check(cfg, err, errlen))
        return nullptr;
    for (const variant &v : kVariants) {
        if (v.entries != cfg->tlb_entries || v.ways != cfg->tlb_ways || v.l1_size != cfg->l1_size ||
            v.cores != cfg->cores)
            continue;
        if (v.l1_size && (v.l1_ways != cfg->l1_ways || v.l1_line != cfg->l1_line))
            continue;
        try {   // the verilated model holds the whole physical memory: the host may not have it
            vm_rtl_impl *impl = v.make(cfg, waves, err, errlen);
            if (!impl)
                return nullptr;
            return new vm_rtl{impl};
        } catch (const std::bad_alloc &) {
            std::snprintf(err, errlen, "out of host memory for the RTL model");
            return nullptr;
        }
    }
    if (cfg->l1_size)
        std::snprintf(err, errlen,
                      "cores=%u tlb.entries=%u tlb.ways=%u l1.size=%u l1.ways=%u l1.line=%u: no RTL variant with "
                      "this core count, TLB and L1 geometry in this build (verilated: %s; add one with cmake "
                      "-DVM_RTL_EXTRA_SOC_VARIANTS=SIZExWAYSxLINExCORES, or use --engine model)",
                      cfg->cores, cfg->tlb_entries, cfg->tlb_ways, cfg->l1_size, cfg->l1_ways, cfg->l1_line,
                      VM_RTL_VARIANT_NAMES);
    else
        std::snprintf(err, errlen,
                      "tlb.entries=%u tlb.ways=%u: no RTL variant with this TLB geometry in this build "
                      "(verilated: %s; add one with cmake -DVM_RTL_EXTRA_TLB_VARIANTS=ExW, or use --engine model)",
                      cfg->tlb_entries, cfg->tlb_ways, VM_RTL_VARIANT_NAMES);
    return nullptr;
}

extern "C" void vm_rtl_free(struct vm_rtl *r)
{
    if (!r)
        return;
    delete r->impl;
    delete r;
}

extern "C" int vm_rtl_poke(struct vm_rtl *r, uint64_t word_index, uint64_t value)
{
    return r->impl->poke(word_index, value);
}

extern "C" uint64_t vm_rtl_peek(const struct vm_rtl *r, uint64_t word_index)
{
    return r->impl->peek(word_index);
}

extern "C" const uint64_t *vm_rtl_mem(const struct vm_rtl *r)
{
    return r->impl->mem();
}

extern "C" void vm_rtl_step(struct vm_rtl *r, const struct vm_in *in, struct vm_obs *obs)
{
    r->impl->step(in, obs);
}

extern "C" uint64_t vm_rtl_cycles(const struct vm_rtl *r)
{
    return r->impl->cycles();
}
