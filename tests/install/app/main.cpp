// A host program built outside tensim's tree against the installed package only (find_package or
// pkg-config): one data-movement kernel of its own adds a value to a DRAM buffer, checked against
// the host; a bundled kernel is found under the installed data root. Exit status 0 is a pass.
#include <cstdint>
#include <cstdio>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main() {
    constexpr uint32_t words = 256, value = 7;
    IDevice* device = CreateDevice(0);
    CommandQueue& cq = device->command_queue();
    const CoreCoord core{0, 0};

    InterleavedBufferConfig dram{.device = device,
                                 .size = words * 4,
                                 .page_size = words * 4,
                                 .buffer_type = BufferType::DRAM};
    auto src = CreateBuffer(dram);
    auto dst = CreateBuffer(dram);
    std::vector<uint32_t> input(words);
    for (uint32_t i = 0; i < words; ++i) input[i] = i * 2654435761u;
    EnqueueWriteBuffer(cq, src, input, false);

    Program program = CreateProgram();
    CreateCircularBuffer(program, core,
                         CircularBufferConfig(words * 4, {{CBIndex::c_0, tt::DataFormat::UInt32}})
                             .set_page_size(CBIndex::c_0, words * 4));
    // Relative to the working directory, as tt-metal's examples name their kernels.
    KernelHandle k = CreateKernel(program, "kernels/add_value.cpp", core,
                                  DataMovementConfig{.compile_args = {value}});
    SetRuntimeArgs(program, k, core, {src->address(), dst->address(), words});
    EnqueueProgram(cq, program, true);

    std::vector<uint32_t> got;
    EnqueueReadBuffer(cq, dst, got, true);
    bool pass = got.size() == words;
    for (uint32_t i = 0; pass && i < words; ++i) pass = got[i] == input[i] + value;

    // A bundled kernel resolves under the installed share/tensim (this program never runs it).
    Program unused = CreateProgram();
    CreateKernel(unused, "kernels/eltwise/reader_binary_interleaved_start_id.cpp", core,
                 DataMovementConfig{});
    CloseDevice(device);
    std::printf("%s\n", pass ? "PASS" : "FAIL: device result differs from the host's");
    return pass ? 0 : 1;
}
