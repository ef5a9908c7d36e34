/* SPDX-License-Identifier: MIT */
/* Host-side builder of an initial physical-memory image: page tables (Sv39, Sv32) and data, loaded into
 * every engine at cycle 0. Page-table pages come from a bump allocator that starts at `first_free_ppn`. */
#ifndef VMCOSIM_IMAGE_H
#define VMCOSIM_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vm_image {
    uint64_t *words;
    uint64_t nwords;
    uint64_t next_free_ppn;  /* bump allocator for page-table pages */
    uint64_t limit_ppn;      /* first PPN past memory */
    bool sv32;
};

/* Returns 0, or -1 when memory is short. */
int vm_image_init(struct vm_image *img, uint64_t mem_bytes, bool sv32, uint64_t first_free_ppn);
void vm_image_free(struct vm_image *img);

/* Allocates one zeroed page; returns its PPN, or 0 when the image is full (PPN 0 is never handed out). */
uint64_t vm_image_alloc_page(struct vm_image *img);

/* Maps the page of `va` at `level` (0 = 4 KiB; 1 = 2 MiB (Sv39) / 4 MiB (Sv32); 2 = 1 GiB) to the PPN
 * `ppn` with PTE bits `flags` (V is added), building missing tables. Returns 0, or -1 when a leaf already
 * stands in the way or the image is full. */
int vm_image_map(struct vm_image *img, uint64_t root_ppn, uint64_t va, unsigned level, uint64_t ppn,
                 unsigned flags);

/* Physical address of the PTE for `va` at `level` (the tables down to it must exist), or UINT64_MAX. */
uint64_t vm_image_pte_addr(const struct vm_image *img, uint64_t root_ppn, uint64_t va, unsigned level);

uint64_t vm_image_read(const struct vm_image *img, uint64_t paddr, unsigned size);
void vm_image_write(struct vm_image *img, uint64_t paddr, unsigned size, uint64_t value);

/* satp value for a scheme (VM_SATP_MODE_*), ASID and root PPN. */
uint64_t vm_satp(unsigned mode, unsigned asid, uint64_t root_ppn);

#ifdef __cplusplus
}
#endif

#endif
