// eltwise_binary: 64 bf16 tiles added on one core; reader -> compute (add_tiles) -> writer,
// checked against an fp64 host reference.
#include <cmath>
#include <cstdio>
#include <random>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};

    constexpr uint32_t n_tiles = 64;
    constexpr uint32_t elements_per_tile = 32 * 32;
    constexpr uint32_t tile_size_bytes = sizeof(bfloat16) * elements_per_tile;
    InterleavedBufferConfig config{.device = device,
                                   .size = n_tiles * tile_size_bytes,
                                   .page_size = tile_size_bytes,
                                   .buffer_type = BufferType::DRAM};
    auto src0_dram_buffer = CreateBuffer(config);
    auto src1_dram_buffer = CreateBuffer(config);
    auto dst_dram_buffer = CreateBuffer(config);

    std::mt19937 rng(1234);
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<bfloat16> a(elements_per_tile * n_tiles), b(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        a[i] = bfloat16(dist(rng));
        b[i] = bfloat16(dist(rng));
    }
    EnqueueWriteBuffer(cq, src0_dram_buffer, a, false);
    EnqueueWriteBuffer(cq, src1_dram_buffer, b, false);

    constexpr uint32_t tiles_per_cb = 2;
    for (tt::CBIndex cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16})
        CreateCircularBuffer(
            program, core,
            CircularBufferConfig(tiles_per_cb * tile_size_bytes, {{cb, tt::DataFormat::Float16_b}})
                .set_page_size(cb, tile_size_bytes));

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
    SetRuntimeArgs(program, reader, core,
                   {src0_dram_buffer->address(), src1_dram_buffer->address(), n_tiles});
    SetRuntimeArgs(program, writer, core, {dst_dram_buffer->address(), n_tiles});
    SetRuntimeArgs(program, compute, core, {n_tiles});

    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<bfloat16> result;
    EnqueueReadBuffer(cq, dst_dram_buffer, result, true);

    // bf16 inputs add exactly in the FPU; Dst and the packer round the sum to bf16 once.
    double max_err = 0, sum_xy = 0, sum_xx = 0, sum_yy = 0, sum_x = 0, sum_y = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        double ref = double(float(a[i])) + double(float(b[i]));
        double got = float(result[i]);
        max_err = std::max(max_err, std::abs(got - ref));
        sum_x += ref, sum_y += got, sum_xx += ref * ref, sum_yy += got * got, sum_xy += ref * got;
    }
    double n = double(a.size());
    double pcc = (sum_xy - sum_x * sum_y / n) /
                 std::sqrt((sum_xx - sum_x * sum_x / n) * (sum_yy - sum_y * sum_y / n));
    bool pass = max_err <= 2.0 * std::ldexp(1.0, -8) && pcc > 0.9999;
    const auto& st = tensim::last_program_stats(device);
    std::printf(
        "eltwise_binary: %u tiles, max |err| %.3g, PCC %.6f, device time %llu cycles (%.2f us)\n",
        n_tiles, max_err, pcc, static_cast<unsigned long long>(st.device_cycles),
        st.device_time_us);
    CloseDevice(device);
    if (tensim::numerics_mode_name() == "timing") {
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
