// SPDX-License-Identifier: MIT
// The vmcosim command line: exit statuses, error messages, config precedence, outputs.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#ifndef VMCOSIM_BIN
#error "VMCOSIM_BIN must name the vmcosim executable"
#endif

namespace {

struct Result {
    int status;
    std::string out;  // stdout and stderr together
};

Result vmcosim(const std::string &args)
{
    std::string cmd = std::string(VMCOSIM_BIN) + " " + args + " 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    Result r{-1, ""};
    if (!p)
        return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        r.out.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string tmp_path(const std::string &name)
{
    return std::string(::testing::TempDir()) + "vmcosim_cli_" + std::to_string(getpid()) + "_" + name;
}

std::string slurp(const std::string &path)
{
    std::ifstream f(path);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void write_file(const std::string &path, const std::string &text)
{
    std::ofstream f(path, std::ios::binary);
    f << text;
}

bool contains(const std::string &s, const std::string &what) { return s.find(what) != std::string::npos; }

const char *kSmall = "--set mem.size=1M --max-cycles 3000";

TEST(Cli, HelpAndListSucceed)
{
    Result h = vmcosim("--help");
    EXPECT_EQ(0, h.status);
    EXPECT_TRUE(contains(h.out, "usage: vmcosim run"));
    Result l = vmcosim("list");
    EXPECT_EQ(0, l.status);
    // descriptions wrap onto indented lines: read them as one line each
    std::string flat;
    for (size_t i = 0; i < l.out.size(); i++) {
        if (l.out[i] == '\n' && i + 1 < l.out.size() && l.out[i + 1] == ' ') {
            size_t j = l.out.find_first_not_of(' ', i + 1);
            if (j != std::string::npos && j - i > 3) {   // a continuation (deeper than an entry's indent)
                flat += ' ';
                i = j - 1;
                continue;
            }
        }
        flat += l.out[i];
    }
    l.out = flat;
    for (const char *k : {"seq", "stride", "random", "vm.mode", "vm.ad", "tlb.entries", "tlb.ways", "tlb.repl",
                          "l1.size", "l1.ways", "l1.line", "l1.repl", "mem.size", "mem.latency", "16x16",
                          "L1 4096x2x64", "mem.row ", "mem.banks", "mem.row_size", "mem.row_hit", "mem.row_miss",
                          "not used with mem.row=open"})
        EXPECT_TRUE(contains(l.out, k)) << k;
}

TEST(Cli, UsageErrorsExitTwo)
{
    struct Case {
        const char *args, *message;
    } cases[] = {
        {"", "missing command"},
        {"frobnicate", "unknown command 'frobnicate'"},
        {"run", "run needs --workload NAME or --trace FILE"},
        {"run --workload nosuch", "unknown workload 'nosuch'; built-in workloads: seq stride random"},
        {"run --workload seq --engine fpga", "unknown engine 'fpga' (allowed: lockstep, rtl, model)"},
        {"run --workload seq --bogus 1", "unknown option '--bogus'"},
        {"run --workload seq --seed", "option --seed needs a value"},
        {"run --workload seq --seed -3", "--seed needs an unsigned number"},
        {"run --workload seq --max-cycles 0", "--max-cycles needs a positive number"},
        {"run --workload seq --set tlb.entires=16", "unknown config key 'tlb.entires' (did you mean 'tlb.entries'?)"},
        {"run --workload seq --set tlb.repl=mru", "invalid value 'mru' for tlb.repl: allowed: lru, plru, fifo, random"},
        {"run --workload seq --set vm.mode=sv48", "invalid value 'sv48' for vm.mode: allowed: sv39, sv32, bare"},
        {"run --workload seq --set tlb.entries=12", "invalid value '12' for tlb.entries"},
        {"run --workload seq --set mem.size=3M", "invalid value '3M' for mem.size"},
        {"run --workload seq --set mem.latency=0", "invalid value '0' for mem.latency"},
        {"run --workload seq --set tlbways", "expected key=value, got 'tlbways'"},
        {"run --workload seq --set tlb.entries=8 --set tlb.ways=16", "tlb.ways=16: must be a power of two that divides tlb.entries=8"},
        {"run --workload seq --engine rtl --set l1.size=0 --set tlb.entries=64 --set tlb.ways=8",
         "no RTL variant with this TLB geometry"},
        {"run --workload seq --engine lockstep --set l1.size=16K", "no RTL variant with this core count, TLB and L1 geometry"},
        {"run --workload coherence --set cores=5", "invalid value '5' for cores"},
        {"run --workload coherence --set cores=2 --set l1.size=0", "cores=2 needs the L1 caches"},
        {"run --workload coherence:x", "workload coherence takes no argument"},
        {"run --workload litmus", "workload litmus needs an argument"},
        {"run --workload seq --set l1.line=128", "invalid value '128' for l1.line"},
        {"run --workload seq --set l1.size=3000", "invalid value '3000' for l1.size"},
        {"run --workload seq --set l1.size=64 --set l1.ways=2", "l1.size=64: must be a power of two, at least l1.ways x l1.line = 128"},
        {"run --workload seq --engine model --waves x.fst", "--waves needs an RTL engine"},
        {"run --workload seq --waves-from 10 --waves-to 5 --waves x.fst", "--waves-from is after --waves-to"},
        {"run --workload random --set mem.size=64K", "workload random needs mem.size >= 1M"},
        {"run --workload seq --config /nonexistent/vm.cfg", "/nonexistent/vm.cfg: cannot open config file"},
        {"run --trace /nonexistent/prog.lackey", "/nonexistent/prog.lackey: cannot open"},
        {"run --workload seq --trace x.lackey", "run needs --workload NAME or --trace FILE"},
        {"run --workload seq --waves /nonexistent/dir/w.fst", "--waves /nonexistent/dir/w.fst: cannot write in /nonexistent/dir/"},
        {"run --workload seq --waves w.vcd", "--waves writes an FST file: its name must end in .fst, got 'w.vcd'"},
        {"run --workload seq --stats-json /tmp", "--stats-json /tmp: is a directory"},
        {"run --workload seq --stats-csv /nonexistent/dir/s.csv", "--stats-csv /nonexistent/dir/s.csv: cannot write in /nonexistent/dir/"},
        {"run --workload seq --engine --seed 3", "option --engine needs a value"},
        {"run --workload seq --config /tmp", "/tmp: cannot read config file"},
        {"run --workload seq --config " VMCOSIM_BIN, VMCOSIM_BIN ":1: not a text config file"},
        {"run --trace /tmp", "/tmp: cannot read"},
        {"run --trace " VMCOSIM_BIN, "binary content"},
        {"run --trace /dev/null", "/dev/null: no data accesses in the trace (Lackey writes them with --trace-mem=yes"},
        {"run --workload hotcld", "unknown workload 'hotcld' (did you mean 'hotcold'?)"},
        {"run --workload forkcow", "unknown workload 'forkcow' (did you mean 'fork-cow'?)"},
        {"run --workload hotcold:0", "hotcold:ROUNDS: ROUNDS must be a number from 1 to 1000000000, got '0'"},
        {"run --workload thrash:x", "thrash:ROUNDS: ROUNDS must be a number from 1 to 1000000000, got 'x'"},
        {"run --workload fork-cow:2", "workload fork-cow takes no argument"},
        {"run --workload seq --set trace.paging=lazy", "invalid value 'lazy' for trace.paging: allowed: premapped, demand"},
        {"run --trace " VMCOSIM_BIN " --set trace.paging=demand", "binary content"},
        // the open-row DRAM timing keys
        {"run --workload seq --set mem.row=closed", "invalid value 'closed' for mem.row: allowed: off, open"},
        {"run --workload seq --set mem.row=", "invalid value '' for mem.row: allowed: off, open"},
        {"run --workload seq --set mem.banks=3", "invalid value '3' for mem.banks: allowed: 1, 2, 4, 8"},
        {"run --workload seq --set mem.banks=16", "invalid value '16' for mem.banks: allowed: 1, 2, 4, 8"},
        {"run --workload seq --set mem.banks=0", "invalid value '0' for mem.banks: allowed: 1, 2, 4, 8"},
        {"run --workload seq --set mem.row_size=128", "invalid value '128' for mem.row_size: allowed: power of two, 256..8192"},
        {"run --workload seq --set mem.row_size=3000", "invalid value '3000' for mem.row_size: allowed: power of two, 256..8192"},
        {"run --workload seq --set mem.row_size=16K", "invalid value '16K' for mem.row_size: allowed: power of two, 256..8192"},
        {"run --workload seq --set mem.row_hit=0", "invalid value '0' for mem.row_hit: allowed: 1..255"},
        {"run --workload seq --set mem.row_hit=256", "invalid value '256' for mem.row_hit: allowed: 1..255"},
        {"run --workload seq --set mem.row_miss=0", "invalid value '0' for mem.row_miss: allowed: 1..255, at least mem.row_hit"},
        {"run --workload seq --set mem.row_miss=x", "invalid value 'x' for mem.row_miss: allowed: 1..255, at least mem.row_hit"},
        {"run --workload seq --set mem.row_hit=30 --set mem.row_miss=20",
         "mem.row_miss=20: must be mem.row_hit=30..255 cycles"},
        {"run --workload seq --set mem.row=open --set mem.row_hit=9 --set mem.row_miss=8",
         "mem.row_miss=8: must be mem.row_hit=9..255 cycles"},
        {"run --workload seq --set mem.row=open --set l1.size=0",
         "mem.row=open models the memory controller of the system (l1.size > 0)"},
        {"run --workload seq --set mem.row_sise=512", "unknown config key 'mem.row_sise' (did you mean 'mem.row_size'?)"},
    };
    for (const Case &c : cases) {
        Result r = vmcosim(c.args);
        EXPECT_EQ(2, r.status) << c.args << "\n" << r.out;
        EXPECT_TRUE(contains(r.out, c.message)) << c.args << "\n" << r.out;
    }
}

TEST(Cli, TraceErrorsNameFileAndLine)
{
    std::string bad = tmp_path("bad.lackey"), far = tmp_path("far.lackey");
    write_file(bad, "==1== Lackey\nI  04001000,3\n L 1000,8\n S zz,4\n");
    Result r = vmcosim("run --trace " + bad);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, bad + ":4: ")) << r.out;
    write_file(far, " L 1000,8\n S 7fffffffff00,8\n");
    r = vmcosim("run --trace " + far);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, far + ":2: address 0x7fffffffff00 is outside the Sv39 user range")) << r.out;
    r = vmcosim("run --trace " + far + " --set vm.mode=sv32");
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, far + ":2: address 0x7fffffffff00 is outside the Sv32 range")) << r.out;
}

TEST(Cli, TraceReplayCountsAccessesNotPieces)
{
    // Three accesses: an aligned load, an unaligned 8-byte store that spans two lines (one access, split in
    // pieces), a 16-byte modify. The L1 counts 3 demand accesses; the port sees every piece.
    std::string t = tmp_path("small.lackey"), json = tmp_path("small.json");
    write_file(t, " L 10000,8\n S 1003c,8\n M 20010,16\n");
    Result r = vmcosim("run --trace " + t + " --stats-json " + json);
    ASSERT_EQ(0, r.status) << r.out;
    std::string j = slurp(json);
    EXPECT_TRUE(contains(j, "\"demand_accesses\": 3,")) << j;
    // Cold cache: the first access misses; the store's pieces touch lines 0x10000 (hit) and 0x10040 (miss):
    // one miss for that access; the modify's line misses once.
    EXPECT_TRUE(contains(j, "\"demand_misses\": 3,")) << j;
    // Naturally aligned pieces: 1 (8 bytes) + 2 (4 + 4 bytes at 0x1003c, 0x10040) + 2 loads and 2 stores of
    // 8 bytes for the modify = 7 requests on the port.
    EXPECT_TRUE(contains(j, "\"requests\": 7,")) << j;
}

TEST(Cli, ModelEngineAcceptsAnyValidGeometry)
{
    Result r = vmcosim(std::string("run --engine model --workload stride --set tlb.entries=64 --set tlb.ways=8 ") + kSmall);
    EXPECT_EQ(0, r.status) << r.out;
}

TEST(Cli, ConfigFileThenSetInOrder)
{
    std::string cfg = tmp_path("a.cfg"), json = tmp_path("a.json");
    write_file(cfg, "# sizing\ntlb.repl = fifo\n  mem.latency=7   # comment\n\nvm.ad = fault\n");
    Result r = vmcosim("run --engine model --workload seq --config " + cfg + " --set tlb.repl=plru --stats-json " +
                       json + " " + kSmall);
    ASSERT_EQ(0, r.status) << r.out;
    std::string j = slurp(json);
    EXPECT_TRUE(contains(j, "\"tlb.repl\": \"plru\"")) << j;   // --set wins over the file
    EXPECT_TRUE(contains(j, "\"mem.latency\": 7")) << j;       // the file's other keys hold
    EXPECT_TRUE(contains(j, "\"vm.ad\": \"fault\"")) << j;
    // --config after --set on the command line: --set still wins.
    r = vmcosim("run --engine model --workload seq --set tlb.repl=plru --config " + cfg + " --stats-json " + json +
                " " + kSmall);
    ASSERT_EQ(0, r.status) << r.out;
    EXPECT_TRUE(contains(slurp(json), "\"tlb.repl\": \"plru\""));
}

TEST(Cli, ConfigFileErrorsNameFileAndLine)
{
    std::string cfg = tmp_path("bad.cfg");
    write_file(cfg, "tlb.repl = lru\n\nmem.latncy = 3\n");
    Result r = vmcosim("run --workload seq --config " + cfg);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, cfg + ":3: unknown config key 'mem.latncy' (did you mean 'mem.latency'?)")) << r.out;
    write_file(cfg, std::string("tlb.repl = lru\n\x01\x02\x00\x7f binary", 24));
    r = vmcosim("run --workload seq --config " + cfg);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, cfg + ":2: not a text config file")) << r.out;
}

// A small JSON reader for the statistics files: flattens a document into path -> scalar text
// ("cores[0].tlb.lookups" -> "124"); false on anything that is not well-formed JSON.
class JsonPaths {
  public:
    bool parse(const std::string &text)
    {
        s_ = text;
        i_ = 0;
        return value("") && (ws(), i_ == s_.size());
    }
    std::map<std::string, std::string> paths;

  private:
    void ws()
    {
        while (i_ < s_.size() && isspace((unsigned char)s_[i_]))
            i_++;
    }
    // A JSON string, decoded: the escapes JSON defines (\\uXXXX below U+0100 only, all the writer uses);
    // false on a raw control character or any other escape.
    bool string(std::string *out)
    {
        if (s_[i_] != '"')
            return false;
        out->clear();
        for (i_++; i_ < s_.size(); i_++) {
            unsigned char c = (unsigned char)s_[i_];
            if (c == '"')
                return ++i_, true;
            if (c < 0x20)
                return false;
            if (c != '\\') {
                out->push_back((char)c);
                continue;
            }
            if (++i_ >= s_.size())
                return false;
            const char *simple = strchr("\"\\/bfnrt", s_[i_]);
            if (simple && s_[i_]) {
                out->push_back("\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"]);
            } else if (s_[i_] == 'u' && i_ + 4 < s_.size()) {
                unsigned v = 0;
                for (int k = 1; k <= 4; k++) {
                    if (!isxdigit((unsigned char)s_[i_ + k]))
                        return false;
                    v = v * 16 + (unsigned)std::stoi(s_.substr(i_ + k, 1), nullptr, 16);
                }
                if (v > 0xFF)
                    return false;
                out->push_back((char)v);
                i_ += 4;
            } else {
                return false;
            }
        }
        return false;
    }
    bool value(const std::string &path)
    {
        ws();
        if (i_ >= s_.size())
            return false;
        char c = s_[i_];
        if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            i_++;
            ws();
            if (i_ < s_.size() && s_[i_] == close)
                return ++i_, true;
            for (unsigned n = 0;; n++) {
                std::string key = std::to_string(n);
                ws();
                if (c == '{' && !(string(&key) && (ws(), i_ < s_.size() && s_[i_++] == ':')))
                    return false;
                std::string sub = c == '{' ? (path.empty() ? key : path + "." + key) : path + "[" + key + "]";
                if (!value(sub))
                    return false;
                ws();
                if (i_ < s_.size() && s_[i_] == ',') {
                    i_++;
                    continue;
                }
                return i_ < s_.size() && s_[i_++] == close;
            }
        }
        std::string text;
        if (c == '"') {
            if (!string(&text))
                return false;
        } else {
            size_t e = i_;
            while (e < s_.size() && (isalnum((unsigned char)s_[e]) || strchr("+-.", s_[e])))
                e++;
            text = s_.substr(i_, e - i_);
            bool number = !text.empty() && (isdigit((unsigned char)text[0]) || text[0] == '-');
            if (!number && text != "true" && text != "false" && text != "null")
                return false;
            i_ = e;
        }
        paths[path] = text;
        return true;
    }
    std::string s_;
    size_t i_ = 0;
};

TEST(Cli, StatsJsonHasTheGuideKeysForEveryEngine)
{
    // the reader itself: what it accepts and flattens, what it refuses
    JsonPaths probe;
    ASSERT_TRUE(probe.parse("{\"a\": {\"b\": [1, {\"c\": -2.5}]}, \"d\": \"x,y\", \"e\": true}"));
    EXPECT_EQ("1", probe.paths["a.b[0]"]);
    EXPECT_EQ("-2.5", probe.paths["a.b[1].c"]);
    EXPECT_EQ("x,y", probe.paths["d"]);
    ASSERT_TRUE(probe.parse("{\"q\": \"a\\\"b\\\\c\\n\\u0001\\u00ff\"}"));
    EXPECT_EQ(std::string("a\"b\\c\n\x01\xff"), probe.paths["q"]);
    for (const char *bad : {"{\"a\": }", "{\"a\": 1,}", "{\"a\" 1}", "[1, 2", "{\"a\": 1} x", "{\"a\": nope}",
                            "{\"a\": \"x\\qy\"}", "{\"a\": \"x\ny\"}", "{\"a\": \"x}"})
        EXPECT_FALSE(JsonPaths().parse(bad)) << bad;
    // every required statistics key (README), on every engine, for a workload without the kernel, one under it, and a trace
    std::string trace = tmp_path("keys.lackey");
    write_file(trace, " L 10000000,8\n S 10000008,8\n M 10001000,8\n");
    const char *config_keys[] = {"cores", "vm.mode", "vm.ad", "vm.frames", "vm.policy", "vm.fault_around",
                                 "tlb.entries", "tlb.ways", "tlb.repl", "l1.size", "l1.ways", "l1.line", "l1.repl",
                                 "mem.size", "mem.latency", "swap.size"};
    const char *core_keys[] = {"loads", "stores", "tlb.lookups", "tlb.misses", "ptw.walks", "ptw.walk_cycles",
                               "ptw.pte_reads", "l1.demand_accesses", "l1.demand_misses", "l1.writebacks"};
    const char *top_keys[] = {"cycles", "seed", "bus.BusRd", "bus.BusRdX", "bus.BusUpgr", "bus.WriteBack",
                              "vm.page_faults", "vm.zero_fills", "vm.major_faults", "vm.cow_faults", "vm.ad_faults",
                              "vm.swap_outs", "vm.swap_ins", "vm.evictions", "vm.oom_kills",
                              "lockstep.cycles_checked", "lockstep.mismatches"};
    for (const char *engine : {"model", "rtl", "lockstep"}) {
        for (std::string what : {std::string("--workload random --set cores=2"), std::string("--workload fork-cow"),
                                 "--trace " + trace}) {
            std::string json = tmp_path(std::string(engine) + ".json");
            Result r = vmcosim(std::string("run --engine ") + engine + " " + what + " --seed 3 --stats-json " + json +
                               " --set mem.size=1M --max-cycles 200000");
            ASSERT_EQ(0, r.status) << r.out;
            JsonPaths j;
            ASSERT_TRUE(j.parse(slurp(json))) << engine << " " << what << ": not well-formed JSON\n" << slurp(json);
            for (const char *k : top_keys)
                EXPECT_TRUE(j.paths.count(k)) << engine << " " << what << ": " << k;
            for (const char *k : config_keys)
                EXPECT_TRUE(j.paths.count(std::string("config.") + k)) << engine << " " << what << ": config." << k;
            unsigned cores = what.find("cores=2") != std::string::npos ? 2 : 1;
            for (unsigned c = 0; c < cores; c++)
                for (const char *k : core_keys)
                    EXPECT_TRUE(j.paths.count("cores[" + std::to_string(c) + "]." + k)) << engine << " " << what << ": " << k;
            EXPECT_FALSE(j.paths.count("cores[" + std::to_string(cores) + "].loads")) << engine << " " << what;
            EXPECT_EQ("3", j.paths["seed"]);
            EXPECT_EQ(std::to_string(cores), j.paths["config.cores"]);
            EXPECT_EQ("1048576", j.paths["config.mem.size"]);
            // lockstep checks every cycle; the single engines check none
            std::string checked = std::string(engine) == "lockstep" ? j.paths["cycles"] : "0";
            EXPECT_EQ(checked, j.paths["lockstep.cycles_checked"]) << engine << " " << what;
            EXPECT_EQ("0", j.paths["lockstep.mismatches"]);
            std::remove(json.c_str());
        }
    }
    std::remove(trace.c_str());
}

TEST(Cli, OpenRowStatsInJsonAndSummary)
{
    // mem.row=off (default): the "mem" object is there with zeros and the summary has no row line.
    std::string json = tmp_path("rows_off.json");
    Result r = vmcosim("run --engine model --workload random --seed 2 --stats-json " + json + " " + kSmall);
    ASSERT_EQ(0, r.status) << r.out;
    std::string j = slurp(json);
    EXPECT_TRUE(contains(j, "\"mem\": {\"row_hits\": 0, \"row_misses\": 0}")) << j;
    EXPECT_TRUE(contains(j, "\"mem.row\": \"off\"")) << j;
    EXPECT_TRUE(contains(r.out, "mem latency 20")) << r.out;
    EXPECT_FALSE(contains(r.out, "memory rows")) << r.out;
    // mem.row=open on every engine: counts in the JSON and the summary, the keys in "config"
    for (const char *engine : {"model", "lockstep"}) {
        json = tmp_path(std::string("rows_open_") + engine + ".json");
        r = vmcosim(std::string("run --engine ") + engine + " --workload random --seed 2 --set mem.row=open "
                    "--set mem.banks=2 --set mem.row_size=1K --set mem.row_hit=5 --set mem.row_miss=17 --stats-json " +
                    json + " " + kSmall);
        ASSERT_EQ(0, r.status) << r.out;
        j = slurp(json);
        unsigned long long hits = 0, misses = 0;
        size_t at = j.find("\"mem\": {\"row_hits\": ");
        ASSERT_NE(std::string::npos, at) << j;
        ASSERT_EQ(2, std::sscanf(j.c_str() + at, "\"mem\": {\"row_hits\": %llu, \"row_misses\": %llu}", &hits, &misses))
            << j;
        EXPECT_GT(hits, 0u) << engine;
        EXPECT_GT(misses, 0u) << engine;
        for (const char *k : {"\"mem.row\": \"open\"", "\"mem.banks\": 2", "\"mem.row_size\": 1024",
                              "\"mem.row_hit\": 5", "\"mem.row_miss\": 17"})
            EXPECT_TRUE(contains(j, k)) << engine << ": " << k << "\n" << j;
        EXPECT_TRUE(contains(r.out, "mem open-row 2 banks x 1024-byte rows, hit 5 / miss 17")) << r.out;
        char line[160];
        std::snprintf(line, sizeof line, "accesses, row hits %llu, misses %llu", hits, misses);
        EXPECT_TRUE(contains(r.out, line)) << r.out;
    }
}

TEST(Cli, UnwritableStatsFileIsAnErrorAndLeavesNothing)
{
    Result r = vmcosim(std::string("run --engine model --workload seq --stats-json /nonexistent/dir/s.json ") + kSmall);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, "--stats-json /nonexistent/dir/s.json: cannot write in /nonexistent/dir/")) << r.out;
}

TEST(Cli, WavesWriteAnFstFile)
{
    std::string fst = tmp_path("w.fst");
    Result r = vmcosim("run --workload seq --waves " + fst + " --waves-from 100 --waves-to 400 " + kSmall);
    ASSERT_EQ(0, r.status) << r.out;
    std::ifstream f(fst, std::ios::binary | std::ios::ate);
    ASSERT_TRUE(f.good());
    EXPECT_GT(static_cast<long>(f.tellg()), 1000L);
}

}  // namespace

namespace {

TEST(Cli, KernelWorkloadErrorsAndKeys)
{
    struct Case {
        const char *args, *message;
    } cases[] = {
        {"run --workload refs:", "needs an argument"},
        {"run --workload refs:1,x", "comma-separated list of page numbers"},
        {"run --workload refs:1,,2", "comma-separated list of page numbers"},
        {"run --workload refs:1,2,", "comma-separated list of page numbers"},
        {"run --workload refs:67108864", "outside the user range of sv39"},
        {"run --workload refs:1048576 --set vm.mode=sv32", "outside the user range of sv32"},
        {"run --workload refs:1 --set vm.mode=bare", "needs a translated scheme"},
        {"run --workload refs:1 --set l1.size=0", "needs the system top"},
        {"run --workload refs:1 --set vm.policy=random", "vm.policy"},
        {"run --workload refs:1 --set vm.frames=-1", "vm.frames"},
        {"run --workload refs:1 --set swap.size=1000", "swap.size"},
        {"run --workload refs:1 --set vm.framez=3", "did you mean 'vm.frames'"},
    };
    for (const Case &c : cases) {
        Result r = vmcosim(c.args);
        EXPECT_EQ(2, r.status) << c.args << "\n" << r.out;
        EXPECT_TRUE(contains(r.out, c.message)) << c.args << "\n" << r.out;
    }
    // A good run shows the kernel at work, and the JSON carries the vm keys README documents, with its figures.
    std::string json = tmp_path("refs.json");
    Result ok = vmcosim("run --workload refs:1,2,3,4,1,2,5,1,2,3,4,5 --set vm.frames=3 --set mem.size=1M "
                        "--stats-json " + json);
    EXPECT_EQ(0, ok.status) << ok.out;
    EXPECT_TRUE(contains(ok.out, "kernel: faults               9   page faults (zero fills 5, major/swap-in 4)")) << ok.out;
    std::string j = slurp(json);
    for (const char *k : {"\"page_faults\": 9", "\"zero_fills\": 5", "\"major_faults\": 4", "\"cow_faults\": 0",
                          "\"ad_faults\": 0", "\"swap_outs\": 6", "\"swap_ins\": 4", "\"evictions\": 6",
                          "\"oom_kills\": 0", "\"kernel\": true", "\"vm.frames\": 3", "\"vm.policy\": \"fifo\"",
                          "\"buddy\": {\"free_blocks\": [", "\"unusable_index\": [", "\"extfrag_index\": [",
                          "\"slabs\": [{\"name\": \"fw_proc\", \"active_objs\": 0", "\"thrashing\": {"})
        EXPECT_TRUE(contains(j, k)) << k << "\n" << j;
    std::remove(json.c_str());
}

}  // namespace

namespace {

TEST(Cli, StatsCsvHasARowPerCoreMatchingTheJson)
{
    std::string csv = tmp_path("s.csv"), json = tmp_path("s.json");
    Result r = vmcosim("run --engine lockstep --workload random --set cores=2 --set mem.size=1M --max-cycles 20000 "
                       "--stats-csv " + csv + " --stats-json " + json);
    ASSERT_EQ(0, r.status) << r.out;
    std::stringstream lines(slurp(csv));
    std::string header, row;
    std::getline(lines, header);
    EXPECT_EQ(0u, header.find("core,loads,stores,tlb_lookups,tlb_misses,ptw_walks,"));
    std::string j = slurp(json);
    for (unsigned c = 0; c < 2; c++) {
        ASSERT_TRUE(std::getline(lines, row)) << "row of core " << c;
        std::stringstream f(row);
        std::string cell;
        std::vector<std::string> cells;
        while (std::getline(f, cell, ','))
            cells.push_back(cell);
        ASSERT_EQ(17u, cells.size()) << row;
        EXPECT_EQ(std::to_string(c), cells[0]);
        // the same loads, stores and TLB figures the JSON gives for this core
        std::string want = "{ \"loads\": " + cells[1] + ", \"stores\": " + cells[2];
        EXPECT_TRUE(contains(j, want)) << want;
        EXPECT_TRUE(contains(j, "\"tlb\": {\"lookups\": " + cells[3] + ", \"misses\": " + cells[4] + "}"));
    }
    EXPECT_FALSE(std::getline(lines, row)) << "one row per core";
    Result bad = vmcosim("run --workload seq --max-cycles 100 --stats-csv /nonexistent/dir/x.csv");
    EXPECT_EQ(2, bad.status);
    EXPECT_TRUE(contains(bad.out, "--stats-csv /nonexistent/dir/x.csv: cannot write in /nonexistent/dir/"));
    std::remove(csv.c_str());
    std::remove(json.c_str());
}

}  // namespace

namespace {

std::string make_trace(const std::string &name, uint64_t base, unsigned n, unsigned pages, unsigned *loads,
                       unsigned *stores);

TEST(Cli, ProgressLineOnlyOnATerminal)
{
    const std::string run = "run --engine lockstep --workload random --set mem.size=1M --max-cycles 400000";
    Result piped = vmcosim(run);
    EXPECT_EQ(0, piped.status);
    EXPECT_FALSE(contains(piped.out, "ETA")) << "stderr is a pipe: no progress line";
    // script(1) (util-linux, in every Debian) gives the command a pseudo-terminal
    std::string cmd = "script -q -c '" + std::string(VMCOSIM_BIN) + " " + run + "' /dev/null 2>&1";
    FILE *p = popen(cmd.c_str(), "r");
    ASSERT_NE(nullptr, p);
    std::string out;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    EXPECT_EQ(0, WEXITSTATUS(pclose(p)));
    EXPECT_TRUE(contains(out, "cycles 65536 / 400000")) << out;
    EXPECT_TRUE(contains(out, "ETA")) << out;
    EXPECT_TRUE(contains(out, "lockstep")) << "the summary follows";
    // a trace: the accesses are the measure, against the total of the file
    unsigned loads, stores;
    std::string trace = make_trace("progress.lackey", 0x10000000, 200000, 64, &loads, &stores);
    cmd = "script -q -c '" + std::string(VMCOSIM_BIN) + " run --engine lockstep --trace " + trace +
          " --max-cycles 100000000' /dev/null 2>&1";
    p = popen(cmd.c_str(), "r");
    ASSERT_NE(nullptr, p);
    out.clear();
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
        out.append(buf.data(), n);
    EXPECT_EQ(0, WEXITSTATUS(pclose(p)));
    EXPECT_TRUE(contains(out, " / 200000 (")) << out;
    EXPECT_TRUE(contains(out, "accesses ")) << out;
    std::remove(trace.c_str());
}

}  // namespace

namespace {

TEST(Cli, TracesRunOneProcessPerCore)
{
    std::string a = tmp_path("a.lackey"), b = tmp_path("b.lackey"), csv = tmp_path("t.csv");
    write_file(a, " L 10000000,8\n S 10000008,8\n L 10001000,4\n M 10002000,8\n");   // 3 loads, 2 stores, 4 accesses
    write_file(b, " S 20000000,8\n S 20000040,8\n L 20000000,8\n");                  // 1 load, 2 stores, 3 accesses
    for (const char *engine : {"model", "lockstep"}) {
        Result r = vmcosim(std::string("run --engine ") + engine + " --trace " + a + " --trace " + b +
                           " --set cores=2 --set mem.size=1M --stats-csv " + csv);
        ASSERT_EQ(0, r.status) << r.out;
        std::stringstream lines(slurp(csv));
        std::string header, c0, c1;
        std::getline(lines, header);
        std::getline(lines, c0);
        std::getline(lines, c1);
        // core,loads,stores,...,l1_demand_accesses is the 9th column
        auto col = [](const std::string &row, int k) {
            std::stringstream f(row);
            std::string cell;
            for (int i = 0; i <= k; i++)
                std::getline(f, cell, ',');
            return cell;
        };
        EXPECT_EQ("3", col(c0, 1)) << engine;
        EXPECT_EQ("2", col(c0, 2)) << engine;
        EXPECT_EQ("4", col(c0, 8)) << engine;
        EXPECT_EQ("1", col(c1, 1)) << engine;
        EXPECT_EQ("2", col(c1, 2)) << engine;
        EXPECT_EQ("3", col(c1, 8)) << engine;
    }
    std::remove(a.c_str());
    std::remove(b.c_str());
    std::remove(csv.c_str());
}

// A generated Lackey trace of n 8-byte accesses over `pages` pages from base: every third a store.
std::string make_trace(const std::string &name, uint64_t base, unsigned n, unsigned pages, unsigned *loads,
                       unsigned *stores)
{
    std::string path = tmp_path(name), text;
    char line[64];
    *loads = *stores = 0;
    for (unsigned i = 0; i < n; i++) {
        bool st = i % 3 == 2;
        snprintf(line, sizeof line, " %c %llx,8\n", st ? 'S' : 'L',
                 (unsigned long long)(base + (uint64_t)(i % pages) * 4096 + 8 * (i % 512)));
        text += line;
        (st ? *stores : *loads) += 1;
    }
    write_file(path, text);
    return path;
}

uint64_t json_u64(const std::string &json, const std::string &key, size_t from = 0)
{
    size_t k = json.find("\"" + key + "\": ", from);
    return k == std::string::npos ? UINT64_MAX : std::stoull(json.substr(k + key.size() + 4));
}

TEST(Cli, MoreTracesThanCoresShareThemRoundRobin)
{
    // Three processes on two cores: a and c share core 0 in slices of 10000 accesses (a 0..10000, c 0..10000,
    // a ..20000, c ..12000 ends, a ..25000 ends: 4 switches), b has core 1 to itself.
    unsigned la, sa, lb, sb, lc, sc;
    std::string a = make_trace("ra.lackey", 0x10000000, 25000, 40, &la, &sa);
    std::string b = make_trace("rb.lackey", 0x10000000, 15000, 8, &lb, &sb);
    std::string c = make_trace("rc.lackey", 0x30000000, 12000, 20, &lc, &sc);
    std::string json = tmp_path("rr.json");
    for (const char *engine : {"model", "lockstep"}) {
        Result r = vmcosim(std::string("run --engine ") + engine + " --trace " + a + " --trace " + b + " --trace " +
                           c + " --set cores=2 --set mem.size=1M --max-cycles 100000000 --stats-json " + json);
        ASSERT_EQ(0, r.status) << r.out;
        EXPECT_TRUE(contains(r.out, "traces: 3 processes on 2 cores, 4 context switches")) << r.out;
        EXPECT_TRUE(contains(r.out, "trace 0  core 0  ASID 1  25000 accesses, 40 pages")) << r.out;
        EXPECT_TRUE(contains(r.out, "trace 1  core 1  ASID 2  15000 accesses, 8 pages")) << r.out;
        EXPECT_TRUE(contains(r.out, "trace 2  core 0  ASID 3  12000 accesses, 20 pages")) << r.out;
        std::string j = slurp(json);
        size_t core1 = j.find("\"loads\"", j.find("\"loads\"") + 1);
        EXPECT_EQ(la + lc, json_u64(j, "loads")) << engine;
        EXPECT_EQ(sa + sc, json_u64(j, "stores")) << engine;
        EXPECT_EQ(1u + 4u, json_u64(j, "satp_writes")) << engine;   // a's boot, then the four switches
        EXPECT_EQ(lb, json_u64(j, "loads", core1)) << engine;
        EXPECT_EQ(sb, json_u64(j, "stores", core1)) << engine;
        EXPECT_EQ(1u, json_u64(j, "satp_writes", core1)) << engine;
        // one walk per page per process: a and b use the same addresses but have their own ASIDs; the
        // 16-entry TLB cannot hold a's 40 pages, so a and c walk again, but b's 8 pages stay
        EXPECT_EQ(8u, json_u64(j, "walks", core1)) << engine;
        EXPECT_GT(json_u64(j, "walks"), 60u) << engine;
    }
    for (const std::string &p : {a, b, c, json})
        std::remove(p.c_str());
}

// ------------------------------------------------------------------ each workload's documented behaviour

struct JsonRun {
    Result r;
    std::string json;
};

JsonRun run_json(const std::string &args)
{
    std::string json = tmp_path("wl.json");
    std::remove(json.c_str());
    JsonRun out{vmcosim("run " + args + " --stats-json " + json), ""};
    out.json = slurp(json);
    std::remove(json.c_str());
    return out;
}

// The kernel report's "N loads checked against the process's own stores".
uint64_t checked_loads(const std::string &out)
{
    size_t k = out.find(" loads checked");
    if (k == std::string::npos)
        return UINT64_MAX;
    size_t b = out.rfind(' ', k - 1);
    return std::stoull(out.substr(b + 1, k - b - 1));
}

// The second core's record starts at the second "loads" key.
size_t core1_at(const std::string &j) { return j.find("\"loads\"", j.find("\"loads\"") + 1); }

TEST(Cli, SeqAndStrideWalkTheirPattern)
{
    // seq: 8-byte steps, so a page of 512 accesses per TLB miss (128 pages wrap past the 16-entry TLB; with
    // vm.ad=fault the pages start accessed and dirty, so no store walks again); every 4th access a store
    JsonRun seq = run_json("--workload seq --set mem.size=1M --set vm.ad=fault --max-cycles 300000");
    ASSERT_EQ(0, seq.r.status) << seq.r.out;
    uint64_t n = json_u64(seq.json, "requests");
    EXPECT_EQ((n + 511) / 512, json_u64(seq.json, "misses"));
    EXPECT_EQ(n / 4, json_u64(seq.json, "stores"));
    // stride: one page + 64 bytes apart over more pages than the TLB holds: every lookup misses
    JsonRun stride = run_json("--workload stride --set mem.size=1M --set vm.ad=fault --max-cycles 300000");
    ASSERT_EQ(0, stride.r.status) << stride.r.out;
    EXPECT_EQ(json_u64(stride.json, "lookups"), json_u64(stride.json, "misses"));
    EXPECT_GT(json_u64(stride.json, "lookups"), 1000u);
    // a process per core, each over its own pages: the same pattern on every core
    JsonRun two = run_json("--workload seq --set cores=2 --set mem.size=1M --set vm.ad=fault --max-cycles 300000");
    ASSERT_EQ(0, two.r.status) << two.r.out;
    for (size_t at : {size_t(0), core1_at(two.json)}) {
        uint64_t k = json_u64(two.json, "requests", at);
        EXPECT_EQ((k + 511) / 512, json_u64(two.json, "misses", at));
        EXPECT_EQ(json_u64(two.json, "satp_writes", at), 1u);
    }
    // both are open-ended: they run to the budget
    EXPECT_GE(json_u64(seq.json, "cycles"), 300000u);
    EXPECT_GE(json_u64(stride.json, "cycles"), 300000u);
}

TEST(Cli, KernelWorkloadsShowWhatTheyAreFor)
{
    // fork-cow: copy-on-write faults
    JsonRun forkcow = run_json("--workload fork-cow --set cores=2 --engine lockstep");
    ASSERT_EQ(0, forkcow.r.status) << forkcow.r.out;
    EXPECT_GT(json_u64(forkcow.json, "cow_faults"), 0u);
    EXPECT_EQ(3u, json_u64(forkcow.json, "forks"));
    // thrash: working sets 1.5x the memory: swap traffic both ways, and the detector sees it
    JsonRun thrash = run_json("--workload thrash:2 --set cores=2 --set mem.size=256K --engine model --max-cycles 100000000");
    ASSERT_EQ(0, thrash.r.status) << thrash.r.out;
    EXPECT_GT(json_u64(thrash.json, "swap_outs"), 0u);
    EXPECT_GT(json_u64(thrash.json, "swap_ins"), 0u);
    EXPECT_GT(json_u64(thrash.json, "thrashing_windows"), 0u);
    EXPECT_TRUE(contains(thrash.r.out, "every frame and swap slot returned")) << thrash.r.out;
    // shared: cache-to-cache traffic between the two cores (snoop hits on both, upgrades)
    JsonRun shared = run_json("--workload shared:1 --set cores=2 --engine lockstep");
    ASSERT_EQ(0, shared.r.status) << shared.r.out;
    EXPECT_GT(json_u64(shared.json, "snoop_hits"), 0u);
    EXPECT_GT(json_u64(shared.json, "snoop_hits", core1_at(shared.json)), 0u);
    EXPECT_GT(json_u64(shared.json, "BusUpgr"), 0u);
    // refs: Belady's string under FIFO with 3 frames faults 9 times (the textbook)
    JsonRun refs = run_json("--workload refs:1,2,3,4,1,2,5,1,2,3,4,5 --set vm.frames=3 --set vm.policy=fifo --engine model");
    ASSERT_EQ(0, refs.r.status) << refs.r.out;
    EXPECT_EQ(9u, json_u64(refs.json, "page_faults"));
    // lazy: the access after munmap is killed as a segmentation fault, and the kernel goes on
    JsonRun lazy = run_json("--workload lazy --engine model --max-cycles 100000000");
    ASSERT_EQ(0, lazy.r.status) << lazy.r.out;
    EXPECT_EQ(1u, json_u64(lazy.json, "segfaults"));
    EXPECT_TRUE(contains(lazy.r.out, "segmentation fault")) << lazy.r.out;
    // matmul: a 32x32 product per process reads 2 x 32 words for each of the 1024 results, every one checked
    JsonRun mm = run_json("--workload matmul:1 --set mem.size=1M --engine model --max-cycles 100000000");
    ASSERT_EQ(0, mm.r.status) << mm.r.out;
    EXPECT_TRUE(contains(mm.r.out, std::to_string(32 * 32 * 64) + " loads checked")) << mm.r.out;
}

TEST(Cli, OpenEndedWorkloadsRepeatUntilTheBudget)
{
    // hotcold, matmul, thrash and shared repeat until --max-cycles; NAME:ROUNDS runs that many rounds, then
    // the processes exit (checked: every word read back, every frame returned)
    for (const char *w : {"hotcold", "matmul", "shared"}) {
        JsonRun open = run_json(std::string("--workload ") + w + " --set cores=2 --engine model --max-cycles 3000000");
        ASSERT_EQ(0, open.r.status) << w << open.r.out;
        EXPECT_GE(json_u64(open.json, "cycles"), 3000000u) << w;
        EXPECT_TRUE(contains(open.r.out, "open-ended: the run ended at --max-cycles")) << w << open.r.out;
        JsonRun one = run_json(std::string("--workload ") + w + ":1 --set cores=2 --engine model --max-cycles 3000000");
        ASSERT_EQ(0, one.r.status) << w << one.r.out;
        EXPECT_LT(json_u64(one.json, "cycles"), 3000000u) << w;
        EXPECT_TRUE(contains(one.r.out, "every frame and swap slot returned")) << w << one.r.out;
        JsonRun two = run_json(std::string("--workload ") + w + ":2 --set cores=2 --engine model --max-cycles 3000000");
        ASSERT_EQ(0, two.r.status) << w << two.r.out;
        // the second round repeats the first's accesses (the kernel's own accesses aside)
        EXPECT_GT(json_u64(two.json, "requests"), json_u64(one.json, "requests") * 3 / 2) << w;
    }
    // a hotcold round is 4096 accesses per process: the loads checked grow with the rounds
    JsonRun h1 = run_json("--workload hotcold:1 --engine model --max-cycles 30000000");
    JsonRun h3 = run_json("--workload hotcold:3 --engine model --max-cycles 30000000");
    ASSERT_EQ(0, h1.r.status) << h1.r.out;
    ASSERT_EQ(0, h3.r.status) << h3.r.out;
    EXPECT_GT(checked_loads(h1.r.out), 1000u) << h1.r.out;
    EXPECT_EQ(3 * checked_loads(h1.r.out), checked_loads(h3.r.out)) << h3.r.out;
}

TEST(Cli, GzipTracesReplayAsThePlainFile)
{
    unsigned loads, stores;
    std::string plain = make_trace("gz.lackey", 0x10000000, 3000, 12, &loads, &stores);
    std::string gz = plain + ".gz";
    ASSERT_EQ(0, std::system(("gzip -c " + plain + " > " + gz).c_str()));
    std::string json_plain = tmp_path("plain.json"), json_gz = tmp_path("gz.json");
    Result a = vmcosim("run --engine lockstep --trace " + plain + " --stats-json " + json_plain);
    Result b = vmcosim("run --engine lockstep --trace " + gz + " --stats-json " + json_gz);
    ASSERT_EQ(0, a.status) << a.out;
    ASSERT_EQ(0, b.status) << b.out;
    std::string ja = slurp(json_plain), jb = slurp(json_gz);
    EXPECT_EQ(loads, json_u64(jb, "loads"));
    EXPECT_EQ(stores, json_u64(jb, "stores"));
    for (const char *k : {"cycles", "demand_misses", "walks", "BusRd", "WriteBack"})
        EXPECT_EQ(json_u64(ja, k), json_u64(jb, k)) << k;
    // a corrupt gzip stream is an error naming the file, not a short trace
    std::string bad = tmp_path("bad.lackey.gz");
    std::string bytes = slurp(gz);
    bytes[bytes.size() / 2] ^= 0x55;
    write_file(bad, bytes);
    Result c = vmcosim("run --trace " + bad);
    EXPECT_EQ(2, c.status) << c.out;
    EXPECT_TRUE(contains(c.out, bad + ":")) << c.out;
    for (const std::string &p : {plain, gz, bad, json_plain, json_gz})
        std::remove(p.c_str());
}

TEST(Cli, DemandPagedTracesNeedTheKernelsSystem)
{
    std::string a = tmp_path("dp.lackey");
    write_file(a, " S 10000000,8\n L 10001000,8\n");
    Result bare = vmcosim("run --trace " + a + " --set trace.paging=demand --set vm.mode=bare");
    EXPECT_EQ(2, bare.status);
    EXPECT_TRUE(contains(bare.out, "trace.paging=demand needs a translated scheme")) << bare.out;
    Result flat = vmcosim("run --trace " + a + " --set trace.paging=demand --set l1.size=0");
    EXPECT_EQ(2, flat.status);
    EXPECT_TRUE(contains(flat.out, "trace.paging=demand runs under the kernel, which needs the system top")) << flat.out;
    std::string many = "run --set trace.paging=demand --engine model";
    for (int i = 0; i < 17; i++)
        many += " --trace " + a;
    Result r = vmcosim(many);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, "17 traces: trace.paging=demand runs 1 to 16 processes")) << r.out;
    // both pages fault once (a zero-filled frame for the store, the zero page for the load)
    std::string json = tmp_path("dp.json");
    Result ok = vmcosim("run --trace " + a + " --set trace.paging=demand --stats-json " + json);
    ASSERT_EQ(0, ok.status) << ok.out;
    EXPECT_EQ(2u, json_u64(slurp(json), "page_faults"));
    EXPECT_EQ(1u, json_u64(slurp(json), "zero_fills"));
    EXPECT_TRUE(contains(ok.out, "trace 0  2 of 2 accesses, 2 pages")) << ok.out;
    std::remove(a.c_str());
    std::remove(json.c_str());
}

TEST(Cli, TraceCountLimits)
{
    std::string args = "run";
    std::string a = tmp_path("one.lackey");
    write_file(a, " L 1000,8\n");
    for (int i = 0; i < 65; i++)
        args += " --trace " + a;
    Result r = vmcosim(args);
    EXPECT_EQ(2, r.status);
    EXPECT_TRUE(contains(r.out, "at most 64 traces")) << r.out;
    std::remove(a.c_str());
}

}  // namespace

// ---------------------------------------------------------------- how runs end
namespace {

// stdout and stderr of a command, apart.
struct Split {
    int status;
    std::string out, err;
};

Split vmcosim_split(const std::string &args, const std::string &env = "")
{
    std::string out = tmp_path("split.out"), err = tmp_path("split.err");
    std::string cmd = env + " " + std::string(VMCOSIM_BIN) + " " + args + " >" + out + " 2>" + err;
    int st = std::system(cmd.c_str());
    Split r{WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(out), slurp(err)};
    std::remove(out.c_str());
    std::remove(err.c_str());
    return r;
}

JsonPaths parse_json(const std::string &path)
{
    JsonPaths j;
    EXPECT_TRUE(j.parse(slurp(path))) << slurp(path);
    return j;
}

TEST(CliEnd, FiniteInputRunsToItsEndWithoutABudget)
{
    // 400000 accesses at about five cycles each: far past the budget open-ended workloads get (1000000)
    unsigned loads, stores;
    std::string trace = make_trace("whole.lackey", 0x10000000, 400000, 64, &loads, &stores);
    std::string json = tmp_path("whole.json");
    Split r = vmcosim_split("run --engine model --trace " + trace + " --stats-json " + json);
    ASSERT_EQ(0, r.status) << r.err;
    EXPECT_EQ("", r.err) << "a whole run says nothing on stderr";
    EXPECT_TRUE(contains(r.out, "  ended             complete\n")) << r.out;
    JsonPaths j = parse_json(json);
    EXPECT_EQ("complete", j.paths["end"]);
    EXPECT_EQ("null", j.paths["max_cycles"]);
    EXPECT_EQ("400000", j.paths["traces[0].accesses_total"]);
    EXPECT_EQ("400000", j.paths["traces[0].accesses_replayed"]);
    EXPECT_EQ("400000", j.paths["cores[0].l1.demand_accesses"]);
    EXPECT_EQ(std::to_string(loads), j.paths["cores[0].loads"]);
    EXPECT_GT(std::stoull(j.paths["cycles"]), 1000000ull);

    // with a budget: it says so on stderr and in the JSON, with what was left undone
    Split b = vmcosim_split("run --engine model --trace " + trace + " --max-cycles 100000 --stats-json " + json);
    ASSERT_EQ(0, b.status) << b.err;
    j = parse_json(json);
    EXPECT_EQ("budget", j.paths["end"]);
    EXPECT_EQ("100000", j.paths["max_cycles"]);
    std::string done = j.paths["traces[0].accesses_replayed"];
    EXPECT_LT(std::stoull(done), 400000ull);
    EXPECT_GT(std::stoull(done), 0ull);
    EXPECT_EQ(done, j.paths["cores[0].l1.demand_accesses"]) << "the replayed accesses are the ones measured";
    EXPECT_TRUE(contains(b.err, "vmcosim: partial run: budget: stopped at the cycle budget of 100000 (--max-cycles); " +
                                    done + " of 400000 trace accesses replayed")) << b.err;
    EXPECT_TRUE(contains(b.out, "  ended             budget: ")) << b.out;
    std::remove(trace.c_str());
    std::remove(json.c_str());
}

TEST(CliEnd, OpenEndedWorkloadsKeepTheDefaultBudgetAndSaySo)
{
    std::string json = tmp_path("open.json");
    Split r = vmcosim_split("run --engine model --workload seq --stats-json " + json);
    ASSERT_EQ(0, r.status) << r.err;
    JsonPaths j = parse_json(json);
    EXPECT_EQ("budget", j.paths["end"]);
    EXPECT_EQ("1000000", j.paths["max_cycles"]);
    uint64_t cycles = std::stoull(j.paths["cycles"]);
    EXPECT_GE(cycles, 1000000ull);
    EXPECT_LT(cycles, 1000100ull) << "only the request in flight and the counter reads follow the budget";
    EXPECT_TRUE(contains(r.err, "the workload is open-ended")) << r.err;
    // a fixed number of rounds is finite: it completes, however long it takes
    Split k = vmcosim_split("run --engine model --workload hotcold:1 --set mem.size=1M --stats-json " + json);
    ASSERT_EQ(0, k.status) << k.err;
    EXPECT_EQ("complete", parse_json(json).paths["end"]);
    EXPECT_EQ("", k.err);
    // and so is a kernel workload of a fixed script: Belady's string under FIFO with 3 frames, 9 faults
    Split f = vmcosim_split("run --workload refs:1,2,3,4,1,2,5,1,2,3,4,5 --set vm.frames=3 --set vm.policy=fifo "
                            "--set mem.size=1M --stats-json " + json);
    ASSERT_EQ(0, f.status) << f.err;
    j = parse_json(json);
    EXPECT_EQ("complete", j.paths["end"]);
    EXPECT_EQ("9", j.paths["vm.page_faults"]);
    std::remove(json.c_str());
}

// Starts vmcosim with its outputs in files; returns its pid.
pid_t spawn(const std::string &args, const std::string &out, const std::string &err, const std::string &tmpdir = "")
{
    pid_t pid = fork();
    if (pid == 0) {
        if (!tmpdir.empty())
            setenv("TMPDIR", tmpdir.c_str(), 1);
        std::string cmd = "exec " + std::string(VMCOSIM_BIN) + " " + args + " >" + out + " 2>" + err;
        execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
        _exit(127);
    }
    return pid;
}

int wait_status(pid_t pid, bool *signalled)
{
    int st = 0;
    waitpid(pid, &st, 0);
    *signalled = WIFSIGNALED(st);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

bool file_exists(const std::string &path) { return access(path.c_str(), F_OK) == 0; }

TEST(CliEnd, SignalsStopTheRunCleanly)
{
    for (int sig : {SIGINT, SIGTERM}) {
        std::string fst = tmp_path("sig.fst"), json = tmp_path("sig.json"), out = tmp_path("sig.out"),
                    err = tmp_path("sig.err");
        std::remove(fst.c_str());
        pid_t pid = spawn("run --workload random --set cores=2 --set mem.size=1M --max-cycles 1000000000000 "
                          "--waves " + fst + " --stats-json " + json, out, err);
        ASSERT_GT(pid, 0);
        for (int i = 0; i < 3000 && !file_exists(fst); i++)   // the FST opens when the RTL is built
            usleep(10000);
        ASSERT_TRUE(file_exists(fst)) << slurp(err);
        usleep(500000);   // half a second of cycles into the FST
        kill(pid, sig);
        bool signalled;
        int status = wait_status(pid, &signalled);
        EXPECT_FALSE(signalled) << "the process ends by itself, not by the signal";
        EXPECT_EQ(sig == SIGINT ? 130 : 143, status) << slurp(err);
        JsonPaths j = parse_json(json);
        EXPECT_EQ("interrupted", j.paths["end"]);
        EXPECT_EQ("true", j.paths["counters_read"]);
        EXPECT_EQ("0", j.paths["lockstep.mismatches"]);
        uint64_t cycles = std::stoull(j.paths["cycles"]);
        EXPECT_GT(cycles, 1000u);
        EXPECT_EQ(cycles, std::stoull(j.paths["lockstep.cycles_checked"]));
        std::string summary = slurp(out);
        EXPECT_TRUE(contains(summary, sig == SIGINT ? "interrupted by SIGINT at cycle " : "interrupted by SIGTERM at cycle "))
            << summary;
        EXPECT_TRUE(contains(slurp(err), "vmcosim: partial run: interrupted")) << slurp(err);
        // the FST was closed properly: GTKWave's converter reads it whole
        std::string vcd = tmp_path("sig.vcd");
        EXPECT_EQ(0, std::system(("fst2vcd -f " + fst + " -o " + vcd + " >/dev/null 2>&1").c_str()));
        std::string text = slurp(vcd);
        EXPECT_TRUE(contains(text, "$enddefinitions")) << "a readable FST has its header";
        EXPECT_TRUE(contains(text, "\n#" + std::to_string(2 * (cycles / 4))) || text.size() > 100000)
            << "it holds the cycles run";
        for (const std::string &f : {fst, json, out, err, vcd})
            std::remove(f.c_str());
    }
}

TEST(CliEnd, AnInterruptedRunLeavesNoTemporaryFile)
{
    // lazy maps a host file it creates in TMPDIR; the run ends by SIGTERM with the file in use
    char tmpl[] = "/tmp/vmcosim_cli_tmpdirXXXXXX";
    ASSERT_NE(nullptr, mkdtemp(tmpl));
    std::string dir = tmpl, out = tmp_path("lazy.out"), err = tmp_path("lazy.err"), json = tmp_path("lazy.json");
    auto entries = [&dir] {
        std::string cmd = "ls -A " + dir + " | wc -l";
        FILE *p = popen(cmd.c_str(), "r");
        int n = -1;
        if (p && fscanf(p, "%d", &n) != 1)
            n = -1;
        if (p)
            pclose(p);
        return n;
    };
    pid_t pid = spawn("run --workload lazy --stats-json " + json, out, err, dir);
    bool seen = false;
    for (int i = 0; i < 100000 && !seen; i++) {   // the file exists from the workload's start to its end
        seen = entries() > 0;
        if (!seen)
            usleep(200);
    }
    ASSERT_TRUE(seen) << "lazy's file appears in TMPDIR";
    kill(pid, SIGTERM);
    bool signalled;
    EXPECT_EQ(143, wait_status(pid, &signalled)) << slurp(err);
    EXPECT_EQ(0, entries()) << "lazy's file is removed";
    EXPECT_EQ("interrupted", parse_json(json).paths["end"]);
    rmdir(dir.c_str());
    for (const std::string &f : {out, err, json})
        std::remove(f.c_str());
}

TEST(CliEnd, JsonStaysValidForAnyTraceName)
{
    // a quote and a backslash, then a control character and a byte that is not UTF-8
    for (std::string name : {std::string("we\"ird\\name.lackey"), std::string("ctl\x01\xff.lackey")}) {
        std::string trace = tmp_path(name), json = tmp_path("names.json");
        write_file(trace, " L 10000000,8\n S 10000008,8\n");
        std::string quoted = "'" + trace + "'";
        Split r = vmcosim_split("run --engine model --trace " + quoted + " --stats-json " + json);
        ASSERT_EQ(0, r.status) << r.err;
        JsonPaths j = parse_json(json);
        EXPECT_EQ(trace, j.paths["traces[0].path"]);
        EXPECT_EQ("trace " + trace.substr(trace.rfind('/') + 1), j.paths["workload"]);
        EXPECT_EQ("2", j.paths["traces[0].accesses_replayed"]);
        std::remove(trace.c_str());
        std::remove(json.c_str());
    }
}

TEST(CliEnd, AMismatchReportsAReplayCommandThatReplaysItAndNoFalseZeros)
{
    // a trace whose name needs quoting, and the checker's self-test: the model's TLB fills go wrong
    std::string trace = tmp_path("it's a trace $x.lackey"), json = tmp_path("mm.json");
    unsigned loads, stores;
    std::string made = make_trace("mm.lackey", 0x10000000, 2000, 40, &loads, &stores);
    ASSERT_EQ(0, std::rename(made.c_str(), trace.c_str()));
    std::string q;   // the path quoted by the test (not by the code under test)
    for (char c : trace)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    Split r = vmcosim_split("run --trace '" + q + "' --set mem.size=1M --inject-mismatch 200 --stats-json " + json);
    ASSERT_EQ(1, r.status) << r.err;
    size_t at = r.err.find("replay: ");
    ASSERT_NE(std::string::npos, at) << r.err;
    std::string replay = r.err.substr(at + 8, r.err.find('\n', at) - at - 8);
    EXPECT_TRUE(contains(replay, "--inject-mismatch 200")) << replay;
    size_t cyc = r.err.find("cycle ");
    ASSERT_NE(std::string::npos, cyc);
    std::string first_line = r.err.substr(0, r.err.find('\n'));
    // the summary marks what it could not read, the JSON holds null, never a false 0
    EXPECT_TRUE(contains(r.out, "perf counters       not read")) << r.out;
    EXPECT_FALSE(contains(r.out, "TLB lookups")) << r.out;
    JsonPaths j = parse_json(json);
    EXPECT_EQ("mismatch", j.paths["end"]);
    EXPECT_EQ("false", j.paths["counters_read"]);
    EXPECT_EQ("null", j.paths["cores[0].tlb.lookups"]);
    EXPECT_EQ("null", j.paths["cores[0].loads"]);
    EXPECT_NE("0", j.paths["cores[0].requests"]) << "the driver's own count is known";
    EXPECT_EQ("1", j.paths["lockstep.mismatches"]);
    // the printed command, run by a shell as it stands, replays the same mismatch
    std::string out2 = tmp_path("replay.out"), err2 = tmp_path("replay.err");
    int st = std::system(("cd " + std::string(::testing::TempDir()) + " && " + replay + " >" + out2 + " 2>" + err2).c_str());
    EXPECT_EQ(1, WIFEXITED(st) ? WEXITSTATUS(st) : -1) << slurp(err2);
    std::string e2 = slurp(err2);
    EXPECT_EQ(first_line, e2.substr(0, e2.find('\n'))) << "the same first difference";
    for (const std::string &f : {trace, json, out2, err2, std::string(::testing::TempDir()) + "mismatch.fst"})
        std::remove(f.c_str());
    // the self-test is a lockstep tool only
    Split m = vmcosim_split("run --engine model --workload seq --inject-mismatch 5");
    EXPECT_EQ(2, m.status);
    EXPECT_TRUE(contains(m.err, "--inject-mismatch tests the lockstep checker")) << m.err;
}

TEST(CliEnd, RunningOutOfHostMemoryHasItsOwnStatus)
{
    // 100 MB of address space holds the program but not a 64 MiB memory model beside its image
    Split r = vmcosim_split("run --engine model --workload seq --set mem.size=64M", "ulimit -v 100000;");
    EXPECT_EQ(3, r.status) << r.err;
    EXPECT_TRUE(contains(r.err, "out of host memory")) << r.err;
    EXPECT_FALSE(contains(r.err, "--help")) << "not a usage error";
    Split ok = vmcosim_split("run --engine model --workload seq --set mem.size=64K", "ulimit -v 100000;");
    EXPECT_EQ(0, ok.status) << "a small memory fits: the limit is what fails, nothing else" << ok.err;
}

}  // namespace
