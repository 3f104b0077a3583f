// The [N] mesh host API on a unit mesh (MeshDevice, MeshBuffer, MeshWorkload, the mesh queue)
// and host-side TensorAccessorArgs. Runs on the default n150 system.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <random>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <vector>

#include "tensim/error.hpp"

using namespace tt::tt_metal;
using namespace tt::tt_metal::distributed;
using tensim::HostError;

namespace {

constexpr uint32_t kTileBytes = 32 * 32 * 2;  // one bf16 tile

std::shared_ptr<MeshBuffer> make_buffer(MeshDevice* mesh, DeviceAddr size, DeviceAddr page,
                                        BufferType type) {
    return MeshBuffer::create(ReplicatedBufferConfig{.size = size},
                              DeviceLocalBufferConfig{.page_size = page, .buffer_type = type},
                              mesh);
}

std::vector<uint32_t> random_words(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<uint32_t> v(n);
    for (auto& w : v) w = rng();
    return v;
}

// ---------------------------------------------------------------------------------------------
// Devices

TEST(MeshDevice, UnitMeshForwardsToItsDevice) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    EXPECT_EQ(mesh->shape(), MeshShape(1, 1));
    EXPECT_EQ(mesh->num_rows(), 1u);
    EXPECT_EQ(mesh->num_cols(), 1u);
    EXPECT_EQ(mesh->num_devices(), 1u);
    EXPECT_EQ(mesh->id(), 0);
    EXPECT_EQ(mesh->arch(), tt::ARCH::WORMHOLE_B0);
    EXPECT_TRUE(mesh->is_initialized());

    IDevice* chip = mesh->get_device({0, 0});
    ASSERT_NE(chip, nullptr);
    EXPECT_NE(chip, static_cast<IDevice*>(mesh.get()));
    EXPECT_EQ(mesh->get_devices(), std::vector<IDevice*>{chip});
    EXPECT_EQ(mesh->compute_with_storage_grid_size(), chip->compute_with_storage_grid_size());
    EXPECT_EQ(mesh->worker_core_from_logical_core({1, 2}),
              chip->worker_core_from_logical_core({1, 2}));
    EXPECT_EQ(mesh->num_dram_channels(), chip->num_dram_channels());
    EXPECT_EQ(mesh->l1_size_per_core(), chip->l1_size_per_core());
    EXPECT_EQ(&mesh->command_queue(), &chip->command_queue());

    MeshCommandQueue& cq = mesh->mesh_command_queue();
    EXPECT_EQ(cq.device(), mesh.get());
    EXPECT_EQ(&mesh->mesh_command_queue(0), &cq);
    EXPECT_THROW(mesh->mesh_command_queue(1), HostError);
    EXPECT_THROW(mesh->get_device({0, 1}), HostError);
}

TEST(MeshDevice, CloseReleasesTheDevice) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    EXPECT_THROW(MeshDevice::create_unit_mesh(0), HostError);  // device 0 is taken
    EXPECT_TRUE(mesh->close());
    EXPECT_FALSE(mesh->is_initialized());
    EXPECT_THROW(mesh->compute_with_storage_grid_size(), HostError);
    EXPECT_THROW(tensim::last_program_stats(mesh.get()), HostError);
    EXPECT_TRUE(mesh->close());  // a second close is harmless

    // The device is free again, and the destructor closes a mesh left open.
    { auto again = MeshDevice::create_unit_mesh(0); }
    auto third = MeshDevice::create_unit_mesh(0);
    EXPECT_TRUE(third->is_initialized());
}

TEST(MeshDevice, OnlyUnitMeshesOfExistingDevices) {
    EXPECT_THROW(MeshDevice::create(MeshDeviceConfig(MeshShape(2, 1))), HostError);
    EXPECT_THROW(MeshDevice::create(MeshDeviceConfig(MeshShape(1, 2))), HostError);
    EXPECT_THROW(MeshDevice::create_unit_mesh(99), HostError);
    EXPECT_THROW(MeshDevice::create_unit_mesh(-1), HostError);
    // One or two command queues, as TT-Metal (test_mesh_trace uses two).
    EXPECT_THROW(MeshDevice::create_unit_mesh(0, 0, 0, /*num_command_queues=*/3), HostError);
    EXPECT_THROW(MeshDevice::create_unit_meshes({0, 99}), HostError);

    // The failed calls left nothing open: a 1x1 mesh from a config works.
    auto mesh = MeshDevice::create(MeshDeviceConfig(MeshShape(1, 1)));
    EXPECT_EQ(mesh->id(), 0);
    auto meshes = MeshDevice::create_unit_meshes({});
    EXPECT_TRUE(meshes.empty());
}

TEST(MeshCoordinateRange, ShapeContainsIntersects) {
    MeshCoordinateRange whole(MeshShape(2, 3));
    EXPECT_EQ(whole.start_coord(), MeshCoordinate(0, 0));
    EXPECT_EQ(whole.end_coord(), MeshCoordinate(1, 2));
    EXPECT_EQ(whole.shape(), MeshShape(2, 3));
    EXPECT_EQ(whole.shape().mesh_size(), 6u);
    EXPECT_TRUE(whole.contains({1, 2}));
    EXPECT_FALSE(whole.contains({2, 0}));
    MeshCoordinateRange corner({1, 2}, {3, 3});
    EXPECT_TRUE(whole.intersects(corner));
    EXPECT_FALSE(whole.intersects(MeshCoordinateRange({2, 0}, {2, 2})));
    EXPECT_THROW(MeshCoordinateRange({1, 0}, {0, 0}), HostError);
    EXPECT_THROW(MeshCoordinateRange(MeshShape(0, 1)), HostError);
}

// ---------------------------------------------------------------------------------------------
// Buffers

TEST(MeshBuffer, DramAndL1RoundTrip) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    MeshCommandQueue& cq = mesh->mesh_command_queue();
    for (BufferType type : {BufferType::DRAM, BufferType::L1}) {
        SCOPED_TRACE(type == BufferType::DRAM ? "DRAM" : "L1");
        auto buf = make_buffer(mesh.get(), 7 * kTileBytes, kTileBytes, type);
        EXPECT_EQ(buf->size(), 7u * kTileBytes);
        EXPECT_EQ(buf->page_size(), kTileBytes);
        EXPECT_EQ(buf->device(), mesh.get());
        Buffer* backing = buf->get_backing_buffer();
        ASSERT_NE(backing, nullptr);
        EXPECT_EQ(buf->get_reference_buffer(), backing);
        EXPECT_EQ(buf->get_device_buffer({0, 0}), backing);
        EXPECT_THROW(buf->get_device_buffer({1, 0}), HostError);
        EXPECT_EQ(backing->device(), mesh->get_device({0, 0}));
        EXPECT_EQ(backing->buffer_type(), type);
        EXPECT_EQ(backing->num_pages(), 7u);
        EXPECT_EQ(buf->address(), backing->address());

        auto in = random_words(7 * kTileBytes / 4, 1);
        EnqueueWriteMeshBuffer(cq, buf, in, false);
        std::vector<uint32_t> out{0xdeadbeef};
        EnqueueReadMeshBuffer(cq, out, buf, true);
        Finish(cq);
        EXPECT_EQ(out, in);

        // The shard calls reach the same bytes.
        auto in2 = random_words(in.size(), 2);
        WriteShard(cq, buf, in2, MeshCoordinate(0, 0));
        std::vector<uint32_t> out2;
        ReadShard(cq, out2, buf, MeshCoordinate(0, 0));
        EXPECT_EQ(out2, in2);
        EnqueueReadMeshBuffer(cq, out, buf, true);
        EXPECT_EQ(out, in2);

        // Resized to bytes, whatever the element type.
        std::vector<uint16_t> halves;
        EnqueueReadMeshBuffer(cq, halves, buf);
        EXPECT_EQ(halves.size(), 7u * kTileBytes / 2);
    }
}

TEST(MeshBuffer, MisuseIsAHostError) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    MeshCommandQueue& cq = mesh->mesh_command_queue();
    auto buf = make_buffer(mesh.get(), 2 * kTileBytes, kTileBytes, BufferType::DRAM);
    // A host vector shorter than the buffer is not misuse: tt-metal writes from its data()
    // (tests/host/test_metalium_names.cpp checks what tensim writes).
    EXPECT_THROW(
        WriteShard(cq, buf, std::vector<uint32_t>(2 * kTileBytes / 4), MeshCoordinate(0, 1)),
        HostError);
    std::vector<uint32_t> out;
    EXPECT_THROW(ReadShard(cq, out, buf, MeshCoordinate(1, 0)), HostError);
    std::shared_ptr<MeshBuffer> null_buf;
    EXPECT_THROW(EnqueueReadMeshBuffer(cq, out, null_buf), HostError);
    EXPECT_THROW(make_buffer(mesh.get(), 100, 64, BufferType::DRAM),
                 HostError);  // not a whole number of pages
    EXPECT_THROW(make_buffer(nullptr, kTileBytes, kTileBytes, BufferType::DRAM), HostError);
    buf->deallocate();
    EXPECT_FALSE(buf->is_allocated());
    EXPECT_THROW(EnqueueReadMeshBuffer(cq, out, buf), HostError);
}

// ---------------------------------------------------------------------------------------------
// TensorAccessorArgs

TEST(TensorAccessorArgs, DramAndL1) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    // 100 B pages: DRAM aligns to 32 B (-> 128), L1 to 16 B (-> 112).
    auto dram = make_buffer(mesh.get(), 400, 100, BufferType::DRAM);
    auto l1 = make_buffer(mesh.get(), 400, 100, BufferType::L1);
    EXPECT_EQ(TensorAccessorArgs(*dram).get_compile_time_args(),
              (std::vector<uint32_t>{0b10, 128}));
    EXPECT_EQ(TensorAccessorArgs(*l1).get_compile_time_args(), (std::vector<uint32_t>{0b00, 112}));
    EXPECT_TRUE(TensorAccessorArgs(l1).get_common_runtime_args().empty());

    // append_to adds after what is there; common runtime args get nothing.
    std::vector<uint32_t> cta{7}, crta{9};
    TensorAccessorArgs(*dram).append_to(cta);
    TensorAccessorArgs(*l1).append_to(cta, crta);
    EXPECT_EQ(cta, (std::vector<uint32_t>{7, 0b10, 128, 0b00, 112}));
    EXPECT_EQ(crta, std::vector<uint32_t>{9});

    // Every constructor describes the same buffer the same way.
    const auto expected = TensorAccessorArgs(*dram).get_compile_time_args();
    Buffer* backing = dram->get_backing_buffer();
    std::shared_ptr<Buffer> plain =
        CreateBuffer(InterleavedBufferConfig{.device = mesh->get_device({0, 0}),
                                             .size = 400,
                                             .page_size = 100,
                                             .buffer_type = BufferType::DRAM});
    EXPECT_EQ(TensorAccessorArgs(dram).get_compile_time_args(), expected);
    EXPECT_EQ(TensorAccessorArgs(backing).get_compile_time_args(), expected);
    EXPECT_EQ(TensorAccessorArgs(*backing).get_compile_time_args(), expected);
    EXPECT_EQ(TensorAccessorArgs(plain).get_compile_time_args(), expected);

    EXPECT_THROW(TensorAccessorArgs(static_cast<const Buffer*>(nullptr)), HostError);
    EXPECT_THROW(TensorAccessorArgs(std::shared_ptr<Buffer>()), HostError);
    EXPECT_THROW(TensorAccessorArgs(std::shared_ptr<MeshBuffer>()), HostError);
}

// ---------------------------------------------------------------------------------------------
// Workloads

// Runs examples/loopback_mesh's kernel copying the first `num_tiles` tiles of `input` into a
// zeroed buffer of the same size, and returns that buffer's words.
std::vector<uint32_t> run_loopback(MeshDevice* mesh, const std::vector<uint32_t>& input,
                                   uint32_t num_tiles) {
    MeshCommandQueue& cq = mesh->mesh_command_queue();
    const DeviceAddr bytes = input.size() * sizeof(uint32_t);
    auto l1 = make_buffer(mesh, kTileBytes, kTileBytes, BufferType::L1);
    auto src = make_buffer(mesh, bytes, kTileBytes, BufferType::DRAM);
    auto dst = make_buffer(mesh, bytes, kTileBytes, BufferType::DRAM);
    EnqueueWriteMeshBuffer(cq, src, input);
    EnqueueWriteMeshBuffer(cq, dst, std::vector<uint32_t>(input.size(), 0));

    Program program = CreateProgram();
    std::vector<uint32_t> cta;
    TensorAccessorArgs(*src).append_to(cta);
    TensorAccessorArgs(*dst).append_to(cta);
    KernelHandle k = CreateKernel(program, "examples/loopback_mesh/kernels/loopback_dram_copy.cpp",
                                  CoreCoord{0, 0},
                                  DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                     .noc = NOC::RISCV_0_default,
                                                     .compile_args = cta});
    SetRuntimeArgs(program, k, CoreCoord{0, 0},
                   {l1->address(), src->address(), dst->address(), num_tiles});

    MeshWorkload workload;
    workload.add_program(MeshCoordinateRange(mesh->shape()), std::move(program));
    EXPECT_EQ(workload.get_programs().size(), 1u);
    EnqueueMeshWorkload(cq, workload, false);
    Finish(cq);

    std::vector<uint32_t> out;
    EnqueueReadMeshBuffer(cq, out, dst, true);
    return out;
}

TEST(MeshWorkload, RunsTheLoopbackKernel) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    constexpr uint32_t num_tiles = 5;
    auto input = random_words(num_tiles * kTileBytes / 4, 3);
    EXPECT_EQ(run_loopback(mesh.get(), input, num_tiles), input);
    const auto& stats = tensim::last_program_stats(mesh.get());
    EXPECT_GT(stats.device_cycles, 0u);
    ASSERT_EQ(stats.kernels.size(), 1u);
    EXPECT_EQ(stats.kernels[0].risc, "BRISC");

    // Only part of the output is copied when the kernel is told fewer tiles.
    auto partial = run_loopback(mesh.get(), input, 2);
    std::vector<uint32_t> expected(input.begin(), input.begin() + 2 * kTileBytes / 4);
    expected.resize(input.size(), 0);
    EXPECT_EQ(partial, expected);
}

TEST(MeshWorkload, RangesMustFitAndNotOverlap) {
    auto mesh = MeshDevice::create_unit_mesh(0);
    MeshWorkload workload;
    workload.add_program(MeshCoordinateRange(mesh->shape()), CreateProgram());
    EXPECT_THROW(workload.add_program(MeshCoordinateRange({0, 0}, {0, 0}), CreateProgram()),
                 HostError);

    MeshWorkload outside;
    outside.add_program(MeshCoordinateRange({0, 0}, {0, 1}), CreateProgram());
    EXPECT_THROW(EnqueueMeshWorkload(mesh->mesh_command_queue(), outside, true), HostError);
}

}  // namespace
