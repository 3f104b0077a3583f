// loopback: DRAM -> L1 -> DRAM on one core, 50 bf16 tiles interleaved over the DRAM banks.
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

    KernelHandle dram_copy_kernel_id =
        CreateKernel(program, "examples/loopback/kernels/loopback_dram_copy.cpp", core,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_0_default});

    constexpr uint32_t num_tiles = 50;
    constexpr uint32_t tile_size_bytes = 32 * 32 * sizeof(bfloat16);
    InterleavedBufferConfig l1_config{.device = device,
                                      .size = tile_size_bytes,
                                      .page_size = tile_size_bytes,
                                      .buffer_type = BufferType::L1};
    InterleavedBufferConfig dram_config{.device = device,
                                        .size = num_tiles * tile_size_bytes,
                                        .page_size = tile_size_bytes,
                                        .buffer_type = BufferType::DRAM};
    auto l1_buffer = CreateBuffer(l1_config);
    auto input_dram_buffer = CreateBuffer(dram_config);
    auto output_dram_buffer = CreateBuffer(dram_config);

    std::vector<bfloat16> input(num_tiles * 32 * 32);
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
    for (auto& v : input) v = bfloat16(dist(rng));
    EnqueueWriteBuffer(cq, input_dram_buffer, input, false);

    SetRuntimeArgs(program, dram_copy_kernel_id, core,
                   {l1_buffer->address(), input_dram_buffer->address(),
                    output_dram_buffer->address(), num_tiles});
    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<bfloat16> result;
    EnqueueReadBuffer(cq, output_dram_buffer, result, true);
    bool pass = result.size() == input.size();
    for (size_t i = 0; pass && i < input.size(); ++i)
        pass = result[i].to_uint16() == input[i].to_uint16();

    const auto& stats = tensim::last_program_stats(device);
    std::printf("loopback: %u tiles, device time %llu cycles (%.2f us)\n", num_tiles,
                static_cast<unsigned long long>(stats.device_cycles), stats.device_time_us);
    CloseDevice(device);
    std::printf("%s\n", pass ? "PASS" : "FAIL: output differs from input");
    return pass ? 0 : 1;
}
