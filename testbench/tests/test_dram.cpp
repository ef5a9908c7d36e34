// SPDX-License-Identifier: MIT
// The open-row DRAM timing (mem.row=open) in whole runs: lockstep over seeds, L1 geometries, bank counts,
// row sizes and latencies on 1, 2 and 4 cores (RTL and model compared every cycle, memory images at the
// end), the model alone (with its event skipping) against the RTL alone, and the open-row model with equal
// hit and miss latencies against the fixed latency.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

extern "C" {
#include <vmcosim/contract.h>
#include <vmcosim/port.h>
}

#include "sim_run.hpp"

namespace {

using vmt::SimRun;

// Memory accesses of a run: every granted bus transaction but BusUpgr.
uint64_t memory_accesses(const vm_run_result &r)
{
    uint64_t n = 0;
    for (unsigned t = 0; t < 7; t++)
        n += t == VM_BUS_UPGR ? 0 : r.bus[t];
    return n;
}

struct DramCase {
    const char *name;
    const char *workload;
    std::vector<std::string> sets;
    unsigned seeds;
    uint64_t cycles;  // per seed
};

class DramLockstep : public ::testing::TestWithParam<DramCase> {};

TEST_P(DramLockstep, NoMismatchAndBothHitsAndMisses)
{
    const DramCase &c = GetParam();
    for (uint64_t seed = 1; seed <= c.seeds; seed++) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::printf("[ seed     ] %s seed=%" PRIu64 "\n", c.name, seed);
        SimRun r(c.sets, c.workload, seed, VM_ENGINE_LOCKSTEP);
        ASSERT_NE(nullptr, r.sim);
        ASSERT_EQ(0, r.go(c.cycles)) << vm_sim_report(r.sim);
        EXPECT_EQ(0u, r.res.mismatches);
        EXPECT_EQ(r.res.cycles, r.res.cycles_checked);
        EXPECT_GT(r.res.mem_row_hits, 0u);
        EXPECT_GT(r.res.mem_row_misses, 0u);
        EXPECT_EQ(r.res.mem_row_hits + r.res.mem_row_misses, memory_accesses(r.res))
            << "every memory access is exactly one of a row hit and a row miss";
        EXPECT_GT(r.res.bus[VM_BUS_WB], 0u) << "write-backs went through the rows";
        if (!std::string(c.workload).compare("coherence") || !std::string(c.workload).compare("random"))
            EXPECT_GT(r.res.dma_lines_written, 0u) << "the DMA engine went through the rows";
        std::printf("[ rows     ] %s seed=%" PRIu64 ": %" PRIu64 " cycles, %" PRIu64 " row hits, %" PRIu64
                    " row misses\n", c.name, seed, r.res.cycles, r.res.mem_row_hits, r.res.mem_row_misses);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Configs, DramLockstep,
    ::testing::Values(
        DramCase{"c1_random_4k2w_defaults", "random", {"mem.size=1M", "mem.row=open"}, 3, 1000000},
        DramCase{"c1_random_1k1w_8x256", "random",
                 {"mem.size=1M", "mem.row=open", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.banks=8",
                  "mem.row_size=256", "mem.row_hit=3", "mem.row_miss=11"}, 3, 1000000},
        DramCase{"c1_random_8k4w_1x8k_sv32", "random",
                 {"mem.size=16M", "mem.row=open", "vm.mode=sv32", "l1.size=8192", "l1.ways=4", "l1.repl=fifo",
                  "mem.banks=1", "mem.row_size=8K", "mem.row_hit=1", "mem.row_miss=2"}, 2, 1000000},
        DramCase{"c1_random_4k2w_2x4k_fault", "random",
                 {"mem.size=1M", "mem.row=open", "vm.ad=fault", "mem.banks=2", "mem.row_size=4096",
                  "mem.row_hit=10", "mem.row_miss=30"}, 2, 1000000},
        DramCase{"c2_coherence_4k2w_4x1k", "coherence",
                 {"cores=2", "mem.size=1M", "mem.row=open", "mem.row_size=1024", "mem.row_hit=5",
                  "mem.row_miss=20"}, 3, 1000000},
        DramCase{"c2_coherence_1k1w_2x2k_equal", "coherence",
                 {"cores=2", "mem.size=1M", "mem.row=open", "l1.size=1024", "l1.ways=1", "l1.line=32",
                  "mem.banks=2", "mem.row_hit=4", "mem.row_miss=4"}, 2, 1000000},
        DramCase{"c2_random_1k1w_8x512", "random",
                 {"cores=2", "mem.size=1M", "mem.row=open", "l1.size=1024", "l1.ways=1", "l1.line=32",
                  "mem.banks=8", "mem.row_size=512", "mem.row_hit=2", "mem.row_miss=9"}, 2, 1000000},
        DramCase{"c4_coherence_4k2w_8x2k", "coherence",
                 {"cores=4", "mem.size=1M", "mem.row=open", "mem.banks=8", "mem.row_hit=6", "mem.row_miss=255"},
                 1, 200000}),
    [](const ::testing::TestParamInfo<DramCase> &i) { return std::string(i.param.name); });

// The model alone (event skipping included) ends where the RTL alone ends: cycles, every counter, bus
// transactions by type, row hits and misses, DMA lines and the memory image.
TEST(DramModelAlone, MatchesTheRtl)
{
    const std::vector<std::vector<std::string>> drams = {
        {"mem.row=open"},
        {"mem.row=open", "mem.banks=2", "mem.row_size=512", "mem.row_hit=3", "mem.row_miss=40"},
        {"mem.row=open", "mem.banks=8", "mem.row_size=8K", "mem.row_hit=1", "mem.row_miss=1"},
    };
    for (const char *cores : {"cores=1", "cores=2"})
    for (const auto &dram : drams)
    for (const char *w : {"coherence", "random"}) {
        std::vector<std::string> sets = {cores, "mem.size=1M"};
        sets.insert(sets.end(), dram.begin(), dram.end());
        std::string what = std::string(cores) + " " + w;
        for (const auto &s : dram)
            what += " " + s;
        SCOPED_TRACE(what);
        std::printf("[ seed     ] %s seed=7\n", what.c_str());
        SimRun m(sets, w, 7, VM_ENGINE_MODEL);
        SimRun r(sets, w, 7, VM_ENGINE_RTL);
        ASSERT_NE(nullptr, m.sim);
        ASSERT_NE(nullptr, r.sim);
        ASSERT_EQ(0, m.go(60000)) << vm_sim_report(m.sim);
        ASSERT_EQ(0, r.go(60000)) << vm_sim_report(r.sim);
        vmt::expect_same_run(r, m, 1u << 20);
        EXPECT_GT(r.res.mem_row_hits, 0u);
        EXPECT_GT(r.res.mem_row_misses, 0u);
        EXPECT_EQ(r.res.mem_row_hits + r.res.mem_row_misses, memory_accesses(r.res));
    }
}

// Open rows whose hit and miss both cost mem.latency are the fixed latency: the same run, cycle for cycle
// (on the model, whose event skipping is exact); with mem.row=off no row hit or miss is ever observed.
TEST(DramEquivalence, EqualHitAndMissLatenciesAreTheFixedLatency)
{
    for (const char *cores : {"cores=1", "cores=2"})
    for (const char *w : {"coherence", "random"}) {
        SCOPED_TRACE(std::string(cores) + " " + w);
        std::printf("[ seed     ] %s %s seed=3\n", cores, w);
        SimRun off({cores, "mem.size=1M", "mem.latency=13"}, w, 3, VM_ENGINE_MODEL);
        SimRun open({cores, "mem.size=1M", "mem.latency=99", "mem.row=open", "mem.row_hit=13", "mem.row_miss=13"},
                    w, 3, VM_ENGINE_MODEL);
        ASSERT_EQ(0, off.go(200000)) << vm_sim_report(off.sim);
        ASSERT_EQ(0, open.go(200000)) << vm_sim_report(open.sim);
        EXPECT_EQ(off.res.cycles, open.res.cycles);
        EXPECT_EQ(off.res.mem_row_hits + off.res.mem_row_misses, 0u);
        EXPECT_GT(open.res.mem_row_hits, 0u);
        EXPECT_GT(open.res.mem_row_misses, 0u);
        for (unsigned t = 0; t < 7; t++)
            EXPECT_EQ(off.res.bus[t], open.res.bus[t]) << "bus transaction type " << t;
        EXPECT_EQ(off.res.total.l1_misses, open.res.total.l1_misses);
        EXPECT_EQ(off.res.total.ptw_walk_cycles, open.res.total.ptw_walk_cycles);
        for (uint64_t i = 0; i < (1u << 20) / 8; i++)
            ASSERT_EQ(vm_sim_peek(off.sim, i), vm_sim_peek(open.sim, i)) << "word " << i;
        // and a real difference once misses cost more: the same workload takes longer
        SimRun slow({cores, "mem.size=1M", "mem.row=open", "mem.row_hit=13", "mem.row_miss=40"}, w, 3,
                    VM_ENGINE_MODEL);
        ASSERT_EQ(0, slow.go(200000)) << vm_sim_report(slow.sim);
        EXPECT_LT(slow.res.total.loads + slow.res.total.stores, open.res.total.loads + open.res.total.stores)
            << "fewer requests complete in the same cycle budget when row misses cost 40";
    }
}

}  // namespace
