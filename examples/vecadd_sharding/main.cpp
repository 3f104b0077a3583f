// vecadd_sharding: c = a + b with all three tensors sharded in L1 over 4 cores (height, width or
// block sharding), circular buffers placed on the shards, and a compute kernel only.
//   vecadd_sharding [height|width|block]
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <tt-metalium/bfloat16.hpp>
#include <tt-metalium/host_api.hpp>
#include <vector>

using namespace tt;
using namespace tt::tt_metal;

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "height";
    IDevice* device = CreateDevice(0);
    Program program = CreateProgram();

    // A 128 x 128 bf16 tensor = 4 x 4 tiles, one tile per page, over 4 cores.
    constexpr uint32_t tile_bytes = 32 * 32 * sizeof(bfloat16);
    const std::array<uint32_t, 2> tensor_pages = {4, 4};
    TensorMemoryLayout layout = TensorMemoryLayout::HEIGHT_SHARDED;
    CoreRangeSet cores(CoreRange({0, 0}, {0, 3}));
    std::array<uint32_t, 2> shard = {32, 128};  // elements: one tile row per core
    if (mode == "width") {
        layout = TensorMemoryLayout::WIDTH_SHARDED;
        cores = CoreRangeSet(CoreRange({0, 0}, {3, 0}));
        shard = {128, 32};
    } else if (mode == "block") {
        layout = TensorMemoryLayout::BLOCK_SHARDED;
        cores = CoreRangeSet(CoreRange({0, 0}, {1, 1}));
        shard = {64, 64};
    }
    const uint32_t tiles_per_core = (shard[0] / 32) * (shard[1] / 32);
    ShardSpecBuffer spec(cores, shard, ShardOrientation::ROW_MAJOR, {32, 32}, tensor_pages);
    ShardedBufferConfig config{.device = device,
                               .size = 16 * tile_bytes,
                               .page_size = tile_bytes,
                               .buffer_type = BufferType::L1,
                               .buffer_layout = layout,
                               .shard_parameters = spec};
    auto a = CreateBuffer(config), b = CreateBuffer(config), c = CreateBuffer(config);

    std::mt19937 rng(5);
    std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
    std::vector<bfloat16> va(16 * 1024), vb(va.size());
    for (size_t i = 0; i < va.size(); ++i) va[i] = bfloat16(dist(rng)), vb[i] = bfloat16(dist(rng));
    detail::WriteToBuffer(a, va);
    detail::WriteToBuffer(b, vb);

    for (auto [cb, buf] :
         {std::pair{CBIndex::c_0, a}, std::pair{CBIndex::c_1, b}, std::pair{CBIndex::c_16, c}})
        CreateCircularBuffer(
            program, cores,
            CircularBufferConfig(tiles_per_core * tile_bytes, {{cb, tt::DataFormat::Float16_b}})
                .set_page_size(cb, tile_bytes)
                .set_globally_allocated_address(*buf));
    CreateKernel(program, "examples/vecadd_sharding/kernels/add_sharding.cpp", cores,
                 ComputeConfig{.compile_args = {tiles_per_core}});
    detail::LaunchProgram(device, program);

    std::vector<bfloat16> vc;
    detail::ReadFromBuffer(c, vc);
    double max_err = 0;
    for (size_t i = 0; i < va.size(); ++i)
        max_err = std::max(max_err, std::abs(double(float(vc[i])) -
                                             (double(float(va[i])) + double(float(vb[i])))));
    std::printf(
        "vecadd_sharding (%s): 16 tiles on 4 cores, device time %llu cycles, max |err| %.4g\n",
        mode.c_str(),
        static_cast<unsigned long long>(tensim::last_program_stats(device).device_cycles), max_err);
    CloseDevice(device);
    if (tensim::numerics_mode_name() == "timing") {
        std::printf("PASS (timing mode: results not checked)\n");
        return 0;
    }
    bool pass =
        vc.size() == va.size() && max_err <= 1.0 / 32;  // one bf16 rounding of values below 8
    std::printf("%s\n", pass ? "PASS" : "FAIL");
    return pass ? 0 : 1;
}
