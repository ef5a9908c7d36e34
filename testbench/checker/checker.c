/* SPDX-License-Identifier: MIT */
/* Lockstep checker: first difference = failure, with a field-level report, the last 32 events
 * of each side, the seed and a replay command with an FST window around the failing cycle. */
#include <vmcosim/checker.h>

#include <stddef.h>

_Static_assert(sizeof(struct vm_obs) % 8 == 0 && offsetof(struct vm_obs, bus_done_line) % 8 == 0 &&
               offsetof(struct vm_obs, bus_grant_line) > offsetof(struct vm_obs, bus_done_line),
               "vm_obs is compared as 8-byte words, the lines last");

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

/* Every observable field, so a difference is named and printed the same way everywhere: the fields of
 * each core ("core1.resp_rdata"), then the bus and DMA fields. */
struct field {
    char name[32];
    size_t offset, size;
};
struct core_field {
    const char *name;
    size_t offset, size;
};
#define C(name) {#name, offsetof(struct vm_core_obs, name), sizeof(((struct vm_core_obs *)0)->name)}
static const struct core_field kCoreFields[] = {
    C(req_ready),     C(resp_valid),    C(resp_fault),    C(resp_cause),  C(resp_rdata),
    C(resp_tval),     C(csr_rdata),     C(mem_req_valid), C(mem_req_ready), C(mem_req_cont), C(mem_req_op),
    C(mem_req_strb),  C(mem_req_addr),  C(mem_req_wdata), C(mem_req_cmp), C(mem_resp_valid), C(mem_resp_rdata),
    C(fill_valid),    C(fill_level),    C(fill_perm),     C(fill_index),  C(fill_asid),
    C(fill_vpn),      C(fill_ppn),      C(inval_mask),
    C(l1_chg_valid),  C(l1_chg_old),    C(l1_chg_new),    C(l1_chg_index), C(l1_chg_addr),
};
#undef C
#define F(name) {#name, offsetof(struct vm_obs, name), sizeof(((struct vm_obs *)0)->name)}
#define L(name, k) {#name "[" #k "]", offsetof(struct vm_obs, name[k]), 8}
static const struct field kBusFields[] = {
    F(dma_ready),     F(dma_done),      F(buf_rdata),     F(bus_grant_master),
    F(bus_grant_valid), F(bus_grant_type), F(bus_mem_write), F(bus_done_valid), F(bus_done_shared),
    F(bus_mem_row_hit), F(bus_mem_row_miss),
    F(bus_grant_addr), F(bus_done_word),
    L(bus_done_line, 0), L(bus_done_line, 1), L(bus_done_line, 2), L(bus_done_line, 3),
    L(bus_done_line, 4), L(bus_done_line, 5), L(bus_done_line, 6), L(bus_done_line, 7),
    L(bus_grant_line, 0), L(bus_grant_line, 1), L(bus_grant_line, 2), L(bus_grant_line, 3),
    L(bus_grant_line, 4), L(bus_grant_line, 5), L(bus_grant_line, 6), L(bus_grant_line, 7),
};
#undef F
#undef L
#define NCORE_FIELDS (sizeof kCoreFields / sizeof kCoreFields[0])
#define NFIELDS (VM_MAX_CORES * NCORE_FIELDS + sizeof kBusFields / sizeof kBusFields[0])
static struct field kFields[NFIELDS];

/* Builds the flat table once (idempotent: every call writes the same values). */
static void init_fields(void)
{
    size_t n = 0;
    for (unsigned c = 0; c < VM_MAX_CORES; c++) {
        for (size_t i = 0; i < NCORE_FIELDS; i++, n++) {
            snprintf(kFields[n].name, sizeof kFields[n].name, "core%u.%s", c, kCoreFields[i].name);
            kFields[n].offset = offsetof(struct vm_obs, core[0]) + c * sizeof(struct vm_core_obs) +
                                kCoreFields[i].offset;
            kFields[n].size = kCoreFields[i].size;
        }
    }
    for (size_t i = 0; i < sizeof kBusFields / sizeof kBusFields[0]; i++, n++)
        kFields[n] = kBusFields[i];
}

/* A bus line is observable only with its flag (port.h); every other field always. */
static bool field_live(const struct vm_obs *o, const struct field *f)
{
    if (f->offset >= offsetof(struct vm_obs, bus_grant_line))
        return o->bus_mem_write;
    if (f->offset >= offsetof(struct vm_obs, bus_done_line))
        return o->bus_done_valid;
    return true;
}

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
    init_fields();
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
    for (unsigned c = 0; c < VM_MAX_CORES; c++) {
        const struct vm_core_obs *k = &o->core[c];
        if (k->resp_valid || k->mem_req_valid || k->mem_resp_valid || k->fill_valid || k->inval_mask ||
            k->l1_chg_valid)
            return true;
    }
    return o->bus_grant_valid || o->bus_done_valid;
}

static void remember(struct history *h, uint64_t cycle, const struct vm_obs *o)
{
    h->ev[h->next].cycle = cycle;
    h->ev[h->next].obs = *o;
    h->next = (h->next + 1) % HISTORY;
    if (h->count < HISTORY)
        h->count++;
}

static int format_core(const struct vm_core_obs *o, unsigned core, char *buf, size_t len)
{
    bool active = o->resp_valid || o->mem_req_valid || o->mem_resp_valid || o->fill_valid || o->inval_mask ||
                  o->l1_chg_valid;
    if (core > 0 && !active)
        return 0;
    int n = snprintf(buf, len, "%s[core%u] ready=%u", core ? " " : "", core, o->req_ready);
    if (o->resp_valid && o->resp_fault && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " RESP fault cause=%u tval=%#" PRIx64, o->resp_cause,
                      o->resp_tval);
    else if (o->resp_valid && (size_t)n < len)
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
        n += snprintf(buf + n, len - (size_t)n, " L1 line %u (%#" PRIx64 ") %c->%c", o->l1_chg_index,
                      o->l1_chg_addr, "ISEM"[o->l1_chg_old & 3], "ISEM"[o->l1_chg_new & 3]);
    return (size_t)n < len ? n : (int)len - 1;
}

void vm_obs_format(const struct vm_obs *o, char *buf, size_t len)
{
    int n = 0;
    buf[0] = 0;
    for (unsigned c = 0; c < VM_MAX_CORES && (size_t)n < len; c++)
        n += format_core(&o->core[c], c, buf + n, len - (size_t)n);
    if (o->bus_grant_valid && (size_t)n < len)
        n += snprintf(buf + n, len - (size_t)n, " BUS grant master %u %s addr=%#" PRIx64 "%s%s%s", o->bus_grant_master,
                      (const char *[]){"BusRd", "BusRdX", "BusUpgr", "WriteBack", "RdNA", "RMW", "WLI", "?"}[o->bus_grant_type & 7],
                      o->bus_grant_addr, o->bus_mem_write ? " (memory written)" : "",
                      o->bus_mem_row_hit ? " row hit" : "", o->bus_mem_row_miss ? " row miss" : "");
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
    _Static_assert(sizeof c->field > sizeof f->name, "field names fit");
    memcpy(c->field, f->name, sizeof f->name);
    size_t at = append(c->report, 0,
                       "LOCKSTEP MISMATCH at cycle %" PRIu64 ": field %s: expected (model) %#" PRIx64
                       ", got (RTL) %#" PRIx64 "\n", cycle, f->name, field_value(expected, f),
                       field_value(got, f));
    for (size_t i = 0; i < NFIELDS; i++) {
        const struct field *o = &kFields[i];
        if (o != f && field_live(expected, o) && field_value(expected, o) != field_value(got, o))
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
    /* Both sides zero their records (padding included), so equal records compare equal word by word; the
     * lines (last in the record) count only with their flags, which the words before them hold. */
    uint64_t diff = 0;
    const uint64_t *ew = (const uint64_t *)expected, *gw = (const uint64_t *)got;
    for (size_t i = 0; i < offsetof(struct vm_obs, bus_done_line) / 8; i++)
        diff |= ew[i] ^ gw[i];
    for (size_t i = 0; !diff && got->bus_done_valid && i < 8; i++)
        diff |= expected->bus_done_line[i] ^ got->bus_done_line[i];
    for (size_t i = 0; !diff && got->bus_mem_write && i < 8; i++)
        diff |= expected->bus_grant_line[i] ^ got->bus_grant_line[i];
    if (diff) {
        for (size_t i = 0; i < NFIELDS; i++) {
            if (field_live(expected, &kFields[i]) &&
                field_value(expected, &kFields[i]) != field_value(got, &kFields[i])) {
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
