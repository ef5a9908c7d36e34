/* SPDX-License-Identifier: MIT */
/* Initial-image builder: page tables written the way the privileged spec reads them. */
#include <vmcosim/contract.h>
#include <vmcosim/image.h>

#include <stdlib.h>
#include <string.h>

int vm_image_init(struct vm_image *img, uint64_t mem_bytes, bool sv32, uint64_t first_free_ppn)
{
    memset(img, 0, sizeof *img);
    img->nwords = mem_bytes / 8;
    img->words = calloc(img->nwords, sizeof(uint64_t));
    if (!img->words)
        return -1;
    img->sv32 = sv32;
    img->next_free_ppn = first_free_ppn ? first_free_ppn : 1;
    img->limit_ppn = mem_bytes >> 12;
    return 0;
}

void vm_image_free(struct vm_image *img)
{
    free(img->words);
    img->words = NULL;
}

uint64_t vm_image_alloc_page(struct vm_image *img)
{
    if (img->next_free_ppn >= img->limit_ppn)
        return 0;
    uint64_t ppn = img->next_free_ppn++;
    memset(&img->words[ppn << 9], 0, 4096);
    return ppn;
}

uint64_t vm_image_read(const struct vm_image *img, uint64_t paddr, unsigned size)
{
    uint64_t w = img->words[(paddr >> 3) % img->nwords];
    unsigned off = (unsigned)(paddr & 7);
    uint64_t mask = size >= 8 ? ~0ull : (1ull << (8 * size)) - 1;
    return (w >> (8 * off)) & mask;
}

void vm_image_write(struct vm_image *img, uint64_t paddr, unsigned size, uint64_t value)
{
    uint64_t *w = &img->words[(paddr >> 3) % img->nwords];
    unsigned off = (unsigned)(paddr & 7);
    uint64_t mask = (size >= 8 ? ~0ull : (1ull << (8 * size)) - 1) << (8 * off);
    *w = (*w & ~mask) | ((value << (8 * off)) & mask);
}

static unsigned levels(const struct vm_image *img) { return img->sv32 ? 2 : 3; }
static unsigned pte_size(const struct vm_image *img) { return img->sv32 ? 4 : 8; }

static unsigned vpn_index(const struct vm_image *img, uint64_t va, unsigned level)
{
    return img->sv32 ? (unsigned)((va >> (12 + 10 * level)) & 0x3FF) : (unsigned)((va >> (12 + 9 * level)) & 0x1FF);
}

static uint64_t pte_ppn(const struct vm_image *img, uint64_t pte)
{
    return img->sv32 ? (pte >> 10) & 0x3FFFFF : (pte >> 10) & 0xFFFFFFFFFFFull;
}

uint64_t vm_image_pte_addr(const struct vm_image *img, uint64_t root_ppn, uint64_t va, unsigned level)
{
    uint64_t table = root_ppn;
    for (unsigned l = levels(img) - 1;; l--) {
        uint64_t addr = (table << 12) + (uint64_t)vpn_index(img, va, l) * pte_size(img);
        if (l == level)
            return addr;
        uint64_t pte = vm_image_read(img, addr, pte_size(img));
        if (!(pte & (1u << VM_PTE_V)) || (pte & ((1u << VM_PTE_R) | (1u << VM_PTE_X))))
            return UINT64_MAX;
        table = pte_ppn(img, pte);
    }
}

int vm_image_map(struct vm_image *img, uint64_t root_ppn, uint64_t va, unsigned level, uint64_t ppn,
                 unsigned flags)
{
    uint64_t table = root_ppn;
    for (unsigned l = levels(img) - 1; l > level; l--) {
        uint64_t addr = (table << 12) + (uint64_t)vpn_index(img, va, l) * pte_size(img);
        uint64_t pte = vm_image_read(img, addr, pte_size(img));
        if (!(pte & (1u << VM_PTE_V))) {
            uint64_t next = vm_image_alloc_page(img);
            if (!next)
                return -1;
            pte = (next << 10) | (1u << VM_PTE_V);
            vm_image_write(img, addr, pte_size(img), pte);
        } else if (pte & ((1u << VM_PTE_R) | (1u << VM_PTE_X))) {
            return -1;
        }
        table = pte_ppn(img, pte);
    }
    uint64_t addr = (table << 12) + (uint64_t)vpn_index(img, va, level) * pte_size(img);
    vm_image_write(img, addr, pte_size(img), (ppn << 10) | flags | (1u << VM_PTE_V));
    return 0;
}

uint64_t vm_satp(unsigned mode, unsigned asid, uint64_t root_ppn)
{
    return ((uint64_t)mode << VM_SATP_MODE_LSB) | ((uint64_t)asid << VM_SATP_ASID_LSB) | root_ppn;
}
