// All-gather on a T3000: eight chips in a ring, each holding a [32 x 1024] bfloat16 shard, gather
// them along the columns into [32 x 8192] on every chip, as the Llama-70B decode all-gather on a
// T3000 does (TT-NN's all_gather_async on the fabric; shared/reference/llm_layers.md section 2).
// Each chip's workers multicast its shard round the ring, half the ring each way, through the
// fabric routers on the Ethernet cores. Checks every gathered element and prints the cycles.
#include <cstdio>
#include <tt-metalium/host_api.hpp>
#include <vector>

#include "tensim/host/tensim.hpp"
#include "tensim/ops/ccl.hpp"

using namespace tensim::ops;
using tt::tt_metal::IDevice;

int main() {
    tensim::set_system("t3000");
    std::vector<IDevice*> devices;
    for (size_t i = 0; i < tt::tt_metal::GetNumAvailableDevices(); ++i)
        devices.push_back(tt::tt_metal::CreateDevice(static_cast<int>(i)));
    const auto chain =
        tensim::fabric::Fabric::find_chain(devices, 8, tensim::fabric::Topology::ring, 1);

    const Shape shard{1, 32, 1024};
    // Element (r, c) of chip i's shard: distinct per chip, exact in bfloat16.
    auto value = [](size_t chip, uint32_t r, uint32_t c) {
        return float(int(chip * 64 + (r * 7 + c) % 64) - 256);
    };
    std::vector<Tensor> in;
    for (size_t i = 0; i < chain.size(); ++i) {
        std::vector<float> v(size_t(shard.rows) * shard.cols);
        for (uint32_t r = 0; r < shard.rows; ++r)
            for (uint32_t c = 0; c < shard.cols; ++c) v[r * shard.cols + c] = value(i, r, c);
        in.push_back(Tensor::from_host(chain[i], v, shard, DType::bfloat16));
    }
    CclConfig cfg;
    cfg.topology = tensim::fabric::Topology::ring;
    CclPlan plan;
    std::vector<Tensor> out = all_gather(in, cfg, &plan);

    const bool check = tensim::numerics_mode_name() != "timing";
    size_t bad = 0;
    for (size_t chip = 0; check && chip < out.size(); ++chip) {
        const auto v = out[chip].to_host();
        const uint32_t cols = shard.cols * 8;
        for (uint32_t r = 0; r < shard.rows; ++r)
            for (uint32_t c = 0; c < cols; ++c)
                if (v[r * cols + c] != value(c / shard.cols, r, c % shard.cols)) ++bad;
    }
    in.clear();
    out.clear();
    for (auto* d : devices) tt::tt_metal::CloseDevice(d);
    std::printf("%s\n", plan.describe().c_str());
    if (bad) {
        std::printf("FAIL: %zu wrong elements\n", bad);
        return 1;
    }
    std::printf(
        "PASS: all_gather of 8 x [32 x 1024] bfloat16 on a T3000 ring: %llu cycles (%.2f us)\n",
        static_cast<unsigned long long>(plan.device_cycles), plan.device_time_us);
    return 0;
}
