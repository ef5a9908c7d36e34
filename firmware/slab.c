/* SPDX-License-Identifier: MIT */
/* Slab allocator (see slab.h for the contract).
 *
 * Each slab owns a buddy block (pfn, order) and a host buffer of the same size, aligned to that size, so the
 * slab of any object is found by rounding the object's address down to the buffer size and looking the
 * result up in a chained hash table. Per slab, a bitmap says which slots are allocated (that is what catches
 * double frees) and a stack holds the free slot numbers (O(1) alloc and free).
 */
#include "firmware/slab.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fw_slab;

struct slab_list {
    struct fw_slab *head;
    uint64_t count;
};

struct fw_slab {
    struct fw_slab *prev, *next; /* on the list `list` of the cache */
    struct fw_slab *hash_next;   /* chain in the cache's buffer table */
    struct slab_list *list;
    unsigned char *mem;          /* host buffer: slab_bytes, aligned to slab_bytes */
    uint64_t pfn;                /* the buddy block behind the slab */
    unsigned inuse;              /* allocated slots */
    uint32_t *free_slots;        /* stack of free slot numbers, objperslab - inuse deep */
    uint64_t *used;              /* bitmap of allocated slots */
};

/* A slab's fill; it indexes the cache's lists. */
enum fill { FILL_EMPTY, FILL_PARTIAL, FILL_FULL, FILLS };

struct fw_slab_cache {
    struct fw_buddy *buddy;
    char name[FW_SLAB_NAME_MAX];
    size_t reqsize, objsize, slab_bytes;
    unsigned order, objperslab;
    struct slab_list lists[FILLS];
    struct fw_slab **buckets;    /* buffer table: nbuckets chains, nbuckets a power of two */
    size_t nbuckets;
    uint64_t active_objs;
    uint64_t allocs, frees, alloc_failures, bad_frees, slabs_grown, slabs_released;
};

#define INITIAL_BUCKETS 16u

/* ---------------------------------------------------------------- slot bitmap */

static size_t bitmap_words(unsigned bits)
{
    return (bits + 63u) / 64u;
}

static bool bit_test(const uint64_t *map, unsigned i)
{
    return (map[i / 64] >> (i % 64)) & 1u;
}

static void bit_flip(uint64_t *map, unsigned i)
{
    map[i / 64] ^= (uint64_t)1 << (i % 64);
}

/* ---------------------------------------------------------------- slab lists */

static void list_add(struct slab_list *l, struct fw_slab *s)
{
    s->list = l;
    s->prev = NULL;
    s->next = l->head;
    if (l->head)
        l->head->prev = s;
    l->head = s;
    l->count++;
}

static void list_del(struct fw_slab *s)
{
    struct slab_list *l = s->list;
    if (s->prev)
        s->prev->next = s->next;
    else
        l->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->prev = s->next = NULL;
    s->list = NULL;
    l->count--;
}

static enum fill fill_of(const struct fw_slab_cache *c, unsigned inuse)
{
    if (inuse == 0)
        return FILL_EMPTY;
    return inuse == c->objperslab ? FILL_FULL : FILL_PARTIAL;
}

static uint64_t slab_count(const struct fw_slab_cache *c)
{
    return c->lists[FILL_EMPTY].count + c->lists[FILL_PARTIAL].count + c->lists[FILL_FULL].count;
}

/* ---------------------------------------------------------------- buffer table */

static size_t bucket_of(const struct fw_slab_cache *c, uintptr_t base, size_t nbuckets)
{
    uint64_t key = (uint64_t)base / c->slab_bytes;
    return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 32) & (nbuckets - 1);
}

static void table_link(struct fw_slab **buckets, size_t i, struct fw_slab *s)
{
    s->hash_next = buckets[i];
    buckets[i] = s;
}

/* Doubles the table when it holds more slabs than chains. A failed growth only lengthens the chains. */
static void table_grow(struct fw_slab_cache *c)
{
    if (slab_count(c) <= c->nbuckets || c->nbuckets > SIZE_MAX / 2 / sizeof(struct fw_slab *))
        return;
    size_t n = c->nbuckets * 2;
    struct fw_slab **buckets = calloc(n, sizeof *buckets);
    if (!buckets)
        return;
    for (size_t i = 0; i < c->nbuckets; i++) {
        for (struct fw_slab *s = c->buckets[i], *next; s; s = next) {
            next = s->hash_next;
            table_link(buckets, bucket_of(c, (uintptr_t)s->mem, n), s);
        }
    }
    free(c->buckets);
    c->buckets = buckets;
    c->nbuckets = n;
}

static void table_remove(struct fw_slab_cache *c, struct fw_slab *s)
{
    struct fw_slab **link = &c->buckets[bucket_of(c, (uintptr_t)s->mem, c->nbuckets)];
    while (*link != s)
        link = &(*link)->hash_next;
    *link = s->hash_next;
    s->hash_next = NULL;
}

static struct fw_slab *table_find(const struct fw_slab_cache *c, uintptr_t base)
{
    struct fw_slab *s = c->buckets[bucket_of(c, base, c->nbuckets)];
    while (s && (uintptr_t)s->mem != base)
        s = s->hash_next;
    return s;
}

/* ---------------------------------------------------------------- slabs */

static void slab_free_host(struct fw_slab *s)
{
    if (!s)
        return;
    free(s->mem);
    free(s->free_slots);
    free(s->used);
    free(s);
}

/* Takes a block from the buddy and builds an empty slab on it, filed on the empty list and in the table.
 * Returns it, or NULL (nothing taken) when the buddy has no block or host memory is short. */
static struct fw_slab *slab_create(struct fw_slab_cache *c)
{
    struct fw_slab *s = calloc(1, sizeof *s);
    if (!s)
        goto fail;
    s->mem = aligned_alloc(c->slab_bytes, c->slab_bytes);
    s->free_slots = malloc(c->objperslab * sizeof s->free_slots[0]);
    s->used = calloc(bitmap_words(c->objperslab), sizeof s->used[0]);
    if (!s->mem || !s->free_slots || !s->used)
        goto fail;
    if (fw_buddy_alloc(c->buddy, c->order, &s->pfn))
        goto fail;
    /* Slot 0 on top of the stack: a fresh slab hands out its slots in address order. */
    for (unsigned k = 0; k < c->objperslab; k++)
        s->free_slots[k] = c->objperslab - 1 - k;
    list_add(&c->lists[FILL_EMPTY], s);
    table_grow(c);
    table_link(c->buckets, bucket_of(c, (uintptr_t)s->mem, c->nbuckets), s);
    c->slabs_grown++;
    return s;
fail:
    slab_free_host(s);
    return NULL;
}

/* Unfiles the slab, gives its block back to the buddy and frees its host memory. */
static void slab_release(struct fw_slab_cache *c, struct fw_slab *s)
{
    list_del(s);
    table_remove(c, s);
    /* The block was allocated by slab_create and is held only by this slab, so the buddy takes it back. */
    (void)fw_buddy_free(c->buddy, s->pfn, c->order);
    slab_free_host(s);
    c->slabs_released++;
}

/* Moves the slab to the list its fill calls for; an empty slab beyond the one kept goes back to the buddy. */
static void slab_refile(struct fw_slab_cache *c, struct fw_slab *s)
{
    struct slab_list *target = &c->lists[fill_of(c, s->inuse)];
    if (target == s->list)
        return;
    if (target == &c->lists[FILL_EMPTY] && target->count > 0) {
        slab_release(c, s);
        return;
    }
    list_del(s);
    list_add(target, s);
}

/* The slab holding obj and the slot number of obj, or NULL when obj is not the start of a slot of one of the
 * cache's slabs. */
static struct fw_slab *slab_of(const struct fw_slab_cache *c, const void *obj, unsigned *slot)
{
    uintptr_t addr = (uintptr_t)obj;
    uintptr_t base = addr & ~(uintptr_t)(c->slab_bytes - 1);
    struct fw_slab *s = table_find(c, base);
    if (!s)
        return NULL;
    size_t offset = addr - base;
    if (offset % c->objsize != 0 || offset / c->objsize >= c->objperslab)
        return NULL;
    *slot = (unsigned)(offset / c->objsize);
    return s;
}

/* ---------------------------------------------------------------- caches */

static void copy_name(char *dst, const char *src)
{
    size_t n = src ? strnlen(src, FW_SLAB_NAME_MAX - 1) : 0;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

struct fw_slab_cache *fw_slab_cache_new(struct fw_buddy *b, const char *name, size_t obj_size, unsigned order)
{
    struct fw_slab_cache *c = NULL;
    if (!b || order > FW_BUDDY_MAX_ORDER || obj_size == 0 || obj_size > ((size_t)FW_PAGE_SIZE << order))
        goto fail;
    c = calloc(1, sizeof *c);
    if (!c)
        goto fail;
    c->buckets = calloc(INITIAL_BUCKETS, sizeof c->buckets[0]);
    if (!c->buckets)
        goto fail;
    c->nbuckets = INITIAL_BUCKETS;
    c->buddy = b;
    copy_name(c->name, name);
    c->reqsize = obj_size;
    c->objsize = (obj_size + FW_SLAB_ALIGN - 1) / FW_SLAB_ALIGN * FW_SLAB_ALIGN;
    c->slab_bytes = (size_t)FW_PAGE_SIZE << order;
    c->order = order;
    c->objperslab = (unsigned)(c->slab_bytes / c->objsize);
    if (c->objperslab == 0)
        goto fail;
    return c;
fail:
    if (c)
        free(c->buckets);
    free(c);
    return NULL;
}

static void release_list(struct fw_slab_cache *c, struct slab_list *l)
{
    while (l->head)
        slab_release(c, l->head);
}

int fw_slab_cache_destroy(struct fw_slab_cache *c)
{
    if (!c)
        return 0;
    if (c->active_objs)
        return -1;
    for (unsigned f = 0; f < FILLS; f++)
        release_list(c, &c->lists[f]);
    free(c->buckets);
    free(c);
    return 0;
}

void *fw_slab_alloc(struct fw_slab_cache *c)
{
    struct fw_slab *s = c->lists[FILL_PARTIAL].head ? c->lists[FILL_PARTIAL].head : c->lists[FILL_EMPTY].head;
    if (!s)
        s = slab_create(c);
    if (!s) {
        c->alloc_failures++;
        return NULL;
    }
    unsigned slot = s->free_slots[c->objperslab - s->inuse - 1];
    bit_flip(s->used, slot);
    s->inuse++;
    slab_refile(c, s);
    c->active_objs++;
    c->allocs++;
    return s->mem + (size_t)slot * c->objsize;
}

int fw_slab_free(struct fw_slab_cache *c, void *obj)
{
    unsigned slot = 0;
    struct fw_slab *s = slab_of(c, obj, &slot);
    if (!s || !bit_test(s->used, slot)) {
        c->bad_frees++;
        return -1;
    }
    bit_flip(s->used, slot);
    s->free_slots[c->objperslab - s->inuse] = slot;
    s->inuse--;
    c->active_objs--;
    c->frees++;
    slab_refile(c, s);
    return 0;
}

uint64_t fw_slab_cache_shrink(struct fw_slab_cache *c)
{
    uint64_t frames = c->lists[FILL_EMPTY].count << c->order;
    release_list(c, &c->lists[FILL_EMPTY]);
    return frames;
}

void fw_slab_info(const struct fw_slab_cache *c, struct fw_slab_info *out)
{
    memset(out, 0, sizeof *out);
    memcpy(out->name, c->name, sizeof out->name);
    uint64_t slabs = slab_count(c);
    out->active_objs = c->active_objs;
    out->num_objs = slabs * c->objperslab;
    out->objsize = c->objsize;
    out->reqsize = c->reqsize;
    out->objperslab = c->objperslab;
    out->pagesperslab = 1u << c->order;
    out->active_slabs = c->lists[FILL_PARTIAL].count + c->lists[FILL_FULL].count;
    out->num_slabs = slabs;
    out->allocs = c->allocs;
    out->frees = c->frees;
    out->alloc_failures = c->alloc_failures;
    out->bad_frees = c->bad_frees;
    out->slabs_grown = c->slabs_grown;
    out->slabs_released = c->slabs_released;
}

/* ---------------------------------------------------------------- self-check */

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

/* Checks that the used bitmap counts inuse slots and that the free stack holds each other slot once;
 * seen is scratch of bitmap_words(objperslab) words. */
static int check_slots(const struct fw_slab_cache *c, const struct fw_slab *s, uint64_t *seen, char *err,
                       size_t errlen)
{
    unsigned used = 0;
    for (size_t w = 0; w < bitmap_words(c->objperslab); w++)
        used += (unsigned)__builtin_popcountll(s->used[w]);
    if (used != s->inuse)
        return report(err, errlen, "slab pfn %#llx: %u slots marked used, inuse %u", (unsigned long long)s->pfn,
                      used, s->inuse);
    memset(seen, 0, bitmap_words(c->objperslab) * sizeof seen[0]);
    for (unsigned k = 0; k < c->objperslab - s->inuse; k++) {
        uint32_t slot = s->free_slots[k];
        if (slot >= c->objperslab || bit_test(s->used, slot) || bit_test(seen, slot))
            return report(err, errlen, "slab pfn %#llx: free stack entry %u (slot %u) is out of range, used or repeated",
                          (unsigned long long)s->pfn, k, slot);
        bit_flip(seen, slot);
    }
    return 0;
}

/* Checks one slab's filing, buffer, block and slots; adds its allocated objects to *objs. */
static int check_slab(const struct fw_slab_cache *c, const struct fw_slab *s, const struct slab_list *l,
                      uint64_t *seen, uint64_t *objs, char *err, size_t errlen)
{
    if (s->list != l || &c->lists[fill_of(c, s->inuse)] != l)
        return report(err, errlen, "slab pfn %#llx with %u of %u slots used is on the wrong list",
                      (unsigned long long)s->pfn, s->inuse, c->objperslab);
    if ((uintptr_t)s->mem % c->slab_bytes != 0 || table_find(c, (uintptr_t)s->mem) != s)
        return report(err, errlen, "slab pfn %#llx: buffer misaligned or not in the table", (unsigned long long)s->pfn);
    if (!fw_buddy_is_allocated(c->buddy, s->pfn, c->order))
        return report(err, errlen, "slab pfn %#llx: not an allocated order-%u buddy block", (unsigned long long)s->pfn,
                      c->order);
    *objs += s->inuse;
    return check_slots(c, s, seen, err, errlen);
}

static int check_list(const struct fw_slab_cache *c, const struct slab_list *l, uint64_t *seen, uint64_t *objs,
                      char *err, size_t errlen)
{
    uint64_t n = 0;
    const struct fw_slab *prev = NULL;
    for (const struct fw_slab *s = l->head; s; prev = s, s = s->next, n++) {
        if (n >= l->count || s->prev != prev)
            return report(err, errlen, "a slab list is longer than its count %llu or badly linked",
                          (unsigned long long)l->count);
        if (check_slab(c, s, l, seen, objs, err, errlen))
            return -1;
    }
    if (n != l->count)
        return report(err, errlen, "a slab list holds %llu slabs, count %llu", (unsigned long long)n,
                      (unsigned long long)l->count);
    return 0;
}

static uint64_t table_entries(const struct fw_slab_cache *c)
{
    uint64_t n = 0;
    for (size_t i = 0; i < c->nbuckets; i++)
        for (const struct fw_slab *s = c->buckets[i]; s; s = s->hash_next)
            n++;
    return n;
}

int fw_slab_cache_check(const struct fw_slab_cache *c, char *err, size_t errlen)
{
    int rc = -1;
    uint64_t objs = 0;
    uint64_t *seen = calloc(bitmap_words(c->objperslab), sizeof *seen);
    if (err && errlen)
        err[0] = '\0';
    if (!seen) {
        report(err, errlen, "out of host memory");
        goto out;
    }
    for (unsigned f = 0; f < FILLS; f++)
        if (check_list(c, &c->lists[f], seen, &objs, err, errlen))
            goto out;
    if (c->lists[FILL_EMPTY].count > 1) {
        report(err, errlen, "%llu empty slabs kept", (unsigned long long)c->lists[FILL_EMPTY].count);
        goto out;
    }
    if (objs != c->active_objs || table_entries(c) != slab_count(c)) {
        report(err, errlen, "%llu objects in slabs, active_objs %llu; table entries %llu",
               (unsigned long long)objs, (unsigned long long)c->active_objs, (unsigned long long)table_entries(c));
        goto out;
    }
    rc = 0;
out:
    free(seen);
    return rc;
}
