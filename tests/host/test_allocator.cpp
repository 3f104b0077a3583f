// The lockstep bank allocator: first fit, alignment, top-down vs bottom-up, freeing.
#include <gtest/gtest.h>

#include "host/allocator.hpp"

namespace {

using tensim::host::BankAllocator;

TEST(BankAllocator, BottomUpFirstFitAligned) {
    BankAllocator a("dram", 32, 1024, 32, false);
    EXPECT_EQ(a.allocate(100), 32u);  // rounded to 128
    EXPECT_EQ(a.allocate(32), 160u);
    a.free(32);
    EXPECT_EQ(a.allocate(64), 32u);  // reuses the first gap
    EXPECT_EQ(a.allocate(64), 96u);
    EXPECT_EQ(a.allocate(2000), std::nullopt);
}

TEST(BankAllocator, TopDownFromTheEnd) {
    BankAllocator a("l1", 1000, 2000, 16, true);
    EXPECT_EQ(a.base(), 1008u);         // base rounded up to the alignment
    EXPECT_EQ(a.allocate(100), 1888u);  // 2000 - 112
    EXPECT_EQ(a.allocate(16), 1872u);
    EXPECT_EQ(a.lowest_allocated(), 1872u);
    a.free(1872);
    EXPECT_EQ(a.lowest_allocated(), 1888u);
}

TEST(BankAllocator, FixedAddressesMustNotOverlap) {
    BankAllocator a("l1", 0, 4096, 16, false);
    EXPECT_TRUE(a.allocate_at(1024, 256));
    EXPECT_FALSE(a.allocate_at(1200, 64));
    EXPECT_FALSE(a.allocate_at(1000, 32));
    EXPECT_TRUE(a.allocate_at(1280, 16));
    EXPECT_EQ(a.largest_free_block(), 4096u - 1296u);
}

TEST(BankAllocator, FreeBytesAddUp) {
    BankAllocator a("dram", 0, 1 << 20, 32, false);
    auto x = a.allocate(1000);
    auto y = a.allocate(5000);
    ASSERT_TRUE(x && y);
    EXPECT_EQ(a.free_bytes(), (1u << 20) - 1024 - 5024);
    a.free(*x);
    a.free(*y);
    EXPECT_EQ(a.free_bytes(), 1u << 20);
}

}  // namespace
