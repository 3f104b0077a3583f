// distributed_eltwise_add: c = a + b over a mesh of chips (the [N] mesh API). a, b and c are bf16
// DRAM buffers sharded over the mesh, 4 tiles' worth per chip; one reader -> add_tiles -> writer
// program is broadcast to every chip, the chips add their shards at the same time, and c is read
// back assembled and checked against an fp64 host reference.
// Usage: distributed_eltwise_add [RxC]; the system is $TENSIM_SYSTEM, else n300, and the mesh the
// system's whole chip mesh unless given.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;
using namespace tt::tt_metal::distributed;

namespace {

MeshShape mesh_shape(int argc, char** argv) {
    unsigned r = 0, c = 0;
    if (argc > 1 && std::sscanf(argv[1], "%ux%u", &r, &c) == 2) return MeshShape(r, c);
    return system_mesh_shape();
}

// The single-chip eltwise_binary example's kernels; each chip adds its own shard.
Program add_program(const MeshBuffer& a, const MeshBuffer& b, const MeshBuffer& c, uint32_t n_tiles,
                    uint32_t tile_bytes) {
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};
    for (tt::CBIndex cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16})
        CreateCircularBuffer(program, core,
                             CircularBufferConfig(2 * tile_bytes, {{cb, tt::DataFormat::Float16_b}})
                                 .set_page_size(cb, tile_bytes));
    auto reader = CreateKernel(program, "examples/eltwise_binary/kernels/reader_binary.cpp", core,
                               DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                                  .noc = NOC::RISCV_1_default});
    auto writer = CreateKernel(program, "examples/eltwise_binary/kernels/writer_unary.cpp", core,
                               DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                                  .noc = NOC::RISCV_0_default});
    auto compute =
        CreateKernel(program, "examples/eltwise_binary/kernels/eltwise_binary.cpp", core,
                     ComputeConfig{.math_fidelity = MathFidelity::HiFi4,
                                   .defines = {{"ELTWISE_OP", "add_tiles"},
                                               {"ELTWISE_OP_TYPE", "EltwiseBinaryType::ELWADD"}}});
    SetRuntimeArgs(program, reader, core, {a.address(), b.address(), n_tiles});
    SetRuntimeArgs(program, writer, core, {c.address(), n_tiles});
    SetRuntimeArgs(program, compute, core, {n_tiles});
    return program;
}

}  // namespace

int main(int argc, char** argv) {
    if (!std::getenv("TENSIM_SYSTEM")) tensim::set_system("n300");
    auto mesh = MeshDevice::create(MeshDeviceConfig(mesh_shape(argc, argv)));
    MeshCommandQueue& cq = mesh->mesh_command_queue();

    // Each chip holds a (32 * n_tiles) x 32 block of the global buffer: n_tiles pages of one tile.
    constexpr uint32_t n_tiles = 4, tile_bytes = 32 * 32 * sizeof(bfloat16);
    const Shape2D shard{32 * n_tiles, 32};
    const Shape2D global{shard.height() * mesh->num_rows(), shard.width() * mesh->num_cols()};
    const distributed::ShardedBufferConfig cfg{
        .global_size = global.height() * global.width() * sizeof(bfloat16),
        .global_buffer_shape = global,
        .shard_shape = shard,
        .shard_orientation = ShardOrientation::ROW_MAJOR};
    const DeviceLocalBufferConfig local{.page_size = tile_bytes, .buffer_type = BufferType::DRAM};
    auto a = MeshBuffer::create(cfg, local, mesh.get());
    auto b = MeshBuffer::create(cfg, local, mesh.get());
    auto c = MeshBuffer::create(cfg, local, mesh.get());

    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<bfloat16> a_data(global.height() * global.width()), b_data(a_data.size());
    for (size_t i = 0; i < a_data.size(); ++i) {
        a_data[i] = bfloat16(dist(rng));
        b_data[i] = bfloat16(dist(rng));
    }
    EnqueueWriteMeshBuffer(cq, a, a_data, false);
    EnqueueWriteMeshBuffer(cq, b, b_data, false);

    MeshWorkload workload;
    AddProgramToMeshWorkload(workload, add_program(*a, *b, *c, n_tiles, tile_bytes),
                             MeshCoordinateRange(mesh->shape()));
    EnqueueMeshWorkload(cq, workload, false);
    std::vector<bfloat16> result;
    EnqueueReadMeshBuffer(cq, result, c, true);

    // bf16 inputs add exactly in the FPU; Dst and the packer round the sum to bf16 once.
    double max_err = 0;
    for (size_t i = 0; i < a_data.size(); ++i) {
        double ref = double(float(a_data[i])) + double(float(b_data[i]));
        max_err = std::max(max_err, std::abs(double(float(result[i])) - ref));
    }
    const bool numerics_ok = result.size() == a_data.size() && max_err <= 2.0 * std::ldexp(1.0, -8);
    const auto& st = tensim::last_program_stats(mesh.get());
    std::printf(
        "distributed_eltwise_add: %s, %u tiles per chip, max |err| %.3g, device time %llu cycles "
        "(%.2f us)\n",
        mesh->to_string().c_str(), n_tiles, max_err,
        static_cast<unsigned long long>(st.device_cycles), st.device_time_us);
    const bool closed = mesh->close();
    if (tensim::numerics_mode_name() == "timing") {
        std::printf("%s\n", closed ? "PASS (timing mode: results not checked)" : "FAIL");
        return closed ? 0 : 1;
    }
    const bool pass = numerics_ok && closed;
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
