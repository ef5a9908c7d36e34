// SPDX-License-Identifier: MIT
// Directed tests of the page DMA engine (rtl/mem/vm_dma.sv, twin model/mem/vm_dma.c) in the system top
// (vm_soc: bus master 0 = the core's L1, master 1 = the DMA engine): ZERO, COPY, TO_BUF / FROM_BUF through the
// swap buffer's host port, page-address wrap at the memory size, coherence with the L1 (RDNA reads, WLI
// writes) and the core running during a command.
// Built twice (CMake): on the model alone and, with VMT_LOCKSTEP, on RTL + model in lockstep. Every test here
// runs the data-value monitor (shadow.h): always in lockstep builds (vm_sim), and in model builds through
// HarnessCfg::shadow.
//
// Expected values are worked out by hand from the documented rules, never copied from model output:
//   vm_dma.sv    one command at a time, accepted in a cycle whose observation shows dma_ready (state idle);
//                page numbers are taken modulo the memory size at acceptance (low 12 bits ignored); line by
//                line in address order, reads are RdNA, writes are WLI; COPY = RdNA src line i, then WLI dst
//                line i; TO_BUF = RdNA only (the line lands in the buffer); ZERO and FROM_BUF = WLI only;
//                after a completion (bus done) the next request is up in the next cycle; dma_done pulses with
//                the last line's completion, and the engine is idle (dma_ready) the cycle after.
//   vm_bus.sv    an idle bus grants a request at once; a transaction owns the bus from grant to done; the next
//                grant comes the cycle after done; round-robin between the L1 and the DMA engine.
//   vm_memctl.sv accepts in the grant cycle, answers L cycles later; a line write (WLI, a supplied dirty
//                line) lands at acceptance and a read returns the line after that write.
//   PROTOCOL.md  snoop at grant: RdNA on an M copy supplies it (bus_mem_write, M -> E), on S/E nothing;
//                WLI invalidates every copy (E -> I, M -> I with the dirty data dropped); the state change is
//                at the grant cycle's edge. A hit answers the cycle after acceptance; an L1 accepts nothing in
//                a cycle in which it is snooped.
// Hence, with memory latency L, n = 4096 / line lines per page, a command accepted in cycle a and the core
// idle (so every DMA request is granted the cycle it is raised):
//   ZERO, FROM_BUF   line i: WLI grant a+1+i(L+1), done a+(i+1)(L+1)          dma_done a + n(L+1)
//   TO_BUF           line i: RdNA grant a+1+i(L+1), done a+(i+1)(L+1)         dma_done a + n(L+1)
//   COPY             line i: RdNA grant a+1+2i(L+1), done a+1+L+2i(L+1);
//                            WLI  grant a+2+L+2i(L+1), done a+2(i+1)(L+1)     dma_done a + 2n(L+1)
//   DmaResult::cycles() = dma_done cycle - accepting cycle: n(L+1) (2n(L+1) for COPY); counting both end
//   cycles the command spans n(L+1) + 1 cycles. A supplied dirty line or an invalidation costs nothing extra.
#include "model_harness.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

using namespace vmt;

namespace {

constexpr unsigned kI = VM_MESI_I, kE = VM_MESI_E, kM = VM_MESI_M;
constexpr unsigned kRd = VM_BUS_RD, kRdna = VM_BUS_RDNA, kWli = VM_BUS_WLI;
constexpr unsigned kZero = VM_DMA_ZERO, kCopy = VM_DMA_COPY, kToBuf = VM_DMA_TO_BUF, kFromBuf = VM_DMA_FROM_BUF;
constexpr unsigned kPageWords = 512;

// An L1 geometry verilated for lockstep (CMakeLists.txt VM_RTL_SOC_VARIANTS).
struct Geo {
    uint32_t size, ways, line;
    uint32_t sets() const { return size / line / ways; }
    unsigned set_of(uint64_t pa) const { return (unsigned)((pa / line) % sets()); }
    unsigned index(uint64_t pa, unsigned way) const { return set_of(pa) * ways + way; }  // l1_chg_index
    uint64_t line_of(uint64_t pa) const { return pa & ~(uint64_t)(line - 1); }
    unsigned words() const { return line / 8; }
    unsigned page_lines() const { return 4096 / line; }
};
constexpr Geo k4096x2{4096, 2, 64};  // 32 sets, 64 lines per page
constexpr Geo k8192x4{8192, 4, 64};  // 32 sets
constexpr Geo k1024x1{1024, 1, 32};  // 32 sets, direct mapped, 128 lines per page
// Line i of any page is in set i % 32 on all three (a page is a multiple of 32 lines).

struct Param {
    Geo g;
    uint32_t lat;
};
std::string param_name(const ::testing::TestParamInfo<Param> &i)
{
    const Geo &g = i.param.g;
    return "l1_" + std::to_string(g.size) + "x" + std::to_string(g.ways) + "x" + std::to_string(g.line) + "_lat" +
           std::to_string(i.param.lat);
}
const auto kParams = ::testing::Values(Param{k4096x2, 1}, Param{k4096x2, 20}, Param{k8192x4, 1},
                                       Param{k8192x4, 20}, Param{k1024x1, 1}, Param{k1024x1, 20});

HarnessCfg cfg(const Geo &g, uint32_t latency, uint64_t mem_bytes = 4ull << 20)
{
    HarnessCfg c;
    c.mode = Mode::Sv39;
    c.mem_latency = latency;
    c.mem_bytes = mem_bytes;
    c.l1_size = g.size;
    c.l1_ways = g.ways;
    c.l1_line = g.line;
    c.l1_repl = VM_REPL_LRU;
    c.shadow = true;
    return c;
}

// Distinct word patterns per page role.
uint64_t patA(uint64_t pa) { return 0x5A5A000000000000ull ^ (pa * 0x9E3779B97F4A7C15ull); }
uint64_t patB(uint64_t pa) { return 0xB0B0000000000000ull ^ (pa * 0xC2B2AE3D27D4EB4Full) ^ 1; }
uint64_t patC(uint64_t pa) { return 0x3C3C000000000000ull ^ (pa * 0x165667B19E3779F9ull) ^ 2; }

template <class F> void fill_page(ModelHarness &h, uint64_t page, F pat)
{
    for (unsigned k = 0; k < kPageWords; k++)
        h.img_write(page + 8 * k, 8, pat(page + 8 * k));
}

uint64_t ld(ModelHarness &h, const Req &r)
{
    Resp x = h.access(r);
    EXPECT_TRUE(IsOk(x)) << "load of 0x" << std::hex << r.addr;
    return x.rdata;
}
void st(ModelHarness &h, const Req &r)
{
    Resp x = h.access(r);
    EXPECT_TRUE(IsOk(x)) << "store to 0x" << std::hex << r.addr;
}

using Chg = std::tuple<uint64_t, unsigned, unsigned, unsigned>;       // cycle, index, old, new
using DGrant = std::tuple<uint64_t, unsigned, uint64_t, bool>;        // cycle, type, line address, mem_write

std::vector<Chg> chgs(const ModelHarness &h)
{
    std::vector<Chg> v;
    for (const auto &e : h.l1_chgs)
        v.emplace_back(e.cycle, e.index, e.old_state, e.new_state);
    return v;
}
std::vector<DGrant> dma_grants(const ModelHarness &h)
{
    std::vector<DGrant> v;
    for (const auto &e : h.grants_by(1))
        v.emplace_back(e.cycle, e.type, e.addr, e.mem_write);
    return v;
}

// The DMA grants an idle-core command must produce (see the header): per line, RdNA of src and/or WLI of dst.
std::vector<DGrant> expected_grants(const Geo &g, uint32_t L, uint64_t a, unsigned op, uint64_t src, uint64_t dst)
{
    std::vector<DGrant> v;
    const uint64_t T = L + 1;
    for (unsigned i = 0; i < g.page_lines(); i++) {
        const uint64_t off = (uint64_t)i * g.line;
        switch (op) {
        case kCopy:
            v.emplace_back(a + 1 + 2 * i * T, kRdna, src + off, false);
            v.emplace_back(a + 2 + L + 2 * i * T, kWli, dst + off, true);
            break;
        case kToBuf:
            v.emplace_back(a + 1 + i * T, kRdna, src + off, false);
            break;
        default:  // ZERO, FROM_BUF
            v.emplace_back(a + 1 + i * T, kWli, dst + off, true);
            break;
        }
    }
    return v;
}

// The grant of master 1 of `type` at line `line_pa` (the first one in the log).
const BusGrantEv *dma_grant_of(const ModelHarness &h, unsigned type, uint64_t line_pa)
{
    for (const auto &e : h.bus_grants)
        if (e.master == 1 && e.type == type && e.addr == line_pa)
            return &e;
    return nullptr;
}

constexpr uint64_t kPgS = 0x120000, kPgD = 0x130000, kPgU = 0x140000, kPgQ = 0x150000, kPgR = 0x160000;
constexpr uint64_t kVaS = 0x40000000, kVaD = 0x40001000, kVaU = 0x40002000;

}  // namespace

// ---------------------------------------------------------------- ZERO

class DmaZero : public ::testing::TestWithParam<Param> {};

TEST_P(DmaZero, ZeroesThePageWithOneWliPerLineInAddressOrder)
{
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const unsigned n = g.page_lines();
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgD, patB);
    h.map(kVaD, 0, kPgD >> 12, kR | kW | kAD);
    h.boot();
    h.clear_events();
    DmaResult r = h.dma(kZero, 0xDEAD000, kPgD);  // src is ignored by ZERO
    ASSERT_FALSE(r.timed_out);
    const uint64_t a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), (uint64_t)n * (L + 1)) << "n lines x (L+1): grant the cycle after the previous done";
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, a, kZero, 0, kPgD));
    EXPECT_EQ(h.grants_by(1).size(), (size_t)n) << "exactly 4096/line WLI grants by master 1";
    EXPECT_TRUE(h.grants_by(0).empty());
    for (const auto &e : h.bus_grants)
        for (unsigned k = 0; k < g.words(); k++)
            ASSERT_EQ(e.line[k], 0u) << "a ZERO WLI writes a line of zeros";
    ASSERT_EQ(h.bus_dones.size(), (size_t)n);
    for (unsigned i = 0; i < n; i++)
        EXPECT_EQ(h.bus_dones[i].cycle, a + (i + 1) * (uint64_t)(L + 1)) << "line " << i;
    EXPECT_EQ(h.dma_dones, (std::vector<uint64_t>{a + n * (uint64_t)(L + 1)}));
    EXPECT_TRUE(h.l1_chgs.empty()) << "nothing was cached";
    // memory, then the core (bare, and translated for a sample)
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(kPgD + 8 * k), 0u) << "word " << k;
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(ld(h, bare(load(kPgD + 8 * k))), 0u) << "word " << k;
    for (unsigned k = 0; k < kPageWords; k += 37)
        EXPECT_EQ(ld(h, load(kVaD + 8 * k)), 0u) << "word " << k;
    EXPECT_EQ(ld(h, load(kVaD + 0xFFC, 2)), 0u);
}

TEST_P(DmaZero, ABackToBackCommandIsAcceptedTheCycleAfterDone)
{
    // dma_done in cycle d (the last line's done): the engine is idle from d+1, so a command held on the port
    // is accepted at d+1 and its first WLI granted at d+2.
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const uint64_t n = g.page_lines(), T = L + 1;
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgD, patB);
    fill_page(h, kPgQ, patC);
    h.boot();
    h.clear_events();
    const uint64_t a = h.dma_start(kZero, 0, kPgD);
    EXPECT_FALSE(h.step(vm_in{}).dma_ready) << "busy from the cycle after acceptance";
    const uint64_t b = h.dma_start(kZero, 0, kPgQ);  // offered every cycle until accepted
    EXPECT_EQ(h.dma_dones, (std::vector<uint64_t>{a + n * T}));
    EXPECT_EQ(b, a + n * T + 1);
    DmaResult r = h.dma_wait();
    EXPECT_EQ(r.accept_cycle, b);
    EXPECT_EQ(r.cycles(), n * T);
    auto want = expected_grants(g, L, a, kZero, 0, kPgD), w2 = expected_grants(g, L, b, kZero, 0, kPgQ);
    want.insert(want.end(), w2.begin(), w2.end());
    EXPECT_EQ(dma_grants(h), want);
    for (unsigned k = 0; k < kPageWords; k++) {
        ASSERT_EQ(h.peek(kPgD + 8 * k), 0u);
        ASSERT_EQ(h.peek(kPgQ + 8 * k), 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(ModelDma, DmaZero, kParams, param_name);

// ---------------------------------------------------------------- COPY

class DmaCopy : public ::testing::TestWithParam<Param> {};

TEST_P(DmaCopy, CopiesThePageRdnaThenWliPerLine)
{
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const unsigned n = g.page_lines();
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgS, patA);
    fill_page(h, kPgD, patB);
    h.map(kVaD, 0, kPgD >> 12, kR | kW | kAD);
    h.boot();
    h.clear_events();
    DmaResult r = h.dma(kCopy, kPgS, kPgD);
    ASSERT_FALSE(r.timed_out);
    const uint64_t a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), 2ull * n * (L + 1));
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, a, kCopy, kPgS, kPgD));
    EXPECT_TRUE(h.grants_by(0).empty());
    // each WLI carries the line its RdNA read
    for (const auto &e : h.grants_by(1))
        if (e.type == kWli)
            for (unsigned k = 0; k < g.words(); k++)
                ASSERT_EQ(e.line[k], patA(e.addr - kPgD + kPgS + 8 * k));
    EXPECT_EQ(h.dma_dones, (std::vector<uint64_t>{a + 2ull * n * (L + 1)}));
    for (unsigned k = 0; k < kPageWords; k++) {
        ASSERT_EQ(h.peek(kPgD + 8 * k), patA(kPgS + 8 * k)) << "dst word " << k;
        ASSERT_EQ(h.peek(kPgS + 8 * k), patA(kPgS + 8 * k)) << "src word " << k;
    }
    for (unsigned k = 0; k < kPageWords; k += 5)
        ASSERT_EQ(ld(h, bare(load(kPgD + 8 * k))), patA(kPgS + 8 * k));
    for (unsigned k = 3; k < kPageWords; k += 41)
        EXPECT_EQ(ld(h, load(kVaD + 8 * k)), patA(kPgS + 8 * k));
}

TEST_P(DmaCopy, DirtySourceLinesAreSuppliedByTheL1)
{
    // Source lines 0, 3 and n-1 are M in the L1 (bare stores), line 5 is E (a load). The RdNA of an M line
    // makes the L1 supply it: bus_mem_write at that grant, the grant's line is the dirty line, M -> E at the
    // grant; memory gets the line; the copy carries the stored words. An E line is just read (no change).
    // A supplied line is not a write-back (the counter stays 0) and costs no extra cycle.
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const unsigned n = g.page_lines();
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgS, patA);
    fill_page(h, kPgD, patB);
    h.boot();
    const unsigned dirty[3] = {0, 3, n - 1}, clean = 5;
    std::map<uint64_t, uint64_t> stored;  // pa -> value
    for (unsigned i : dirty) {
        const uint64_t pa = kPgS + (uint64_t)i * g.line + 8 * (i % g.words());
        stored[pa] = 0xD1D1000000000000ull | pa;
        st(h, bare(store(pa, stored[pa])));
    }
    EXPECT_EQ(ld(h, bare(load(kPgS + clean * g.line + 8))), patA(kPgS + clean * g.line + 8));
    h.clear_events();
    DmaResult r = h.dma(kCopy, kPgS, kPgD);
    const uint64_t a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), 2ull * n * (L + 1)) << "a supplied line costs nothing extra";
    auto want = expected_grants(g, L, a, kCopy, kPgS, kPgD);
    for (auto &w : want)
        for (unsigned i : dirty)
            if (std::get<1>(w) == kRdna && std::get<2>(w) == kPgS + (uint64_t)i * g.line)
                std::get<3>(w) = true;  // the dirty line is written to memory by that RdNA
    EXPECT_EQ(dma_grants(h), want);
    std::vector<Chg> want_chg;
    for (unsigned i : dirty)
        want_chg.emplace_back(a + 1 + 2ull * i * (L + 1), g.index(kPgS + (uint64_t)i * g.line, 0), kM, kE);
    EXPECT_EQ(chgs(h), want_chg) << "M -> E at the RdNA grant; the E line (5) does not change";
    for (unsigned i : dirty) {
        const BusGrantEv *e = dma_grant_of(h, kRdna, kPgS + (uint64_t)i * g.line);
        ASSERT_NE(e, nullptr);
        for (unsigned k = 0; k < g.words(); k++) {
            const uint64_t pa = kPgS + (uint64_t)i * g.line + 8 * k;
            EXPECT_EQ(e->line[k], stored.count(pa) ? stored[pa] : patA(pa)) << "the supplied line, word " << k;
        }
    }
    for (unsigned k = 0; k < kPageWords; k++) {
        const uint64_t pa = kPgS + 8 * k;
        const uint64_t want_v = stored.count(pa) ? stored[pa] : patA(pa);
        ASSERT_EQ(h.peek(kPgD + 8 * k), want_v) << "dst word " << k;
        ASSERT_EQ(h.peek(pa), want_v) << "src word " << k << ": the supplied line reached memory";
    }
    EXPECT_EQ(h.l1_writebacks(), 0u);
    // The copies are E now: a store hits without a bus transaction (E -> M), a load hits.
    h.clear_events();
    const uint64_t pa0 = kPgS + 8 * 0;
    Resp s = h.access(bare(store(pa0 + 8, 0x77)));
    ASSERT_TRUE(IsOk(s));
    EXPECT_EQ(s.latency(), 1u);
    EXPECT_TRUE(h.bus_grants.empty());
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{s.accept_cycle, g.index(pa0, 0), kE, kM}}));
    EXPECT_EQ(ld(h, bare(load(kPgD + dirty[1] * g.line + 8 * (dirty[1] % g.words())))),
              stored[kPgS + dirty[1] * g.line + 8 * (dirty[1] % g.words())]);
}

TEST_P(DmaCopy, CachedDestinationLinesAreInvalidatedAndADirtyOneDropped)
{
    // Destination line 1 is E (load), line 2 is M (store), line 4 is M (load then store). Each WLI
    // invalidates at its grant (E -> I, M -> I); the dirty data is dropped: memory and later loads give the
    // copied data, and there is no write-back.
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const unsigned n = g.page_lines();
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgS, patA);
    fill_page(h, kPgD, patB);
    h.map(kVaD, 0, kPgD >> 12, kR | kW | kAD);
    h.boot();
    const uint64_t d1 = kPgD + 1 * g.line, d2 = kPgD + 2 * g.line, d4 = kPgD + 4 * g.line;
    EXPECT_EQ(ld(h, bare(load(d1 + 8))), patB(d1 + 8));
    st(h, bare(store(d2 + 16, 0xDEADBEEF)));
    EXPECT_EQ(ld(h, load(kVaD + 4 * g.line)), patB(d4));
    st(h, store(kVaD + 4 * g.line + 8, 0xFEEDFACE));
    EXPECT_EQ(h.peek(d2 + 16), patB(d2 + 16)) << "the store sits in the L1";
    h.clear_events();
    DmaResult r = h.dma(kCopy, kPgS, kPgD);
    const uint64_t a = r.accept_cycle, T = L + 1;
    EXPECT_EQ(r.cycles(), 2ull * n * T);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, a, kCopy, kPgS, kPgD));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{a + 2 + L + 2 * 1 * T, g.index(d1, 0), kE, kI},
                                         {a + 2 + L + 2 * 2 * T, g.index(d2, 0), kM, kI},
                                         {a + 2 + L + 2 * 4 * T, g.index(d4, 0), kM, kI}}));
    const BusGrantEv *w2 = dma_grant_of(h, kWli, d2);
    ASSERT_NE(w2, nullptr);
    EXPECT_EQ(w2->line[2], patA(kPgS + 2 * g.line + 16)) << "the WLI writes the copied line, not the dirty one";
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(kPgD + 8 * k), patA(kPgS + 8 * k)) << "dst word " << k;
    EXPECT_EQ(h.l1_writebacks(), 0u) << "the dirty lines were dropped, never written back";
    // later loads miss (the lines are I) and return the copied data
    h.clear_events();
    Resp x = h.access(bare(load(d2 + 16)));
    EXPECT_EQ(x.rdata, patA(kPgS + 2 * g.line + 16));
    EXPECT_EQ(x.latency(), L + 1u) << "a miss";
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{x.accept_cycle + 1 + L, g.index(d2, 0), kI, kE}}));
    EXPECT_EQ(ld(h, bare(load(d1 + 8))), patA(kPgS + g.line + 8));
    EXPECT_EQ(ld(h, load(kVaD + 4 * g.line + 8)), patA(kPgS + 4 * g.line + 8));
}

INSTANTIATE_TEST_SUITE_P(ModelDma, DmaCopy, kParams, param_name);

// ---------------------------------------------------------------- TO_BUF / FROM_BUF

class DmaBuf : public ::testing::TestWithParam<Param> {};

TEST_P(DmaBuf, APageRoundTripsThroughTheSwapBuffer)
{
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const uint64_t n = g.page_lines(), T = L + 1;
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgS, patA);
    fill_page(h, kPgQ, patB);
    fill_page(h, kPgR, patC);
    h.map(kVaD, 0, kPgQ >> 12, kR | kW | kAD);
    h.boot();
    // source line 2 dirty in the L1: TO_BUF's RdNA takes the stored word
    const uint64_t dirty = kPgS + 2 * g.line + 8;
    st(h, bare(store(dirty, 0x0D0D0D0D)));
    auto src = [&](unsigned k) { return kPgS + 8 * k == dirty ? 0x0D0D0D0Dull : patA(kPgS + 8 * k); };

    h.clear_events();
    DmaResult r = h.dma(kToBuf, kPgS, 0);
    uint64_t a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), n * T);
    auto want = expected_grants(g, L, a, kToBuf, kPgS, 0);
    std::get<3>(want[2]) = true;  // the supplied dirty line
    EXPECT_EQ(dma_grants(h), want);
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{a + 1 + 2 * T, g.index(dirty, 0), kM, kE}}));
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.buf_read(k), src(k)) << "buffer word " << k;
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(kPgQ + 8 * k), patB(kPgQ + 8 * k)) << "TO_BUF writes no page";

    // FROM_BUF into Q: one WLI per line carrying the buffer
    h.clear_events();
    r = h.dma(kFromBuf, 0, kPgQ);
    a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), n * T);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, a, kFromBuf, 0, kPgQ));
    for (const auto &e : h.grants_by(1))
        for (unsigned k = 0; k < g.words(); k++)
            ASSERT_EQ(e.line[k], src((unsigned)((e.addr - kPgQ) / 8) + k));
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(kPgQ + 8 * k), src(k)) << "dst word " << k;
    for (unsigned k = 0; k < kPageWords; k += 7)
        ASSERT_EQ(ld(h, load(kVaD + 8 * k)), src(k));

    // host writes a few words, then FROM_BUF into R: those words and the rest of the buffer
    const std::map<unsigned, uint64_t> host = {{0, 0x1000}, {7, 0x1007}, {g.words(), 0x1008}, {300, 0x1300},
                                               {511, 0x1511}};
    for (const auto &kv : host)
        h.buf_write(kv.first, kv.second);
    for (const auto &kv : host)
        EXPECT_EQ(h.buf_read(kv.first), kv.second);
    EXPECT_EQ(h.buf_read(1), src(1));
    auto buf = [&](unsigned k) { return host.count(k) ? host.at(k) : src(k); };
    h.clear_events();
    r = h.dma(kFromBuf, 0, kPgR);
    EXPECT_EQ(r.cycles(), n * T);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, r.accept_cycle, kFromBuf, 0, kPgR));
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(kPgR + 8 * k), buf(k)) << "dst word " << k;
    for (const auto &kv : host)
        EXPECT_EQ(ld(h, bare(load(kPgR + 8 * kv.first))), kv.second);
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(kPgQ + 8 * k), src(k)) << "Q untouched by the second FROM_BUF";
}

INSTANTIATE_TEST_SUITE_P(ModelDma, DmaBuf, kParams, param_name);

// ---------------------------------------------------------------- address wrap

class DmaWrap : public ::testing::TestWithParam<Param> {};

TEST_P(DmaWrap, PageAddressesWrapAtTheMemorySize)
{
    // mem.size 1 MiB: a page named at P + k * 1 MiB (any k, low 12 bits ignored) is page P. Every bus address
    // is already wrapped (the L1 snoops the address memory uses), so a cached copy of P is invalidated.
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const uint64_t mem = 1ull << 20, n = g.page_lines(), T = L + 1;
    const uint64_t P = 0xE0000, S = 0xD0000, Q = 0xF0000;
    ModelHarness h(cfg(g, L, mem));
    fill_page(h, P, patB);
    fill_page(h, S, patA);
    fill_page(h, Q, patC);
    h.map(kVaD, 0, P >> 12, kR | kW | kAD);
    h.boot();
    const uint64_t p3 = P + 3 * g.line, p5 = P + 5 * g.line;
    EXPECT_EQ(ld(h, bare(load(p3))), patB(p3));  // E
    st(h, bare(store(p5 + 8, 0xABCDEF)));        // M

    // ZERO of P + 1 MiB + 0x123
    h.clear_events();
    DmaResult r = h.dma(kZero, 0, P + mem + 0x123);
    uint64_t a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), n * T);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, a, kZero, 0, P)) << "wrapped bus addresses";
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{a + 1 + 3 * T, g.index(p3, 0), kE, kI},
                                         {a + 1 + 5 * T, g.index(p5, 0), kM, kI}}));
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(P + 8 * k), 0u) << "word " << k;
    EXPECT_EQ(ld(h, bare(load(p5 + 8))), 0u) << "the dirty word was dropped";
    EXPECT_EQ(ld(h, load(kVaD + 3 * g.line)), 0u);

    // COPY from S + 7 MiB to P + 2^40
    h.clear_events();
    r = h.dma(kCopy, S + 7 * mem, P + (1ull << 40));
    a = r.accept_cycle;
    EXPECT_EQ(r.cycles(), 2 * n * T);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, a, kCopy, S, P));
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{a + 2 + L + 2 * 3 * T, g.index(p3, 0), kE, kI},
                                         {a + 2 + L + 2 * 5 * T, g.index(p5, 0), kE, kI}}))
        << "the two lines loaded after the ZERO are invalidated again";
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(P + 8 * k), patA(S + 8 * k)) << "word " << k;

    // TO_BUF from S + 2^63 + 3 MiB, FROM_BUF to Q + 3 MiB
    h.clear_events();
    r = h.dma(kToBuf, S + (1ull << 63) + 3 * mem, 0);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, r.accept_cycle, kToBuf, S, 0));
    h.clear_events();
    r = h.dma(kFromBuf, 0, Q + 3 * mem + 0xFFF);
    EXPECT_EQ(dma_grants(h), expected_grants(g, L, r.accept_cycle, kFromBuf, 0, Q));
    for (unsigned k = 0; k < kPageWords; k++)
        ASSERT_EQ(h.peek(Q + 8 * k), patA(S + 8 * k)) << "word " << k;
    EXPECT_EQ(ld(h, bare(load(Q + 0x808))), patA(S + 0x808));
}

INSTANTIATE_TEST_SUITE_P(ModelDma, DmaWrap, kParams, param_name);

// ---------------------------------------------------------------- the core runs during a command

namespace {

// A reference memory fed with the run's events in cycle order, from the documented rules: a core access
// takes effect at its response (a hit's store took effect at the acceptance edge, a miss's at its own grant;
// no grant can fall in between, PROTOCOL.md), a DMA RdNA reads at its grant (snoop and memory access at the
// grant; the memory controller's read returns the line as of acceptance), a DMA WLI writes at its grant. In
// one cycle, responses come before grants: a grant's snoop changes state at the cycle's edge, after the
// response of a hit accepted the cycle before.
struct CoreOp {
    bool store;
    uint64_t pa, value;  // value: written (store) or returned (load)
    uint64_t resp_cycle;
};

struct RefCheck {
    std::map<uint64_t, uint64_t> mem;  // pa -> word, for the pages involved
    std::vector<std::string> errors;
};

void replay(RefCheck &ref, const ModelHarness &h, const Geo &g, const std::vector<CoreOp> &ops)
{
    struct Ev {
        uint64_t cycle;
        int order;  // 0: core response, 1: DMA grant
        size_t i;
    };
    std::vector<Ev> evs;
    for (size_t i = 0; i < ops.size(); i++)
        evs.push_back(Ev{ops[i].resp_cycle, 0, i});
    const auto dg = h.grants_by(1);
    for (size_t i = 0; i < dg.size(); i++)
        evs.push_back(Ev{dg[i].cycle, 1, i});
    std::stable_sort(evs.begin(), evs.end(),
                     [](const Ev &x, const Ev &y) { return std::tie(x.cycle, x.order) < std::tie(y.cycle, y.order); });
    std::vector<uint64_t> held(g.words());  // the line a COPY holds between its RdNA and its WLI
    for (const Ev &e : evs) {
        if (e.order == 0) {
            const CoreOp &o = ops[e.i];
            if (o.store) {
                ref.mem[o.pa] = o.value;
            } else if (ref.mem[o.pa] != o.value) {
                char b[200];
                snprintf(b, sizeof b, "load of %#llx answered in cycle %llu: got %#llx, the rules say %#llx",
                         (unsigned long long)o.pa, (unsigned long long)o.resp_cycle, (unsigned long long)o.value,
                         (unsigned long long)ref.mem[o.pa]);
                ref.errors.push_back(b);
            }
        } else {
            const BusGrantEv &d = dg[e.i];
            if (d.type == kRdna) {
                for (unsigned k = 0; k < g.words(); k++)
                    held[k] = ref.mem[d.addr + 8 * k];
            } else {
                for (unsigned k = 0; k < g.words(); k++) {
                    if (d.line[k] != held[k]) {
                        char b[200];
                        snprintf(b, sizeof b, "WLI of %#llx in cycle %llu carries %#llx in word %u, its RdNA read %#llx",
                                 (unsigned long long)d.addr, (unsigned long long)d.cycle,
                                 (unsigned long long)d.line[k], k, (unsigned long long)held[k]);
                        ref.errors.push_back(b);
                    }
                    ref.mem[d.addr + 8 * k] = held[k];
                }
            }
        }
    }
}

}  // namespace

class DmaConcurrent : public ::testing::TestWithParam<Param> {};

TEST_P(DmaConcurrent, CoreLoadsAndStoresDuringACopy)
{
    // A COPY S -> D runs while the core loads and stores (bare and translated) to S, D and an unrelated page U,
    // spread over the command's duration. Each load's value and the final contents are checked against the
    // reference built from the documented rules (replay above); the shadow monitor checks every load too.
    // Stores to an S line before its RdNA show up in D (supplied or read from memory), after it not; stores to
    // a D line before its WLI are dropped, after it stay.
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const uint64_t n = g.page_lines();
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgS, patA);
    fill_page(h, kPgD, patB);
    fill_page(h, kPgU, patC);
    h.map(kVaS, 0, kPgS >> 12, kR | kW | kAD);
    h.map(kVaD, 0, kPgD >> 12, kR | kW | kAD);
    h.map(kVaU, 0, kPgU >> 12, kR | kW | kAD);
    h.boot();
    RefCheck ref;
    for (unsigned k = 0; k < kPageWords; k++) {
        ref.mem[kPgS + 8 * k] = patA(kPgS + 8 * k);
        ref.mem[kPgD + 8 * k] = patB(kPgD + 8 * k);
        ref.mem[kPgU + 8 * k] = patC(kPgU + 8 * k);
    }
    // warm the TLB and cache a few lines of each page (some M) before the command
    std::vector<CoreOp> ops;
    auto run = [&](bool is_store, uint64_t pa, bool translated, uint64_t v) {
        const uint64_t page = pa & ~0xFFFull;
        const uint64_t va = (page == kPgS ? kVaS : page == kPgD ? kVaD : kVaU) | (pa & 0xFFF);
        Req rq = is_store ? store(translated ? va : pa, v) : load(translated ? va : pa);
        rq.bare = !translated;
        Resp x = h.access(rq);
        EXPECT_TRUE(IsOk(x));
        ops.push_back(CoreOp{is_store, pa, is_store ? v : x.rdata, x.resp_cycle});
    };
    for (uint64_t pg : {kPgS, kPgD, kPgU}) {
        run(false, pg + 8, true, 0);
        run(true, pg + 6 * g.line + 16, false, 0xA000 | pg);
        run(false, pg + 9 * g.line, false, 0);
    }
    h.clear_events();
    const uint64_t a = h.dma_start(kCopy, kPgS, kPgD);
    // A deterministic mix, spread over the command (2n(L+1) cycles): idle gaps from the LFSR.
    uint32_t s = 0xACE1u;
    unsigned issued = 0;
    while (h.dma_busy()) {
        s = lfsr_next(s);
        const unsigned which = s % 3, line = (s >> 2) % n, word = (s >> 9) % g.words();
        const bool is_store = (s >> 13) & 1, translated = (s >> 14) & 1;
        const uint64_t pg = which == 0 ? kPgS : which == 1 ? kPgD : kPgU;
        run(is_store, pg + (uint64_t)line * g.line + 8 * word, translated, 0xC0DE000000000000ull | (issued << 16) | line);
        issued++;
        h.idle((s >> 16) % (2 * (L + 1)));
    }
    EXPECT_GT(issued, 40u);
    const DmaResult r = h.dma_wait();
    EXPECT_GE(r.cycles(), 2 * n * (L + 1)) << "the core's transactions can only delay the command";
    EXPECT_EQ(h.grants_by(1).size(), 2 * n);
    EXPECT_GT(h.grants_by(0).size(), 0u) << "the core used the bus during the command";
    // final contents through the core
    for (uint64_t pg : {kPgS, kPgD, kPgU})
        for (unsigned k = 0; k < kPageWords; k++)
            run(false, pg + 8 * k, (k % 3) == 0, 0);
    replay(ref, h, g, ops);
    for (const auto &e : ref.errors)
        ADD_FAILURE() << e;
    EXPECT_TRUE(ref.errors.empty());
    // The mix covers both sides of every race during the command: S stores before / after their line's RdNA,
    // D stores before (dropped) / after their line's WLI, D loads before (old data) / after (copied data).
    unsigned cov[6] = {};  // S st before, S st after, D st before, D st after, D ld old, D ld new
    for (const CoreOp &o : ops) {
        if (o.resp_cycle <= a || o.resp_cycle > r.done_cycle)
            continue;
        const BusGrantEv *rd = dma_grant_of(h, kRdna, g.line_of(o.pa)), *wr = dma_grant_of(h, kWli, g.line_of(o.pa));
        if (rd && o.store)
            cov[o.resp_cycle <= rd->cycle ? 0 : 1]++;
        if (wr)
            cov[(o.store ? 2 : 4) + (o.resp_cycle <= wr->cycle ? 0 : 1)]++;
    }
    for (int i = 0; i < 6; i++)
        EXPECT_GT(cov[i], 0u) << "coverage bin " << i;
}

TEST_P(DmaConcurrent, StoreHitToASourceLineWhileItsRdnaIsInFlight)
{
    // Source line k is E in the L1. The COPY's RdNA of line k is granted in cycle g (the read is the
    // line as of g: PROTOCOL.md "snoop at grant", vm_memctl "a read returns the line as it is after that
    // write" at acceptance = g); the core stores to line k in cycle g+1 (a hit: E -> M, no bus), answered at
    // g+2, before the RdNA completes at g+L. By the rules the copy carries the old value and the store stays
    // in the L1 (src) only: D's word = the old value, S's word = the store.
    //
    // FINDING (data-value monitor, testbench/checker/shadow.c): the shadow compares a DMA read's line with its
    // memory copy at the read's completion (bus_done) instead of its grant, so for L >= 2 the core's store,
    // applied at its response (g+2 <= g+L), is taken for what the RdNA should have read and the step fails
    // with "DATA-VALUE VIOLATION ... DMA read" although the RTL and the model both follow the documented rule.
    // With L = 1 the RdNA completes at g+1, before the store's response: no report. Seen on all three
    // geometries at L = 20, model build (HarnessCfg::shadow) and lockstep alike; every other assertion here
    // holds on both engines (D gets the old word, S keeps the store, E -> M at g+1 with no bus transaction).
    // In lockstep the failed step also ends vm_sim's RTL/model comparison for the rest of the run. The fix
    // belongs in the shadow (compare a DMA read with the memory copy as of its grant); this test is left
    // failing until then.
    const Geo g = GetParam().g;
    const uint32_t L = GetParam().lat;
    const uint64_t T = L + 1;
    const unsigned k = 7;
    ModelHarness h(cfg(g, L));
    fill_page(h, kPgS, patA);
    fill_page(h, kPgD, patB);
    h.boot();
    const uint64_t pa = kPgS + k * g.line + 8;
    EXPECT_EQ(ld(h, bare(load(pa))), patA(pa));  // E
    h.clear_events();
    const uint64_t a = h.dma_start(kCopy, kPgS, kPgD);
    const uint64_t gk = a + 1 + 2 * k * T;  // RdNA of line k (the core is idle until then)
    while (h.cycle() < gk + 1)
        h.idle();
    Resp x = h.access(bare(store(pa, 0x5708E)));
    ASSERT_TRUE(IsOk(x));
    EXPECT_EQ(x.accept_cycle, gk + 1);
    EXPECT_EQ(x.resp_cycle, gk + 2);
    const DmaResult r = h.dma_wait();
    EXPECT_EQ(r.cycles(), 2 * g.page_lines() * T);
    const BusGrantEv *rd = dma_grant_of(h, kRdna, kPgS + k * g.line);
    ASSERT_NE(rd, nullptr);
    EXPECT_EQ(rd->cycle, gk);
    EXPECT_EQ(chgs(h), (std::vector<Chg>{{gk + 1, g.index(pa, 0), kE, kM}}));
    EXPECT_EQ(h.peek(kPgD + k * g.line + 8), patA(pa)) << "the copy carries the value as of the RdNA's grant";
    EXPECT_EQ(ld(h, bare(load(kPgD + k * g.line + 8))), patA(pa));
    EXPECT_EQ(ld(h, bare(load(pa))), 0x5708Eu);
}

INSTANTIATE_TEST_SUITE_P(ModelDma, DmaConcurrent, kParams, param_name);
