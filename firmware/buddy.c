/* SPDX-License-Identifier: MIT */
/* Buddy allocator of physical page frames (see buddy.h for the contract and the fragmentation formulas).
 *
 * Representation: one record per frame, indexed by offset from first_pfn. The first frame of a block (its
 * head) holds the block's state (free or allocated) and order; every other frame is a tail. Split blocks are
 * not stored: a block is split exactly when its frames hold more than one head. Free heads sit on a doubly
 * linked list per order (links are frame indices), so alloc, free, split and merge are O(1) per order.
 */
#include "firmware/buddy.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NIL UINT64_MAX

enum frame_state { FRAME_TAIL = 0, FRAME_FREE, FRAME_ALLOC };

struct fw_frame {
    uint64_t next, prev; /* free-list links, meaningful on free heads only */
    uint8_t state;       /* enum frame_state */
    uint8_t order;       /* on heads */
};

struct fw_buddy {
    uint64_t first_pfn, nframes;
    struct fw_frame *frames;
    uint64_t free_head[FW_BUDDY_ORDERS];
    uint64_t free_count[FW_BUDDY_ORDERS];
    uint64_t free_frames, alloc_frames, alloc_blocks;
    uint64_t allocs, frees, alloc_failures, bad_frees, splits, merges;
};

static uint64_t block_frames(unsigned order)
{
    return (uint64_t)1 << order;
}

static bool pfn_aligned(uint64_t pfn, unsigned order)
{
    return (pfn & (block_frames(order) - 1)) == 0;
}

/* The order of the maximal aligned block starting at pfn that ends at or before end (pfn < end). */
static unsigned maximal_order(uint64_t pfn, uint64_t end)
{
    unsigned order = 0;
    while (order < FW_BUDDY_MAX_ORDER && pfn_aligned(pfn, order + 1) && end - pfn >= block_frames(order + 1))
        order++;
    return order;
}

/* ---------------------------------------------------------------- free lists */

static void list_push(struct fw_buddy *b, uint64_t idx, unsigned order)
{
    struct fw_frame *f = &b->frames[idx];
    f->state = FRAME_FREE;
    f->order = (uint8_t)order;
    f->prev = NIL;
    f->next = b->free_head[order];
    if (f->next != NIL)
        b->frames[f->next].prev = idx;
    b->free_head[order] = idx;
    b->free_count[order]++;
    b->free_frames += block_frames(order);
}

/* Unlinks the free head idx; its state is left for the caller to set. */
static void list_remove(struct fw_buddy *b, uint64_t idx)
{
    struct fw_frame *f = &b->frames[idx];
    unsigned order = f->order;
    if (f->prev != NIL)
        b->frames[f->prev].next = f->next;
    else
        b->free_head[order] = f->next;
    if (f->next != NIL)
        b->frames[f->next].prev = f->prev;
    f->next = f->prev = NIL;
    b->free_count[order]--;
    b->free_frames -= block_frames(order);
}

/* ---------------------------------------------------------------- setup */

/* Frees the whole range as its maximal aligned blocks; the frames must all be tails and the lists empty. */
static void seed_blocks(struct fw_buddy *b)
{
    uint64_t end = b->first_pfn + b->nframes;
    for (uint64_t pfn = b->first_pfn; pfn < end;) {
        unsigned order = maximal_order(pfn, end);
        list_push(b, pfn - b->first_pfn, order);
        pfn += block_frames(order);
    }
}

static void reset_state(struct fw_buddy *b)
{
    memset(b->frames, 0, b->nframes * sizeof b->frames[0]);
    for (unsigned o = 0; o < FW_BUDDY_ORDERS; o++) {
        b->free_head[o] = NIL;
        b->free_count[o] = 0;
    }
    b->free_frames = b->alloc_frames = b->alloc_blocks = 0;
    seed_blocks(b);
}

struct fw_buddy *fw_buddy_new(uint64_t first_pfn, uint64_t nframes)
{
    struct fw_buddy *b = NULL;
    if (nframes == 0 || first_pfn > UINT64_MAX - nframes || nframes > SIZE_MAX / sizeof(struct fw_frame))
        goto fail;
    b = calloc(1, sizeof *b);
    if (!b)
        goto fail;
    b->frames = calloc((size_t)nframes, sizeof b->frames[0]);
    if (!b->frames)
        goto fail;
    b->first_pfn = first_pfn;
    b->nframes = nframes;
    reset_state(b);
    return b;
fail:
    fw_buddy_destroy(b);
    return NULL;
}

void fw_buddy_destroy(struct fw_buddy *b)
{
    if (!b)
        return;
    free(b->frames);
    free(b);
}

void fw_buddy_free_all(struct fw_buddy *b)
{
    reset_state(b);
}

/* ---------------------------------------------------------------- alloc and free */

int fw_buddy_alloc(struct fw_buddy *b, unsigned order, uint64_t *pfn)
{
    unsigned o = order;
    if (order > FW_BUDDY_MAX_ORDER)
        goto fail;
    while (o <= FW_BUDDY_MAX_ORDER && b->free_head[o] == NIL)
        o++;
    if (o > FW_BUDDY_MAX_ORDER)
        goto fail;
    uint64_t idx = b->free_head[o];
    list_remove(b, idx);
    /* Keep the lower half, free the upper half, until the block has the requested size. */
    while (o > order) {
        o--;
        list_push(b, idx + block_frames(o), o);
        b->splits++;
    }
    b->frames[idx].state = FRAME_ALLOC;
    b->frames[idx].order = (uint8_t)order;
    b->alloc_frames += block_frames(order);
    b->alloc_blocks++;
    b->allocs++;
    *pfn = b->first_pfn + idx;
    return 0;
fail:
    b->alloc_failures++;
    return -1;
}

/* Index of the head of a block (pfn, order) if the frame records say it is one, in the given state; NIL
 * otherwise. */
static uint64_t head_index(const struct fw_buddy *b, uint64_t pfn, unsigned order, enum frame_state state)
{
    if (pfn < b->first_pfn || pfn - b->first_pfn >= b->nframes || order > FW_BUDDY_MAX_ORDER)
        return NIL;
    uint64_t idx = pfn - b->first_pfn;
    const struct fw_frame *f = &b->frames[idx];
    return f->state == state && f->order == order ? idx : NIL;
}

/* Index of the buddy of the block at idx if the buddy is a free block of the same order (and the order is
 * below the maximum); NIL otherwise. A free head of that order is a whole block inside the range, so the
 * merged block is aligned and inside the range too (and inside one initial block: those are the maximal
 * aligned blocks of the range). */
static uint64_t mergeable_buddy(const struct fw_buddy *b, uint64_t idx, unsigned order)
{
    if (order >= FW_BUDDY_MAX_ORDER)
        return NIL;
    return head_index(b, (b->first_pfn + idx) ^ block_frames(order), order, FRAME_FREE);
}

int fw_buddy_free(struct fw_buddy *b, uint64_t pfn, unsigned order)
{
    uint64_t idx = head_index(b, pfn, order, FRAME_ALLOC);
    if (idx == NIL) {
        b->bad_frees++;
        return -1;
    }
    b->alloc_frames -= block_frames(order);
    b->alloc_blocks--;
    b->frees++;
    for (uint64_t buddy; (buddy = mergeable_buddy(b, idx, order)) != NIL; order++) {
        list_remove(b, buddy);
        /* The higher of the two heads becomes a tail of the merged block. */
        uint64_t low = buddy < idx ? buddy : idx;
        b->frames[low ^ (buddy ^ idx)].state = FRAME_TAIL;
        idx = low;
        b->merges++;
    }
    list_push(b, idx, order);
    return 0;
}

bool fw_buddy_is_allocated(const struct fw_buddy *b, uint64_t pfn, unsigned order)
{
    return head_index(b, pfn, order, FRAME_ALLOC) != NIL;
}

/* ---------------------------------------------------------------- statistics */

/* Linux's struct contig_page_info, filled as fill_contig_page_info does. */
struct contig_info {
    uint64_t free_pages, free_blocks_total, free_blocks_suitable;
};

static struct contig_info contig_info_of(const uint64_t free_blocks[FW_BUDDY_ORDERS], unsigned order)
{
    struct contig_info info = {0, 0, 0};
    for (unsigned o = 0; o < FW_BUDDY_ORDERS; o++) {
        info.free_blocks_total += free_blocks[o];
        info.free_pages += free_blocks[o] << o;
        if (o >= order)
            info.free_blocks_suitable += free_blocks[o] << (o - order);
    }
    return info;
}

int fw_buddy_unusable_index(const uint64_t free_blocks[FW_BUDDY_ORDERS], unsigned order)
{
    if (order > FW_BUDDY_MAX_ORDER)
        return 0;
    struct contig_info info = contig_info_of(free_blocks, order);
    if (info.free_pages == 0)
        return 1000;
    return (int)((info.free_pages - (info.free_blocks_suitable << order)) * 1000u / info.free_pages);
}

int fw_buddy_extfrag_index(const uint64_t free_blocks[FW_BUDDY_ORDERS], unsigned order)
{
    if (order > FW_BUDDY_MAX_ORDER)
        return 0;
    struct contig_info info = contig_info_of(free_blocks, order);
    if (info.free_blocks_total == 0)
        return 0;
    if (info.free_blocks_suitable)
        return -1000;
    uint64_t quotient = (1000u + info.free_pages * 1000u / block_frames(order)) / info.free_blocks_total;
    return 1000 - (int)quotient;
}

void fw_buddy_stats(const struct fw_buddy *b, struct fw_buddy_stats *out)
{
    memset(out, 0, sizeof *out);
    out->first_pfn = b->first_pfn;
    out->total_frames = b->nframes;
    out->free_frames = b->free_frames;
    out->alloc_frames = b->alloc_frames;
    out->alloc_blocks = b->alloc_blocks;
    memcpy(out->free_blocks, b->free_count, sizeof out->free_blocks);
    for (unsigned o = 0; o < FW_BUDDY_ORDERS; o++) {
        out->unusable_index[o] = fw_buddy_unusable_index(b->free_count, o);
        out->extfrag_index[o] = fw_buddy_extfrag_index(b->free_count, o);
    }
    out->allocs = b->allocs;
    out->frees = b->frees;
    out->alloc_failures = b->alloc_failures;
    out->bad_frees = b->bad_frees;
    out->splits = b->splits;
    out->merges = b->merges;
}

/* ---------------------------------------------------------------- self-check */

/* What fw_buddy_check counts while it walks the blocks. */
struct census {
    uint64_t free_blocks[FW_BUDDY_ORDERS];
    uint64_t free_frames, alloc_frames, alloc_blocks;
};

static int report(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Checks the block whose head is at idx, inside the initial block [root, root_end); counts it. */
static int check_block(const struct fw_buddy *b, uint64_t idx, uint64_t root_end, struct census *c, char *err,
                       size_t errlen)
{
    const struct fw_frame *f = &b->frames[idx];
    uint64_t pfn = b->first_pfn + idx;
    if (f->state != FRAME_FREE && f->state != FRAME_ALLOC)
        return report(err, errlen, "pfn %#llx: a tail frame where a block should start", (unsigned long long)pfn);
    if (f->order > FW_BUDDY_MAX_ORDER)
        return report(err, errlen, "pfn %#llx: order %u", (unsigned long long)pfn, (unsigned)f->order);
    if (!pfn_aligned(pfn, f->order))
        return report(err, errlen, "pfn %#llx: order-%u block not aligned", (unsigned long long)pfn, f->order);
    if (root_end - pfn < block_frames(f->order))
        return report(err, errlen, "pfn %#llx: order-%u block crosses its initial block's end %#llx",
                      (unsigned long long)pfn, f->order, (unsigned long long)root_end);
    for (uint64_t t = 1; t < block_frames(f->order); t++)
        if (b->frames[idx + t].state != FRAME_TAIL)
            return report(err, errlen, "pfn %#llx: a block head inside the order-%u block at %#llx",
                          (unsigned long long)(pfn + t), f->order, (unsigned long long)pfn);
    if (f->state == FRAME_ALLOC) {
        c->alloc_frames += block_frames(f->order);
        c->alloc_blocks++;
        return 0;
    }
    if (mergeable_buddy(b, idx, f->order) != NIL)
        return report(err, errlen, "pfn %#llx: order-%u free block and its buddy are both free",
                      (unsigned long long)pfn, f->order);
    c->free_blocks[f->order]++;
    c->free_frames += block_frames(f->order);
    return 0;
}

/* Walks the blocks in address order inside the initial maximal blocks. */
static int check_tiling(const struct fw_buddy *b, struct census *c, char *err, size_t errlen)
{
    uint64_t end = b->first_pfn + b->nframes;
    for (uint64_t root = b->first_pfn; root < end;) {
        uint64_t root_end = root + block_frames(maximal_order(root, end));
        for (uint64_t pfn = root; pfn < root_end; pfn += block_frames(b->frames[pfn - b->first_pfn].order))
            if (check_block(b, pfn - b->first_pfn, root_end, c, err, errlen))
                return -1;
        root = root_end;
    }
    return 0;
}

/* Checks that each free list holds free heads of its order, linked both ways, as many as counted. */
static int check_lists(const struct fw_buddy *b, const struct census *c, char *err, size_t errlen)
{
    for (unsigned o = 0; o < FW_BUDDY_ORDERS; o++) {
        uint64_t n = 0, prev = NIL;
        for (uint64_t idx = b->free_head[o]; idx != NIL; prev = idx, idx = b->frames[idx].next, n++) {
            if (idx >= b->nframes || n >= b->free_count[o])
                return report(err, errlen, "order-%u free list longer than its count %llu or broken", o,
                              (unsigned long long)b->free_count[o]);
            const struct fw_frame *f = &b->frames[idx];
            if (f->state != FRAME_FREE || f->order != o || f->prev != prev)
                return report(err, errlen, "order-%u free list: pfn %#llx is not a free order-%u head linked back",
                              o, (unsigned long long)(b->first_pfn + idx), o);
        }
        if (n != b->free_count[o] || n != c->free_blocks[o])
            return report(err, errlen, "order %u: %llu blocks listed, count %llu, %llu free blocks found", o,
                          (unsigned long long)n, (unsigned long long)b->free_count[o],
                          (unsigned long long)c->free_blocks[o]);
    }
    return 0;
}

static int check_totals(const struct fw_buddy *b, const struct census *c, char *err, size_t errlen)
{
    if (c->free_frames != b->free_frames || c->alloc_frames != b->alloc_frames || c->alloc_blocks != b->alloc_blocks)
        return report(err, errlen, "counters free %llu alloc %llu blocks %llu, blocks found free %llu alloc %llu in %llu",
                      (unsigned long long)b->free_frames, (unsigned long long)b->alloc_frames,
                      (unsigned long long)b->alloc_blocks, (unsigned long long)c->free_frames,
                      (unsigned long long)c->alloc_frames, (unsigned long long)c->alloc_blocks);
    if (c->free_frames + c->alloc_frames != b->nframes)
        return report(err, errlen, "free %llu + allocated %llu frames != total %llu", (unsigned long long)c->free_frames,
                      (unsigned long long)c->alloc_frames, (unsigned long long)b->nframes);
    return 0;
}

int fw_buddy_check(const struct fw_buddy *b, char *err, size_t errlen)
{
    struct census c;
    memset(&c, 0, sizeof c);
    if (err && errlen)
        err[0] = '\0';
    if (check_tiling(b, &c, err, errlen) || check_lists(b, &c, err, errlen) || check_totals(b, &c, err, errlen))
        return -1;
    return 0;
}
