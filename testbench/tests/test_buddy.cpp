// SPDX-License-Identifier: MIT
// Buddy allocator of page frames (firmware/buddy.h).
//
// Oracles, independent of the allocator's internals:
// - The aligned blocks of order k inside [first, end) are the multiples of 2^k from ceil(first / 2^k) * 2^k
//   to floor(end / 2^k) * 2^k - 2^k. A fresh allocator must hand out exactly those, then fail (as Linux's
//   drm_buddy KUnit tests fill a range at every order).
// - With eager merging, alloc(k) fails exactly when no aligned order-k block has all its frames free: a
//   host bitmap of allocated frames decides it, and also catches overlapping blocks.
// - After everything is freed the free-block census equals the one the allocator started with.
// - Fragmentation indices: worked examples computed by hand below from mm/vmstat.c's integer formulas.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

extern "C" {
#include "firmware/buddy.h"
}

namespace {

struct BuddyDeleter {
    void operator()(fw_buddy *b) const { fw_buddy_destroy(b); }
};
using BuddyPtr = std::unique_ptr<fw_buddy, BuddyDeleter>;
using Census = std::array<uint64_t, FW_BUDDY_ORDERS>;

BuddyPtr make_buddy(uint64_t first, uint64_t n)
{
    return BuddyPtr(fw_buddy_new(first, n));
}

struct fw_buddy_stats stats_of(const fw_buddy *b)
{
    struct fw_buddy_stats s;
    fw_buddy_stats(b, &s);
    return s;
}

Census census_of(const fw_buddy *b)
{
    struct fw_buddy_stats s = stats_of(b);
    Census c;
    std::copy(std::begin(s.free_blocks), std::end(s.free_blocks), c.begin());
    return c;
}

std::string check_of(const fw_buddy *b)
{
    char err[256];
    return fw_buddy_check(b, err, sizeof err) == 0 ? std::string() : std::string(err);
}

#define EXPECT_CONSISTENT(b) EXPECT_EQ("", check_of(b))
#define ASSERT_CONSISTENT(b) ASSERT_EQ("", check_of(b))

uint64_t frames_of(unsigned order)
{
    return uint64_t(1) << order;
}

// The first pfns of every aligned order-k block inside [first, first + n), ascending.
std::vector<uint64_t> aligned_blocks(uint64_t first, uint64_t n, unsigned order)
{
    std::vector<uint64_t> v;
    uint64_t size = frames_of(order);
    for (uint64_t p = (first + size - 1) / size * size; p + size <= first + n; p += size)
        v.push_back(p);
    return v;
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

// Host bitmap of allocated frames over [first, first + n).
struct FrameOracle {
    uint64_t first, n;
    std::vector<bool> used;
    FrameOracle(uint64_t f, uint64_t count) : first(f), n(count), used(count, false) {}

    // Marks a block allocated; false if it leaves the range, is misaligned, or overlaps a live block.
    bool take(uint64_t pfn, unsigned order)
    {
        uint64_t size = frames_of(order);
        if (pfn < first || pfn - first + size > n || pfn % size != 0)
            return false;
        for (uint64_t i = pfn - first; i < pfn - first + size; i++) {
            if (used[i])
                return false;
            used[i] = true;
        }
        return true;
    }
    void give(uint64_t pfn, unsigned order)
    {
        for (uint64_t i = pfn - first; i < pfn - first + frames_of(order); i++)
            used[i] = false;
    }
    uint64_t free_frames() const { return (uint64_t)std::count(used.begin(), used.end(), false); }
    // Whether some aligned order-k block in range has every frame free.
    bool can_alloc(unsigned order) const
    {
        for (uint64_t p : aligned_blocks(first, n, order)) {
            bool all_free = true;
            for (uint64_t i = p - first; all_free && i < p - first + frames_of(order); i++)
                all_free = !used[i];
            if (all_free)
                return true;
        }
        return false;
    }
};

TEST(BuddyNew, RejectsEmptyAndWrappingRanges)
{
    EXPECT_EQ(nullptr, fw_buddy_new(0, 0));
    EXPECT_EQ(nullptr, fw_buddy_new(UINT64_MAX - 5, 10));
    BuddyPtr b = make_buddy(UINT64_MAX - 10, 10);  // ends exactly at UINT64_MAX: allowed
    ASSERT_NE(nullptr, b);
    EXPECT_CONSISTENT(b.get());
    EXPECT_EQ(10u, stats_of(b.get()).free_frames);
}

TEST(BuddyInit, AlignedRangeIsMaxOrderBlocks)
{
    BuddyPtr b = make_buddy(0x80000, 4096);
    ASSERT_NE(nullptr, b);
    ASSERT_CONSISTENT(b.get());
    Census want{};
    want[10] = 4;
    EXPECT_EQ(want, census_of(b.get()));
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(0x80000u, s.first_pfn);
    EXPECT_EQ(4096u, s.total_frames);
    EXPECT_EQ(4096u, s.free_frames);
    EXPECT_EQ(0u, s.alloc_frames);
    EXPECT_EQ(0u, s.alloc_blocks);
}

// [3, 23) by hand: 3 (order 0), 4..7 (order 2: 8 would be misaligned for order 3), 8..15 (order 3),
// 16..19 (order 2: 16..23 would pass the end), 20..21 (order 1), 22 (order 0).
TEST(BuddyInit, UnalignedRangeIsItsMaximalAlignedBlocks)
{
    BuddyPtr b = make_buddy(3, 20);
    ASSERT_NE(nullptr, b);
    ASSERT_CONSISTENT(b.get());
    Census want{};
    want[0] = 2;
    want[1] = 1;
    want[2] = 2;
    want[3] = 1;
    EXPECT_EQ(want, census_of(b.get()));
    // The only order-3 block is 8; order 4 is impossible.
    uint64_t pfn = 0;
    ASSERT_EQ(0, fw_buddy_alloc(b.get(), 3, &pfn));
    EXPECT_EQ(8u, pfn);
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 3, &pfn));
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 4, &pfn));
    EXPECT_CONSISTENT(b.get());
}

// Fills a fresh allocator at one order; returns the blocks in allocation order.
std::vector<uint64_t> fill_at(fw_buddy *b, unsigned order, FrameOracle &oracle)
{
    std::vector<uint64_t> got;
    uint64_t pfn = 0;
    while (fw_buddy_alloc(b, order, &pfn) == 0) {
        EXPECT_TRUE(oracle.take(pfn, order)) << "order " << order << " block " << pfn << " misplaced or overlapping";
        got.push_back(pfn);
        if (got.size() > oracle.n)
            break;
    }
    return got;
}

// Every order in turn on one range: exactly the aligned blocks, then failure, then the initial census back.
void fill_every_order(uint64_t first, uint64_t n)
{
    SCOPED_TRACE("range first " + std::to_string(first) + " frames " + std::to_string(n));
    BuddyPtr b = make_buddy(first, n);
    ASSERT_NE(nullptr, b);
    const Census initial = census_of(b.get());
    for (unsigned order = 0; order <= FW_BUDDY_MAX_ORDER; order++) {
        SCOPED_TRACE("order " + std::to_string(order));
        FrameOracle oracle(first, n);
        std::vector<uint64_t> got = fill_at(b.get(), order, oracle);
        ASSERT_CONSISTENT(b.get());
        std::vector<uint64_t> want = aligned_blocks(first, n, order);
        std::vector<uint64_t> sorted = got;
        std::sort(sorted.begin(), sorted.end());
        EXPECT_EQ(want, sorted);
        struct fw_buddy_stats s = stats_of(b.get());
        EXPECT_EQ(want.size() << order, s.alloc_frames);
        EXPECT_EQ(n - (want.size() << order), s.free_frames);
        EXPECT_EQ(want.size(), s.alloc_blocks);
        uint64_t pfn = 0;
        EXPECT_EQ(-1, fw_buddy_alloc(b.get(), order, &pfn));
        // Free in reverse allocation order, checking as we go.
        for (size_t i = got.size(); i-- > 0;) {
            ASSERT_EQ(0, fw_buddy_free(b.get(), got[i], order));
            if (i % 97 == 0)
                ASSERT_CONSISTENT(b.get());
        }
        ASSERT_CONSISTENT(b.get());
        EXPECT_EQ(initial, census_of(b.get()));
        EXPECT_EQ(n, stats_of(b.get()).free_frames);
    }
}

TEST(BuddyFill, EveryOrderOnAlignedRange)
{
    // nframes >> order blocks at every order: 4096 frames at a 1024-aligned pfn.
    ASSERT_NO_FATAL_FAILURE(fill_every_order(0x80000, 4096));
    for (unsigned order = 0; order <= FW_BUDDY_MAX_ORDER; order++)
        EXPECT_EQ(4096u >> order, aligned_blocks(0x80000, 4096, order).size());  // the oracle agrees with n >> k
}

TEST(BuddyFill, EveryOrderOnUnalignedAndNonPowerOfTwoRanges)
{
    const std::pair<uint64_t, uint64_t> ranges[] = {
        {3, 20}, {1, 1}, {0, 1}, {1023, 1026}, {5, 3000}, {0x12345, 7777}, {1024, 3 * 1024 + 1}, {0x7ff, 2},
    };
    for (const auto &r : ranges)
        ASSERT_NO_FATAL_FAILURE(fill_every_order(r.first, r.second));
}

// Allocate everything at order 0, free every other frame: no two free frames are buddies, so nothing
// merges and every order above 0 fails; then free the rest and everything merges back.
TEST(BuddyPessimistic, EveryOtherFrameFreeThenAllMergeBack)
{
    const uint64_t first = 0x4000, n = 2048;
    BuddyPtr b = make_buddy(first, n);
    ASSERT_NE(nullptr, b);
    const Census initial = census_of(b.get());
    FrameOracle oracle(first, n);
    std::vector<uint64_t> got = fill_at(b.get(), 0, oracle);
    ASSERT_EQ(n, got.size());
    for (uint64_t p : got)
        if (p % 2 == 0)
            ASSERT_EQ(0, fw_buddy_free(b.get(), p, 0));
    ASSERT_CONSISTENT(b.get());
    Census want{};
    want[0] = 1024;
    EXPECT_EQ(want, census_of(b.get()));
    uint64_t pfn = 0;
    for (unsigned order = 1; order <= FW_BUDDY_MAX_ORDER; order++)
        EXPECT_EQ(-1, fw_buddy_alloc(b.get(), order, &pfn)) << "order " << order;
    // 1024 free pages in 1024 order-0 blocks (mm/vmstat.c, integer division):
    //   unusable(0) = (1024 - 1024) * 1000 / 1024 = 0; unusable(k > 0) = (1024 - 0) * 1000 / 1024 = 1000
    //   extfrag(0) = -1000 (order-0 blocks exist)
    //   extfrag(1) = 1000 - (1000 + 1024 * 1000 / 2) / 1024 = 1000 - 513000 / 1024 = 1000 - 500 = 500
    //   extfrag(2) = 1000 - (1000 + 256000) / 1024 = 1000 - 250 = 750
    //   extfrag(3) = 1000 - (1000 + 128000) / 1024 = 1000 - 125 = 875   (129000 / 1024 = 125.97)
    //   extfrag(10) = 1000 - (1000 + 1000) / 1024 = 1000 - 1 = 999
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(0, s.unusable_index[0]);
    for (unsigned order = 1; order <= FW_BUDDY_MAX_ORDER; order++)
        EXPECT_EQ(1000, s.unusable_index[order]) << "order " << order;
    EXPECT_EQ(-1000, s.extfrag_index[0]);
    EXPECT_EQ(500, s.extfrag_index[1]);
    EXPECT_EQ(750, s.extfrag_index[2]);
    EXPECT_EQ(875, s.extfrag_index[3]);
    EXPECT_EQ(999, s.extfrag_index[10]);
    for (uint64_t p : got)
        if (p % 2 == 1)
            ASSERT_EQ(0, fw_buddy_free(b.get(), p, 0));
    ASSERT_CONSISTENT(b.get());
    EXPECT_EQ(initial, census_of(b.get()));
    ASSERT_EQ(0, fw_buddy_alloc(b.get(), FW_BUDDY_MAX_ORDER, &pfn));
    ASSERT_EQ(0, fw_buddy_alloc(b.get(), FW_BUDDY_MAX_ORDER, &pfn));
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 0, &pfn));
}

// One frame of every max-order block kept allocated: an order-10 allocation fails with 8184 of 8192 frames
// free. (Everything is taken at order 0, then all but one frame per max block is freed.)
TEST(BuddyPathological, OneFramePinnedInEveryMaxOrderBlock)
{
    const uint64_t first = 0x10000, n = 8192;
    BuddyPtr b = make_buddy(first, n);
    ASSERT_NE(nullptr, b);
    const Census initial = census_of(b.get());
    FrameOracle oracle(first, n);
    std::vector<uint64_t> got = fill_at(b.get(), 0, oracle);
    ASSERT_EQ(n, got.size());
    std::vector<uint64_t> pinned;
    for (uint64_t p : got) {
        if ((p - first) % 1024 == 517)
            pinned.push_back(p);
        else
            ASSERT_EQ(0, fw_buddy_free(b.get(), p, 0));
    }
    ASSERT_EQ(8u, pinned.size());
    ASSERT_CONSISTENT(b.get());
    uint64_t pfn = 0;
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 10, &pfn));
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(8184u, s.free_frames);
    // Around a pinned frame, a max block's free space is one block of each order 0..9 (the buddies of the
    // pinned frame's ancestors).
    Census want{};
    for (unsigned o = 0; o < 10; o++)
        want[o] = 8;
    EXPECT_EQ(want, census_of(b.get()));
    // free_pages = 8 * 1023 = 8184, free_blocks_total = 80.
    //   unusable(10) = (8184 - 0) * 1000 / 8184 = 1000
    //   unusable(9)  = (8184 - (8 << 9)) * 1000 / 8184 = 4088000 / 8184 = 499   (499.5)
    //   unusable(0)  = 0
    //   extfrag(10)  = 1000 - (1000 + 8184000 / 1024) / 80 = 1000 - (1000 + 7992) / 80 = 1000 - 112 = 888
    //   extfrag(9)   = -1000 (order-9 blocks exist)
    EXPECT_EQ(1000, s.unusable_index[10]);
    EXPECT_EQ(499, s.unusable_index[9]);
    EXPECT_EQ(0, s.unusable_index[0]);
    EXPECT_EQ(888, s.extfrag_index[10]);
    EXPECT_EQ(-1000, s.extfrag_index[9]);
    // The largest block on offer is order 9, eight of them.
    for (unsigned i = 0; i < 8; i++)
        ASSERT_EQ(0, fw_buddy_alloc(b.get(), 9, &pfn));
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 9, &pfn));
    fw_buddy_free_all(b.get());
    ASSERT_CONSISTENT(b.get());
    EXPECT_EQ(initial, census_of(b.get()));
    s = stats_of(b.get());
    EXPECT_EQ(0, s.unusable_index[10]);
    EXPECT_EQ(-1000, s.extfrag_index[10]);
}

TEST(BuddyBadFree, RejectedWithoutChangingState)
{
    BuddyPtr b = make_buddy(0x100, 64);
    ASSERT_NE(nullptr, b);
    uint64_t a = 0, c = 0;
    ASSERT_EQ(0, fw_buddy_alloc(b.get(), 2, &a));
    ASSERT_EQ(0, fw_buddy_alloc(b.get(), 0, &c));
    const Census before = census_of(b.get());
    const struct fw_buddy_stats s0 = stats_of(b.get());
    const std::pair<uint64_t, unsigned> bad[] = {
        {0xff, 0},          // below the range
        {0x140, 0},         // one past the range
        {a + 1, 0},         // inside an allocated block
        {a + 2, 1},         // inside an allocated block, aligned for its order
        {a, 1},             // wrong order, smaller
        {a, 3},             // wrong order, larger
        {c, 1},             // wrong order
        {a, 11},            // order out of range
        {0x120, 5},         // a free block's head, never allocated
        {0x130, 0},         // a frame inside a free block
    };
    for (const auto &f : bad)
        EXPECT_EQ(-1, fw_buddy_free(b.get(), f.first, f.second)) << "pfn " << f.first << " order " << f.second;
    EXPECT_EQ(before, census_of(b.get()));
    struct fw_buddy_stats s1 = stats_of(b.get());
    EXPECT_EQ(s0.bad_frees + std::size(bad), s1.bad_frees);
    EXPECT_EQ(s0.free_frames, s1.free_frames);
    EXPECT_EQ(s0.frees, s1.frees);
    ASSERT_CONSISTENT(b.get());
    // Double frees.
    ASSERT_EQ(0, fw_buddy_free(b.get(), c, 0));
    EXPECT_EQ(-1, fw_buddy_free(b.get(), c, 0));
    ASSERT_EQ(0, fw_buddy_free(b.get(), a, 2));
    EXPECT_EQ(-1, fw_buddy_free(b.get(), a, 2));
    ASSERT_CONSISTENT(b.get());
    Census initial{};
    initial[6] = 1;  // 0x100..0x13f is one aligned order-6 block
    EXPECT_EQ(initial, census_of(b.get()));
    EXPECT_EQ(s0.bad_frees + std::size(bad) + 2, stats_of(b.get()).bad_frees);
    // Orders beyond the maximum are refused by alloc too.
    uint64_t pfn = 0x5555;
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 11, &pfn));
    EXPECT_EQ(0x5555u, pfn);
}

// 16 aligned frames: one order-0 allocation splits 16 -> 8 -> 4 -> 2 -> 1 (4 splits, leaving a free block of
// each order 0..3); its free merges the 4 back.
TEST(BuddyStats, SplitAndMergeCounts)
{
    BuddyPtr b = make_buddy(32, 16);
    uint64_t pfn = 0;
    ASSERT_EQ(0, fw_buddy_alloc(b.get(), 0, &pfn));
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(4u, s.splits);
    EXPECT_EQ(1u, s.allocs);
    Census want{1, 1, 1, 1};
    EXPECT_EQ(want, census_of(b.get()));
    EXPECT_EQ(15u, s.free_frames);
    EXPECT_EQ(1u, s.alloc_frames);
    ASSERT_EQ(0, fw_buddy_free(b.get(), pfn, 0));
    s = stats_of(b.get());
    EXPECT_EQ(4u, s.merges);
    EXPECT_EQ(1u, s.frees);
    Census one{};
    one[4] = 1;
    EXPECT_EQ(one, census_of(b.get()));
    EXPECT_EQ(-1, fw_buddy_alloc(b.get(), 5, &pfn));
    EXPECT_EQ(1u, stats_of(b.get()).alloc_failures);
}

TEST(BuddyFreeAll, BackToTheInitialBlocks)
{
    BuddyPtr b = make_buddy(7, 3001);
    const Census initial = census_of(b.get());
    std::vector<std::pair<uint64_t, unsigned>> live;
    for (unsigned i = 0; i < 200; i++) {
        uint64_t pfn = 0;
        unsigned order = i % 5;
        if (fw_buddy_alloc(b.get(), order, &pfn) == 0)
            live.emplace_back(pfn, order);
    }
    ASSERT_EQ(200u, live.size());
    fw_buddy_free_all(b.get());
    ASSERT_CONSISTENT(b.get());
    EXPECT_EQ(initial, census_of(b.get()));
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(3001u, s.free_frames);
    EXPECT_EQ(0u, s.alloc_blocks);
    EXPECT_EQ(-1, fw_buddy_free(b.get(), live[0].first, live[0].second));
}

// Pure formulas on hand-made censuses (mm/vmstat.c, unsigned integer division).
TEST(BuddyFrag, WorkedExamples)
{
    // 16 free pages as 16 order-0 blocks: free_pages 16, free_blocks_total 16, no suitable block above 0.
    //   unusable(2) = (16 - (0 << 2)) * 1000 / 16 = 1000
    //   extfrag(0)  = -1000 (an order-0 block exists)
    //   extfrag(1)  = 1000 - (1000 + 16 * 1000 / 2) / 16 = 1000 - 9000 / 16 = 1000 - 562 = 438
    //   extfrag(2)  = 1000 - (1000 + 16 * 1000 / 4) / 16 = 1000 - 5000 / 16 = 1000 - 312 = 688
    //   extfrag(4)  = 1000 - (1000 + 16 * 1000 / 16) / 16 = 1000 - 2000 / 16 = 1000 - 125 = 875
    uint64_t sixteen[FW_BUDDY_ORDERS] = {16};
    EXPECT_EQ(0, fw_buddy_unusable_index(sixteen, 0));
    EXPECT_EQ(1000, fw_buddy_unusable_index(sixteen, 2));
    EXPECT_EQ(-1000, fw_buddy_extfrag_index(sixteen, 0));
    EXPECT_EQ(438, fw_buddy_extfrag_index(sixteen, 1));
    EXPECT_EQ(688, fw_buddy_extfrag_index(sixteen, 2));
    EXPECT_EQ(875, fw_buddy_extfrag_index(sixteen, 4));

    // Nothing free: Linux calls all (no) free memory unusable (1000); extfrag is 0 (no free blocks).
    uint64_t none[FW_BUDDY_ORDERS] = {};
    for (unsigned o = 0; o <= FW_BUDDY_MAX_ORDER; o++) {
        EXPECT_EQ(1000, fw_buddy_unusable_index(none, o));
        EXPECT_EQ(0, fw_buddy_extfrag_index(none, o));
    }

    // One free order-0 frame, order 1: 1000 - (1000 + 1 * 1000 / 2) / 1 = 1000 - 1500 = -500 (Linux computes
    // 1000 - 1500 in u64 and returns it as int: the same -500).
    uint64_t one[FW_BUDDY_ORDERS] = {1};
    EXPECT_EQ(-500, fw_buddy_extfrag_index(one, 1));
    EXPECT_EQ(1000, fw_buddy_unusable_index(one, 1));

    // 3 order-0, 2 order-1, 1 order-3 blocks: free_pages 3 + 4 + 8 = 15, free_blocks_total 6.
    //   order 1: suitable = 2 + (1 << 2) = 6   -> unusable = (15 - 6 * 2) * 1000 / 15 = 3000 / 15 = 200
    //   order 2: suitable = 1 << 1 = 2         -> unusable = (15 - 2 * 4) * 1000 / 15 = 7000 / 15 = 466
    //   order 3: suitable = 1                  -> unusable = (15 - 8) * 1000 / 15 = 466; extfrag -1000
    //   order 4: suitable = 0                  -> unusable = 1000;
    //            extfrag = 1000 - (1000 + 15000 / 16) / 6 = 1000 - (1000 + 937) / 6 = 1000 - 322 = 678
    uint64_t mixed[FW_BUDDY_ORDERS] = {3, 2, 0, 1};
    EXPECT_EQ(0, fw_buddy_unusable_index(mixed, 0));
    EXPECT_EQ(200, fw_buddy_unusable_index(mixed, 1));
    EXPECT_EQ(466, fw_buddy_unusable_index(mixed, 2));
    EXPECT_EQ(466, fw_buddy_unusable_index(mixed, 3));
    EXPECT_EQ(1000, fw_buddy_unusable_index(mixed, 4));
    EXPECT_EQ(-1000, fw_buddy_extfrag_index(mixed, 3));
    EXPECT_EQ(678, fw_buddy_extfrag_index(mixed, 4));

    // Orders past the maximum: 0, as Linux's WARN path in __fragmentation_index.
    EXPECT_EQ(0, fw_buddy_unusable_index(mixed, 11));
    EXPECT_EQ(0, fw_buddy_extfrag_index(mixed, 11));
}

// The worked example of 16 order-0 free blocks, made by a real allocator: 32 frames, every other one freed.
TEST(BuddyFrag, StatsOfSixteenLoneFrames)
{
    BuddyPtr b = make_buddy(64, 32);
    FrameOracle oracle(64, 32);
    std::vector<uint64_t> got = fill_at(b.get(), 0, oracle);
    ASSERT_EQ(32u, got.size());
    for (uint64_t p : got)
        if (p % 2)
            ASSERT_EQ(0, fw_buddy_free(b.get(), p, 0));
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(16u, s.free_blocks[0]);
    EXPECT_EQ(16u, s.free_frames);
    EXPECT_EQ(1000, s.unusable_index[2]);
    EXPECT_EQ(688, s.extfrag_index[2]);
    EXPECT_EQ(438, s.extfrag_index[1]);
    EXPECT_EQ(-1000, s.extfrag_index[0]);
}

// Random alloc/free (and bad frees) with the invariants checked after every operation.
void random_run(uint64_t seed, uint64_t first, uint64_t n, unsigned ops)
{
    SCOPED_TRACE("seed " + std::to_string(seed) + " first " + std::to_string(first) + " n " + std::to_string(n));
    std::mt19937_64 rng(seed);
    BuddyPtr b = make_buddy(first, n);
    ASSERT_NE(nullptr, b);
    const Census initial = census_of(b.get());
    FrameOracle oracle(first, n);
    std::vector<std::pair<uint64_t, unsigned>> live;
    uint64_t failures = 0, bad = 0;
    for (unsigned op = 0; op < ops; op++) {
        SCOPED_TRACE("op " + std::to_string(op));
        // Phases of 1500 operations alternately fill and drain the range, so both exhaustion and deep
        // merging happen.
        unsigned alloc_pct = (op / 1500) % 2 ? 20 : 80;
        unsigned r = (unsigned)(rng() % 100);
        if (r < alloc_pct || live.empty()) {
            // Orders skewed small: 0 half the time, 10 now and then.
            unsigned order = 0;
            while (order < FW_BUDDY_MAX_ORDER && rng() % 2)
                order++;
            uint64_t pfn = 0;
            bool possible = oracle.can_alloc(order);
            int rc = fw_buddy_alloc(b.get(), order, &pfn);
            ASSERT_EQ(possible ? 0 : -1, rc) << "alloc order " << order;
            if (rc == 0) {
                ASSERT_TRUE(oracle.take(pfn, order)) << "block " << pfn << " order " << order;
                live.emplace_back(pfn, order);
            } else {
                failures++;
            }
        } else if (r < 95) {
            size_t i = (size_t)(rng() % live.size());
            std::swap(live[i], live.back());
            auto [pfn, order] = live.back();
            live.pop_back();
            ASSERT_EQ(0, fw_buddy_free(b.get(), pfn, order));
            oracle.give(pfn, order);
        } else {
            // A bad free: a live block with another order, or a frame inside it, or a freed frame.
            auto [pfn, order] = live[(size_t)(rng() % live.size())];
            uint64_t bad_pfn = pfn;
            unsigned bad_order = (order + 1 + (unsigned)(rng() % FW_BUDDY_MAX_ORDER)) % FW_BUDDY_ORDERS;
            if (order > 0 && rng() % 2) {
                bad_pfn = pfn + 1 + rng() % (frames_of(order) - 1);
                bad_order = order;
            }
            ASSERT_EQ(-1, fw_buddy_free(b.get(), bad_pfn, bad_order)) << bad_pfn << " order " << bad_order;
            bad++;
        }
        ASSERT_CONSISTENT(b.get());
        ASSERT_EQ(oracle.free_frames(), stats_of(b.get()).free_frames);
    }
    struct fw_buddy_stats s = stats_of(b.get());
    EXPECT_EQ(failures, s.alloc_failures);
    EXPECT_EQ(bad, s.bad_frees);
    EXPECT_EQ(live.size(), s.alloc_blocks);
    std::printf("  range %" PRIu64 "+%" PRIu64 ": %u ops, %zu live, %" PRIu64 " failed allocs, %" PRIu64
                " merges\n", first, n, ops, live.size(), failures, s.merges);
    for (auto [pfn, order] : live)
        ASSERT_EQ(0, fw_buddy_free(b.get(), pfn, order));
    ASSERT_CONSISTENT(b.get());
    EXPECT_EQ(initial, census_of(b.get()));
}

TEST(BuddyRandom, AllocFreeAgainstBitmapOracle)
{
    uint64_t seed = test_seed();
    std::mt19937_64 rng(seed);
    // An aligned range, an unaligned non-power-of-two one, and one drawn from the seed.
    ASSERT_NO_FATAL_FAILURE(random_run(seed, 0x80000, 4096, 9000));
    ASSERT_NO_FATAL_FAILURE(random_run(seed + 1, 0x40003, 5000, 9000));
    uint64_t first = rng() % 100000, n = 1 + rng() % 6000;
    ASSERT_NO_FATAL_FAILURE(random_run(seed + 2, first, n, 9000));
}

}  // namespace
