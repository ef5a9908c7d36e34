// SPDX-License-Identifier: MIT
// Several cores on the coherent bus: the random coherence tester and the random workload on 2 and 4 cores
// in lockstep (RTL and model compared every cycle, memory images compared at the end, the data-value and
// single-writer monitors on every cycle), and the proof that the single-writer monitor catches what it
// must.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

extern "C" {
#include <vmcosim/coherence.h>
#include <vmcosim/contract.h>
#include <vmcosim/port.h>
}

#include "sim_run.hpp"

namespace {

using vmt::SimRun;

struct CoherenceCase {
    const char *name;
    std::vector<std::string> sets;
    unsigned seeds;
    uint64_t cycles;   // per seed
};

class CoherenceTester : public ::testing::TestWithParam<CoherenceCase> {};

// Lockstep over seeds; every run must also have moved lines between caches in every way the protocol
// has (not vacuous): upgrades, dirty lines supplied to another cache, write-backs, snoop hits on every core.
TEST_P(CoherenceTester, LockstepOverSeeds)
{
    const CoherenceCase &c = GetParam();
    uint64_t total_cycles = 0;
    for (uint64_t seed = 1; seed <= c.seeds; seed++) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::printf("[ seed     ] %s seed=%" PRIu64 "\n", c.name, seed);
        SimRun r(c.sets, "coherence", seed, VM_ENGINE_LOCKSTEP);
        ASSERT_NE(nullptr, r.sim);
        ASSERT_EQ(0, r.go(c.cycles)) << vm_sim_report(r.sim);
        EXPECT_EQ(r.res.cycles, r.res.cycles_checked);
        total_cycles += r.res.cycles;
        EXPECT_GT(r.res.bus[VM_BUS_UPGR], 0u);
        EXPECT_GT(r.res.bus[VM_BUS_RDX], 0u);
        EXPECT_GT(r.res.bus[VM_BUS_WB], 0u);
        EXPECT_GT(r.res.bus_supplied, 0u) << "no dirty line ever went from one cache to another";
        for (unsigned k = 0; k < r.res.cores; k++) {
            SCOPED_TRACE("core " + std::to_string(k));
            const vm_core_counters &cc = r.res.core[k];
            EXPECT_GT(cc.l1_snoop_hits, 0u);
            EXPECT_GT(cc.l1_hits[0] + cc.l1_hits[1] + cc.l1_hits[2], 0u);
            // Every demand access hit in some state or missed (the tester never splits accesses).
            EXPECT_EQ(cc.l1_accesses, cc.l1_hits[0] + cc.l1_hits[1] + cc.l1_hits[2] + cc.l1_misses);
            EXPECT_EQ(vm_workload_core_stats(r.wl, k)->by_op[VM_OP_LOAD], cc.loads);
            EXPECT_EQ(vm_workload_core_stats(r.wl, k)->by_op[VM_OP_STORE], cc.stores);
            EXPECT_GT(cc.stores, r.res.cycles / 200);
        }
    }
    std::printf("[ cycles   ] %s: %" PRIu64 " cycles in lockstep\n", c.name, total_cycles);
}

INSTANTIATE_TEST_SUITE_P(
    Configs, CoherenceTester,
    ::testing::Values(
        // 2 cores, 10 M cycles in all: the tiny direct-mapped L1 (conflicts everywhere) and the default one.
        CoherenceCase{"c2_l1_1k1w_sv39_hw_lat1", {"cores=2", "mem.size=1M", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.latency=1"}, 4, 1000000},
        CoherenceCase{"c2_l1_1k1w_sv32_fault", {"cores=2", "mem.size=1M", "vm.mode=sv32", "vm.ad=fault", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.latency=3"}, 2, 1000000},
        CoherenceCase{"c2_l1_4k2w_sv39_hw_plru", {"cores=2", "mem.size=1M", "l1.repl=plru"}, 2, 1000000},
        CoherenceCase{"c2_l1_4k2w_bare_random", {"cores=2", "mem.size=1M", "vm.mode=bare", "l1.repl=random", "mem.latency=2"}, 2, 1000000},
        // 4 cores
        CoherenceCase{"c4_l1_4k2w_sv39_hw", {"cores=4", "mem.size=1M"}, 2, 500000},
        CoherenceCase{"c4_l1_4k2w_sv39_fault_fifo", {"cores=4", "mem.size=1M", "vm.ad=fault", "l1.repl=fifo", "mem.latency=1"}, 1, 500000}),
    [](const ::testing::TestParamInfo<CoherenceCase> &i) { return std::string(i.param.name); });

// The random workload (faults, walks, A/D, sfence, DMA) with every core running its own stream.
TEST(MultiCoreRandom, LockstepOverSeeds)
{
    const std::vector<std::pair<const char *, std::vector<std::string>>> cases = {
        {"c2_sv39_hw_4k2w", {"cores=2", "mem.size=1M"}},
        {"c2_sv32_fault_1k1w", {"cores=2", "mem.size=1M", "vm.mode=sv32", "vm.ad=fault", "l1.size=1024", "l1.ways=1", "l1.line=32"}},
        {"c4_sv39_hw_4k2w_lat1", {"cores=4", "mem.size=1M", "mem.latency=1"}},
    };
    for (const auto &c : cases) {
        for (uint64_t seed = 1; seed <= 4; seed++) {
            SCOPED_TRACE(std::string(c.first) + " seed " + std::to_string(seed));
            std::printf("[ seed     ] %s seed=%" PRIu64 "\n", c.first, seed);
            SimRun r(c.second, "random", seed, VM_ENGINE_LOCKSTEP);
            ASSERT_NE(nullptr, r.sim);
            ASSERT_EQ(0, r.go(300000)) << vm_sim_report(r.sim);
            for (unsigned k = 0; k < r.res.cores; k++) {
                EXPECT_GT(vm_workload_core_stats(r.wl, k)->requests, 1000u);
                EXPECT_GT(vm_workload_core_stats(r.wl, k)->faults, 0u);
                EXPECT_GT(r.res.core[k].ptw_walks, 10u);
            }
        }
    }
}

// The model alone (with event skipping: cores waiting for the bus or idle, DMA commands waiting for a busy
// engine) ends where the RTL ends, counter for counter and transaction for transaction, on several cores.
TEST(MultiCoreModel, ModelAloneMatchesTheRtl)
{
    for (const char *cores : {"cores=2", "cores=4"})
    for (const char *lat : {"mem.latency=7", "mem.latency=20"})
    for (const char *w : {"coherence", "random"}) {
        SCOPED_TRACE(std::string(cores) + " " + lat + " " + w);
        SimRun m({cores, "mem.size=1M", lat}, w, 5, VM_ENGINE_MODEL);
        SimRun r({cores, "mem.size=1M", lat}, w, 5, VM_ENGINE_RTL);
        ASSERT_EQ(0, m.go(50000)) << vm_sim_report(m.sim);
        ASSERT_EQ(0, r.go(50000)) << vm_sim_report(r.sim);
        vmt::expect_same_run(r, m, 1u << 20);
        EXPECT_GT(r.res.dma_lines_written, 0u) << "the DMA engine ran";
    }
}

// ---------------------------------------------------------------- the single-writer monitor checks

// A 2-core, 4-set, 2-way, 64-byte-line system; line 0x1000 lives in set 0.
struct MonitorFixture : ::testing::Test {
    vm_coherence *m = vm_coherence_new(2, 4, 2, 64);
    uint64_t cycle = 0;
    ~MonitorFixture() override { vm_coherence_free(m); }
    // One cycle with the given changes: {core, index, old, new, addr}.
    struct Chg {
        unsigned core, index;
        uint8_t old_state, new_state;
        uint64_t addr;
    };
    int step(std::initializer_list<Chg> chgs)
    {
        vm_obs o{};
        for (const Chg &c : chgs) {
            vm_core_obs &k = o.core[c.core];
            k.l1_chg_valid = 1;
            k.l1_chg_index = (uint16_t)c.index;
            k.l1_chg_old = c.old_state;
            k.l1_chg_new = c.new_state;
            k.l1_chg_addr = c.addr;
        }
        return vm_coherence_step(m, cycle++, &o);
    }
    std::string report() const { return vm_coherence_report(m); }
};

TEST_F(MonitorFixture, LegalSharingPasses)
{
    // core 0 reads (E), core 1 reads (core 0 -> S at the snoop, core 1 fills S), core 1 upgrades (core 0 -> I).
    EXPECT_EQ(0, step({{0, 0, VM_MESI_I, VM_MESI_E, 0x1000}}));
    EXPECT_EQ(0, step({{0, 0, VM_MESI_E, VM_MESI_S, 0x1000}}));
    EXPECT_EQ(0, step({{1, 1, VM_MESI_I, VM_MESI_S, 0x1000}}));
    EXPECT_EQ(0, step({{0, 0, VM_MESI_S, VM_MESI_I, 0x1000}}));
    EXPECT_EQ(0, step({{1, 1, VM_MESI_S, VM_MESI_M, 0x1000}}));
    // A clean line replaced by a fill of another line of the set is legal (E victim, silent).
    EXPECT_EQ(0, step({{0, 1, VM_MESI_I, VM_MESI_E, 0x1100}}));
    EXPECT_EQ(0, step({{0, 1, VM_MESI_E, VM_MESI_S, 0x1100}}));
    EXPECT_EQ(0, step({{0, 1, VM_MESI_S, VM_MESI_E, 0x2000}}));
    EXPECT_EQ(8u, vm_coherence_changes(m));
    EXPECT_EQ("", report());
}

TEST_F(MonitorFixture, TwoExclusiveCopiesAreCaught)
{
    EXPECT_EQ(0, step({{0, 0, VM_MESI_I, VM_MESI_E, 0x1000}}));
    EXPECT_EQ(-1, step({{1, 0, VM_MESI_I, VM_MESI_S, 0x1000}}));
    EXPECT_NE(std::string::npos, report().find("COHERENCE VIOLATION at cycle 1: core 0, line 0x1000: held E here "
                                               "while core 1 holds it S (single writer violated)"))
        << report();
    EXPECT_EQ(-1, step({}));   // stays failed
}

TEST_F(MonitorFixture, ModifiedAndSharedAreCaught)
{
    EXPECT_EQ(0, step({{1, 1, VM_MESI_I, VM_MESI_S, 0x1000}}));
    EXPECT_EQ(-1, step({{0, 1, VM_MESI_I, VM_MESI_M, 0x1000}}));
    EXPECT_NE(std::string::npos, report().find("held M here while core 1 holds it S")) << report();
}

TEST_F(MonitorFixture, ChangeFromTheWrongStateIsCaught)
{
    EXPECT_EQ(0, step({{0, 0, VM_MESI_I, VM_MESI_S, 0x1000}}));
    EXPECT_EQ(-1, step({{0, 0, VM_MESI_E, VM_MESI_M, 0x1000}}));
    EXPECT_NE(std::string::npos, report().find("a change from E, but slot 0 holds S")) << report();
}

TEST_F(MonitorFixture, DirtyVictimWithoutWriteBackIsCaught)
{
    EXPECT_EQ(0, step({{0, 0, VM_MESI_I, VM_MESI_M, 0x1000}}));
    EXPECT_EQ(-1, step({{0, 0, VM_MESI_M, VM_MESI_E, 0x2000}}));
    EXPECT_NE(std::string::npos, report().find("the dirty (M) line 0x1000 in slot 0 is replaced without a write-back"))
        << report();
}

TEST_F(MonitorFixture, ChangeOutsideTheLineSetIsCaught)
{
    // 0x1040 is in set 1 (64-byte lines, 4 sets), so slot 0 (set 0) cannot hold it.
    EXPECT_EQ(-1, step({{0, 0, VM_MESI_I, VM_MESI_E, 0x1040}}));
    EXPECT_NE(std::string::npos, report().find("does not fit the cache geometry")) << report();
}

}  // namespace
