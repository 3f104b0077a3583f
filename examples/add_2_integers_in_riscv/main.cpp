// add_2_integers_in_riscv: one data-movement kernel reads two integers from DRAM, adds them on
// the RISC-V and writes the sum back.
#include <cstdio>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();
    constexpr CoreCoord core = {0, 0};

    constexpr uint32_t single_tile_size = 2 * 1024;
    InterleavedBufferConfig dram_config{.device = device,
                                        .size = single_tile_size,
                                        .page_size = single_tile_size,
                                        .buffer_type = BufferType::DRAM};
    auto src0_dram_buffer = CreateBuffer(dram_config);
    auto src1_dram_buffer = CreateBuffer(dram_config);
    auto dst_dram_buffer = CreateBuffer(dram_config);

    // Two one-tile CBs give the kernel L1 scratch space for its operands.
    constexpr uint32_t src0_cb_index = CBIndex::c_0;
    CircularBufferConfig cb_src0_config =
        CircularBufferConfig(single_tile_size, {{src0_cb_index, tt::DataFormat::Float16_b}})
            .set_page_size(src0_cb_index, single_tile_size);
    CreateCircularBuffer(program, core, cb_src0_config);
    constexpr uint32_t src1_cb_index = CBIndex::c_1;
    CircularBufferConfig cb_src1_config =
        CircularBufferConfig(single_tile_size, {{src1_cb_index, tt::DataFormat::Float16_b}})
            .set_page_size(src1_cb_index, single_tile_size);
    CreateCircularBuffer(program, core, cb_src1_config);

    KernelHandle binary_reader_kernel_id = CreateKernel(
        program, "examples/add_2_integers_in_riscv/kernels/reader_writer_add_in_riscv.cpp", core,
        DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                           .noc = NOC::RISCV_0_default});

    std::vector<uint32_t> src0_vec(single_tile_size / sizeof(uint32_t), 0),
        src1_vec(src0_vec.size(), 0);
    src0_vec[0] = 14;
    src1_vec[0] = 7;
    EnqueueWriteBuffer(cq, src0_dram_buffer, src0_vec, false);
    EnqueueWriteBuffer(cq, src1_dram_buffer, src1_vec, false);

    // Each single-page buffer lives in bank 0.
    SetRuntimeArgs(program, binary_reader_kernel_id, core,
                   {src0_dram_buffer->address(), src1_dram_buffer->address(),
                    dst_dram_buffer->address(), 0, 0, 0});
    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<uint32_t> result_vec;
    EnqueueReadBuffer(cq, dst_dram_buffer, result_vec, true);
    uint32_t expected = src0_vec[0] + src1_vec[0];
    bool pass = !result_vec.empty() && result_vec[0] == expected;
    std::printf("Result = %u (expected %u)\n", result_vec.empty() ? 0u : result_vec[0], expected);
    std::printf("device time %llu cycles\n",
                static_cast<unsigned long long>(tensim::last_program_stats(device).device_cycles));
    CloseDevice(device);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
