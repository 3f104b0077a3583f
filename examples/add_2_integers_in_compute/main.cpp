// add_2_integers_in_compute: two bf16 tiles of small integers, read from DRAM by NCRISC, added on
// the FPU (add_tiles), written back by BRISC. Small integers are exact in bf16, so the sum must
// match the fp64 reference exactly.
#include <cmath>
#include <cstdio>
#include <random>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    // Initialize the device, its command queue and a program.
    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};

    // One bf16 tile per DRAM buffer, each a single page in one bank.
    constexpr uint32_t elements_per_tile = 32 * 32;
    constexpr uint32_t single_tile_size = sizeof(bfloat16) * elements_per_tile;
    InterleavedBufferConfig dram_config{.device = device,
                                        .size = single_tile_size,
                                        .page_size = single_tile_size,
                                        .buffer_type = BufferType::DRAM};
    std::shared_ptr<Buffer> src0_dram_buffer = CreateBuffer(dram_config);
    std::shared_ptr<Buffer> src1_dram_buffer = CreateBuffer(dram_config);
    std::shared_ptr<Buffer> dst_dram_buffer = CreateBuffer(dram_config);
    uint32_t src0_bank_id = 0;
    uint32_t src1_bank_id = 0;
    uint32_t dst_bank_id = 0;

    // Circular buffers the compute engine reads from (c_0, c_1) and writes to (c_16).
    constexpr uint32_t num_tiles = 1;
    for (tt::CBIndex cb : {CBIndex::c_0, CBIndex::c_1, CBIndex::c_16})
        CreateCircularBuffer(
            program, core,
            CircularBufferConfig(num_tiles * single_tile_size, {{cb, tt::DataFormat::Float16_b}})
                .set_page_size(cb, single_tile_size));

    KernelHandle binary_reader_kernel_id = CreateKernel(
        program, "examples/add_2_integers_in_compute/kernels/reader_binary_1_tile.cpp", core,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                           .noc = NOC::RISCV_1_default});
    KernelHandle unary_writer_kernel_id =
        CreateKernel(program, "examples/add_2_integers_in_compute/kernels/writer_1_tile.cpp", core,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_0_default});
    std::vector<uint32_t> compute_kernel_args = {};
    KernelHandle eltwise_binary_kernel_id =
        CreateKernel(program, "examples/add_2_integers_in_compute/kernels/add_2_tiles.cpp", core,
                     ComputeConfig{.math_fidelity = MathFidelity::HiFi4,
                                   .fp32_dest_acc_en = false,
                                   .math_approx_mode = false,
                                   .compile_args = compute_kernel_args});

    // Integers in [-64, 64]: exact in bf16 (8 significant bits), and so is their sum.
    std::mt19937 rng(2024);
    std::uniform_int_distribution<int> dist(-64, 64);
    std::vector<bfloat16> src0_vec(elements_per_tile), src1_vec(elements_per_tile);
    for (uint32_t i = 0; i < elements_per_tile; ++i) {
        src0_vec[i] = bfloat16(float(dist(rng)));
        src1_vec[i] = bfloat16(float(dist(rng)));
    }
    EnqueueWriteBuffer(cq, src0_dram_buffer, src0_vec, false);
    EnqueueWriteBuffer(cq, src1_dram_buffer, src1_vec, false);

    SetRuntimeArgs(
        program, binary_reader_kernel_id, core,
        {src0_dram_buffer->address(), src1_dram_buffer->address(), src0_bank_id, src1_bank_id});
    SetRuntimeArgs(program, eltwise_binary_kernel_id, core, {});
    SetRuntimeArgs(program, unary_writer_kernel_id, core,
                   {dst_dram_buffer->address(), dst_bank_id});

    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<bfloat16> result_vec;
    EnqueueReadBuffer(cq, dst_dram_buffer, result_vec, true);
    const auto& st = tensim::last_program_stats(device);
    const unsigned long long cycles = st.device_cycles;
    const double us = st.device_time_us;
    CloseDevice(device);

    if (tensim::numerics_mode_name() == "timing") {
        std::printf("add_2_integers_in_compute: 1 tile, device time %llu cycles (%.2f us)\n",
                    cycles, us);
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }

    // fp64 reference; the sums are exact, so any difference is an error.
    double max_err = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    bool exact = result_vec.size() == elements_per_tile;
    for (uint32_t i = 0; exact && i < elements_per_tile; ++i) {
        double ref = double(float(src0_vec[i])) + double(float(src1_vec[i]));
        double got = float(result_vec[i]);
        max_err = std::max(max_err, std::abs(got - ref));
        if (got != ref) exact = false;
        sx += ref, sy += got, sxx += ref * ref, syy += got * got, sxy += ref * got;
    }
    double n = elements_per_tile;
    double pcc = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    bool pass = exact && max_err == 0.0 && pcc > 0.99999;
    std::printf(
        "add_2_integers_in_compute: 1 tile, device time %llu cycles (%.2f us), max |err| %.3g, PCC "
        "%.6f "
        "(e.g. %g + %g = %g)\n",
        cycles, us, max_err, pcc, float(src0_vec[0]), float(src1_vec[0]),
        result_vec.empty() ? 0.0f : float(result_vec[0]));
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
