// SPDX-License-Identifier: MIT
// Directed tests of the L1 data cache, the snooping bus and the memory controller on one core (vm_soc):
// timing, MESI states, replacement, write data, the walker's RdNA / RMW transactions and the perf counters.
// Built twice (CMake): on the model alone and, with VMT_LOCKSTEP, on RTL + model in lockstep.
//
// Expected values are worked out by hand from the documented rules, never copied from model output:
//   vm_l1.sv     a hit answers the cycle after acceptance; a miss asks the bus the cycle after acceptance
//                (a dirty victim is written back first) and answers in the cycle the fill arrives; walker
//                reads hit the cache or go out as a non-allocating RdNA; walker CAS = an atomic RMW that
//                takes every copy, this cache's included; req_cont pieces count as one access, one miss.
//   vm_bus.sv    an idle bus grants at once; a transaction owns the bus from grant to done, the next grant
//                comes the cycle after done; a dirty snooped line is written to memory by the transaction.
//   vm_memctl.sv answers latency L cycles after acceptance (accepted in the grant cycle); a line write lands
//                at acceptance; an RMW compares / writes its word one cycle after.
//   vm_mmu.sv    a bare access (or TLB hit) issues its memory request in the accepting cycle and answers in
//                the cycle the memory answers; a miss walks from t+1, the data request follows the cycle
//                after the walk ends. vm_ptw.sv: the next PTE read follows one cycle after a response.
//   vm_repl.sv   lowest invalid way first, else lru / plru / fifo / random (rules in its header).
//   PROTOCOL.md  on one core the states are I, E, M (S needs another cache).
// Hence, with memory latency L and a request accepted in cycle t:
//   load / store hit             response t+1
//   clean miss                   grant t+1, done = response t+1+L
//   dirty miss                   WriteBack grant t+1 (M->I), done t+1+L; fill grant t+2+L, response t+2+2L
//   a walker PTE read that misses the L1   request c, RdNA grant c+1, response c+1+L, next read c+2+L
//   a walker PTE read that hits             request c, response c+1, next request c+2
#include "model_harness.hpp"

#include <memory>
#include <ostream>
#include <string>
#include <tuple>

using namespace vmt;

namespace {

constexpr unsigned kI = VM_MESI_I, kS = VM_MESI_S, kE = VM_MESI_E, kM = VM_MESI_M;
constexpr unsigned kRd = VM_BUS_RD, kRdx = VM_BUS_RDX, kWb = VM_BUS_WB, kRdna = VM_BUS_RDNA, kRmw = VM_BUS_RMW;

constexpr uint64_t kData = 0x100000;  // physical data region, far above the page-table pages
constexpr uint64_t kVa = 0x12345000;

// An L1 geometry verilated for lockstep (CMakeLists.txt VM_RTL_SOC_VARIANTS).
struct Geo {
    uint32_t size, ways, line;
    uint32_t sets() const { return size / line / ways; }
    uint64_t stride() const { return size / ways; }  // addresses this far apart share a set
    unsigned set_of(uint64_t pa) const { return (unsigned)((pa / line) % sets()); }
    unsigned index(uint64_t pa, unsigned way) const { return set_of(pa) * ways + way; }  // l1_chg_index
    uint64_t line_of(uint64_t pa) const { return pa & ~(uint64_t)(line - 1); }
};
constexpr Geo k4096x2{4096, 2, 64};  // 32 sets
constexpr Geo k8192x4{8192, 4, 64};  // 32 sets
constexpr Geo k1024x1{1024, 1, 32};  // 32 sets, direct mapped

std::string geo_name(const Geo &g)
{
    return std::to_string(g.size) + "x" + std::to_string(g.ways) + "x" + std::to_string(g.line);
}

HarnessCfg l1cfg(const Geo &g, uint32_t repl = VM_REPL_LRU, uint32_t latency = 1, Mode mode = Mode::Sv39)
{
    HarnessCfg c;
    c.mode = mode;
    c.mem_latency = latency;
    c.l1_size = g.size;
    c.l1_ways = g.ways;
    c.l1_line = g.line;
    c.l1_repl = repl;
    return c;
}

uint64_t pattern(uint64_t pa) { return 0x5A5A000000000000ull ^ (pa * 0x9E3779B97F4A7C15ull); }

// Puts pattern() into every word of the line at `line_pa` (image, before boot).
void preload(ModelHarness &h, const Geo &g, uint64_t line_pa)
{
    for (uint64_t o = 0; o < g.line; o += 8)
        h.img_write(g.line_of(line_pa) + o, 8, pattern(g.line_of(line_pa) + o));
}

uint64_t leaf(uint64_t ppn, unsigned flags) { return (ppn << 10) | flags | kV; }

using Chg = std::tuple<uint64_t, unsigned, unsigned, unsigned>;     // cycle, index, old, new
using Grant = std::tuple<uint64_t, unsigned, uint64_t, bool>;       // cycle, type, line address, mem_write
using ChgNc = std::tuple<unsigned, unsigned, unsigned>;             // index, old, new (no cycle)
using GrantNc = std::tuple<unsigned, uint64_t, bool>;               // type, line address, mem_write

std::vector<Chg> chgs(const ModelHarness &h)
{
    std::vector<Chg> v;
    for (const auto &e : h.l1_chgs)
        v.emplace_back(e.cycle, e.index, e.old_state, e.new_state);
    return v;
}
std::vector<ChgNc> chgs_nc(const ModelHarness &h)
{
    std::vector<ChgNc> v;
    for (const auto &e : h.l1_chgs)
        v.emplace_back(e.index, e.old_state, e.new_state);
    return v;
}
std::vector<Grant> grants(const ModelHarness &h)
{
    std::vector<Grant> v;
    for (const auto &e : h.bus_grants)
        v.emplace_back(e.cycle, e.type, e.addr, e.mem_write);
    return v;
}
std::vector<GrantNc> grants_nc(const ModelHarness &h)
{
    std::vector<GrantNc> v;
    for (const auto &e : h.bus_grants)
        v.emplace_back(e.type, e.addr, e.mem_write);
    return v;
}
std::vector<uint64_t> done_cycles(const ModelHarness &h)
{
    std::vector<uint64_t> v;
    for (const auto &e : h.bus_dones)
        v.push_back(e.cycle);
    return v;
}
std::vector<uint64_t> mem_resp_cycles(const ModelHarness &h)
{
    std::vector<uint64_t> v;
    for (const auto &e : h.mem_resps)
        v.push_back(e.cycle);
    return v;
}
// Every memory-port request in the log was accepted in the cycle it first appeared (the L1 was idle).
::testing::AssertionResult AllAcceptedAtOnce(const ModelHarness &h)
{
    for (const auto &e : h.mem_reqs)
        if (!e.ready)
            return ::testing::AssertionFailure() << "memory request to 0x" << std::hex << e.addr << " waited in cycle "
                                                 << std::dec << e.cycle;
    return ::testing::AssertionSuccess();
}

}  // namespace

// ---------------------------------------------------------------- timing (bare accesses)

class L1Timing : public ::testing::TestWithParam<uint32_t> {};

TEST_P(L1Timing, BareHitCleanMissAndDirtyMiss)
{
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, L));
    const uint64_t A = kData + 5 * 64, B = A + g.stride(), C = A + 2 * g.stride();  // all in set 5
    for (uint64_t x : {A, B, C})
        preload(h, g, x);
    h.boot();
    const unsigned w0 = g.index(A, 0), w1 = g.index(A, 1);
    ASSERT_EQ(w0, 10u);

    // 1. load miss on an empty set: clean fill of way 0, I -> E
    h.clear_events();
    Resp r = h.access(bare(load(A + 8)));
    ASSERT_TRUE(IsOk(r));
    uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.rdata, pattern(A + 8));
    EXPECT_EQ(r.latency(), L + 1u) << "grant at t+1, fill L cycles later";
    ASSERT_EQ(h.mem_reqs.size(), 1u);
    EXPECT_EQ(h.mem_reqs[0].cycle, t);
    EXPECT_TRUE(h.mem_reqs[0].ready) << "the idle L1 accepts in the MMU's accepting cycle";
    EXPECT_EQ(h.mem_reqs[0].op, (unsigned)VM_MEMOP_READ);
    EXPECT_EQ(h.mem_reqs[0].addr, A + 8);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kRd, A, false}}));
    EXPECT_EQ(done_cycles(h), (std::vector<uint64_t>{t + 1 + L}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 1 + L, w0, kI, kE}}));
    EXPECT_EQ(mem_resp_cycles(h), (std::vector<uint64_t>{t + 1 + L})) << "the MMU answers when the L1 does";
    ASSERT_EQ(h.bus_dones.size(), 1u);
    for (unsigned k = 0; k < 8; k++)
        EXPECT_EQ(h.bus_dones[0].line[k], pattern(A + 8 * k)) << "fill line word " << k;
    EXPECT_FALSE(h.bus_dones[0].shared) << "one core: nobody else holds the line";

    // 2. load hit: one cycle, no bus
    h.clear_events();
    r = h.access(bare(load(A + 0x30)));
    EXPECT_EQ(r.rdata, pattern(A + 0x30));
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_EQ(mem_resp_cycles(h), (std::vector<uint64_t>{r.accept_cycle + 1}));
    EXPECT_TRUE(h.bus_grants.empty());
    EXPECT_TRUE(h.l1_chgs.empty());

    // 3. store hit on E: E -> M at acceptance, no bus transaction
    h.clear_events();
    const uint64_t v16 = 0x1616161616161616ull, v24 = 0x2424242424242424ull;
    r = h.access(bare(store(A + 16, v16)));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{r.accept_cycle, w0, kE, kM}}));
    EXPECT_TRUE(h.bus_grants.empty());
    // 4. store hit on M: no change at all
    h.clear_events();
    r = h.access(bare(store(A + 24, v24)));
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_TRUE(h.l1_chgs.empty());
    EXPECT_TRUE(h.bus_grants.empty());
    EXPECT_EQ(h.peek(A + 16), pattern(A + 16)) << "write-back: memory is stale while the line is M";

    // 5. load miss, way 1 still invalid: clean fill of way 1
    h.clear_events();
    r = h.access(bare(load(B + 8)));
    t = r.accept_cycle;
    EXPECT_EQ(r.rdata, pattern(B + 8));
    EXPECT_EQ(r.latency(), L + 1u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kRd, B, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 1 + L, w1, kI, kE}}));

    // 6. load miss, LRU victim is way 0 (A, dirty): WriteBack first, then the fill
    h.clear_events();
    r = h.access(bare(load(C)));
    t = r.accept_cycle;
    EXPECT_EQ(r.rdata, pattern(C));
    EXPECT_EQ(r.latency(), 2u * L + 2u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kWb, A, true}, {t + 2 + L, kRd, C, false}}));
    EXPECT_EQ(done_cycles(h), (std::vector<uint64_t>{t + 1 + L, t + 2 + 2 * L}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 1, w0, kM, kI}, {t + 2 + 2 * L, w0, kI, kE}}));
    EXPECT_EQ(mem_resp_cycles(h), (std::vector<uint64_t>{t + 2 + 2 * L}));
    ASSERT_EQ(h.bus_dones.size(), 2u);
    EXPECT_EQ(h.bus_dones[0].line[2], v16) << "the write-back carried the stored words";
    EXPECT_EQ(h.bus_dones[0].line[3], v24);
    EXPECT_EQ(h.bus_dones[0].line[1], pattern(A + 8));
    EXPECT_EQ(h.peek(A + 16), v16);
    EXPECT_EQ(h.peek(A + 24), v24);
    EXPECT_EQ(h.peek(A + 8), pattern(A + 8));

    // 7. load A again: the victim is way 1 (B, clean E): no WriteBack, the fill replaces E by E
    h.clear_events();
    r = h.access(bare(load(A + 16)));
    t = r.accept_cycle;
    EXPECT_EQ(r.rdata, v16) << "the data survived the eviction round trip";
    EXPECT_EQ(r.latency(), L + 1u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kRd, A, false}}));
    // The eviction of a clean line is silent; the one state change is the fill of the way, reported as the
    // way's old state (the victim's E) -> the new line's E.
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 1 + L, w1, kE, kE}}));

    EXPECT_EQ(h.l1_accesses(), 7u);
    EXPECT_EQ(h.l1_misses(), 4u);
    EXPECT_EQ(h.l1_writebacks(), 1u);
}

TEST_P(L1Timing, SatpBareAccessesGoThroughTheL1)
{
    const uint32_t L = GetParam();
    const Geo g = k8192x4;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, L, Mode::Bare));
    const uint64_t X = kData + 0x7C0;  // set 31
    preload(h, g, X);
    h.boot();
    h.clear_events();
    Resp r = h.access(load(X + 0x38));  // not marked bare: satp is bare
    EXPECT_EQ(r.rdata, pattern(X + 0x38));
    EXPECT_EQ(r.latency(), L + 1u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{r.accept_cycle + 1, kRd, X, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{r.accept_cycle + 1 + L, 31u * 4, kI, kE}}));
    r = h.access(load(X, 1));
    EXPECT_EQ(r.rdata, pattern(X) & 0xFFFF);
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_TRUE(h.fills.empty()) << "no translation";
    EXPECT_EQ(h.lookups(), 0u);
}

TEST_P(L1Timing, WalkerReadsMissAsNonAllocatingRdNA)
{
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, L));
    const uint64_t D = 0x150000;
    h.map(kVa, 0, D >> 12, kR | kW | kAD);
    preload(h, g, D);
    h.boot();
    const uint64_t p2 = h.pte_addr(kVa, 2), p1 = h.pte_addr(kVa, 1), p0 = h.pte_addr(kVa, 0);

    h.clear_events();
    Resp r = h.access(load(kVa + 8));
    ASSERT_TRUE(IsOk(r));
    const uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.rdata, pattern(D + 8));
    EXPECT_EQ(r.latency(), 4u * L + 8u) << "3 PTE reads of L+2 cycles, then the data request and its miss";
    ASSERT_EQ(h.mem_reqs.size(), 4u);
    EXPECT_TRUE(AllAcceptedAtOnce(h));
    const uint64_t req_cycles[4] = {t + 1, t + 3 + L, t + 5 + 2 * L, t + 7 + 3 * L};
    const uint64_t req_addrs[4] = {p2, p1, p0, D + 8};
    for (int i = 0; i < 4; i++) {
        EXPECT_EQ(h.mem_reqs[i].cycle, req_cycles[i]) << i;
        EXPECT_EQ(h.mem_reqs[i].addr, req_addrs[i]) << i;
        EXPECT_EQ(h.mem_reqs[i].op, (unsigned)VM_MEMOP_READ) << i;
        EXPECT_FALSE(h.mem_reqs[i].cont) << i;
    }
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 2, kRdna, g.line_of(p2), false},
                                             {t + 4 + L, kRdna, g.line_of(p1), false},
                                             {t + 6 + 2 * L, kRdna, g.line_of(p0), false},
                                             {t + 8 + 3 * L, kRd, D, false}}));
    EXPECT_EQ(done_cycles(h), (std::vector<uint64_t>{t + 2 + L, t + 4 + 2 * L, t + 6 + 3 * L, t + 8 + 4 * L}));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].cycle, t + 6 + 3 * L) << "the TLB fills when the last PTE arrives";
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 8 + 4 * L, g.index(D, 0), kI, kE}}))
        << "PTE lines are not allocated: the data fill is the only state change";

    // TLB hit + L1 hit
    h.clear_events();
    r = h.access(load(kVa + 0x10));
    EXPECT_EQ(r.rdata, pattern(D + 0x10));
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_TRUE(h.bus_grants.empty());

    // walk again: the PTE lines are still I, so each read is again an RdNA; the data line hits
    h.sfence_all();
    h.clear_events();
    r = h.access(load(kVa + 0x18));
    EXPECT_EQ(r.rdata, pattern(D + 0x18));
    EXPECT_EQ(r.latency(), 3u * L + 8u);
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRdna, kRdna, kRdna}));
    EXPECT_TRUE(h.l1_chgs.empty());

    EXPECT_EQ(h.l1_accesses(), 3u) << "demand accesses only: walker reads are not counted";
    EXPECT_EQ(h.l1_misses(), 1u);
    EXPECT_EQ(h.l1_writebacks(), 0u);
    EXPECT_EQ(h.pte_reads(), 6u);
}

TEST_P(L1Timing, WalkerReadHitsACachedPteLineAndDoesNotTouchReplacement)
{
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, L));
    const uint64_t D = 0x150000;
    h.map(kVa, 0, D >> 12, kR | kW | kAD);
    preload(h, g, D);
    h.boot();
    const uint64_t p0 = h.pte_addr(kVa, 0), P = g.line_of(p0);
    const uint64_t X = P + 0x100000, Y = P + 0x200000;  // same set as the leaf PTE's line
    ASSERT_NE(g.set_of(P), g.set_of(D));
    ASSERT_NE(g.set_of(P), g.set_of(h.pte_addr(kVa, 1)));
    ASSERT_NE(g.set_of(P), g.set_of(h.pte_addr(kVa, 2)));

    // a) a demand load brings the leaf PTE's line in (way 0), b) X fills way 1: way 0 is now LRU
    Resp r = h.access(bare(load(p0)));
    EXPECT_EQ(r.rdata, h.get_pte(kVa, 0));
    ASSERT_TRUE(IsOk(h.access(bare(load(X)))));
    // c) the walk: levels 2 and 1 RdNA, level 0 hits the cached line (answer one cycle after acceptance)
    h.clear_events();
    r = h.access(load(kVa + 8));
    ASSERT_TRUE(IsOk(r));
    const uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.rdata, pattern(D + 8));
    EXPECT_EQ(r.latency(), 3u * L + 8u);
    ASSERT_EQ(h.mem_reqs.size(), 4u);
    EXPECT_EQ(h.mem_reqs[2].addr, p0);
    EXPECT_EQ(h.mem_reqs[2].cycle, t + 5 + 2 * L);
    ASSERT_EQ(h.mem_resps.size(), 4u);
    EXPECT_EQ(h.mem_resps[2].cycle, t + 6 + 2 * L) << "walker hit: one cycle";
    EXPECT_EQ(h.mem_resps[2].rdata, h.get_pte(kVa, 0));
    EXPECT_EQ(h.mem_reqs[3].cycle, t + 7 + 2 * L);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 2, kRdna, g.line_of(h.pte_addr(kVa, 2)), false},
                                             {t + 4 + L, kRdna, g.line_of(h.pte_addr(kVa, 1)), false},
                                             {t + 8 + 2 * L, kRd, D, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 8 + 3 * L, g.index(D, 0), kI, kE}}));
    // d) Y misses in that set: the walker's hit did not touch way 0, which is still the LRU victim
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(bare(load(Y)))));
    EXPECT_EQ(chgs_nc(h), (std::vector<ChgNc>{{g.index(P, 0), kE, kE}}))
        << "victim way 0 (the PTE line); way 1 (X) would mean the walker's read touched replacement";
    // e) walk again: the leaf PTE line is gone, so level 0 is an RdNA too; the data line hits
    h.sfence_all();
    h.clear_events();
    r = h.access(load(kVa + 0x10));
    EXPECT_EQ(r.rdata, pattern(D + 0x10));
    EXPECT_EQ(r.latency(), 3u * L + 8u) << "3 x (L+2), data request, data hit";
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRdna, kRdna, kRdna}));
    EXPECT_EQ(h.l1_accesses(), 5u);
    EXPECT_EQ(h.l1_misses(), 4u);
}

INSTANTIATE_TEST_SUITE_P(ModelL1, L1Timing, ::testing::Values(1u, 20u),
                         [](const ::testing::TestParamInfo<uint32_t> &i) { return "lat" + std::to_string(i.param); });

// ---------------------------------------------------------------- MESI on one core

class L1Mesi : public ::testing::TestWithParam<uint32_t> {};

TEST_P(L1Mesi, StoreMissIsBusRdXToModifiedAndTheWriteBackCarriesTheLine)
{
    const uint32_t L = GetParam();
    const Geo g = k1024x1;  // direct mapped, 32-byte lines (4 words)
    ModelHarness h(l1cfg(g, VM_REPL_LRU, L));
    const uint64_t X = kData + 7 * 32, X2 = X + g.stride();  // set 7
    preload(h, g, X);
    preload(h, g, X2);
    h.boot();
    const unsigned ix = g.index(X, 0);
    ASSERT_EQ(ix, 7u);
    const uint64_t v = 0xFEEDFACECAFEBEEFull;

    h.clear_events();
    Resp r = h.access(bare(store(X + 8, v)));
    ASSERT_TRUE(IsOk(r));
    uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.latency(), L + 1u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kRdx, X, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 1 + L, ix, kI, kM}}));
    EXPECT_EQ(h.peek(X + 8), pattern(X + 8)) << "nothing written to memory yet";

    EXPECT_EQ(h.access(bare(load(X + 8))).rdata, v);
    EXPECT_EQ(h.access(bare(load(X + 16))).rdata, pattern(X + 16)) << "the rest of the line came from memory";
    EXPECT_EQ(h.access(bare(load(X + 24))).rdata, pattern(X + 24));

    // evict the M line (direct mapped: X2 takes its place)
    h.clear_events();
    r = h.access(bare(load(X2 + 24)));
    t = r.accept_cycle;
    EXPECT_EQ(r.rdata, pattern(X2 + 24));
    EXPECT_EQ(r.latency(), 2u * L + 2u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kWb, X, true}, {t + 2 + L, kRd, X2, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 1, ix, kM, kI}, {t + 2 + 2 * L, ix, kI, kE}}));
    ASSERT_EQ(h.bus_dones.size(), 2u);
    const uint64_t want[4] = {pattern(X), v, pattern(X + 16), pattern(X + 24)};
    for (unsigned k = 0; k < 4; k++) {
        EXPECT_EQ(h.bus_dones[0].line[k], want[k]) << "write-back word " << k;
        EXPECT_EQ(h.peek(X + 8 * k), want[k]) << "memory word " << k;
        EXPECT_EQ(h.bus_dones[1].line[k], pattern(X2 + 8 * k)) << "fill word " << k;
    }

    // store hit on E (no bus), then evict that M line by reloading X: write-back of X2, fill of X
    h.clear_events();
    r = h.access(bare(store(X2, 0x77, 0)));
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{r.accept_cycle, ix, kE, kM}}));
    EXPECT_TRUE(h.bus_grants.empty());
    h.clear_events();
    r = h.access(bare(load(X + 8)));
    EXPECT_EQ(r.rdata, v) << "round trip through memory";
    EXPECT_EQ(grants_nc(h), (std::vector<GrantNc>{{kWb, X2, true}, {kRd, X, false}}));
    EXPECT_EQ(chgs_nc(h), (std::vector<ChgNc>{{ix, kM, kI}, {ix, kI, kE}}));
    EXPECT_EQ(h.peek(X2), (pattern(X2) & ~0xFFull) | 0x77);

    EXPECT_EQ(h.l1_accesses(), 7u);
    EXPECT_EQ(h.l1_misses(), 3u);
    EXPECT_EQ(h.l1_writebacks(), 2u);
}

TEST_P(L1Mesi, StateSequenceBusTrafficAndCountersExact)
{
    // 2 ways, LRU, one set: A B C D are lines a stride apart. Worked out by hand (w0 / w1 = ways of set 3):
    //  1 load  A   miss  fill w0             I->E(w0)               Rd A
    //  2 store A   hit   E->M(w0)            no bus
    //  3 load  B   miss  fill w1 (invalid)   I->E(w1)               Rd B
    //  4 load  C   miss  LRU w0 = A (M)      M->I(w0), I->E(w0)     WB A, Rd C
    //  5 load  A   miss  LRU w1 = B (E)      E->E(w1) silent        Rd A
    //  6 store C   hit   E->M(w0)            no bus
    //  7 store B   miss  LRU w1 = A (E)      E->M(w1)               RdX B
    //  8 load  D   miss  LRU w0 = C (M)      M->I(w0), I->E(w0)     WB C, Rd D
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, L));
    const uint64_t A = kData + 3 * 64, B = A + g.stride(), C = A + 2 * g.stride(), D = A + 3 * g.stride();
    for (uint64_t x : {A, B, C, D, A + 4 * g.stride()})
        preload(h, g, x);
    h.boot();
    const unsigned w0 = g.index(A, 0), w1 = g.index(A, 1);
    const uint64_t va = 0xA1A1A1A1A1A1A1A1ull, vc = 0xC3C3C3C3C3C3C3C3ull, vb = 0xB2B2B2B2B2B2B2B2ull;
    h.clear_events();
    EXPECT_EQ(h.access(bare(load(A))).rdata, pattern(A));
    EXPECT_TRUE(IsOk(h.access(bare(store(A + 8, va)))));
    EXPECT_EQ(h.access(bare(load(B))).rdata, pattern(B));
    EXPECT_EQ(h.access(bare(load(C))).rdata, pattern(C));
    EXPECT_EQ(h.access(bare(load(A + 8))).rdata, va);
    EXPECT_TRUE(IsOk(h.access(bare(store(C + 16, vc)))));
    EXPECT_TRUE(IsOk(h.access(bare(store(B + 32, vb)))));
    EXPECT_EQ(h.access(bare(load(D + 56))).rdata, pattern(D + 56));

    EXPECT_EQ(chgs_nc(h), (std::vector<ChgNc>{{w0, kI, kE},
                                              {w0, kE, kM},
                                              {w1, kI, kE},
                                              {w0, kM, kI},
                                              {w0, kI, kE},
                                              {w1, kE, kE},
                                              {w0, kE, kM},
                                              {w1, kE, kM},
                                              {w0, kM, kI},
                                              {w0, kI, kE}}));
    EXPECT_EQ(grants_nc(h), (std::vector<GrantNc>{{kRd, A, false},
                                                  {kRd, B, false},
                                                  {kWb, A, true},
                                                  {kRd, C, false},
                                                  {kRd, A, false},
                                                  {kRdx, B, false},
                                                  {kWb, C, true},
                                                  {kRd, D, false}}));
    for (const auto &e : h.l1_chgs)
        EXPECT_NE(e.new_state, kS) << "no S state with one cache";
    EXPECT_EQ(h.peek(A + 8), va) << "written back in step 4";
    EXPECT_EQ(h.peek(C + 16), vc) << "written back in step 8";
    EXPECT_EQ(h.peek(B + 32), pattern(B + 32)) << "B is still M in the cache";
    EXPECT_EQ(h.access(bare(load(B + 32))).rdata, vb);  // 9: hit on M (w1)
    EXPECT_EQ(h.l1_accesses(), 9u);
    EXPECT_EQ(h.l1_misses(), 6u);
    EXPECT_EQ(h.l1_writebacks(), 2u);

    // 10 store D   hit   E->M(w0)
    // 11 store F   miss  LRU w1 = B (M)      M->I(w1), I->M(w1)     WB B, RdX F (dirty store miss)
    const uint64_t F = A + 4 * g.stride(), vd = 0xD4D4D4D4D4D4D4D4ull, vf = 0xF6F6F6F6F6F6F6F6ull;
    h.clear_events();
    EXPECT_TRUE(IsOk(h.access(bare(store(D + 8, vd)))));
    Resp r = h.access(bare(store(F + 24, vf)));
    ASSERT_TRUE(IsOk(r));
    const uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.latency(), 2u * L + 2u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 1, kWb, B, true}, {t + 2 + L, kRdx, F, false}}));
    EXPECT_EQ(chgs_nc(h), (std::vector<ChgNc>{{w0, kE, kM}, {w1, kM, kI}, {w1, kI, kM}}));
    ASSERT_EQ(h.l1_chgs.size(), 3u);
    EXPECT_EQ(h.l1_chgs[1].cycle, t + 1);
    EXPECT_EQ(h.l1_chgs[2].cycle, t + 2 + 2 * L);
    EXPECT_EQ(h.peek(B + 32), vb);
    EXPECT_EQ(h.peek(F + 24), pattern(F + 24));
    EXPECT_EQ(h.access(bare(load(F + 24))).rdata, vf);
    EXPECT_EQ(h.access(bare(load(F + 16))).rdata, pattern(F + 16));
    EXPECT_EQ(h.l1_accesses(), 13u);
    EXPECT_EQ(h.l1_misses(), 7u);
    EXPECT_EQ(h.l1_writebacks(), 3u);
}

INSTANTIATE_TEST_SUITE_P(ModelL1, L1Mesi, ::testing::Values(1u, 20u),
                         [](const ::testing::TestParamInfo<uint32_t> &i) { return "lat" + std::to_string(i.param); });

// ---------------------------------------------------------------- replacement

namespace {
// One set, loads only (every eviction is silent, every fill one state change at set * ways + way).
// Tag k is the line kData + 3 * 64 + k * stride (set 3). Victims worked out by hand from vm_repl.sv:
// lowest invalid way first; lru: ages reset to the way number, a touch zeroes the touched way and ages the
// younger ones, victim = age ways-1; plru: tree bits reset 0, node n at bit n, the victim follows the bits
// (node = 2n + bit), a touch points each node on its path away from the touched way; fifo: a per-set pointer
// from 0, advanced only by fills that took the policy's victim; random: victim = lfsr & (ways-1), the L1's
// LFSR steps on each of its fills (invalid-way fills included) and is loaded by CSR_LFSR_SEED.
struct ReplCase {
    const char *name;
    Geo g;
    uint32_t repl;
    uint32_t seed;  // 0: no seed write (LFSR at its reset value 1)
    std::vector<unsigned> tags;
    std::vector<unsigned> ways;  // the way of each fill
    const char *hm;              // hit / miss per access
};

const std::vector<unsigned> kSeq4 = {0, 1, 2, 3, 0, 2, 4, 5, 1, 4, 6, 0};
const std::vector<unsigned> kSeq2 = {0, 1, 0, 2, 1, 2, 3, 0, 3, 1, 4};

// LRU, 4 ways, ages [w0 w1 w2 w3] after each access:
//   T0..T3 fill 0..3 -> [3 2 1 0]; T0 hit [0 3 2 1]; T2 hit [1 3 0 2]; T4 -> w1 [2 0 1 3]; T5 -> w3 [3 1 2 0];
//   T1 -> w0 [0 2 3 1]; T4 hit (w1) [1 0 3 2]; T6 -> w2 [2 1 0 3]; T0 -> w3.
// PLRU, 4 ways, bits (b1 b2 b3): fills 0..3 -> (0 0 0); T0 hit (1 1 0); T2 hit (0 1 1); T4: b1=0,b2=1 -> w1,
//   (1 0 1); T5: b1=1,b3=1 -> w3, (0 0 0); T1: -> w0, (1 1 0); T4 hit w1 (1 0 0); T6: b1=1,b3=0 -> w2,
//   (0 0 1); T0: b1=0,b2=0 -> w0.
// FIFO, 4 ways: fills 0..3 leave the pointer at 0; T4 -> w0, T5 -> w1, T1 -> w2, T4 hit, T6 -> w3, T0 -> w0.
// Random 4 ways, seed 0x1234ABCD: after the 4 invalid-way fills the LFSR is 0xF11F4ABE (&3 = 2): T4 -> w2;
//   0x788FA55F: T5 -> w3; T1, T4 hit; 0xBC67D2AC: T6 -> w0; 0x5E33E956: T0 -> w2.
// Random 4 ways, reset value 1: 1, 0x80200003, 0xC0300002, 0x60180001 (fills), 0xB02C0003: T4 -> w3;
//   0xD8360002: T5 -> w2; T1, T4 hit; 0x6C1B0001: T6 -> w1; T0 hit.
// LRU = PLRU for 2 ways (one bit = one age): T0 w0, T1 w1, T0 hit, T2 -> w1, T1 -> w0, T2 hit, T3 -> w0,
//   T0 -> w1, T3 hit, T1 -> w1, T4 -> w0.
// FIFO 2 ways: T0 w0, T1 w1, T0 hit, T2 -> w0, T1 hit, T2 hit, T3 -> w1, T0 -> w0, T3 hit, T1 -> w1, T4 -> w0.
// Random 2 ways, seed 0x1234ABCD: after 2 fills 0xC4BD2AF1 (&1 = 1): T2 -> w1; 0xE27E957B: T1 -> w1;
//   0xF11F4ABE: T2 -> w0; 0x788FA55F: T3 -> w1; 0xBC67D2AC: T0 -> w0; T3 hit; 0x5E33E956: T1 -> w0;
//   0x2F19F4AB: T4 -> w1.
// Random 2 ways, reset value 1: after 2 fills 0xC0300002: T2 -> w0; 0x60180001: T1 hit, T2 hit, T3 -> w1;
//   0xB02C0003: T0 -> w1; 0xD8360002: T3 -> w0; 0x6C1B0001: T1 -> w1; 0xB62D8003: T4 -> w1.
const ReplCase kReplCases[] = {
    {"w4_lru", k8192x4, VM_REPL_LRU, 0, kSeq4, {0, 1, 2, 3, 1, 3, 0, 2, 3}, "MMMMHHMMMHMM"},
    {"w4_plru", k8192x4, VM_REPL_PLRU, 0, kSeq4, {0, 1, 2, 3, 1, 3, 0, 2, 0}, "MMMMHHMMMHMM"},
    {"w4_fifo", k8192x4, VM_REPL_FIFO, 0, kSeq4, {0, 1, 2, 3, 0, 1, 2, 3, 0}, "MMMMHHMMMHMM"},
    {"w4_random_seeded", k8192x4, VM_REPL_RANDOM, 0x1234ABCD, kSeq4, {0, 1, 2, 3, 2, 3, 0, 2}, "MMMMHHMMHHMM"},
    {"w4_random_reset", k8192x4, VM_REPL_RANDOM, 0, kSeq4, {0, 1, 2, 3, 3, 2, 1}, "MMMMHHMMHHMH"},
    {"w2_lru", k4096x2, VM_REPL_LRU, 0, kSeq2, {0, 1, 1, 0, 0, 1, 1, 0}, "MMHMMHMMHMM"},
    {"w2_plru", k4096x2, VM_REPL_PLRU, 0, kSeq2, {0, 1, 1, 0, 0, 1, 1, 0}, "MMHMMHMMHMM"},
    {"w2_fifo", k4096x2, VM_REPL_FIFO, 0, kSeq2, {0, 1, 0, 1, 0, 1, 0}, "MMHMHHMMHMM"},
    {"w2_random_seeded", k4096x2, VM_REPL_RANDOM, 0x1234ABCD, kSeq2, {0, 1, 1, 1, 0, 1, 0, 0, 1}, "MMHMMMMMHMM"},
    {"w2_random_reset", k4096x2, VM_REPL_RANDOM, 0, kSeq2, {0, 1, 0, 1, 1, 0, 1, 1}, "MMHMHHMMMMM"},
};

uint64_t repl_line(const Geo &g, unsigned tag) { return kData + 3 * 64 + tag * g.stride(); }
void PrintTo(const ReplCase &c, std::ostream *os) { *os << c.name; }
}  // namespace

class L1Repl : public ::testing::TestWithParam<ReplCase> {};

TEST_P(L1Repl, VictimsFollowThePolicy)
{
    const ReplCase &c = GetParam();
    const Geo g = c.g;
    ModelHarness h(l1cfg(g, c.repl));
    for (unsigned t : c.tags)
        preload(h, g, repl_line(g, t));
    h.boot();
    if (c.seed)
        h.csr_write(VM_CSR_LFSR_SEED, c.seed);
    h.clear_events();
    std::string hm;
    for (unsigned t : c.tags) {
        Resp r = h.access(bare(load(repl_line(g, t) + 8)));
        ASSERT_TRUE(IsOk(r));
        EXPECT_EQ(r.rdata, pattern(repl_line(g, t) + 8)) << "tag " << t;
        hm += r.latency() == 1 ? 'H' : 'M';
    }
    EXPECT_EQ(hm, c.hm);
    std::vector<ChgNc> want;
    for (size_t i = 0; i < c.ways.size(); i++)
        want.emplace_back(3 * g.ways + c.ways[i], i < g.ways ? kI : kE, kE);
    EXPECT_EQ(chgs_nc(h), want);
    size_t misses = 0;
    for (const char *p = c.hm; *p; p++)
        misses += *p == 'M';
    EXPECT_EQ(h.count_grants(kRd), misses);
    EXPECT_EQ(h.bus_grants.size(), misses) << "clean victims: no write-back";
    EXPECT_EQ(h.l1_accesses(), c.tags.size());
    EXPECT_EQ(h.l1_misses(), misses);
}

INSTANTIATE_TEST_SUITE_P(ModelL1, L1Repl, ::testing::ValuesIn(kReplCases),
                         [](const ::testing::TestParamInfo<ReplCase> &i) { return std::string(i.param.name); });

TEST(ModelL1Repl, RandomLfsrStepsOnlyOnL1FillsNotOnTlbFillsOrWalkerReads)
{
    // The same sequence as w4_random_seeded, translated: every new page is a TLB miss (a TLB fill, which
    // steps the TLB's own LFSR) and a walk whose PTE reads are RdNAs through this L1. One CSR_LFSR_SEED write
    // seeds both arrays; the L1's victims must be exactly those of the bare run.
    const Geo g = k8192x4;
    HarnessCfg cfg = l1cfg(g, VM_REPL_RANDOM);
    cfg.tlb_repl = VM_REPL_RANDOM;
    ModelHarness h(cfg);
    for (unsigned j = 0; j < 4; j++)
        h.map(kVa + j * 0x1000, 0, (kData >> 12) + j, kR | kW | kAD);
    for (unsigned t : kSeq4)
        preload(h, g, repl_line(g, t));
    h.boot();
    h.csr_write(VM_CSR_LFSR_SEED, 0x1234ABCD);
    h.clear_events();
    for (unsigned t : kSeq4) {
        const uint64_t off = repl_line(g, t) - kData;  // tag t: page t/2, offset 0x0C0 or 0x8C0
        Resp r = h.access(load(kVa + off + 8));
        ASSERT_TRUE(IsOk(r));
        EXPECT_EQ(r.rdata, pattern(repl_line(g, t) + 8)) << "tag " << t;
    }
    EXPECT_EQ(h.fills.size(), 4u) << "four pages, four TLB fills";
    EXPECT_EQ(h.count_grants(kRdna), 12u);
    const std::vector<unsigned> ways = {0, 1, 2, 3, 2, 3, 0, 2};
    std::vector<unsigned> want;
    for (unsigned w : ways)
        want.push_back(3 * 4 + w);
    EXPECT_EQ(h.l1_chg_indices(), want);
    EXPECT_EQ(h.l1_misses(), 8u);
}

TEST(ModelL1Repl, RandomSeedWriteInAFillCycleWinsOverTheStep)
{
    // vm_repl.sv: the LFSR steps on every fill, and "seed_we_i reloads it afterwards": a CSR_LFSR_SEED write
    // in the very cycle of a fill leaves the seed itself, one cycle earlier the fill steps the seed.
    // Reset value 1; the four invalid-way fills step it to 0xB02C0003 (&3 = 3), so T4 replaces way 3.
    // Seed S = 0x1234ABCE (&3 = 2); next(S) = 0x091A55E7 (&3 = 3); next = 0x84AD2AF0 (&3 = 0);
    // next = 0x42569578 (&3 = 0). T5 is a store miss (a BusRdX fill steps the LFSR like any fill).
    //   seed in T4's fill cycle:  T5 -> w2 (S),        T6 -> w3, T7 -> w0
    //   seed one cycle earlier:   T5 -> w3 (next(S)),  T6 -> w0, T7 -> w0
    const Geo g = k8192x4;
    for (uint32_t L : {1u, 20u}) {
        for (int early = 0; early < 2; early++) {
            ModelHarness h(l1cfg(g, VM_REPL_RANDOM, L));
            h.boot();
            h.clear_events();
            for (unsigned t = 0; t < 4; t++)
                ASSERT_TRUE(IsOk(h.access(bare(load(repl_line(g, t))))));
            auto t0 = std::make_shared<uint64_t>(UINT64_MAX);
            Hook seed_at_fill = [=](ModelHarness &, uint64_t cyc, const vm_obs &, vm_in &in) {
                if (*t0 == UINT64_MAX)
                    *t0 = cyc;  // the access is accepted in its first cycle (MMU and L1 idle)
                if (cyc == *t0 + 1 + L - early) {
                    in.core[0].csr_we = 1;
                    in.core[0].csr_addr = VM_CSR_LFSR_SEED;
                    in.core[0].csr_wdata = 0x1234ABCE;
                }
            };
            Resp r = h.access(bare(load(repl_line(g, 4))), seed_at_fill);
            ASSERT_TRUE(IsOk(r));
            ASSERT_EQ(r.resp_cycle, *t0 + 1 + L) << "the fill (and the response) comes L cycles after the grant";
            ASSERT_TRUE(IsOk(h.access(bare(store(repl_line(g, 5), 0x55)))));
            ASSERT_TRUE(IsOk(h.access(bare(load(repl_line(g, 6))))));
            ASSERT_TRUE(IsOk(h.access(bare(load(repl_line(g, 7))))));
            const unsigned b = 3 * 4;
            std::vector<ChgNc> want = {{b + 0, kI, kE}, {b + 1, kI, kE}, {b + 2, kI, kE}, {b + 3, kI, kE},
                                       {b + 3, kE, kE}};
            if (!early)
                want.insert(want.end(), {{b + 2, kE, kM}, {b + 3, kE, kE}, {b + 0, kE, kE}});
            else
                want.insert(want.end(), {{b + 3, kE, kM}, {b + 0, kE, kE}, {b + 0, kE, kE}});
            EXPECT_EQ(chgs_nc(h), want) << "latency " << L << (early ? ", seed one cycle before the fill"
                                                                      : ", seed in the fill cycle");
            EXPECT_EQ(h.count_grants(kWb), 0u) << "the M line (T5) is never the victim";
        }
    }
}

TEST(ModelL1Repl, DirectMappedReplacesInPlace)
{
    const Geo g = k1024x1;
    ModelHarness h(l1cfg(g, VM_REPL_FIFO));
    const uint64_t X = kData + 31 * 32;  // set 31
    for (unsigned k = 0; k < 3; k++)
        preload(h, g, X + k * g.stride());
    h.boot();
    h.clear_events();
    for (unsigned k : {0u, 1u, 2u, 0u})
        EXPECT_EQ(h.access(bare(load(X + k * g.stride() + 24))).rdata, pattern(X + k * g.stride() + 24));
    EXPECT_EQ(h.access(bare(load(X))).latency(), 1u);
    EXPECT_EQ(chgs_nc(h), (std::vector<ChgNc>{{31, kI, kE}, {31, kE, kE}, {31, kE, kE}, {31, kE, kE}}));
    EXPECT_EQ(h.l1_misses(), 4u);
}

// ---------------------------------------------------------------- write data

namespace {
struct DataCase {
    Geo g;
    uint32_t latency;
};
void PrintTo(const DataCase &c, std::ostream *os) { *os << geo_name(c.g) << " latency " << c.latency; }
}  // namespace

class L1Data : public ::testing::TestWithParam<DataCase> {};

TEST_P(L1Data, SubwordStoresSurviveWriteBackAndRefill)
{
    const Geo g = GetParam().g;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, GetParam().latency));
    const uint64_t X = kData + 9 * g.line;  // set 9
    for (unsigned k = 0; k <= g.ways; k++)
        preload(h, g, X + k * g.stride());
    h.boot();
    // stores: the first misses (BusRdX, merged into the fill), the rest hit the M line; wdata bits above the
    // size must be ignored
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 1, 0xFFFFFFFFFFFFFFABull, 0)))));
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 2, 0x1234CDEF, 1)))));
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 4, 0xAAAA89ABCDEFull, 2)))));
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 8, 0x0123456789ABCDEFull, 3)))));
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 0x17, 0x5A, 0)))));
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 0x1C, 0xBEEF, 1)))));
    EXPECT_EQ(h.count_grants(kRdx), 1u);
    const uint64_t w0 = (pattern(X) & 0xFFull) | (0xABull << 8) | (0xCDEFull << 16) | (0x89ABCDEFull << 32);
    const uint64_t w1 = 0x0123456789ABCDEFull;
    const uint64_t w2 = (pattern(X + 16) & 0x00FFFFFFFFFFFFFFull) | (0x5Aull << 56);
    const uint64_t w3 = (pattern(X + 24) & ~(0xFFFFull << 32)) | (0xBEEFull << 32);
    auto check = [&](const char *when) {
        EXPECT_EQ(h.access(bare(load(X + 1, 0))).rdata, 0xABu) << when;
        EXPECT_EQ(h.access(bare(load(X + 0, 0))).rdata, pattern(X) & 0xFF) << when;
        EXPECT_EQ(h.access(bare(load(X + 2, 1))).rdata, 0xCDEFu) << when;
        EXPECT_EQ(h.access(bare(load(X + 4, 2))).rdata, 0x89ABCDEFu) << when;
        EXPECT_EQ(h.access(bare(load(X + 0, 2))).rdata, w0 & 0xFFFFFFFF) << when;
        EXPECT_EQ(h.access(bare(load(X + 0, 3))).rdata, w0) << when;
        EXPECT_EQ(h.access(bare(load(X + 8, 3))).rdata, w1) << when;
        EXPECT_EQ(h.access(bare(load(X + 0xC, 2))).rdata, w1 >> 32) << when;
        EXPECT_EQ(h.access(bare(load(X + 0x17, 0))).rdata, 0x5Au) << when;
        EXPECT_EQ(h.access(bare(load(X + 0x16, 1))).rdata, 0x5A00u | ((pattern(X + 16) >> 48) & 0xFF)) << when;
        EXPECT_EQ(h.access(bare(load(X + 0x10, 3))).rdata, w2) << when;
        EXPECT_EQ(h.access(bare(load(X + 0x1C, 1))).rdata, 0xBEEFu) << when;
        EXPECT_EQ(h.access(bare(load(X + 0x1E, 1))).rdata, (pattern(X + 24) >> 48) & 0xFFFF) << when;
        EXPECT_EQ(h.access(bare(load(X + 0x18, 3))).rdata, w3) << when;
    };
    check("in the cache");
    EXPECT_EQ(h.peek(X + 8), pattern(X + 8)) << "not written back yet";
    // `ways` further lines of the set: the last one evicts X (least recently used)
    h.clear_events();
    for (unsigned k = 1; k <= g.ways; k++)
        ASSERT_TRUE(IsOk(h.access(bare(load(X + k * g.stride())))));
    EXPECT_EQ(grants_nc(h).size(), g.ways + 1u);
    EXPECT_EQ(h.count_grants(kWb), 1u);
    ASSERT_FALSE(h.bus_grants.empty());
    EXPECT_EQ(std::get<1>(grants_nc(h)[g.ways - 1]), X) << "the write-back of X";
    EXPECT_EQ(h.peek(X), w0);
    EXPECT_EQ(h.peek(X + 8), w1);
    EXPECT_EQ(h.peek(X + 16), w2);
    EXPECT_EQ(h.peek(X + 24), w3);
    h.clear_events();
    check("after the write-back and refill");
    EXPECT_EQ(h.count_grants(kRd), 1u) << "one refill, then hits";
    EXPECT_EQ(h.l1_writebacks(), 1u);
}

INSTANTIATE_TEST_SUITE_P(ModelL1, L1Data,
                         ::testing::Values(DataCase{k4096x2, 1}, DataCase{k8192x4, 1}, DataCase{k1024x1, 1},
                                           DataCase{k4096x2, 20}, DataCase{k8192x4, 20}, DataCase{k1024x1, 20}),
                         [](const ::testing::TestParamInfo<DataCase> &i) {
                             return "g" + geo_name(i.param.g) + "_lat" + std::to_string(i.param.latency);
                         });

TEST(ModelL1Data, TranslatedSubwordStoresSurviveWriteBackAndRefill)
{
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, 1));
    const uint64_t P = kData + 0x5000;  // the page's physical address
    h.map(kVa, 0, P >> 12, kR | kW | kAD);
    const uint64_t off = 0x9C0;              // set 7
    for (unsigned k = 0; k < 3; k++)
        preload(h, g, P + off + k * 0x100000);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(store(kVa + off + 6, 0x77, 0))));
    ASSERT_TRUE(IsOk(h.access(store(kVa + off + 0x12, 0x9999, 1))));
    ASSERT_TRUE(IsOk(h.access(store(kVa + off + 0x2C, 0x13579BDF, 2))));
    ASSERT_TRUE(IsOk(h.access(store(kVa + off + 0x38, 0xFEDCBA9876543210ull, 3))));
    const uint64_t w0 = (pattern(P + off) & ~(0xFFull << 48)) | (0x77ull << 48);
    const uint64_t w2 = (pattern(P + off + 0x10) & ~(0xFFFFull << 16)) | (0x9999ull << 16);
    const uint64_t w5 = (pattern(P + off + 0x28) & 0xFFFFFFFFull) | (0x13579BDFull << 32);
    const uint64_t w7 = 0xFEDCBA9876543210ull;
    auto check = [&](const char *when) {
        EXPECT_EQ(h.access(load(kVa + off + 6, 0)).rdata, 0x77u) << when;
        EXPECT_EQ(h.access(load(kVa + off, 3)).rdata, w0) << when;
        EXPECT_EQ(h.access(load(kVa + off + 0x12, 1)).rdata, 0x9999u) << when;
        EXPECT_EQ(h.access(load(kVa + off + 0x10, 3)).rdata, w2) << when;
        EXPECT_EQ(h.access(load(kVa + off + 0x2C, 2)).rdata, 0x13579BDFu) << when;
        EXPECT_EQ(h.access(load(kVa + off + 0x28, 3)).rdata, w5) << when;
        EXPECT_EQ(h.access(load(kVa + off + 0x3C, 2)).rdata, w7 >> 32) << when;
        EXPECT_EQ(h.access(load(kVa + off + 0x38, 3)).rdata, w7) << when;
    };
    check("in the cache");
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(bare(load(P + off + 0x100000)))));
    ASSERT_TRUE(IsOk(h.access(bare(load(P + off + 0x200000)))));
    EXPECT_EQ(grants_nc(h), (std::vector<GrantNc>{{kRd, P + off + 0x100000, false},
                                                  {kWb, P + off, true},
                                                  {kRd, P + off + 0x200000, false}}));
    EXPECT_EQ(h.peek(P + off), w0);
    EXPECT_EQ(h.peek(P + off + 0x10), w2);
    EXPECT_EQ(h.peek(P + off + 0x28), w5);
    EXPECT_EQ(h.peek(P + off + 0x38), w7);
    check("after the write-back and refill");
}

// ---------------------------------------------------------------- walker A/D compare-and-swap (RMW)

class L1Rmw : public ::testing::TestWithParam<uint32_t> {};

namespace {
HarnessCfg adhw_cfg(uint32_t L)
{
    HarnessCfg c = l1cfg(k4096x2, VM_REPL_LRU, L);
    c.status = kPrivS | kAdhw;
    return c;
}
constexpr uint64_t kOldPpn = 0x150, kNewPpn = 0x160;
}  // namespace

TEST_P(L1Rmw, CasOnADirtyPteLineWritesItBackAndSeesTheStoredPte)
{
    // The leaf PTE is rewritten by a bare store (now in the L1 in M, memory stale). The walker's level-0
    // read hits that M line and sees the new PTE (A=0): the CAS is an RMW that takes the own M copy
    // (M -> I at grant), writes the dirty line to memory (bus_mem_write), then compares the word: equal to the
    // stored PTE, so A is set.
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(adhw_cfg(L));
    h.map(kVa, 0, kOldPpn, kR | kW);  // A=0 D=0
    h.img_write((kOldPpn << 12) + 0x18, 8, 0x1111);
    h.img_write((kNewPpn << 12) + 0x18, 8, 0x2222);
    h.boot();
    const uint64_t p0 = h.pte_addr(kVa, 0), P = g.line_of(p0), D = kNewPpn << 12;
    ASSERT_NE(g.set_of(P), g.set_of(D));
    const uint64_t old_pte = h.get_pte(kVa, 0), new_pte = leaf(kNewPpn, kR | kW);
    ASSERT_EQ(old_pte, leaf(kOldPpn, kR | kW));

    h.clear_events();
    Resp r = h.access(bare(store(p0, new_pte)));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(chgs_nc(h), (std::vector<ChgNc>{{g.index(P, 0), kI, kM}}));
    EXPECT_EQ(h.peek(p0), old_pte);

    h.clear_events();
    r = h.access(load(kVa + 0x18));
    ASSERT_TRUE(IsOk(r));
    const uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.rdata, 0x2222u) << "translated through the PTE the walker read from the L1";
    EXPECT_EQ(r.latency(), 4u * L + 10u);
    ASSERT_EQ(h.mem_reqs.size(), 5u);
    EXPECT_TRUE(AllAcceptedAtOnce(h));
    EXPECT_EQ(h.mem_reqs[2].cycle, t + 5 + 2 * L);
    EXPECT_EQ(h.mem_reqs[2].addr, p0);
    ASSERT_EQ(h.mem_resps.size(), 5u);
    EXPECT_EQ(h.mem_resps[2].cycle, t + 6 + 2 * L) << "level 0 hits the M line";
    EXPECT_EQ(h.mem_resps[2].rdata, new_pte);
    const MemReqEv &cas = h.mem_reqs[3];
    EXPECT_EQ(cas.cycle, t + 7 + 2 * L);
    EXPECT_EQ(cas.op, (unsigned)VM_MEMOP_CAS);
    EXPECT_EQ(cas.addr, p0);
    EXPECT_EQ(cas.cmp, new_pte);
    EXPECT_EQ(cas.wdata, new_pte | kA);
    EXPECT_EQ(cas.strb, 0xFFu);
    EXPECT_EQ(h.mem_reqs[4].cycle, t + 9 + 3 * L);
    EXPECT_EQ(h.mem_reqs[4].addr, D + 0x18);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 2, kRdna, g.line_of(h.pte_addr(kVa, 2)), false},
                                             {t + 4 + L, kRdna, g.line_of(h.pte_addr(kVa, 1)), false},
                                             {t + 8 + 2 * L, kRmw, P, true},
                                             {t + 10 + 3 * L, kRd, D, false}}));
    EXPECT_EQ(done_cycles(h), (std::vector<uint64_t>{t + 2 + L, t + 4 + 2 * L, t + 8 + 3 * L, t + 10 + 4 * L}));
    ASSERT_EQ(h.bus_dones.size(), 4u);
    EXPECT_EQ(h.bus_dones[2].word, new_pte) << "the RMW's old word: the dirty line's, not memory's stale PTE";
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 8 + 2 * L, g.index(P, 0), kM, kI},
                                         {t + 10 + 4 * L, g.index(D, 0), kI, kE}}));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].cycle, t + 8 + 3 * L);
    EXPECT_EQ(h.fills[0].ppn, kNewPpn);
    EXPECT_EQ(h.fills[0].perm, kV | kR | kW | kA);
    EXPECT_EQ(h.peek(p0), new_pte | kA);

    // the PTE line is I now: a bare load misses and reads memory's PTE with A set
    h.clear_events();
    r = h.access(bare(load(p0)));
    EXPECT_EQ(r.rdata, new_pte | kA);
    EXPECT_EQ(grants_nc(h), (std::vector<GrantNc>{{kRd, P, false}}));
    EXPECT_EQ(h.l1_accesses(), 3u);
    EXPECT_EQ(h.l1_misses(), 3u);
    // The RMW carried the dirty line; it is not a WriteBack transaction (PROTOCOL.md: WriteBack = eviction).
    EXPECT_EQ(h.l1_writebacks(), 0u);
}

TEST_P(L1Rmw, CasOnACleanPteLineInvalidatesItWithoutAMemoryWrite)
{
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(adhw_cfg(L));
    h.map(kVa, 0, kOldPpn, kR | kW);
    h.img_write((kOldPpn << 12) + 0x18, 8, 0x1111);
    h.boot();
    const uint64_t p0 = h.pte_addr(kVa, 0), P = g.line_of(p0), D = kOldPpn << 12;
    const uint64_t pte = h.get_pte(kVa, 0);
    EXPECT_EQ(h.access(bare(load(p0))).rdata, pte);  // the PTE line in E
    h.clear_events();
    Resp r = h.access(load(kVa + 0x18));
    const uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.rdata, 0x1111u);
    EXPECT_EQ(r.latency(), 4u * L + 10u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 2, kRdna, g.line_of(h.pte_addr(kVa, 2)), false},
                                             {t + 4 + L, kRdna, g.line_of(h.pte_addr(kVa, 1)), false},
                                             {t + 8 + 2 * L, kRmw, P, false},
                                             {t + 10 + 3 * L, kRd, D, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 8 + 2 * L, g.index(P, 0), kE, kI},
                                         {t + 10 + 4 * L, g.index(D, 0), kI, kE}}));
    ASSERT_EQ(h.bus_dones.size(), 4u);
    EXPECT_EQ(h.bus_dones[2].word, pte);
    EXPECT_EQ(h.peek(p0), pte | kA);
    EXPECT_EQ(h.access(bare(load(p0))).rdata, pte | kA) << "refetched from memory";
}

TEST_P(L1Rmw, CasOnAnUncachedPteIsAnRmwWithNoStateChange)
{
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(adhw_cfg(L));
    h.map(kVa, 0, kOldPpn, kR | kW);
    h.img_write((kOldPpn << 12) + 0x20, 8, 0x3333);
    h.boot();
    const uint64_t p0 = h.pte_addr(kVa, 0), D = kOldPpn << 12;
    const uint64_t pte = h.get_pte(kVa, 0);
    h.clear_events();
    Resp r = h.access(store(kVa + 0x20, 0x4444));
    ASSERT_TRUE(IsOk(r));
    const uint64_t t = r.accept_cycle;
    // level 0 read: RdNA (request t+5+2L, answer t+6+3L); CAS t+7+3L, RMW grant t+8+3L, done t+8+4L;
    // data store t+9+4L, BusRdX t+10+4L, done t+10+5L
    EXPECT_EQ(r.latency(), 5u * L + 10u);
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 2, kRdna, g.line_of(h.pte_addr(kVa, 2)), false},
                                             {t + 4 + L, kRdna, g.line_of(h.pte_addr(kVa, 1)), false},
                                             {t + 6 + 2 * L, kRdna, g.line_of(p0), false},
                                             {t + 8 + 3 * L, kRmw, g.line_of(p0), false},
                                             {t + 10 + 4 * L, kRdx, D, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 10 + 5 * L, g.index(D, 0), kI, kM}}));
    ASSERT_EQ(h.mem_reqs.size(), 5u);
    EXPECT_EQ(h.mem_reqs[3].op, (unsigned)VM_MEMOP_CAS);
    EXPECT_EQ(h.mem_reqs[3].wdata, pte | kA | kD) << "a store sets A and D";
    EXPECT_EQ(h.peek(p0), pte | kA | kD);
    EXPECT_EQ(h.peek(D + 0x20), 0x3333u) << "the store sits in the L1";
    EXPECT_EQ(h.access(load(kVa + 0x20)).rdata, 0x4444u);
}

TEST_P(L1Rmw, CasWritesTheWholeDirtyLineThenItsWord)
{
    // Another word of the PTE's line is dirty; the PTE itself is memory's. The RMW writes the dirty line first
    // (memctl: the line write lands at acceptance), then sets A in the PTE word one cycle later: memory ends
    // with both.
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    ModelHarness h(adhw_cfg(L));
    h.map(kVa, 0, kOldPpn, kR | kW);
    h.boot();
    const uint64_t p0 = h.pte_addr(kVa, 0), P = g.line_of(p0);
    const uint64_t nb = (p0 + 8 < P + g.line) ? p0 + 8 : p0 - 8;  // a neighbouring word (another VA's PTE slot)
    const uint64_t pte = h.get_pte(kVa, 0), junk = 0x5A5A0000;  // V=0: an invalid PTE
    ASSERT_TRUE(IsOk(h.access(bare(store(nb, junk)))));
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_EQ(grants_nc(h)[2], (GrantNc{kRmw, P, true}));
    EXPECT_EQ(chgs_nc(h)[0], (ChgNc{g.index(P, 0), kM, kI}));
    ASSERT_EQ(h.mem_resps.size(), 5u);
    EXPECT_EQ(h.mem_resps[2].rdata, pte) << "the walker read hit the M line";
    EXPECT_EQ(h.peek(nb), junk);
    EXPECT_EQ(h.peek(p0), pte | kA);
    EXPECT_EQ(h.l1_writebacks(), 0u);
}

TEST_P(L1Rmw, Sv32CasTouchesOnlyItsHalfOfADirtyWord)
{
    // Sv32: two 4-byte PTEs share an 8-byte word. The other half of the leaf PTE's word is dirty in the L1;
    // the CAS (strobes of its half only) goes out as an RMW that first writes the dirty line, then compares
    // and writes only the strobed half: memory ends with the dirty neighbour and the PTE with A set.
    // Sv32 timing: level-1 read RdNA (request t+1, answer t+2+L), level-0 read hits (t+3+L, t+4+L),
    // CAS t+5+L, RMW grant t+6+L, done t+6+2L, data request t+7+2L, Rd grant t+8+2L, answer t+8+3L.
    const uint32_t L = GetParam();
    const Geo g = k4096x2;
    HarnessCfg c = adhw_cfg(L);
    c.mode = Mode::Sv32;
    ModelHarness h(c);
    h.map(kVa, 0, kOldPpn, kR | kW);  // A=0 D=0
    h.img_write((kOldPpn << 12) + 0x40, 4, 0xC0FFEE);  // line 0x150040, set 1
    h.boot();
    const uint64_t p0 = h.pte_addr(kVa, 0), P = g.line_of(p0), D = (kOldPpn << 12) + 0x40;
    const uint64_t word = p0 & ~7ull, nb = p0 ^ 4;  // the other half of the PTE's word
    const unsigned sh = (p0 & 4) ? 32 : 0;
    const uint64_t pte = h.get_pte(kVa, 0), junk = 0x0BADF00Eull;  // V=0
    ASSERT_NE(g.set_of(P), g.set_of(D));
    ASSERT_TRUE(IsOk(h.access(bare(store(nb, junk, 2)))));
    h.clear_events();
    Resp r = h.access(load(kVa + 0x40, 2));
    ASSERT_TRUE(IsOk(r));
    const uint64_t t = r.accept_cycle;
    EXPECT_EQ(r.rdata, 0xC0FFEEu);
    EXPECT_EQ(r.latency(), 3u * L + 8u);
    ASSERT_EQ(h.mem_reqs.size(), 4u);
    const MemReqEv &cas = h.mem_reqs[2];
    EXPECT_EQ(cas.cycle, t + 5 + L);
    EXPECT_EQ(cas.op, (unsigned)VM_MEMOP_CAS);
    EXPECT_EQ(cas.addr, word);
    EXPECT_EQ(cas.strb, sh ? 0xF0u : 0x0Fu);
    EXPECT_EQ(cas.cmp & (0xFFFFFFFFull << sh), pte << sh);
    EXPECT_EQ(cas.wdata & (0xFFFFFFFFull << sh), (pte | kA) << sh);
    ASSERT_EQ(h.mem_resps.size(), 4u);
    EXPECT_EQ(h.mem_resps[1].cycle, t + 4 + L) << "level 0 hits the M line";
    EXPECT_EQ((h.mem_resps[1].rdata >> (32 - sh)) & 0xFFFFFFFF, junk) << "the walker read the dirty word";
    EXPECT_EQ(grants(h), (std::vector<Grant>{{t + 2, kRdna, g.line_of(h.pte_addr(kVa, 1)), false},
                                             {t + 6 + L, kRmw, P, true},
                                             {t + 8 + 2 * L, kRd, D, false}}));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{t + 6 + L, g.index(P, 0), kM, kI},
                                         {t + 8 + 3 * L, g.index(D, 0), kI, kE}}));
    EXPECT_EQ(h.peek(word), ((pte | kA) << sh) | (junk << (32 - sh)));
    EXPECT_EQ(h.peek_pte(p0), pte | kA);
}

INSTANTIATE_TEST_SUITE_P(ModelL1, L1Rmw, ::testing::Values(1u, 20u),
                         [](const ::testing::TestParamInfo<uint32_t> &i) { return "lat" + std::to_string(i.param); });

// ---------------------------------------------------------------- counters and req_cont

TEST(ModelL1Counters, ContinuedPiecesCountOneAccessAndAtMostOneMiss)
{
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, 1));
    uint64_t Ln[8];
    for (unsigned i = 0; i < 8; i++) {
        Ln[i] = kData + i * 64;  // sets 0..7
        preload(h, g, Ln[i]);
    }
    h.boot();
    struct Step {
        std::vector<Req> pieces;
        uint64_t acc, miss;  // counters after the access
        const char *what;
    };
    auto lw = [](uint64_t a, unsigned s) { return bare(load(a, s)); };
    const Step steps[] = {
        {{lw(Ln[0] + 0x3C, 2), cont(lw(Ln[1], 2))}, 1, 1, "both pieces miss: one miss"},
        {{lw(Ln[0] + 0x3C, 2), cont(lw(Ln[1], 2))}, 2, 1, "both hit"},
        {{lw(Ln[1] + 0x38, 3), cont(lw(Ln[2], 3))}, 3, 2, "hit then miss"},
        {{lw(Ln[3] + 0x3F, 0), cont(lw(Ln[4], 3)), cont(lw(Ln[4] + 8, 3))}, 4, 3, "miss, miss, hit: three pieces"},
        {{lw(Ln[5], 3)}, 5, 4, "a new access after a missed one counts its own miss"},
        {{lw(Ln[5] + 0x3C, 2), cont(lw(Ln[6], 2))}, 6, 5, "hit then miss"},
        {{lw(Ln[6] + 0x3E, 1), cont(lw(Ln[7], 1)), cont(lw(Ln[7] + 2, 1))}, 7, 6, "hit, miss, hit"},
        {{lw(Ln[7] + 0x3C, 2), cont(lw(Ln[7] + 0x38, 2))}, 8, 6, "hit, hit"},
    };
    for (const Step &s : steps) {
        h.clear_events();
        for (const Req &p : s.pieces) {
            Resp r = h.access(p);
            ASSERT_TRUE(IsOk(r));
            EXPECT_EQ(r.rdata, (pattern(p.addr & ~7ull) >> (8 * (p.addr & 7))) & ((2ull << (8 * (1u << p.size) - 1)) - 1))
                << s.what;
        }
        ASSERT_EQ(h.mem_reqs.size(), s.pieces.size());
        for (size_t i = 0; i < s.pieces.size(); i++)
            EXPECT_EQ(h.mem_reqs[i].cont, i > 0) << s.what << ": the L1 sees req_cont on piece " << i;
        EXPECT_EQ(h.l1_accesses(), s.acc) << s.what;
        EXPECT_EQ(h.l1_misses(), s.miss) << s.what;
    }
    EXPECT_EQ(h.l1_writebacks(), 0u);
    // a split store, then a split load of the same bytes
    const uint64_t v = 0x1122334455667788ull;
    ASSERT_TRUE(IsOk(h.access(bare(store(Ln[2] + 0x3C, v & 0xFFFFFFFF, 2)))));
    ASSERT_TRUE(IsOk(h.access(cont(bare(store(Ln[3], v >> 32, 2))))));
    const uint64_t lo = h.access(bare(load(Ln[2] + 0x3C, 2))).rdata;
    const uint64_t hi = h.access(cont(bare(load(Ln[3], 2)))).rdata;
    EXPECT_EQ(lo | hi << 32, v);
    EXPECT_EQ(h.l1_accesses(), 10u);
    EXPECT_EQ(h.l1_misses(), 6u);
}

TEST(ModelL1Counters, ContinuedPieceAcrossAPageWithAWalkInBetween)
{
    // An 8-byte load across a page boundary, split in two: the second piece misses the TLB, so the walker's
    // three RdNA reads come between the pieces. Walker requests are not demand accesses and do not reset
    // the "this access missed" state: one access, one miss, although both data lines miss.
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, 1));
    const uint64_t P0 = 0x150000, P1 = 0x1A0000;
    h.map(kVa, 0, P0 >> 12, kR | kW | kAD);
    h.map(kVa + 0x1000, 0, P1 >> 12, kR | kW | kAD);
    h.img_write(P0 + 0xFF8, 8, 0xAABBCCDD00000000ull);
    h.img_write(P1, 8, 0x11223344);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));  // the first page's TLB entry (its data line is in another set)
    EXPECT_EQ(h.l1_accesses(), 1u);
    EXPECT_EQ(h.l1_misses(), 1u);
    h.clear_events();
    Resp a = h.access(load(kVa + 0xFFC, 2));
    Resp b = h.access(cont(load(kVa + 0x1000, 2)));
    ASSERT_TRUE(IsOk(a));
    ASSERT_TRUE(IsOk(b));
    EXPECT_EQ(a.rdata | b.rdata << 32, 0x11223344AABBCCDDull);
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRd, kRdna, kRdna, kRdna, kRd}));
    ASSERT_EQ(h.mem_reqs.size(), 5u);
    const bool want_cont[5] = {false, false, false, false, true};
    for (int i = 0; i < 5; i++)
        EXPECT_EQ(h.mem_reqs[i].cont, want_cont[i]) << i;
    EXPECT_EQ(h.l1_accesses(), 2u);
    EXPECT_EQ(h.l1_misses(), 2u);
    // again: every piece hits TLB and L1
    a = h.access(load(kVa + 0xFFC, 2));
    b = h.access(cont(load(kVa + 0x1000, 2)));
    EXPECT_EQ(a.latency() + b.latency(), 2u);
    EXPECT_EQ(h.l1_accesses(), 3u);
    EXPECT_EQ(h.l1_misses(), 2u);
}

// ---------------------------------------------------------------- model-only

TEST(ModelL1ModelOnly, HitsAreServedFromTheCacheAndWriteBacksWriteTheWholeLine)
{
    VMT_MODEL_ONLY("pokes memory underneath the cache mid-run");
    const Geo g = k4096x2;
    ModelHarness h(l1cfg(g, VM_REPL_LRU, 1));
    const uint64_t X = kData + 12 * 64, Y = X + g.stride(), Z = X + 2 * g.stride(), W = X + 3 * g.stride();
    for (uint64_t x : {X, Y, Z, W})
        preload(h, g, x);
    h.boot();
    EXPECT_EQ(h.access(bare(load(X))).rdata, pattern(X));
    ASSERT_EQ(vm_model_poke(h.model(), X >> 3, 0xBAD0), 0);
    ASSERT_EQ(vm_model_poke(h.model(), (X + 8) >> 3, 0xBAD8), 0);
    EXPECT_EQ(h.access(bare(load(X))).rdata, pattern(X)) << "a hit does not read memory";
    ASSERT_TRUE(IsOk(h.access(bare(store(X + 16, 0x16)))));  // E -> M
    ASSERT_TRUE(IsOk(h.access(bare(load(Y)))));
    ASSERT_TRUE(IsOk(h.access(bare(load(Z)))));               // evicts X (M): the whole line goes back
    EXPECT_EQ(h.peek(X), pattern(X)) << "the write-back wrote the cached line over the poked words";
    EXPECT_EQ(h.peek(X + 8), pattern(X + 8));
    EXPECT_EQ(h.peek(X + 16), 0x16u);
    // a clean line is dropped silently: the poke under it shows after the refill
    ASSERT_EQ(vm_model_poke(h.model(), Y >> 3, 0x5EED), 0);
    ASSERT_TRUE(IsOk(h.access(bare(load(W)))));  // evicts Y (E)
    EXPECT_EQ(h.peek(Y), 0x5EEDu) << "no write-back of a clean line";
    EXPECT_EQ(h.access(bare(load(Y))).rdata, 0x5EEDu);
    EXPECT_EQ(h.l1_writebacks(), 1u);
}

TEST(ModelL1ModelOnly, QuietCycleSkippingMatchesStepping)
{
    VMT_MODEL_ONLY("event skipping is a model engine feature");
    // vm_model_skip must advance exactly as stepping would, with the L1, bus and memory controller busy:
    // misses, dirty misses, RdNA walks and an RMW.
    auto run = [](bool skip, std::vector<Resp> &out, std::vector<uint64_t> &perf, std::vector<uint64_t> &mem) {
        const Geo g = k4096x2;
        ModelHarness h(adhw_cfg(20));
        h.map(kVa, 0, kOldPpn, kR | kW);
        const uint64_t A = kData + 64, B = A + g.stride(), C = A + 2 * g.stride();
        h.boot();
        h.skip_quiet = skip;
        out.push_back(h.access(bare(store(A + 8, 0xA8))));
        out.push_back(h.access(bare(load(B))));
        out.push_back(h.access(bare(load(C))));  // dirty miss
        out.push_back(h.access(load(kVa + 0x18)));  // walk, RMW
        out.push_back(h.access(store(kVa + 0x20, 0x77)));  // D=0 hit: walk again, RMW
        out.push_back(h.access(bare(load(A + 8))));
        out.push_back(h.access(bare(load(h.pte_addr(kVa, 0)))));
        if (skip)
            EXPECT_GT(h.skipped, 100u) << "the skipping run really skipped";
        for (unsigned a = VM_CSR_PERF_LOADS; a <= VM_CSR_PERF_L1_WRITEBACKS; a++)
            perf.push_back(h.csr_read(a));
        perf.push_back(h.cycle());
        for (uint64_t pa : {A + 8, h.pte_addr(kVa, 0), (kOldPpn << 12) + 0x20})
            mem.push_back(h.peek(pa));
    };
    std::vector<Resp> a, b;
    std::vector<uint64_t> pa, pb, ma, mb;
    run(false, a, pa, ma);
    run(true, b, pb, mb);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++) {
        EXPECT_EQ(a[i].resp_cycle, b[i].resp_cycle) << "access " << i;
        EXPECT_EQ(a[i].accept_cycle, b[i].accept_cycle) << "access " << i;
        EXPECT_EQ(a[i].rdata, b[i].rdata) << "access " << i;
        EXPECT_EQ(a[i].fault, b[i].fault) << "access " << i;
    }
    EXPECT_EQ(pa, pb);
    EXPECT_EQ(ma, mb);
    EXPECT_EQ(a[5].rdata, 0xA8u);
    EXPECT_EQ(a[6].rdata, leaf(kOldPpn, kR | kW | kA | kD));
}
