// noc_tile_transfer: core 0 reads a tile from DRAM and hands it to core 1 over the NoC, with two
// semaphores for the handshake; core 1 writes it back to DRAM.
#include <cstdio>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    Program program = CreateProgram();

    const CoreCoord core0 = {0, 0};
    const CoreCoord core1 = {0, 1};
    const CoreRange both(core0, core1);
    const CoreCoord core0_noc = device->worker_core_from_logical_core(core0);
    const CoreCoord core1_noc = device->worker_core_from_logical_core(core1);

    constexpr uint32_t tile_bytes = 32 * 32 * sizeof(uint16_t);
    InterleavedBufferConfig dram_config{.device = device,
                                        .size = tile_bytes,
                                        .page_size = tile_bytes,
                                        .buffer_type = BufferType::DRAM};
    auto src_buffer = CreateBuffer(dram_config);
    auto dst_buffer = CreateBuffer(dram_config);

    constexpr uint32_t cb_index = CBIndex::c_0;
    CreateCircularBuffer(program, both,
                         CircularBufferConfig(tile_bytes, {{cb_index, tt::DataFormat::UInt16}})
                             .set_page_size(cb_index, tile_bytes));
    uint32_t ready_sem = CreateSemaphore(program, both, 0);
    uint32_t data_sem = CreateSemaphore(program, both, 0);

    const std::string dir = "examples/noc_tile_transfer/kernels/";
    KernelHandle reader0 =
        CreateKernel(program, dir + "reader0.cpp", core0, ReaderDataMovementConfig{});
    KernelHandle writer0 =
        CreateKernel(program, dir + "writer0.cpp", core0, WriterDataMovementConfig{});
    KernelHandle reader1 =
        CreateKernel(program, dir + "reader1.cpp", core1, ReaderDataMovementConfig{});
    KernelHandle writer1 =
        CreateKernel(program, dir + "writer1.cpp", core1, WriterDataMovementConfig{});

    std::vector<uint16_t> input(tile_bytes / sizeof(uint16_t));
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint16_t>(i * 7 + 3);
    EnqueueWriteBuffer(cq, src_buffer, input, false);

    SetRuntimeArgs(program, reader0, core0, {src_buffer->address()});
    SetRuntimeArgs(program, writer0, core0,
                   {uint32_t(core1_noc.x), uint32_t(core1_noc.y), ready_sem, data_sem});
    SetRuntimeArgs(program, reader1, core1,
                   {uint32_t(core0_noc.x), uint32_t(core0_noc.y), ready_sem, data_sem});
    SetRuntimeArgs(program, writer1, core1, {dst_buffer->address()});
    EnqueueProgram(cq, program, false);
    Finish(cq);

    std::vector<uint16_t> output;
    EnqueueReadBuffer(cq, dst_buffer, output, true);
    bool pass = output == input;
    std::printf("tile moved core (0,0) -> core (0,1): device time %llu cycles\n",
                static_cast<unsigned long long>(tensim::last_program_stats(device).device_cycles));
    CloseDevice(device);
    std::printf("%s\n", pass ? "PASS" : "FAIL: output tile differs from input");
    return pass ? 0 : 1;
}
