// Names TT-Metalium's host headers make visible and tensim now provides: fmt through the
// coordinate headers, the TT_* assertion macros, tt::align, the allocator's alignments,
// Program::set_runtime_id, create_identity_matrix, the unpack transform, SystemMesh, sharded
// mesh buffers through BufferShardingArgs, and a short host vector in EnqueueWriteMeshBuffer.
#include <gtest/gtest.h>

#include <string>
#include <tt-metalium/allocator.hpp>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/core_coord.hpp>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/sub_device.hpp>
#include <tt-metalium/system_mesh.hpp>
#include <tt-metalium/tt_align.hpp>
#include <umd/device/types/xy_pair.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt;
using namespace tt::tt_metal;

namespace {

TEST(MetaliumNames, FmtFormatsCoordinatesAndEnums) {
    const CoreCoord c{3, 4};
    EXPECT_EQ(fmt::format("{}", c), c.str());
    const CoreRange r({0, 0}, {1, 2});
    EXPECT_EQ(fmt::format("{}", r), r.str());
    const CoreRangeSet s(std::vector<CoreRange>{r});
    EXPECT_EQ(fmt::format("{}", s), s.str());
    EXPECT_EQ(fmt::format("{}", TensorMemoryLayout::HEIGHT_SHARDED), "HEIGHT_SHARDED");
    EXPECT_EQ(fmt::format("{}", TensorMemoryLayout::INTERLEAVED), "INTERLEAVED");
    EXPECT_EQ(fmt::format("{}", BufferType::L1), "L1");
    const tt::xy_pair p{1, 2};
    EXPECT_EQ(p, CoreCoord(1, 2));
}

TEST(MetaliumNames, AssertionMacros) {
    const int n = 3;
    try {
        TT_FATAL(n == 4, "n is {} on core {}", n, CoreCoord{1, 1});
        ADD_FAILURE() << "TT_FATAL did not throw";
    } catch (const tensim::HostError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("n == 4"), std::string::npos) << what;
        EXPECT_NE(what.find("n is 3 on core (x=1,y=1)"), std::string::npos) << what;
    }
    EXPECT_NO_THROW(TT_FATAL(n == 3, "never"));
    EXPECT_THROW(TT_THROW("bad value {}", 7), std::runtime_error);
    // Without DEBUG, TT_ASSERT does not evaluate its condition (as in TT-Metal release builds).
    int evaluated = 0;
    TT_ASSERT(++evaluated == 100, "side effect");
#ifdef DEBUG
    EXPECT_EQ(evaluated, 1);
#else
    EXPECT_EQ(evaluated, 0);
#endif
}

TEST(MetaliumNames, AlignAndAllocatorAlignment) {
    EXPECT_EQ(tt::align(5u, 16u), 16u);
    EXPECT_EQ(tt::align(32u, 32u), 32u);
    EXPECT_EQ(tt::align(0u, 16u), 0u);
    EXPECT_EQ(tt::align(33ull, 32u), 64ull);
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    for (BufferType t : {BufferType::DRAM, BufferType::L1}) {
        const uint32_t a = mesh->allocator()->get_alignment(t);
        ASSERT_GT(a, 0u);
        EXPECT_EQ(a & (a - 1), 0u) << "alignment is a power of two";
        // A 4 B page occupies one alignment unit in its bank, as the allocator lays it out.
        auto b = CreateBuffer(InterleavedBufferConfig{mesh.get(), 4, 4, t});
        EXPECT_EQ(b->aligned_page_size(), tt::align(4u, a)) << fmt::format("{}", t);
    }
    mesh->close();
}

TEST(MetaliumNames, ProgramRuntimeId) {
    Program p = CreateProgram();
    EXPECT_EQ(p.get_runtime_id(), 0u);
    p.set_runtime_id(42);
    Program q = std::move(p);
    EXPECT_EQ(q.get_runtime_id(), 42u);
}

TEST(MetaliumNames, IdentityMatrixAndUnpackTransform) {
    const int rows = 4, cols = 6, ones = 3;
    const std::vector<bfloat16> m = create_identity_matrix(rows, cols, ones);
    ASSERT_EQ(m.size(), size_t(rows * cols));
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c)
            EXPECT_EQ(static_cast<float>(m[r * cols + c]), (r == c && r < ones) ? 1.0f : 0.0f);
    const std::vector<uint32_t> packed = create_constant_vector_of_bfloat16(16, 1.5f);
    const auto plain = unpack_uint32_vec_into_bfloat16_vec(packed);
    const auto doubled = unpack_uint32_vec_into_bfloat16_vec(
        packed, [](const bfloat16& x) { return bfloat16(static_cast<float>(x) * 2.0f); });
    ASSERT_EQ(plain.size(), doubled.size());
    for (size_t i = 0; i < plain.size(); ++i)
        EXPECT_EQ(static_cast<float>(doubled[i]), 2.0f * static_cast<float>(plain[i]));
}

TEST(MetaliumNames, SystemMeshAndSubDevice) {
    EXPECT_EQ(distributed::SystemMesh::instance().shape(), distributed::system_mesh_shape());
    const CoreRangeSet cores(std::vector<CoreRange>{CoreRange({0, 0}, {1, 1})});
    SubDevice sd{std::vector<CoreRangeSet>{cores}};
    EXPECT_EQ(sd.cores(HalProgrammableCoreType::TENSIX).num_cores(), 4u);
}

// A height-sharded L1 mesh buffer over four cores through DeviceLocalBufferConfig::sharding_args:
// shard i (two 64 B pages) lands in core i's L1 at the buffer's address.
TEST(MetaliumNames, ShardedMeshBufferThroughShardingArgs) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    const uint32_t page = 64, pages_per_shard = 2, cores = 4;
    const CoreRangeSet grid(std::vector<CoreRange>{CoreRange({0, 0}, {0, cores - 1})});
    const ShardSpecBuffer spec(grid, {pages_per_shard, page / 4}, ShardOrientation::ROW_MAJOR,
                               {1, page / 4}, {pages_per_shard * cores, 1});
    distributed::DeviceLocalBufferConfig local{
        .page_size = page,
        .buffer_type = BufferType::L1,
        .sharding_args = BufferShardingArgs(spec, TensorMemoryLayout::HEIGHT_SHARDED)};
    auto buf = distributed::MeshBuffer::create(
        distributed::ReplicatedBufferConfig{.size = page * pages_per_shard * cores}, local,
        mesh.get());
    std::vector<uint32_t> in(page * pages_per_shard * cores / 4);
    for (size_t i = 0; i < in.size(); ++i) in[i] = uint32_t(i * 3 + 1);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), buf, in, true);
    const uint32_t words_per_shard = page * pages_per_shard / 4;
    for (uint32_t c = 0; c < cores; ++c) {
        std::vector<uint32_t> shard;
        detail::ReadFromDeviceL1(mesh.get(), CoreCoord{0, c}, buf->address(),
                                 page * pages_per_shard, shard);
        for (uint32_t w = 0; w < words_per_shard; ++w)
            ASSERT_EQ(shard[w], in[c * words_per_shard + w]) << "core " << c << " word " << w;
    }
    std::vector<uint32_t> out;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), out, buf, true);
    EXPECT_EQ(out, in);
    mesh->close();
}

// TT-Metal copies the buffer's size from the vector's data; tensim copies the vector and zeros
// the rest rather than reading past it.
TEST(MetaliumNames, ShortHostVectorWritesItsBytes) {
    auto mesh = distributed::MeshDevice::create_unit_mesh(0);
    auto buf = distributed::MeshBuffer::create(
        distributed::ReplicatedBufferConfig{.size = 64},
        distributed::DeviceLocalBufferConfig{.page_size = 64, .buffer_type = BufferType::DRAM},
        mesh.get());
    const std::vector<uint32_t> ones(16, 0xFFFFFFFFu);
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), buf, ones, true);
    const std::vector<uint32_t> two = {7, 9};
    distributed::EnqueueWriteMeshBuffer(mesh->mesh_command_queue(), buf, two, true);
    std::vector<uint32_t> out;
    distributed::EnqueueReadMeshBuffer(mesh->mesh_command_queue(), out, buf, true);
    ASSERT_EQ(out.size(), 16u);
    EXPECT_EQ(out[0], 7u);
    EXPECT_EQ(out[1], 9u);
    for (size_t i = 2; i < out.size(); ++i) EXPECT_EQ(out[i], 0u) << i;
    mesh->close();
}

}  // namespace
