/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
/* The configuration vocabulary: one table drives parsing, listing, JSON and errors. */
#include <vmcosim/config.h>
#include <vmcosim/contract.h>
#include <vmcosim/model.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct key {
    const char *name;
    const char *def;
    const char *allowed;
    const char *help;
    int (*parse)(struct vm_config *c, const char *v);   /* 0 or -1 */
    void (*show)(const struct vm_config *c, char *buf, size_t len);
    int quoted;                                           /* JSON string (1) or number (0) */
};

static const char *kModes[] = {"sv39", "sv32", "bare"};
static const char *kAd[] = {"hw", "fault"};
static const char *kRepl[] = {"lru", "plru", "fifo", "random"};
static const char *kPolicy[] = {"fifo", "clock", "aging", "lru", "lfu", "opt"};   /* firmware/kernel.h order */
static const char *kMemRow[] = {"off", "open"};   /* VM_MEMROW_OFF, VM_MEMROW_OPEN */
static const char *kTracePaging[] = {"premapped", "demand"};

static int pick(const char *v, const char *const *names, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(v, names[i]))
            return (int)i;
    return -1;
}

/* Unsigned number with optional K/M/G suffix (powers of 1024). */
static int parse_size(const char *v, uint64_t *out)
{
    if (!isdigit((unsigned char)*v))
        return -1;
    errno = 0;
    char *end;
    unsigned long long n = strtoull(v, &end, 0);
    if (errno)
        return -1;
    uint64_t mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1ull << 10, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1ull << 20, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1ull << 30, end++;
    if (*end || n > UINT64_MAX / mul)
        return -1;
    *out = n * mul;
    return 0;
}

static int parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
    uint64_t n;
    if (parse_size(v, &n) || n < lo || n > hi)
        return -1;
    *out = (unsigned)n;
    return 0;
}

static int is_pow2(uint64_t v) { return v && !(v & (v - 1)); }

static int p_cores(struct vm_config *c, const char *v) { return parse_uint(v, 1, VM_MAX_CORES, &c->cores); }
static int p_mode(struct vm_config *c, const char *v)
{
    int i = pick(v, kModes, 3);
    if (i < 0) return -1;
    c->mode = (enum vm_mode)i;
    return 0;
}
static int p_ad(struct vm_config *c, const char *v)
{
    int i = pick(v, kAd, 2);
    if (i < 0) return -1;
    c->ad = (enum vm_ad)i;
    return 0;
}
static int p_entries(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, 1, VM_TLB_MAX_ENTRIES, &n) || !is_pow2(n)) return -1;
    c->tlb_entries = n;
    return 0;
}
static int p_ways(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, 1, VM_TLB_MAX_ENTRIES, &n) || !is_pow2(n)) return -1;
    c->tlb_ways = n;
    return 0;
}
static int p_repl(struct vm_config *c, const char *v)
{
    int i = pick(v, kRepl, 4);
    if (i < 0) return -1;
    c->tlb_repl = (unsigned)i;  /* same order as VM_REPL_* */
    return 0;
}
static int p_l1_size(struct vm_config *c, const char *v)
{
    uint64_t n;
    if (parse_size(v, &n) || (n && (!is_pow2(n) || n < 8 || n > (1u << 20)))) return -1;
    c->l1_size = (unsigned)n;
    return 0;
}
static int p_l1_ways(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, 1, 64, &n) || !is_pow2(n)) return -1;
    c->l1_ways = n;
    return 0;
}
static int p_l1_line(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, 8, 64, &n) || !is_pow2(n)) return -1;
    c->l1_line = n;
    return 0;
}
static int p_l1_repl(struct vm_config *c, const char *v)
{
    int i = pick(v, kRepl, 4);
    if (i < 0) return -1;
    c->l1_repl = (unsigned)i;
    return 0;
}
static int p_mem_size(struct vm_config *c, const char *v)
{
    uint64_t n;
    if (parse_size(v, &n) || !is_pow2(n) || n < (64u << 10) || n > VM_MEM_MAX_BYTES) return -1;
    c->mem_size = n;
    return 0;
}
static int p_latency(struct vm_config *c, const char *v) { return parse_uint(v, 1, 255, &c->mem_latency); }
static int p_frames(struct vm_config *c, const char *v) { return parse_uint(v, 0, 1u << 24, &c->vm_frames); }
static int p_policy(struct vm_config *c, const char *v)
{
    int i = pick(v, kPolicy, 6);
    if (i < 0) return -1;
    c->vm_policy = (unsigned)i;
    return 0;
}
static int p_fault_around(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, 0, 512, &n) || (n & (n - 1))) return -1;
    c->vm_fault_around = n;
    return 0;
}
static int p_swap(struct vm_config *c, const char *v)
{
    uint64_t n;
    if (parse_size(v, &n) || n % 4096 || n > (1ull << 30)) return -1;
    c->swap_size = n;
    return 0;
}
static int p_mem_row(struct vm_config *c, const char *v)
{
    int i = pick(v, kMemRow, 2);
    if (i < 0) return -1;
    c->mem_row = (unsigned)i;
    return 0;
}
static int p_mem_banks(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, 1, VM_MEMROW_MAX_BANKS, &n) || !is_pow2(n)) return -1;
    c->mem_banks = n;
    return 0;
}
static int p_mem_row_size(struct vm_config *c, const char *v)
{
    unsigned n;
    if (parse_uint(v, VM_MEMROW_MIN_BYTES, VM_MEMROW_MAX_BYTES, &n) || !is_pow2(n)) return -1;
    c->mem_row_size = n;
    return 0;
}
static int p_trace_paging(struct vm_config *c, const char *v)
{
    int i = pick(v, kTracePaging, 2);
    if (i < 0) return -1;
    c->trace_demand = i == 1;
    return 0;
}
static int p_row_hit(struct vm_config *c, const char *v) { return parse_uint(v, 1, 255, &c->mem_row_hit); }
static int p_row_miss(struct vm_config *c, const char *v) { return parse_uint(v, 1, 255, &c->mem_row_miss); }

static void s_cores(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->cores); }
static void s_mode(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kModes[c->mode]); }
static void s_ad(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kAd[c->ad]); }
static void s_entries(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->tlb_entries); }
static void s_ways(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->tlb_ways); }
static void s_repl(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kRepl[c->tlb_repl]); }
static void s_l1_size(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->l1_size); }
static void s_l1_ways(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->l1_ways); }
static void s_l1_line(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->l1_line); }
static void s_l1_repl(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kRepl[c->l1_repl]); }
static void s_mem_size(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%" PRIu64, c->mem_size); }
static void s_latency(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->mem_latency); }
static void s_frames(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->vm_frames); }
static void s_policy(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kPolicy[c->vm_policy]); }
static void s_fault_around(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->vm_fault_around); }
static void s_swap(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%" PRIu64, c->swap_size); }
static void s_mem_row(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kMemRow[c->mem_row]); }
static void s_mem_banks(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->mem_banks); }
static void s_mem_row_size(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->mem_row_size); }
static void s_row_hit(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->mem_row_hit); }
static void s_trace_paging(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%s", kTracePaging[c->trace_demand]); }
static void s_row_miss(const struct vm_config *c, char *b, size_t n) { snprintf(b, n, "%u", c->mem_row_miss); }

static const struct key kKeys[] = {
    {"cores", "1", "1..4 (more than 1 needs l1.size > 0)", "number of cores, each with its own MMU and L1", p_cores, s_cores, 0},
    {"vm.mode", "sv39", "sv39, sv32, bare", "translation scheme", p_mode, s_mode, 1},
    {"vm.ad", "hw", "hw, fault", "A/D bits: walker updates them (hw) or page fault (fault)", p_ad, s_ad, 1},
    {"tlb.entries", "16", "power of two, 1..64", "L1 TLB entries", p_entries, s_entries, 0},
    {"tlb.ways", "16", "power of two dividing tlb.entries (= entries: fully associative)", "L1 TLB ways",
     p_ways, s_ways, 0},
    {"tlb.repl", "lru", "lru, plru, fifo, random", "L1 TLB replacement", p_repl, s_repl, 1},
    {"l1.size", "4096", "0 (no L1: the MMU on a flat memory), or a power of two up to 1M (suffix K, M)",
     "L1 data cache bytes", p_l1_size, s_l1_size, 0},
    {"l1.ways", "2", "power of two, 1..64", "L1 ways", p_l1_ways, s_l1_ways, 0},
    {"l1.line", "64", "8, 16, 32, 64", "L1 line bytes", p_l1_line, s_l1_line, 0},
    {"l1.repl", "lru", "lru, plru, fifo, random", "L1 replacement", p_l1_repl, s_l1_repl, 1},
    {"mem.size", "64M", "power of two, 64K..64M (suffix K, M)", "physical memory bytes", p_mem_size, s_mem_size,
     0},
    {"mem.latency", "20", "1..255", "memory access latency in cycles (mem.row=off; not used with mem.row=open)",
     p_latency, s_latency, 0},
    {"mem.row", "off", "off, open (open needs l1.size > 0)",
     "memory timing: off = mem.latency for every access; open = open-page DRAM (bank = addr / mem.row_size mod "
     "mem.banks, row = addr / (mem.row_size x mem.banks); an access to its bank's open row costs mem.row_hit, "
     "any other mem.row_miss and opens its row)", p_mem_row, s_mem_row, 1},
    {"mem.banks", "4", "1, 2, 4, 8", "DRAM banks, one open row each (mem.row=open)", p_mem_banks, s_mem_banks, 0},
    {"mem.row_size", "2048", "power of two, 256..8192 (suffix K)",
     "DRAM row bytes per bank (mem.row=open)", p_mem_row_size, s_mem_row_size, 0},
    {"mem.row_hit", "8", "1..255", "cycles of a row-buffer hit: CAS only (mem.row=open)", p_row_hit, s_row_hit, 0},
    {"mem.row_miss", "24", "1..255, at least mem.row_hit",
     "cycles of a row miss: precharge + activate + CAS; an empty bank after reset too (mem.row=open)", p_row_miss,
     s_row_miss, 0},
    {"vm.frames", "0", "0 (limited only by memory) or a page count", "resident user pages per process (kernel)",
     p_frames, s_frames, 0},
    {"vm.policy", "fifo", "fifo, clock, aging, lru, lfu, opt (lru, lfu, opt: exact oracles)",
     "page replacement (kernel)", p_policy, s_policy, 1},
    {"vm.fault_around", "0", "0 (off) or a power of two up to 512",
     "untouched pages of a read fault's aligned window mapped to the zero page with it (kernel)", p_fault_around,
     s_fault_around, 0},
    {"swap.size", "64M", "multiple of 4096 up to 1G (suffix K, M, G; 0 = no swap)", "swap device bytes (kernel)",
     p_swap, s_swap, 0},
    {"trace.paging", "premapped", "premapped, demand (demand needs l1.size > 0 and sv39 or sv32)",
     "--trace processes: premapped = every page a trace touches mapped before the run (no kernel; L1 misses equal "
     "Cachegrind's); demand = under the kernel, the whole user range one anonymous region paged on demand "
     "(vm.frames, vm.policy, swap.size apply)", p_trace_paging, s_trace_paging, 1},
};
#define NKEYS (sizeof kKeys / sizeof kKeys[0])

void vm_config_defaults(struct vm_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < NKEYS; i++)
        kKeys[i].parse(c, kKeys[i].def);
}

unsigned vm_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    unsigned row[64];
    if (lb >= 64)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        unsigned diag = row[0];
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned up = row[j];
            unsigned best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (!strcmp(kKeys[i].name, name))
            return &kKeys[i];
    return NULL;
}

int vm_config_set(struct vm_config *c, const char *key, const char *value, char *err, size_t errlen)
{
    const struct key *k = find_key(key);
    if (!k) {
        const struct key *near = NULL;
        unsigned best = 4;
        for (size_t i = 0; i < NKEYS; i++) {
            unsigned d = vm_edit_distance(key, kKeys[i].name);
            if (d < best) best = d, near = &kKeys[i];
        }
        if (near)
            snprintf(err, errlen, "unknown config key '%s' (did you mean '%s'?); 'vmcosim list' shows every key",
                     key, near->name);
        else
            snprintf(err, errlen, "unknown config key '%s'; 'vmcosim list' shows every key", key);
        return -1;
    }
    if (k->parse(c, value)) {
        snprintf(err, errlen, "invalid value '%s' for %s: allowed: %s", value, k->name, k->allowed);
        return -1;
    }
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    char *e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = 0;
    return s;
}

int vm_config_set_pair(struct vm_config *c, const char *pair, char *err, size_t errlen)
{
    char buf[256];
    if (strlen(pair) >= sizeof buf) {
        snprintf(err, errlen, "setting too long: '%.40s...'", pair);
        return -1;
    }
    strcpy(buf, pair);
    char *eq = strchr(buf, '=');
    if (!eq) {
        snprintf(err, errlen, "expected key=value, got '%s'", pair);
        return -1;
    }
    *eq = 0;
    return vm_config_set(c, trim(buf), trim(eq + 1), err, errlen);
}

int vm_config_load(struct vm_config *c, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open config file: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL, msg[400];
    size_t cap = 0;
    ssize_t n;
    unsigned lineno = 0;
    int rc = 0;
    errno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        int binary = (size_t)n != strlen(line);   /* an embedded NUL */
        for (char *p = line; *p && !binary; p++)
            binary = !isprint((unsigned char)*p) && !isspace((unsigned char)*p);
        if (binary) {
            snprintf(err, errlen, "%s:%u: not a text config file", path, lineno);
            rc = -1;
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = 0;
        char *s = trim(line);
        if (!*s)
            continue;
        if (vm_config_set_pair(c, s, msg, sizeof msg)) {
            snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
            rc = -1;
            break;
        }
    }
    if (!rc && ferror(f)) {   /* e.g. a directory: fopen succeeds, reading does not */
        snprintf(err, errlen, "%s: cannot read config file: %s", path, strerror(errno ? errno : EIO));
        rc = -1;
    }
    free(line);
    fclose(f);
    return rc;
}

int vm_config_check(const struct vm_config *c, char *err, size_t errlen)
{
    struct vm_hwcfg hw;
    vm_config_hw(c, &hw);
    return vm_hwcfg_check(&hw, err, errlen);
}

void vm_config_hw(const struct vm_config *c, struct vm_hwcfg *hw)
{
    memset(hw, 0, sizeof *hw);
    hw->cores = c->cores;
    hw->tlb_entries = c->tlb_entries;
    hw->tlb_ways = c->tlb_ways;
    hw->tlb_repl = c->tlb_repl;
    hw->mem_latency = c->mem_latency;
    hw->mem_bytes = c->mem_size;
    hw->mem_row = c->mem_row;
    hw->mem_banks = c->mem_banks;
    hw->mem_row_size = c->mem_row_size;
    hw->mem_row_hit = c->mem_row_hit;
    hw->mem_row_miss = c->mem_row_miss;
    hw->l1_size = c->l1_size;
    hw->l1_ways = c->l1_ways;
    hw->l1_line = c->l1_line;
    hw->l1_repl = c->l1_repl;
}

void vm_config_get(const struct vm_config *c, const char *key, char *buf, size_t len)
{
    const struct key *k = find_key(key);
    if (k)
        k->show(c, buf, len);
    else if (len)
        buf[0] = 0;
}

void vm_config_write_json(const struct vm_config *c, FILE *f)
{
    char v[64];
    for (size_t i = 0; i < NKEYS; i++) {
        kKeys[i].show(c, v, sizeof v);
        fprintf(f, "%s\"%s\": %s%s%s", i ? ", " : "", kKeys[i].name, kKeys[i].quoted ? "\"" : "", v,
                kKeys[i].quoted ? "\"" : "");
    }
}

void vm_print_wrapped(FILE *f, unsigned col, unsigned width, const char *text)
{
    for (unsigned at = col, first = 1; *text; first = 0) {
        size_t word = strcspn(text, " ");
        if (!first && at + 1 + word > width) {
            fprintf(f, "\n%*s", (int)col, "");
            at = col;
            first = 1;
        }
        fprintf(f, "%s%.*s", first ? "" : " ", (int)word, text);
        at += (first ? 0 : 1) + (unsigned)word;
        text += word;
        text += strspn(text, " ");
    }
    fprintf(f, "\n");
}

void vm_config_list(FILE *f)
{
    fprintf(f, "  %-16s %-10s %s\n", "key", "default", "allowed values: meaning");
    for (size_t i = 0; i < NKEYS; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s: %s", kKeys[i].allowed, kKeys[i].help);
        fprintf(f, "  %-16s %-10s ", kKeys[i].name, kKeys[i].def);
        vm_print_wrapped(f, 30, 110, text);
    }
}
