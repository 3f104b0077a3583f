// sfpu_eltwise_chain: softplus(x) = log(1 + exp(x)) on one core of a unit mesh ([N] host API),
// computed as a chain of SFPU ops on Dst with a tile of ones for the "+ 1". The host tilizes the
// row-major input with tilize_nfaces and untilizes the result; checked against fp64 softplus.
#include <cmath>
#include <cstdio>
#include <random>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
#include <tt-metalium/tilize_utils.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    std::shared_ptr<distributed::MeshDevice> mesh_device =
        distributed::MeshDevice::create_unit_mesh(0);
    distributed::MeshCommandQueue& cq = mesh_device->mesh_command_queue();
    distributed::MeshWorkload workload;
    distributed::MeshCoordinateRange device_range(mesh_device->shape());
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};

    // A 64 x 128 row-major matrix: 2 x 4 tiles.
    constexpr uint32_t M = 64, N = 128;
    constexpr uint32_t elements_per_tile = constants::TILE_WIDTH * constants::TILE_HEIGHT;
    constexpr uint32_t n_tiles = (M * N) / elements_per_tile;
    constexpr uint32_t tile_size_bytes = sizeof(bfloat16) * elements_per_tile;

    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_size_bytes,
                                                     .buffer_type = BufferType::DRAM};
    distributed::ReplicatedBufferConfig src_buffer_config{.size = n_tiles * tile_size_bytes};
    distributed::ReplicatedBufferConfig ones_buffer_config{.size = tile_size_bytes};
    auto src_dram_buffer =
        distributed::MeshBuffer::create(src_buffer_config, dram_config, mesh_device.get());
    auto ones_dram_buffer =
        distributed::MeshBuffer::create(ones_buffer_config, dram_config, mesh_device.get());
    auto dst_dram_buffer =
        distributed::MeshBuffer::create(src_buffer_config, dram_config, mesh_device.get());

    // Inputs in [-4, 4].
    std::mt19937 rng(17);
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    std::vector<bfloat16> src_vec(M * N);
    for (auto& v : src_vec) v = bfloat16(dist(rng));
    std::vector<bfloat16> ones_vec(elements_per_tile, bfloat16(1.0f));
    // The device holds tiles of four 16x16 faces; the write must outlive the non-blocking enqueue.
    std::vector<bfloat16> src_tiled = tilize_nfaces(src_vec, M, N);
    distributed::EnqueueWriteMeshBuffer(cq, src_dram_buffer, src_tiled, false);
    distributed::EnqueueWriteMeshBuffer(cq, ones_dram_buffer, ones_vec, false);

    for (tt::CBIndex cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16}) {
        const uint32_t tiles = cb == CBIndex::c_1 ? 1 : 2;
        CreateCircularBuffer(
            program, core,
            CircularBufferConfig(tiles * tile_size_bytes, {{cb, tt::DataFormat::Float16_b}})
                .set_page_size(cb, tile_size_bytes));
    }

    std::vector<uint32_t> reader_compile_time_args;
    TensorAccessorArgs(*src_dram_buffer).append_to(reader_compile_time_args);
    TensorAccessorArgs(*ones_dram_buffer).append_to(reader_compile_time_args);
    std::vector<uint32_t> writer_compile_time_args;
    TensorAccessorArgs(*dst_dram_buffer).append_to(writer_compile_time_args);
    KernelHandle reader_id = CreateKernel(program, "examples/sfpu_eltwise_chain/kernels/reader.cpp",
                                          core, ReaderDataMovementConfig(reader_compile_time_args));
    KernelHandle writer_id = CreateKernel(program, "examples/sfpu_eltwise_chain/kernels/writer.cpp",
                                          core, WriterDataMovementConfig(writer_compile_time_args));
    KernelHandle compute_id =
        CreateKernel(program, "examples/sfpu_eltwise_chain/kernels/compute.cpp", core,
                     ComputeConfig{.math_fidelity = MathFidelity::HiFi4,
                                   .fp32_dest_acc_en = false,
                                   .math_approx_mode = false});

    SetRuntimeArgs(program, reader_id, core,
                   {src_dram_buffer->address(), ones_dram_buffer->address(), n_tiles});
    SetRuntimeArgs(program, writer_id, core, {dst_dram_buffer->address(), n_tiles});
    SetRuntimeArgs(program, compute_id, core, {n_tiles});

    workload.add_program(device_range, std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    distributed::Finish(cq);

    std::vector<bfloat16> result_tiled;
    distributed::EnqueueReadMeshBuffer(cq, result_tiled, dst_dram_buffer, true);
    const auto& st = tensim::last_program_stats(mesh_device.get());
    const unsigned long long cycles = st.device_cycles;
    const double us = st.device_time_us;
    bool pass = mesh_device->close();

    if (tensim::numerics_mode_name() == "timing") {
        std::printf(
            "sfpu_eltwise_chain (softplus): %ux%u, %u tiles, device time %llu cycles (%.2f us)\n",
            M, N, n_tiles, cycles, us);
        std::printf("%s\n", pass ? "PASS (timing mode: results not checked)" : "FAIL");
        return pass ? 0 : 1;
    }

    // Each SFPU step leaves a bf16 value in Dst (relative 2^-9): exp(x) and 1 + exp(x) are rounded
    // before the log, which turns a relative error e into an absolute one of about e, and the
    // output is rounded to bf16 once more. Allow |err| <= 0.01 + 1% of |softplus(x)|.
    std::vector<bfloat16> result = untilize_nfaces(result_tiled, M, N);
    double max_err = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    bool within = result.size() == src_vec.size();
    for (size_t i = 0; within && i < src_vec.size(); ++i) {
        double x = float(src_vec[i]);
        double ref = std::log1p(std::exp(x));
        double got = float(result[i]);
        double err = std::abs(got - ref);
        max_err = std::max(max_err, err);
        if (!(err <= 0.01 + 0.01 * std::abs(ref))) within = false;
        sx += ref, sy += got, sxx += ref * ref, syy += got * got, sxy += ref * got;
    }
    double n = double(src_vec.size());
    double pcc = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    pass = pass && within && pcc > 0.9999;
    std::printf(
        "sfpu_eltwise_chain (softplus): %ux%u, %u tiles, device time %llu cycles (%.2f us), "
        "max |err| %.3g, PCC %.6f\n",
        M, N, n_tiles, cycles, us, max_err, pcc);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
