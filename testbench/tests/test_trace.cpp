// SPDX-License-Identifier: MIT
// Trace readers (include/vmcosim/trace.h): Valgrind Lackey and Dinero din, plain and gzip.
//
// Expected values come from the formats as their tools define them (lackey/lk_main.c's printf formats,
// the Dinero III din description and Dinero IV's dinfmt.c: size 4, address & ~3), from files the tests
// write themselves, and from a real Valgrind run counted line by line independently of the reader.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <vmcosim/trace.h>
}

namespace {

struct Acc {
    uint64_t addr;
    uint32_t size;
    int kind;
    uint64_t line;
    bool operator==(const Acc &o) const
    {
        return addr == o.addr && size == o.size && kind == o.kind && line == o.line;
    }
};

std::ostream &operator<<(std::ostream &os, const Acc &a)
{
    static const char *kinds[] = {"L", "S", "M"};
    return os << "{line " << a.line << " " << (a.kind >= 0 && a.kind < 3 ? kinds[a.kind] : "?") << " 0x" << std::hex
              << a.addr << std::dec << "," << a.size << "}";
}

struct TraceCloser {
    void operator()(vm_trace *t) const { vm_trace_close(t); }
};
using TracePtr = std::unique_ptr<vm_trace, TraceCloser>;

// Everything one read of a trace gives.
struct Read {
    bool opened = false;
    std::string open_err;
    vm_trace_format format = VM_TRACE_AUTO;
    std::vector<Acc> acc;
    int last = 0;     // last vm_trace_next result (0 end, -1 malformed)
    std::string err;  // its message when -1
};

Read read_all(const std::string &path, vm_trace_format fmt = VM_TRACE_AUTO)
{
    Read r;
    char err[1024] = "";
    TracePtr t(vm_trace_open(path.c_str(), fmt, err, sizeof err));
    if (!t) {
        r.open_err = err;
        return r;
    }
    r.opened = true;
    r.format = vm_trace_format_of(t.get());
    vm_trace_access a;
    while ((r.last = vm_trace_next(t.get(), &a, err, sizeof err)) == 1)
        r.acc.push_back({a.addr, a.size, a.kind, a.line});
    if (r.last < 0)
        r.err = err;
    return r;
}

std::string tmp_path(const std::string &name)
{
    return std::string(::testing::TempDir()) + "vmcosim_trace_" + std::to_string(getpid()) + "_" + name;
}

std::string write_file(const std::string &name, const std::string &text)
{
    std::string path = tmp_path(name);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    return path;
}

std::string write_gz(const std::string &name, const std::string &text, const char *mode = "wb")
{
    std::string path = tmp_path(name);
    gzFile gz = gzopen(path.c_str(), mode);
    EXPECT_NE(nullptr, gz);
    if (gz) {
        // gzwrite takes an unsigned length: write in pieces
        for (size_t off = 0; off < text.size(); off += 1 << 20) {
            size_t n = std::min<size_t>(1 << 20, text.size() - off);
            EXPECT_EQ((int)n, gzwrite(gz, text.data() + off, (unsigned)n));
        }
        EXPECT_EQ(Z_OK, gzclose(gz));
    }
    return path;
}

std::string slurp(const std::string &path)
{
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

// Removes the files a test wrote when it ends.
struct TempFiles {
    std::vector<std::string> paths;
    const std::string &add(const std::string &p)
    {
        paths.push_back(p);
        return paths.back();
    }
    ~TempFiles()
    {
        for (const std::string &p : paths)
            std::remove(p.c_str());
    }
};

bool starts_with(const std::string &s, const std::string &p) { return s.compare(0, p.size(), p) == 0; }
bool contains(const std::string &s, const std::string &w) { return s.find(w) != std::string::npos; }

constexpr int L = VM_TRACE_LOAD, S = VM_TRACE_STORE, M = VM_TRACE_MODIFY;

// ------------------------------------------------------------------------------------------ hand-written

TEST(TraceLackey, EveryLineKind)
{
    std::string path = write_file("every.lackey",
                                  "==123== Lackey, an example Valgrind tool\n"     // 1
                                  "==123== Command: /bin/true\n"                   // 2
                                  "==123== \n"                                     // 3
                                  "I  0401ab70,3\n"                                // 4
                                  " S 1fff000628,8\n"                              // 5
                                  " L 04022f18,4\n"                                // 6
                                  " M 1ffefffd28,16\n"                             // 7
                                  "I  0401ab73,5\n"                                // 8
                                  "--123-- a debug message (-v)\n"                 // 9
                                  "**123** a client message\n"                     // 10
                                  "==00:00:00:01.234 123== time-stamped message\n" // 11
                                  "\n"                                             // 12
                                  " L ffffffffffffffff,1\n"                        // 13
                                  " S 0,4096\r\n"                                  // 14
                                  " L 1000,32  \n"                                 // 15
                                  " M 00000000DeadBeef,2");                        // 16, no newline
    Read r = read_all(path);
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(VM_TRACE_LACKEY, r.format);
    EXPECT_EQ(0, r.last) << r.err;
    std::vector<Acc> want = {
        {0x1fff000628, 8, S, 5},  {0x04022f18, 4, L, 6}, {0x1ffefffd28, 16, M, 7}, {~0ull, 1, L, 13},
        {0x0, 4096, S, 14},       {0x1000, 32, L, 15},   {0xdeadbeef, 2, M, 16},
    };
    EXPECT_EQ(want, r.acc);
    EXPECT_EQ(want, read_all(path, VM_TRACE_LACKEY).acc);
}

TEST(TraceDin, EveryLineKind)
{
    std::string path = write_file("every.din",
                                  "0 1000\n"                          // 1 read
                                  "1 70f60890\n"                      // 2 write
                                  "2 2cb5\n"                          // 3 instruction fetch: skipped
                                  "3 1234\n"                          // 4 escape: skipped
                                  "4 0\n"                             // 5 escape (flush): skipped
                                  "0 70f60888 the rest is a comment\n"// 6
                                  "  1\t0x7FFF0003\n"                 // 7 blanks, tab, 0x, upper case, unaligned
                                  "\n"                                // 8 blank
                                  "00 ABCDEF07\r\n"                   // 9 two-digit label, CRLF
                                  "0 ffffffffffffffff\n"              // 10 64-bit
                                  "1 5");                             // 11 no newline
    Read r = read_all(path);
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(VM_TRACE_DIN, r.format);
    EXPECT_EQ(0, r.last) << r.err;
    // din has no size: every reference is the 4-byte word at ADDRESS & ~3 (Dinero IV dinfmt.c)
    std::vector<Acc> want = {
        {0x1000, 4, L, 1},       {0x70f60890, 4, S, 2}, {0x70f60888, 4, L, 6},
        {0x7fff0000, 4, S, 7},   {0xabcdef04, 4, L, 9}, {0xfffffffffffffffcull, 4, L, 10},
        {0x4, 4, S, 11},
    };
    EXPECT_EQ(want, r.acc);
    EXPECT_EQ(want, read_all(path, VM_TRACE_DIN).acc);
}

TEST(TraceAuto, DecidesByContentNotByName)
{
    // Names that lie: the content decides.
    std::string din = write_file("looks_like.lackey", "\n\n2 400000\n0 1000\n");
    Read d = read_all(din);
    ASSERT_TRUE(d.opened) << d.open_err;
    EXPECT_EQ(VM_TRACE_DIN, d.format);
    EXPECT_EQ((std::vector<Acc>{{0x1000, 4, L, 4}}), d.acc);

    std::string lk = write_file("looks_like.din", "I  0400,2\n S 10,8\n");
    Read l = read_all(lk);
    ASSERT_TRUE(l.opened) << l.open_err;
    EXPECT_EQ(VM_TRACE_LACKEY, l.format);
    EXPECT_EQ((std::vector<Acc>{{0x10, 8, S, 2}}), l.acc);

    // gzip is recognised by its content too, whatever the name
    std::string gz = write_gz("gzip_without_suffix.txt", " L 20,4\n");
    Read g = read_all(gz);
    ASSERT_TRUE(g.opened) << g.open_err;
    EXPECT_EQ((std::vector<Acc>{{0x20, 4, L, 1}}), g.acc);

    // neither format: the error names the file and line and says the name is not used
    std::string other = write_file("other.trace", "\n# a comment\n0 1000\n");
    Read o = read_all(other);
    EXPECT_FALSE(o.opened);
    EXPECT_TRUE(starts_with(o.open_err, other + ":2: cannot tell the trace format from the content")) << o.open_err;
    EXPECT_TRUE(contains(o.open_err, "never by the file name")) << o.open_err;

    // a din label above 4 is not din-looking
    EXPECT_FALSE(read_all(write_file("label9.trace", "9 1000\n")).opened);

    // forcing the wrong format: malformed at the first line
    Read wrong = read_all(din, VM_TRACE_LACKEY);
    ASSERT_TRUE(wrong.opened);
    EXPECT_EQ(-1, wrong.last);
    EXPECT_TRUE(starts_with(wrong.err, din + ":3: not a Lackey line")) << wrong.err;
    Read wrong2 = read_all(lk, VM_TRACE_DIN);
    EXPECT_EQ(-1, wrong2.last);
    EXPECT_TRUE(starts_with(wrong2.err, lk + ":1: bad label")) << wrong2.err;
}

// ------------------------------------------------------------------------------------------ round trips

struct Generated {
    std::string text;
    std::vector<Acc> acc;
};

// Lackey text as Valgrind prints it (" L %08lx,%lu"), with instruction and Valgrind message lines between.
Generated gen_lackey(uint64_t seed, int n)
{
    std::mt19937_64 rng(seed);
    Generated g;
    uint64_t line = 0;
    char buf[96];
    auto emit = [&](const char *s) {
        g.text += s;
        line++;
    };
    emit("==4242== Lackey, an example Valgrind tool\n");
    emit("==4242== \n");
    static const uint32_t sizes[] = {1, 2, 4, 8, 16, 32, 64, 4096};
    for (int i = 0; i < n; i++) {
        while (rng() % 3 == 0) {
            snprintf(buf, sizeof buf, "I  %08" PRIx64 ",%u\n", rng() >> (rng() % 40), (unsigned)(rng() % 15 + 1));
            emit(buf);
        }
        if (rng() % 1000 == 0)
            emit("--4242-- a debug line\n");
        Acc a;
        a.kind = (int)(rng() % 3);
        a.addr = rng() >> (rng() % 64);
        a.size = rng() % 4 ? sizes[rng() % 8] : (uint32_t)(rng() % 4096 + 1);
        a.line = line + 1;
        snprintf(buf, sizeof buf, " %c %08" PRIx64 ",%u\n", "LSM"[a.kind], a.addr, a.size);
        emit(buf);
        g.acc.push_back(a);
    }
    emit("==4242== \n");
    return g;
}

// din text in the forms the format allows; expected addresses are what Dinero IV makes of them.
Generated gen_din(uint64_t seed, int n)
{
    std::mt19937_64 rng(seed);
    Generated g;
    uint64_t line = 0;
    char buf[96];
    for (int i = 0; i < n; i++) {
        while (rng() % 4 == 0) {
            snprintf(buf, sizeof buf, "%d %" PRIx64 "\n", (int)(2 + rng() % 3), rng() >> (rng() % 64));
            g.text += buf;
            line++;
        }
        Acc a;
        a.kind = (int)(rng() % 2);
        uint64_t written = rng() >> (rng() % 64);
        a.addr = written & ~3ull;
        a.size = 4;
        a.line = ++line;
        switch (rng() % 4) {
        case 0: snprintf(buf, sizeof buf, "%d %" PRIx64 "\n", a.kind, written); break;
        case 1: snprintf(buf, sizeof buf, "%d 0x%" PRIX64 "\n", a.kind, written); break;
        case 2: snprintf(buf, sizeof buf, "%d\t%016" PRIx64 " comment %d\n", a.kind, written, i); break;
        default: snprintf(buf, sizeof buf, " %d  %" PRIx64 "\r\n", a.kind, written); break;
        }
        g.text += buf;
        g.acc.push_back(a);
    }
    return g;
}

uint64_t test_seed()
{
    uint64_t seed = std::random_device{}();
    if (const char *s = std::getenv("VMCOSIM_TEST_SEED"))
        seed = std::strtoull(s, nullptr, 0);
    std::printf("seed %" PRIu64 " (replay: VMCOSIM_TEST_SEED=%" PRIu64 ")\n", seed, seed);
    ::testing::Test::RecordProperty("seed", std::to_string(seed));
    return seed;
}

TEST(TraceRoundTrip, Lackey)
{
    uint64_t seed = test_seed();
    Generated g = gen_lackey(seed, 20000);
    TempFiles tmp;
    Read r = read_all(tmp.add(write_file("rt.lackey", g.text)));
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(VM_TRACE_LACKEY, r.format);
    EXPECT_EQ(0, r.last) << r.err;
    ASSERT_EQ(g.acc.size(), r.acc.size());
    for (size_t i = 0; i < g.acc.size(); i++)
        ASSERT_EQ(g.acc[i], r.acc[i]) << "access " << i << " seed " << seed;
}

TEST(TraceRoundTrip, Din)
{
    uint64_t seed = test_seed();
    Generated g = gen_din(seed, 20000);
    TempFiles tmp;
    Read r = read_all(tmp.add(write_file("rt.din", g.text)));
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(VM_TRACE_DIN, r.format);
    EXPECT_EQ(0, r.last) << r.err;
    ASSERT_EQ(g.acc.size(), r.acc.size());
    for (size_t i = 0; i < g.acc.size(); i++)
        ASSERT_EQ(g.acc[i], r.acc[i]) << "access " << i << " seed " << seed;
}

// ------------------------------------------------------------------------------------------ malformed

struct BadCase {
    std::string line;
    std::string what;  // the message after "PATH:3: "
};

// Each bad line goes to line 3, after a Valgrind line and a good access, before another good one: the
// good access comes out first, then -1 with "PATH:3: what", again on every later call.
void expect_malformed(const std::string &name, vm_trace_format fmt, const std::string &head, const BadCase &c,
                      const Acc &first)
{
    TempFiles tmp;
    std::string path =
        tmp.add(write_file(name, head + c.line + "\n" + (fmt == VM_TRACE_DIN ? "0 10\n" : " L 10,4\n")));
    char err[1024] = "";
    TracePtr t(vm_trace_open(path.c_str(), fmt, err, sizeof err));
    ASSERT_TRUE(t) << err;
    vm_trace_access a;
    ASSERT_EQ(1, vm_trace_next(t.get(), &a, err, sizeof err)) << err;
    EXPECT_EQ(first, (Acc{a.addr, a.size, a.kind, a.line}));
    ASSERT_EQ(-1, vm_trace_next(t.get(), &a, err, sizeof err)) << "line: " << c.line.substr(0, 60);
    std::string prefix = path + ":3: ";
    EXPECT_TRUE(starts_with(err, prefix + c.what)) << "line: " << c.line.substr(0, 60) << "\nerr: " << err;
    std::string first_err = err;
    err[0] = '\0';
    EXPECT_EQ(-1, vm_trace_next(t.get(), &a, err, sizeof err));
    EXPECT_EQ(first_err, err);
}

TEST(TraceLackey, MalformedLinesNameFileAndLine)
{
    const BadCase cases[] = {
        {" L zz12,8", "bad address"},
        {" L ,8", "bad address"},
        {" L -1000,8", "bad address"},
        {" L 0x1000,8", "expected ','"},
        {" L 1000", "expected ','"},
        {" L 1000 ,8", "expected ','"},
        {" L 1000,", "bad size"},
        {" L 1000,-8", "bad size"},
        {" L 1000,8x", "unexpected characters after the size"},
        {" L 1000,8 9", "unexpected characters after the size"},
        {" L 1000,0", "size out of range 1..4096"},
        {" S 1000,4097", "size out of range 1..4096"},
        {" M 1000,99999999999999999999999", "size out of range 1..4096"},
        {" L 10000000000000000,8", "address does not fit in 64 bits"},
        {" L 1000,8,9", "unexpected characters after the size"},
        {"I  zz,3", "bad address"},
        {"I  1000", "expected ','"},
        {" X 1000,8", "not a Lackey line"},
        {"L 1000,8", "not a Lackey line"},
        {"  L 1000,8", "not a Lackey line"},
        {"hello world", "not a Lackey line"},
        {"=", "not a Lackey line"},
        {"==x== not valgrind", "not a Lackey line"},
        {"SB 0401ab70", "not a Lackey line"},
        {std::string("\x01\x02\x7f"), "not a Lackey line"},
        {" L " + std::string(5000, '0') + "1,8", "line longer than 4096 bytes"},
        {std::string(100000, 'x'), "line longer than 4096 bytes"},
        {std::string(600000, ' '), "line longer than 4096 bytes"},  // over the read buffer, too
    };
    int i = 0;
    for (const BadCase &c : cases)
        expect_malformed("bad" + std::to_string(i++) + ".lackey", VM_TRACE_LACKEY, "==1== x\n L 40,8\n", c,
                         Acc{0x40, 8, L, 2});
}

TEST(TraceLackey, MalformedMessageQuotesTheLine)
{
    std::string path = write_file("quote.lackey", " L zz\x01,8\n");
    Read r = read_all(path, VM_TRACE_LACKEY);
    EXPECT_EQ(-1, r.last);
    EXPECT_EQ(path + ":1: bad address (expected hex digits without 0x) in \" L zz\\x01,8\"", r.err);
}

TEST(TraceDin, MalformedLinesNameFileAndLine)
{
    const BadCase cases[] = {
        {"5 1000", "unknown label"},
        {"10 1000", "unknown label"},
        {"g 1000", "bad label"},
        {"-1 1000", "bad label"},
        {"0,1000", "bad label"},
        {"01x 1000", "bad label"},
        {" L 1000,8", "bad label"},
        {"0", "missing address"},
        {"1 \t ", "missing address"},
        {"0 12g4", "bad address"},
        {"0 0x", "bad address"},
        {"0 -5", "bad address"},
        {"0 1000,4", "bad address"},
        {"0 10000000000000000", "address does not fit in 64 bits"},
        {"0 1000 " + std::string(5000, 'c'), "line longer than 4096 bytes"},
        {std::string(300000, '7'), "line longer than 4096 bytes"},
    };
    int i = 0;
    for (const BadCase &c : cases)
        expect_malformed("bad" + std::to_string(i++) + ".din", VM_TRACE_DIN, "2 400\n1 40\n", c, Acc{0x40, 4, S, 2});
}

TEST(TraceLackey, LongValgrindMessagesAreSkipped)
{
    // Valgrind message lines of any length (a long command line) are skipped, and counting goes on.
    std::string text = "==1== Command: " + std::string(100000, 'a') + "\n L 10,8\n==1== " +
                       std::string(700000, 'b') + "\n S 20,4\n";
    TempFiles tmp;
    Read r = read_all(tmp.add(write_file("longmsg.lackey", text)));
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(0, r.last) << r.err;
    EXPECT_EQ((std::vector<Acc>{{0x10, 8, L, 2}, {0x20, 4, S, 4}}), r.acc);
}

TEST(TraceLackey, ErrorBufferIsNeverOverrun)
{
    std::string path = write_file("small_err.lackey", " L 10,0\n");
    for (size_t len : {0, 1, 2, 8}) {
        char err[16];
        std::memset(err, '#', sizeof err);
        TracePtr t(vm_trace_open(path.c_str(), VM_TRACE_AUTO, err, len));
        ASSERT_TRUE(t);
        vm_trace_access a;
        EXPECT_EQ(-1, vm_trace_next(t.get(), &a, len ? err : nullptr, len));
        for (size_t i = len; i < sizeof err; i++)
            EXPECT_EQ('#', err[i]) << "len " << len << " byte " << i;
        if (len) {
            EXPECT_EQ('\0', err[len - 1]);
            EXPECT_EQ(path.substr(0, len - 1), std::string(err));
        }
    }
}

// ------------------------------------------------------------------------------------------ gzip

TEST(TraceGzip, SameAccessesAsThePlainFile)
{
    uint64_t seed = test_seed();
    // big enough to cross several of the reader's blocks (inflated by its helper thread)
    Generated lk = gen_lackey(seed, 150000);
    Generated din = gen_din(seed ^ 1, 50000);
    TempFiles tmp;
    for (const Generated *g : {&lk, &din}) {
        std::string name = g == &lk ? "gz.lackey" : "gz.din";
        Read plain = read_all(tmp.add(write_file(name, g->text)));
        Read gz = read_all(tmp.add(write_gz(name + ".gz", g->text)));
        ASSERT_TRUE(plain.opened && gz.opened) << plain.open_err << gz.open_err;
        EXPECT_EQ(plain.format, gz.format);
        EXPECT_EQ(0, plain.last) << plain.err;
        EXPECT_EQ(0, gz.last) << gz.err;
        EXPECT_EQ(g->acc.size(), gz.acc.size());
        EXPECT_TRUE(g->acc == plain.acc) << name;
        EXPECT_TRUE(g->acc == gz.acc) << name;
    }
}

TEST(TraceGzip, MultiMemberFilesReadWhole)
{
    std::string path = write_gz("multi.gz", " L 10,8\n S 20,");
    write_gz("multi.gz", "4\n M 30,2\n", "ab");  // a second gzip member appended (as `cat a.gz b.gz`)
    Read r = read_all(path);
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(0, r.last) << r.err;
    EXPECT_EQ((std::vector<Acc>{{0x10, 8, L, 1}, {0x20, 4, S, 2}, {0x30, 2, M, 3}}), r.acc);
}

TEST(TraceGzip, TruncatedOrCorruptDataIsAnErrorNotAnEnd)
{
    Generated g = gen_lackey(7, 100000);
    TempFiles tmp;
    std::string full = slurp(tmp.add(write_gz("whole.gz", g.text)));
    ASSERT_GT(full.size(), 1000u);

    std::string cut = tmp.add(write_file("cut.gz", full.substr(0, full.size() / 2)));
    Read r = read_all(cut);
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(-1, r.last);
    EXPECT_TRUE(starts_with(r.err, cut + ":")) << r.err;
    EXPECT_TRUE(contains(r.err, "read error: truncated gzip data")) << r.err;
    // what came before the cut is right, and the error names the line after the last whole one
    ASSERT_GT(r.acc.size(), 1000u);
    ASSERT_LT(r.acc.size(), g.acc.size());
    for (size_t i = 0; i < r.acc.size(); i++)
        ASSERT_EQ(g.acc[i], r.acc[i]);
    // "PATH:LINE: read error: ..." with LINE past the last access returned
    uint64_t err_line = std::strtoull(r.err.c_str() + cut.size() + 1, nullptr, 10);
    EXPECT_GT(err_line, r.acc.back().line) << r.err;
    EXPECT_TRUE(starts_with(r.err, cut + ":" + std::to_string(err_line) + ": read error: ")) << r.err;

    std::string bad = full;
    for (size_t i = bad.size() / 3; i < bad.size() / 3 + 64; i++)
        bad[i] = (char)(bad[i] ^ 0x5a);
    // Damaged deflate data may inflate to garbage before zlib notices (at the latest, the CRC at the end):
    // either way the reader must end with an error naming the file, never with a clean end.
    std::string cpath = tmp.add(write_file("corrupt.gz", bad));
    Read c = read_all(cpath);
    ASSERT_TRUE(c.opened) << c.open_err;
    EXPECT_EQ(-1, c.last);
    EXPECT_TRUE(starts_with(c.err, cpath + ":")) << c.err;
    // damage in the last bytes (CRC and length) alone: the lines are fine but the data check fails (zlib
    // drops what it inflated in the failing call, so only a prefix comes out)
    std::string tail = full;
    tail[tail.size() - 5] = (char)(tail[tail.size() - 5] ^ 0xff);
    std::string tpath = tmp.add(write_file("badcrc.gz", tail));
    Read tc = read_all(tpath);
    EXPECT_EQ(-1, tc.last);
    ASSERT_LE(tc.acc.size(), g.acc.size());
    for (size_t i = 0; i < tc.acc.size(); i++)
        ASSERT_EQ(g.acc[i], tc.acc[i]);
    EXPECT_TRUE(starts_with(tc.err, tpath + ":")) << tc.err;
    EXPECT_TRUE(contains(tc.err, "read error: corrupt gzip data")) << tc.err;
}

TEST(TraceGzip, CloseBeforeTheEnd)
{
    // the helper thread must stop cleanly when the reader is closed early
    Generated g = gen_lackey(11, 200000);
    TempFiles tmp;
    std::string path = tmp.add(write_gz("early.gz", g.text));
    for (int n : {0, 1, 1000, 100000}) {
        char err[256];
        TracePtr t(vm_trace_open(path.c_str(), VM_TRACE_AUTO, err, sizeof err));
        ASSERT_TRUE(t) << err;
        vm_trace_access a;
        for (int i = 0; i < n; i++) {
            ASSERT_EQ(1, vm_trace_next(t.get(), &a, err, sizeof err)) << err;
            ASSERT_EQ(g.acc[i], (Acc{a.addr, a.size, a.kind, a.line}));
        }
    }
}

// ------------------------------------------------------------------------------------------ open errors

TEST(TraceOpen, BinaryContentIsRejected)
{
    std::string nul = write_file("nul.bin", std::string(" L 10,8\n") + '\0' + " L 20,8\n");
    for (vm_trace_format f : {VM_TRACE_AUTO, VM_TRACE_LACKEY, VM_TRACE_DIN}) {
        Read r = read_all(nul, f);
        EXPECT_FALSE(r.opened);
        EXPECT_EQ(nul + ": binary content (a NUL byte at offset 8), not a text trace", r.open_err);
    }
    std::string high;
    for (int i = 0; i < 3000; i++)
        high += (char)(0x80 + i % 0x7f);
    std::string hb = write_file("high.bin", high);
    Read h = read_all(hb);
    EXPECT_FALSE(h.opened);
    EXPECT_TRUE(starts_with(h.open_err, hb + ": binary content (")) << h.open_err;
    EXPECT_TRUE(contains(h.open_err, "not printable")) << h.open_err;
    // this very test program: an ELF file
    Read elf = read_all("/proc/self/exe");
    EXPECT_FALSE(elf.opened);
    EXPECT_TRUE(contains(elf.open_err, "binary content")) << elf.open_err;
    // compressed binary
    Read gz = read_all(write_gz("bin.gz", std::string(100, '\0')));
    EXPECT_FALSE(gz.opened);
    EXPECT_TRUE(contains(gz.open_err, "binary content")) << gz.open_err;
    // some non-ASCII text in Valgrind lines is still text
    Read utf8 = read_all(write_file("utf8.lackey", "==1== Command: ./d\xc3\xa9j\xc3\xa0-vu\n L 10,8\n"));
    EXPECT_TRUE(utf8.opened) << utf8.open_err;
    EXPECT_EQ(1u, utf8.acc.size());
}

TEST(TraceOpen, EmptyFilesGiveNoAccess)
{
    std::string empty = write_file("empty.trace", "");
    std::string blank = write_file("blank.trace", "\n  \n\t\r\n");
    std::string gz = write_gz("empty.gz", "");
    for (const std::string &p : {empty, blank, gz})
        for (vm_trace_format f : {VM_TRACE_AUTO, VM_TRACE_LACKEY, VM_TRACE_DIN}) {
            Read r = read_all(p, f);
            ASSERT_TRUE(r.opened) << r.open_err;
            EXPECT_EQ(0, r.last) << p << ": " << r.err;
            EXPECT_TRUE(r.acc.empty());
            EXPECT_EQ(f, r.format);
        }
}

TEST(TraceOpen, UnreadableFiles)
{
    std::string missing = tmp_path("does_not_exist");
    Read m = read_all(missing);
    EXPECT_FALSE(m.opened);
    EXPECT_EQ(missing + ": cannot open: No such file or directory", m.open_err);

    std::string dir = tmp_path("a_directory");
    ASSERT_EQ(0, mkdir(dir.c_str(), 0700));
    Read d = read_all(dir);
    EXPECT_FALSE(d.opened);
    EXPECT_EQ(dir + ": cannot read: Is a directory", d.open_err);
    rmdir(dir.c_str());

    char err[256];
    EXPECT_EQ(nullptr, vm_trace_open(missing.c_str(), (vm_trace_format)7, err, sizeof err));
    EXPECT_EQ(missing + ": unknown trace format 7", std::string(err));
}

TEST(TraceOpen, HandlesAreIndependent)
{
    Generated a = gen_lackey(3, 5000), b = gen_din(4, 5000);
    TempFiles tmp;
    std::string pa = tmp.add(write_file("ind.lackey", a.text)), pb = tmp.add(write_gz("ind.din.gz", b.text));
    char err[256];
    TracePtr ta(vm_trace_open(pa.c_str(), VM_TRACE_AUTO, err, sizeof err));
    TracePtr tb(vm_trace_open(pb.c_str(), VM_TRACE_AUTO, err, sizeof err));
    ASSERT_TRUE(ta && tb);
    vm_trace_access x;
    for (size_t i = 0; i < 5000; i++) {
        ASSERT_EQ(1, vm_trace_next(ta.get(), &x, err, sizeof err)) << err;
        ASSERT_EQ(a.acc[i], (Acc{x.addr, x.size, x.kind, x.line}));
        ASSERT_EQ(1, vm_trace_next(tb.get(), &x, err, sizeof err)) << err;
        ASSERT_EQ(b.acc[i], (Acc{x.addr, x.size, x.kind, x.line}));
    }
    EXPECT_EQ(0, vm_trace_next(ta.get(), &x, err, sizeof err));
    EXPECT_EQ(0, vm_trace_next(tb.get(), &x, err, sizeof err));
    EXPECT_EQ(0, vm_trace_next(tb.get(), &x, err, sizeof err));  // the end stays the end
}

// ------------------------------------------------------------------------------------------ real Valgrind

TEST(TraceLackey, RealValgrindTrace)
{
    if (std::system("valgrind --version > /dev/null 2>&1") != 0)
        GTEST_SKIP() << "valgrind is not installed";
    std::string log = tmp_path("real.lackey");
    std::string cmd = "valgrind --tool=lackey --trace-mem=yes --log-file=" + log + " /bin/true > /dev/null 2>&1";
    ASSERT_EQ(0, std::system(cmd.c_str())) << cmd;

    // Independent count and parse: every line starting with " L", " S" or " M" is one access.
    std::ifstream f(log);
    std::string line;
    std::vector<Acc> want;
    uint64_t n = 0, count[3] = {0, 0, 0};
    while (std::getline(f, line)) {
        n++;
        if (line.size() < 2 || line[0] != ' ')
            continue;
        int k = line[1] == 'L' ? L : line[1] == 'S' ? S : line[1] == 'M' ? M : -1;
        if (k < 0)
            continue;
        count[k]++;
        size_t comma = line.find(',');
        want.push_back({std::stoull(line.substr(3, comma - 3), nullptr, 16),
                        (uint32_t)std::stoul(line.substr(comma + 1)), k, n});
    }
    ASSERT_GT(want.size(), 1000u);

    Read r = read_all(log);
    ASSERT_TRUE(r.opened) << r.open_err;
    EXPECT_EQ(VM_TRACE_LACKEY, r.format);
    EXPECT_EQ(0, r.last) << r.err;
    uint64_t got[3] = {0, 0, 0};
    for (const Acc &a : r.acc)
        got[a.kind]++;
    EXPECT_EQ(count[L], got[L]);
    EXPECT_EQ(count[S], got[S]);
    EXPECT_EQ(count[M], got[M]);
    EXPECT_GT(count[L] + count[S] + count[M], 1000u);
    EXPECT_TRUE(want == r.acc);
    std::remove(log.c_str());
}

// ------------------------------------------------------------------------------------------ volume

// Two million Lackey lines of the shapes real traces have (instruction lines between the data accesses;
// 8- and 10-digit addresses, a few of 1 and 16 digits, upper-case ones; sizes of one and two digits): the
// reader must give every access, exact, plain and gzip, over many buffer refills with lines cut at every
// offset. The expected count and checksums come from the generator. Speed is scripts/bench.sh's business
// (trace replay), not a test's.
TEST(TraceLackey, TwoMillionLinesPlainAndGzip)
{
    std::string text;
    std::mt19937_64 rng(5);
    char buf[64];
    const uint64_t n = 2000000;
    static const unsigned kSizes[] = {1, 2, 4, 8, 8, 8, 16, 32};
    uint64_t line = 0, last_line = 0, sum = 0, mix = 0;
    for (uint64_t i = 0; i < n; i++) {
        for (uint64_t k = rng() % 4; k; k--, line++) {   // instruction lines, not accesses
            uint64_t r = rng();
            snprintf(buf, sizeof buf, "I  %08" PRIx64 ",%u\n", r >> 32, (unsigned)(r % 16 ? r % 8 + 1 : 10 + r % 6));
            text += buf;
        }
        uint64_t r = rng(), addr;
        const char *fmt;
        switch (r % 16) {
        case 0: addr = r >> 60; fmt = " %c %" PRIx64 ",%u\n"; break;             // one digit
        case 1: addr = r; fmt = " %c %016" PRIX64 ",%u\n"; break;                // sixteen, upper case
        case 2: case 3: case 4: case 5: case 6: case 7:
            addr = 0x1fff000000ull | (r >> 24 & 0xFFFFFF); fmt = " %c %010" PRIx64 ",%u\n"; break;   // a stack
        default: addr = r >> 36; fmt = " %c %08" PRIx64 ",%u\n"; break;          // data and heap
        }
        unsigned size = kSizes[r >> 8 & 7];
        int kind = (int)(r >> 12 & 3) % 3;
        snprintf(buf, sizeof buf, fmt, "LSM"[kind], addr, size);
        text += buf;
        last_line = ++line;
        sum += addr;
        mix = mix * 0x9E3779B97F4A7C15ull + (addr ^ (uint64_t)size << 56 ^ (uint64_t)kind << 62);
    }
    TempFiles files;
    for (bool gz : {false, true}) {
        SCOPED_TRACE(gz ? "gzip" : "plain");
        const std::string &path = files.add(gz ? write_gz("volume.gz", text) : write_file("volume.lackey", text));
        char err[256] = "";
        TracePtr t(vm_trace_open(path.c_str(), VM_TRACE_AUTO, err, sizeof err));
        ASSERT_TRUE(t) << err;
        vm_trace_access a;
        uint64_t got = 0, got_sum = 0, got_mix = 0, got_line = 0;
        int rc;
        while ((rc = vm_trace_next(t.get(), &a, err, sizeof err)) == 1) {
            got++;
            got_sum += a.addr;
            got_mix = got_mix * 0x9E3779B97F4A7C15ull + (a.addr ^ (uint64_t)a.size << 56 ^ (uint64_t)a.kind << 62);
            got_line = a.line;
        }
        EXPECT_EQ(0, rc) << err;
        EXPECT_EQ(n, got);
        EXPECT_EQ(sum, got_sum);
        EXPECT_EQ(mix, got_mix);
        EXPECT_EQ(last_line, got_line);
    }
}

}  // namespace
