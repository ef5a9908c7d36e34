/* SPDX-License-Identifier: MIT */
/* File-backed mappings of host files. A page is read from the file on its first touch (through the DMA
 * engine's buffer, like a swap-in). Shared mappings write their pages back to the file on eviction, msync,
 * munmap and exit (the file is their backing store: they never go to swap); private mappings keep their
 * writes: a written page becomes anonymous (a read maps it copy-on-write, the first write keeps the frame). */
#include <vmcosim/contract.h>

#include <stdlib.h>
#include <string.h>

#include "kernel_impl.h"

#define PTE_BIT(b) (1u << VM_PTE_##b)

/* The file offset of va's page in region r. */
static uint64_t file_offset(const struct region *r, uint64_t va) { return r->file->offset + ((va & ~0xFFFull) - r->start); }

/* The file's page at va into frame pfn (bytes past the end of the file read as zero). Returns 0 or -1. */
static int file_read_page(struct fw_kernel *k, unsigned core, const struct region *r, uint64_t va, uint64_t pfn)
{
    uint64_t page[VM_DMA_BUF_WORDS] = {0};
    if (fseek(r->file->f, (long)file_offset(r, va), SEEK_SET))
        return -1;
    size_t got = fread(page, 1, sizeof page, r->file->f);
    (void)got;   /* a short read: the rest of the page is zero */
    clearerr(r->file->f);
    for (unsigned w = 0; w < VM_DMA_BUF_WORDS; w++)
        hal_buf_write(k->hal, core, w, page[w]);
    hal_dma(k->hal, core, VM_DMA_FROM_BUF, 0, pfn << 12);
    return hal_failed(k->hal) ? -1 : 0;
}

/* Frame pfn back into the file at va's page, up to the file's size (a mapping never grows its file). */
static int file_write_page(struct fw_kernel *k, unsigned core, const struct region *r, uint64_t va, uint64_t pfn)
{
    uint64_t page[VM_DMA_BUF_WORDS], off = file_offset(r, va);
    hal_dma(k->hal, core, VM_DMA_TO_BUF, pfn << 12, 0);
    for (unsigned w = 0; w < VM_DMA_BUF_WORDS; w++)
        page[w] = hal_buf_read(k->hal, core, w);
    if (hal_failed(k->hal))
        return -1;
    if (off >= r->file->size)
        return 0;
    size_t n = r->file->size - off < sizeof page ? (size_t)(r->file->size - off) : sizeof page;
    if (fseek(r->file->f, (long)off, SEEK_SET) || fwrite(page, 1, n, r->file->f) != n || fflush(r->file->f))
        return -1;
    k->st.file_writebacks++;
    return 0;
}

int fw_mmap_file(struct fw_kernel *k, struct fw_proc *p, uint64_t va, uint64_t len, const char *path,
                 uint64_t offset, bool shared, bool writable)
{
    (void)k;
    if (offset & 0xFFF)
        return -1;
    struct fw_file *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    if (!(f->f = fopen(path, writable && shared ? "r+b" : "rb")) || fseek(f->f, 0, SEEK_END)) {
        if (f->f)
            fclose(f->f);
        free(f);
        return -1;
    }
    long size = ftell(f->f);
    f->size = size > 0 ? (uint64_t)size : 0;
    f->offset = offset;
    f->shared = shared;
    f->refs = 1;
    if (fw_proc_add_region(p, va, len, writable)) {
        fclose(f->f);
        free(f);
        return -1;
    }
    p->regions[p->nregions - 1].file = f;
    return 0;
}

void file_get(struct fw_file *f) { f->refs++; }

void file_put(struct fw_file *f)
{
    if (--f->refs)
        return;
    fclose(f->f);
    free(f);
}

/* First touch of a file-backed page: read it from the file; see the top of the file for the mapping. */
int file_fault(struct fw_kernel *k, unsigned core, struct fw_proc *p, const struct region *r, struct vpage *v,
               uint64_t pte_pa, bool write)
{
    uint64_t va = v->vpn << 12, pfn = frame_for(k, core, p);
    if (!pfn) {
        k->st.oom_kills++;
        proc_kill(p, "out of memory: no frame for file page %#llx", (unsigned long long)v->vpn);
        return -1;
    }
    if (file_read_page(k, core, r, va, pfn)) {
        frame_free(k, pfn);
        proc_kill(p, "I/O error reading the file mapped at %#llx", (unsigned long long)va);
        return -1;
    }
    unsigned flags = PTE_BIT(R) | PTE_BIT(U) | PTE_BIT(A);
    if (r->file->shared) {
        flags |= (r->writable ? PTE_BIT(W) : 0) | (write ? PTE_BIT(D) : 0);
    } else if (r->writable) {
        flags |= write ? PTE_BIT(W) | PTE_BIT(D) : FW_PTE_COW;   /* private: the first write keeps the frame */
    }
    pt_write(k, core, pte_pa, pte_leaf(k, pfn, flags));
    v->state = VP_RESIDENT;
    v->pfn = pfn;
    v->file_shared = r->file->shared;
    v->map_time = ++k->tick;
    v->uses = 0;
    p->nresident++;
    k->st.page_faults++;
    k->st.major_faults++;
    k->st.file_reads++;
    p->window_faults++;
    return 0;
}

/* Evicting a shared file page: back to its file, unmapped (the next touch reads the file again). */
int file_evict(struct fw_kernel *k, unsigned core, struct fw_proc *p, struct vpage *v)
{
    uint64_t va = v->vpn << 12, pa = pt_leaf(k, core, p, va, false);
    const struct region *r = NULL;
    for (unsigned i = 0; i < p->nregions; i++)
        if (va >= p->regions[i].start && va < p->regions[i].end)
            r = &p->regions[i];
    if (!pa || !r || !r->file)
        return -1;
    pt_write(k, core, pa, 0);
    pt_shootdown(k, p, va);   /* before the copy: no store can land in the frame after it */
    if (file_write_page(k, core, r, va, v->pfn))
        return -1;
    frame_put(k, v->pfn);
    v->state = VP_ZERO;
    v->pfn = 0;
    v->file_shared = false;
    p->nresident--;
    k->st.evictions++;
    return 0;
}

int fw_msync(struct fw_kernel *k, unsigned core, struct fw_proc *p)
{
    int rc = 0;
    for (size_t i = 0; i < p->npages; i++) {
        struct vpage *v = &p->pages[i];
        if (v->state != VP_RESIDENT || !v->file_shared)
            continue;
        uint64_t va = v->vpn << 12;
        for (unsigned j = 0; j < p->nregions; j++) {
            const struct region *r = &p->regions[j];
            if (va >= r->start && va < r->end && r->file && r->writable && file_write_page(k, core, r, va, v->pfn))
                rc = -1;
        }
    }
    return rc;
}
