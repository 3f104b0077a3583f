// The mesh host API over several chips (n300: two chips): mesh shapes the system holds and refuses,
// a chip per coordinate with its own queue, lock-step buffers, replicated and sharded transfers,
// workloads whose programs start at one cycle, submeshes, and misuse.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <string>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "host_error.hpp"
#include "tensim/error.hpp"
#include "tensim/host/tensim.hpp"

using namespace tt::tt_metal;
using namespace tt::tt_metal::distributed;
using tensim::HostError;

namespace {

constexpr uint32_t kTileBytes = 32 * 32 * 2;
constexpr uint32_t kL1Word = 400 * 1024;  // where the test kernel stores its argument

std::vector<uint32_t> random_words(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint32_t> v(n);
    for (auto& w : v) w = rng();
    return v;
}

// Reads `pages` DRAM pages (so that it takes time), then stores runtime arg 0 at kL1Word of core
// (1, 1).
Program store_arg_program(uint32_t value, uint32_t dram_addr, uint32_t pages) {
    Program p = CreateProgram();
    CoreCoord core{1, 1};
    KernelHandle k = CreateKernelFromString(p, R"(#include "dataflow_api.h"
void kernel_main() {
    uint32_t value = get_arg_val<uint32_t>(0), src = get_arg_val<uint32_t>(1);
    uint32_t pages = get_arg_val<uint32_t>(2);
    const InterleavedAddrGen<true> s = {.bank_base_address = src, .page_size = 2048};
    for (uint32_t i = 0; i < pages; ++i) {
        noc_async_read(get_noc_addr(i, s), 300 * 1024, 2048);
        noc_async_read_barrier();
    }
    noc_inline_dw_write(get_noc_addr(400 * 1024), value);
    noc_async_write_barrier();
})",
                                            core, DataMovementConfig{});
    SetRuntimeArgs(p, k, core, {value, dram_addr, pages});
    return p;
}

uint32_t stored(IDevice* chip) {
    std::vector<uint32_t> w;
    detail::ReadFromDeviceL1(chip, CoreCoord{1, 1}, kL1Word, 4, w);
    return w.at(0);
}

class N300 : public ::testing::Test {
protected:
    void SetUp() override {
        tensim::set_system("n300");
        tensim::set_numerics("timing");
    }
    void TearDown() override {
        tensim::set_system("n150");
        tensim::set_numerics("faithful");
    }
};

// ---------------------------------------------------------------------------------------------
// Devices

TEST_F(N300, EveryShapeTheSystemHoldsAndNoOther) {
    EXPECT_EQ(system_mesh_shape(), MeshShape(1, 2));
    for (auto [r, c] : std::vector<std::pair<uint32_t, uint32_t>>{{1, 1}, {1, 2}, {2, 1}}) {
        SCOPED_TRACE(std::to_string(r) + "x" + std::to_string(c));
        auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(r, c)));
        EXPECT_EQ(mesh->shape(), MeshShape(r, c));
        EXPECT_EQ(mesh->num_devices(), size_t{r} * c);
        std::set<int> ids;
        for (const auto& coord : MeshCoordinateRange(mesh->shape()))
            ids.insert(mesh->get_device(coord)->id());
        EXPECT_EQ(ids.size(), mesh->num_devices());  // a different chip per coordinate
        EXPECT_EQ(mesh->get_devices().size(), mesh->num_devices());
        EXPECT_EQ(mesh->get_device_ids().front(), 0);
    }
    for (auto [r, c] : std::vector<std::pair<uint32_t, uint32_t>>{{2, 2}, {1, 3}, {3, 1}}) {
        std::string msg = error_of([&] { MeshDevice::create(MeshDeviceConfig(MeshShape(r, c))); });
        EXPECT_NE(msg.find("n300"), std::string::npos) << msg;
        EXPECT_NE(msg.find("1x2"), std::string::npos) << msg;
    }
    // A line takes no offset; a 1x1 at (0, 1) is chip 1.
    EXPECT_THROW(MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2), MeshCoordinate(0, 1))),
                 HostError);
    auto one = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 1), MeshCoordinate(0, 0)));
    EXPECT_EQ(one->id(), 0);
    one->close();
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));  // nothing was left open
    EXPECT_TRUE(mesh->is_initialized());
}

TEST_F(N300, AChipAlreadyOpenRefusesTheMeshAndLeavesNothingOpen) {
    IDevice* chip1 = CreateDevice(1);
    EXPECT_THROW(MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2))), HostError);
    auto unit = MeshDevice::create_unit_mesh(0);  // chip 0 was closed again
    unit->close();
    CloseDevice(chip1);
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(2, 1)));
    EXPECT_EQ(mesh->get_device(1, 0)->id(), 1);
}

TEST_F(N300, EachChipIsAnIDeviceWithItsOwnQueue) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    IDevice* a = mesh->get_device({0, 0});
    IDevice* b = mesh->get_device({0, 1});
    EXPECT_NE(a, b);
    EXPECT_NE(&a->command_queue(), &b->command_queue());
    EXPECT_EQ(mesh->get_device(b->id()), b);
    EXPECT_THROW(mesh->get_device(7), HostError);
    EXPECT_THROW(mesh->get_device({1, 0}), HostError);
    EXPECT_THROW(mesh->command_queue(), HostError);  // one queue per chip
    EXPECT_EQ(mesh->compute_with_storage_grid_size(), b->compute_with_storage_grid_size());
    EXPECT_EQ(mesh->l1_size_per_core(), b->l1_size_per_core());
    EXPECT_EQ(mesh->num_dram_channels(), b->num_dram_channels());
    EXPECT_EQ(mesh->arch(), b->arch());
}

// ---------------------------------------------------------------------------------------------
// Buffers

TEST_F(N300, ReplicatedBufferIsOnEveryChipAtOneAddress) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    auto& cq = mesh->mesh_command_queue();
    for (BufferType type : {BufferType::DRAM, BufferType::L1}) {
        auto buf = MeshBuffer::create(
            ReplicatedBufferConfig{.size = 5 * kTileBytes},
            DeviceLocalBufferConfig{.page_size = kTileBytes, .buffer_type = type}, mesh.get());
        for (const auto& c : MeshCoordinateRange(mesh->shape())) {
            EXPECT_EQ(buf->get_device_buffer(c)->address(), buf->address());
            EXPECT_EQ(buf->get_device_buffer(c)->device(), mesh->get_device(c));
        }
        auto in = random_words(5 * kTileBytes / 4, 7);
        in.push_back(0xabcdef);  // a longer vector is fine: the buffer's size is copied
        EnqueueWriteMeshBuffer(cq, buf, in);
        in.pop_back();
        for (const auto& c : MeshCoordinateRange(mesh->shape())) {
            std::vector<uint32_t> out;
            ReadShard(cq, out, buf, c);
            EXPECT_EQ(out, in);
        }
        std::vector<uint32_t> out;
        EXPECT_THROW(EnqueueReadMeshBuffer(cq, out, buf), HostError);  // as tt-metal: ReadShard
        // A shorter vector writes what it holds and zeros the rest (tt-metal copies the buffer's
        // size from data(); tensim does not read past the vector).
        EnqueueWriteMeshBuffer(cq, buf, std::vector<uint32_t>(10, 5));
        std::vector<uint32_t> shard;
        ReadShard(cq, shard, buf, MeshCoordinate(0, 1));
        ASSERT_EQ(shard.size(), in.size());
        EXPECT_EQ(std::count(shard.begin(), shard.begin() + 10, 5u), 10);
        EXPECT_EQ(std::count(shard.begin() + 10, shard.end(), 0u),
                  std::ptrdiff_t(shard.size() - 10));
    }
}

TEST_F(N300, LockStepAllocationSkipsAddressesTakenOnAnyChip) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    // Chip 1 alone holds the address chip 0 would give next.
    auto only1 = CreateBuffer(InterleavedBufferConfig{mesh->get_device({0, 1}), 12 * kTileBytes,
                                                      kTileBytes, BufferType::DRAM});
    auto buf = MeshBuffer::create(ReplicatedBufferConfig{.size = 12 * kTileBytes},
                                  DeviceLocalBufferConfig{.page_size = kTileBytes}, mesh.get());
    const uint64_t per_bank = only1->size_per_bank();
    EXPECT_TRUE(buf->address() >= only1->address() + per_bank ||
                buf->address() + per_bank <= only1->address());
    EXPECT_EQ(buf->get_device_buffer({0, 0})->address(), buf->get_device_buffer({0, 1})->address());

    // Freed on every chip: half of each L1 bank, allocated and freed again and again, fits.
    const uint64_t half_l1 = mesh->l1_size_per_core() / 2 / kTileBytes * kTileBytes;
    const uint64_t banks =
        mesh->compute_with_storage_grid_size().x * mesh->compute_with_storage_grid_size().y;
    for (int i = 0; i < 4; ++i)
        MeshBuffer::create(
            ReplicatedBufferConfig{.size = half_l1 * banks},
            DeviceLocalBufferConfig{.page_size = kTileBytes, .buffer_type = BufferType::L1},
            mesh.get());
    // More than a chip holds is refused, and the mesh goes on.
    EXPECT_THROW(
        MeshBuffer::create(
            ReplicatedBufferConfig{.size = 2 * half_l1 * banks + kTileBytes * banks},
            DeviceLocalBufferConfig{.page_size = kTileBytes, .buffer_type = BufferType::L1},
            mesh.get()),
        HostError);
}

// A uint32 global buffer of rows x cols elements, element (i, j) = its own row-major index.
std::vector<uint32_t> iota_global(uint32_t rows, uint32_t cols) {
    std::vector<uint32_t> g(size_t{rows} * cols);
    for (size_t i = 0; i < g.size(); ++i) g[i] = static_cast<uint32_t>(i * 2654435761u);
    return g;
}

// The shard at shard-row y, shard-column x of a row-major global buffer.
std::vector<uint32_t> slice(const std::vector<uint32_t>& g, uint32_t cols, uint32_t sh, uint32_t sw,
                            uint32_t y, uint32_t x) {
    std::vector<uint32_t> s;
    for (uint32_t i = 0; i < sh; ++i)
        for (uint32_t j = 0; j < sw; ++j) s.push_back(g[size_t{y * sh + i} * cols + x * sw + j]);
    return s;
}

std::shared_ptr<MeshBuffer> sharded(MeshDevice* mesh, uint32_t rows, uint32_t cols, Shape2D shard,
                                    ShardOrientation o, BufferType type = BufferType::DRAM) {
    return MeshBuffer::create(
        distributed::ShardedBufferConfig{.global_size = DeviceAddr{rows} * cols * 4,
                                         .global_buffer_shape = {rows, cols},
                                         .shard_shape = shard,
                                         .shard_orientation = o},
        DeviceLocalBufferConfig{.page_size = 1024, .buffer_type = type}, mesh);
}

TEST_F(N300, ShardedBufferSplitsAndAssemblesTheGlobalBuffer) {
    {
        // Column halves along the row of a 1x2 mesh.
        auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
        auto& cq = mesh->mesh_command_queue();
        for (BufferType type : {BufferType::DRAM, BufferType::L1}) {
            auto buf = sharded(mesh.get(), 64, 64, {64, 32}, ShardOrientation::ROW_MAJOR, type);
            EXPECT_EQ(buf->size(), 64u * 64 * 4);
            EXPECT_EQ(buf->device_local_size(), 64u * 32 * 4);
            EXPECT_EQ(buf->datum_size_bytes(), 4u);
            auto g = iota_global(64, 64);
            EnqueueWriteMeshBuffer(cq, buf, g);
            for (uint32_t x = 0; x < 2; ++x) {
                std::vector<uint32_t> shard;
                ReadShard(cq, shard, buf, MeshCoordinate(0, x));
                EXPECT_EQ(shard, slice(g, 64, 64, 32, 0, x)) << "chip column " << x;
            }
            std::vector<uint32_t> back{1, 2, 3};
            EnqueueReadMeshBuffer(cq, back, buf);
            EXPECT_EQ(back, g);
        }
    }
    {
        // Row halves down a 2x1 mesh, column-major; then a shard written alone.
        auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(2, 1)));
        auto& cq = mesh->mesh_command_queue();
        auto buf = sharded(mesh.get(), 64, 32, {32, 32}, ShardOrientation::COL_MAJOR);
        auto g = iota_global(64, 32);
        EnqueueWriteMeshBuffer(cq, buf, g);
        std::vector<uint32_t> shard;
        ReadShard(cq, shard, buf, MeshCoordinate(1, 0));
        EXPECT_EQ(shard, slice(g, 32, 32, 32, 1, 0));
        auto lower = random_words(32 * 32, 9);
        WriteShard(cq, buf, lower, MeshCoordinate(1, 0));
        std::copy(lower.begin(), lower.end(), g.begin() + 32 * 32);
        std::vector<uint32_t> back;
        EnqueueReadMeshBuffer(cq, back, buf);
        EXPECT_EQ(back, g);
    }
}

TEST_F(N300, ShardsReplicatedAlongAnAxis) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(2, 1)));
    auto& cq = mesh->mesh_command_queue();
    auto g = iota_global(32, 64);
    // Width 0: each shard spans the width; COL_MAJOR sends shard i to mesh row i.
    auto rows = sharded(mesh.get(), 32, 64, {16, 0}, ShardOrientation::COL_MAJOR);
    // Both 0: every chip holds the whole buffer.
    auto all = sharded(mesh.get(), 32, 64, {0, 0}, ShardOrientation::ROW_MAJOR);
    EnqueueWriteMeshBuffer(cq, rows, g);
    EnqueueWriteMeshBuffer(cq, all, g);
    for (uint32_t r = 0; r < 2; ++r) {
        std::vector<uint32_t> s;
        ReadShard(cq, s, rows, MeshCoordinate(r, 0));
        EXPECT_EQ(s, slice(g, 64, 16, 64, r, 0));
        ReadShard(cq, s, all, MeshCoordinate(r, 0));
        EXPECT_EQ(s, g);
    }
    std::vector<uint32_t> out;
    EXPECT_THROW(EnqueueReadMeshBuffer(cq, out, all), HostError);
}

TEST_F(N300, ShardedConfigsThatDoNotFitAreRefused) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    EXPECT_THROW(sharded(mesh.get(), 64, 96, {64, 32}, ShardOrientation::ROW_MAJOR),
                 HostError);  // 3 shards, 2 chips
    EXPECT_THROW(sharded(mesh.get(), 64, 64, {64, 24}, ShardOrientation::ROW_MAJOR),
                 HostError);  // 24 does not divide 64
    EXPECT_THROW(sharded(mesh.get(), 64, 64, {0, 32}, ShardOrientation::COL_MAJOR),
                 HostError);  // 2 shards, each over both chips of the row
    EXPECT_THROW(
        MeshBuffer::create(
            distributed::ShardedBufferConfig{
                .global_size = 1000, .global_buffer_shape = {64, 64}, .shard_shape = {64, 32}},
            DeviceLocalBufferConfig{.page_size = 1024}, mesh.get()),
        HostError);  // not a whole number of bytes per element
    auto ok = sharded(mesh.get(), 64, 64, {64, 32}, ShardOrientation::ROW_MAJOR);
    EXPECT_TRUE(ok->is_allocated());
}

// ---------------------------------------------------------------------------------------------
// Workloads

TEST_F(N300, TwoProgramsOnTwoChipsLaunchAtOneCycle) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    auto& cq = mesh->mesh_command_queue();
    auto dram = MeshBuffer::create(ReplicatedBufferConfig{.size = 8 * 2048},
                                   DeviceLocalBufferConfig{.page_size = 2048}, mesh.get());
    IDevice* a = mesh->get_device({0, 0});
    IDevice* b = mesh->get_device({0, 1});
    // Let the chips' clocks differ first: a program on chip 0 alone.
    Program warm = store_arg_program(1, dram->address(), 2);
    EnqueueProgram(a->command_queue(), warm, true);

    MeshWorkload workload;
    workload.add_program(MeshCoordinateRange({0, 0}, {0, 0}),
                         store_arg_program(10, dram->address(), 8));
    AddProgramToMeshWorkload(workload, store_arg_program(11, dram->address(), 2),
                             MeshCoordinateRange({0, 1}, {0, 1}));
    EXPECT_EQ(workload.get_programs().size(), 2u);
    EnqueueMeshWorkload(cq, workload, false);
    Finish(cq);
    EXPECT_EQ(stored(a), 10u);
    EXPECT_EQ(stored(b), 11u);
    const tensim::ProgramStats sa = tensim::last_program_stats(a);
    const tensim::ProgramStats sb = tensim::last_program_stats(b);
    EXPECT_EQ(sa.launch_cycle, sb.launch_cycle);
    EXPECT_GT(sa.device_cycles, sb.device_cycles);  // 8 pages against 2

    // The mesh's stats span both chips (through a MeshDevice* and through an IDevice*).
    const tensim::ProgramStats& m = tensim::last_program_stats(mesh.get());
    EXPECT_EQ(m.launch_cycle, sa.launch_cycle);
    EXPECT_EQ(m.device_cycles, std::max(sa.device_cycles, sb.device_cycles));
    ASSERT_EQ(m.kernels.size(), 2u);
    EXPECT_EQ(std::set<int>({m.kernels[0].chip, m.kernels[1].chip}), std::set<int>({0, 1}));
    EXPECT_EQ(tensim::last_program_stats(static_cast<IDevice*>(mesh.get())).device_cycles,
              m.device_cycles);
}

TEST_F(N300, OneProgramBroadcastOverTheMeshAndSubmeshes) {
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    auto dram = MeshBuffer::create(ReplicatedBufferConfig{.size = 8 * 2048},
                                   DeviceLocalBufferConfig{.page_size = 2048}, mesh.get());
    MeshWorkload all;
    all.add_program(MeshCoordinateRange(mesh->shape()), store_arg_program(5, dram->address(), 4));
    EnqueueMeshWorkload(mesh->mesh_command_queue(), all, true);
    for (IDevice* chip : mesh->get_devices()) EXPECT_EQ(stored(chip), 5u);
    EXPECT_EQ(tensim::last_program_stats(mesh->get_device({0, 0})).device_cycles,
              tensim::last_program_stats(mesh->get_device({0, 1})).device_cycles);

    auto subs = mesh->create_submeshes(MeshShape(1, 1));
    ASSERT_EQ(subs.size(), 2u);
    EXPECT_EQ(subs[1]->get_device({0, 0}), mesh->get_device({0, 1}));
    EXPECT_FALSE(subs[1]->is_parent_mesh());
    EXPECT_EQ(mesh->get_submeshes().size(), 2u);
    MeshWorkload one;
    one.add_program(MeshCoordinateRange(subs[1]->shape()),
                    store_arg_program(6, dram->address(), 1));
    EnqueueMeshWorkload(subs[1]->mesh_command_queue(), one, true);
    EXPECT_EQ(stored(mesh->get_device({0, 0})), 5u);
    EXPECT_EQ(stored(mesh->get_device({0, 1})), 6u);
    EXPECT_THROW(mesh->create_submesh(MeshShape(1, 2), MeshCoordinate(0, 1)), HostError);
    mesh->close();
    EXPECT_FALSE(subs[0]->is_initialized());  // the parent's chips are gone
    EXPECT_THROW(subs[0]->get_device({0, 0}), HostError);
}

TEST_F(N300, MisuseIsAHostErrorAndTheNextRunWorks) {
    auto meshes = MeshDevice::create_unit_meshes({0, 1});
    auto& cq0 = meshes[0]->mesh_command_queue();
    auto other =
        MeshBuffer::create(ReplicatedBufferConfig{.size = kTileBytes},
                           DeviceLocalBufferConfig{.page_size = kTileBytes}, meshes[1].get());
    std::vector<uint32_t> words(kTileBytes / 4);
    std::string msg = error_of([&] { EnqueueWriteMeshBuffer(cq0, other, words); });
    EXPECT_NE(msg.find("another mesh"), std::string::npos) << msg;
    EXPECT_THROW(ReadShard(cq0, words, other, MeshCoordinate(0, 0)), HostError);

    MeshWorkload outside;
    outside.add_program(MeshCoordinateRange({0, 0}, {0, 1}), CreateProgram());
    EXPECT_THROW(EnqueueMeshWorkload(cq0, outside, true), HostError);
    EXPECT_THROW(outside.add_program(MeshCoordinateRange({0, 1}, {0, 1}), CreateProgram()),
                 HostError);  // overlaps

    meshes[0]->close();
    MeshWorkload empty;
    EXPECT_THROW(EnqueueMeshWorkload(cq0, empty, true), HostError);
    EXPECT_THROW(Finish(cq0), HostError);
    EXPECT_THROW(meshes[0]->get_devices(), HostError);
    EXPECT_THROW(tensim::last_program_stats(meshes[0].get()), HostError);
    other.reset();
    meshes.clear();

    // Everything closed: a full mesh opens and runs.
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2)));
    auto dram = MeshBuffer::create(ReplicatedBufferConfig{.size = 8 * 2048},
                                   DeviceLocalBufferConfig{.page_size = 2048}, mesh.get());
    MeshWorkload w;
    w.add_program(MeshCoordinateRange(mesh->shape()), store_arg_program(3, dram->address(), 1));
    EnqueueMeshWorkload(mesh->mesh_command_queue(), w, true);
    EXPECT_EQ(stored(mesh->get_device({0, 1})), 3u);
}

}  // namespace
