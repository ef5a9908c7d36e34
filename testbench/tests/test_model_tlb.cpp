// SPDX-License-Identifier: MIT
// Model unit tests: TLB timing, fills, superpages, ASIDs, global entries, sfence.vma (all four forms and the
// races), replacement policies and perf counters. Expected values are worked out by hand from
// the privileged spec and the documented rules (vm_tlb.sv / vm_mmu.sv / vm_mem_flat.sv header comments,
// contract.def), never copied from model output.
//
// Timing rules used (vm_mmu.sv, vm_ptw.sv, vm_mem_flat.sv): a request is accepted in cycle t; the memory
// answers a request accepted in cycle c in cycle c + L. TLB hit: data request in t, response in t + L. Miss:
// the walk starts at t + 1; each level issues its PTE read, waits L cycles, and the next level's read
// follows one cycle after the response, so a level costs L + 1 cycles and an n-level walk ends (and fills)
// in cycle t + n(L + 1); the data request follows one cycle later and answers L cycles after that.
#include "model_harness.hpp"

#include <memory>

using namespace vmt;

namespace {

constexpr uint64_t kVa = 0x12345000;
constexpr uint64_t kPpn = 0x123;
constexpr uint64_t kPa = kPpn << 12;

HarnessCfg cfg(Mode mode = Mode::Sv39, uint32_t latency = 1)
{
    HarnessCfg c;
    c.mode = mode;
    c.mem_latency = latency;
    return c;
}

HarnessCfg tlb_cfg(uint32_t entries, uint32_t ways, uint32_t repl, Mode mode = Mode::Sv39)
{
    HarnessCfg c;
    c.mode = mode;
    c.tlb_entries = entries;
    c.tlb_ways = ways;
    c.tlb_repl = repl;
    return c;
}

uint64_t pattern(uint64_t pa) { return 0xA5A5000000000000ull ^ (pa * 0x9E3779B1ull); }

// Writes CSR_SFENCE = cmd in the cycle the walker receives its n-th PTE read response. That read is
// accepted in the cycle it is first observed (the memory is idle during a walk) and answered L cycles later.
Hook fence_at_pte_response(unsigned n, uint32_t lat, uint64_t cmd, uint64_t *fence_cycle)
{
    auto reads = std::make_shared<unsigned>(0);
    auto target = std::make_shared<uint64_t>(UINT64_MAX);
    return [=](ModelHarness &, uint64_t cyc, const vm_obs &prev, vm_in &in) {
        if (prev.core[0].mem_req_valid && prev.core[0].mem_req_op == VM_MEMOP_READ && ++*reads == n)
            *target = (cyc - 1) + lat;
        if (cyc == *target) {
            in.core[0].csr_we = 1;
            in.core[0].csr_addr = VM_CSR_SFENCE;
            in.core[0].csr_wdata = cmd;
            *fence_cycle = cyc;
        }
    };
}

// Writes CSR_SFENCE = cmd in absolute cycle `at`.
Hook fence_at_cycle(uint64_t at, uint64_t cmd)
{
    return [=](ModelHarness &, uint64_t cyc, const vm_obs &, vm_in &in) {
        if (cyc == at) {
            in.core[0].csr_we = 1;
            in.core[0].csr_addr = VM_CSR_SFENCE;
            in.core[0].csr_wdata = cmd;
        }
    };
}

bool has_resp_at(const ModelHarness &h, uint64_t cyc)
{
    for (const auto &r : h.mem_resps)
        if (r.cycle == cyc)
            return true;
    return false;
}

}  // namespace

// ---------------------------------------------------------------- timing and fills

class TlbTiming : public ::testing::TestWithParam<uint32_t> {};

TEST_P(TlbTiming, Sv39MissWalksThreeLevelsAndHitAddsNoCycle)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.img_write(kPa + 8, 8, 111);
    h.img_write(kPa + 0x10, 8, 222);
    h.boot();
    h.clear_events();
    Resp miss = h.access(load(kVa + 8));
    ASSERT_TRUE(IsOk(miss));
    EXPECT_EQ(miss.rdata, 111u);
    EXPECT_EQ(miss.latency(), 4u * (L + 1)) << "3 levels of L+1 cycles, then the data access";
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].cycle, miss.accept_cycle + 3 * (L + 1));
    ASSERT_EQ(h.mem_reqs.size(), 4u);
    EXPECT_EQ(h.mem_reqs[0].addr, h.pte_addr(kVa, 2));
    EXPECT_EQ(h.mem_reqs[1].addr, h.pte_addr(kVa, 1));
    EXPECT_EQ(h.mem_reqs[2].addr, h.pte_addr(kVa, 0));
    EXPECT_EQ(h.mem_reqs[3].addr, kPa + 8);
    for (const auto &r : h.mem_reqs)
        EXPECT_EQ(r.op, (unsigned)VM_MEMOP_READ);

    h.clear_events();
    Resp hit = h.access(load(kVa + 0x10));
    ASSERT_TRUE(IsOk(hit));
    EXPECT_EQ(hit.rdata, 222u);
    EXPECT_EQ(hit.latency(), (uint64_t)L) << "a hit costs only the memory latency";
    ASSERT_EQ(h.mem_reqs.size(), 1u);
    EXPECT_EQ(h.mem_reqs[0].cycle, hit.accept_cycle) << "data request in the accepting cycle";
    EXPECT_TRUE(h.fills.empty());

    Resp st = h.access(store(kVa + 0x18, 5));
    EXPECT_TRUE(IsOk(st));
    EXPECT_EQ(st.latency(), (uint64_t)L);
    EXPECT_EQ(h.pte_reads(), 3u);
}

TEST_P(TlbTiming, Sv32MissWalksTwoLevelsAndHitAddsNoCycle)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv32, L));
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.boot();
    h.clear_events();
    Resp miss = h.access(load(kVa + 4, 2));
    ASSERT_TRUE(IsOk(miss));
    EXPECT_EQ(miss.latency(), 3u * (L + 1));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].cycle, miss.accept_cycle + 2 * (L + 1));
    Resp hit = h.access(load(kVa + 0xFFC, 2));
    EXPECT_EQ(hit.latency(), (uint64_t)L);
    EXPECT_EQ(h.pte_reads(), 2u);
}

TEST_P(TlbTiming, BareAccessCostsOnlyMemoryLatency)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.boot();
    Resp r = h.access(bare(load(0x2000)));
    EXPECT_TRUE(IsOk(r));
    EXPECT_EQ(r.latency(), (uint64_t)L);
}

INSTANTIATE_TEST_SUITE_P(ModelTlb, TlbTiming, ::testing::Values(1u, 20u),
                         [](const ::testing::TestParamInfo<uint32_t> &i) { return "lat" + std::to_string(i.param); });

TEST(ModelTlb, MissFillsOneEntryWithWalkedTranslation)
{
    HarnessCfg c = cfg();
    c.asid = 0x5A5;
    ModelHarness h(c);
    h.map(kVa, 0, kPpn, kR | kW | kU | kAD);
    h.boot();
    h.csr_write(VM_CSR_STATUS, kPrivS | kSum);
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(kVa + 0x7F8))));
    ASSERT_EQ(h.fills.size(), 1u);
    const FillEv &f = h.fills[0];
    EXPECT_EQ(f.index, 0u) << "lowest invalid way";
    EXPECT_EQ(f.vpn, kVa >> 12);
    EXPECT_EQ(f.level, 0u);
    EXPECT_EQ(f.asid, 0x5A5u);
    EXPECT_EQ(f.ppn, kPpn);
    EXPECT_EQ(f.perm, kV | kR | kW | kU | kA | kD);
    EXPECT_EQ(h.pte_reads(), 3u);
    EXPECT_EQ(h.walks(), 1u);
}

TEST(ModelTlb, Sv32MissFillsOneEntryAndSatpKeepsNineAsidBits)
{
    ModelHarness h(cfg(Mode::Sv32));
    h.map(kVa, 0, 0x3FF, kR | kX | kA);
    h.boot();
    // ASID 0xFFFF and PPN bits above 21: Sv32 keeps ASID[52:44] and PPN[21:0] (contract.def)
    h.csr_write(VM_CSR_SATP, vm_satp(VM_SATP_MODE_SV32, 0xFFFF, h.root() | (0xABCull << 22)));
    EXPECT_EQ(h.csr_read(VM_CSR_SATP), vm_satp(VM_SATP_MODE_SV32, 0x1FF, h.root()));
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(fetch(kVa + 0x10))));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].vpn, kVa >> 12);
    EXPECT_EQ(h.fills[0].level, 0u);
    EXPECT_EQ(h.fills[0].asid, 0x1FFu);
    EXPECT_EQ(h.fills[0].ppn, 0x3FFu);
    EXPECT_EQ(h.fills[0].perm, kV | kR | kX | kA);
    EXPECT_EQ(h.pte_reads(), 2u);
}

TEST(ModelTlb, NoFillAfterWalkerFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kAD);
    h.map(kVa + 0x1000, 0, kPpn, kAD | kR);
    h.set_pte(kVa + 0x1000, 0, 0);  // V=0
    h.boot();
    h.clear_events();
    EXPECT_TRUE(IsFault(h.access(load(kVa + 0x1000)), VM_CAUSE_LOAD_PAGE_FAULT, kVa + 0x1000));
    EXPECT_TRUE(IsFault(h.access(store(kVa, 1)), VM_CAUSE_STORE_PAGE_FAULT, kVa));  // leaf not writable
    EXPECT_TRUE(h.fills.empty());
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].index, 0u) << "the faulting walks left every entry invalid";
    EXPECT_EQ(h.pte_reads(), 9u) << "every access walked";
}

// ---------------------------------------------------------------- superpages

TEST(ModelTlb, Superpage2MiBHitsAnywhereInside)
{
    ModelHarness h(cfg());
    const uint64_t va = 0x600000, pa = 0x200000;
    h.map(va, 1, pa >> 12, kR | kW | kAD);
    for (uint64_t off : {0x0ull, 0x1008ull, 0xABCD0ull, 0x1FFFF8ull})
        h.img_write(pa + off, 8, pattern(pa + off));
    h.boot();
    h.clear_events();
    Resp r = h.access(load(va + 0x1008));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, pattern(pa + 0x1008));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].level, 1u);
    EXPECT_EQ(h.fills[0].ppn, pa >> 12);
    EXPECT_EQ(h.fills[0].vpn, (va + 0x1008) >> 12);
    EXPECT_EQ(h.pte_reads(), 2u);
    for (uint64_t off : {0x0ull, 0xABCD0ull, 0x1FFFF8ull}) {
        Resp x = h.access(load(va + off));
        ASSERT_TRUE(IsOk(x));
        EXPECT_EQ(x.rdata, pattern(pa + off)) << std::hex << off;
    }
    EXPECT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.pte_reads(), 2u) << "every address inside the 2 MiB page hits";
    // the next 2 MiB region is not covered: its level-1 PTE is invalid
    EXPECT_TRUE(IsFault(h.access(load(va + 0x200000)), VM_CAUSE_LOAD_PAGE_FAULT, va + 0x200000));
}

TEST(ModelTlb, Superpage1GiBHitsAnywhereInside)
{
    ModelHarness h(cfg());
    const uint64_t va = 0x40000000;
    h.map(va, 2, 0, kR | kW | kAD);
    h.img_write(0x123450, 8, pattern(0x123450));
    h.img_write(0x3FFFF8, 8, pattern(0x3FFFF8));
    h.boot();
    h.clear_events();
    Resp r = h.access(load(va + 0x123450));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, pattern(0x123450));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].level, 2u);
    EXPECT_EQ(h.fills[0].ppn, 0u);
    EXPECT_EQ(h.pte_reads(), 1u);
    EXPECT_EQ(h.access(load(va + 0x3FFFF8)).rdata, pattern(0x3FFFF8));
    EXPECT_TRUE(IsOk(h.access(store(va + 0x8, 7))));
    EXPECT_EQ(h.peek(0x8), 7u);
    EXPECT_EQ(h.pte_reads(), 1u);
}

TEST(ModelTlb, Sv32Superpage4MiBHitsAnywhereInside)
{
    HarnessCfg c = cfg(Mode::Sv32);
    c.mem_bytes = 8ull << 20;
    ModelHarness h(c);
    const uint64_t va = 0x00C00000, pa = 0x400000;
    h.map(va, 1, pa >> 12, kR | kW | kAD);
    h.img_write(pa + 0x3FFFF8, 8, pattern(pa + 0x3FFFF8));
    h.img_write(pa + 0x10, 8, pattern(pa + 0x10));
    h.img_write(pa + 0x212340, 8, pattern(pa + 0x212340));
    h.boot();
    h.clear_events();
    EXPECT_EQ(h.access(load(va + 0x3FFFF8)).rdata, pattern(pa + 0x3FFFF8));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].level, 1u);
    EXPECT_EQ(h.fills[0].ppn, pa >> 12);
    EXPECT_EQ(h.access(load(va + 0x10)).rdata, pattern(pa + 0x10));
    EXPECT_EQ(h.access(load(va + 0x212340)).rdata, pattern(pa + 0x212340));
    EXPECT_EQ(h.pte_reads(), 1u);
}

TEST(ModelTlb, SuperpagesLiveInTheSetAboveTheirOffset)
{
    // 8 entries x 2 ways = 4 sets; an entry at level l lives in set (VPN >> (9 l)) & 3 (vm_tlb.sv)
    ModelHarness h(tlb_cfg(8, 2, VM_REPL_LRU));
    h.map(0x600000, 1, 0x200, kR | kAD);    // VPN 0x600: level-1 set (0x600 >> 9) & 3 = 3
    h.map(0x40000000, 2, 0, kR | kAD);      // VPN 0x40000: level-2 set (0x40000 >> 18) & 3 = 1
    h.boot();
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(0x600000 + 0x5000))));  // level-0 set of this VPN would be 1
    ASSERT_TRUE(IsOk(h.access(load(0x40000000 + 0x3000))));
    ASSERT_EQ(h.fill_indices(), (std::vector<unsigned>{6, 2}));
    // hits from addresses whose level-0 sets are 0, 1, 2, 3
    for (uint64_t off : {0x0ull, 0x1000ull, 0x2000ull, 0x1FF000ull}) {
        EXPECT_TRUE(IsOk(h.access(load(0x600000 + off))));
        EXPECT_TRUE(IsOk(h.access(load(0x40000000 + 0x200000 + off))));
    }
    EXPECT_EQ(h.fills.size(), 2u);
    EXPECT_EQ(h.pte_reads(), 3u);
}

TEST(ModelTlb, Sv32SuperpageSetIndex)
{
    HarnessCfg c = tlb_cfg(8, 2, VM_REPL_LRU, Mode::Sv32);
    c.mem_bytes = 8ull << 20;
    ModelHarness h(c);
    h.map(0x00C00000, 1, 0x400, kR | kAD);  // VPN 0xC00: Sv32 level-1 set (0xC00 >> 10) & 3 = 3
    h.boot();
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(0x00C00000 + 0x1000))));
    EXPECT_EQ(h.fill_indices(), (std::vector<unsigned>{6}));
    EXPECT_TRUE(IsOk(h.access(load(0x00C00000 + 0x3FF000))));
    EXPECT_EQ(h.pte_reads(), 1u);
}

TEST(ModelTlb, MultiHitPicksTheLowestIndex)
{
    // vm_tlb.sv: "Priority on a multi-hit (only possible when software breaks the spec's rules): the lowest
    // entry index." Software switches between two page tables under the same ASID without a full sfence,
    // so a 4 KiB entry (index 1) and a 2 MiB entry (index 0) both cover 0x601000: index 0 wins.
    HarnessCfg c = cfg();
    c.asid = 1;
    ModelHarness h(c);
    const uint64_t ra = h.root(), rb = h.new_root();
    const uint64_t dummy = 0x10000000;
    h.map_in(ra, dummy, 0, 0x160, kR | kAD);
    h.map_in(ra, 0x601000, 0, 0x150, kR | kAD);   // 4 KiB page in table A
    h.map_in(rb, 0x600000, 1, 0x200, kR | kAD);   // 2 MiB page over it in table B
    h.img_write(0x150008, 8, 0x4444);
    h.img_write(0x201008, 8, 0x2222);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(dummy))));
    ASSERT_TRUE(IsOk(h.access(load(0x601000))));
    EXPECT_EQ(h.sfence(true, dummy, false, 0).core[0].inval_mask, 0x1ull);
    h.write_satp(1, rb);                            // same ASID, no fence
    ASSERT_TRUE(IsOk(h.access(load(0x600000))));   // not covered by the 4 KiB entry: walks table B
    ASSERT_EQ(h.fill_indices(), (std::vector<unsigned>{0, 1, 0}));
    ASSERT_EQ(h.fills[2].level, 1u);
    h.clear_events();
    Resp r = h.access(load(0x601008));
    ASSERT_TRUE(IsOk(r));
    EXPECT_TRUE(h.fills.empty()) << "a hit";
    EXPECT_EQ(r.rdata, 0x2222u) << "entry 0 (2 MiB, PA 0x201008) wins over entry 1 (4 KiB, PA 0x150008)";
    ASSERT_EQ(h.mem_reqs.size(), 1u);
    EXPECT_EQ(h.mem_reqs[0].addr, 0x201008u);
}

// ---------------------------------------------------------------- ASIDs and global entries

TEST(ModelTlb, SameVaInTwoAsidsIsCachedTwice)
{
    HarnessCfg c = cfg();
    c.asid = 1;
    ModelHarness h(c);
    const uint64_t ra = h.root(), rb = h.new_root();
    h.map_in(ra, kVa, 0, 0x130, kR | kW | kAD);
    h.map_in(rb, kVa, 0, 0x140, kR | kW | kAD);
    h.img_write(0x130000, 8, 0xA);
    h.img_write(0x140000, 8, 0xB);
    h.boot();
    h.clear_events();
    EXPECT_EQ(h.access(load(kVa)).rdata, 0xAu);
    h.write_satp(2, rb);
    EXPECT_EQ(h.access(load(kVa)).rdata, 0xBu);
    ASSERT_EQ(h.fills.size(), 2u);
    EXPECT_EQ(h.fills[0].asid, 1u);
    EXPECT_EQ(h.fills[0].ppn, 0x130u);
    EXPECT_EQ(h.fills[0].index, 0u);
    EXPECT_EQ(h.fills[1].asid, 2u);
    EXPECT_EQ(h.fills[1].ppn, 0x140u);
    EXPECT_EQ(h.fills[1].index, 1u);
    for (int i = 0; i < 2; i++) {
        h.write_satp(1, ra);
        EXPECT_EQ(h.access(load(kVa)).rdata, 0xAu);
        h.write_satp(2, rb);
        EXPECT_EQ(h.access(load(kVa)).rdata, 0xBu);
    }
    EXPECT_EQ(h.pte_reads(), 6u) << "both translations stay cached";
    EXPECT_EQ(h.fills.size(), 2u);
}

TEST(ModelTlb, GlobalEntryHitsInEveryAsid)
{
    HarnessCfg c = cfg();
    c.asid = 1;
    ModelHarness h(c);
    const uint64_t ra = h.root(), rb = h.new_root();  // rb maps nothing
    h.map_in(ra, kVa, 0, 0x130, kR | kG | kAD);
    h.map_in(ra, kVa + 0x1000, 0, 0x131, kR | kAD);
    h.img_write(0x130000, 8, 0x6106A1);
    h.boot();
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    ASSERT_TRUE(IsOk(h.access(load(kVa + 0x1000))));
    ASSERT_EQ(h.fills.size(), 2u);
    EXPECT_EQ(h.fills[0].perm, kV | kR | kG | kA | kD);
    for (unsigned asid : {2u, 3u, 0xFFFFu}) {
        h.write_satp(asid, rb);
        Resp r = h.access(load(kVa));
        ASSERT_TRUE(IsOk(r)) << "asid " << asid;
        EXPECT_EQ(r.rdata, 0x6106A1u);
    }
    EXPECT_EQ(h.pte_reads(), 6u) << "the global entry hit in ASIDs 2, 3 and 0xFFFF";
    // the non-global neighbour does not hit in another ASID: rb has no mapping, so it faults
    EXPECT_TRUE(IsFault(h.access(load(kVa + 0x1000)), VM_CAUSE_LOAD_PAGE_FAULT, kVa + 0x1000));
}

TEST(ModelTlb, GlobalBitInheritedFromNonLeaf)
{
    HarnessCfg c = cfg();
    c.asid = 1;
    ModelHarness h(c);
    const uint64_t rb = h.new_root();
    h.map(kVa, 0, kPpn, kR | kAD);                  // leaf without G
    h.set_pte(kVa, 2, h.get_pte(kVa, 2) | kG);      // G on the root-level pointer
    h.boot();
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    ASSERT_EQ(h.fills.size(), 1u);
    EXPECT_EQ(h.fills[0].perm, kV | kR | kG | kA | kD) << "G of a non-leaf makes the mapping global";
    h.write_satp(7, rb);
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_EQ(h.pte_reads(), 3u);
}

// ---------------------------------------------------------------- sfence.vma, all four forms

namespace {
// Entries after setup: 0 = X/asid1, 1 = Y/asid1, 2 = Z global, 3 = X/asid2 (fills into invalid ways).
constexpr uint64_t kPgX = kVa, kPgY = kVa + 0x1000, kPgZ = 0x20000000;

struct FenceSetup {
    std::unique_ptr<ModelHarness> h;
    uint64_t ra = 0, rb = 0;
};

FenceSetup fence_setup()
{
    FenceSetup s;
    HarnessCfg c = cfg();
    c.asid = 1;
    s.h = std::make_unique<ModelHarness>(c);
    ModelHarness &h = *s.h;
    s.ra = h.root();
    s.rb = h.new_root();
    h.map_in(s.ra, kPgX, 0, 0x130, kR | kW | kAD);
    h.map_in(s.ra, kPgY, 0, 0x131, kR | kW | kAD);
    h.map_in(s.ra, kPgZ, 0, 0x150, kR | kW | kG | kAD);
    h.map_in(s.rb, kPgX, 0, 0x140, kR | kW | kAD);
    h.boot();
    EXPECT_TRUE(IsOk(h.access(load(kPgX))));
    EXPECT_TRUE(IsOk(h.access(load(kPgY))));
    EXPECT_TRUE(IsOk(h.access(load(kPgZ))));
    h.write_satp(2, s.rb);
    EXPECT_TRUE(IsOk(h.access(load(kPgX))));
    EXPECT_EQ(h.fill_indices(), (std::vector<unsigned>{0, 1, 2, 3}));
    EXPECT_EQ(h.pte_reads(), 12u);
    h.clear_events();
    return s;
}

// Loads va in (asid, root) and reports whether it walked.
bool walks_for(ModelHarness &h, unsigned asid, uint64_t root, uint64_t va)
{
    h.write_satp(asid, root);
    uint64_t before = h.walks();
    EXPECT_TRUE(IsOk(h.access(load(va))));
    return h.walks() != before;
}
}  // namespace

TEST(ModelTlbSfence, AllInvalidatesEveryEntry)
{
    FenceSetup s = fence_setup();
    ModelHarness &h = *s.h;
    EXPECT_EQ(h.sfence_all().core[0].inval_mask, 0xFull);
    EXPECT_TRUE(walks_for(h, 2, s.rb, kPgX));
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgZ)) << "a full flush removes global entries too";
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgX));
}

TEST(ModelTlbSfence, AsidFlushesOnlyThatAsidsNonGlobalEntries)
{
    FenceSetup s = fence_setup();
    ModelHarness &h = *s.h;
    EXPECT_EQ(h.sfence(false, 0, true, 1).core[0].inval_mask, 0x3ull) << "X/1 and Y/1; Z is global, X/2 other ASID";
    EXPECT_FALSE(walks_for(h, 1, s.ra, kPgZ)) << "the global entry survives an ASID flush";
    EXPECT_FALSE(walks_for(h, 2, s.rb, kPgX));
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgX));
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgY));
}

TEST(ModelTlbSfence, AddressFlushesThatAddressInEveryAsid)
{
    FenceSetup s = fence_setup();
    ModelHarness &h = *s.h;
    EXPECT_EQ(h.sfence(true, kPgX + 0xABC, false, 0).core[0].inval_mask, 0x9ull) << "X/1 and X/2";
    EXPECT_FALSE(walks_for(h, 1, s.ra, kPgY));
    EXPECT_FALSE(walks_for(h, 1, s.ra, kPgZ));
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgX));
    EXPECT_TRUE(walks_for(h, 2, s.rb, kPgX));
    // an address-only flush also removes a global entry for that address
    EXPECT_EQ(h.sfence(true, kPgZ, false, 0).core[0].inval_mask, 0x4ull);
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgZ));
}

TEST(ModelTlbSfence, AddressAndAsidFlushesOneEntryAndKeepsGlobal)
{
    FenceSetup s = fence_setup();
    ModelHarness &h = *s.h;
    EXPECT_EQ(h.sfence(true, kPgX, true, 1).core[0].inval_mask, 0x1ull);
    EXPECT_EQ(h.sfence(true, kPgZ + 0x10, true, 1).core[0].inval_mask, 0x0ull) << "global entries survive";
    EXPECT_EQ(h.sfence(true, kPgY, true, 2).core[0].inval_mask, 0x0ull) << "Y is cached only for ASID 1";
    EXPECT_FALSE(walks_for(h, 1, s.ra, kPgZ));
    EXPECT_FALSE(walks_for(h, 1, s.ra, kPgY));
    EXPECT_FALSE(walks_for(h, 2, s.rb, kPgX));
    EXPECT_TRUE(walks_for(h, 1, s.ra, kPgX));
}

TEST(ModelTlbSfence, GlobalSurvivesAsidFlushButNotFullFlush)
{
    HarnessCfg c = cfg();
    c.asid = 3;
    ModelHarness h(c);
    h.map(kPgZ, 0, 0x150, kR | kG | kAD);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(kPgZ))));
    EXPECT_EQ(h.sfence(false, 0, true, 3).core[0].inval_mask, 0u);
    EXPECT_EQ(h.sfence(false, 0, true, 0).core[0].inval_mask, 0u);
    EXPECT_EQ(h.walks(), 1u);
    ASSERT_TRUE(IsOk(h.access(load(kPgZ))));
    EXPECT_EQ(h.walks(), 1u) << "still cached after ASID-only flushes";
    EXPECT_EQ(h.sfence_all().core[0].inval_mask, 1u);
    ASSERT_TRUE(IsOk(h.access(load(kPgZ))));
    EXPECT_EQ(h.walks(), 2u);
}

TEST(ModelTlbSfence, AddressInsideSuperpageFlushesIt)
{
    ModelHarness h(cfg());
    h.map(0x600000, 1, 0x200, kR | kAD);         // 2 MiB
    h.map(0x40000000, 2, 0, kR | kAD);           // 1 GiB
    h.map(kVa, 0, kPpn, kR | kAD);               // 4 KiB neighbour (VPN2 0, VPN1 0x91)
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(0x600000))));
    ASSERT_TRUE(IsOk(h.access(load(0x40000000))));
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    ASSERT_EQ(h.fill_indices(), (std::vector<unsigned>{0, 1, 2}));
    EXPECT_EQ(h.sfence(true, 0x600000 + 0x1ABCDE, false, 0).core[0].inval_mask, 0x1ull);
    EXPECT_EQ(h.sfence(true, 0x40000000 + 0x2345678, false, 0).core[0].inval_mask, 0x2ull);
    EXPECT_EQ(h.sfence(true, 0x600000 + 0x1ABCDE, false, 0).core[0].inval_mask, 0x0ull);
    uint64_t reads = h.pte_reads();
    ASSERT_TRUE(IsOk(h.access(load(0x600000 + 0x8))));
    ASSERT_TRUE(IsOk(h.access(load(0x40000000 + 0x8))));
    ASSERT_TRUE(IsOk(h.access(load(kVa + 0x8))));
    EXPECT_EQ(h.pte_reads(), reads + 2 + 1) << "both superpages walked again, the 4 KiB page hit";
}

TEST(ModelTlbSfence, Sv32AddressInside4MiBPageFlushesIt)
{
    HarnessCfg c = cfg(Mode::Sv32);
    c.mem_bytes = 8ull << 20;
    ModelHarness h(c);
    h.map(0x00C00000, 1, 0x400, kR | kAD);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(0x00C00000))));
    EXPECT_EQ(h.sfence(true, 0x00C00000 + 0x3FF123, false, 0).core[0].inval_mask, 0x1ull);
    ASSERT_TRUE(IsOk(h.access(load(0x00C00000 + 0x100))));
    EXPECT_EQ(h.pte_reads(), 2u);
}

// ---------------------------------------------------------------- sfence races

class SfenceRace : public ::testing::TestWithParam<uint32_t> {};

TEST_P(SfenceRace, SfenceInTheRefillCycleSuppressesTheFill)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.map(kVa, 0, kPpn, kR | kAD);
    h.img_write(kPa + 0x20, 8, 0x5EED);
    h.boot();
    h.clear_events();
    uint64_t fence_cycle = UINT64_MAX;
    Resp r = h.access(load(kVa + 0x20), fence_at_pte_response(3, L, sfence_cmd(false, false), &fence_cycle));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 0x5EEDu) << "the access completes with what it read";
    EXPECT_EQ(fence_cycle, r.accept_cycle + 3 * (L + 1)) << "the fence hit the walk's last cycle";
    EXPECT_TRUE(has_resp_at(h, fence_cycle)) << "the leaf PTE arrived in the fence cycle";
    EXPECT_TRUE(h.fills.empty()) << "a fill in the sfence cycle would cache a pre-fence translation";
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(kVa + 0x20))));
    EXPECT_EQ(h.pte_reads(), 6u) << "the next access misses again";
    EXPECT_EQ(h.fills.size(), 1u);
}

TEST_P(SfenceRace, UnrelatedSelectiveSfenceInTheRefillCycleAlsoSuppresses)
{
    // Documented rule (vm_mmu.sv): a walk that sees any sfence between its start and its end does not fill.
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.map(kVa, 0, kPpn, kR | kAD);
    h.boot();
    h.csr_write(VM_CSR_SFENCE_VADDR, 0x7000000);
    h.clear_events();
    uint64_t fence_cycle = UINT64_MAX;
    ASSERT_TRUE(IsOk(h.access(load(kVa), fence_at_pte_response(3, L, sfence_cmd(true, true, 9), &fence_cycle))));
    EXPECT_NE(fence_cycle, UINT64_MAX);
    EXPECT_TRUE(h.fills.empty());
}

TEST_P(SfenceRace, SfenceOneCycleAfterRefillInvalidatesTheNewEntry)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.map(kVa, 0, kPpn, kR | kAD);
    h.boot();
    h.clear_events();
    // the fill happens in accept + 3(L+1); the fence one cycle later sees the new entry
    const uint64_t accept = h.cycle();
    Resp r = h.access(load(kVa), fence_at_cycle(accept + 3 * (L + 1) + 1, sfence_cmd(false, false)));
    ASSERT_TRUE(IsOk(r));
    ASSERT_EQ(r.accept_cycle, accept);
    ASSERT_EQ(h.fills.size(), 1u);
    ASSERT_EQ(h.invals.size(), 1u);
    EXPECT_EQ(h.invals[0].cycle, h.fills[0].cycle + 1);
    EXPECT_EQ(h.invals[0].mask, 1ull << h.fills[0].index);
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_EQ(h.pte_reads(), 6u);
}

TEST_P(SfenceRace, SfenceDuringTheWalkPreventsAStaleFill)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.img_write(kPa, 8, 0x0DDBA11);
    h.boot();
    for (uint64_t delay : {uint64_t(1), uint64_t(2), uint64_t(L) + 1, uint64_t(2) * (L + 1) + 1}) {
        h.sfence_all();
        h.clear_events();
        const uint64_t accept = h.cycle();
        Resp r = h.access(load(kVa), fence_at_cycle(accept + delay, sfence_cmd(false, false)));
        ASSERT_TRUE(IsOk(r));
        EXPECT_EQ(r.rdata, 0x0DDBA11u);
        EXPECT_EQ(r.latency(), 4u * (L + 1)) << "the fence does not disturb the walk's timing";
        EXPECT_TRUE(h.fills.empty()) << "fence " << delay << " cycles into the walk";
    }
    const uint64_t reads = h.pte_reads();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_EQ(h.pte_reads(), reads + 3) << "nothing was cached";
}

TEST_P(SfenceRace, SfenceInTheAcceptCycleOfAMissPreventsTheFill)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    h.map(kVa, 0, kPpn, kR | kAD);
    h.boot();
    h.clear_events();
    const uint64_t accept = h.cycle();
    Resp r = h.access(load(kVa), fence_at_cycle(accept, sfence_cmd(false, false)));
    ASSERT_TRUE(IsOk(r));
    ASSERT_EQ(r.accept_cycle, accept);
    EXPECT_TRUE(h.fills.empty());
}

INSTANTIATE_TEST_SUITE_P(ModelTlb, SfenceRace, ::testing::Values(1u, 20u),
                         [](const ::testing::TestParamInfo<uint32_t> &i) { return "lat" + std::to_string(i.param); });

// ---------------------------------------------------------------- replacement

namespace {
// Fully associative 4 x 4: pages A..G at VPN 0x10000 + k, data PPN 0x100 + k.
uint64_t page(unsigned k) { return (0x10000ull + k) << 12; }

std::vector<unsigned> run_fa(uint32_t repl, const std::vector<unsigned> &seq, uint32_t seed = 0,
                             uint64_t *walks = nullptr)
{
    ModelHarness h(tlb_cfg(4, 4, repl));
    for (unsigned k = 0; k < 10; k++)
        h.map(page(k), 0, 0x100 + k, kR | kAD);
    h.boot();
    if (seed)
        h.csr_write(VM_CSR_LFSR_SEED, seed);
    h.clear_events();
    for (unsigned k : seq) {
        Resp r = h.access(load(page(k)));
        EXPECT_TRUE(IsOk(r));
    }
    if (walks)
        *walks = h.walks();
    return h.fill_indices();
}

enum { A, B, C, D, E, F, G };
const std::vector<unsigned> kSeq = {A, B, C, D, A, E, C, F, G, A};
}  // namespace

TEST(ModelTlbRepl, LruFullyAssociative)
{
    // A B C D fill ways 0-3. A hits (recency A D C B). E evicts B (1): E A D C. C hits: C E A D.
    // F evicts D (3): F C E A. G evicts A (0): G F C E. A evicts E (1).
    uint64_t walks = 0;
    EXPECT_EQ(run_fa(VM_REPL_LRU, kSeq, 0, &walks), (std::vector<unsigned>{0, 1, 2, 3, 1, 3, 0, 1}));
    EXPECT_EQ(walks, 8u);
}

TEST(ModelTlbRepl, PlruFullyAssociative)
{
    // Tree bits n1 (root), n2 (ways 0/1), n3 (ways 2/3); victim follows the bits (0 = lower half); a touch
    // points the bits on its path away from the touched way. Fills 0..3 leave n1=n2=n3=0.
    // A hit (way 0): n1=1 n2=1. E: n1=1 -> n3=0 -> way 2 (C); n1=0 n3=1. C misses: n1=0 -> n2=1 -> way 1 (B);
    // n1=1 n2=0. F: n1=1 -> n3=1 -> way 3; n1=0 n3=0. G: n1=0 -> n2=0 -> way 0; n1=1 n2=1.
    // A misses: n1=1 -> n3=0 -> way 2.
    uint64_t walks = 0;
    EXPECT_EQ(run_fa(VM_REPL_PLRU, kSeq, 0, &walks), (std::vector<unsigned>{0, 1, 2, 3, 2, 1, 3, 0, 2}));
    EXPECT_EQ(walks, 9u);
}

TEST(ModelTlbRepl, FifoFullyAssociative)
{
    // Fills into invalid ways do not move the pointer (0). E takes 0 (A), C hits, F takes 1, G takes 2,
    // A (evicted by E) takes 3.
    uint64_t walks = 0;
    EXPECT_EQ(run_fa(VM_REPL_FIFO, kSeq, 0, &walks), (std::vector<unsigned>{0, 1, 2, 3, 0, 1, 2, 3}));
    EXPECT_EQ(walks, 8u);
}

TEST(ModelTlbRepl, FifoPointerMovesOnlyOnPolicyVictims)
{
    // A B C D fill the invalid ways 0-3 (pointer stays 0); E evicts way 0 (pointer 1); a flush of C frees
    // way 2, which F takes without moving the pointer; G evicts way 1.
    ModelHarness h(tlb_cfg(4, 4, VM_REPL_FIFO));
    for (unsigned k = 0; k < 7; k++)
        h.map(page(k), 0, 0x100 + k, kR | kAD);
    h.boot();
    for (unsigned k : {A, B, C, D, E})
        ASSERT_TRUE(IsOk(h.access(load(page(k)))));
    EXPECT_EQ(h.sfence(true, page(C), false, 0).core[0].inval_mask, 0x4ull);
    ASSERT_TRUE(IsOk(h.access(load(page(F)))));
    ASSERT_TRUE(IsOk(h.access(load(page(G)))));
    EXPECT_EQ(h.fill_indices(), (std::vector<unsigned>{0, 1, 2, 3, 0, 2, 1}));
}

namespace {
// Expected fill indices for a stream of misses into one set of `ways` ways starting at index `base`,
// `invalid` of them still invalid, with the LFSR starting at `s` (stepped on every fill).
std::vector<unsigned> random_victims(uint32_t s, unsigned nfills, unsigned ways, unsigned invalid)
{
    std::vector<unsigned> v;
    for (unsigned i = 0; i < nfills; i++) {
        v.push_back(i < invalid ? i : (s & (ways - 1)));
        s = lfsr_next(s);
    }
    return v;
}
}  // namespace

TEST(ModelTlbRepl, RandomFullyAssociativeFollowsTheSeededLfsr)
{
    const std::vector<unsigned> distinct = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};  // every access misses
    for (uint32_t seed : {0x1234ABCDu, 0x80000001u, 0xFFFFFFFFu}) {
        EXPECT_EQ(run_fa(VM_REPL_RANDOM, distinct, seed), random_victims(seed, 10, 4, 4)) << std::hex << seed;
    }
    // without a seed write the LFSR starts at its reset value
    EXPECT_EQ(run_fa(VM_REPL_RANDOM, distinct), random_victims(VM_LFSR_RESET, 10, 4, 4));
}

TEST(ModelTlbRepl, RandomSeedZeroMeansResetValue)
{
    // zero is never an LFSR state (contract.def): a zero seed must not freeze the LFSR
    ModelHarness h(tlb_cfg(4, 4, VM_REPL_RANDOM));
    for (unsigned k = 0; k < 10; k++)
        h.map(page(k), 0, 0x100 + k, kR | kAD);
    h.boot();
    h.csr_write(VM_CSR_LFSR_SEED, 0x12345);
    h.csr_write(VM_CSR_LFSR_SEED, 0);
    h.clear_events();
    for (unsigned k = 0; k < 10; k++)
        ASSERT_TRUE(IsOk(h.access(load(page(k)))));
    EXPECT_EQ(h.fill_indices(), random_victims(VM_LFSR_RESET, 10, 4, 4));
}

namespace {
// Set associative 8 x 2 (4 sets, set = VPN & 3): P1 P2 P3 P4 in set 1, Q Q2 in set 2.
constexpr uint64_t kP1 = 0x101, kP2 = 0x105, kQ = 0x102, kP3 = 0x109, kP4 = 0x10D, kQ2 = 0x106;
const std::vector<uint64_t> kSetSeq = {kP1, kP2, kQ, kP1, kP3, kP4, kQ2, kP1};

std::vector<unsigned> run_sa(uint32_t repl, const std::vector<uint64_t> &vpns, uint32_t seed = 0)
{
    ModelHarness h(tlb_cfg(8, 2, repl));
    for (uint64_t v : {kP1, kP2, kQ, kP3, kP4, kQ2})
        h.map(v << 12, 0, v + 0x100, kR | kAD);
    h.boot();
    if (seed)
        h.csr_write(VM_CSR_LFSR_SEED, seed);
    h.clear_events();
    for (uint64_t v : vpns)
        EXPECT_TRUE(IsOk(h.access(load(v << 12))));
    return h.fill_indices();
}
}  // namespace

TEST(ModelTlbRepl, LruSetAssociative)
{
    // set 1 = indices 2,3; set 2 = 4,5. P1->2, P2->3, Q->4, P1 hits, P3 evicts P2 (3), P4 evicts P1 (2),
    // Q2 -> 5 (invalid), P1 evicts P3 (3).
    EXPECT_EQ(run_sa(VM_REPL_LRU, kSetSeq), (std::vector<unsigned>{2, 3, 4, 3, 2, 5, 3}));
}

TEST(ModelTlbRepl, PlruSetAssociative)
{
    // two ways: one tree bit pointing away from the last touched way, i.e. LRU
    EXPECT_EQ(run_sa(VM_REPL_PLRU, kSetSeq), (std::vector<unsigned>{2, 3, 4, 3, 2, 5, 3}));
}

TEST(ModelTlbRepl, FifoSetAssociative)
{
    // set 1 pointer: P3 takes way 0 (P1), P4 way 1 (P2), P1 misses and takes way 0 (P3); set 2 untouched.
    EXPECT_EQ(run_sa(VM_REPL_FIFO, kSetSeq), (std::vector<unsigned>{2, 3, 4, 2, 3, 5, 2}));
}

TEST(ModelTlbRepl, FifoSetAssociativeOddInvalidFills)
{
    // 8 x 2, set 1 (indices 2, 3): P1 fills way 0; P3 (same set) fills way 1; P4 evicts way 0 (pointer 1);
    // a flush of P4 frees way 0, P1 refills it (pointer stays 1); P2 evicts way 1.
    ModelHarness h(tlb_cfg(8, 2, VM_REPL_FIFO));
    for (uint64_t v : {kP1, kP2, kP3, kP4})
        h.map(v << 12, 0, v + 0x100, kR | kAD);
    h.boot();
    for (uint64_t v : {kP1, kP3, kP4})
        ASSERT_TRUE(IsOk(h.access(load(v << 12))));
    EXPECT_EQ(h.sfence(true, kP4 << 12, false, 0).core[0].inval_mask, 0x4ull);
    for (uint64_t v : {kP1, kP2})
        ASSERT_TRUE(IsOk(h.access(load(v << 12))));
    EXPECT_EQ(h.fill_indices(), (std::vector<unsigned>{2, 3, 2, 2, 3}));
}

TEST(ModelTlbRepl, RandomSetAssociativeSharesOneLfsr)
{
    // fills P1, P2, Q step the LFSR from s0 to s3 (all into invalid ways); P3 and P4 pick way s3 & 1 and
    // s4 & 1 of set 1; Q2 takes the invalid way of set 2.
    for (uint32_t seed : {0x00000001u, 0x0000ACE1u, 0xDEADBEEFu}) {
        uint32_t s[6];
        s[0] = seed;
        for (int i = 1; i < 6; i++)
            s[i] = lfsr_next(s[i - 1]);
        std::vector<unsigned> expect = {2, 3, 4, 2 + (s[3] & 1), 2 + (s[4] & 1), 5};
        EXPECT_EQ(run_sa(VM_REPL_RANDOM, {kP1, kP2, kQ, kP1, kP3, kP4, kQ2}, seed), expect) << std::hex << seed;
    }
}

std::string repl_name(uint32_t r)
{
    return r == VM_REPL_LRU ? "lru" : r == VM_REPL_PLRU ? "plru" : r == VM_REPL_FIFO ? "fifo" : "random";
}

class InvalidFirst : public ::testing::TestWithParam<uint32_t> {};

TEST_P(InvalidFirst, FlushedWaysAreRefilledLowestFirst)
{
    ModelHarness h(tlb_cfg(4, 4, GetParam()));
    for (unsigned k = 0; k < 8; k++)
        h.map(page(k), 0, 0x100 + k, kR | kAD);
    h.boot();
    for (unsigned k = 0; k < 4; k++)
        ASSERT_TRUE(IsOk(h.access(load(page(k)))));
    ASSERT_TRUE(IsOk(h.access(load(page(0)))));  // touch way 0
    EXPECT_EQ(h.sfence(true, page(3), false, 0).core[0].inval_mask, 0x8ull);
    EXPECT_EQ(h.sfence(true, page(1), false, 0).core[0].inval_mask, 0x2ull);
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(load(page(4)))));
    ASSERT_TRUE(IsOk(h.access(load(page(5)))));
    EXPECT_EQ(h.fill_indices(), (std::vector<unsigned>{1, 3}));
}

INSTANTIATE_TEST_SUITE_P(ModelTlbRepl, InvalidFirst,
                         ::testing::Values((uint32_t)VM_REPL_LRU, (uint32_t)VM_REPL_PLRU, (uint32_t)VM_REPL_FIFO,
                                           (uint32_t)VM_REPL_RANDOM),
                         [](const ::testing::TestParamInfo<uint32_t> &i) { return repl_name(i.param); });

TEST(ModelTlbRepl, DirectMappedReplacesInPlace)
{
    // 4 entries x 1 way: set = VPN & 3, the only way is the victim
    ModelHarness h(tlb_cfg(4, 1, VM_REPL_LRU));
    for (uint64_t v : {0x100ull, 0x101ull, 0x104ull, 0x107ull})
        h.map(v << 12, 0, v, kR | kAD);
    h.boot();
    h.clear_events();
    for (uint64_t v : {0x100ull, 0x101ull, 0x104ull, 0x100ull, 0x107ull})
        ASSERT_TRUE(IsOk(h.access(load(v << 12))));
    EXPECT_EQ(h.fill_indices(), (std::vector<unsigned>{0, 1, 0, 0, 3}));
}

// ---------------------------------------------------------------- perf counters

TEST_P(TlbTiming, PerfCountersExactAfterKnownSequence)
{
    const uint32_t L = GetParam();
    ModelHarness h(cfg(Mode::Sv39, L));
    const uint64_t p = kVa, q = kVa + 0x1000, unmapped = 0x80000000;  // unmapped: root entry 2 invalid
    h.map(p, 0, kPpn, kR | kW | kAD);
    h.map(q, 0, kPpn + 1, kR | kA);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(p))));                 // miss: walk of 3 reads
    ASSERT_TRUE(IsOk(h.access(store(p + 8, 1))));         // hit
    ASSERT_TRUE(IsOk(h.access(load(p + 8))));             // hit
    EXPECT_TRUE(h.access(fetch(p)).fault);                // hit, X=0: page fault
    EXPECT_TRUE(h.access(load(p + 1, 3)).fault);          // misaligned: no lookup
    ASSERT_TRUE(IsOk(h.access(bare(load(0x1000)))));      // bare: no lookup
    EXPECT_TRUE(h.access(load(unmapped)).fault);          // miss: walk of 1 read
    EXPECT_TRUE(h.access(store(q, 1)).fault);             // miss: walk of 3 reads, W=0
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_LOADS), 5u);
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_STORES), 2u);
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_TLB_LOOKUPS), 6u);
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_TLB_MISSES), 3u);
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_PTW_WALKS), 3u);
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_PTW_PTE_READS), 7u);
    EXPECT_EQ(h.csr_read(VM_CSR_PERF_PTW_WALK_CYCLES), 7u * (L + 1)) << "each PTE read costs L+1 walker cycles";
}

// ---------------------------------------------------------------- event skipping (model.h)

TEST(ModelTlb, QuietCycleSkippingMatchesStepping)
{
    VMT_MODEL_ONLY("event skipping is a model engine feature");
    // vm_model_skip(m, n) with n <= vm_model_quiet_cycles(m) must advance exactly as n steps would:
    // same response cycles and data, same perf counters (walk cycles included), same memory.
    auto run = [](bool skip, std::vector<Resp> &out, std::vector<uint64_t> &perf, uint64_t &pte_word) {
        HarnessCfg c = cfg(Mode::Sv39, 20);
        c.status = kPrivS | kAdhw;
        ModelHarness h(c);
        h.map(kVa, 0, kPpn, kR | kW);         // A=0 D=0: the walk does a CAS
        h.map(0x600000, 1, 0x200, kR | kAD);  // 2 MiB
        h.img_write(kPa + 8, 8, 0x77);
        h.boot();
        h.skip_quiet = skip;
        out.push_back(h.access(load(kVa + 8)));
        out.push_back(h.access(store(kVa + 16, 0xABCD)));  // hit on a clean entry: invalidate and walk
        out.push_back(h.access(load(0x600000 + 0x1234 * 8)));
        out.push_back(h.access(load(0x80000000)));         // page fault after one read
        out.push_back(h.access(load(kVa + 16)));
        if (skip)
            EXPECT_GT(h.skipped, 100u) << "the skipping run really skipped";
        for (unsigned a = VM_CSR_PERF_LOADS; a <= VM_CSR_PERF_PTW_PTE_READS; a++)
            perf.push_back(h.csr_read(a));
        perf.push_back(h.cycle());
        pte_word = h.peek(h.pte_addr(kVa, 0));
    };
    std::vector<Resp> a, b;
    std::vector<uint64_t> pa, pb;
    uint64_t wa = 0, wb = 0;
    run(false, a, pa, wa);
    run(true, b, pb, wb);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); i++) {
        EXPECT_EQ(a[i].resp_cycle, b[i].resp_cycle) << "access " << i;
        EXPECT_EQ(a[i].accept_cycle, b[i].accept_cycle) << "access " << i;
        EXPECT_EQ(a[i].fault, b[i].fault) << "access " << i;
        EXPECT_EQ(a[i].cause, b[i].cause) << "access " << i;
        EXPECT_EQ(a[i].rdata, b[i].rdata) << "access " << i;
    }
    EXPECT_EQ(pa, pb);
    EXPECT_EQ(wa, wb);
    EXPECT_EQ(b[4].rdata, 0xABCDu);
}
