/* SPDX-License-Identifier: MIT */
/* Buddy allocator of physical page frames: the firmware kernel takes every frame from here.
 *
 * Frames are 4 KiB; a block is 2^order frames, order 0..FW_BUDDY_MAX_ORDER (10: up to 1024 frames, 4 MiB,
 * as Linux's MAX_ORDER 11). Blocks are aligned on their absolute frame number (pfn % 2^order == 0), so an
 * order-9 block can back a 2 MiB megapage. The managed range [first_pfn, first_pfn + nframes) need not be
 * aligned nor a power of two: it starts as its maximal aligned blocks (the largest aligned block of order
 * <= 10 at each position that still fits), and two free buddies merge only when the merged block is aligned
 * and lies wholly inside the range, so a block never leaves the initial block it came from.
 *
 * All bookkeeping is host memory (a metadata record per frame, a free list per order); the simulated memory
 * is never touched. alloc and free take O(FW_BUDDY_ORDERS) steps; no call scans the frames except
 * fw_buddy_new, fw_buddy_free_all and fw_buddy_check.
 *
 * Fragmentation figures, per order, as Linux's mm/vmstat.c computes them (integers scaled by 1000), from
 * the free-block census free_blocks[0..10]:
 *   free_pages        = sum over o of free_blocks[o] << o
 *   free_blocks_total = sum over o of free_blocks[o]
 *   suitable(order)   = sum over o >= order of free_blocks[o] << (o - order)   (order-sized pieces on offer)
 *   unusable index (unusable_free_index, /sys/kernel/debug/extfrag/unusable_index):
 *     free_pages == 0  ->  1000   (Linux: "no free memory is interpreted as all free memory is unusable")
 *     otherwise        ->  (free_pages - (suitable << order)) * 1000 / free_pages          (0..1000)
 *   external fragmentation index (__fragmentation_index, /sys/kernel/debug/extfrag/extfrag_index):
 *     free_blocks_total == 0  ->  0
 *     suitable > 0            ->  -1000   (the allocation would succeed: the index is meaningless)
 *     otherwise               ->  1000 - (1000 + free_pages * 1000 / 2^order) / free_blocks_total
 *   with every division an unsigned integer division, truncating, as Linux's div_u64. Near 0 the failure is
 *   lack of memory, near 1000 fragmentation. With very few free blocks the last formula goes below 0
 *   (one free order-0 frame, order 1: 1000 - 1500 = -500); Linux returns the same value, so do we.
 */
#ifndef FW_BUDDY_H
#define FW_BUDDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FW_PAGE_SHIFT 12
#define FW_PAGE_SIZE (1u << FW_PAGE_SHIFT)
#define FW_BUDDY_MAX_ORDER 10u
#define FW_BUDDY_ORDERS (FW_BUDDY_MAX_ORDER + 1u)

struct fw_buddy;

/* A snapshot of the allocator (fw_buddy_stats). */
struct fw_buddy_stats {
    uint64_t first_pfn, total_frames;
    uint64_t free_frames;                        /* frames in free blocks */
    uint64_t alloc_frames;                       /* frames in allocated blocks */
    uint64_t alloc_blocks;                       /* allocated blocks outstanding */
    uint64_t free_blocks[FW_BUDDY_ORDERS];       /* free blocks per order (Linux's nr_free, /proc/buddyinfo) */
    int unusable_index[FW_BUDDY_ORDERS];         /* per requested order, 0..1000 (see above) */
    int extfrag_index[FW_BUDDY_ORDERS];          /* per requested order, -1000 or <= 1000 (see above) */
    /* Events since fw_buddy_new (fw_buddy_free_all leaves them alone). */
    uint64_t allocs, frees;                      /* successful calls */
    uint64_t alloc_failures, bad_frees;          /* refused calls */
    uint64_t splits, merges;                     /* block halvings in alloc, buddy joins in free */
};

/* Creates an allocator owning frames [first_pfn, first_pfn + nframes), all free as their maximal aligned
 * blocks. Returns the handle, or NULL when nframes is 0, the range wraps around 2^64, or memory is short. */
struct fw_buddy *fw_buddy_new(uint64_t first_pfn, uint64_t nframes);

/* Destroys the allocator and its bookkeeping (outstanding blocks are simply forgotten). NULL is a no-op. */
void fw_buddy_destroy(struct fw_buddy *b);

/* Returns every allocated block at once: the allocator is back to its initial maximal blocks. Used when the
 * kernel resets; the callers' handles on their blocks become invalid. Never fails. */
void fw_buddy_free_all(struct fw_buddy *b);

/* Allocates a block of 2^order frames, aligned to its size; stores its first pfn in *pfn. Returns 0, or -1
 * (nothing changed, *pfn untouched) when order > FW_BUDDY_MAX_ORDER or no free block of order >= order
 * exists. Takes the smallest free block that fits, splitting it down. */
int fw_buddy_alloc(struct fw_buddy *b, unsigned order, uint64_t *pfn);

/* Frees the block of 2^order frames at pfn that fw_buddy_alloc returned, merging it with free buddies.
 * Returns 0, or -1 (nothing changed, counted in bad_frees) when (pfn, order) is not an allocated block:
 * a pfn outside the range or inside a block, a wrong order, a double free. */
int fw_buddy_free(struct fw_buddy *b, uint64_t pfn, unsigned order);

/* Returns true when (pfn, order) is exactly one allocated block. */
bool fw_buddy_is_allocated(const struct fw_buddy *b, uint64_t pfn, unsigned order);

/* Fills *out with the counts, the per-order census and the fragmentation indices. b and out must be valid. */
void fw_buddy_stats(const struct fw_buddy *b, struct fw_buddy_stats *out);

/* Checks every invariant: the blocks tile the range; each is free or allocated (the split ones are their
 * halves), a power of two aligned to its size and inside one initial maximal block; no free block has a free
 * buddy; the free lists hold exactly the free blocks of their order and match the per-order counts; the
 * free and allocated frame counters match the blocks and add up to the total. Returns 0, or -1 with the
 * first violation described in err (NUL-terminated, truncated to errlen; err may be NULL). */
int fw_buddy_check(const struct fw_buddy *b, char *err, size_t errlen);

/* Linux's unusable free space index for a request of 2^order frames, from a free-block census (formula
 * above). Returns 0..1000; 0 for order > FW_BUDDY_MAX_ORDER. */
int fw_buddy_unusable_index(const uint64_t free_blocks[FW_BUDDY_ORDERS], unsigned order);

/* Linux's external fragmentation index for a request of 2^order frames, from a free-block census (formula
 * above). Returns -1000 when a suitable block exists, 0 when nothing is free or order > FW_BUDDY_MAX_ORDER,
 * otherwise the index (at most 1000). */
int fw_buddy_extfrag_index(const uint64_t free_blocks[FW_BUDDY_ORDERS], unsigned order);

#endif
