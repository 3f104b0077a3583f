// multicast: a coordinator core multicasts one tile to a 3x4 rectangle of receiver cores; every
// receiver writes its copy to DRAM, and the host checks all twelve.
#include <cstdio>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();

    const CoreCoord coordinator = {0, 0};
    const CoreRange receivers({1, 0}, {3, 3});
    const CoreRange all({0, 0}, {3, 3});
    const uint32_t num_dests = static_cast<uint32_t>(receivers.size());
    const CoreCoord start = device->worker_core_from_logical_core(receivers.start_coord);
    const CoreCoord end = device->worker_core_from_logical_core(receivers.end_coord);
    const CoreCoord coord_noc = device->worker_core_from_logical_core(coordinator);

    constexpr uint32_t tile_bytes = 32 * 32 * sizeof(bfloat16);
    auto src_buffer = CreateBuffer(InterleavedBufferConfig{.device = device,
                                                           .size = tile_bytes,
                                                           .page_size = tile_bytes,
                                                           .buffer_type = BufferType::DRAM});
    auto dst_buffer = CreateBuffer(InterleavedBufferConfig{.device = device,
                                                           .size = num_dests * tile_bytes,
                                                           .page_size = tile_bytes,
                                                           .buffer_type = BufferType::DRAM});

    constexpr uint32_t cb_index = CBIndex::c_0;
    CreateCircularBuffer(program, all,
                         CircularBufferConfig(tile_bytes, {{cb_index, tt::DataFormat::Float16_b}})
                             .set_page_size(cb_index, tile_bytes));
    uint32_t ready_sem = CreateSemaphore(program, all, 0);
    uint32_t go_sem = CreateSemaphore(program, all, INVALID);

    const std::string dir = "examples/multicast/kernels/";
    KernelHandle coord_kernel =
        CreateKernel(program, dir + "coordinator.cpp", coordinator,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_0_default});
    KernelHandle inbound =
        CreateKernel(program, dir + "inbound.cpp", receivers, ReaderDataMovementConfig{});
    KernelHandle outbound =
        CreateKernel(program, dir + "outbound.cpp", receivers, WriterDataMovementConfig{});

    std::vector<uint32_t> input = create_random_vector_of_bfloat16(tile_bytes, 100, 7);
    EnqueueWriteBuffer(cq, src_buffer, input, false);

    SetRuntimeArgs(program, coord_kernel, coordinator,
                   {uint32_t(start.x), uint32_t(start.y), uint32_t(end.x), uint32_t(end.y),
                    num_dests, src_buffer->address(), ready_sem, go_sem});
    uint32_t page = 0;
    for (const CoreCoord& c : receivers) {
        SetRuntimeArgs(program, inbound, c,
                       {uint32_t(coord_noc.x), uint32_t(coord_noc.y), ready_sem, go_sem});
        SetRuntimeArgs(program, outbound, c, {dst_buffer->address(), page++});
    }
    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<uint32_t> output;
    EnqueueReadBuffer(cq, dst_buffer, output, true);
    const size_t words = input.size();
    bool pass = output.size() == words * num_dests;
    for (uint32_t r = 0; pass && r < num_dests; ++r)
        for (size_t i = 0; pass && i < words; ++i)
            if (output[r * words + i] != input[i]) {
                std::printf("receiver %u: word %zu is 0x%08x, expected 0x%08x\n", r, i,
                            output[r * words + i], input[i]);
                pass = false;
            }
    std::printf("multicast to %u cores: device time %llu cycles\n", num_dests,
                static_cast<unsigned long long>(tensim::last_program_stats(device).device_cycles));
    CloseDevice(device);
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
