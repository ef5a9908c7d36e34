/* SPDX-License-Identifier: MIT */
/* Slab allocator for the kernel's fixed-size objects (processes, regions, swap slots, shared segments).
 *
 * A cache hands out objects of one size. Its slabs are blocks of 2^order frames taken from the buddy
 * allocator, so the buddy's accounting of physical memory is exact: a slab's frames are allocated there for
 * as long as the slab exists. The objects themselves live in a host buffer of the slab's size (aligned to
 * that size); the simulated memory is not touched. Objects are FW_SLAB_ALIGN-aligned: the slot size
 * (objsize) is the requested size rounded up to FW_SLAB_ALIGN, and a slab holds slab_bytes / objsize slots
 * (the rest of the slab is unused).
 *
 * Slabs are on one of three lists: full, partial (some slots free), empty. Allocation takes from a partial
 * slab, then the empty one, then a new slab from the buddy. A slab that becomes empty is kept if it is the
 * only empty one, otherwise its frames go back to the buddy at once. alloc and free are O(1) (free finds the
 * slab through a hash table of slab buffers).
 *
 * The statistics are those of /proc/slabinfo: active_objs (allocated), num_objs (slots in all slabs), objsize
 * (slot bytes), objperslab, pagesperslab, active_slabs (slabs holding at least one object: full + partial),
 * num_slabs (all, the empty one included).
 */
#ifndef FW_SLAB_H
#define FW_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include "firmware/buddy.h"

#define FW_SLAB_ALIGN 8u
#define FW_SLAB_NAME_MAX 32u

struct fw_slab_cache;

/* A snapshot of a cache (fw_slab_info). */
struct fw_slab_info {
    char name[FW_SLAB_NAME_MAX];
    uint64_t active_objs, num_objs;
    size_t objsize;             /* slot bytes: reqsize rounded up to FW_SLAB_ALIGN */
    size_t reqsize;             /* the object size the cache was created with */
    unsigned objperslab, pagesperslab;
    uint64_t active_slabs, num_slabs;
    uint64_t allocs, frees;     /* successful calls */
    uint64_t alloc_failures;    /* fw_slab_alloc returning NULL (the buddy had no block) */
    uint64_t bad_frees;         /* fw_slab_free refusing an object */
    uint64_t slabs_grown, slabs_released; /* slabs taken from and given back to the buddy */
};

/* Creates a cache of obj_size-byte objects in slabs of 2^order frames from buddy b (which must outlive the
 * cache); name is copied (truncated to FW_SLAB_NAME_MAX - 1 characters; NULL means ""). No frame is taken
 * until the first allocation. Returns the cache, or NULL when obj_size is 0, a slot does not fit a slab,
 * order > FW_BUDDY_MAX_ORDER, b is NULL, or host memory is short. */
struct fw_slab_cache *fw_slab_cache_new(struct fw_buddy *b, const char *name, size_t obj_size, unsigned order);

/* Destroys the cache, returning every slab's frames to the buddy. Returns 0 (NULL is a no-op), or -1 when
 * objects are still allocated: then nothing changes and the cache stays usable (free them, then retry). */
int fw_slab_cache_destroy(struct fw_slab_cache *c);

/* Allocates an object (contents unspecified). Returns it, FW_SLAB_ALIGN-aligned, or NULL when a new slab is
 * needed and the buddy has no block of the cache's order (or host memory is short); nothing changes then. */
void *fw_slab_alloc(struct fw_slab_cache *c);

/* Frees obj, which fw_slab_alloc of this cache returned. Returns 0, or -1 (nothing changed, counted in
 * bad_frees) when obj is not an allocated object of this cache: another cache's or any other pointer, a
 * pointer inside an object, a double free. */
int fw_slab_free(struct fw_slab_cache *c, void *obj);

/* Returns the frames of the kept empty slab (if any) to the buddy. Returns the number of frames released. */
uint64_t fw_slab_cache_shrink(struct fw_slab_cache *c);

/* Fills *out with the cache's statistics. c and out must be valid. */
void fw_slab_info(const struct fw_slab_cache *c, struct fw_slab_info *out);

/* Checks the cache's invariants: each slab on the list its fill says (full, partial, empty), at most one empty
 * slab, each slab's used-slot bitmap and free-slot stack agreeing with its count, every slab findable by its
 * buffer and its frames an allocated block of the buddy, the object and slab counts matching. Returns 0, or
 * -1 with the first violation in err (NUL-terminated, truncated to errlen; err may be NULL). */
int fw_slab_cache_check(const struct fw_slab_cache *c, char *err, size_t errlen);

#endif
