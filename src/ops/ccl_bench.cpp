// tensim::ops::run_ccl: one collective on the chips of the current system, as `tensim ccl` and
// the `ccl` calibration kind run it, with nccl-tests' bandwidth figures.
#include <fmt/format.h>

#include <cmath>
#include <random>
#include <tt-metalium/host_api.hpp>

#include "common/error.hpp"
#include "tensim/host/tensim.hpp"
#include "tensim/ops/ccl.hpp"

namespace tensim::ops {

CclBenchResult run_ccl(CclOp op, uint32_t n, uint64_t bytes, DType dtype, const CclConfig& cfg,
                       uint32_t seed) {
    const size_t avail = tt::tt_metal::GetNumAvailableDevices();
    if (n < 2 || n > avail)
        throw std::invalid_argument(
            fmt::format("{} devices asked, the system {} has {}", n, tensim::system_name(), avail));
    // Tiles per chip of the buffer the convention counts (all_gather: the output).
    const uint64_t tb = tile_bytes(dtype);
    uint64_t tiles = (bytes + tb - 1) / tb;
    tiles = (tiles + n - 1) / n * n;  // whole tiles per chip slice
    const uint32_t in_tiles = static_cast<uint32_t>(op == CclOp::all_gather ? tiles / n : tiles);
    const Shape shape{1, 32, in_tiles * 32};
    CclBenchResult r;
    r.bytes = tiles * tb;

    std::vector<tt::tt_metal::IDevice*> all;
    for (size_t i = 0; i < avail; ++i)
        all.push_back(tt::tt_metal::CreateDevice(static_cast<int>(i)));
    try {
        const auto chain = fabric::Fabric::find_chain(all, n, cfg.topology, cfg.num_links);
        for (auto* d : chain) r.chips.push_back(d->id());
        const bool check = tensim::numerics_mode_name() != "timing";
        const MemoryConfig mem = cfg.out_mem.value_or(MemoryConfig::dram_interleaved());
        std::mt19937 rng(seed);
        std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
        std::vector<Tensor> in;
        std::vector<std::vector<float>> host;
        for (auto* d : chain) {
            if (!check) {
                in.push_back(Tensor::allocate(d, shape, dtype, mem));
                continue;
            }
            std::vector<float> v(size_t(shape.rows) * shape.cols);
            for (float& x : v) x = dist(rng);
            in.push_back(Tensor::from_host(d, v, shape, dtype, mem));
            host.push_back(in.back().to_host());  // as the device holds it
        }
        std::vector<Tensor> out;
        switch (op) {
            case CclOp::all_gather:
                out = all_gather(in, cfg, &r.plan);
                break;
            case CclOp::reduce_scatter:
                out = reduce_scatter(in, cfg, &r.plan);
                break;
            case CclOp::all_reduce:
                out = all_reduce(in, cfg, &r.plan);
                break;
            case CclOp::all_to_all:
                out = all_to_all(in, cfg, &r.plan);
                break;
        }
        if (check) {
            const auto ref = op == CclOp::all_gather       ? all_gather_reference(host, shape)
                             : op == CclOp::reduce_scatter ? reduce_scatter_reference(host, shape)
                             : op == CclOp::all_reduce     ? all_reduce_reference(host, shape)
                                                           : all_to_all_reference(host, shape);
            double err = 0;
            for (size_t i = 0; i < out.size(); ++i) {
                const auto got = out[i].to_host();
                for (size_t e = 0; e < got.size(); ++e)
                    err = std::max(err, double(std::fabs(got[e] - ref[i][e])));
            }
            r.max_abs_error = err;
        }
        in.clear();
        out.clear();
    } catch (...) {
        for (auto* d : all) tt::tt_metal::CloseDevice(d);
        throw;
    }
    for (auto* d : all) tt::tt_metal::CloseDevice(d);
    r.device_time_us = r.plan.device_time_us;
    const double dn = n;
    r.algbw_gbps = r.device_time_us > 0 ? double(r.bytes) / (r.device_time_us * 1e3) : 0;
    const double factor = op == CclOp::all_reduce ? 2 * (dn - 1) / dn : (dn - 1) / dn;
    r.busbw_gbps = r.algbw_gbps * factor;
    const double dirs = r.plan.topology == fabric::Topology::ring ? 2 : 1;
    r.link_gbps = (op == CclOp::all_to_all ? r.algbw_gbps : r.busbw_gbps) /
                  (dirs * std::max<uint32_t>(1, r.plan.num_links));
    return r;
}

}  // namespace tensim::ops
