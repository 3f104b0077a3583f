// softmax: row-wise softmax of a 64 x 256 bf16 matrix on one core ([N] host API), with a two-pass
// compute kernel (row max; then exp(x - max), row sum, 1/sum, scale). Checked against an fp64
// softmax of the bf16 inputs.
#include <algorithm>
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

    constexpr uint32_t M = 64, N = 256;
    constexpr uint32_t Ht = M / constants::TILE_HEIGHT, Wt = N / constants::TILE_WIDTH;
    constexpr uint32_t elements_per_tile = constants::TILE_WIDTH * constants::TILE_HEIGHT;
    constexpr uint32_t tile_size_bytes = sizeof(bfloat16) * elements_per_tile;

    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_size_bytes,
                                                     .buffer_type = BufferType::DRAM};
    distributed::ReplicatedBufferConfig buffer_config{.size = Ht * Wt * tile_size_bytes};
    auto src_buffer =
        distributed::MeshBuffer::create(buffer_config, dram_config, mesh_device.get());
    auto dst_buffer =
        distributed::MeshBuffer::create(buffer_config, dram_config, mesh_device.get());

    // Logits with a per-row offset (some rows entirely negative or large) and a spread of +-4.
    std::mt19937 rng(31);
    std::uniform_real_distribution<float> spread(-4.0f, 4.0f), offset(-20.0f, 20.0f);
    std::vector<bfloat16> src_vec(M * N);
    for (uint32_t r = 0; r < M; ++r) {
        float row_offset = offset(rng);
        for (uint32_t c = 0; c < N; ++c) src_vec[r * N + c] = bfloat16(row_offset + spread(rng));
    }
    std::vector<bfloat16> src_tiled = tilize_nfaces(src_vec, M, N);
    distributed::EnqueueWriteMeshBuffer(cq, src_buffer, src_tiled, false);

    auto make_cb = [&](tt::CBIndex cb, uint32_t tiles) {
        CreateCircularBuffer(
            program, core,
            CircularBufferConfig(tiles * tile_size_bytes, {{cb, tt::DataFormat::Float16_b}})
                .set_page_size(cb, tile_size_bytes));
    };
    make_cb(CBIndex::c_0, 2 * Wt);  // input rows, double-buffered
    make_cb(CBIndex::c_2, 1);       // reduce scaler
    make_cb(CBIndex::c_16, 2);      // output
    make_cb(CBIndex::c_24, 1);      // row max
    make_cb(CBIndex::c_25, Wt);     // exp(x - max) of one row
    make_cb(CBIndex::c_26, 1);      // 1 / row sum

    std::vector<uint32_t> reader_args = {Ht, Wt};
    TensorAccessorArgs(*src_buffer).append_to(reader_args);
    std::vector<uint32_t> writer_args;
    TensorAccessorArgs(*dst_buffer).append_to(writer_args);
    KernelHandle reader = CreateKernel(program, "examples/softmax/kernels/reader.cpp", core,
                                       ReaderDataMovementConfig(reader_args));
    KernelHandle writer = CreateKernel(program, "examples/softmax/kernels/writer.cpp", core,
                                       WriterDataMovementConfig(writer_args));
    CreateKernel(program, "examples/softmax/kernels/softmax.cpp", core,
                 ComputeConfig{.math_fidelity = MathFidelity::HiFi4,
                               .math_approx_mode = false,
                               .compile_args = {Ht, Wt}});

    const uint16_t one = bfloat16(1.0f).to_uint16();
    const uint32_t packed_scaler = uint32_t(one) << 16 | one;
    SetRuntimeArgs(program, reader, core, {src_buffer->address(), packed_scaler});
    SetRuntimeArgs(program, writer, core, {dst_buffer->address(), Ht * Wt});

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
        std::printf("softmax: %ux%u, device time %llu cycles (%.2f us)\n", M, N, cycles, us);
        std::printf("%s\n", pass ? "PASS (timing mode: results not checked)" : "FAIL");
        return pass ? 0 : 1;
    }

    // fp64 softmax of the bf16 inputs. The device rounds x - max, exp, the running row sum, 1/sum
    // and the output to bf16 (about 2^-9 relative each), so values near 1/N carry a few tenths of a
    // percent of error: max |err| < 0.01 with PCC > 0.999 is bf16's budget.
    std::vector<bfloat16> result = untilize_nfaces(result_tiled, M, N);
    double max_err = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (uint32_t r = 0; r < M; ++r) {
        double mx = -INFINITY, sum = 0;
        for (uint32_t c = 0; c < N; ++c) mx = std::max(mx, double(float(src_vec[r * N + c])));
        for (uint32_t c = 0; c < N; ++c) sum += std::exp(double(float(src_vec[r * N + c])) - mx);
        for (uint32_t c = 0; c < N; ++c) {
            double ref = std::exp(double(float(src_vec[r * N + c])) - mx) / sum;
            double got = float(result[r * N + c]);
            max_err = std::max(max_err, std::abs(got - ref));
            sx += ref, sy += got, sxx += ref * ref, syy += got * got, sxy += ref * got;
        }
    }
    double n = double(M) * N;
    double pcc = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    pass = pass && max_err < 0.01 && pcc > 0.999;
    std::printf("softmax: %ux%u, device time %llu cycles (%.2f us), max |err| %.3g, PCC %.6f\n", M,
                N, cycles, us, max_err, pcc);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
