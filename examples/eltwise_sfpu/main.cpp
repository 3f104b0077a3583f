// eltwise_sfpu: exp over 64 bf16 tiles on one core. reader_unary -> eltwise_sfpu (copy_tile, then
// the SFPU op chain the host passes in the SFPU_OP_CHAIN_0 define) -> writer_unary; checked
// against an fp64 exp of the bf16 inputs.
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
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

    constexpr uint32_t num_tiles = 64;
    constexpr uint32_t elements_per_tile = 32 * 32;
    constexpr uint32_t single_tile_size = sizeof(bfloat16) * elements_per_tile;
    constexpr uint32_t dram_buffer_size = single_tile_size * num_tiles;

    // Input and output each live in one DRAM bank as a single page; the kernels walk it by tiles.
    InterleavedBufferConfig dram_config{.device = device,
                                        .size = dram_buffer_size,
                                        .page_size = dram_buffer_size,
                                        .buffer_type = BufferType::DRAM};
    std::shared_ptr<Buffer> src0_dram_buffer = CreateBuffer(dram_config);
    std::shared_ptr<Buffer> dst_dram_buffer = CreateBuffer(dram_config);

    // Double-buffered input and output CBs.
    constexpr uint32_t src0_cb_index = CBIndex::c_0;
    constexpr uint32_t num_input_tiles = 2;
    CircularBufferConfig cb_src0_config =
        CircularBufferConfig(num_input_tiles * single_tile_size,
                             {{src0_cb_index, tt::DataFormat::Float16_b}})
            .set_page_size(src0_cb_index, single_tile_size);
    CreateCircularBuffer(program, core, cb_src0_config);
    constexpr uint32_t output_cb_index = CBIndex::c_16;
    constexpr uint32_t num_output_tiles = 2;
    CircularBufferConfig cb_output_config =
        CircularBufferConfig(num_output_tiles * single_tile_size,
                             {{output_cb_index, tt::DataFormat::Float16_b}})
            .set_page_size(output_cb_index, single_tile_size);
    CreateCircularBuffer(program, core, cb_output_config);

    KernelHandle unary_reader_kernel_id =
        CreateKernel(program, "examples/eltwise_sfpu/kernels/reader_unary.cpp", core,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_1,
                                        .noc = NOC::RISCV_1_default});
    KernelHandle unary_writer_kernel_id =
        CreateKernel(program, "examples/eltwise_sfpu/kernels/writer_unary.cpp", core,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_0_default});

    // per_core_block_cnt tiles of per_core_block_dim = 1 tile each.
    std::vector<uint32_t> compute_kernel_args = {num_tiles, 1};
    constexpr bool math_approx_mode = false;
    const std::map<std::string, std::string> sfpu_defines = {
        {"SFPU_OP_EXP_INCLUDE", "1"}, {"SFPU_OP_CHAIN_0", "exp_tile_init(); exp_tile(0);"}};
    CreateKernel(program, "examples/eltwise_sfpu/kernels/eltwise_sfpu.cpp", core,
                 ComputeConfig{.math_approx_mode = math_approx_mode,
                               .compile_args = compute_kernel_args,
                               .defines = sfpu_defines});

    // Inputs in [-2, 2], where exp is well conditioned (relative error of exp = |x| x that of x).
    std::mt19937 rng(99);
    std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
    std::vector<bfloat16> src0_vec(elements_per_tile * num_tiles);
    for (auto& v : src0_vec) v = bfloat16(dist(rng));
    EnqueueWriteBuffer(cq, src0_dram_buffer, src0_vec, false);

    SetRuntimeArgs(program, unary_reader_kernel_id, core,
                   {src0_dram_buffer->address(), 0, num_tiles});
    SetRuntimeArgs(program, unary_writer_kernel_id, core,
                   {dst_dram_buffer->address(), 0, num_tiles});

    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<bfloat16> result_vec;
    EnqueueReadBuffer(cq, dst_dram_buffer, result_vec, true);
    const auto& st = tensim::last_program_stats(device);
    const unsigned long long cycles = st.device_cycles;
    const double us = st.device_time_us;
    CloseDevice(device);

    if (tensim::numerics_mode_name() == "timing") {
        std::printf("eltwise_sfpu (exp): %u tiles, device time %llu cycles (%.2f us)\n", num_tiles,
                    cycles, us);
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }

    // fp64 exp of the bf16 inputs. The result is rounded to bf16 (relative 2^-9) on its way out;
    // allow 1.5% relative error for the SFPU's precise exp plus that rounding.
    constexpr double rel_tol = 0.015;
    double max_err = 0, max_rel = 0, sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    bool pass = result_vec.size() == src0_vec.size();
    for (size_t i = 0; pass && i < src0_vec.size(); ++i) {
        double ref = std::exp(double(float(src0_vec[i])));
        double got = float(result_vec[i]);
        max_err = std::max(max_err, std::abs(got - ref));
        max_rel = std::max(max_rel, std::abs(got - ref) / ref);
        sx += ref, sy += got, sxx += ref * ref, syy += got * got, sxy += ref * got;
    }
    double n = double(src0_vec.size());
    double pcc = (sxy - sx * sy / n) / std::sqrt((sxx - sx * sx / n) * (syy - sy * sy / n));
    pass = pass && max_rel <= rel_tol && pcc > 0.9999;
    std::printf(
        "eltwise_sfpu (exp): %u tiles, device time %llu cycles (%.2f us), max |err| %.3g "
        "(max relative %.3g), PCC %.6f\n",
        num_tiles, cycles, us, max_err, max_rel, pcc);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
