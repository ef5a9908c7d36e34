/* SPDX-License-Identifier: MIT */
/* Run statistics: summary table, JSON and CSV (the keys README documents). */
#define _POSIX_C_SOURCE 200809L
#include "stats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "firmware/kernel.h"
#include <vmcosim/contract.h>

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : 0.0; }

/* Length of the UTF-8 sequence at s (1..4), or 0 when it is not a valid one. */
static unsigned utf8_len(const unsigned char *s)
{
    unsigned n = s[0] < 0x80 ? 1 : (s[0] & 0xE0) == 0xC0 && s[0] >= 0xC2 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3
               : (s[0] & 0xF8) == 0xF0 && s[0] <= 0xF4 ? 4 : 0;
    for (unsigned i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (n == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0;   /* overlong, or a UTF-16 surrogate */
    if (n == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;   /* overlong, or past U+10FFFF */
    return n;
}

void vm_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        unsigned n = utf8_len(p);
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7F || !n)
            fprintf(f, "\\u%04x", *p);   /* a control character, or a byte that is not UTF-8 */
        else
            fwrite(p, 1, n, f);
        p += n ? n : 1;
    }
    fputc('"', f);
}

/* The traces' accesses replayed and in all, summed. Returns the number of traces. */
static unsigned trace_totals(const struct vm_workload *wl, uint64_t *done, uint64_t *total)
{
    struct vm_workload_trace t[VM_MAX_TRACES];
    unsigned n = vm_workload_traces(wl, t, VM_MAX_TRACES);
    *done = *total = 0;
    for (unsigned i = 0; i < n && i < VM_MAX_TRACES; i++) {
        *done += t[i].accesses_replayed;
        *total += t[i].accesses_total;
    }
    return n;
}

void vm_stats_describe_end(char *buf, size_t len, const struct vm_run_stats *s)
{
    uint64_t done, total;
    unsigned ntraces = trace_totals(s->wl, &done, &total);
    int n = 0;
    switch (s->run->end) {
    case VM_RUN_COMPLETE:
        n = snprintf(buf, len, "complete");
        break;
    case VM_RUN_BUDGET:
        n = snprintf(buf, len, "budget: stopped at the cycle budget of %" PRIu64 " (--max-cycles)", s->max_cycles);
        break;
    case VM_RUN_INTERRUPTED:
        n = snprintf(buf, len, "interrupted%s at cycle %" PRIu64,
                     s->signal == 2 ? " by SIGINT" : s->signal == 15 ? " by SIGTERM" : "", s->run->cycles);
        break;
    case VM_RUN_MISMATCH:
        n = snprintf(buf, len, "mismatch: the checker stopped the run at cycle %" PRIu64, s->run->cycles);
        break;
    }
    if (n < 0 || (size_t)n >= len)
        return;
    if (ntraces && s->run->end != VM_RUN_COMPLETE)
        snprintf(buf + n, len - (size_t)n, "; %" PRIu64 " of %" PRIu64 " trace accesses replayed (%.1f %%)", done,
                 total, 100.0 * ratio(done, total));
    else if (s->run->end == VM_RUN_BUDGET && !vm_workload_finite(s->wl))
        snprintf(buf + n, len - (size_t)n, "; the workload is open-ended (NAME:ROUNDS runs a fixed amount)");
    else if (s->run->end != VM_RUN_COMPLETE && vm_workload_finite(s->wl))
        snprintf(buf + n, len - (size_t)n, "; the workload had not finished");
}

/* "97.50 %" of hits among `total` with `misses`, or "-" when there was nothing to hit. */
static const char *hit_rate(char *buf, size_t len, uint64_t misses, uint64_t total)
{
    if (!total)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.2f %%", 100.0 * (1.0 - ratio(misses, total)));
    return buf;
}

static const struct { unsigned cause; const char *name; } kCauses[] = {
    {VM_CAUSE_FETCH_MISALIGNED, "fetch_misaligned"}, {VM_CAUSE_FETCH_ACCESS, "fetch_access"},
    {VM_CAUSE_LOAD_MISALIGNED, "load_misaligned"},   {VM_CAUSE_LOAD_ACCESS, "load_access"},
    {VM_CAUSE_STORE_MISALIGNED, "store_misaligned"}, {VM_CAUSE_STORE_ACCESS, "store_access"},
    {VM_CAUSE_FETCH_PAGE_FAULT, "fetch_page_fault"}, {VM_CAUSE_LOAD_PAGE_FAULT, "load_page_fault"},
    {VM_CAUSE_STORE_PAGE_FAULT, "store_page_fault"},
};
#define NCAUSES (sizeof kCauses / sizeof kCauses[0])

/* Per-core TLB and L1 figures, one line each (several cores). */
static void print_cores(FILE *f, const struct vm_config *cfg, const struct vm_run_stats *s)
{
    for (unsigned c = 0; c < s->run->cores; c++) {
        const struct vm_core_counters *k = &s->run->core[c];
        char tlb[16], l1[16];
        fprintf(f, "  core %u            %12" PRIu64 "   requests, TLB hit rate %s, %" PRIu64 " walks (%.2f cycles/walk)",
                c, vm_workload_core_stats(s->wl, c)->requests, hit_rate(tlb, sizeof tlb, k->tlb_misses, k->tlb_lookups),
                k->ptw_walks, ratio(k->ptw_walk_cycles, k->ptw_walks));
        if (cfg->l1_size)
            fprintf(f, ", L1 hit rate %s (%" PRIu64 " misses, %" PRIu64 " write-backs, %" PRIu64 " snoop hits)",
                    hit_rate(l1, sizeof l1, k->l1_misses, k->l1_accesses), k->l1_misses, k->l1_writebacks,
                    k->l1_snoop_hits);
        fprintf(f, "\n");
    }
}

/* The figures read through the CSR ports at the end of the run, and the bus figures. */
static void print_counters(FILE *f, const struct vm_config *cfg, const struct vm_run_stats *s)
{
    const struct vm_workload_stats *ws = vm_workload_stats(s->wl);
    fprintf(f, "  requests          %12" PRIu64 "   loads %" PRIu64 ", stores %" PRIu64 "\n",
            ws->requests, s->run->total.loads, s->run->total.stores);
    char rate[16];
    fprintf(f, "  TLB lookups       %12" PRIu64 "   hit rate %s\n", s->run->total.tlb_lookups,
            hit_rate(rate, sizeof rate, s->run->total.tlb_misses, s->run->total.tlb_lookups));
    fprintf(f, "  page-table walks  %12" PRIu64 "   %.2f cycles/walk, %.2f PTE reads/walk\n", s->run->total.ptw_walks,
            ratio(s->run->total.ptw_walk_cycles, s->run->total.ptw_walks), ratio(s->run->total.ptw_pte_reads, s->run->total.ptw_walks));
    if (cfg->l1_size) {
        fprintf(f, "  L1 accesses       %12" PRIu64 "   hit rate %s (hits in M %" PRIu64 ", E %" PRIu64 ", S %" PRIu64
                "), %" PRIu64 " misses, %" PRIu64 " write-backs, %" PRIu64 " snoop hits\n",
                s->run->total.l1_accesses, hit_rate(rate, sizeof rate, s->run->total.l1_misses, s->run->total.l1_accesses), s->run->total.l1_hits[2],
                s->run->total.l1_hits[1], s->run->total.l1_hits[0], s->run->total.l1_misses, s->run->total.l1_writebacks, s->run->total.l1_snoop_hits);
        uint64_t total = 0;
        for (unsigned i = 0; i < 7; i++)
            total += s->run->bus[i];
        fprintf(f, "  bus               %12" PRIu64 "   BusRd %" PRIu64 ", BusRdX %" PRIu64 ", BusUpgr %" PRIu64
                ", WriteBack %" PRIu64 ", walker reads %" PRIu64 ", RMW %" PRIu64 "\n", total,
                s->run->bus[VM_BUS_RD], s->run->bus[VM_BUS_RDX], s->run->bus[VM_BUS_UPGR], s->run->bus[VM_BUS_WB],
                s->run->walker_bus_reads, s->run->bus[VM_BUS_RMW]);
        fprintf(f, "  page DMA          %12" PRIu64 "   commands, %" PRIu64 " bytes read, %" PRIu64 " bytes written\n",
                ws->dma_commands, s->run->dma_lines_read * cfg->l1_line,
                s->run->dma_lines_written * cfg->l1_line);
        if (cfg->mem_row == VM_MEMROW_OPEN)
            fprintf(f, "  memory rows       %12" PRIu64 "   accesses, row hits %" PRIu64 ", misses %" PRIu64
                    " (hit rate %.2f %%)\n", s->run->mem_row_hits + s->run->mem_row_misses, s->run->mem_row_hits,
                    s->run->mem_row_misses,
                    100.0 * ratio(s->run->mem_row_hits, s->run->mem_row_hits + s->run->mem_row_misses));
    }
    if (s->run->cores > 1)
        print_cores(f, cfg, s);
}

void vm_stats_print_summary(FILE *f, const struct vm_config *cfg, const char *workload, const char *engine,
                            uint64_t seed, const struct vm_run_stats *s)
{
    const struct vm_workload_stats *ws = vm_workload_stats(s->wl);
    char mode[16], repl[16];
    vm_config_get(cfg, "vm.mode", mode, sizeof mode);
    vm_config_get(cfg, "tlb.repl", repl, sizeof repl);
    char timing[96];
    if (cfg->mem_row == VM_MEMROW_OPEN)
        snprintf(timing, sizeof timing, "mem open-row %u banks x %u-byte rows, hit %u / miss %u", cfg->mem_banks,
                 cfg->mem_row_size, cfg->mem_row_hit, cfg->mem_row_miss);
    else
        snprintf(timing, sizeof timing, "mem latency %u", cfg->mem_latency);
    char reset[40] = "";
    if (strcmp(engine, "model"))   /* the RTL's undefined initial state */
        snprintf(reset, sizeof reset, ", reset seed %" PRIu64, s->reset_seed);
    fprintf(f, "vmcosim %s: workload %s, seed %" PRIu64 "%s, %u core%s, %s, TLB %ux%u %s, %s\n", engine,
            workload, seed, reset, cfg->cores, cfg->cores > 1 ? "s" : "", mode, cfg->tlb_entries, cfg->tlb_ways,
            repl, timing);
    char end[256];
    vm_stats_describe_end(end, sizeof end, s);
    fprintf(f, "  ended             %s\n", end);
    fprintf(f, "  cycles            %12" PRIu64 "   (%.2f M cycles/s)\n", s->run->cycles,
            s->run->seconds > 0 ? (double)s->run->cycles / s->run->seconds / 1e6 : 0.0);
    if (!s->run->counters_read) {
        /* The perf counters are read through the CSR ports after the run; a mismatch stops it before. */
        fprintf(f, "  requests          %12" PRIu64 "   accepted by the ports up to the failing cycle: loads %" PRIu64
                ", stores %" PRIu64 "\n", ws->requests, ws->by_op[VM_OP_LOAD], ws->by_op[VM_OP_STORE]);
        fprintf(f, "  perf counters       not read: the run stopped before the end-of-run CSR reads (TLB, walker and "
                "L1 figures unknown)\n");
    } else {
        print_counters(f, cfg, s);
    }
    fprintf(f, "  faults            %12" PRIu64, ws->faults);
    const char *sep = "   ";
    for (unsigned i = 0; i < NCAUSES; i++) {
        uint64_t n = ws->by_cause[kCauses[i].cause];
        if (n) {
            fprintf(f, "%s%s %" PRIu64, sep, kCauses[i].name, n);
            sep = ", ";
        }
    }
    fprintf(f, "\n  sfence.vma        %12" PRIu64 "   satp writes %" PRIu64 "\n", ws->sfences,
            ws->satp_writes);
    struct vm_vm_stats v;
    vm_workload_vm_stats(s->wl, &v);
    if (v.has_kernel) {
        fprintf(f, "  kernel: faults    %12" PRIu64 "   page faults (zero fills %" PRIu64 ", major/swap-in %" PRIu64
                "), COW %" PRIu64 ", A/D %" PRIu64 "\n", v.page_faults, v.zero_fills, v.major_faults, v.cow_faults,
                v.ad_faults);
        fprintf(f, "  kernel: evictions %12" PRIu64 "   swap outs %" PRIu64 ", swap ins %" PRIu64 ", OOM kills %" PRIu64
                ", segfaults %" PRIu64 ", shootdowns %" PRIu64 ", free frames %" PRIu64 "\n", v.evictions, v.swap_outs,
                v.swap_ins, v.oom_kills, v.segfaults, v.shootdowns, v.free_frames);
        if (v.pff_windows)
            fprintf(f, "  kernel: thrashing %12" PRIu64 "   of %" PRIu64 " windows of %d accesses above %d faults per 1000; "
                    "highest %" PRIu64 " per 1000, largest working set %" PRIu64 " pages\n", v.thrashing_windows,
                    v.pff_windows, FW_PFF_WINDOW, FW_PFF_THRASH, v.pff_max, v.ws_max);
    }
    if (!strcmp(engine, "lockstep"))
        fprintf(f, "  lockstep          %12" PRIu64 "   cycles checked, %" PRIu64 " mismatches\n",
                s->run->cycles_checked, s->run->mismatches);
}

/* `sep"key": value`, the value null when the counters were not read (the run stopped before the CSR reads). */
static void put_counter(FILE *f, const char *sep, const char *key, uint64_t v, bool read)
{
    if (read)
        fprintf(f, "%s\"%s\": %" PRIu64, sep, key, v);
    else
        fprintf(f, "%s\"%s\": null", sep, key);
}

static void write_json(FILE *f, const struct vm_config *cfg, const char *workload, const char *engine,
                       uint64_t seed, const struct vm_run_stats *s)
{
    const struct vm_workload_stats *ws = vm_workload_stats(s->wl);
    fprintf(f, "{\n  \"cycles\": %" PRIu64 ",\n  \"config\": {", s->run->cycles);
    vm_config_write_json(cfg, f);
    fprintf(f, "},\n  \"seed\": %" PRIu64 ",\n  \"reset_seed\": %" PRIu64 ",\n  \"engine\": ", seed, s->reset_seed);
    vm_json_string(f, engine);
    fprintf(f, ",\n  \"workload\": ");
    vm_json_string(f, workload);
    fprintf(f, ",\n  \"end\": \"%s\",\n  \"max_cycles\": ", vm_run_end_name(s->run->end));
    if (s->max_cycles == UINT64_MAX)
        fprintf(f, "null");
    else
        fprintf(f, "%" PRIu64, s->max_cycles);
    fprintf(f, ",\n  \"counters_read\": %s,\n  \"traces\": [", s->run->counters_read ? "true" : "false");
    struct vm_workload_trace tr[VM_MAX_TRACES];
    unsigned ntr = vm_workload_traces(s->wl, tr, VM_MAX_TRACES);
    for (unsigned i = 0; i < ntr && i < VM_MAX_TRACES; i++) {
        fprintf(f, "%s\n    {\"path\": ", i ? "," : "");
        vm_json_string(f, tr[i].path);
        fprintf(f, ", \"accesses_replayed\": %" PRIu64 ", \"accesses_total\": %" PRIu64 ", \"pages\": %" PRIu64 "}",
                tr[i].accesses_replayed, tr[i].accesses_total, tr[i].pages);
    }
    fprintf(f, "%s],\n  \"cores\": [", ntr ? "\n  " : "");
    for (unsigned c = 0; c < s->run->cores; c++) {
        const struct vm_core_counters *k = &s->run->core[c];
        const struct vm_workload_stats *cs = vm_workload_core_stats(s->wl, c);
        bool rd = s->run->counters_read;
        fprintf(f, "%s\n    {", c ? "," : "");
        put_counter(f, " ", "loads", k->loads, rd);
        put_counter(f, ", ", "stores", k->stores, rd);
        put_counter(f, ",\n      \"tlb\": {", "lookups", k->tlb_lookups, rd);
        put_counter(f, ", ", "misses", k->tlb_misses, rd);
        put_counter(f, "},\n      \"ptw\": {", "walks", k->ptw_walks, rd);
        put_counter(f, ", ", "walk_cycles", k->ptw_walk_cycles, rd);
        put_counter(f, ", ", "pte_reads", k->ptw_pte_reads, rd);
        put_counter(f, "},\n      \"l1\": {", "demand_accesses", k->l1_accesses, rd);
        put_counter(f, ", ", "demand_misses", k->l1_misses, rd);
        put_counter(f, ", ", "writebacks", k->l1_writebacks, rd);
        put_counter(f, ", ", "hits_S", k->l1_hits[0], rd);
        put_counter(f, ", ", "hits_E", k->l1_hits[1], rd);
        put_counter(f, ", ", "hits_M", k->l1_hits[2], rd);
        put_counter(f, ", ", "snoop_hits", k->l1_snoop_hits, rd);
        fprintf(f, "},\n");
        fprintf(f, "      \"requests\": %" PRIu64 ", \"sfences\": %" PRIu64 ", \"satp_writes\": %" PRIu64
                ", \"faults\": {", cs->requests, cs->sfences, cs->satp_writes);
        for (unsigned i = 0; i < NCAUSES; i++)
            fprintf(f, "%s\"%s\": %" PRIu64, i ? ", " : "", kCauses[i].name, cs->by_cause[kCauses[i].cause]);
        fprintf(f, "} }");
    }
    fprintf(f, " ],\n");
    fprintf(f, "  \"bus\": {\"BusRd\": %" PRIu64 ", \"BusRdX\": %" PRIu64 ", \"BusUpgr\": %" PRIu64
            ", \"WriteBack\": %" PRIu64 ", \"RdNA\": %" PRIu64 ", \"RMW\": %" PRIu64 ", \"WLI\": %" PRIu64
            ", \"walker_reads\": %" PRIu64 "},\n",
            s->run->bus[VM_BUS_RD], s->run->bus[VM_BUS_RDX], s->run->bus[VM_BUS_UPGR], s->run->bus[VM_BUS_WB],
            s->run->bus[VM_BUS_RDNA], s->run->bus[VM_BUS_RMW], s->run->bus[VM_BUS_WLI], s->run->walker_bus_reads);
    fprintf(f, "  \"dma\": {\"commands\": %" PRIu64 ", \"bytes_read\": %" PRIu64 ", \"bytes_written\": %" PRIu64
            "},\n", ws->dma_commands, s->run->dma_lines_read * cfg->l1_line,
            s->run->dma_lines_written * cfg->l1_line);
    struct vm_vm_stats v;
    vm_workload_vm_stats(s->wl, &v);
    fprintf(f, "  \"vm\": {\"page_faults\": %" PRIu64 ", \"zero_fills\": %" PRIu64 ", \"major_faults\": %" PRIu64
            ", \"cow_faults\": %" PRIu64 ", \"ad_faults\": %" PRIu64 ", \"swap_outs\": %" PRIu64 ", \"swap_ins\": %" PRIu64
            ", \"evictions\": %" PRIu64 ", \"oom_kills\": %" PRIu64 ", \"segfaults\": %" PRIu64 ", \"shootdowns\": %" PRIu64
            ", \"free_frames\": %" PRIu64 ", \"swap_slots_used\": %" PRIu64 ", \"forks\": %" PRIu64 ", \"kernel\": %s},\n",
            v.page_faults, v.zero_fills, v.major_faults, v.cow_faults, v.ad_faults, v.swap_outs, v.swap_ins,
            v.evictions, v.oom_kills, v.segfaults, v.shootdowns, v.free_frames, v.swap_used, v.forks,
            v.has_kernel ? "true" : "false");
    fprintf(f, "  \"kernel\": {\"cow_copies\": %" PRIu64 ", \"cow_reuses\": %" PRIu64 ", \"file_reads\": %" PRIu64
            ", \"file_writebacks\": %" PRIu64 ", \"fault_around_maps\": %" PRIu64 ", \"asid_wraps\": %" PRIu64 ",\n"
            "    \"buddy\": {\"free_blocks\": [", v.cow_copies, v.cow_reuses, v.file_reads, v.file_writebacks,
            v.fault_around_maps, v.asid_wraps);
    for (unsigned i = 0; i < 11; i++)
        fprintf(f, "%s%" PRIu64, i ? ", " : "", v.buddy_free_blocks[i]);
    fprintf(f, "], \"unusable_index\": [");
    for (unsigned i = 0; i < 11; i++)
        fprintf(f, "%s%d", i ? ", " : "", v.buddy_unusable[i]);
    fprintf(f, "], \"extfrag_index\": [");
    for (unsigned i = 0; i < 11; i++)
        fprintf(f, "%s%d", i ? ", " : "", v.buddy_extfrag[i]);
    fprintf(f, "]},\n    \"slabs\": [");
    for (unsigned i = 0; i < 2; i++)
    {
        fprintf(f, "%s{\"name\": ", i ? ", " : "");
        vm_json_string(f, v.slab[i].name);
        fprintf(f, ", \"active_objs\": %" PRIu64 ", \"num_objs\": %" PRIu64 ", \"objsize\": %" PRIu64
                ", \"num_slabs\": %" PRIu64 "}", v.slab[i].active_objs, v.slab[i].num_objs, v.slab[i].objsize,
                v.slab[i].num_slabs);
    }
    fprintf(f, "]},\n");
    fprintf(f, "  \"thrashing\": {\"windows\": %" PRIu64 ", \"thrashing_windows\": %" PRIu64
            ", \"pff_max_per_1000\": %" PRIu64 ", \"working_set_max\": %" PRIu64 "},\n", v.pff_windows,
            v.thrashing_windows, v.pff_max, v.ws_max);
    fprintf(f, "  \"mem\": {\"row_hits\": %" PRIu64 ", \"row_misses\": %" PRIu64 "},\n", s->run->mem_row_hits,
            s->run->mem_row_misses);
    fprintf(f, "  \"lockstep\": {\"cycles_checked\": %" PRIu64 ", \"mismatches\": %" PRIu64 "},\n",
            s->run->cycles_checked, s->run->mismatches);
    fprintf(f, "  \"seconds\": %.6f\n}\n", s->run->seconds);
}

/* The per-core figures as CSV: a header, then one row per core. */
static void write_csv(FILE *f, const struct vm_config *cfg, const char *workload, const char *engine, uint64_t seed,
                      const struct vm_run_stats *s)
{
    (void)cfg, (void)workload, (void)engine, (void)seed;
    fprintf(f, "core,loads,stores,tlb_lookups,tlb_misses,ptw_walks,ptw_walk_cycles,ptw_pte_reads,l1_demand_accesses,"
               "l1_demand_misses,l1_writebacks,l1_hits_S,l1_hits_E,l1_hits_M,l1_snoop_hits,requests,faults\n");
    for (unsigned c = 0; c < s->run->cores; c++) {
        const struct vm_core_counters *k = &s->run->core[c];
        const struct vm_workload_stats *cs = vm_workload_core_stats(s->wl, c);
        const uint64_t v[] = {k->loads, k->stores, k->tlb_lookups, k->tlb_misses, k->ptw_walks, k->ptw_walk_cycles,
                              k->ptw_pte_reads, k->l1_accesses, k->l1_misses, k->l1_writebacks, k->l1_hits[0],
                              k->l1_hits[1], k->l1_hits[2], k->l1_snoop_hits};
        fprintf(f, "%u", c);
        for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {   /* empty: not read (the run stopped before) */
            if (s->run->counters_read)
                fprintf(f, ",%" PRIu64, v[i]);
            else
                fprintf(f, ",");
        }
        fprintf(f, ",%" PRIu64 ",%" PRIu64 "\n", cs->requests, cs->faults);
    }
}

typedef void (*writer_fn)(FILE *f, const struct vm_config *cfg, const char *workload, const char *engine,
                          uint64_t seed, const struct vm_run_stats *s);

/* Writes through a temporary file renamed into place: nothing half-written. Returns 0, or -1 with err. */
static int write_atomic(const char *path, writer_fn write, const struct vm_config *cfg, const char *workload,
                        const char *engine, uint64_t seed, const struct vm_run_stats *s, char *err, size_t errlen)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        snprintf(err, errlen, "out of host memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        free(tmp);
        return -1;
    }
    write(f, cfg, workload, engine, seed, s);
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path)) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

int vm_stats_write_json(const char *path, const struct vm_config *cfg, const char *workload, const char *engine,
                        uint64_t seed, const struct vm_run_stats *s, char *err, size_t errlen)
{
    return write_atomic(path, write_json, cfg, workload, engine, seed, s, err, errlen);
}

int vm_stats_write_csv(const char *path, const struct vm_config *cfg, const char *workload, const char *engine,
                       uint64_t seed, const struct vm_run_stats *s, char *err, size_t errlen)
{
    return write_atomic(path, write_csv, cfg, workload, engine, seed, s, err, errlen);
}
