// SPDX-License-Identifier: MIT
// Slab allocator (firmware/slab.h) on the buddy allocator.
//
// Oracles: slot geometry computed by hand (slab bytes / slot bytes, slots rounded up to 8 bytes); the buddy's
// frame accounting (a cache's slabs are exactly the frames the buddy has allocated); a host-side set of live
// objects, each filled with a pattern of its own that must be intact when it is freed (catches overlap).
#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

extern "C" {
#include "firmware/buddy.h"
#include "firmware/slab.h"
}

namespace {

struct BuddyDeleter {
    void operator()(fw_buddy *b) const { fw_buddy_destroy(b); }
};
using BuddyPtr = std::unique_ptr<fw_buddy, BuddyDeleter>;

// Destroys the cache at scope end; a cache still holding objects is a test failure.
struct CacheDeleter {
    void operator()(fw_slab_cache *c) const { EXPECT_EQ(0, fw_slab_cache_destroy(c)); }
};
using CachePtr = std::unique_ptr<fw_slab_cache, CacheDeleter>;

struct fw_slab_info info_of(const fw_slab_cache *c)
{
    struct fw_slab_info i;
    fw_slab_info(c, &i);
    return i;
}

struct fw_buddy_stats buddy_stats(const fw_buddy *b)
{
    struct fw_buddy_stats s;
    fw_buddy_stats(b, &s);
    return s;
}

std::string check_of(const fw_slab_cache *c)
{
    char err[256];
    return fw_slab_cache_check(c, err, sizeof err) == 0 ? std::string() : std::string(err);
}

std::string buddy_check_of(const fw_buddy *b)
{
    char err[256];
    return fw_buddy_check(b, err, sizeof err) == 0 ? std::string() : std::string(err);
}

uint64_t test_seed()
{
    uint64_t seed = std::random_device{}();
    if (const char *s = std::getenv("VMCOSIM_TEST_SEED"))
        seed = std::strtoull(s, nullptr, 0);
    std::printf("seed %" PRIu64 " (replay: VMCOSIM_TEST_SEED=%" PRIu64 ")\n", seed, seed);
    ::testing::Test::RecordProperty("seed", std::to_string(seed));
    return seed;
}

uintptr_t addr(const void *p)
{
    return reinterpret_cast<uintptr_t>(p);
}

TEST(SlabNew, RejectsBadArguments)
{
    BuddyPtr b(fw_buddy_new(0, 64));
    EXPECT_EQ(nullptr, fw_slab_cache_new(b.get(), "zero", 0, 0));
    EXPECT_EQ(nullptr, fw_slab_cache_new(b.get(), "too big", 4097, 0));
    EXPECT_EQ(nullptr, fw_slab_cache_new(b.get(), "order", 64, 11));
    EXPECT_EQ(nullptr, fw_slab_cache_new(nullptr, "no buddy", 64, 0));
    EXPECT_EQ(0, fw_slab_cache_destroy(nullptr));
    // A slab-sized object fits once; no frame is taken before the first allocation.
    CachePtr c(fw_slab_cache_new(b.get(), "a name longer than thirty-one characters", 4096, 0));
    ASSERT_NE(nullptr, c);
    struct fw_slab_info i = info_of(c.get());
    EXPECT_STREQ("a name longer than thirty-one c", i.name);
    EXPECT_EQ(1u, i.objperslab);
    EXPECT_EQ(0u, i.num_slabs);
    EXPECT_EQ(64u, buddy_stats(b.get()).free_frames);
    CachePtr unnamed(fw_slab_cache_new(b.get(), nullptr, 8, 0));
    ASSERT_NE(nullptr, unnamed);
    EXPECT_STREQ("", info_of(unnamed.get()).name);
}

struct Geometry {
    size_t size;
    unsigned order;
    size_t objsize;      // size rounded up to 8
    unsigned objperslab; // (4096 << order) / objsize
};

// Sizes that divide the slab and sizes that leave a tail unused.
const Geometry kGeometries[] = {
    {64, 0, 64, 64},        // 4096 / 64 = 64 exactly
    {100, 0, 104, 39},      // 4096 / 104 = 39.38: 40 bytes unused
    {4096, 0, 4096, 1},     // one object per slab
    {1, 0, 8, 512},         // rounded up to the 8-byte alignment
    {2000, 1, 2000, 4},     // 8192 / 2000 = 4.096
    {24, 2, 24, 682},       // 16384 / 24 = 682.67
    {3000, 0, 3000, 1},     // 4096 / 3000 = 1.37
    {512, 3, 512, 64},      // 32768 / 512 = 64 exactly
};

TEST(SlabGeometry, SlotsPerSlabAlignmentAndNoOverlap)
{
    for (const Geometry &g : kGeometries) {
        SCOPED_TRACE("size " + std::to_string(g.size) + " order " + std::to_string(g.order));
        BuddyPtr b(fw_buddy_new(0x100, 256));
        CachePtr c(fw_slab_cache_new(b.get(), "geo", g.size, g.order));
        ASSERT_NE(nullptr, c);
        struct fw_slab_info i = info_of(c.get());
        EXPECT_EQ(g.objsize, i.objsize);
        EXPECT_EQ(g.size, i.reqsize);
        EXPECT_EQ(g.objperslab, i.objperslab);
        EXPECT_EQ(1u << g.order, i.pagesperslab);
        // One slab's worth: exactly one slab, taken from the buddy.
        std::vector<void *> objs;
        for (unsigned k = 0; k < g.objperslab; k++) {
            void *p = fw_slab_alloc(c.get());
            ASSERT_NE(nullptr, p);
            EXPECT_EQ(0u, addr(p) % 8) << "object " << k;
            std::memset(p, 0xA5, g.size);  // the whole object is writable (ASan/valgrind would object)
            objs.push_back(p);
        }
        i = info_of(c.get());
        EXPECT_EQ(1u, i.num_slabs);
        EXPECT_EQ(1u, i.active_slabs);
        EXPECT_EQ(g.objperslab, i.num_objs);
        EXPECT_EQ(g.objperslab, i.active_objs);
        EXPECT_EQ(1u << g.order, buddy_stats(b.get()).alloc_frames);
        // Distinct and at least a slot apart, all inside one slab-sized buffer.
        std::vector<uintptr_t> a;
        for (void *p : objs)
            a.push_back(addr(p));
        std::sort(a.begin(), a.end());
        for (size_t k = 1; k < a.size(); k++)
            EXPECT_GE(a[k] - a[k - 1], g.objsize);
        EXPECT_LE(a.back() + g.size - a.front(), size_t(4096) << g.order);
        // The next object needs a second slab.
        void *extra = fw_slab_alloc(c.get());
        ASSERT_NE(nullptr, extra);
        i = info_of(c.get());
        EXPECT_EQ(2u, i.num_slabs);
        EXPECT_EQ(2u * g.objperslab, i.num_objs);
        EXPECT_EQ(2u << g.order, buddy_stats(b.get()).alloc_frames);
        EXPECT_EQ("", check_of(c.get()));
        objs.push_back(extra);
        for (void *p : objs)
            ASSERT_EQ(0, fw_slab_free(c.get(), p));
        EXPECT_EQ("", check_of(c.get()));
    }
}

// 100-byte objects in order-0 slabs: 104-byte slots, 39 per slab. Every figure of slabinfo, by hand.
TEST(SlabInfo, ExactCountsThroughAllocFreeShrinkDestroy)
{
    BuddyPtr b(fw_buddy_new(0x1000, 64));
    const uint64_t free_before = buddy_stats(b.get()).free_frames;
    CachePtr c(fw_slab_cache_new(b.get(), "proc", 100, 0));
    ASSERT_NE(nullptr, c);
    std::vector<void *> objs;
    for (int k = 0; k < 100; k++) {
        objs.push_back(fw_slab_alloc(c.get()));
        ASSERT_NE(nullptr, objs.back());
    }
    // 100 objects = 39 + 39 + 22: three slabs, 117 slots.
    struct fw_slab_info i = info_of(c.get());
    EXPECT_STREQ("proc", i.name);
    EXPECT_EQ(100u, i.active_objs);
    EXPECT_EQ(117u, i.num_objs);
    EXPECT_EQ(104u, i.objsize);
    EXPECT_EQ(39u, i.objperslab);
    EXPECT_EQ(1u, i.pagesperslab);
    EXPECT_EQ(3u, i.active_slabs);
    EXPECT_EQ(3u, i.num_slabs);
    EXPECT_EQ(100u, i.allocs);
    EXPECT_EQ(3u, i.slabs_grown);
    EXPECT_EQ(free_before - 3, buddy_stats(b.get()).free_frames);
    // A slab fills before the next is opened: objects 0..38 share one buffer, 39..77 the next.
    auto buffer_of = [](void *p) { return addr(p) & ~uintptr_t(4095); };
    for (int k = 0; k < 39; k++) {
        EXPECT_EQ(buffer_of(objs[0]), buffer_of(objs[k]));
        EXPECT_EQ(buffer_of(objs[39]), buffer_of(objs[39 + k]));
    }
    EXPECT_NE(buffer_of(objs[0]), buffer_of(objs[39]));
    // Empty the first slab: it is kept (the only empty one).
    for (int k = 0; k < 39; k++)
        ASSERT_EQ(0, fw_slab_free(c.get(), objs[k]));
    i = info_of(c.get());
    EXPECT_EQ(61u, i.active_objs);
    EXPECT_EQ(117u, i.num_objs);
    EXPECT_EQ(2u, i.active_slabs);
    EXPECT_EQ(3u, i.num_slabs);
    EXPECT_EQ(free_before - 3, buddy_stats(b.get()).free_frames);
    // With a partial and an empty slab, a new object comes from the partial one (the third, objects 78..99).
    void *extra = fw_slab_alloc(c.get());
    ASSERT_NE(nullptr, extra);
    EXPECT_EQ(buffer_of(objs[78]), buffer_of(extra));
    EXPECT_EQ(2u, info_of(c.get()).active_slabs);
    ASSERT_EQ(0, fw_slab_free(c.get(), extra));
    // Empty the second: one empty slab is already kept, so this one goes back to the buddy.
    for (int k = 39; k < 78; k++)
        ASSERT_EQ(0, fw_slab_free(c.get(), objs[k]));
    i = info_of(c.get());
    EXPECT_EQ(22u, i.active_objs);
    EXPECT_EQ(78u, i.num_objs);
    EXPECT_EQ(1u, i.active_slabs);
    EXPECT_EQ(2u, i.num_slabs);
    EXPECT_EQ(1u, i.slabs_released);
    EXPECT_EQ(79u, i.frees);
    EXPECT_EQ(free_before - 2, buddy_stats(b.get()).free_frames);
    EXPECT_EQ("", check_of(c.get()));
    // Shrink gives back the kept empty slab.
    EXPECT_EQ(1u, fw_slab_cache_shrink(c.get()));
    EXPECT_EQ(0u, fw_slab_cache_shrink(c.get()));
    i = info_of(c.get());
    EXPECT_EQ(1u, i.num_slabs);
    EXPECT_EQ(39u, i.num_objs);
    EXPECT_EQ(free_before - 1, buddy_stats(b.get()).free_frames);
    // Destroy refuses while 22 objects live, and the cache stays usable.
    EXPECT_EQ(-1, fw_slab_cache_destroy(c.get()));
    EXPECT_EQ(22u, info_of(c.get()).active_objs);
    EXPECT_EQ("", check_of(c.get()));
    for (int k = 78; k < 100; k++)
        ASSERT_EQ(0, fw_slab_free(c.get(), objs[k]));
    EXPECT_EQ(0, fw_slab_cache_destroy(c.release()));
    EXPECT_EQ(free_before, buddy_stats(b.get()).free_frames);
    EXPECT_EQ("", buddy_check_of(b.get()));
    struct fw_buddy_stats s = buddy_stats(b.get());
    EXPECT_EQ(1u, s.free_blocks[6]);  // 0x1000..0x103f merged back into its one order-6 block
}

// An 8-frame buddy and order-1 slabs of 16 objects: 4 slabs, 64 objects, then NULL.
TEST(SlabDry, AllocUntilTheBuddyRunsDry)
{
    BuddyPtr b(fw_buddy_new(0x200, 8));
    CachePtr c(fw_slab_cache_new(b.get(), "region", 512, 1));
    std::vector<void *> objs;
    for (int k = 0; k < 64; k++) {
        objs.push_back(fw_slab_alloc(c.get()));
        ASSERT_NE(nullptr, objs.back()) << "object " << k;
    }
    EXPECT_EQ(0u, buddy_stats(b.get()).free_frames);
    EXPECT_EQ(nullptr, fw_slab_alloc(c.get()));
    EXPECT_EQ(nullptr, fw_slab_alloc(c.get()));
    struct fw_slab_info i = info_of(c.get());
    EXPECT_EQ(2u, i.alloc_failures);
    EXPECT_EQ(64u, i.active_objs);
    EXPECT_EQ(64u, i.num_objs);
    EXPECT_EQ(4u, i.num_slabs);
    EXPECT_EQ("", check_of(c.get()));
    // Freeing one makes room for exactly one more: the same slot comes back.
    ASSERT_EQ(0, fw_slab_free(c.get(), objs[17]));
    void *again = fw_slab_alloc(c.get());
    EXPECT_EQ(objs[17], again);
    EXPECT_EQ(nullptr, fw_slab_alloc(c.get()));
    // A second cache on the exhausted buddy gets nothing, cleanly.
    CachePtr other(fw_slab_cache_new(b.get(), "other", 64, 0));
    EXPECT_EQ(nullptr, fw_slab_alloc(other.get()));
    EXPECT_EQ(0u, info_of(other.get()).num_slabs);
    for (void *p : objs)
        ASSERT_EQ(0, fw_slab_free(c.get(), p));
    EXPECT_EQ(0, fw_slab_cache_destroy(c.release()));
    EXPECT_EQ(8u, buddy_stats(b.get()).free_frames);
    EXPECT_EQ(1u, buddy_stats(b.get()).free_blocks[3]);
}

// A slab of order 1 cannot be made from order-0 fragments even with frames free.
TEST(SlabDry, FragmentedBuddyRefusesLargerSlabs)
{
    BuddyPtr b(fw_buddy_new(0, 8));
    std::vector<uint64_t> frames(8);
    for (auto &f : frames)
        ASSERT_EQ(0, fw_buddy_alloc(b.get(), 0, &f));
    for (uint64_t f : frames)
        if (f % 2 == 0)
            ASSERT_EQ(0, fw_buddy_free(b.get(), f, 0));
    CachePtr big(fw_slab_cache_new(b.get(), "big", 64, 1));
    CachePtr small(fw_slab_cache_new(b.get(), "small", 64, 0));
    EXPECT_EQ(nullptr, fw_slab_alloc(big.get()));
    void *p = fw_slab_alloc(small.get());
    EXPECT_NE(nullptr, p);
    EXPECT_EQ(3u, buddy_stats(b.get()).free_frames);
    ASSERT_EQ(0, fw_slab_free(small.get(), p));
    for (uint64_t f : frames)
        if (f % 2 == 1)
            ASSERT_EQ(0, fw_buddy_free(b.get(), f, 0));
}

TEST(SlabReuse, FreedObjectIsHandedOutAgain)
{
    BuddyPtr b(fw_buddy_new(0, 16));
    CachePtr c(fw_slab_cache_new(b.get(), "swap", 48, 0));
    void *a = fw_slab_alloc(c.get());
    void *x = fw_slab_alloc(c.get());
    void *y = fw_slab_alloc(c.get());
    ASSERT_TRUE(a && x && y);
    EXPECT_EQ(48u, addr(x) - addr(a));  // a fresh slab hands out slots in address order
    ASSERT_EQ(0, fw_slab_free(c.get(), x));
    ASSERT_EQ(0, fw_slab_free(c.get(), a));
    EXPECT_EQ(a, fw_slab_alloc(c.get()));  // last freed, first reused
    EXPECT_EQ(x, fw_slab_alloc(c.get()));
    EXPECT_EQ(1u, info_of(c.get()).num_slabs);
    for (void *p : {a, x, y})
        ASSERT_EQ(0, fw_slab_free(c.get(), p));
    // The emptied slab is kept; a new object comes from it, not from the buddy.
    EXPECT_EQ(15u, buddy_stats(b.get()).free_frames);
    void *z = fw_slab_alloc(c.get());
    EXPECT_EQ(15u, buddy_stats(b.get()).free_frames);
    ASSERT_EQ(0, fw_slab_free(c.get(), z));
}

TEST(SlabBadFree, RejectedWithoutChangingState)
{
    BuddyPtr b(fw_buddy_new(0, 32));
    CachePtr c(fw_slab_cache_new(b.get(), "shm", 100, 0));
    CachePtr d(fw_slab_cache_new(b.get(), "other", 100, 0));
    void *p = fw_slab_alloc(c.get());
    void *q = fw_slab_alloc(c.get());
    void *foreign = fw_slab_alloc(d.get());
    ASSERT_TRUE(p && q && foreign);
    int on_stack = 0;
    std::vector<char> heap(64);
    uintptr_t base = addr(p) & ~uintptr_t(4095);
    void *const bad[] = {
        nullptr,
        static_cast<char *>(p) + 8,                     // inside an object
        static_cast<char *>(p) + 104 * 5,               // a slot never handed out
        reinterpret_cast<void *>(base + 39 * 104),      // the unused tail after the last slot
        foreign,                                        // another cache's object
        &on_stack,
        heap.data(),
    };
    const struct fw_slab_info before = info_of(c.get());
    for (void *x : bad)
        EXPECT_EQ(-1, fw_slab_free(c.get(), x)) << x;
    struct fw_slab_info after = info_of(c.get());
    EXPECT_EQ(before.active_objs, after.active_objs);
    EXPECT_EQ(before.frees, after.frees);
    EXPECT_EQ(std::size(bad), after.bad_frees);
    EXPECT_EQ("", check_of(c.get()));
    // Double free.
    ASSERT_EQ(0, fw_slab_free(c.get(), p));
    EXPECT_EQ(-1, fw_slab_free(c.get(), p));
    EXPECT_EQ(1u, info_of(c.get()).active_objs);
    EXPECT_EQ("", check_of(c.get()));
    ASSERT_EQ(0, fw_slab_free(c.get(), q));
    ASSERT_EQ(0, fw_slab_free(d.get(), foreign));
    // Objects of a cache that released its slab are refused too (the slab is gone).
    EXPECT_EQ(1u, fw_slab_cache_shrink(c.get()));
    EXPECT_EQ(-1, fw_slab_free(c.get(), q));
}

// Fills an object with a pattern derived from its id.
void fill_pattern(void *p, size_t size, uint64_t id)
{
    auto *bytes = static_cast<unsigned char *>(p);
    for (size_t k = 0; k < size; k++)
        bytes[k] = static_cast<unsigned char>((id * 131 + k * 7) ^ (id >> 8));
}

bool pattern_intact(const void *p, size_t size, uint64_t id)
{
    auto *bytes = static_cast<const unsigned char *>(p);
    for (size_t k = 0; k < size; k++)
        if (bytes[k] != static_cast<unsigned char>((id * 131 + k * 7) ^ (id >> 8)))
            return false;
    return true;
}

struct Live {
    size_t cache;
    uint64_t id;
};

// Three caches of different sizes and orders sharing a small buddy: random allocs and frees, the live set
// as oracle, every invariant and the frame accounting checked after every operation.
TEST(SlabStress, RandomAllocFreeAgainstLiveSet)
{
    uint64_t seed = test_seed();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937_64 rng(seed);
    BuddyPtr b(fw_buddy_new(0x3000, 96));
    const struct fw_buddy_stats initial = buddy_stats(b.get());
    const struct {
        size_t size;
        unsigned order;
    } kinds[] = {{40, 0}, {200, 1}, {1000, 0}, {24, 2}};
    std::vector<CachePtr> caches;
    for (const auto &k : kinds) {
        caches.emplace_back(fw_slab_cache_new(b.get(), "stress", k.size, k.order));
        ASSERT_NE(nullptr, caches.back());
    }
    std::map<void *, Live> live;
    std::vector<void *> order;  // live objects, for picking one at random
    uint64_t next_id = 1, nulls = 0;
    for (unsigned op = 0; op < 20000; op++) {
        SCOPED_TRACE("op " + std::to_string(op));
        unsigned alloc_pct = (op / 2000) % 2 ? 30 : 75;  // phases that fill and drain the buddy
        if (order.empty() || rng() % 100 < alloc_pct) {
            size_t ci = (size_t)(rng() % caches.size());
            fw_slab_cache *c = caches[ci].get();
            struct fw_slab_info before = info_of(c);
            struct fw_buddy_stats bs = buddy_stats(b.get());
            void *p = fw_slab_alloc(c);
            if (!p) {
                // Only when no slot is free and the buddy has no block of the cache's order or larger.
                EXPECT_EQ(before.active_objs, before.num_objs);
                uint64_t suitable = 0;
                for (unsigned o = kinds[ci].order; o < FW_BUDDY_ORDERS; o++)
                    suitable += bs.free_blocks[o];
                EXPECT_EQ(0u, suitable);
                nulls++;
            } else {
                ASSERT_EQ(0u, addr(p) % 8);
                ASSERT_EQ(0u, live.count(p)) << "object handed out twice";
                fill_pattern(p, kinds[ci].size, next_id);
                live[p] = Live{ci, next_id++};
                order.push_back(p);
            }
        } else {
            size_t k = (size_t)(rng() % order.size());
            std::swap(order[k], order.back());
            void *p = order.back();
            order.pop_back();
            Live l = live[p];
            ASSERT_TRUE(pattern_intact(p, kinds[l.cache].size, l.id)) << "object " << l.id << " overwritten";
            ASSERT_EQ(0, fw_slab_free(caches[l.cache].get(), p));
            live.erase(p);
            // Freeing it again, or through another cache, is refused.
            ASSERT_EQ(-1, fw_slab_free(caches[(l.cache + 1 + rng() % 3) % caches.size()].get(), p));
        }
        // Accounting: the caches' slabs are exactly the buddy's allocated frames.
        uint64_t slab_frames = 0, objs = 0;
        for (auto &c : caches) {
            ASSERT_EQ("", check_of(c.get()));
            struct fw_slab_info i = info_of(c.get());
            slab_frames += i.num_slabs * i.pagesperslab;
            objs += i.active_objs;
        }
        ASSERT_EQ(slab_frames, buddy_stats(b.get()).alloc_frames);
        ASSERT_EQ(live.size(), objs);
        ASSERT_EQ("", buddy_check_of(b.get()));
    }
    for (auto &[p, l] : live)
        ASSERT_TRUE(pattern_intact(p, kinds[l.cache].size, l.id)) << "object " << l.id << " overwritten";
    std::printf("  %zu live at the end, %" PRIu64 " allocations refused\n", live.size(), nulls);
    for (auto &[p, l] : live)
        ASSERT_EQ(0, fw_slab_free(caches[l.cache].get(), p));
    for (auto &c : caches)
        EXPECT_EQ(0, fw_slab_cache_destroy(c.release()));
    struct fw_buddy_stats s = buddy_stats(b.get());
    EXPECT_EQ(initial.free_frames, s.free_frames);
    EXPECT_TRUE(std::equal(std::begin(initial.free_blocks), std::end(initial.free_blocks), std::begin(s.free_blocks)));
}

}  // namespace
