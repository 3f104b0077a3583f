// Sharded buffers: which core holds which page where, for each layout and orientation; DRAM
// sharding; and the errors for shard specs that do not fit.
#include <gtest/gtest.h>

#include <vector>

#include <tt-metalium/host_api.hpp>

#include "common/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

class Sharding : public ::testing::Test {
protected:
    void SetUp() override { d = CreateDevice(0); }
    void TearDown() override { CloseDevice(d); }

    // An 4x4-page tensor of 64 B pages (page p holds 16 words equal to p), sharded as given; returns,
    // per page, the logical core and the offset from the buffer address where it was found.
    std::shared_ptr<Buffer> make(TensorMemoryLayout layout, const CoreRangeSet& grid, std::array<uint32_t, 2> shard_pages,
                                 ShardOrientation o, BufferType type = BufferType::L1) {
        ShardSpecBuffer spec(grid, {shard_pages[0] * 4, shard_pages[1] * 4}, o, {4, 4}, {4, 4});
        auto b = CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, type, layout, spec});
        std::vector<uint32_t> data(16 * 16);
        for (uint32_t p = 0; p < 16; ++p)
            for (uint32_t w = 0; w < 16; ++w) data[p * 16 + w] = p;
        detail::WriteToBuffer(b, data);
        std::vector<uint32_t> back;
        detail::ReadFromBuffer(b, back);
        EXPECT_EQ(back, data);
        return b;
    }
    uint32_t word_at(const CoreCoord& core, uint32_t addr) {
        std::vector<uint32_t> v;
        detail::ReadFromDeviceL1(d, core, addr, 4, v);
        return v[0];
    }
    IDevice* d = nullptr;
};

TEST_F(Sharding, HeightShardsGoToCoresInOrder) {
    // 4 cores, one page row (4 pages) each; within a shard pages are row-major.
    auto b = make(TensorMemoryLayout::HEIGHT_SHARDED, CoreRangeSet(CoreRange({2, 1}, {3, 2})), {1, 4},
                  ShardOrientation::ROW_MAJOR);
    const CoreCoord order[] = {{2, 1}, {3, 1}, {2, 2}, {3, 2}};
    for (uint32_t p = 0; p < 16; ++p) EXPECT_EQ(word_at(order[p / 4], b->address() + (p % 4) * 64), p) << p;
}

TEST_F(Sharding, ColumnMajorOrientationEnumeratesCoresByColumn) {
    auto b = make(TensorMemoryLayout::HEIGHT_SHARDED, CoreRangeSet(CoreRange({2, 1}, {3, 2})), {1, 4},
                  ShardOrientation::COL_MAJOR);
    const CoreCoord order[] = {{2, 1}, {2, 2}, {3, 1}, {3, 2}};
    for (uint32_t p = 0; p < 16; ++p) EXPECT_EQ(word_at(order[p / 4], b->address() + (p % 4) * 64), p) << p;
}

TEST_F(Sharding, WidthAndBlockShards) {
    auto w = make(TensorMemoryLayout::WIDTH_SHARDED, CoreRangeSet(CoreRange({0, 0}, {3, 0})), {4, 1},
                  ShardOrientation::ROW_MAJOR);
    for (uint32_t p = 0; p < 16; ++p) EXPECT_EQ(word_at({p % 4, 0}, w->address() + (p / 4) * 64), p) << p;
    auto bl = make(TensorMemoryLayout::BLOCK_SHARDED, CoreRangeSet(CoreRange({0, 0}, {1, 1})), {2, 2},
                   ShardOrientation::ROW_MAJOR);
    for (uint32_t p = 0; p < 16; ++p) {
        uint32_t r = p / 4, c = p % 4;
        EXPECT_EQ(word_at({c / 2, r / 2}, bl->address() + ((r % 2) * 2 + c % 2) * 64), p) << p;
    }
}

TEST_F(Sharding, DramShardsAreBanks) {
    // DRAM shard "cores" are banks (x = bank); the data round-trips through the banks.
    auto b = make(TensorMemoryLayout::WIDTH_SHARDED, CoreRangeSet(CoreRange({0, 0}, {3, 0})), {4, 1},
                  ShardOrientation::ROW_MAJOR, BufferType::DRAM);
    EXPECT_EQ(b->page_location(5).first, 1u);   // column 1 -> bank 1
    EXPECT_EQ(b->page_location(5).second, b->address() + 64);  // second page of its shard
}

TEST_F(Sharding, SpecsThatDoNotFitAreErrors) {
    ShardSpecBuffer too_many(CoreRangeSet(CoreRange({0, 0}, {1, 0})), {4, 16}, ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    EXPECT_THROW(CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, BufferType::L1, TensorMemoryLayout::HEIGHT_SHARDED,
                                                  too_many}),
                 tensim::HostError);  // 4 shards on 2 cores
    ShardSpecBuffer narrow(CoreRangeSet(CoreRange({0, 0}, {3, 0})), {4, 8}, ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    EXPECT_THROW(CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, BufferType::L1, TensorMemoryLayout::HEIGHT_SHARDED,
                                                  narrow}),
                 tensim::HostError);  // height shards must span the width
    ShardSpecBuffer off_grid(CoreRangeSet(CoreRange({7, 7}, {8, 7})), {8, 16}, ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    EXPECT_THROW(CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, BufferType::L1, TensorMemoryLayout::HEIGHT_SHARDED,
                                                  off_grid}),
                 tensim::HostError);  // core (8,7) is outside the 8x8 grid
}

}  // namespace
