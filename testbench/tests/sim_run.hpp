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
        wl = vm_workload_new(workload, &cfg, seed, err, sizeof err);
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

}  // namespace vmt

#endif
