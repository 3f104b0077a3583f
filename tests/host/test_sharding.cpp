// Sharded buffers: which core holds which page where, for each layout and orientation; DRAM
// sharding; and the errors for shard specs that do not fit.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

class Sharding : public ::testing::Test {
protected:
    void SetUp() override { d = CreateDevice(0); }
    void TearDown() override { CloseDevice(d); }

    // An 4x4-page tensor of 64 B pages (page p holds 16 words equal to p), sharded as given;
    // returns, per page, the logical core and the offset from the buffer address where it was
    // found.
    std::shared_ptr<Buffer> make(TensorMemoryLayout layout, const CoreRangeSet& grid,
                                 std::array<uint32_t, 2> shard_pages, ShardOrientation o,
                                 BufferType type = BufferType::L1) {
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
    auto b = make(TensorMemoryLayout::HEIGHT_SHARDED, CoreRangeSet(CoreRange({2, 1}, {3, 2})),
                  {1, 4}, ShardOrientation::ROW_MAJOR);
    const CoreCoord order[] = {{2, 1}, {3, 1}, {2, 2}, {3, 2}};
    for (uint32_t p = 0; p < 16; ++p)
        EXPECT_EQ(word_at(order[p / 4], b->address() + (p % 4) * 64), p) << p;
}

TEST_F(Sharding, ColumnMajorOrientationEnumeratesCoresByColumn) {
    auto b = make(TensorMemoryLayout::HEIGHT_SHARDED, CoreRangeSet(CoreRange({2, 1}, {3, 2})),
                  {1, 4}, ShardOrientation::COL_MAJOR);
    const CoreCoord order[] = {{2, 1}, {2, 2}, {3, 1}, {3, 2}};
    for (uint32_t p = 0; p < 16; ++p)
        EXPECT_EQ(word_at(order[p / 4], b->address() + (p % 4) * 64), p) << p;
}

TEST_F(Sharding, WidthAndBlockShards) {
    auto w = make(TensorMemoryLayout::WIDTH_SHARDED, CoreRangeSet(CoreRange({0, 0}, {3, 0})),
                  {4, 1}, ShardOrientation::ROW_MAJOR);
    for (uint32_t p = 0; p < 16; ++p)
        EXPECT_EQ(word_at({p % 4, 0}, w->address() + (p / 4) * 64), p) << p;
    auto bl = make(TensorMemoryLayout::BLOCK_SHARDED, CoreRangeSet(CoreRange({0, 0}, {1, 1})),
                   {2, 2}, ShardOrientation::ROW_MAJOR);
    for (uint32_t p = 0; p < 16; ++p) {
        uint32_t r = p / 4, c = p % 4;
        EXPECT_EQ(word_at({c / 2, r / 2}, bl->address() + ((r % 2) * 2 + c % 2) * 64), p) << p;
    }
}

TEST_F(Sharding, DramShardsAreBanks) {
    // DRAM shard "cores" are banks (x = bank); the data round-trips through the banks.
    auto b = make(TensorMemoryLayout::WIDTH_SHARDED, CoreRangeSet(CoreRange({0, 0}, {3, 0})),
                  {4, 1}, ShardOrientation::ROW_MAJOR, BufferType::DRAM);
    EXPECT_EQ(b->page_location(5).first, 1u);                  // column 1 -> bank 1
    EXPECT_EQ(b->page_location(5).second, b->address() + 64);  // second page of its shard
}

TEST_F(Sharding, SpecsThatDoNotFitAreErrors) {
    ShardSpecBuffer too_many(CoreRangeSet(CoreRange({0, 0}, {1, 0})), {4, 16},
                             ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    EXPECT_THROW(CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, BufferType::L1,
                                                  TensorMemoryLayout::HEIGHT_SHARDED, too_many}),
                 tensim::HostError);  // 4 shards on 2 cores
    ShardSpecBuffer narrow(CoreRangeSet(CoreRange({0, 0}, {3, 0})), {4, 8},
                           ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    EXPECT_THROW(CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, BufferType::L1,
                                                  TensorMemoryLayout::HEIGHT_SHARDED, narrow}),
                 tensim::HostError);  // 8 height shards of 2 pages on 4 cores
    ShardSpecBuffer off_grid(CoreRangeSet(CoreRange({7, 7}, {8, 7})), {8, 16},
                             ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    EXPECT_THROW(CreateBuffer(ShardedBufferConfig{d, 16 * 64, 64, BufferType::L1,
                                                  TensorMemoryLayout::HEIGHT_SHARDED, off_grid}),
                 tensim::HostError);  // core (8,7) is outside the 8x8 grid
}

}  // namespace

namespace {

// A kernel on core (5,5) copies every page of a sharded buffer, found through TensorAccessor, to an
// interleaved DRAM buffer in page order, then shard 1 as a whole with noc_async_read_shard.
std::vector<uint32_t> copy_through_accessor(IDevice* d, const std::shared_ptr<Buffer>& src,
                                            std::vector<uint32_t>& shard1) {
    auto dst = CreateBuffer(InterleavedBufferConfig{d, src->size(), 64, BufferType::DRAM});
    Program p = CreateProgram();
    CoreCoord core{5, 5};
    CreateCircularBuffer(p, core,
                         CircularBufferConfig(1024, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, 1024));
    std::vector<uint32_t> cta;
    TensorAccessorArgs(*src).append_to(cta);
    TensorAccessorArgs(*dst).append_to(cta);
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    constexpr auto sa = TensorAccessorArgs<0>();
    constexpr auto da = TensorAccessorArgs<sa.next_compile_time_args_offset()>();
    static_assert(sa.IsSharded && !da.IsSharded);
    const auto s = TensorAccessor(sa, get_arg_val<uint32_t>(0), 64);
    const auto out = TensorAccessor(da, get_arg_val<uint32_t>(1), 64);
    uint32_t l1 = get_write_ptr(0);
    for (uint32_t i = 0; i < 16; ++i) {
        noc_async_read_page(i, s, l1);
        noc_async_read_barrier();
        noc_async_write_page(i, out, l1);
        noc_async_write_barrier();
    }
    noc_async_read_shard(1, s, l1);
    noc_async_read_barrier();
})",
                                            core, DataMovementConfig{.compile_args = cta});
    SetRuntimeArgs(p, k, core,
                   {static_cast<uint32_t>(src->address()), static_cast<uint32_t>(dst->address())});
    EnqueueProgram(d->command_queue(), p, true);
    std::vector<uint32_t> out;
    detail::ReadFromBuffer(dst, out);
    detail::ReadFromDeviceL1(d, core, 97248, 256, shard1);  // c_0 at the unreserved base
    return out;
}

}  // namespace

TEST_F(Sharding, TensorAccessorFindsEveryPageOfEachLayout) {
    struct Case {
        TensorMemoryLayout layout;
        CoreRangeSet grid;
        std::array<uint32_t, 2> shard;
        ShardOrientation o;
        BufferType type;
    };
    const Case cases[] = {
        {TensorMemoryLayout::HEIGHT_SHARDED,
         CoreRangeSet(CoreRange({2, 1}, {3, 2})),
         {1, 4},
         ShardOrientation::COL_MAJOR,
         BufferType::L1},
        {TensorMemoryLayout::BLOCK_SHARDED,
         CoreRangeSet(CoreRange({0, 0}, {1, 1})),
         {2, 2},
         ShardOrientation::ROW_MAJOR,
         BufferType::L1},
        {TensorMemoryLayout::WIDTH_SHARDED,
         CoreRangeSet(CoreRange({0, 0}, {3, 0})),
         {4, 1},
         ShardOrientation::ROW_MAJOR,
         BufferType::DRAM},
    };
    for (const Case& c : cases) {
        auto b = make(c.layout, c.grid, c.shard, c.o, c.type);
        std::vector<uint32_t> shard1;
        const std::vector<uint32_t> out = copy_through_accessor(d, b, shard1);
        ASSERT_EQ(out.size(), 256u);
        for (uint32_t p = 0; p < 16; ++p)
            EXPECT_EQ(out[p * 16], p) << "page " << p << " layout " << int(c.layout);
        // Shard 1, row-major within the shard, as the host placed it.
        const auto [sh, sw] = std::array<uint32_t, 2>{c.shard[0], c.shard[1]};
        for (uint32_t i = 0; i < sh * sw; ++i) {
            const uint32_t shard_cols = 4 / sw, r = (1 / shard_cols) * sh + i / sw,
                           col = (1 % shard_cols) * sw + i % sw;
            EXPECT_EQ(shard1[i * 16], r * 4 + col)
                << "shard 1 page " << i << " layout " << int(c.layout);
        }
    }
}

// TT-Metal's core_to_host_pages: a HEIGHT_SHARDED shard takes the next pages in page order
// whatever its shape (tt-metal's vecadd_sharding passes a 4-page-tall, 1-page-wide shard of a
// 4x4-page tensor). The host, the TensorAccessor and a whole-shard read agree on it.
TEST_F(Sharding, HeightShardsOfAnyShapeTakePagesInOrder) {
    auto b = make(TensorMemoryLayout::HEIGHT_SHARDED, CoreRangeSet(CoreRange({2, 1}, {3, 2})),
                  {4, 1}, ShardOrientation::ROW_MAJOR);
    const CoreCoord order[] = {{2, 1}, {3, 1}, {2, 2}, {3, 2}};
    for (uint32_t p = 0; p < 16; ++p)
        EXPECT_EQ(word_at(order[p / 4], b->address() + (p % 4) * 64), p) << p;
    std::vector<uint32_t> shard1;
    const std::vector<uint32_t> out = copy_through_accessor(d, b, shard1);
    ASSERT_EQ(out.size(), 256u);
    for (uint32_t p = 0; p < 16; ++p) EXPECT_EQ(out[p * 16], p) << "page " << p;
    for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(shard1[i * 16], 4 + i) << "shard 1 page " << i;
}

// A mesh buffer sharded over each chip's cores has a backing buffer, as a replicated one does:
// tt-metal's vecadd_sharding puts circular buffers on it (set_globally_allocated_address).
TEST(ShardedMeshBuffer, HasABackingBufferForCircularBuffers) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    ShardSpecBuffer spec(CoreRangeSet(CoreRange({0, 0}, {3, 0})), {4, 16},
                         ShardOrientation::ROW_MAJOR, {4, 4}, {4, 4});
    distributed::DeviceLocalBufferConfig local{
        .page_size = 64,
        .buffer_type = BufferType::L1,
        .sharding_args = BufferShardingArgs(spec, TensorMemoryLayout::HEIGHT_SHARDED)};
    auto b = distributed::MeshBuffer::create(distributed::ReplicatedBufferConfig{16 * 64}, local,
                                             mesh.get());
    ASSERT_NE(b->get_backing_buffer(), nullptr);
    EXPECT_EQ(b->get_backing_buffer()->address(), b->address());
    CircularBufferConfig cb = CircularBufferConfig(256, {{CBIndex::c_0, DataFormat::Float16_b}})
                                  .set_page_size(CBIndex::c_0, 64)
                                  .set_globally_allocated_address(*b->get_backing_buffer());
    EXPECT_EQ(cb.globally_allocated_address(), std::optional<uint32_t>(b->address()));
    mesh->close();
}

namespace {

// tt-metal's vecadd_sharding pattern: CBs on sharded L1 buffers hold their data from the start, so
// the compute kernel reads and pops them with no cb_wait_front and packs into an output CB that
// is its buffer. `on_buffers` false puts the same CBs in plain L1, where nothing was pushed.
std::vector<uint32_t> add_in_place(IDevice* d, bool on_buffers) {
    const CoreCoord core{0, 0};
    const uint32_t tiles = 4, page = 2048;  // bf16 tiles
    ShardSpecBuffer spec(CoreRangeSet(CoreRange(core, core)), {32 * tiles, 32},
                         ShardOrientation::ROW_MAJOR, {32, 32}, {tiles, 1});
    std::array<std::shared_ptr<Buffer>, 3> bufs;
    for (auto& b : bufs)
        b = CreateBuffer(ShardedBufferConfig{d, tiles * page, page, BufferType::L1,
                                             TensorMemoryLayout::HEIGHT_SHARDED, spec});
    // Tile t of a holds t + 1 and of b 2 (t + 1), as bf16 pairs (exact small integers).
    auto bf16_pair = [](float f) {
        uint32_t bits;
        std::memcpy(&bits, &f, 4);
        return (bits >> 16) | (bits & 0xffff0000u);
    };
    for (uint32_t k = 0; k < 2; ++k) {
        std::vector<uint32_t> v(tiles * page / 4);
        for (uint32_t i = 0; i < v.size(); ++i) v[i] = bf16_pair(float((k + 1) * (i / 512 + 1)));
        detail::WriteToBuffer(bufs[k], v);
    }
    Program p = CreateProgram();
    for (uint32_t k = 0; k < 3; ++k) {
        const uint32_t index = k < 2 ? k : 16;
        auto cfg = CircularBufferConfig(tiles * page, {{index, DataFormat::Float16_b}})
                       .set_page_size(index, page);
        if (on_buffers) cfg.set_globally_allocated_address(*bufs[k]);
        CreateCircularBuffer(p, core, cfg);
    }
    auto c = CreateKernelFromString(p, R"(#include "compute_kernel_api/eltwise_binary.h"
#include "compute_kernel_api/tile_move_copy.h"
void kernel_main() {
    const uint32_t n = get_arg_val<uint32_t>(0);
    binary_op_init_common(0, 1, 16);
    add_tiles_init(0, 1);
    for (uint32_t i = 0; i < n; i++) {
        tile_regs_acquire();
        add_tiles(0, 1, 0, 0, 0);
        tile_regs_commit();
        cb_pop_front(0, 1);
        cb_pop_front(1, 1);
        tile_regs_wait();
        pack_tile(0, 16);
        tile_regs_release();
        cb_push_back(16, 1);
    }
})",
                                    core, ComputeConfig{});
    SetRuntimeArgs(p, c, core, {tiles});
    EnqueueProgram(d->command_queue(), p, true);
    std::vector<uint32_t> out;
    detail::ReadFromBuffer(bufs[2], out);
    return out;
}

}  // namespace

TEST_F(Sharding, CircularBuffersOnBuffersAreReadWithoutAWait) {
    const std::vector<uint32_t> out = add_in_place(d, true);
    ASSERT_EQ(out.size(), 4u * 512);
    for (uint32_t i = 0; i < out.size(); i += 97) {
        const float want = 3.0f * float(i / 512 + 1);
        uint32_t bits;
        std::memcpy(&bits, &want, 4);
        EXPECT_EQ(out[i], (bits >> 16) | (bits & 0xffff0000u)) << "word " << i;
    }
    // In plain L1 nothing was pushed: reading the front is the kernel's bug, named.
    try {
        add_in_place(d, false);
        FAIL() << "no error";
    } catch (const tensim::KernelError& e) {
        EXPECT_NE(std::string(e.what()).find("cb_wait_front first"), std::string::npos) << e.what();
    }
}
