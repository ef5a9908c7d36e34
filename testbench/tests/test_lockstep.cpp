// SPDX-License-Identifier: MIT
// RTL vs model in lockstep: constrained-random page tables with fault knobs over many seeds and
// configurations, and the proof that the checker checks (a perturbed model must be caught, with a
// report naming the cycle and the field).
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

extern "C" {
#include <vmcosim/checker.h>
#include <vmcosim/config.h>
#include <vmcosim/contract.h>
#include <vmcosim/model.h>
#include <vmcosim/run.h>
#include <vmcosim/shadow.h>
#include <vmcosim/sim.h>
#include <vmcosim/workload.h>
}

#include "sim_run.hpp"

namespace {

using vmt::SimRun;

// ---------------------------------------------------------------- random lockstep over configurations

struct RandomCase {
    const char *name;
    std::vector<std::string> sets;
};

class LockstepRandom : public ::testing::TestWithParam<RandomCase> {};

TEST_P(LockstepRandom, NoMismatchOverSeeds)
{
    const RandomCase &c = GetParam();
    for (uint64_t seed = 1; seed <= 12; seed++) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        std::printf("[ seed     ] %s seed=%" PRIu64 "\n", c.name, seed);
        SimRun r(c.sets, "random", seed, VM_ENGINE_LOCKSTEP);
        ASSERT_NE(nullptr, r.sim);
        int rc = r.go(400000);
        ASSERT_EQ(0, rc) << vm_sim_report(r.sim);
        EXPECT_EQ(0u, r.res.mismatches);
        EXPECT_EQ(r.res.cycles, r.res.cycles_checked);
        // Not vacuous: the run translated, walked, faulted and fenced.
        const struct vm_workload_stats *ws = vm_workload_stats(r.wl);
        EXPECT_GT(ws->requests, 1000u);
        EXPECT_GT(ws->faults, 0u);
        if (r.cfg.mode != VM_MODE_BARE) {
            EXPECT_GT(r.res.total.ptw_walks, 100u);
            EXPECT_GT(r.res.total.tlb_lookups, r.res.total.tlb_misses);
            EXPECT_GT(ws->sfences, 0u);
        }
        // Without split accesses, every demand access either hit (in some state) or missed.
        if (r.cfg.l1_size)
            EXPECT_EQ(r.res.total.l1_accesses, r.res.total.l1_hits[0] + r.res.total.l1_hits[1] + r.res.total.l1_hits[2] + r.res.total.l1_misses);
        // The hardware's counters agree with what the driver had accepted.
        EXPECT_EQ(ws->by_op[VM_OP_LOAD], r.res.total.loads);
        EXPECT_EQ(ws->by_op[VM_OP_STORE], r.res.total.stores);
        EXPECT_EQ(ws->requests, ws->by_op[VM_OP_LOAD] + ws->by_op[VM_OP_STORE] + ws->by_op[VM_OP_FETCH]);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Configs, LockstepRandom,
    ::testing::Values(
        // The MMU on a flat memory (l1.size=0), every verilated TLB geometry.
        RandomCase{"mmu_sv39_hw_fa16_lru", {"l1.size=0", "mem.size=1M"}},
        RandomCase{"mmu_sv39_fault_fa16_lru", {"l1.size=0", "mem.size=1M", "vm.ad=fault"}},
        RandomCase{"mmu_sv39_hw_fa16_fifo_lat1", {"l1.size=0", "mem.size=1M", "tlb.repl=fifo", "mem.latency=1"}},
        RandomCase{"mmu_sv39_hw_32x4_lru", {"l1.size=0", "mem.size=16M", "tlb.entries=32", "tlb.ways=4"}},
        RandomCase{"mmu_sv39_fault_32x4_plru", {"l1.size=0", "mem.size=1M", "tlb.entries=32", "tlb.ways=4", "tlb.repl=plru", "vm.ad=fault"}},
        RandomCase{"mmu_sv39_hw_32x4_random_lat1", {"l1.size=0", "mem.size=1M", "tlb.entries=32", "tlb.ways=4", "tlb.repl=random", "mem.latency=1"}},
        RandomCase{"mmu_sv39_hw_8x2_fifo", {"l1.size=0", "mem.size=1M", "tlb.entries=8", "tlb.ways=2", "tlb.repl=fifo"}},
        RandomCase{"mmu_sv32_fault_8x2_random", {"l1.size=0", "mem.size=1M", "vm.mode=sv32", "vm.ad=fault", "tlb.entries=8", "tlb.ways=2", "tlb.repl=random"}},
        RandomCase{"mmu_bare_lat1", {"l1.size=0", "mem.size=1M", "vm.mode=bare", "mem.latency=1"}},
        // The system: MMU, L1, bus, memory controller, every verilated L1 geometry.
        RandomCase{"soc_sv39_hw_l1_4k2w_lru", {"mem.size=1M"}},
        RandomCase{"soc_sv39_fault_l1_4k2w_plru", {"mem.size=1M", "vm.ad=fault", "l1.repl=plru", "tlb.repl=plru"}},
        RandomCase{"soc_sv39_hw_l1_8k4w_fifo_lat3", {"mem.size=16M", "l1.size=8192", "l1.ways=4", "l1.repl=fifo", "mem.latency=3"}},
        RandomCase{"soc_sv39_hw_l1_1k1w_lat1", {"mem.size=1M", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.latency=1"}},
        RandomCase{"soc_sv32_hw_l1_8k4w_random", {"mem.size=16M", "vm.mode=sv32", "l1.size=8192", "l1.ways=4", "l1.repl=random", "tlb.repl=random"}},
        RandomCase{"soc_sv32_fault_l1_1k1w_lat2", {"mem.size=1M", "vm.mode=sv32", "vm.ad=fault", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.latency=2"}},
        RandomCase{"soc_bare_l1_4k2w_random_lat1", {"mem.size=1M", "vm.mode=bare", "l1.repl=random", "mem.latency=1"}}),
    [](const ::testing::TestParamInfo<RandomCase> &i) { return std::string(i.param.name); });

// The other workloads in lockstep, on the default 64 MiB memory (whole-image comparison included).
TEST(LockstepWorkloads, SeqAndStrideAgree)
{
    for (const char *w : {"seq", "stride"}) {
        SCOPED_TRACE(w);
        SimRun r({}, w, 3, VM_ENGINE_LOCKSTEP);
        ASSERT_NE(nullptr, r.sim);
        ASSERT_EQ(0, r.go(60000)) << vm_sim_report(r.sim);
        EXPECT_GT(r.res.total.ptw_walks, 0u);
    }
}

// ---------------------------------------------------------------- port fuzzing

// Random inputs on every port every cycle, out-of-range values included (the RTL's ports are narrower than
// the C fields), over memory full of random words: satp roots point into that memory, so walks read random
// PTEs and every check of the walker fires. Both twins must agree cycle for cycle.
TEST(LockstepFuzz, RandomPortInputsOverRandomMemory)
{
    const std::vector<std::vector<std::string>> configs = {
        {"mem.size=64K", "l1.size=0", "tlb.repl=random"},
        {"mem.size=64K", "l1.size=0", "tlb.entries=4", "tlb.ways=1", "mem.latency=1"},
        {"mem.size=64K", "l1.size=0", "tlb.entries=32", "tlb.ways=4", "tlb.repl=plru", "mem.latency=2"},
        {"mem.size=64K", "l1.size=0", "tlb.entries=8", "tlb.ways=2", "tlb.repl=fifo"},
        {"mem.size=64K", "l1.repl=random"},
        {"mem.size=64K", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.latency=1"},
        {"mem.size=64K", "l1.size=8192", "l1.ways=4", "l1.repl=plru", "mem.latency=2"},
        // open-row DRAM timing, addresses anywhere (the controller wraps them at the memory size)
        {"mem.size=64K", "l1.size=1024", "l1.ways=1", "l1.line=32", "mem.row=open", "mem.banks=2",
         "mem.row_size=8K", "mem.row_hit=2", "mem.row_miss=2"},
        {"mem.size=64K", "mem.row=open", "mem.banks=8", "mem.row_size=256", "mem.row_hit=1", "mem.row_miss=3"},
    };
    uint64_t seed = 100;
    for (const auto &sets : configs) {
        seed++;
        std::printf("[ seed     ] fuzz seed=%" PRIu64 "\n", seed);
        SCOPED_TRACE("seed " + std::to_string(seed));
        char err[400];
        vm_config cfg;
        vm_config_defaults(&cfg);
        for (const auto &kv : sets)
            ASSERT_EQ(0, vm_config_set_pair(&cfg, kv.c_str(), err, sizeof err)) << err;
        vm_sim_opts so{};
        so.engine = VM_ENGINE_LOCKSTEP;
        so.seed = seed;
        vm_config_hw(&cfg, &so.hw);
        vm_sim *sim = vm_sim_new(&so, err, sizeof err);
        ASSERT_NE(nullptr, sim) << err;
        vm_image img;
        ASSERT_EQ(0, vm_image_init(&img, cfg.mem_size, false, 1));
        uint64_t rng = seed;
        auto rnd = [&rng]() {
            uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            return z ^ (z >> 31);
        };
        // Random words shaped like PTEs that point back into memory: half pointers, four in ten leaves
        // with random permissions and A/D/U/G, the rest garbage (reserved bits, W without R, ...).
        uint64_t pages = cfg.mem_size >> 12;
        for (uint64_t i = 0; i < img.nwords; i++) {
            uint64_t r = rnd(), ppn = (r >> 32) % pages, kind = r % 10;
            uint64_t leaf = 1u << VM_PTE_V;
            leaf |= ((r >> 4) % 5 ? 1u << VM_PTE_R : 0) | ((r >> 8) & 1 ? 1u << VM_PTE_X : 0);
            leaf |= (leaf & (1u << VM_PTE_R)) && ((r >> 9) & 1) ? 1u << VM_PTE_W : 0;
            leaf |= ((r >> 10) & 1 ? 1u << VM_PTE_U : 0) | ((r >> 11) % 10 < 7 ? 1u << VM_PTE_A : 0);
            leaf |= ((r >> 15) & 1 ? 1u << VM_PTE_D : 0) | ((r >> 16) % 10 == 0 ? 1u << VM_PTE_G : 0);
            img.words[i] = kind < 5 ? (ppn << 10) | (1u << VM_PTE_V) : kind < 9 ? (ppn << 10) | leaf : rnd();
        }
        ASSERT_EQ(0, vm_sim_load_image(sim, &img));
        vm_obs obs;
        int rc = 0;
        uint64_t resps = 0, faults = 0, fills = 0;
        vm_in recent[4] = {};
        struct Ev {
            uint64_t c;
            vm_in in;
            vm_obs o;
        } events[48];
        uint64_t nevents = 0;
        for (uint64_t c = 0; c < 1000000 && !rc; c++) {
            vm_in in{};
            uint64_t r = rnd();
            in.core[0].req_valid = r & 1;
            in.core[0].req_op = (uint8_t)(r >> 1);
            in.core[0].req_size = (uint8_t)(r >> 9);
            in.core[0].req_bare = (r >> 12) & 1 && (r >> 13) & 1;
            uint64_t a = rnd();
            switch ((r >> 14) & 3) {
            case 0: in.core[0].req_addr = a; break;
            case 1: in.core[0].req_addr = a % (cfg.mem_size + 4096); break;
            case 2: in.core[0].req_addr = (uint64_t)((int64_t)(a << 25) >> 25); break;
            default: in.core[0].req_addr = a & 0xFFFFFFFF; break;
            }
            in.core[0].req_wdata = rnd();
            in.core[0].csr_addr = (uint8_t)(r >> 16);
            if (((r >> 24) & 15) == 0) {
                in.core[0].csr_we = (uint8_t)(1 | ((r >> 28) & 2));
                uint64_t w = rnd();
                const uint64_t modes[] = {VM_SATP_MODE_SV39, VM_SATP_MODE_SV32, VM_SATP_MODE_BARE, 9};
                if ((in.core[0].csr_addr & 31) == VM_CSR_SATP)
                    w = vm_satp((unsigned)modes[w & 3], (unsigned)((w >> 2) & 0xFFFF), (w >> 20) % pages);
                in.core[0].csr_wdata = w;
            }
            // The DMA engine and its buffer, at random too (pages anywhere, even past memory).
            in.core[0].req_cont = (uint8_t)((r >> 30) & 1);
            if (((r >> 31) & 63) == 0) {
                in.dma_valid = 1;
                in.dma_op = (uint8_t)(r >> 37);
                in.dma_src = rnd() % (2 * cfg.mem_size);
                in.dma_dst = rnd() % (2 * cfg.mem_size);
            }
            in.buf_we = ((r >> 40) & 15) == 0;
            in.buf_addr = (uint16_t)(r >> 44);
            in.buf_wdata = rnd();
            rc = vm_sim_step(sim, &in, &obs);
            recent[c % 4] = in;
            if (obs.core[0].resp_valid || obs.core[0].mem_req_valid || obs.core[0].mem_resp_valid || obs.bus_grant_valid ||
                obs.bus_done_valid || obs.core[0].l1_chg_valid || in.dma_valid || in.buf_we) {
                events[nevents % 48] = {c, in, obs};
                nevents++;
            }
            if (rc)
                for (uint64_t k = nevents > 48 ? nevents - 48 : 0; k < nevents; k++) {
                    char line[600];
                    vm_obs_format(&events[k % 48].o, line, sizeof line);
                    std::printf("cycle %" PRIu64 "%s%s: %s\n", events[k % 48].c,
                                events[k % 48].in.dma_valid ? " [dma cmd]" : "",
                                events[k % 48].in.buf_we ? " [buf write]" : "", line);
                }
            if (rc)
                for (uint64_t k = c > 3 ? c - 3 : 0; k <= c; k++) {
                    const vm_in &x = recent[k % 4];
                    std::printf("cycle %" PRIu64 " in: valid=%u op=%u size=%u bare=%u addr=%#" PRIx64
                                " csr_we=%u csr_addr=%u csr_wdata=%#" PRIx64 "\n", k, x.core[0].req_valid, x.core[0].req_op,
                                x.core[0].req_size, x.core[0].req_bare, x.core[0].req_addr, x.core[0].csr_we, x.core[0].csr_addr, x.core[0].csr_wdata);
                }
            resps += obs.core[0].resp_valid;
            faults += obs.core[0].resp_valid && obs.core[0].resp_fault;
            fills += obs.core[0].fill_valid;
        }
        if (!rc)
            rc = vm_sim_finish(sim);
        EXPECT_EQ(0, rc) << vm_sim_report(sim);
        EXPECT_GT(resps, 1000u);
        EXPECT_GT(faults, 100u);
        EXPECT_GT(resps - faults, 100u);
        EXPECT_GT(fills, 10u);
        vm_image_free(&img);
        vm_sim_free(sim);
    }
}

// ---------------------------------------------------------------- the checker checks

TEST(CheckerProof, PerturbedModelFillIsCaughtWithFullReport)
{
    SimRun r({"mem.size=1M", "l1.size=0"}, "random", 5, VM_ENGINE_LOCKSTEP, "vmcosim run --workload random --seed 5");
    ASSERT_NE(nullptr, r.sim);
    vm_model_inject_fill_ppn_flip(vm_sim_model(r.sim), 5000);
    ASSERT_EQ(1, r.go(150000));
    EXPECT_EQ(1u, r.res.mismatches);
    EXPECT_STREQ("core0.fill_ppn", vm_sim_mismatch_field(r.sim));
    std::string rep = vm_sim_report(r.sim);
    // The first fill at or after cycle 5000 is the failing cycle; the report names it and the field.
    unsigned long long cycle = 0;
    ASSERT_EQ(1, std::sscanf(rep.c_str(), "LOCKSTEP MISMATCH at cycle %llu", &cycle)) << rep;
    EXPECT_GE(cycle, 5000u);
    EXPECT_LT(cycle, r.res.cycles);
    EXPECT_NE(std::string::npos, rep.find("field core0.fill_ppn: expected (model)"));
    EXPECT_NE(std::string::npos, rep.find("last 32 events of the model (expected):"));
    EXPECT_NE(std::string::npos, rep.find("last 32 events of the RTL (got):"));
    EXPECT_NE(std::string::npos, rep.find("seed: 5"));
    char replay[256];
    std::snprintf(replay, sizeof replay,
                  "replay: vmcosim run --workload random --seed 5 --waves mismatch.fst --waves-from %llu --waves-to %llu",
                  cycle - 200, cycle + 200);
    EXPECT_NE(std::string::npos, rep.find(replay)) << rep;
    // The run stopped at the first difference.
    EXPECT_EQ(cycle + 1, r.res.cycles);
}

TEST(CheckerProof, OneWrongEventFailsAtThatCycleAndNamesTheField)
{
    vm_checker *c = vm_checker_new(42, nullptr);
    vm_obs a{}, b{};
    a.core[0].req_ready = b.core[0].req_ready = 1;
    EXPECT_EQ(0, vm_checker_step(c, 0, &a, &b));
    a.core[0].resp_valid = b.core[0].resp_valid = 1;
    a.core[0].resp_rdata = 0x1234;
    b.core[0].resp_rdata = 0x1235;
    EXPECT_EQ(-1, vm_checker_step(c, 1, &a, &b));
    EXPECT_STREQ("core0.resp_rdata", vm_checker_field(c));
    std::string rep = vm_checker_report(c);
    EXPECT_NE(std::string::npos, rep.find("at cycle 1: field core0.resp_rdata: expected (model) 0x1234, got (RTL) 0x1235"))
        << rep;
    EXPECT_NE(std::string::npos, rep.find("seed: 42"));
    EXPECT_EQ(1u, vm_checker_cycles_checked(c));
    EXPECT_EQ(1u, vm_checker_mismatches(c));
    // Later cycles are not compared any more.
    EXPECT_EQ(-1, vm_checker_step(c, 2, &a, &a));
    vm_checker_free(c);
}

TEST(CheckerProof, EveryFieldIsCompared)
{
    // Flip one byte at each field offset in turn, in every core's record: each flip alone must fail.
    std::vector<size_t> offsets;
    const size_t core_fields[] = {
        offsetof(vm_core_obs, req_ready),      offsetof(vm_core_obs, resp_valid),    offsetof(vm_core_obs, resp_fault),
        offsetof(vm_core_obs, resp_cause),     offsetof(vm_core_obs, resp_rdata),    offsetof(vm_core_obs, resp_tval),
        offsetof(vm_core_obs, csr_rdata),      offsetof(vm_core_obs, mem_req_valid), offsetof(vm_core_obs, mem_req_op),
        offsetof(vm_core_obs, mem_req_strb),   offsetof(vm_core_obs, mem_resp_valid), offsetof(vm_core_obs, mem_req_addr),
        offsetof(vm_core_obs, mem_req_wdata),  offsetof(vm_core_obs, mem_req_cmp),   offsetof(vm_core_obs, mem_resp_rdata),
        offsetof(vm_core_obs, fill_valid),     offsetof(vm_core_obs, fill_level),    offsetof(vm_core_obs, fill_perm),
        offsetof(vm_core_obs, fill_index),     offsetof(vm_core_obs, fill_asid),     offsetof(vm_core_obs, fill_vpn),
        offsetof(vm_core_obs, fill_ppn),       offsetof(vm_core_obs, inval_mask),    offsetof(vm_core_obs, mem_req_ready),
        offsetof(vm_core_obs, mem_req_cont),   offsetof(vm_core_obs, l1_chg_valid),  offsetof(vm_core_obs, l1_chg_old),
        offsetof(vm_core_obs, l1_chg_new),     offsetof(vm_core_obs, l1_chg_index),  offsetof(vm_core_obs, l1_chg_addr)};
    for (unsigned c = 0; c < VM_MAX_CORES; c++)
        for (size_t f : core_fields)
            offsets.push_back(offsetof(vm_obs, core) + c * sizeof(vm_core_obs) + f);
    for (size_t off : {offsetof(vm_obs, bus_grant_valid), offsetof(vm_obs, bus_grant_type),
                       offsetof(vm_obs, bus_grant_master), offsetof(vm_obs, bus_mem_write),
                       offsetof(vm_obs, bus_done_valid), offsetof(vm_obs, bus_done_shared),
                       offsetof(vm_obs, bus_mem_row_hit), offsetof(vm_obs, bus_mem_row_miss),
                       offsetof(vm_obs, bus_grant_addr), offsetof(vm_obs, bus_done_word),
                       offsetof(vm_obs, bus_done_line[0]), offsetof(vm_obs, bus_done_line[7]),
                       offsetof(vm_obs, bus_grant_line[0]), offsetof(vm_obs, bus_grant_line[7]),
                       offsetof(vm_obs, dma_ready), offsetof(vm_obs, dma_done), offsetof(vm_obs, buf_rdata)})
        offsets.push_back(off);
    for (size_t off : offsets) {
        vm_checker *c = vm_checker_new(1, nullptr);
        vm_obs a{}, b{};
        // a line is observable with its flag (port.h): set the flag on both sides
        if (off >= offsetof(vm_obs, bus_grant_line))
            a.bus_mem_write = b.bus_mem_write = 1;
        else if (off >= offsetof(vm_obs, bus_done_line))
            a.bus_done_valid = b.bus_done_valid = 1;
        reinterpret_cast<unsigned char *>(&b)[off] ^= 1;
        EXPECT_EQ(-1, vm_checker_step(c, 7, &a, &b)) << "offset " << off;
        EXPECT_NE(std::string::npos, std::string(vm_checker_report(c)).find("LOCKSTEP MISMATCH")) << "offset " << off;
        vm_checker_free(c);
    }
}

TEST(CheckerProof, LinesCountOnlyWithTheirFlags)
{
    // The model leaves a line as it was unless its flag is set this cycle (port.h); a stale line must not
    // fail the check, a live one must, and the report names it.
    vm_checker *c = vm_checker_new(1, nullptr);
    vm_obs a{}, b{};
    a.bus_done_line[3] = 0x55;     // stale on the model side
    a.bus_grant_line[7] = 0x66;
    EXPECT_EQ(0, vm_checker_step(c, 1, &a, &b));
    a.bus_done_valid = b.bus_done_valid = 1;
    EXPECT_EQ(-1, vm_checker_step(c, 2, &a, &b));
    EXPECT_STREQ("bus_done_line[3]", vm_checker_field(c));
    vm_checker_free(c);
    c = vm_checker_new(1, nullptr);
    a.bus_done_valid = b.bus_done_valid = 0;
    a.bus_mem_write = b.bus_mem_write = 1;
    EXPECT_EQ(-1, vm_checker_step(c, 3, &a, &b));
    EXPECT_STREQ("bus_grant_line[7]", vm_checker_field(c));
    vm_checker_free(c);
}

TEST(CheckerProof, MemoryImageDifferenceNamesTheFirstWord)
{
    uint64_t e[16] = {}, g[16] = {};
    for (int i = 0; i < 16; i++)
        e[i] = g[i] = 0x1000 + i;
    vm_checker *c = vm_checker_new(9, nullptr);
    EXPECT_EQ(0, vm_checker_memory(c, 16, e, g));
    g[5] ^= 0x80;
    g[9] ^= 1;
    EXPECT_EQ(-1, vm_checker_memory(c, 16, e, g));
    std::string rep = vm_checker_report(c);
    EXPECT_NE(std::string::npos, rep.find("first differing word: physical address 0x28: expected 0x1005, got 0x1085"))
        << rep;
    vm_checker_free(c);
}

// The data-value monitor: a load that returns anything but the last stored value is a violation.
TEST(ShadowProof, WrongLoadValueIsCaughtAndStoresAreTracked)
{
    uint64_t image[4] = {0x11, 0x22, 0x33, 0x44};
    vm_shadow *s = vm_shadow_new(image, 4, 1, 1);
    vm_obs o{};
    auto request = [&](uint8_t op, uint64_t addr, uint64_t wdata, uint8_t strb) {
        o = vm_obs{};
        o.core[0].mem_req_valid = o.core[0].mem_req_ready = 1;
        o.core[0].mem_req_op = op;
        o.core[0].mem_req_addr = addr;
        o.core[0].mem_req_wdata = wdata;
        o.core[0].mem_req_strb = strb;
    };
    auto respond = [&](uint64_t rdata) {
        o = vm_obs{};
        o.core[0].mem_resp_valid = 1;
        o.core[0].mem_resp_rdata = rdata;
    };
    request(VM_MEMOP_READ, 8, 0, 0xFF);
    EXPECT_EQ(0, vm_shadow_step(s, 1, &o));
    respond(0x22);
    EXPECT_EQ(0, vm_shadow_step(s, 2, &o));
    request(VM_MEMOP_WRITE, 8, 0xAB00, 0x02);   // byte 1 only
    EXPECT_EQ(0, vm_shadow_step(s, 3, &o));
    respond(0);
    EXPECT_EQ(0, vm_shadow_step(s, 4, &o));
    request(VM_MEMOP_READ, 8, 0, 0xFF);
    EXPECT_EQ(0, vm_shadow_step(s, 5, &o));
    respond(0x22);                               // stale: the store made it 0xAB22
    EXPECT_EQ(-1, vm_shadow_step(s, 6, &o));
    EXPECT_NE(std::string::npos, std::string(vm_shadow_report(s)).find(
        "DATA-VALUE VIOLATION at cycle 6: core 0: load of physical address 0x8 (requested at cycle 5) returned 0x22, the last store left 0xab22"))
        << vm_shadow_report(s);
    EXPECT_EQ(2u, vm_shadow_loads_checked(s));
    vm_shadow_free(s);
}

// ---------------------------------------------------------------- model event skipping is exact

TEST(ModelSkip, ModelAloneMatchesTheRtlCounterForCounter)
{
    for (const char *top : {"l1.size=0", "l1.size=4096"})
    for (const char *w : {"seq", "stride", "random"}) {
        for (uint64_t budget : {997ull, 20000ull}) {
            SCOPED_TRACE(std::string(top) + " " + w + " " + std::to_string(budget));
            SimRun m({"mem.size=1M", top}, w, 11, VM_ENGINE_MODEL);
            SimRun r({"mem.size=1M", top}, w, 11, VM_ENGINE_RTL);
            ASSERT_EQ(0, m.go(budget));
            ASSERT_EQ(0, r.go(budget));
            EXPECT_EQ(r.res.cycles, m.res.cycles);
            EXPECT_EQ(r.res.total.loads, m.res.total.loads);
            EXPECT_EQ(r.res.total.stores, m.res.total.stores);
            EXPECT_EQ(r.res.total.tlb_lookups, m.res.total.tlb_lookups);
            EXPECT_EQ(r.res.total.tlb_misses, m.res.total.tlb_misses);
            EXPECT_EQ(r.res.total.ptw_walks, m.res.total.ptw_walks);
            EXPECT_EQ(r.res.total.ptw_walk_cycles, m.res.total.ptw_walk_cycles);
            EXPECT_EQ(r.res.total.ptw_pte_reads, m.res.total.ptw_pte_reads);
            EXPECT_EQ(vm_workload_stats(r.wl)->faults, vm_workload_stats(m.wl)->faults);
            for (uint64_t i = 0; i < (1u << 20) / 8; i++)
                ASSERT_EQ(vm_sim_peek(r.sim, i), vm_sim_peek(m.sim, i)) << "word " << i;
        }
    }
}

}  // namespace
