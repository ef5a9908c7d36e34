/* SPDX-License-Identifier: MIT */
/* One cycle of a vmcosim system as both engines see it: the inputs the testbench drives (vm_in) and the
 * observation record every engine produces (vm_obs). The lockstep checker compares vm_obs field by field.
 * Timing: inputs are applied for cycle t; outputs are the combinational values of cycle t (before the
 * rising edge that ends it); state moves at that edge. */
#ifndef VMCOSIM_PORT_H
#define VMCOSIM_PORT_H

#include <stdint.h>

#define VM_MAX_CORES 4

/* Inputs of one core for one cycle. A request is held (req_valid = 1) until a cycle whose observation
 * shows req_ready = 1; that cycle accepts it. A CSR write (csr_we) always takes effect at the edge.
 * Fields wider than their port keep only the port's bits (valid, bare, cont, csr_we: 1; op, size: 2;
 * csr_addr: 5), in both engines. */
struct vm_core_in {
    uint8_t req_valid;
    uint8_t req_op;     /* VM_OP_* */
    uint8_t req_size;   /* bytes = 1 << req_size, 0..3 */
    uint8_t req_bare;   /* physical access: no translation whatever satp says */
    uint8_t req_cont;   /* this request is the next aligned piece of the previous access (statistics
                         * count one access, and one L1 miss if any piece misses) */
    uint8_t csr_we;
    uint8_t csr_addr;   /* VM_CSR_*: also selects obs.core[].csr_rdata */
    uint64_t req_addr;
    uint64_t req_wdata; /* stores: value in the low (1 << req_size) bytes */
    uint64_t csr_wdata;
};

/* Inputs of the whole system for one cycle: core[c] for c < cores (the rest are ignored), and the page
 * DMA engine (system top). Narrow fields keep only their port's bits (dma_valid, buf_we: 1; dma_op: 2;
 * buf_addr: 9). */
struct vm_in {
    struct vm_core_in core[VM_MAX_CORES];
    /* page DMA engine: a command is accepted in a cycle whose observation shows dma_ready */
    uint8_t dma_valid;
    uint8_t dma_op;     /* VM_DMA_* */
    uint64_t dma_src, dma_dst;
    /* the DMA engine's swap buffer, word by word (written only while the engine is idle) */
    uint8_t buf_we;
    uint16_t buf_addr;  /* 0 .. VM_DMA_BUF_WORDS - 1, also selects obs.buf_rdata */
    uint64_t buf_wdata;
};

/* Everything observable of one core in one cycle. Keep it free of padding surprises: the checker compares
 * fields. */
struct vm_core_obs {
    /* request port */
    uint8_t req_ready;
    uint8_t resp_valid;
    uint8_t resp_fault;
    uint8_t resp_cause;   /* VM_CAUSE_* when resp_fault */
    uint64_t resp_rdata;  /* loads: zero-extended bytes; 0 otherwise */
    uint64_t resp_tval;   /* faulting address when resp_fault, else 0 */
    uint64_t csr_rdata;
    /* memory port (walker PTE reads, A/D compare-and-swap, data accesses) */
    uint8_t mem_req_valid;
    uint8_t mem_req_ready;  /* the memory side (flat memory or L1) accepts in this cycle */
    uint8_t mem_req_cont;   /* a data request continuing the previous access */
    uint8_t mem_req_op;   /* VM_MEMOP_* */
    uint8_t mem_req_strb;
    uint8_t mem_resp_valid;
    uint64_t mem_req_addr; /* byte address, 8-byte aligned */
    uint64_t mem_req_wdata;
    uint64_t mem_req_cmp;
    uint64_t mem_resp_rdata;
    /* TLB fill: entry index = set * ways + way */
    uint8_t fill_valid;
    uint8_t fill_level;
    uint8_t fill_perm;     /* PTE bits 7..0 of the cached leaf (V R W X U G A D), G includes inherited G */
    uint16_t fill_index;
    uint16_t fill_asid;
    uint32_t fill_vpn;
    uint64_t fill_ppn;
    /* TLB entries whose valid bit falls this cycle (sfence, D-bit upgrade), bit i = entry i */
    uint64_t inval_mask;
    /* L1 line-state change (index = set * ways + way; VM_MESI_* states). l1_chg_addr: the byte address
     * (line-aligned) of the line whose state is new_state after the edge; when a fill replaces a valid
     * victim, old_state is the victim's (a different address). */
    uint8_t l1_chg_valid;
    uint8_t l1_chg_old;
    uint8_t l1_chg_new;
    uint16_t l1_chg_index;
    uint64_t l1_chg_addr;
};

/* Everything observable in one cycle: core[c] for c < cores, the bus and the DMA engine. The model writes
 * no more than that: core[c] for c >= cores, and each bus line unless its valid flag (bus_done_valid,
 * bus_mem_write) is set, keep what the caller's record held (the RTL harness writes zeros there). The
 * checker compares a line only with its flag set; callers that compare whole records start from zeroed
 * ones. */
struct vm_obs {
    struct vm_core_obs core[VM_MAX_CORES];
    /* bus: the transaction granted this cycle (every cache snoops it) and the one completing */
    uint8_t dma_ready;
    uint8_t dma_done;         /* the DMA command's last line completed */
    uint8_t bus_grant_valid;
    uint8_t bus_grant_master; /* c < cores: core c's L1; cores: the DMA engine */
    uint8_t bus_grant_type;   /* VM_BUS_* */
    uint8_t bus_mem_write;    /* the grant writes a line to memory (write-back, or a dirty line supplied) */
    uint8_t bus_done_valid;
    uint8_t bus_done_shared;
    /* mem.row=open only (both 0 with mem.row=off): the memory access the grant started (every transaction
     * but BusUpgr) found its bank's open row (hit) or an empty bank or another row open (miss) */
    uint8_t bus_mem_row_hit;
    uint8_t bus_mem_row_miss;
    uint64_t bus_grant_addr;
    uint64_t bus_done_word;   /* RMW: the word before the swap */
    uint64_t buf_rdata;
    /* the lines come last: they are meaningful only with their flags */
    uint64_t bus_done_line[8];  /* with bus_done_valid */
    uint64_t bus_grant_line[8]; /* with bus_mem_write: the line the grant writes to memory (write-back, WLI,
                                 * supplied dirty line) */
};

/* Static hardware configuration: fixed from reset to the end of a run. */
struct vm_hwcfg {
    uint32_t cores;        /* 1..VM_MAX_CORES, each with its own MMU and L1; several need the L1 */
    uint32_t tlb_entries;  /* 1..64, power of two */
    uint32_t tlb_ways;     /* divides tlb_entries; == entries: fully associative */
    uint32_t tlb_repl;     /* VM_REPL_* */
    uint32_t mem_latency;  /* cycles from request to response, 1..255 (mem_row = VM_MEMROW_OFF) */
    uint64_t mem_bytes;    /* physical memory size, power of two, 64 KiB .. VM_MEM_MAX_BYTES */
    /* Memory controller timing (vm_soc only): VM_MEMROW_OFF = mem_latency for every access; VM_MEMROW_OPEN =
     * open-page DRAM: bank = (addr / row_size) mod banks, row = addr / (row_size * banks); an access to its
     * bank's open row takes mem_row_hit cycles, any other mem_row_miss, and opens its row. */
    uint32_t mem_row;      /* VM_MEMROW_OFF, VM_MEMROW_OPEN */
    uint32_t mem_banks;    /* power of two, 1..VM_MEMROW_MAX_BANKS */
    uint32_t mem_row_size; /* bytes per row, power of two, VM_MEMROW_MIN_BYTES..VM_MEMROW_MAX_BYTES, >= l1_line */
    uint32_t mem_row_hit;  /* cycles, 1..255 */
    uint32_t mem_row_miss; /* cycles, mem_row_hit..255 */
    /* L1 data cache; l1_size 0 = none (the MMU straight on a flat memory: rtl/top/vm_top.sv) */
    uint32_t l1_size;      /* bytes */
    uint32_t l1_ways;
    uint32_t l1_line;      /* bytes, 8..64 */
    uint32_t l1_repl;      /* VM_REPL_* */
};

#define VM_MEM_MAX_BYTES (64ull << 20)
#define VM_TLB_MAX_ENTRIES 64u

#endif
