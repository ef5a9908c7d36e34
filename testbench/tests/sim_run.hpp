// SPDX-License-Identifier: MIT
// One complete run for the tests: config from key=value pairs, a workload, its image, an engine, vm_run.
#ifndef VMCOSIM_SIM_RUN_HPP
#define VMCOSIM_SIM_RUN_HPP

#include <gtest/gtest.h>

#include <string>
#include <vector>

extern "C" {
#include <vmcosim/config.h>
#include <vmcosim/image.h>
#include <vmcosim/run.h>
#include <vmcosim/sim.h>
#include <vmcosim/workload.h>
}

namespace vmt {

// Builds config, workload, image and engine; runs; returns the result. Fails the test on setup errors.
struct SimRun {
    SimRun(const SimRun &) = delete;
    SimRun &operator=(const SimRun &) = delete;
    vm_config cfg;
    vm_workload *wl = nullptr;
    vm_sim *sim = nullptr;
    vm_image img{};
    vm_run_result res{};

    SimRun(const std::vector<std::string> &sets, const char *workload, uint64_t seed, vm_engine engine,
        const char *replay = nullptr)
    {
        char err[512];
        vm_config_defaults(&cfg);
        for (const auto &s : sets)
            EXPECT_EQ(0, vm_config_set_pair(&cfg, s.c_str(), err, sizeof err)) << err;
        if (workload[0] == '@') {   // "@PATH,PATH...": traces (--trace PATH ...) instead of a workload
            std::vector<std::string> paths;
            for (std::string rest = workload + 1; !rest.empty();) {
                size_t comma = rest.find(',');
                paths.push_back(rest.substr(0, comma));
                rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
            }
            std::vector<const char *> argv;
            for (const auto &p : paths)
                argv.push_back(p.c_str());
            wl = vm_workload_new_traces(argv.data(), (unsigned)argv.size(), &cfg, seed, err, sizeof err);
        } else {
            wl = vm_workload_new(workload, &cfg, seed, err, sizeof err);
        }
        EXPECT_NE(nullptr, wl) << err;
        EXPECT_EQ(0, vm_image_init(&img, cfg.mem_size, cfg.mode == VM_MODE_SV32, 1));
        if (wl)
            EXPECT_EQ(0, vm_workload_build(wl, &img, err, sizeof err)) << err;
        vm_sim_opts so{};
        so.engine = engine;
        so.seed = seed;
        so.replay_cmd = replay;
        vm_config_hw(&cfg, &so.hw);
        sim = vm_sim_new(&so, err, sizeof err);
        EXPECT_NE(nullptr, sim) << err;
        if (sim)
            EXPECT_EQ(0, vm_sim_load_image(sim, &img));
    }
    ~SimRun()
    {
        vm_sim_free(sim);
        vm_image_free(&img);
        vm_workload_free(wl);
    }
    int go(uint64_t cycles) { return vm_run(sim, wl, cycles, &res); }
};

// The model alone (with its event skipping) ended where the RTL alone ended: cycles, every counter of every
// core, bus transactions by type, memory rows, DMA lines and the whole memory image (mem_bytes).
inline void expect_same_run(const SimRun &rtl, const SimRun &model, uint64_t mem_bytes)
{
    const vm_run_result &r = rtl.res, &m = model.res;
    EXPECT_EQ(r.cycles, m.cycles);
    for (unsigned k = 0; k < r.cores; k++) {
        const vm_core_counters &a = r.core[k], &b = m.core[k];
        EXPECT_EQ(a.loads, b.loads) << "core " << k;
        EXPECT_EQ(a.stores, b.stores) << "core " << k;
        EXPECT_EQ(a.tlb_lookups, b.tlb_lookups) << "core " << k;
        EXPECT_EQ(a.tlb_misses, b.tlb_misses) << "core " << k;
        EXPECT_EQ(a.ptw_walks, b.ptw_walks) << "core " << k;
        EXPECT_EQ(a.ptw_walk_cycles, b.ptw_walk_cycles) << "core " << k;
        EXPECT_EQ(a.ptw_pte_reads, b.ptw_pte_reads) << "core " << k;
        EXPECT_EQ(a.l1_accesses, b.l1_accesses) << "core " << k;
        EXPECT_EQ(a.l1_misses, b.l1_misses) << "core " << k;
        EXPECT_EQ(a.l1_writebacks, b.l1_writebacks) << "core " << k;
        EXPECT_EQ(a.l1_snoop_hits, b.l1_snoop_hits) << "core " << k;
        for (unsigned h = 0; h < 3; h++)
            EXPECT_EQ(a.l1_hits[h], b.l1_hits[h]) << "core " << k;
    }
    for (unsigned t = 0; t < 7; t++)
        EXPECT_EQ(r.bus[t], m.bus[t]) << "bus transaction type " << t;
    EXPECT_EQ(r.mem_row_hits, m.mem_row_hits);
    EXPECT_EQ(r.mem_row_misses, m.mem_row_misses);
    EXPECT_EQ(r.dma_lines_read, m.dma_lines_read);
    EXPECT_EQ(r.dma_lines_written, m.dma_lines_written);
    for (uint64_t i = 0; i < mem_bytes / 8; i++)
        ASSERT_EQ(vm_sim_peek(rtl.sim, i), vm_sim_peek(model.sim, i)) << "word " << i;
}

}  // namespace vmt

#endif
