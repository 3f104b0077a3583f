// distributed_buffer_rw: buffers spread over a mesh of chips (the [N] mesh API). A sharded L1
// buffer (a 32x32 uint32 shard per chip) is written from one global host buffer and read back
// assembled, each chip's shard checked on its own; then a sharded DRAM buffer is copied on every
// chip at once by a loopback program into a second one, read back assembled.
// Usage: distributed_buffer_rw [RxC]; the system is $TENSIM_SYSTEM, else n300, and the mesh the
// system's whole chip mesh unless given.
#include <cstdio>
#include <cstdlib>
#include <random>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <vector>

using namespace tt::tt_metal;
using namespace tt::tt_metal::distributed;

namespace {

MeshShape mesh_shape(int argc, char** argv) {
    unsigned r = 0, c = 0;
    if (argc > 1 && std::sscanf(argv[1], "%ux%u", &r, &c) == 2) return MeshShape(r, c);
    return system_mesh_shape();
}

template <typename T>
std::vector<T> random_vector(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(rng());
    return v;
}

}  // namespace

int main(int argc, char** argv) {
    if (!std::getenv("TENSIM_SYSTEM")) tensim::set_system("n300");
    auto mesh = MeshDevice::create(MeshDeviceConfig(mesh_shape(argc, argv)));
    MeshCommandQueue& cq = mesh->mesh_command_queue();
    const uint32_t rows = mesh->num_rows(), cols = mesh->num_cols();
    bool pass = true;

    // 1. Sharded L1: a (32 rows) x (32 cols) uint32 shard per chip, shards row-major over the mesh.
    const Shape2D shard{32, 32}, global{32 * rows, 32 * cols};
    auto l1 = MeshBuffer::create(
        distributed::ShardedBufferConfig{
            .global_size = global.height() * global.width() * sizeof(uint32_t),
            .global_buffer_shape = global,
            .shard_shape = shard},
        DeviceLocalBufferConfig{.page_size = 1024, .buffer_type = BufferType::L1}, mesh.get());
    auto src = random_vector<uint32_t>(global.height() * global.width(), 1);
    EnqueueWriteMeshBuffer(cq, l1, src);
    std::vector<uint32_t> back;
    EnqueueReadMeshBuffer(cq, back, l1, true);
    pass &= back == src;
    for (const MeshCoordinate& c : MeshCoordinateRange(mesh->shape())) {
        std::vector<uint32_t> got, want;
        ReadShard(cq, got, l1, c);
        for (uint32_t i = 0; i < 32; ++i)
            for (uint32_t j = 0; j < 32; ++j)
                want.push_back(src[(c[0] * 32 + i) * global.width() + c[1] * 32 + j]);
        pass &= got == want;
    }

    // 2. Sharded DRAM: 8 tiles' worth of uint16 per chip, copied tile by tile on every chip.
    constexpr uint32_t tiles = 8, tile_bytes = 32 * 32 * 2;
    const distributed::ShardedBufferConfig dram_cfg{
        .global_size = DeviceAddr{tiles} * tile_bytes * rows * cols,
        .global_buffer_shape = {32 * tiles * rows, 32 * cols},
        .shard_shape = {32 * tiles, 32}};
    const DeviceLocalBufferConfig dram_local{.page_size = tile_bytes};
    auto in = MeshBuffer::create(dram_cfg, dram_local, mesh.get());
    auto out = MeshBuffer::create(dram_cfg, dram_local, mesh.get());
    auto scratch = MeshBuffer::create(
        ReplicatedBufferConfig{.size = tile_bytes},
        DeviceLocalBufferConfig{.page_size = tile_bytes, .buffer_type = BufferType::L1},
        mesh.get());
    auto data = random_vector<uint16_t>(dram_cfg.global_size / 2, 2);
    EnqueueWriteMeshBuffer(cq, in, data);

    Program copy = CreateProgram();
    std::vector<uint32_t> cta;
    TensorAccessorArgs(*in).append_to(cta);
    TensorAccessorArgs(*out).append_to(cta);
    KernelHandle k = CreateKernel(copy, "examples/loopback_mesh/kernels/loopback_dram_copy.cpp",
                                  CoreCoord{0, 0}, DataMovementConfig{.compile_args = cta});
    SetRuntimeArgs(copy, k, CoreCoord{0, 0},
                   {scratch->address(), in->address(), out->address(), tiles});
    MeshWorkload workload;
    workload.add_program(MeshCoordinateRange(mesh->shape()), std::move(copy));
    EnqueueMeshWorkload(cq, workload, false);
    std::vector<uint16_t> copied;
    EnqueueReadMeshBuffer(cq, copied, out, true);  // waits for the copies
    pass &= copied == data;

    const auto& st = tensim::last_program_stats(mesh.get());
    std::printf(
        "distributed_buffer_rw: %s; L1 shards of %zux%zu words, DRAM shards of %u tiles at "
        "address 0x%x on every chip; copy %llu cycles (%.2f us)\n",
        mesh->to_string().c_str(), shard.height(), shard.width(), tiles, in->address(),
        static_cast<unsigned long long>(st.device_cycles), st.device_time_us);
    pass &= mesh->close();
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
