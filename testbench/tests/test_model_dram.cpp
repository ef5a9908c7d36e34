// SPDX-License-Identifier: MIT
// Directed tests of the memory controller's open-row DRAM timing (mem.row=open; rtl/mem/vm_memctl.sv, twin
// model/mem/vm_memctl.c) in the one-core system top: the address mapping, row hits and misses, banks that
// keep their rows independently, and the same row logic for every memory-touching transaction (demand
// fills, write-backs, walker reads, the walker's RMW, page DMA reads and line writes).
// Built twice (CMake): on the model alone and, with VMT_LOCKSTEP, on RTL + model in lockstep.
//
// Expected values are worked out from the documented rules, never copied from model output:
//   vm_memctl.sv  mem.row=open: bank = (a / row_size) mod banks, row = a / (row_size x banks); an accepted
//                 access (every bus transaction but BusUpgr; an RMW or a line write is one access) takes
//                 row_hit cycles if its bank's open row is its row, else row_miss (an empty bank after reset
//                 too), and its row becomes the bank's open row. mem.row=off: mem.latency for every access.
//                 The latency replaces mem.latency in the controller's countdown and nothing else changes, so
//                 every timing rule of test_model_l1.cpp and test_model_dma.cpp holds with L = the access's
//                 own latency:
//   clean miss (bare)      response = acceptance + L + 1                      (test_model_l1.cpp: L + 1)
//   dirty miss (bare)      WriteBack (L_wb), then the fill (L_fill): L_wb + L_fill + 2      (2L + 2)
//   walk + data, all missing the L1: every memory access (PTE RdNA, RMW, data) costs L_i + 2  (5L + 10)
//   DMA command, idle core: every line transaction costs L_i + 1; dma_done - acceptance = sum  (n(L + 1))
//   every bus transaction: done - grant = L of its access.
#include "model_harness.hpp"

#include <map>
#include <ostream>
#include <string>
#include <vector>

using namespace vmt;

namespace {

constexpr unsigned kRd = VM_BUS_RD, kRdx = VM_BUS_RDX, kWb = VM_BUS_WB, kRdna = VM_BUS_RDNA, kRmw = VM_BUS_RMW,
                   kWli = VM_BUS_WLI;

// The open-row geometry and timing under test.
struct Dram {
    uint32_t banks, row_size, hit, miss;
    uint64_t stripe() const { return (uint64_t)banks * row_size; }  // bytes of one row across all banks
    // The byte address of offset `off` in row `row` of bank `bank` (the inverse of the documented mapping).
    uint64_t at(uint64_t bank, uint64_t row, uint64_t off) const { return (row * banks + bank) * row_size + off; }
};

std::string dram_name(const Dram &d)
{
    return std::to_string(d.banks) + "x" + std::to_string(d.row_size) + "_hit" + std::to_string(d.hit) + "_miss" +
           std::to_string(d.miss);
}

// An L1 geometry verilated for lockstep (CMakeLists.txt VM_RTL_SOC_VARIANTS).
struct Geo {
    uint32_t size, ways, line;
    uint64_t line_of(uint64_t pa) const { return pa & ~(uint64_t)(line - 1); }
};
constexpr Geo k4096x2{4096, 2, 64};
constexpr Geo k1024x1{1024, 1, 32};

HarnessCfg dram_cfg(const Geo &g, const Dram &d, uint32_t mem_row = VM_MEMROW_OPEN)
{
    HarnessCfg c;
    c.mode = Mode::Sv39;
    c.mem_latency = 20;   // must not matter with mem.row=open
    c.l1_size = g.size;
    c.l1_ways = g.ways;
    c.l1_line = g.line;
    c.mem_row = mem_row;
    c.mem_banks = d.banks;
    c.mem_row_size = d.row_size;
    c.mem_row_hit = d.hit;
    c.mem_row_miss = d.miss;
    c.shadow = true;
    return c;
}

// The documented mapping, written with division and modulo (the twins use shifts and masks): predicts for a
// sequence of accesses whether each hits its bank's open row.
struct OpenRows {
    Dram d;
    std::map<uint64_t, uint64_t> open;  // bank -> open row
    explicit OpenRows(const Dram &dr) : d(dr) {}
    bool access(uint64_t pa)
    {
        uint64_t bank = (pa / d.row_size) % d.banks, row = pa / (d.row_size * (uint64_t)d.banks);
        auto it = open.find(bank);
        bool hit = it != open.end() && it->second == row;
        open[bank] = row;
        return hit;
    }
    unsigned latency(uint64_t pa) { return access(pa) ? d.hit : d.miss; }
};

// Every bus transaction logged since the last clear, in order, against the predicted row state: its flags
// (exactly one of hit / miss for a memory access, none for BusUpgr) and its duration (done - grant = the
// access's latency; the bus is atomic, so the n-th done belongs to the n-th grant). Returns the latencies.
std::vector<unsigned> check_transactions(const ModelHarness &h, OpenRows &rows)
{
    std::vector<unsigned> lat;
    EXPECT_EQ(h.bus_grants.size(), h.bus_dones.size()) << "every transaction completed";
    for (size_t i = 0; i < h.bus_grants.size(); i++) {
        const BusGrantEv &g = h.bus_grants[i];
        SCOPED_TRACE("transaction " + std::to_string(i) + " type " + std::to_string(g.type));
        if (g.type == VM_BUS_UPGR) {
            EXPECT_FALSE(g.row_hit || g.row_miss) << "BusUpgr does not touch memory";
            lat.push_back(0);
            continue;
        }
        const bool hit = rows.access(g.addr);
        EXPECT_EQ(g.row_hit, hit) << "address 0x" << std::hex << g.addr;
        EXPECT_EQ(g.row_miss, !hit) << "address 0x" << std::hex << g.addr;
        lat.push_back(hit ? rows.d.hit : rows.d.miss);
        if (i < h.bus_dones.size())
            EXPECT_EQ(h.bus_dones[i].cycle - g.cycle, lat.back()) << "address 0x" << std::hex << g.addr;
    }
    return lat;
}

// One bare load that misses the L1 (a line not seen before): its latency and its single transaction's flags.
struct Miss {
    unsigned latency;
    bool row_hit, row_miss;
};
Miss bare_miss(ModelHarness &h, uint64_t pa)
{
    h.clear_events();
    Resp r = h.access(bare(load(pa)));
    EXPECT_TRUE(IsOk(r)) << "load of 0x" << std::hex << pa;
    EXPECT_EQ(h.bus_grants.size(), 1u) << "one transaction for the load of 0x" << std::hex << pa;
    if (h.bus_grants.size() != 1)
        return {(unsigned)r.latency(), false, false};
    EXPECT_EQ(h.bus_grants[0].type, kRd);
    EXPECT_EQ(h.bus_grants[0].cycle, r.accept_cycle + 1) << "the miss asks the bus the cycle after acceptance";
    return {(unsigned)r.latency(), h.bus_grants[0].row_hit, h.bus_grants[0].row_miss};
}

struct MapCase {
    Geo g;
    Dram d;
};
void PrintTo(const MapCase &c, std::ostream *os) { *os << "line " << c.g.line << " dram " << dram_name(c.d); }
std::string map_case_name(const ::testing::TestParamInfo<MapCase> &i)
{
    return "line" + std::to_string(i.param.g.line) + "_" + dram_name(i.param.d);
}

}  // namespace

// ---------------------------------------------------------------- mapping, hits, misses, banks

class DramRows : public ::testing::TestWithParam<MapCase> {};

TEST_P(DramRows, FirstAccessMissesSameRowHitsOtherRowMissesOtherBankKeepsItsRow)
{
    const Geo g = GetParam().g;
    const Dram d = GetParam().d;
    ModelHarness h(dram_cfg(g, d));
    h.boot();
    const uint64_t R = 0x100000 / d.stripe();  // a row far above the page tables
    const unsigned H = d.hit + 1, M = d.miss + 1;  // a clean miss answers L + 1 cycles after acceptance

    Miss m = bare_miss(h, d.at(0, R, 0));
    EXPECT_EQ(m.latency, M) << "bank 0 is empty after reset: row miss";
    EXPECT_TRUE(m.row_miss);
    EXPECT_FALSE(m.row_hit);
    m = bare_miss(h, d.at(0, R, g.line));
    EXPECT_EQ(m.latency, H) << "another line of the open row: row hit";
    EXPECT_TRUE(m.row_hit);
    EXPECT_FALSE(m.row_miss);
    m = bare_miss(h, d.at(0, R, d.row_size - g.line));
    EXPECT_EQ(m.latency, H) << "the row's last line: still the open row";
    EXPECT_TRUE(m.row_hit);
    m = bare_miss(h, d.at(0, R + 1, 0));
    EXPECT_EQ(m.latency, M) << "another row of the same bank: conflict";
    EXPECT_TRUE(m.row_miss);
    if (d.banks > 1) {
        m = bare_miss(h, d.at(1, R, 0));
        EXPECT_EQ(m.latency, M) << "bank 1 is still empty";
        EXPECT_TRUE(m.row_miss);
        m = bare_miss(h, d.at(0, R + 1, 2 * g.line));
        EXPECT_EQ(m.latency, H) << "bank 1's activation left bank 0's row R+1 open";
        EXPECT_TRUE(m.row_hit);
        if (d.banks > 2) {
            m = bare_miss(h, d.at(d.banks - 1, R + 7, g.line));
            EXPECT_EQ(m.latency, M) << "the last bank, empty";
        }
        m = bare_miss(h, d.at(1, R, 3 * g.line));
        EXPECT_EQ(m.latency, H) << "bank 1 kept row R through the accesses to the other banks";
        EXPECT_TRUE(m.row_hit);
    }
    m = bare_miss(h, d.at(0, R, 2 * g.line));
    EXPECT_EQ(m.latency, M) << "back to row R in bank 0: its row was closed by R+1";
    EXPECT_TRUE(m.row_miss);
    // one stripe (banks x row_size) further: the same bank, the next row
    m = bare_miss(h, d.at(0, R, 3 * g.line) + d.stripe());
    EXPECT_EQ(m.latency, M);
    EXPECT_TRUE(m.row_miss);
    // every load above missed the L1 (distinct lines, offsets below the smallest row's 4 lines of 64 bytes)
    EXPECT_EQ(h.l1_misses(), d.banks > 2 ? 10u : d.banks == 2 ? 9u : 6u);
}

INSTANTIATE_TEST_SUITE_P(ModelDram, DramRows,
                         ::testing::Values(MapCase{k4096x2, Dram{4, 2048, 8, 24}},  // the defaults
                                           MapCase{k4096x2, Dram{2, 256, 1, 2}},
                                           MapCase{k4096x2, Dram{8, 1024, 5, 90}},
                                           MapCase{k4096x2, Dram{1, 8192, 3, 7}},
                                           MapCase{k4096x2, Dram{4, 4096, 4, 4}},   // hit == miss: flags still
                                           MapCase{k1024x1, Dram{4, 2048, 8, 24}},
                                           MapCase{k1024x1, Dram{8, 256, 2, 31}}),
                         map_case_name);

TEST(ModelDramOff, RowOffIsTheFixedLatencyWithNoRowFlags)
{
    // mem.row=off (the default): every access takes mem.latency whatever the row keys say, and the
    // observation never shows a row hit or miss.
    const Dram d{4, 2048, 8, 24};
    HarnessCfg c = dram_cfg(k4096x2, d, VM_MEMROW_OFF);
    c.mem_latency = 13;
    ModelHarness h(c);
    h.boot();
    const uint64_t R = 0x100000 / d.stripe();
    for (uint64_t pa : {d.at(0, R, 0), d.at(0, R, 64), d.at(0, R + 1, 0), d.at(1, R, 0), d.at(0, R + 1, 128)}) {
        Miss m = bare_miss(h, pa);
        EXPECT_EQ(m.latency, 14u) << "mem.latency + 1 for 0x" << std::hex << pa;
        EXPECT_FALSE(m.row_hit || m.row_miss);
    }
}

TEST(ModelDramOff, MemLatencyIsNotUsedWithRowOpen)
{
    // Two systems that differ only in mem.latency time every access the same with mem.row=open.
    const Dram d{4, 2048, 6, 17};
    std::vector<unsigned> lat[2];
    for (int k = 0; k < 2; k++) {
        HarnessCfg c = dram_cfg(k4096x2, d);
        c.mem_latency = k ? 1 : 200;
        ModelHarness h(c);
        h.boot();
        const uint64_t R = 0x100000 / d.stripe();
        for (uint64_t pa : {d.at(0, R, 0), d.at(0, R, 64), d.at(2, R, 0), d.at(0, R + 3, 0)})
            lat[k].push_back(bare_miss(h, pa).latency);
    }
    EXPECT_EQ(lat[0], lat[1]);
    EXPECT_EQ(lat[0], (std::vector<unsigned>{18, 7, 18, 18}));
}

// ---------------------------------------------------------------- write-backs, walks and RMW, page DMA

class DramTraffic : public ::testing::TestWithParam<Dram> {};

TEST_P(DramTraffic, WriteBacksGoThroughTheRowLogic)
{
    // Default geometry: 4 banks of 2 KiB rows; the 4096x2 L1 has 32 sets of 64-byte lines, 2 KiB apart for
    // one set, so at(b, r, 0) is set 0 for every bank and row.
    const Dram d{4, 2048, GetParam().hit, GetParam().miss};
    const Geo g = k4096x2;
    ModelHarness h(dram_cfg(g, d));
    h.boot();
    OpenRows rows(d);
    const unsigned H = d.hit, M = d.miss;
    const uint64_t R = 0x100000 / d.stripe();
    const uint64_t A = d.at(0, R, 0), B = d.at(1, R, 0), C = d.at(0, R + 1, 0), D = d.at(1, R + 1, 0),
                   F = d.at(0, R, 64), E = d.at(2, R, 0);

    h.clear_events();
    Resp r = h.access(bare(store(A, 0xA0)));  // BusRdX, bank 0 empty
    EXPECT_EQ(r.latency(), M + 1u);
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRdx}));
    check_transactions(h, rows);

    h.clear_events();
    r = h.access(bare(load(B)));  // bank 1 empty; set 0 now holds A (M, LRU) and B (E)
    EXPECT_EQ(r.latency(), M + 1u);
    check_transactions(h, rows);

    h.clear_events();
    r = h.access(bare(load(C)));  // victim A (dirty): WriteBack to bank 0 row R (open: hit), fill C (row R+1: miss)
    EXPECT_EQ(r.latency(), H + M + 2u);
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kWb, kRd}));
    ASSERT_EQ(h.bus_grants.size(), 2u);
    EXPECT_TRUE(h.bus_grants[0].row_hit) << "the write-back found A's row open";
    EXPECT_TRUE(h.bus_grants[1].row_miss) << "the fill opened row R+1";
    check_transactions(h, rows);
    EXPECT_EQ(h.peek(A), 0xA0u);

    h.clear_events();
    r = h.access(bare(store(C + 8, 0xC8)));  // hit on E: E -> M, no bus
    EXPECT_EQ(r.latency(), 1u);
    EXPECT_TRUE(h.bus_grants.empty());

    h.clear_events();
    r = h.access(bare(load(D)));  // victim B (clean, LRU): the fill only; bank 1 has row R open: miss
    EXPECT_EQ(r.latency(), M + 1u);
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRd}));
    check_transactions(h, rows);

    h.clear_events();
    r = h.access(bare(load(F)));  // set 1; bank 0 row R again: miss (row R+1 was open)
    EXPECT_EQ(r.latency(), M + 1u);
    check_transactions(h, rows);

    h.clear_events();
    r = h.access(bare(load(E)));  // set 0 victim C (dirty, LRU): WriteBack to row R+1 of bank 0 (R open: miss),
    EXPECT_EQ(r.latency(), 2u * M + 2u);  // then the fill in bank 2 (empty: miss)
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kWb, kRd}));
    ASSERT_EQ(h.bus_grants.size(), 2u);
    EXPECT_TRUE(h.bus_grants[0].row_miss) << "the write-back's row was closed by F's access";
    check_transactions(h, rows);
    EXPECT_EQ(h.peek(C + 8), 0xC8u);

    h.clear_events();
    r = h.access(bare(load(C + 16)));  // C again (set 0 victim D, clean): bank 0 row R+1, open since the write-back
    EXPECT_EQ(r.latency(), H + 1u);
    EXPECT_EQ(r.rdata, 0u);
    check_transactions(h, rows);
    EXPECT_EQ(h.l1_writebacks(), 2u);
}

TEST_P(DramTraffic, WalkerReadsAndTheRmwGoThroughTheRowLogic)
{
    // Hardware A/D: a store through a leaf with A = D = 0 walks (three RdNA PTE reads), compare-and-swaps the
    // leaf (an RMW of the leaf's line, which the leaf's read just opened: a row hit), then the data BusRdX.
    const Dram d = GetParam();
    const Geo g = k4096x2;
    HarnessCfg c = dram_cfg(g, d);
    c.status = kPrivS | kAdhw;
    ModelHarness h(c);
    constexpr uint64_t kVa = 0x12345000, kPpn = 0x150;
    h.map(kVa, 0, kPpn, kR | kW);
    h.boot();
    const uint64_t p2 = h.pte_addr(kVa, 2), p1 = h.pte_addr(kVa, 1), p0 = h.pte_addr(kVa, 0), D = kPpn << 12;
    OpenRows rows(d);
    h.clear_events();
    Resp r = h.access(store(kVa + 0x20, 0x4444));
    ASSERT_TRUE(IsOk(r));
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRdna, kRdna, kRdna, kRmw, kRdx}));
    std::vector<uint64_t> addrs;
    for (const auto &e : h.bus_grants)
        addrs.push_back(e.addr);
    EXPECT_EQ(addrs, (std::vector<uint64_t>{g.line_of(p2), g.line_of(p1), g.line_of(p0), g.line_of(p0), D}));
    const std::vector<unsigned> lat = check_transactions(h, rows);
    ASSERT_EQ(lat.size(), 5u);
    EXPECT_EQ(lat[3], d.hit) << "the RMW is one access to the row the leaf's read opened";
    unsigned want = 0;
    for (unsigned l : lat)
        want += l + 2;
    EXPECT_EQ(r.latency(), want) << "every memory access of the walk and the data costs L_i + 2";
    EXPECT_EQ(h.peek(p0), ((kPpn << 10) | kV | kR | kW | kA | kD));
    // the walk again after an sfence: the PTE lines are not cached (RdNA), A and D are set: no RMW
    h.sfence_all();
    h.clear_events();
    r = h.access(load(kVa + 0x20));
    EXPECT_EQ(r.rdata, 0x4444u);
    EXPECT_EQ(h.bus_grant_types(), (std::vector<unsigned>{kRdna, kRdna, kRdna}));
    const std::vector<unsigned> lat2 = check_transactions(h, rows);
    ASSERT_EQ(lat2.size(), 3u);
    EXPECT_EQ(r.latency(), lat2[0] + lat2[1] + lat2[2] + 6u + 2u) << "3 x (L_i + 2), then the data hit (2)";
}

namespace {
// DMA commands on an idle core: the engine's grants and its duration against the predicted rows.
void check_dma(ModelHarness &h, OpenRows &rows, const DmaResult &res, unsigned op, uint64_t src, uint64_t dst,
               unsigned line)
{
    ASSERT_FALSE(res.timed_out);
    const unsigned n = 4096 / line;
    std::vector<std::pair<unsigned, uint64_t>> want;
    for (unsigned i = 0; i < n; i++) {
        if (op == VM_DMA_COPY || op == VM_DMA_TO_BUF)
            want.emplace_back(kRdna, src + i * line);
        if (op == VM_DMA_COPY || op == VM_DMA_ZERO || op == VM_DMA_FROM_BUF)
            want.emplace_back(kWli, dst + i * line);
    }
    std::vector<std::pair<unsigned, uint64_t>> got;
    for (const auto &e : h.bus_grants) {
        EXPECT_EQ(e.master, 1u) << "only the DMA engine uses the bus";
        got.emplace_back(e.type, e.addr);
    }
    EXPECT_EQ(got, want);
    const std::vector<unsigned> lat = check_transactions(h, rows);
    uint64_t total = 0;
    for (unsigned l : lat)
        total += l + 1;
    EXPECT_EQ(res.cycles(), total) << "every line transaction costs L_i + 1";
}
}  // namespace

TEST_P(DramTraffic, DmaZeroOpensEachHalfPageRowOnce)
{
    const Dram d{4, 2048, GetParam().hit, GetParam().miss};
    for (const Geo &g : {k4096x2, k1024x1}) {
        SCOPED_TRACE("line " + std::to_string(g.line));
        ModelHarness h(dram_cfg(g, d));
        h.boot();
        OpenRows rows(d);
        const uint64_t P = d.at(0, 0x200000 / d.stripe(), 0);  // banks 0 and 1
        const unsigned n = 4096 / g.line;
        h.clear_events();
        DmaResult res = h.dma(VM_DMA_ZERO, 0, P);
        check_dma(h, rows, res, VM_DMA_ZERO, 0, P, g.line);
        EXPECT_EQ(res.cycles(), 2u * (d.miss + 1) + (n - 2u) * (d.hit + 1)) << "one activation per 2 KiB half";
        // the core then finds bank 1's row (the page's second half) open
        Miss m = bare_miss(h, P + 2048 + 5 * g.line);
        EXPECT_EQ(m.latency, d.hit + 1u);
        EXPECT_TRUE(m.row_hit);
    }
}

TEST_P(DramTraffic, DmaCopyThrashesOneBankButNotTwo)
{
    const Dram d{4, 2048, GetParam().hit, GetParam().miss};
    const Geo g = k4096x2;
    const unsigned n = 4096 / g.line;
    const uint64_t S = d.at(0, 0x200000 / d.stripe(), 0);  // banks 0 and 1, row R
    {
        SCOPED_TRACE("same banks, another row: every read and every write reopens its row");
        ModelHarness h(dram_cfg(g, d));
        h.boot();
        OpenRows rows(d);
        const uint64_t T = S + 3 * d.stripe();  // banks 0 and 1, row R + 3
        h.clear_events();
        DmaResult res = h.dma(VM_DMA_COPY, S, T);
        check_dma(h, rows, res, VM_DMA_COPY, S, T, g.line);
        EXPECT_EQ(res.cycles(), 2u * n * (d.miss + 1));
    }
    {
        SCOPED_TRACE("other banks: four activations");
        ModelHarness h(dram_cfg(g, d));
        h.boot();
        OpenRows rows(d);
        const uint64_t T = S + 4096;  // banks 2 and 3, row R
        h.clear_events();
        DmaResult res = h.dma(VM_DMA_COPY, S, T);
        check_dma(h, rows, res, VM_DMA_COPY, S, T, g.line);
        EXPECT_EQ(res.cycles(), 4u * (d.miss + 1) + (2u * n - 4) * (d.hit + 1));
        // swap buffer round trip through the same rows: TO_BUF of T (rows open: all hits), FROM_BUF to S
        h.clear_events();
        res = h.dma(VM_DMA_TO_BUF, T, 0);
        check_dma(h, rows, res, VM_DMA_TO_BUF, T, 0, g.line);
        EXPECT_EQ(res.cycles(), n * (d.hit + 1u));
        h.clear_events();
        res = h.dma(VM_DMA_FROM_BUF, 0, S);
        check_dma(h, rows, res, VM_DMA_FROM_BUF, 0, S, g.line);
        EXPECT_EQ(res.cycles(), n * (d.hit + 1u));
    }
}

INSTANTIATE_TEST_SUITE_P(ModelDram, DramTraffic,
                         ::testing::Values(Dram{4, 2048, 8, 24}, Dram{4, 2048, 1, 2}, Dram{4, 2048, 5, 90},
                                           Dram{2, 256, 3, 3}, Dram{8, 8192, 2, 40}),
                         [](const ::testing::TestParamInfo<Dram> &i) { return dram_name(i.param); });

// ---------------------------------------------------------------- model event skipping stays exact

TEST(ModelDramModelOnly, QuietCycleSkippingMatchesSteppingWithOpenRows)
{
    VMT_MODEL_ONLY("event skipping is a model engine feature");
    const Dram d{4, 2048, 9, 37};
    auto run = [&](bool skip, std::vector<uint64_t> &out) {
        ModelHarness h(dram_cfg(k4096x2, d));
        h.boot();
        h.skip_quiet = skip;
        const uint64_t R = 0x100000 / d.stripe();
        for (uint64_t pa : {d.at(0, R, 0), d.at(0, R, 64), d.at(1, R, 0), d.at(0, R + 1, 0), d.at(0, R + 1, 8)}) {
            Resp r = h.access(bare(store(pa, pa ^ 0x55)));
            out.push_back(r.accept_cycle);
            out.push_back(r.resp_cycle);
        }
        for (uint64_t k = 0; k < 4; k++) {  // evictions of dirty lines: write-backs
            Resp r = h.access(bare(load(d.at(k, R + 2, 0))));
            out.push_back(r.resp_cycle);
            out.push_back(r.rdata);
        }
        out.push_back(h.cycle());
        out.push_back(h.l1_writebacks());
        if (skip)
            EXPECT_GT(h.skipped, 100u) << "the skipping run really skipped";
    };
    std::vector<uint64_t> a, b;
    run(false, a);
    run(true, b);
    EXPECT_EQ(a, b);
}
