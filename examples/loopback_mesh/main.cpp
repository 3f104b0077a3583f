// loopback_mesh: the [N] (mesh API) loopback. DRAM -> L1 -> DRAM on one core of a unit mesh,
// 50 bf16 tiles interleaved over the DRAM banks one tile per page, addressed with TensorAccessor.
#include <cstdio>
#include <random>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/constants.hpp>
#include <tt-metalium/distributed.hpp>
#include <tt-metalium/host_api.hpp>
#include <tt-metalium/tensor_accessor_args.hpp>
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

    constexpr uint32_t num_tiles = 50;
    constexpr uint32_t elements_per_tile = constants::TILE_WIDTH * constants::TILE_HEIGHT;
    constexpr uint32_t tile_size_bytes = sizeof(bfloat16) * elements_per_tile;
    distributed::DeviceLocalBufferConfig dram_config{.page_size = tile_size_bytes,
                                                     .buffer_type = BufferType::DRAM};
    distributed::DeviceLocalBufferConfig l1_config{.page_size = tile_size_bytes,
                                                   .buffer_type = BufferType::L1};
    distributed::ReplicatedBufferConfig dram_buffer_config{.size = num_tiles * tile_size_bytes};
    distributed::ReplicatedBufferConfig l1_buffer_config{.size = tile_size_bytes};

    auto l1_buffer =
        distributed::MeshBuffer::create(l1_buffer_config, l1_config, mesh_device.get());
    auto input_dram_buffer =
        distributed::MeshBuffer::create(dram_buffer_config, dram_config, mesh_device.get());
    auto output_dram_buffer =
        distributed::MeshBuffer::create(dram_buffer_config, dram_config, mesh_device.get());

    std::vector<bfloat16> input(elements_per_tile * num_tiles);
    std::mt19937 rng(42);
    std::uniform_real_distribution<float> dist(-100.0f, 100.0f);
    for (auto& v : input) v = bfloat16(dist(rng));
    distributed::EnqueueWriteMeshBuffer(cq, input_dram_buffer, input, false);

    std::vector<uint32_t> compile_time_args;
    TensorAccessorArgs(*input_dram_buffer).append_to(compile_time_args);
    TensorAccessorArgs(*output_dram_buffer).append_to(compile_time_args);
    KernelHandle dram_copy_kernel_id =
        CreateKernel(program, "examples/loopback_mesh/kernels/loopback_dram_copy.cpp", core,
                     DataMovementConfig{.processor = DataMovementProcessor::RISCV_0,
                                        .noc = NOC::RISCV_0_default,
                                        .compile_args = compile_time_args});
    SetRuntimeArgs(program, dram_copy_kernel_id, core,
                   {l1_buffer->address(), input_dram_buffer->address(),
                    output_dram_buffer->address(), num_tiles});

    workload.add_program(device_range, std::move(program));
    distributed::EnqueueMeshWorkload(cq, workload, false);
    distributed::Finish(cq);

    std::vector<bfloat16> result;
    distributed::EnqueueReadMeshBuffer(cq, result, output_dram_buffer, true);
    bool pass = result.size() == input.size();
    for (size_t i = 0; pass && i < input.size(); ++i)
        pass = result[i].to_uint16() == input[i].to_uint16();

    const auto& stats = tensim::last_program_stats(mesh_device.get());
    std::printf("loopback_mesh: %u tiles, device time %llu cycles (%.2f us)\n", num_tiles,
                static_cast<unsigned long long>(stats.device_cycles), stats.device_time_us);
    pass &= mesh_device->close();
    std::printf("%s\n", pass ? "PASS" : "FAIL: output differs from input");
    return pass ? 0 : 1;
}
