// SPDX-License-Identifier: MIT
// Model unit tests: every fault class of the RISC-V privileged spec's Sv39/Sv32 translation algorithm
// (steps 1-8), access faults on physical addresses and PTE addresses beyond memory, misalignment, bare
// accesses, satp rules and load data. Each expectation is derived from the spec or the documented rules
// (contract.def, RTL header comments), not from model output.
#include "model_harness.hpp"

using namespace vmt;

namespace {

constexpr uint64_t kVa = 0x12345000;   // Sv39: VPN2 0, VPN1 0x91, VPN0 0x145; Sv32: VPN1 0x48, VPN0 0x345
constexpr uint64_t kPpn = 0x123;       // data page at PA 0x123000
constexpr uint64_t kPa = kPpn << 12;

HarnessCfg cfg(Mode mode = Mode::Sv39, uint32_t latency = 1, uint64_t status = kPrivS)
{
    HarnessCfg c;
    c.mode = mode;
    c.mem_latency = latency;
    c.status = status;
    return c;
}

uint64_t leaf(uint64_t ppn, unsigned flags) { return (ppn << 10) | flags | kV; }

// Asserts a page/access fault for all three operations at `va` and that no TLB entry was filled.
void expect_fault_all_ops(ModelHarness &h, uint64_t va, unsigned load_cause, unsigned store_cause,
                          unsigned fetch_cause, bool walker_fault = true)
{
    h.clear_events();
    EXPECT_TRUE(IsFault(h.access(load(va)), load_cause, va));
    EXPECT_TRUE(IsFault(h.access(store(va, 0x55)), store_cause, va));
    EXPECT_TRUE(IsFault(h.access(fetch(va)), fetch_cause, va));
    if (walker_fault)
        EXPECT_TRUE(h.fills.empty()) << "a walker fault must not fill the TLB";
    EXPECT_EQ(h.count_mem(VM_MEMOP_WRITE), 0u) << "a faulting store must not write memory";
}

void expect_page_fault_all_ops(ModelHarness &h, uint64_t va)
{
    expect_fault_all_ops(h, va, VM_CAUSE_LOAD_PAGE_FAULT, VM_CAUSE_STORE_PAGE_FAULT, VM_CAUSE_FETCH_PAGE_FAULT);
}

void expect_access_fault_all_ops(ModelHarness &h, uint64_t va, bool walker_fault = true)
{
    expect_fault_all_ops(h, va, VM_CAUSE_LOAD_ACCESS, VM_CAUSE_STORE_ACCESS, VM_CAUSE_FETCH_ACCESS, walker_fault);
}

}  // namespace

// ---------------------------------------------------------------- step 3: V=0, W=1 with R=0, reserved bits

TEST(ModelFaults, LeafWithVZeroIsPageFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 0, leaf(kPpn, kRWX | kAD) & ~(uint64_t)kV);
    h.boot();
    expect_page_fault_all_ops(h, kVa + 0x18);
    EXPECT_EQ(h.pte_reads(), 9u) << "each of the three walks reads 3 PTEs and fails at the leaf";
}

TEST(ModelFaults, UnmappedRootEntryIsPageFaultAfterOneRead)
{
    ModelHarness h(cfg());
    h.boot();
    expect_page_fault_all_ops(h, kVa);
    EXPECT_EQ(h.pte_reads(), 3u) << "one PTE read per walk: the root entry has V=0";
}

TEST(ModelFaults, Sv32LeafWithVZeroIsPageFault)
{
    ModelHarness h(cfg(Mode::Sv32));
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 0, leaf(kPpn, kRWX | kAD) & ~(uint64_t)kV);
    h.boot();
    expect_page_fault_all_ops(h, kVa + 8);
    EXPECT_EQ(h.pte_reads(), 6u);
}

TEST(ModelFaults, WriteWithoutReadIsPageFaultEvenWithX)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kW | kX | kAD);  // W=1, R=0: reserved encoding
    h.boot();
    expect_page_fault_all_ops(h, kVa);
}

TEST(ModelFaults, Sv39ReservedBit54IsPageFaultNotAccessFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 0, leaf(kPpn, kRWX | kAD) | (1ull << 54));
    h.boot();
    expect_page_fault_all_ops(h, kVa);
}

TEST(ModelFaults, Sv39ReservedBit63IsPageFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 0, leaf(kPpn, kRWX | kAD) | (1ull << 63));
    h.boot();
    expect_page_fault_all_ops(h, kVa);
}

TEST(ModelFaults, Sv39ReservedBitsInNonLeafArePageFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 1, h.get_pte(kVa, 1) | (1ull << 60));
    h.boot();
    expect_page_fault_all_ops(h, kVa);
    EXPECT_EQ(h.pte_reads(), 6u) << "each walk stops at the level-1 PTE (2 reads)";
}

// ---------------------------------------------------------------- step 4: pointer at the last level, non-leaf A/D/U

TEST(ModelFaults, PointerAtLastLevelIsPageFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 0, (kPpn << 10) | kV);  // V=1, R=W=X=0 at level 0
    h.boot();
    expect_page_fault_all_ops(h, kVa);
    EXPECT_EQ(h.pte_reads(), 9u) << "each walk stops at level 0: no fourth level to descend to";
    EXPECT_EQ(h.mem_reqs.size(), 9u);
}

TEST(ModelFaults, Sv32PointerAtLastLevelIsPageFault)
{
    ModelHarness h(cfg(Mode::Sv32));
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.set_pte(kVa, 0, (kPpn << 10) | kV);
    h.boot();
    expect_page_fault_all_ops(h, kVa);
    EXPECT_EQ(h.pte_reads(), 6u) << "each walk stops at level 0";
    EXPECT_EQ(h.mem_reqs.size(), 6u);
}

class NonLeafReservedFlag : public ::testing::TestWithParam<unsigned> {};

TEST_P(NonLeafReservedFlag, IsPageFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD | kU);
    h.set_pte(kVa, 1, h.get_pte(kVa, 1) | GetParam());
    h.boot();
    expect_page_fault_all_ops(h, kVa);
    EXPECT_EQ(h.pte_reads(), 6u) << "each walk stops at the level-1 non-leaf";
}

INSTANTIATE_TEST_SUITE_P(ModelFaults, NonLeafReservedFlag, ::testing::Values(kA, kD, kU),
                         [](const ::testing::TestParamInfo<unsigned> &i) {
                             return i.param == kA ? std::string("A") : i.param == kD ? std::string("D") : std::string("U");
                         });

// ---------------------------------------------------------------- step 6: misaligned superpages

TEST(ModelFaults, Misaligned2MiBLeafIsPageFault)
{
    ModelHarness h(cfg());
    h.map(0x600000, 1, 0x201, kRWX | kAD);  // 2 MiB leaf, PPN[0] != 0
    h.boot();
    expect_page_fault_all_ops(h, 0x600000 + 0x1230);
}

TEST(ModelFaults, Misaligned1GiBLeafIsPageFault)
{
    ModelHarness h(cfg());
    h.map(0x40000000, 2, 0x200, kRWX | kAD);  // 1 GiB leaf, PPN[1] != 0
    h.boot();
    expect_page_fault_all_ops(h, 0x40000000 + 0x8);
}

TEST(ModelFaults, Sv32Misaligned4MiBLeafIsPageFault)
{
    HarnessCfg c = cfg(Mode::Sv32);
    c.mem_bytes = 8ull << 20;
    ModelHarness h(c);
    h.map(0x00C00000, 1, 0x401, kRWX | kAD);  // 4 MiB leaf, PPN[0] != 0
    h.boot();
    expect_page_fault_all_ops(h, 0x00C00000 + 0x10);
}

// ---------------------------------------------------------------- address checks before the walk

TEST(ModelFaults, NonCanonicalSv39IsPageFaultWithoutWalk)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.boot();
    h.clear_events();
    // bit 38 set, bits 63:39 clear: not sign-extended (the low 39 bits would be a mapped-looking VA)
    const uint64_t va1 = (1ull << 38) | kVa;
    // bits 63:39 set, bit 38 clear
    const uint64_t va2 = 0xFFFFFF8000000000ull | kVa;
    // only bit 63
    const uint64_t va3 = (1ull << 63) | kVa;
    EXPECT_TRUE(IsFault(h.access(load(va1)), VM_CAUSE_LOAD_PAGE_FAULT, va1));
    EXPECT_TRUE(IsFault(h.access(store(va2, 1)), VM_CAUSE_STORE_PAGE_FAULT, va2));
    EXPECT_TRUE(IsFault(h.access(fetch(va3)), VM_CAUSE_FETCH_PAGE_FAULT, va3));
    EXPECT_TRUE(h.mem_reqs.empty()) << "a non-canonical address never reaches the walker";
    EXPECT_TRUE(h.fills.empty());
}

TEST(ModelFaults, CanonicalNegativeSv39AddressTranslates)
{
    ModelHarness h(cfg());
    const uint64_t va = 0xFFFFFFC000001000ull;  // bits 63:38 all ones
    h.map(va, 0, kPpn, kR | kW | kAD);
    h.img_write(kPa + 0x20, 8, 0x0123456789ABCDEFull);
    h.boot();
    Resp r = h.access(load(va + 0x20));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 0x0123456789ABCDEFull);
}

TEST(ModelFaults, Sv32AddressWithHighBitsIsPageFault)
{
    ModelHarness h(cfg(Mode::Sv32));
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.boot();
    h.clear_events();
    const uint64_t va = (1ull << 32) | kVa;  // low 32 bits are mapped
    EXPECT_TRUE(IsFault(h.access(load(va)), VM_CAUSE_LOAD_PAGE_FAULT, va));
    EXPECT_TRUE(IsFault(h.access(store(va, 1)), VM_CAUSE_STORE_PAGE_FAULT, va));
    const uint64_t vf = (1ull << 63) | kVa;
    EXPECT_TRUE(IsFault(h.access(fetch(vf)), VM_CAUSE_FETCH_PAGE_FAULT, vf));
    EXPECT_TRUE(h.mem_reqs.empty());
    // control: the same low 32 bits translate
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
}

// ---------------------------------------------------------------- step 5: U / SUM / MXR, then R/W/X

TEST(ModelFaults, UserPageFromSupervisorWithoutSumFaults)
{
    ModelHarness h(cfg(Mode::Sv39, 1, kPrivS));
    h.map(kVa, 0, kPpn, kRWX | kU | kAD);
    h.boot();
    expect_page_fault_all_ops(h, kVa);
}

TEST(ModelFaults, UserPageFromSupervisorWithSumAllowsDataNotFetch)
{
    ModelHarness h(cfg(Mode::Sv39, 1, kPrivS | kSum));
    h.map(kVa, 0, kPpn, kRWX | kU | kAD);
    h.boot();
    EXPECT_TRUE(IsOk(h.access(store(kVa + 8, 0xAB))));
    Resp r = h.access(load(kVa + 8));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 0xABu);
    EXPECT_TRUE(IsFault(h.access(fetch(kVa)), VM_CAUSE_FETCH_PAGE_FAULT, kVa));
}

TEST(ModelFaults, SupervisorPageFromUserFaults)
{
    ModelHarness h(cfg(Mode::Sv39, 1, 0 /* U mode */));
    h.map(kVa, 0, kPpn, kRWX | kAD);  // U=0
    h.boot();
    expect_page_fault_all_ops(h, kVa);
}

TEST(ModelFaults, SumDoesNotOpenSupervisorPagesToUser)
{
    ModelHarness h(cfg(Mode::Sv39, 1, kSum /* U mode */));
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.boot();
    expect_page_fault_all_ops(h, kVa);
}

TEST(ModelFaults, UserPageFromUserSucceeds)
{
    ModelHarness h(cfg(Mode::Sv39, 1, 0));
    h.map(kVa, 0, kPpn, kRWX | kU | kAD);
    h.boot();
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_TRUE(IsOk(h.access(store(kVa, 1))));
    EXPECT_TRUE(IsOk(h.access(fetch(kVa))));
}

TEST(ModelFaults, MxrLetsLoadsReadExecuteOnlyPages)
{
    ModelHarness h(cfg(Mode::Sv39, 1, kPrivS));
    h.map(kVa, 0, kPpn, kX | kAD);
    h.img_write(kPa + 0x40, 4, 0xFEEDF00D);
    h.boot();
    EXPECT_TRUE(IsFault(h.access(load(kVa + 0x40, 2)), VM_CAUSE_LOAD_PAGE_FAULT, kVa + 0x40));
    h.csr_write(VM_CSR_STATUS, kPrivS | kMxr);
    Resp r = h.access(load(kVa + 0x40, 2));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 0xFEEDF00Du);
    EXPECT_TRUE(IsFault(h.access(store(kVa + 0x40, 1, 2)), VM_CAUSE_STORE_PAGE_FAULT, kVa + 0x40))
        << "MXR grants reads only";
    EXPECT_TRUE(IsOk(h.access(fetch(kVa + 0x40))));
}

TEST(ModelFaults, MxrDoesNotBypassTheUserCheck)
{
    ModelHarness h(cfg(Mode::Sv39, 1, kPrivS | kMxr));
    h.map(kVa, 0, kPpn, kX | kU | kAD);
    h.boot();
    EXPECT_TRUE(IsFault(h.access(load(kVa)), VM_CAUSE_LOAD_PAGE_FAULT, kVa)) << "U page, S mode, SUM=0";
    h.csr_write(VM_CSR_STATUS, kPrivS | kMxr | kSum);
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
}

TEST(ModelFaults, ReadOnlyPageFaultsStoreAndFetch)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kAD);
    h.boot();
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_TRUE(IsFault(h.access(store(kVa + 8, 1)), VM_CAUSE_STORE_PAGE_FAULT, kVa + 8));
    EXPECT_TRUE(IsFault(h.access(fetch(kVa + 4)), VM_CAUSE_FETCH_PAGE_FAULT, kVa + 4));
}

TEST(ModelFaults, ReadWritePageFaultsFetch)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.boot();
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_TRUE(IsOk(h.access(store(kVa, 1))));
    EXPECT_TRUE(IsFault(h.access(fetch(kVa + 0xFFC)), VM_CAUSE_FETCH_PAGE_FAULT, kVa + 0xFFC));
}

TEST(ModelFaults, ExecuteOnlyPageFaultsLoadAndStore)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kX | kAD);
    h.boot();
    EXPECT_TRUE(IsOk(h.access(fetch(kVa))));
    EXPECT_TRUE(IsFault(h.access(load(kVa, 0)), VM_CAUSE_LOAD_PAGE_FAULT, kVa));
    EXPECT_TRUE(IsFault(h.access(store(kVa, 1, 0)), VM_CAUSE_STORE_PAGE_FAULT, kVa));
}

TEST(ModelFaults, PermissionFaultOnTlbHitUsesCachedPermissions)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kAD);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));
    uint64_t reads = h.pte_reads();
    h.clear_events();
    EXPECT_TRUE(IsFault(h.access(store(kVa, 1)), VM_CAUSE_STORE_PAGE_FAULT, kVa));
    EXPECT_TRUE(h.mem_reqs.empty()) << "the hit's permissions decide; no walk, no write";
    EXPECT_EQ(h.pte_reads(), reads);
}

TEST(ModelFaults, Sv32PermissionChecks)
{
    ModelHarness h(cfg(Mode::Sv32, 1, kPrivS));
    h.map(kVa, 0, kPpn, kR | kAD | kU);
    h.boot();
    EXPECT_TRUE(IsFault(h.access(load(kVa)), VM_CAUSE_LOAD_PAGE_FAULT, kVa)) << "U page, S mode, no SUM";
    h.csr_write(VM_CSR_STATUS, kPrivS | kSum);
    EXPECT_TRUE(IsOk(h.access(load(kVa))));
    EXPECT_TRUE(IsFault(h.access(store(kVa, 1)), VM_CAUSE_STORE_PAGE_FAULT, kVa));
    EXPECT_TRUE(IsFault(h.access(fetch(kVa)), VM_CAUSE_FETCH_PAGE_FAULT, kVa));
}

// ---------------------------------------------------------------- misalignment

TEST(ModelFaults, MisalignedAccessCauses)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    h.boot();
    h.clear_events();
    EXPECT_TRUE(IsFault(h.access(load(kVa + 1, 1)), VM_CAUSE_LOAD_MISALIGNED, kVa + 1));
    EXPECT_TRUE(IsFault(h.access(load(kVa + 2, 2)), VM_CAUSE_LOAD_MISALIGNED, kVa + 2));
    EXPECT_TRUE(IsFault(h.access(load(kVa + 4, 3)), VM_CAUSE_LOAD_MISALIGNED, kVa + 4));
    EXPECT_TRUE(IsFault(h.access(store(kVa + 3, 1, 1)), VM_CAUSE_STORE_MISALIGNED, kVa + 3));
    EXPECT_TRUE(IsFault(h.access(store(kVa + 6, 1, 3)), VM_CAUSE_STORE_MISALIGNED, kVa + 6));
    EXPECT_TRUE(IsFault(h.access(fetch(kVa + 2, 2)), VM_CAUSE_FETCH_MISALIGNED, kVa + 2));
    EXPECT_TRUE(IsFault(h.access(fetch(kVa + 1, 1)), VM_CAUSE_FETCH_MISALIGNED, kVa + 1));
    EXPECT_TRUE(h.mem_reqs.empty()) << "misaligned requests never walk or access memory";
}

TEST(ModelFaults, MisalignedBeatsPageFaultAndBareAccessFault)
{
    ModelHarness h(cfg());
    h.boot();  // nothing mapped
    const uint64_t va = 0x7000001;
    EXPECT_TRUE(IsFault(h.access(load(va, 1)), VM_CAUSE_LOAD_MISALIGNED, va));
    const uint64_t pa = (4ull << 20) + 2;  // beyond memory and misaligned
    EXPECT_TRUE(IsFault(h.access(bare(store(pa, 1, 2))), VM_CAUSE_STORE_MISALIGNED, pa));
}

TEST(ModelFaults, FaultRespondsOneCycleAfterDetection)
{
    // vm_mmu.sv: "any fault -> fault response one cycle after it is found"; a walk level costs L+1 cycles.
    for (uint32_t L : {1u, 20u}) {
        ModelHarness h(cfg(Mode::Sv39, L));
        const uint64_t beyond = (4ull << 20) >> 12;
        h.map(kVa, 0, kPpn, kR | kAD);
        h.map(kVa + 0x1000, 0, beyond, kR | kAD);          // leaf PA past memory
        h.map(0x40000000, 0, kPpn, kR | kAD);
        h.set_pte(0x40000000, 2, (beyond << 10) | kV);     // level-1 table past memory
        h.boot();
        ASSERT_TRUE(IsOk(h.access(load(kVa))));
        // found at acceptance
        EXPECT_EQ(h.access(load(kVa + 1, 1)).latency(), 1u) << "misaligned, L=" << L;
        EXPECT_EQ(h.access(load(1ull << 38)).latency(), 1u) << "non-canonical, L=" << L;
        EXPECT_EQ(h.access(store(kVa, 1)).latency(), 1u) << "permission fault on a hit, L=" << L;
        EXPECT_EQ(h.access(bare(load(4ull << 20))).latency(), 1u) << "bare access fault, L=" << L;
        // root PTE V=0: read issued at accept+1, answered at accept+1+L
        Resp pf = h.access(load(0x80000000));
        EXPECT_TRUE(IsFault(pf, VM_CAUSE_LOAD_PAGE_FAULT, 0x80000000));
        EXPECT_EQ(pf.latency(), L + 2u) << "L=" << L;
        // level-1 PTE address past memory: found when the walker would issue its second read
        Resp af = h.access(load(0x40000000));
        EXPECT_TRUE(IsFault(af, VM_CAUSE_LOAD_ACCESS, 0x40000000));
        EXPECT_EQ(af.latency(), (L + 1) + 2u) << "L=" << L;
        // leaf PA past memory: found when the walk ends
        Resp lf = h.access(load(kVa + 0x1000));
        EXPECT_TRUE(IsFault(lf, VM_CAUSE_LOAD_ACCESS, kVa + 0x1000));
        EXPECT_EQ(lf.latency(), 3 * (L + 1) + 1u) << "L=" << L;
    }
}

// ---------------------------------------------------------------- access faults (PMA: beyond mem.size)

TEST(ModelFaults, LeafPhysicalAddressBeyondMemoryIsAccessFault)
{
    ModelHarness h(cfg());
    const uint64_t beyond = (4ull << 20) >> 12;  // first PPN past memory
    h.map(kVa, 0, beyond, kRWX | kAD);
    h.boot();
    // The walk itself succeeds (a valid leaf): caching it is legal; the PMA check of the physical address
    // fails on the walk and again on each later hit, without another walk.
    expect_access_fault_all_ops(h, kVa + 0x10, false);
    EXPECT_EQ(h.pte_reads(), 3u) << "one walk; the load's fill serves the store and the fetch";
}

TEST(ModelFaults, PhysicalAddressBeyondMemoryOnTlbHitIsAccessFault)
{
    ModelHarness h(cfg());
    h.map(0x40000000, 2, 0, kRWX | kAD);  // 1 GiB leaf at PA 0; memory covers only its first 4 MiB
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(0x40000000 + 0x100))));
    h.clear_events();
    const uint64_t va = 0x40000000 + (4ull << 20);  // PA 4 MiB: first byte past memory
    EXPECT_TRUE(IsFault(h.access(load(va)), VM_CAUSE_LOAD_ACCESS, va));
    EXPECT_TRUE(IsFault(h.access(store(va + 8, 1)), VM_CAUSE_STORE_ACCESS, va + 8));
    const uint64_t vf = 0x7FFFFFFC;  // last word of the 1 GiB page
    EXPECT_TRUE(IsFault(h.access(fetch(vf)), VM_CAUSE_FETCH_ACCESS, vf));
    EXPECT_TRUE(h.mem_reqs.empty()) << "all three hit the cached 1 GiB entry";
}

TEST(ModelFaults, NonLeafPointingBeyondMemoryIsAccessFaultNotPageFault)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kRWX | kAD);
    const uint64_t beyond = (4ull << 20) >> 12;
    h.set_pte(kVa, 2, (beyond << 10) | kV);  // level-1 table outside physical memory
    h.boot();
    expect_access_fault_all_ops(h, kVa);
    EXPECT_EQ(h.pte_reads(), 3u) << "only the root PTE is read in each walk";
}

TEST(ModelFaults, RootBeyondMemoryIsAccessFaultWithoutReads)
{
    ModelHarness h(cfg());
    h.boot();
    h.write_satp(0, (4ull << 20) >> 12);
    h.clear_events();
    expect_access_fault_all_ops(h, kVa);
    EXPECT_TRUE(h.mem_reqs.empty());
    EXPECT_EQ(h.pte_reads(), 0u);
}

TEST(ModelFaults, Sv32NonLeafPointingBeyondMemoryIsAccessFault)
{
    ModelHarness h(cfg(Mode::Sv32));
    h.map(kVa, 0, kPpn, kRWX | kAD);
    const uint64_t beyond = (4ull << 20) >> 12;
    h.set_pte(kVa, 1, (beyond << 10) | kV);
    h.boot();
    expect_access_fault_all_ops(h, kVa);
}

TEST(ModelFaults, BarePhysicalAccessBeyondMemoryIsAccessFault)
{
    ModelHarness h(cfg());
    h.boot();
    const uint64_t pa = 4ull << 20;
    h.clear_events();
    EXPECT_TRUE(IsFault(h.access(bare(load(pa))), VM_CAUSE_LOAD_ACCESS, pa));
    EXPECT_TRUE(IsFault(h.access(bare(store(pa + 8, 1))), VM_CAUSE_STORE_ACCESS, pa + 8));
    EXPECT_TRUE(IsFault(h.access(bare(fetch(pa))), VM_CAUSE_FETCH_ACCESS, pa));
    EXPECT_TRUE(h.mem_reqs.empty());
    EXPECT_TRUE(IsOk(h.access(bare(load(pa - 8)))));
}

// ---------------------------------------------------------------- bare accesses and satp

TEST(ModelFaults, BareAccessBypassesTranslation)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.boot();
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(bare(store(kPa + 0x30, 0x1122334455667788ull)))));
    EXPECT_EQ(h.lookups(), 0u) << "a bare access does not look up the TLB";
    ASSERT_EQ(h.mem_reqs.size(), 1u);
    EXPECT_EQ(h.mem_reqs[0].addr, kPa + 0x30);
    EXPECT_EQ(h.mem_reqs[0].op, (unsigned)VM_MEMOP_WRITE);
    Resp r = h.access(load(kVa + 0x30));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 0x1122334455667788ull);
}

TEST(ModelFaults, SatpBareTranslatesNothing)
{
    ModelHarness h(cfg(Mode::Bare));
    const uint64_t a = 0x3AB008;  // an address inside the 4 MiB memory: VA == PA
    h.img_write(a, 8, 0xCAFEF00DDEADBEEFull);
    h.boot();
    h.clear_events();
    Resp r = h.access(load(a));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 0xCAFEF00DDEADBEEFull);
    ASSERT_EQ(h.mem_reqs.size(), 1u) << "only the data access";
    EXPECT_EQ(h.mem_reqs[0].addr, a);
    EXPECT_TRUE(IsOk(h.access(fetch(a))));
    const uint64_t pa = 4ull << 20;
    EXPECT_TRUE(IsFault(h.access(load(pa)), VM_CAUSE_LOAD_ACCESS, pa));
    EXPECT_EQ(h.lookups(), 0u);
    EXPECT_TRUE(h.fills.empty());
}

TEST(ModelFaults, SatpWriteWithUnsupportedModeIsIgnored)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.img_write(kPa, 8, 42);
    h.boot();
    const uint64_t good = h.satp_value(0, h.root());
    EXPECT_EQ(h.csr_read(VM_CSR_SATP), good);
    h.csr_write(VM_CSR_SATP, (9ull << VM_SATP_MODE_LSB) | 0x77);  // MODE 9 (Sv48): not supported
    EXPECT_EQ(h.csr_read(VM_CSR_SATP), good);
    Resp r = h.access(load(kVa));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(r.rdata, 42u) << "still translating with the old satp";
    EXPECT_EQ(h.pte_reads(), 3u);
}

TEST(ModelFaults, SatpUnsupportedModeFromResetStaysBare)
{
    ModelHarness h(cfg(Mode::Bare));
    h.boot();
    h.csr_write(VM_CSR_SATP, (10ull << VM_SATP_MODE_LSB) | 5);  // Sv57: unsupported
    EXPECT_EQ(h.csr_read(VM_CSR_SATP), 0u);
    EXPECT_TRUE(IsOk(h.access(load(0x1000))));
    EXPECT_EQ(h.lookups(), 0u);
}

// ---------------------------------------------------------------- load data

TEST(ModelFaults, StoresThenLoadsReturnExactBytes)
{
    for (uint32_t lat : {1u, 20u}) {
        ModelHarness h(cfg(Mode::Sv39, lat));
        h.map(kVa, 0, kPpn, kR | kW | kAD);
        h.boot();
        const uint64_t b = kVa + 0x10;
        ASSERT_TRUE(IsOk(h.access(store(b, 0x1122334455667788ull, 3))));
        // little endian: byte k of the word at b is (0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11)[k]
        EXPECT_EQ(h.access(load(b + 3, 0)).rdata, 0x55u);
        EXPECT_EQ(h.access(load(b + 7, 0)).rdata, 0x11u);
        EXPECT_EQ(h.access(load(b + 2, 1)).rdata, 0x5566u);
        EXPECT_EQ(h.access(load(b + 6, 1)).rdata, 0x1122u);
        EXPECT_EQ(h.access(load(b + 0, 2)).rdata, 0x55667788u);
        EXPECT_EQ(h.access(load(b + 4, 2)).rdata, 0x11223344u);
        ASSERT_TRUE(IsOk(h.access(store(b + 1, 0xFFFFFFFFFFFFFFABull, 0))));  // only the low byte lands
        ASSERT_TRUE(IsOk(h.access(store(b + 6, 0x12345678BEEFull, 1))));      // only 0xBEEF lands
        EXPECT_EQ(h.access(load(b, 3)).rdata, 0xBEEF33445566AB88ull);
        ASSERT_TRUE(IsOk(h.access(store(b + 0xC, 0xFFFFFFFFCAFEBABEull, 2))));
        EXPECT_EQ(h.access(load(b + 8, 3)).rdata, 0xCAFEBABE00000000ull);
        // loads are zero-extended
        EXPECT_EQ(h.access(load(b + 1, 0)).rdata, 0xABu);
        EXPECT_EQ(h.access(load(b + 6, 1)).rdata, 0xBEEFu);
        EXPECT_EQ(h.access(load(b + 0xC, 2)).rdata, 0xCAFEBABEu);
        // the physical words hold exactly these bytes
        EXPECT_EQ(h.peek(kPa + 0x10), 0xBEEF33445566AB88ull);
        EXPECT_EQ(h.peek(kPa + 0x18), 0xCAFEBABE00000000ull);
        EXPECT_EQ(h.peek(kPa + 0x20), 0u);
    }
}

TEST(ModelFaults, Sv32StoresThenLoadsReturnExactBytes)
{
    ModelHarness h(cfg(Mode::Sv32, 20));
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(store(kVa + 0xFF8, 0x0102030405060708ull))));
    EXPECT_EQ(h.access(load(kVa + 0xFFE, 1)).rdata, 0x0102u);
    EXPECT_EQ(h.access(load(kVa + 0xFF9, 0)).rdata, 0x07u);
    EXPECT_EQ(h.peek(kPa + 0xFF8), 0x0102030405060708ull);
}

TEST(ModelFaults, StoreDataRequestCarriesStrobedBytes)
{
    ModelHarness h(cfg());
    h.map(kVa, 0, kPpn, kR | kW | kAD);
    h.boot();
    ASSERT_TRUE(IsOk(h.access(load(kVa))));  // warm the TLB
    h.clear_events();
    ASSERT_TRUE(IsOk(h.access(store(kVa + 0x22, 0xAAAABBCC, 1))));
    ASSERT_EQ(h.mem_reqs.size(), 1u);
    EXPECT_EQ(h.mem_reqs[0].op, (unsigned)VM_MEMOP_WRITE);
    EXPECT_EQ(h.mem_reqs[0].addr, kPa + 0x20);
    EXPECT_EQ(h.mem_reqs[0].strb, 0x0Cu);  // bytes 2 and 3
    EXPECT_EQ(h.mem_reqs[0].wdata, 0xBBCCull << 16);
}
