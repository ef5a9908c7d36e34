/* Lockstep checker (GUIDE §3): first difference = failure, with a field-level report, the last 32 events
 * of each side, the seed and a replay command with an FST window around the failing cycle. */
#include <vmcosim/checker.h>

_Static_assert(sizeof(struct vm_obs) % 8 == 0, "vm_obs is compared as 8-byte words");

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HISTORY 32
#define WINDOW 200   /* cycles of waves before and after the failure in the replay command */
#define REPORT_MAX 16384

struct event {
    uint64_t cycle;
    struct vm_obs obs;
};

struct history {
    struct event ev[HISTORY];
    unsigned next, count;
};

struct vm_checker {
    uint64_t seed;
    char *replay_cmd;
    uint64_t checked, mismatches;
    bool failed;
    struct history expected, got;
    char field[64];
    char report[REPORT_MAX];
};

/* Every observable field, so a difference is named and printed the same way everywhere. */
struct field {
    const char *name;
    size_t offset, size;
};
#define F(name) {#name, offsetof(struct vm_obs, name), sizeof(((struct vm_obs *)0)->name)}
static const struct field kFields[] = {
    F(req_ready),     F(resp_valid),    F(resp_fault),    F(resp_cause),  F(resp_rdata),
    F(resp_tval),     F(csr_rdata),     F(mem_req_valid), F(mem_req_ready), F(mem_req_cont), F(mem_req_op),  F(mem_req_strb),
    F(mem_req_addr),  F(mem_req_wdata), F(mem_req_cmp),   F(mem_resp_valid), F(mem_resp_rdata),
    F(fill_valid),    F(fill_level),    F(fill_perm),     F(fill_index),  F(fill_asid),
    F(fill_vpn),      F(fill_ppn),      F(inval_mask),
    F(l1_chg_valid),  F(l1_chg_old),    F(l1_chg_new),    F(l1_chg_index),
    F(dma_ready),     F(dma_done),      F(buf_rdata),     F(bus_grant_master),
    F(bus_grant_valid), F(bus_grant_type), F(bus_mem_write), F(bus_done_valid), F(bus_done_shared),
    F(bus_grant_addr), F(bus_done_word),
    {"bus_done_line[0]", offsetof(struct vm_obs, bus_done_line[0]), 8},
    {"bus_done_line[1]", offsetof(struct vm_obs, bus_done_line[1]), 8},
    {"bus_done_line[2]", offsetof(struct vm_obs, bus_done_line[2]), 8},
    {"bus_done_line[3]", offsetof(struct vm_obs, bus_done_line[3]), 8},
    {"bus_done_line[4]", offsetof(struct vm_obs, bus_done_line[4]), 8},
    {"bus_done_line[5]", offsetof(struct vm_obs, bus_done_line[5]), 8},
    {"bus_done_line[6]", offsetof(struct vm_obs, bus_done_line[6]), 8},
    {"bus_done_line[7]", offsetof(struct vm_obs, bus_done_line[7]), 8},
    {"bus_grant_line[0]", offsetof(struct vm_obs, bus_grant_line[0]), 8},
    {"bus_grant_line[1]", offsetof(struct vm_obs, bus_grant_line[1]), 8},
    {"bus_grant_line[2]", offsetof(struct vm_obs, bus_grant_line[2]), 8},
    {"bus_grant_line[3]", offsetof(struct vm_obs, bus_grant_line[3]), 8},
    {"bus_grant_line[4]", offsetof(struct vm_obs, bus_grant_line[4]), 8},
    {"bus_grant_line[5]", offsetof(struct vm_obs, bus_grant_line[5]), 8},
    {"bus_grant_line[6]", offsetof(struct vm_obs, bus_grant_line[6]), 8},
    {"bus_grant_line[7]", offsetof(struct vm_obs, bus_grant_line[7]), 8},
};
#undef F

static uint64_t field_value(const struct vm_obs *o, const struct field *f)
{
    uint64_t v = 0;
    memcpy(&v, (const char *)o + f->offset, f->size); /* little-endian host */
    return v;
}

struct vm_checker *vm_checker_new(uint64_t seed, const char *replay_cmd)
{
    struct vm_checker *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->seed = seed;
    if (replay_cmd) {
        size_t n = strlen(replay_cmd) + 1;
        if (!(c->replay_cmd = malloc(n))) {
            free(c);
            return NULL;
        }
        memcpy(c->replay_cmd, replay_cmd, n);
    }
    return c;
}

void vm_checker_free(struct vm_checker *c)
{
    if (!c)
        return;
    free(c->replay_cmd);
    free(c);
}

static bool is_event(const struct vm_obs *o)
{
    return o->resp_valid || o->mem_req_valid || o->mem_resp_valid || o->fill_valid || o->inval_mask ||
           o->l1_chg_valid || o->bus_grant_valid || o->bus_done_valid;
}

static void remember(struct history *h, uint64_t cycle, const struct vm_obs *o)
{
    h->ev[h->next].cycle = cycle;
    h->ev[h->next].obs = *o;
    h->next = (h->next + 1) % HISTORY;
    if (h->count < HISTORY)
        h->count++;
}

void vm_obs_format(const struct vm_obs *o, char *buf, size_t len)
{
    int n = snprintf(buf, len, "ready=%u", o->req_ready);
    if (o->resp_valid && o->resp_fault)
        n += snprintf(buf + n, len - (size_t)n, " RESP fault cause=%u tval=%#" PRIx64, o->resp_cause,
                      o->resp_tval);
    else if (o->resp_valid)
        n += snprintf(buf + n, len - (size_t)n, " RESP rdata=%#" PRIx64, o->resp_rdata);
    if (o->mem_req_valid && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " MEMREQ op=%u addr=%#" PRIx64 " strb=%#x wdata=%#" PRIx64
                      " cmp=%#" PRIx64, o->mem_req_op, o->mem_req_addr, o->mem_req_strb, o->mem_req_wdata,
                      o->mem_req_cmp);
    if (o->mem_resp_valid && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " MEMRESP rdata=%#" PRIx64, o->mem_resp_rdata);
    if (o->fill_valid && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " FILL idx=%u vpn=%#x lvl=%u asid=%u ppn=%#" PRIx64 " perm=%#x",
                      o->fill_index, o->fill_vpn, o->fill_level, o->fill_asid, o->fill_ppn, o->fill_perm);
    if (o->inval_mask && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " INVAL mask=%#" PRIx64, o->inval_mask);
    if (o->l1_chg_valid && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " L1 line %u %c->%c", o->l1_chg_index, "ISEM"[o->l1_chg_old & 3],
                      "ISEM"[o->l1_chg_new & 3]);
    if (o->bus_grant_valid && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " BUS grant %s%s addr=%#" PRIx64 "%s", o->bus_grant_master ? "DMA " : "",
                      (const char *[]){"BusRd", "BusRdX", "BusUpgr", "WriteBack", "RdNA", "RMW", "WLI", "?"}[o->bus_grant_type & 7],
                      o->bus_grant_addr, o->bus_mem_write ? " (memory written)" : "");
    if (o->bus_done_valid && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " BUS done%s line[0]=%#" PRIx64, o->bus_done_shared ? " shared" : "",
                 o->bus_done_line[0]);
}

static size_t append(char *buf, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static size_t append(char *buf, size_t at, const char *fmt, ...)
{
    if (at >= REPORT_MAX - 1)
        return at;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + at, REPORT_MAX - at, fmt, ap);
    va_end(ap);
    if (n < 0)
        return at;
    at += (size_t)n;
    return at < REPORT_MAX ? at : REPORT_MAX - 1;
}

static size_t append_history(char *buf, size_t at, const char *side, const struct history *h)
{
    char line[512];
    at = append(buf, at, "last %u events of the %s:\n", h->count, side);
    for (unsigned i = 0; i < h->count; i++) {
        const struct event *e = &h->ev[(h->next + HISTORY - h->count + i) % HISTORY];
        vm_obs_format(&e->obs, line, sizeof line);
        at = append(buf, at, "  cycle %" PRIu64 ": %s\n", e->cycle, line);
    }
    return at;
}

static size_t append_replay(struct vm_checker *c, size_t at, uint64_t cycle)
{
    if (!c->replay_cmd)
        return append(c->report, at, "seed: %" PRIu64 "\n", c->seed);
    uint64_t from = cycle > WINDOW ? cycle - WINDOW : 0;
    return append(c->report, at, "seed: %" PRIu64 "\nreplay: %s --waves mismatch.fst --waves-from %" PRIu64
                  " --waves-to %" PRIu64 "\n", c->seed, c->replay_cmd, from, cycle + WINDOW);
}

static void fail(struct vm_checker *c, uint64_t cycle, const struct field *f, const struct vm_obs *expected,
                 const struct vm_obs *got)
{
    c->failed = true;
    c->mismatches++;
    snprintf(c->field, sizeof c->field, "%s", f->name);
    size_t at = append(c->report, 0,
                       "LOCKSTEP MISMATCH at cycle %" PRIu64 ": field %s: expected (model) %#" PRIx64
                       ", got (RTL) %#" PRIx64 "\n", cycle, f->name, field_value(expected, f),
                       field_value(got, f));
    for (size_t i = 0; i < sizeof kFields / sizeof kFields[0]; i++) {
        const struct field *o = &kFields[i];
        if (o != f && field_value(expected, o) != field_value(got, o))
            at = append(c->report, at, "  also differs: %s expected %#" PRIx64 " got %#" PRIx64 "\n", o->name,
                        field_value(expected, o), field_value(got, o));
    }
    remember(&c->expected, cycle, expected);
    remember(&c->got, cycle, got);
    at = append_history(c->report, at, "model (expected)", &c->expected);
    at = append_history(c->report, at, "RTL (got)", &c->got);
    append_replay(c, at, cycle);
}

int vm_checker_step(struct vm_checker *c, uint64_t cycle, const struct vm_obs *expected,
                    const struct vm_obs *got)
{
    if (c->failed)
        return -1;
    /* Both sides zero their records (padding included), so equal records compare equal word by word. */
    uint64_t diff = 0;
    const uint64_t *ew = (const uint64_t *)expected, *gw = (const uint64_t *)got;
    for (size_t i = 0; i < sizeof *got / 8; i++)
        diff |= ew[i] ^ gw[i];
    if (diff) {
        for (size_t i = 0; i < sizeof kFields / sizeof kFields[0]; i++) {
            if (field_value(expected, &kFields[i]) != field_value(got, &kFields[i])) {
                fail(c, cycle, &kFields[i], expected, got);
                return -1;
            }
        }
        /* Only padding differed: not observable, but it means a side forgot to zero its record. */
    }
    c->checked++;
    if (is_event(got)) {
        remember(&c->expected, cycle, expected);
        remember(&c->got, cycle, got);
    }
    return 0;
}

static uint64_t fnv1a(const uint64_t *w, uint64_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (uint64_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 1099511628211ull;
    return h;
}

int vm_checker_memory(struct vm_checker *c, uint64_t nwords, const uint64_t *expected, const uint64_t *got)
{
    if (!memcmp(expected, got, nwords * sizeof *got))
        return 0;
    c->failed = true;
    c->mismatches++;
    snprintf(c->field, sizeof c->field, "memory");
    size_t at = append(c->report, 0, "MEMORY IMAGE MISMATCH at end of run: hash expected (model) %#" PRIx64
                       ", got (RTL) %#" PRIx64 "\n", fnv1a(expected, nwords), fnv1a(got, nwords));
    for (uint64_t i = 0; i < nwords; i++) {
        if (expected[i] != got[i]) {
            at = append(c->report, at, "first differing word: physical address %#" PRIx64 ": expected %#"
                        PRIx64 ", got %#" PRIx64 "\n", i * 8, expected[i], got[i]);
            break;
        }
    }
    append(c->report, at, "seed: %" PRIu64 "\n%s%s\n", c->seed, c->replay_cmd ? "replay: " : "",
           c->replay_cmd ? c->replay_cmd : "");
    return -1;
}

uint64_t vm_checker_cycles_checked(const struct vm_checker *c) { return c->checked; }
uint64_t vm_checker_mismatches(const struct vm_checker *c) { return c->mismatches; }
const char *vm_checker_field(const struct vm_checker *c) { return c->field; }
const char *vm_checker_report(const struct vm_checker *c) { return c->report; }
