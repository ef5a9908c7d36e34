// SPDX-License-Identifier: MIT
// Litmus tests (workload litmus:NAME): the SC oracle against the literature, the verdict's ability to
// fail, bad input, and every test run on the model and in lockstep (RTL + model compared every cycle) on
// 1, 2 and 4 cores. The cores are in-order and blocking, so only sequentially consistent outcomes
// (Lamport 1979) may appear; the textbook-forbidden outcome of each test must never be seen.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "sim_run.hpp"

extern "C" {
#include <vmcosim/contract.h>
#include <vmcosim/litmus.h>
#include <vmcosim/rtl.h>
}

namespace {

using Outcome = std::vector<uint64_t>;

// The literature (the standard litmus catalogue, e.g. Alglave et al., "Herding cats", TOPLAS 2014, and
// Sewell et al.'s x86-TSO / Power test families): the outcomes sequential consistency allows, and the one
// it forbids, in the slot order of include/vmcosim/litmus.h (registers r0.., then final x, y).
struct Literature {
    const char *name;
    unsigned threads;
    std::set<Outcome> allowed;
    Outcome forbidden;
};

std::set<Outcome> all_but(unsigned slots, const Outcome &except)
{
    std::set<Outcome> s;
    for (unsigned bits = 0; bits < (1u << slots); bits++) {
        Outcome o;
        for (unsigned i = 0; i < slots; i++)
            o.push_back((bits >> (slots - 1 - i)) & 1);
        if (o != except)
            s.insert(o);
    }
    return s;
}

const std::vector<Literature> &literature()
{
    static const std::vector<Literature> kLit = {
        // MP: T0: x=1; y=1 || T1: r0=y; r1=x. Seeing the flag but not the data is forbidden.
        {"MP", 2, {{0, 0}, {0, 1}, {1, 1}}, {1, 0}},
        // SB (Dekker): T0: x=1; r0=y || T1: y=1; r1=x. Both missing the other's store is forbidden.
        {"SB", 2, {{0, 1}, {1, 0}, {1, 1}}, {0, 0}},
        // LB: T0: r0=x; y=1 || T1: r1=y; x=1. Both reading the other's later store is forbidden.
        {"LB", 2, {{0, 0}, {0, 1}, {1, 0}}, {1, 1}},
        // CoRR: T0: x=1 || T1: r0=x; r1=x. New then old is forbidden.
        {"CoRR", 2, {{0, 0}, {0, 1}, {1, 1}}, {1, 0}},
        // CoWW: T0: x=1; x=2. The first write last is forbidden.
        {"CoWW", 1, {{2}}, {1}},
        // IRIW: the readers T2 (r0=x; r1=y) and T3 (r2=y; r3=x) disagreeing on the order of the writes is
        // the only forbidden outcome.
        {"IRIW", 4, all_but(4, {1, 0, 1, 0}), {1, 0, 1, 0}},
        // 2+2W: T0: x=1; y=2 || T1: y=1; x=2. Both first writes last is forbidden.
        {"2+2W", 2, {{1, 2}, {2, 1}, {2, 2}}, {1, 1}},
    };
    return kLit;
}

const Literature &lit(const std::string &name)
{
    for (const auto &l : literature())
        if (name == l.name)
            return l;
    ADD_FAILURE() << "no literature entry for " << name;
    return literature()[0];
}

vm_litmus_outcome to_outcome(const Outcome &o)
{
    vm_litmus_outcome r{};
    for (size_t i = 0; i < o.size() && i < VM_LITMUS_MAX_SLOTS; i++)
        r.v[i] = o[i];
    return r;
}

Outcome from_outcome(const vm_litmus_outcome &o, unsigned nslots) { return Outcome(o.v, o.v + nslots); }

std::string report_of(const vm_workload *wl)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    vm_workload_report(wl, f);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s;
}

// ---------------------------------------------------------------- the oracle against the literature

TEST(LitmusOracle, CatalogueIsTheLiteratures)
{
    std::set<std::string> names;
    for (unsigned i = 0; i < vm_litmus_count(); i++)
        names.insert(vm_litmus_name(i));
    std::set<std::string> want;
    for (const auto &l : literature())
        want.insert(l.name);
    EXPECT_EQ(want, names);
    EXPECT_EQ(nullptr, vm_litmus_name(vm_litmus_count()));
    EXPECT_EQ(-1, vm_litmus_threads("NOPE"));
    vm_litmus_outcome o[4];
    EXPECT_EQ(-1, vm_litmus_sc_outcomes("NOPE", o, 4));
    vm_litmus_hist h;
    EXPECT_EQ(-1, vm_litmus_hist_init(&h, "NOPE"));
}

// The enumerator of interleavings allows exactly what the literature allows and excludes the forbidden
// outcome.
TEST(LitmusOracle, InterleavingsGiveExactlyTheTextbookSets)
{
    for (const auto &l : literature()) {
        SCOPED_TRACE(l.name);
        EXPECT_EQ((int)l.threads, vm_litmus_threads(l.name));
        vm_litmus_hist h;
        ASSERT_EQ(0, vm_litmus_hist_init(&h, l.name));
        EXPECT_EQ(l.forbidden.size(), h.nslots);
        vm_litmus_outcome out[VM_LITMUS_MAX_OUTCOMES];
        int n = vm_litmus_sc_outcomes(l.name, out, VM_LITMUS_MAX_OUTCOMES);
        ASSERT_GT(n, 0);
        std::set<Outcome> got;
        for (int i = 0; i < n; i++)
            got.insert(from_outcome(out[i], h.nslots));
        EXPECT_EQ((size_t)n, got.size()) << "duplicates in the oracle's list";
        EXPECT_EQ(l.allowed, got);
        EXPECT_EQ(0u, got.count(l.forbidden));
        // Lexicographic order, as documented.
        for (int i = 1; i < n; i++)
            EXPECT_LT(from_outcome(out[i - 1], h.nslots), from_outcome(out[i], h.nslots));
    }
}

TEST(LitmusOracle, SlotNamesAndFormat)
{
    vm_litmus_hist h;
    char buf[96];
    ASSERT_EQ(0, vm_litmus_hist_init(&h, "SB"));
    vm_litmus_outcome sb = to_outcome({0, 1});
    vm_litmus_format(&h, &sb, buf, sizeof buf);
    EXPECT_STREQ("r0=0 r1=1", buf);
    ASSERT_EQ(0, vm_litmus_hist_init(&h, "2+2W"));
    vm_litmus_outcome w = to_outcome({2, 1});
    vm_litmus_format(&h, &w, buf, sizeof buf);
    EXPECT_STREQ("x=2 y=1", buf);
    ASSERT_EQ(0, vm_litmus_hist_init(&h, "IRIW"));
    vm_litmus_outcome iriw = to_outcome({1, 0, 1, 0});
    vm_litmus_format(&h, &iriw, buf, sizeof buf);
    EXPECT_STREQ("r0=1 r1=0 r2=1 r3=0", buf);
}

// ---------------------------------------------------------------- the verdict can fail

TEST(LitmusVerdict, AcceptsEverySCOutcomeAndRejectsTheForbiddenOne)
{
    for (const auto &l : literature()) {
        SCOPED_TRACE(l.name);
        vm_litmus_hist h;
        ASSERT_EQ(0, vm_litmus_hist_init(&h, l.name));
        uint64_t it = 0;
        for (const auto &o : l.allowed) {
            vm_litmus_outcome v = to_outcome(o);
            vm_litmus_hist_add(&h, &v, it++, nullptr);
        }
        char err[512] = "";
        EXPECT_EQ(0, vm_litmus_verdict(&h, err, sizeof err)) << err;
        vm_litmus_outcome bad = to_outcome(l.forbidden);
        vm_litmus_hist_add(&h, &bad, it++, "fabricated");
        EXPECT_EQ(1u, vm_litmus_hist_count(&h, &bad));
        EXPECT_EQ(it, h.iterations);
        ASSERT_EQ(-1, vm_litmus_verdict(&h, err, sizeof err));
        char o[96];
        vm_litmus_format(&h, &bad, o, sizeof o);
        EXPECT_NE(nullptr, strstr(err, o)) << err;
        EXPECT_NE(nullptr, strstr(err, "not sequentially consistent")) << err;
        EXPECT_NE(nullptr, strstr(err, "fabricated")) << err;
        // The report marks it.
        char *buf = nullptr;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        vm_litmus_print(&h, f);
        fclose(f);
        std::string rep(buf, len);
        free(buf);
        EXPECT_NE(std::string::npos, rep.find("NOT SC")) << rep;
        EXPECT_NE(std::string::npos, rep.find("1 outcomes outside SC")) << rep;
    }
}

TEST(LitmusVerdict, RejectsValuesNoStoreWroteFaultsAndOverflow)
{
    char err[512];
    vm_litmus_hist h;
    ASSERT_EQ(0, vm_litmus_hist_init(&h, "MP"));
    vm_litmus_outcome garbage = to_outcome({1, 0xdead});
    vm_litmus_hist_add(&h, &garbage, 0, nullptr);
    EXPECT_EQ(-1, vm_litmus_verdict(&h, err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "r1=57005")) << err;

    ASSERT_EQ(0, vm_litmus_hist_init(&h, "MP"));
    vm_litmus_outcome ok = to_outcome({1, 1});
    vm_litmus_hist_add(&h, &ok, 0, nullptr);
    h.faults = 1;
    EXPECT_EQ(-1, vm_litmus_verdict(&h, err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "fault")) << err;

    // More distinct outcomes than the table keeps: the rest are dropped and fail the verdict.
    ASSERT_EQ(0, vm_litmus_hist_init(&h, "MP"));
    for (uint64_t i = 0; i < VM_LITMUS_MAX_OUTCOMES + 3; i++) {
        vm_litmus_outcome o = to_outcome({100 + i, 0});
        vm_litmus_hist_add(&h, &o, i, nullptr);
    }
    EXPECT_EQ(3u, h.dropped);
    EXPECT_EQ((uint64_t)VM_LITMUS_MAX_OUTCOMES + 3, h.iterations);
    EXPECT_EQ(-1, vm_litmus_verdict(&h, err, sizeof err));
}

// ---------------------------------------------------------------- the workload on a stand-in memory

// A stand-in for the hardware, to test the workload and its end-to-end verdict apart from the RTL: each
// core's port accepts a request at once and answers it in the next cycle. SC: a store writes memory when
// accepted. Relaxed: a store waits in its core's store buffer for a random 0..47 cycles and the buffers
// drain in any order (a load sees its own core's buffered store first): store->load and store->store
// reordering, the weakness SB, MP, CoWW and 2+2W exist to catch.
struct FakeMemory {
    struct Pending {
        uint64_t addr;
        unsigned size;
        uint64_t val, due;
    };
    bool relaxed;
    uint64_t rng;
    std::map<uint64_t, uint8_t> mem;
    std::vector<Pending> sb[VM_MAX_CORES];
    bool resp_due[VM_MAX_CORES] = {};
    uint64_t resp_data[VM_MAX_CORES] = {};

    FakeMemory(bool relaxed_, uint64_t seed) : relaxed(relaxed_), rng(seed) {}
    uint64_t rnd(uint64_t n)
    {
        uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return (z ^ (z >> 31)) % n;
    }
    void write(uint64_t addr, unsigned size, uint64_t v)
    {
        for (unsigned b = 0; b < (1u << size); b++)
            mem[addr + b] = (uint8_t)(v >> (8 * b));
    }
    uint64_t read(uint64_t addr, unsigned size)
    {
        uint64_t v = 0;
        for (unsigned b = 0; b < (1u << size); b++)
            v |= (uint64_t)mem[addr + b] << (8 * b);
        return v;
    }
    // Runs until the workload ends; returns the cycles taken (0 when it did not end in max cycles).
    uint64_t run(vm_workload *wl, unsigned cores, uint64_t max)
    {
        vm_in in;
        vm_obs obs{};
        for (uint64_t cycle = 0; cycle < max; cycle++) {
            if (vm_workload_done(wl))
                return cycle;
            vm_workload_next(wl, cycle ? &obs : nullptr, &in);
            obs = vm_obs{};
            for (unsigned c = 0; c < cores; c++) {
                auto &q = sb[c];
                for (size_t i = 0; i < q.size();) {
                    if (q[i].due <= cycle) {
                        write(q[i].addr, q[i].size, q[i].val);
                        q.erase(q.begin() + (long)i);
                    } else {
                        i++;
                    }
                }
                vm_core_obs &o = obs.core[c];
                if (resp_due[c]) {
                    o.resp_valid = 1;
                    o.resp_rdata = resp_data[c];
                    resp_due[c] = false;
                }
                const vm_core_in &r = in.core[c];
                if (!r.req_valid)
                    continue;
                EXPECT_EQ(1, r.req_bare);
                o.req_ready = 1;
                resp_due[c] = true;
                resp_data[c] = 0;
                uint64_t mask = r.req_size == 3 ? ~0ull : (1ull << (8 << r.req_size)) - 1;
                if (r.req_op == VM_OP_STORE) {
                    if (relaxed)
                        q.push_back({r.req_addr, r.req_size, r.req_wdata & mask, cycle + rnd(48)});
                    else
                        write(r.req_addr, r.req_size, r.req_wdata & mask);
                } else {
                    resp_data[c] = read(r.req_addr, r.req_size);
                    for (const auto &p : q)   // the youngest own buffered store to the location
                        if (p.addr == r.req_addr && p.size == r.req_size)
                            resp_data[c] = p.val;
                }
            }
        }
        return 0;
    }
};

struct FakeRun {
    vm_config cfg;
    vm_workload *wl = nullptr;
    vm_image img{};
    FakeRun(const std::string &workload, unsigned cores, uint64_t seed)
    {
        char err[512];
        vm_config_defaults(&cfg);
        std::string kv = "cores=" + std::to_string(cores);
        EXPECT_EQ(0, vm_config_set_pair(&cfg, kv.c_str(), err, sizeof err)) << err;
        EXPECT_EQ(0, vm_config_set_pair(&cfg, "mem.size=1M", err, sizeof err)) << err;
        wl = vm_workload_new(workload.c_str(), &cfg, seed, err, sizeof err);
        EXPECT_NE(nullptr, wl) << err;
        EXPECT_EQ(0, vm_image_init(&img, cfg.mem_size, false, 1));
        if (wl) {
            EXPECT_EQ(0, vm_workload_build(wl, &img, err, sizeof err)) << err;
        }
    }
    ~FakeRun()
    {
        vm_image_free(&img);
        vm_workload_free(wl);
    }
};

TEST(LitmusWorkload, SCStandInPassesEveryTest)
{
    for (const auto &l : literature()) {
        for (unsigned cores : {l.threads, 4u}) {
            SCOPED_TRACE(std::string(l.name) + " cores " + std::to_string(cores));
            FakeRun r(std::string("litmus:") + l.name + ":300", cores, 5);
            ASSERT_NE(nullptr, r.wl);
            FakeMemory m(false, 5);
            EXPECT_GT(m.run(r.wl, cores, 2000000), 0u);
            const vm_litmus_hist *h = vm_workload_litmus(r.wl);
            ASSERT_NE(nullptr, h);
            EXPECT_EQ(300u, h->iterations);
            char err[512] = "";
            EXPECT_EQ(0, vm_workload_check(r.wl, err, sizeof err)) << err;
            for (unsigned i = 0; i < h->n; i++)
                EXPECT_EQ(1u, l.allowed.count(from_outcome(h->e[i].o, h->nslots)));
        }
    }
}

// End to end: on a memory that reorders stores, the workload's check() fails and names the outcome.
TEST(LitmusWorkload, RelaxedStandInIsCaught)
{
    for (const char *name : {"SB", "MP", "CoWW", "2+2W"}) {
        SCOPED_TRACE(name);
        const Literature &l = lit(name);
        uint64_t seed = 9;
        std::printf("[ seed     ] relaxed stand-in litmus:%s seed=%" PRIu64 "\n", name, seed);
        FakeRun r(std::string("litmus:") + name + ":400", l.threads, seed);
        ASSERT_NE(nullptr, r.wl);
        FakeMemory m(true, seed);
        EXPECT_GT(m.run(r.wl, l.threads, 2000000), 0u);
        const vm_litmus_hist *h = vm_workload_litmus(r.wl);
        ASSERT_NE(nullptr, h);
        vm_litmus_outcome bad = to_outcome(l.forbidden);
        EXPECT_GT(vm_litmus_hist_count(h, &bad), 0u) << report_of(r.wl);
        char err[512] = "";
        EXPECT_EQ(-1, vm_workload_check(r.wl, err, sizeof err));
        EXPECT_NE(nullptr, strstr(err, "not sequentially consistent")) << err;
        std::printf("%s  check: %s\n", report_of(r.wl).c_str(), err);
    }
}

// ---------------------------------------------------------------- bad input

TEST(LitmusWorkload, BadInput)
{
    char err[512];
    vm_config cfg;
    vm_config_defaults(&cfg);
    ASSERT_EQ(0, vm_config_set_pair(&cfg, "cores=2", err, sizeof err)) << err;
    EXPECT_EQ(nullptr, vm_workload_new("litmus:NOPE", &cfg, 1, err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "NOPE")) << err;
    for (const auto &l : literature())
        EXPECT_NE(nullptr, strstr(err, l.name)) << err;

    EXPECT_EQ(nullptr, vm_workload_new("litmus:IRIW", &cfg, 1, err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "IRIW has 4 threads")) << err;
    EXPECT_NE(nullptr, strstr(err, "cores=2")) << err;

    EXPECT_EQ(nullptr, vm_workload_new("litmus", &cfg, 1, err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "argument")) << err;
    for (const char *w : {"litmus:SB:0", "litmus:SB:x", "litmus:SB:", "litmus:SB:-3", "litmus:sb", "litmus:SBX"})
        EXPECT_EQ(nullptr, vm_workload_new(w, &cfg, 1, err, sizeof err)) << w;

    vm_config one;
    vm_config_defaults(&one);
    EXPECT_EQ(nullptr, vm_workload_new("litmus:SB", &one, 1, err, sizeof err));
    EXPECT_NE(nullptr, strstr(err, "cores=1")) << err;
    vm_workload *w = vm_workload_new("litmus:CoWW", &one, 1, err, sizeof err);
    EXPECT_NE(nullptr, w) << err;
    vm_workload_free(w);
    // Other workloads have no litmus histogram.
    w = vm_workload_new("seq", &one, 1, err, sizeof err);
    ASSERT_NE(nullptr, w) << err;
    EXPECT_EQ(nullptr, vm_workload_litmus(w));
    vm_workload_free(w);
}

// ---------------------------------------------------------------- runs on the hardware

struct Case {
    const char *test;
    std::vector<std::string> sets;
    unsigned iterations;
};

// Readable parameters in gtest's failure lines.
void PrintTo(const Case &c, std::ostream *os)
{
    *os << "litmus:" << c.test << ":" << c.iterations;
    for (const auto &kv : c.sets)
        *os << " " << kv;
}

std::string case_name(const Case &c, vm_engine e)
{
    std::string s = std::string(e == VM_ENGINE_LOCKSTEP ? "lockstep_" : "model_") + c.test;
    for (const auto &kv : c.sets)
        s += "_" + kv;
    std::replace_if(s.begin(), s.end(), [](char ch) { return !isalnum((unsigned char)ch); }, '_');
    return s;
}

// Runs one case and checks everything a litmus run promises.
void run_case(const Case &c, vm_engine engine, uint64_t seed)
{
    const Literature &l = lit(c.test);
    std::string wl = std::string("litmus:") + c.test + ":" + std::to_string(c.iterations);
    std::string sets;
    for (const auto &kv : c.sets)
        sets += " --set " + kv;
    std::printf("[ seed     ] %s seed=%" PRIu64 " (vmcosim run --workload %s%s --seed %" PRIu64 ")\n",
                case_name(c, engine).c_str(), seed, wl.c_str(), sets.c_str(), seed);
    vmt::SimRun r(c.sets, wl.c_str(), seed, engine);
    ASSERT_NE(nullptr, r.sim);
    ASSERT_NE(nullptr, r.wl);
    const uint64_t budget = 2000ull * c.iterations + 100000;
    int rc = r.go(budget);
    std::string rep = report_of(r.wl);
    std::printf("%s  %" PRIu64 " cycles, %.2f s\n", rep.c_str(), r.res.cycles, r.res.seconds);
    ASSERT_EQ(0, rc) << vm_sim_report(r.sim);
    EXPECT_EQ(0u, r.res.mismatches);
    if (engine == VM_ENGINE_LOCKSTEP) {
        EXPECT_EQ(r.res.cycles, r.res.cycles_checked);
    }
    EXPECT_TRUE(vm_workload_done(r.wl)) << "the run ran out of cycles";
    EXPECT_LT(r.res.cycles, budget);

    char err[1024] = "";
    EXPECT_EQ(0, vm_workload_check(r.wl, err, sizeof err)) << err;
    const vm_litmus_hist *h = vm_workload_litmus(r.wl);
    ASSERT_NE(nullptr, h);
    EXPECT_EQ(c.iterations, h->iterations);
    EXPECT_EQ(c.iterations, h->target);
    EXPECT_EQ(r.cfg.cores, h->cores);
    EXPECT_EQ(0u, h->faults);
    EXPECT_EQ(0u, h->dropped);
    uint64_t total = 0;
    for (unsigned i = 0; i < h->n; i++) {
        total += h->e[i].count;
        // Independently of the enumerator: every outcome is one the literature allows.
        EXPECT_EQ(1u, l.allowed.count(from_outcome(h->e[i].o, h->nslots))) << rep;
    }
    EXPECT_EQ(h->iterations, total);
    vm_litmus_outcome forbidden = to_outcome(l.forbidden);
    EXPECT_EQ(0u, vm_litmus_hist_count(h, &forbidden)) << rep;
    // The start delays and cache states really vary the interleaving.
    if (l.allowed.size() > 1) {
        EXPECT_GE(h->n, 2u) << rep;
    }
    // The requests the workload counted are the ones the hardware counted.
    const struct vm_workload_stats *ws = vm_workload_stats(r.wl);
    EXPECT_EQ(ws->by_op[VM_OP_LOAD], r.res.total.loads);
    EXPECT_EQ(ws->by_op[VM_OP_STORE], r.res.total.stores);
    EXPECT_EQ(0u, ws->faults);
    // Every MESI path: hits in S, E and M, snoop hits, upgrades, write-backs (with several cores).
    if (r.cfg.cores > 1) {
        EXPECT_GT(r.res.total.l1_hits[0], 0u) << "no hit in S";
        EXPECT_GT(r.res.total.l1_hits[1], 0u) << "no hit in E";
        EXPECT_GT(r.res.total.l1_hits[2], 0u) << "no hit in M";
        EXPECT_GT(r.res.total.l1_snoop_hits, 0u);
        EXPECT_GT(r.res.bus[VM_BUS_UPGR], 0u);
        EXPECT_GT(r.res.bus[VM_BUS_RDX], 0u);
        EXPECT_GT(r.res.total.l1_writebacks, 0u);
    }
}

const std::vector<std::string> kL1Small = {"l1.size=1024", "l1.ways=1", "l1.line=32"};

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string> &b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Lockstep: the RTL and the model compared every cycle, on the verilated geometries (4 KiB 2-way 64-byte
// L1 at 1, 2 and 4 cores; 1 KiB direct-mapped 32-byte L1 at 1 and 2 cores).
std::vector<Case> lockstep_cases()
{
    std::vector<Case> v;
    for (const char *t : {"MP", "SB", "LB", "CoRR", "CoWW", "2+2W"}) {
        v.push_back({t, {"cores=2"}, 1000});
        v.push_back({t, with({"cores=2"}, kL1Small), 1000});
    }
    for (const char *t : {"IRIW", "SB", "MP", "CoRR", "2+2W"})
        v.push_back({t, {"cores=4"}, 500});
    v.push_back({"CoWW", {"cores=1"}, 500});
    v.push_back({"CoWW", with({"cores=1"}, kL1Small), 500});
    // Other replacement policies and memory latencies (run-time settings of the same RTL).
    v.push_back({"SB", {"cores=2", "l1.repl=random", "mem.latency=1"}, 1000});
    v.push_back({"MP", {"cores=2", "l1.repl=plru", "mem.latency=3"}, 1000});
    v.push_back({"2+2W", {"cores=2", "l1.repl=fifo"}, 1000});
    v.push_back({"IRIW", {"cores=4", "l1.repl=fifo", "mem.latency=2"}, 500});
    return v;
}

// Model alone: more seeds, and geometries the RTL build does not carry at that core count (1 MiB of
// memory: the model's memory is sized by mem.size, and a run then costs no 64 MiB image).
std::vector<Case> model_cases()
{
    std::vector<Case> v;
    for (const auto &l : literature()) {
        v.push_back({l.name, {"mem.size=1M", "cores=" + std::to_string(l.threads)}, 2000});
        if (l.threads < 4)
            v.push_back({l.name, {"mem.size=1M", "cores=4"}, 1000});
        v.push_back({l.name, with({"mem.size=1M", "cores=4"}, kL1Small), 1000});
        v.push_back({l.name, {"mem.size=1M", "cores=4", "l1.size=8192", "l1.ways=4", "l1.repl=random"}, 1000});
    }
    return v;
}

class LitmusLockstep : public ::testing::TestWithParam<Case> {};
TEST_P(LitmusLockstep, OnlySCOutcomes) { run_case(GetParam(), VM_ENGINE_LOCKSTEP, 1); }
INSTANTIATE_TEST_SUITE_P(Runs, LitmusLockstep, ::testing::ValuesIn(lockstep_cases()),
                         [](const ::testing::TestParamInfo<Case> &i) { return case_name(i.param, VM_ENGINE_LOCKSTEP); });

class LitmusModel : public ::testing::TestWithParam<Case> {};
TEST_P(LitmusModel, OnlySCOutcomes)
{
    for (uint64_t seed : {1, 2})
        run_case(GetParam(), VM_ENGINE_MODEL, seed);
}
INSTANTIATE_TEST_SUITE_P(Runs, LitmusModel, ::testing::ValuesIn(model_cases()),
                         [](const ::testing::TestParamInfo<Case> &i) { return case_name(i.param, VM_ENGINE_MODEL); });

// Same seed, same histogram; another seed, another schedule.
TEST(LitmusWorkload, DeterministicPerSeed)
{
    auto hist = [](uint64_t seed) {
        vmt::SimRun r({"cores=2"}, "litmus:SB:300", seed, VM_ENGINE_MODEL);
        EXPECT_EQ(0, r.go(10000000));
        const vm_litmus_hist *h = vm_workload_litmus(r.wl);
        std::map<Outcome, uint64_t> m;
        for (unsigned i = 0; h && i < h->n; i++)
            m[from_outcome(h->e[i].o, h->nslots)] = h->e[i].count;
        return std::make_pair(m, r.res.cycles);
    };
    auto a = hist(11), b = hist(11), c = hist(12);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
}

// A cycle budget too small for every iteration: the run stops, the report says so, the outcomes recorded
// so far are still judged.
TEST(LitmusWorkload, StopsAtTheCycleBudget)
{
    vmt::SimRun r({"cores=2"}, "litmus:MP", 1, VM_ENGINE_MODEL);
    ASSERT_EQ(0, r.go(5000));
    const vm_litmus_hist *h = vm_workload_litmus(r.wl);
    ASSERT_NE(nullptr, h);
    EXPECT_GT(h->iterations, 0u);
    EXPECT_LT(h->iterations, 200u);
    EXPECT_EQ(200u, h->target);
    char err[512] = "";
    EXPECT_EQ(0, vm_workload_check(r.wl, err, sizeof err)) << err;
    EXPECT_NE(std::string::npos, report_of(r.wl).find("stopped before the 200 asked for"));
}

}  // namespace
