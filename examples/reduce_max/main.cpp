// reduce_max: the maximum of every row of a 128 x 256 bf16 matrix on one core ([N] host API).
// The reader makes a scaler tile of 1.0; the compute kernel reduces each tile row with
// reduce_tile<MAX, REDUCE_ROW>; column 0 of each output tile holds 32 row maxima. Some rows are
// all negative, so a max that starts from zero would show. The max of bf16 values is one of them,
// so the check is exact.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
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

    constexpr uint32_t M = 128, N = 256;
    constexpr uint32_t Ht = M / constants::TILE_HEIGHT, Wt = N / constants::TILE_WIDTH;
    constexpr uint32_t elements_per_tile = constants::TILE_WIDTH * constants::TILE_HEIGHT;
    constexpr uint32_t tile_size_bytes = sizeof(bfloat16) * elements_per_tile;

    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_size_bytes,
                                                     .buffer_type = BufferType::DRAM};
    auto src_buffer = distributed::MeshBuffer::create(
        distributed::ReplicatedBufferConfig{.size = Ht * Wt * tile_size_bytes}, dram_config,
        mesh_device.get());
    auto dst_buffer = distributed::MeshBuffer::create(
        distributed::ReplicatedBufferConfig{.size = Ht * tile_size_bytes}, dram_config,
        mesh_device.get());

    // Rows of three kinds: mixed signs in [-10, 10], all negative in [-60, -0.5], and all negative
    // with a tiny spread near -1000 (bf16 spacing there is 4).
    std::mt19937 rng(5);
    std::uniform_real_distribution<float> mixed(-10.0f, 10.0f), negative(-60.0f, -0.5f),
        far(-1040.0f, -1000.0f);
    std::vector<bfloat16> src_vec(M * N);
    for (uint32_t r = 0; r < M; ++r)
        for (uint32_t c = 0; c < N; ++c) {
            float v = r % 3 == 0 ? mixed(rng) : r % 3 == 1 ? negative(rng) : far(rng);
            src_vec[r * N + c] = bfloat16(v);
        }
    std::vector<bfloat16> src_tiled = tilize_nfaces(src_vec, M, N);
    distributed::EnqueueWriteMeshBuffer(cq, src_buffer, src_tiled, false);

    auto make_cb = [&](tt::CBIndex cb, uint32_t tiles) {
        CreateCircularBuffer(
            program, core,
            CircularBufferConfig(tiles * tile_size_bytes, {{cb, tt::DataFormat::Float16_b}})
                .set_page_size(cb, tile_size_bytes));
    };
    make_cb(CBIndex::c_0, 2);   // input, double-buffered
    make_cb(CBIndex::c_2, 1);   // reduce scaler
    make_cb(CBIndex::c_16, 2);  // output

    std::vector<uint32_t> reader_args = {Ht, Wt};
    TensorAccessorArgs(*src_buffer).append_to(reader_args);
    std::vector<uint32_t> writer_args;
    TensorAccessorArgs(*dst_buffer).append_to(writer_args);
    KernelHandle reader = CreateKernel(program, "examples/reduce_max/kernels/reader.cpp", core,
                                       ReaderDataMovementConfig(reader_args));
    KernelHandle writer = CreateKernel(program, "examples/reduce_max/kernels/writer.cpp", core,
                                       WriterDataMovementConfig(writer_args));
    CreateKernel(program, "examples/reduce_max/kernels/reduce_max.cpp", core,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4, .compile_args = {Ht, Wt}});

    const uint16_t one = bfloat16(1.0f).to_uint16();
    const uint32_t packed_scaler = uint32_t(one) << 16 | one;
    SetRuntimeArgs(program, reader, core, {src_buffer->address(), packed_scaler});
    SetRuntimeArgs(program, writer, core, {dst_buffer->address(), Ht});

    workload.add_program(device_range, std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    distributed::Finish(cq);

    std::vector<bfloat16> result_tiled;
    distributed::EnqueueReadMeshBuffer(cq, result_tiled, dst_buffer, true);
    const auto& st = tensim::last_program_stats(mesh_device.get());
    const unsigned long long cycles = st.device_cycles;
    const double us = st.device_time_us;
    bool pass = mesh_device->close();

    if (tensim::numerics_mode_name() == "timing") {
        std::printf("reduce_max: %ux%u row max, device time %llu cycles (%.2f us)\n", M, N, cycles,
                    us);
        std::printf("%s\n", pass ? "PASS (timing mode: results not checked)" : "FAIL");
        return pass ? 0 : 1;
    }

    // Output: Ht tiles stacked vertically, an M x 32 matrix whose column 0 holds the row maxima.
    std::vector<bfloat16> result = untilize_nfaces(result_tiled, M, constants::TILE_WIDTH);
    double max_err = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    uint32_t wrong = 0, first_wrong = M;
    for (uint32_t r = 0; r < M; ++r) {
        double ref = -std::numeric_limits<double>::infinity();
        for (uint32_t c = 0; c < N; ++c) ref = std::max(ref, double(float(src_vec[r * N + c])));
        double got = float(result[r * constants::TILE_WIDTH]);
        max_err = std::max(max_err, std::abs(got - ref));
        if (got != ref && wrong++ == 0) first_wrong = r;
        sx += ref, sy += got, sxx += ref * ref, syy += got * got, sxy += ref * got;
    }
    double pcc = (sxy - sx * sy / M) / std::sqrt((sxx - sx * sx / M) * (syy - sy * sy / M));
    pass = pass && wrong == 0 && max_err == 0.0 && pcc > 0.99999;
    std::printf(
        "reduce_max: %ux%u row max, device time %llu cycles (%.2f us), max |err| %.3g, PCC %.6f, "
        "%u of %u rows exact\n",
        M, N, cycles, us, max_err, pcc, M - wrong, M);
    if (wrong) {
        double ref = -std::numeric_limits<double>::infinity();
        for (uint32_t c = 0; c < N; ++c)
            ref = std::max(ref, double(float(src_vec[first_wrong * N + c])));
        std::printf("  first wrong row %u: got %g, expected %g\n", first_wrong,
                    float(result[first_wrong * constants::TILE_WIDTH]), ref);
    }
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
