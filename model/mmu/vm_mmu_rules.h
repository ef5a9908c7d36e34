/* SPDX-License-Identifier: MIT */
/* Pure translation rules shared by the MMU model blocks; twins of rtl/mmu/vm_mmu_pkg.sv. */
#ifndef VM_MMU_RULES_H
#define VM_MMU_RULES_H

#include <stdint.h>
#include <stdbool.h>
#include <vmcosim/contract.h>

#define VM_VPN_MASK_SV39 0x7FFFFFFu
#define VM_VPN_MASK_SV32 0xFFFFFu

/* One cached translation (tlb_entry_t). perm: PTE bits D A G U X W R V. */
struct vm_tlb_entry {
    uint32_t vpn;
    uint8_t level;
    uint8_t perm;
    uint16_t asid;
    uint64_t ppn;
};

/* VPN bits an entry at `level` compares (a table: the TLB lookup asks once per valid entry). */
static inline uint32_t vm_vpn_match_mask(unsigned level, bool sv32)
{
    static const uint32_t kMask[2][4] = {
        {VM_VPN_MASK_SV39, VM_VPN_MASK_SV39 & ~0x1FFu, VM_VPN_MASK_SV39 & ~0x3FFFFu, 0},
        {VM_VPN_MASK_SV32, VM_VPN_MASK_SV32 & ~0x3FFu, 0, 0},
    };
    return level < 4 ? kMask[sv32][level] : 0;
}

/* VPN index of page-table level `level`. */
static inline unsigned vm_vpn_field(uint32_t vpn, unsigned level, bool sv32)
{
    return sv32 ? (vpn >> (10 * level)) & 0x3FF : (vpn >> (9 * level)) & 0x1FF;
}

static inline bool vm_leaf_perm_ok(unsigned perm, unsigned op, bool priv_s, bool sum, bool mxr)
{
    bool u = (perm >> VM_PTE_U) & 1;
    bool u_ok = !priv_s ? u : (!u || (sum && op != VM_OP_FETCH));
    bool rwx_ok;
    if (op == VM_OP_LOAD)
        rwx_ok = ((perm >> VM_PTE_R) & 1) || (mxr && ((perm >> VM_PTE_X) & 1));
    else if (op == VM_OP_STORE)
        rwx_ok = (perm >> VM_PTE_W) & 1;
    else
        rwx_ok = (perm >> VM_PTE_X) & 1;
    return u_ok && rwx_ok;
}

static inline unsigned vm_page_fault_cause(unsigned op)
{
    return op == VM_OP_LOAD ? VM_CAUSE_LOAD_PAGE_FAULT
         : op == VM_OP_STORE ? VM_CAUSE_STORE_PAGE_FAULT : VM_CAUSE_FETCH_PAGE_FAULT;
}

static inline unsigned vm_access_fault_cause(unsigned op)
{
    return op == VM_OP_LOAD ? VM_CAUSE_LOAD_ACCESS
         : op == VM_OP_STORE ? VM_CAUSE_STORE_ACCESS : VM_CAUSE_FETCH_ACCESS;
}

static inline unsigned vm_misaligned_cause(unsigned op)
{
    return op == VM_OP_LOAD ? VM_CAUSE_LOAD_MISALIGNED
         : op == VM_OP_STORE ? VM_CAUSE_STORE_MISALIGNED : VM_CAUSE_FETCH_MISALIGNED;
}

static inline uint32_t vm_lfsr_step(uint32_t s)
{
    return (s >> 1) ^ ((s & 1) ? (uint32_t)VM_LFSR_TAPS : 0u);
}

/* Physical address of `vaddr_low12` within the leaf `e`; superpage offset bits come from `vpn`. */
static inline uint64_t vm_leaf_paddr(const struct vm_tlb_entry *e, uint32_t vpn, uint64_t vaddr, bool sv32)
{
    uint64_t low = (uint64_t)(~vm_vpn_match_mask(e->level, sv32) & (sv32 ? VM_VPN_MASK_SV32 : VM_VPN_MASK_SV39));
    uint64_t ppn = (e->ppn & ~low) | ((uint64_t)vpn & low);
    return (ppn << 12) | (vaddr & 0xFFF);
}

#endif
